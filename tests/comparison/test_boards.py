"""Generated torus boards for the emulator's run."""

from __future__ import annotations

import pytest

from firmware_io import BoardSpec
from pynn_hw.comparison.boards import resolve_board, torus_board_file


def test_torus_specification_gives_a_loadable_board(tmp_path):
    path = torus_board_file("torus:3x4:1e11:8192:0:4096", tmp_path)
    board = BoardSpec.load(path)
    assert board.n_chips == 12 and board.name == "torus_3x4"
    text = path.read_text()
    for line in ("link_events_per_s = 1.000000e+11", "router_entries = 8192", "link_delay_cycles = 0",
                 "link_buffer_events = 4096"):
        assert line in text
    defaults = torus_board_file("torus:2x2", tmp_path).read_text()
    assert "link_delay_cycles = 2" in defaults and "router_entries = 1024" in defaults


def test_names_and_files_pass_through_and_bad_specifications_are_refused(tmp_path):
    assert resolve_board("board_4x4", tmp_path) == "board_4x4"
    assert resolve_board(None, tmp_path) is None
    assert resolve_board("torus:2x2", tmp_path).endswith("torus_2x2.toml")
    with pytest.raises(ValueError, match="expected torus:RxC"):
        torus_board_file("torus:3by3", tmp_path)
    with pytest.raises(ValueError, match="positive figures"):
        torus_board_file("torus:0x3", tmp_path)
