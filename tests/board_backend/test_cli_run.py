"""``pynn-hw run`` on an example: report printed, data and raster plots written."""

from __future__ import annotations

import pickle

from pynn_hw import cli

from .conftest import EXAMPLES


def test_run_synfire_example_on_emulator_writes_data_and_rasters(tmp_path, capsys):
    out = tmp_path / "out"
    assert cli.main(["run", str(EXAMPLES / "synfire_chain.py"), "--backend", "emulator",
                     "--output", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "MappingReport" in printed and "board_4x4" in printed
    assert "group 5:" in printed
    for label in [f"exc{i}" for i in range(6)] + [f"inh{i}" for i in range(6)]:
        assert (out / f"{label}.pkl").stat().st_size > 0
        png = (out / f"{label}_raster.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
    with open(out / "exc5.pkl", "rb") as f:
        block = pickle.load(f)
    trains = block.segments[0].spiketrains
    assert len(trains) == 20 and sum(len(t) for t in trains) >= 18
    assert block.annotations.get("simulator", "emulator") is not None


def test_options_after_script_and_script_arguments(tmp_path, capsys):
    script = tmp_path / "echo.py"
    script.write_text("import sys\nimport pyNN.nest as sim\nprint('args', sys.argv[1:], sim.simulator_name)\n")
    assert cli.main(["run", str(script), "--backend", "emulator", "--output", str(tmp_path / "o"),
                     "--", "-x", "3"]) == 0
    printed = capsys.readouterr().out
    assert "args ['-x', '3'] emulator" in printed
    assert "nothing was recorded" in printed
