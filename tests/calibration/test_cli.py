"""The `pynn-hw calibrate` command's arguments and its spread table."""

from __future__ import annotations

import pytest

from pynn_hw.cli import build_parser, main
from pynn_hw.commands.calibrate import format_spreads


def test_unknown_board_is_a_usage_error_listing_the_shipped_boards(capsys):
    with pytest.raises(SystemExit) as err:
        main(["calibrate", "--board", "no_such_board", "--quiet"])
    assert err.value.code == 2
    assert "shipped boards: " in capsys.readouterr().err


def test_board_is_required():
    with pytest.raises(SystemExit):
        build_parser().parse_args(["calibrate"])


def test_spread_table_lists_every_parameter_in_percent():
    before = {"relative_sd": {"tau_m": 0.16, "v_thresh": 0.0198}, "sd_mV": {"v_thresh": 2.02}}
    after = {"relative_sd": {"tau_m": 0.003, "v_thresh": 0.0097}, "sd_mV": {"v_thresh": 1.0}}
    lines = format_spreads(before, after).splitlines()
    assert lines[1].split() == ["tau_m", "16.00%", "0.30%"]
    assert lines[2].split()[:3] == ["v_thresh", "1.98%", "0.97%"] and "2.02 -> 1.00 mV" in lines[2]
