"""Compiling the NMODL mechanisms into the user cache."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from software_backends.neuron import mechanisms

REPO = Path(__file__).resolve().parent.parent.parent


def test_cache_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PYNN_HW_CACHE", str(tmp_path))
    assert mechanisms.cache_root() == tmp_path / "neuron"
    monkeypatch.delenv("PYNN_HW_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert mechanisms.cache_root() == tmp_path / "xdg" / "pynn_hw" / "neuron"


def test_hash_depends_on_the_neuron_version():
    assert mechanisms.source_hash("9.0.2") != mechanisms.source_hash("9.0.3")
    assert mechanisms.source_hash("9.0.2") == mechanisms.source_hash("9.0.2")


def test_missing_compiler_is_named_with_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setenv("PYNN_HW_CACHE", str(tmp_path))
    monkeypatch.delenv("CXX", raising=False)
    monkeypatch.setattr(mechanisms.shutil, "which", lambda name: None)
    with pytest.raises(mechanisms.MechanismBuildError, match="C\\+\\+ compiler") as info:
        mechanisms.compiled_library("test-version")
    assert "apt-get install g++" in str(info.value)
    assert not any((tmp_path / "neuron").glob("[0-9a-f]*"))   # nothing half-built left


def test_concurrent_first_uses_compile_once(tmp_path):
    # two processes ask for the library in an empty cache at the same time: one
    # compiles under the lock, the other waits; both load the same complete build
    env = dict(os.environ, PYNN_HW_CACHE=str(tmp_path))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    code = ("from software_backends.neuron import mechanisms; "
            "import neuron; print(mechanisms.compiled_library(neuron.__version__))")
    runs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
            for _ in range(2)]
    outputs = [run.communicate(timeout=600) for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    paths = {out.strip().splitlines()[-1] for out, _ in outputs}
    assert len(paths) == 1
    builds = [p for p in (tmp_path / "neuron").iterdir() if not p.name.startswith(".")]
    assert len(builds) == 1 and Path(paths.pop()).is_file()


def test_unwritable_cache_falls_back_to_the_temporary_folder(monkeypatch, tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("PYNN_HW_CACHE", str(blocked))
    monkeypatch.setattr(mechanisms.tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    root = mechanisms._writable_root()
    assert root.is_dir() and root.is_relative_to(tmp_path / "tmp")
