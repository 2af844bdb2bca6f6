"""``pynn-hw compare`` end to end: separate processes, verdicts, failures, report files.

Each backend run is a subprocess of about 1-3 s; the tests use NEST (twice), the
board emulator and failures that stop before any simulation.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from pynn_hw import cli
from pynn_hw.comparison import compare

SCRIPTS = Path(__file__).parent / "scripts"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def deterministic(tmp_path_factory):
    """small_net.py on nest, nest again and the emulator, through the command line."""
    out = tmp_path_factory.mktemp("det")
    code = cli.main(["compare", str(SCRIPTS / "small_net.py"), "--backend", "nest", "--backend", "nest",
                     "--backend", "emulator", "--output", str(out), "--tolerance", "fano=0.3"])
    return code, out, json.loads((out / "report.json").read_text())


def test_nest_twice_gives_identical_spikes_and_passes_everything(deterministic):
    code, _, report = deterministic
    assert code == 0
    assert report["deterministic"] is True and report["stochastic"] == []
    assert [b["name"] for b in report["backends"]] == ["nest", "nest#2", "emulator"]
    for label in ("exc", "inh"):
        again = report["populations"][label]["nest#2"]
        assert again["overall"] == "PASS"
        # the same simulator on the same network: the same spike times, distance exactly 0
        assert again["verdicts"]["distance"]["value"] == 0.0
        assert again["verdicts"]["rate"]["difference"] == 0.0
        ref = report["populations"][label]["nest"]["metrics"]
        assert again["metrics"]["n_spikes"] == ref["n_spikes"] > 100


def test_emulator_is_judged_with_stated_tolerances(deterministic):
    _, _, report = deterministic
    assert report["tolerances"]["fano"] == 0.3 and report["tolerances"]["rate"] == 0.1
    exc = report["populations"]["exc"]
    emu, ref = exc["emulator"], exc["nest"]
    rate = emu["verdicts"]["rate"]
    assert rate["reference"] == ref["metrics"]["rate_hz"]
    expected = (emu["metrics"]["rate_hz"] - ref["metrics"]["rate_hz"]) / ref["metrics"]["rate_hz"]
    assert rate["difference"] == pytest.approx(expected)
    assert rate["status"] == ("PASS" if abs(expected) <= 0.1 else "FAIL")
    # a different simulator: spikes move, but not all of them by a whole tau
    assert 0.0 < emu["verdicts"]["distance"]["value"] < 1.0
    statuses = [v["status"] for v in emu["verdicts"].values()]
    assert emu["overall"] == ("FAIL" if "FAIL" in statuses else "PASS")


def test_report_markdown_links_figures_that_exist(deterministic):
    _, out, report = deterministic
    text = (out / "report.md").read_text()
    assert text.startswith("# Backend comparison: `small_net.py`")
    assert "| exc | nest#2 | PASS (+0.0 %) |" in text
    assert "reference: **nest**" in text and "tau = 5 ms" in text and "50 ms bins" in text
    for label in ("exc", "inh"):
        figures = report["figures"][label]
        assert f"figures/{label}_rasters.png" in figures and f"figures/{label}_rates.png" in figures
        for fig in figures:
            assert f"]({fig})" in text
            assert (out / fig).read_bytes()[:8] == PNG
    assert "figures/exc_v.png" in report["figures"]["exc"]          # v recorded on exc only
    emulator = report["backends"][2]
    assert emulator["board"]["board_chips"] == 16 and emulator["board"]["chips"] >= 1
    assert report["backends"][0]["board"] is None
    assert f"| {emulator['board']['chips']} of 16 chips, " in text
    assert "figures/inh_v.png" not in report["figures"]["inh"]


def test_failed_backend_gets_a_row_and_the_others_still_run(tmp_path):
    result = compare(SCRIPTS / "small_net.py", ["emulator", "nest"], tmp_path,
                     script_args=["--poisson", "--fail-on", "emulator"], figures=False)
    emu, nest = result.runs
    assert not emu.ok and emu.error == "RuntimeError: refusing to run on emulator"
    assert nest.ok and result.reference == "nest"
    text = (tmp_path / "report.md").read_text()
    assert "| (all) | emulator | – | – | – | – | – | failed: RuntimeError: refusing to run on emulator |" in text
    assert "## Failed backends" in text and "refusing to run on emulator" in emu.log_tail()
    # Poisson input: spike times are not compared, and the report says why
    assert not result.deterministic
    assert result.stochastic == ["population 'src' (SpikeSourcePoisson)"]
    assert "own random numbers for: population 'src' (SpikeSourcePoisson)), so spike times are not" in text
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["populations"]["exc"]["emulator"]["verdicts"]["rate"]["reason"] == "backend failed"


def test_script_taking_the_module_name_gets_pynn_hw_backend(tmp_path):
    result = compare(SCRIPTS / "module_arg.py", ["nest"], tmp_path, figures=False)
    run = result.runs[0]
    assert run.ok, run.error
    assert result.script_args == ["{module}"] and "first argument" in result.args_note
    assert "ran with pynn_hw.nest" in run.log.read_text()
    assert math.isclose(result.metrics["poisson"]["nest"]["rate_hz"], 50.0, rel_tol=0.5)


def test_timeout_stops_a_backend(tmp_path):
    script = tmp_path / "slow.py"
    script.write_text("import time\nimport pyNN.nest as sim\ntime.sleep(60)\n")
    result = compare(script, ["nest"], tmp_path / "out", timeout=4.0, figures=False)
    assert result.runs[0].error == "timed out after 4 s (raise --timeout)"
    assert "| nest | **failed** |" in (tmp_path / "out" / "report.md").read_text()


def test_bad_requests_are_refused_with_what_is_valid(tmp_path):
    with pytest.raises(ValueError, match="valid backends are nest, emulator, brian2, neuron"):
        compare(SCRIPTS / "small_net.py", ["nest", "spinnaker"], tmp_path)
    with pytest.raises(ValueError, match="reference 'brian2' is not among the compared backends"):
        compare(SCRIPTS / "small_net.py", ["nest"], tmp_path, reference="brian2")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        compare(tmp_path / "none.py", ["nest"], tmp_path)
    with pytest.raises(SystemExit):
        cli.main(["compare", str(SCRIPTS / "small_net.py"), "--tolerance", "speed=2"])


def test_failed_reference_leaves_every_metric_unjudged_and_the_command_fails(tmp_path):
    code = cli.main(["compare", str(SCRIPTS / "small_net.py"), "--backend", "nest", "--backend", "emulator",
                     "--output", str(tmp_path), "--no-figures", "--", "--fail-on", "nest"])
    assert code == 1
    report = json.loads((tmp_path / "report.json").read_text())
    emulator = report["populations"]["exc"]["emulator"]
    assert emulator["metrics"]["n_spikes"] > 0
    assert {v["status"] for v in emulator["verdicts"].values()} == {"n/a"}
    assert emulator["verdicts"]["rate"]["reason"] == "no reference data"
    assert not list(tmp_path.glob("figures/*.png"))
