"""Tests of pynn_hw.utility (pyNN.utility)."""

from __future__ import annotations

import logging
import sys
import types
from datetime import datetime

import pytest

from pynn_hw.errors import InvalidParameterValueError
from pynn_hw.utility import (
    ProgressBar,
    SimulationProgressBar,
    Timer,
    get_script_args,
    get_simulator,
    init_logging,
    normalized_filename,
)
from pynn_hw.utility import script_tools, timer


# -- get_simulator -------------------------------------------------------------------
@pytest.fixture
def fake_backend(monkeypatch):
    module = types.ModuleType("pynn_hw.fakesim")
    monkeypatch.setitem(sys.modules, "pynn_hw.fakesim", module)
    return module


def test_get_simulator_imports_backend_and_parses_extra_arguments(monkeypatch,
                                                                   fake_backend):
    monkeypatch.setattr(sys, "argv", ["run.py", "fakesim", "input.dat", "--n", "3"])
    sim, args = get_simulator(("data", "the input file"),
                              ("--n", "number of trials", {"type": int, "default": 1}))
    assert sim is fake_backend
    assert (args.simulator, args.data, args.n) == ("fakesim", "input.dat", 3)


def test_get_simulator_unknown_name_exits_with_usage(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["run.py", "nosuchsim"])
    with pytest.raises(SystemExit) as info:
        get_simulator()
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "unknown simulator 'nosuchsim'" in err and "nest" in err


def test_get_simulator_without_name_exits(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["run.py"])
    with pytest.raises(SystemExit):
        get_simulator()
    assert "simulator" in capsys.readouterr().err


def test_get_simulator_rejects_malformed_argument_spec(monkeypatch, fake_backend):
    monkeypatch.setattr(sys, "argv", ["run.py", "fakesim"])
    with pytest.raises(ValueError, match="name, help"):
        get_simulator(("only-a-name",))


# -- get_script_args -------------------------------------------------------------------
def test_get_script_args_skips_launcher_arguments(monkeypatch):
    # the calling module's __file__ is this test file
    monkeypatch.setattr(sys, "argv", ["mpirun", "-np", "2", __file__, "a", "b", "c"])
    assert get_script_args(2) == ["a", "b"]


def test_get_script_args_too_few(monkeypatch):
    monkeypatch.setattr(sys, "argv", [__file__, "a"])
    with pytest.raises(ValueError, match="needs 2 arguments, 1 were given"):
        get_script_args(2)
    with pytest.raises(ValueError, match="^usage: run.py x y$"):
        get_script_args(2, usage="usage: run.py x y")


# -- init_logging ----------------------------------------------------------------------
@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    for handler in root.handlers:
        handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)


def test_init_logging_per_rank_file_and_prefix(tmp_path, restore_logging):
    logger = init_logging(str(tmp_path / "run.log"), debug=True, num_processes=2, rank=1)
    assert logger.name == "pynn_hw"
    logger.debug("hello from the test")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = (tmp_path / "run.log.1").read_text()
    assert "Rank 1 of 2: " in text and "hello from the test" in text
    assert "DEBUG" in text
    assert not (tmp_path / "run.log").exists()


def test_init_logging_levels(tmp_path, restore_logging):
    logger = init_logging(str(tmp_path / "a.log"))
    assert logging.getLogger().level == logging.INFO
    logger.debug("hidden")
    init_logging(str(tmp_path / "b.log"), debug=True, level=logging.WARNING)
    assert logging.getLogger().level == logging.WARNING
    assert "hidden" not in (tmp_path / "a.log").read_text()


# -- normalized_filename ---------------------------------------------------------------
class FixedClock:
    @staticmethod
    def now():
        return datetime(2024, 3, 5, 7, 8, 9)


def test_normalized_filename(monkeypatch):
    monkeypatch.setattr(script_tools, "datetime", FixedClock)
    assert normalized_filename("Results", "exp", "pkl", "nest", 4) == \
        "Results/20240305/exp_nest_np4_20240305-070809.pkl"
    assert normalized_filename("Results", "exp", "h5", "emulator", use_iso8601=True) == \
        "Results/2024-03-05/exp_emulator_2024-03-05T07:08:09.h5"


# -- Timer ---------------------------------------------------------------------------
class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_timer(monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(timer.time, "perf_counter", clock)
    t = Timer()
    clock.now += 5.0
    assert t.elapsed_time() == 5.0
    clock.now += 2.0
    assert t.diff() == 2.0          # since the elapsed_time() call
    clock.now += 123.0
    assert t.elapsed_time(format="long") == "2 minutes, 10 seconds"
    clock.now += 1.5
    t.mark("build")
    assert t.marks == [("build", 1.5)]
    t.reset()
    clock.now += 3.0
    assert t.elapsed_time() == 3.0


@pytest.mark.parametrize("seconds, words", [
    (1, "1 second"), (123, "2 minutes, 3 seconds"), (24 * 3600, "1 day"),
    (0.4, "0 seconds"), (2 * 31556952 + 7200, "2 years, 2 hours"),
])
def test_time_in_words(seconds, words):
    assert Timer.time_in_words(seconds) == words


# -- progress bars -------------------------------------------------------------------
def test_progress_bar_fixed_and_dynamic(capsys):
    # width 12 leaves 10 cells; 0.5 fills 5
    assert ProgressBar(width=12).render(0.5) == "[ #####      ]  50%"
    assert ProgressBar(width=12, mode="dynamic").render(0.5) == "[ ##### ]  50%"
    assert ProgressBar(width=12, char="=").render(7.0) == "[ ========== ] 100%"
    assert ProgressBar(width=12).render(-1) == "[            ]   0%"
    ProgressBar(width=12)(0.3)
    assert capsys.readouterr().out == "[ ###        ]  30% \r"


def test_progress_bar_invalid_mode():
    with pytest.raises(InvalidParameterValueError, match="'fancy'"):
        ProgressBar(mode="fancy")


def test_simulation_progress_bar_as_run_callback(capsys):
    bar = SimulationProgressBar(10.0, 100.0)
    t, calls = 0.0, 0
    while t < 100.0:                     # what run(100, callbacks=[bar]) does
        t = bar(t)
        calls += 1
    assert calls == 10 and t == 100.0
    assert bar.width == 12               # 10 intervals, raised to the minimum width
    assert capsys.readouterr().out.endswith("[ #########  ]  90% \r")
    assert SimulationProgressBar(0.1, 1000.0).width == 77
    with pytest.raises(InvalidParameterValueError, match="must be > 0"):
        SimulationProgressBar(0.0, 100.0)
