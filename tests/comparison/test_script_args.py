"""Scripts that import the backend module named on their command line."""

from __future__ import annotations

from pathlib import Path

from pynn_hw.comparison.script_args import prepare_script_args, takes_module_argument
from pynn_hw.comparison.worker import substitute_module

VA_COBA = Path(__file__).resolve().parents[3] / "shared" / "bench" / "va_coba.py"
HERE = Path(__file__).parent / "scripts"


def test_va_coba_and_the_test_script_are_recognised(tmp_path):
    if VA_COBA.exists():
        assert takes_module_argument(VA_COBA)
    assert takes_module_argument(HERE / "module_arg.py")
    assert not takes_module_argument(HERE / "small_net.py")


def test_variants_of_the_convention(tmp_path):
    direct = tmp_path / "direct.py"
    direct.write_text("import sys, importlib\nsim = importlib.import_module(sys.argv[1])\n")
    dunder = tmp_path / "dunder.py"
    dunder.write_text("import sys\nname = sys.argv[1]\nsim = __import__(name)\n")
    other = tmp_path / "other.py"
    other.write_text("import sys, importlib\nn = sys.argv[2]\nsim = importlib.import_module(n)\n")
    broken = tmp_path / "broken.py"
    broken.write_text("def (:\n")
    assert takes_module_argument(direct) and takes_module_argument(dunder)
    assert not takes_module_argument(other)
    assert not takes_module_argument(broken)
    assert not takes_module_argument(tmp_path / "missing.py")


def test_placeholder_is_added_only_when_missing():
    args, note = prepare_script_args(HERE / "module_arg.py", ["400", "200"])
    assert args == ["{module}", "400", "200"] and "first argument" in note
    args, note = prepare_script_args(HERE / "module_arg.py", ["--sim={module}"])
    assert args == ["--sim={module}"] and note is None
    assert prepare_script_args(HERE / "small_net.py", ["--poisson"]) == (["--poisson"], None)
    assert substitute_module(["{module}", "x{module}y", "3"], "brian2") == [
        "pynn_hw.brian2", "xpynn_hw.brian2y", "3"]
