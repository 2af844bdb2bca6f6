"""Payload layouts of the protocol messages."""

import numpy as np
import pytest

from firmware_io.protocol.messages import (Blob, Identity, RunSummary, StatusSummary, pack_drops, pack_error,
                                           unpack_drops, unpack_error)


def test_identity_round_trip_and_layout():
    ident = Identity(1, (1, 2), "board_4x4", "fw 1.0", (0x51C00001, 0xDEADBEEF), 7)
    data = ident.pack()
    # 12-byte head, two length-prefixed strings, two u32 serials
    assert len(data) == 12 + 1 + 9 + 1 + 6 + 8
    assert data[-4:] == (0xDEADBEEF).to_bytes(4, "little")
    assert Identity.unpack(data) == ident


def test_identity_refuses_cut_serials():
    data = Identity(1, (1, 1), "b", "f", (1, 2, 3), 1).pack()
    with pytest.raises(ValueError, match="3 chip serials"):
        Identity.unpack(data[:-2])


def test_run_summary_round_trip():
    s = RunSummary(10, 20, 30, 40, Blob(1, 2), Blob(3, 4), Blob(5, 6))
    assert RunSummary.unpack(s.pack()) == s
    with pytest.raises(ValueError, match="RUN reply"):
        RunSummary.unpack(s.pack()[:-1])
    st = StatusSummary(tuple(range(8)), Blob(9, 10))
    assert StatusSummary.unpack(st.pack()) == st


class _Drops:
    input_bandwidth = np.array([1, 2])
    not_external = np.array([3, 4])
    late = np.array([5, 6])
    link_bandwidth = np.array([7, 8, 9])


def test_drops_round_trip_with_readout():
    readout = np.array([[0, 1, 511, 3], [4, 5, 6, 7]])
    drops, back = unpack_drops(pack_drops(_Drops(), readout))
    assert drops.input_bandwidth.tolist() == [1, 2] and drops.link_bandwidth.tolist() == [7, 8, 9]
    assert drops.total() == 45 and drops.lost_input().tolist() == [9, 12]
    assert np.array_equal(back, readout)
    assert unpack_drops(pack_drops(_Drops()))[1] is None


def test_error_round_trip():
    assert unpack_error(pack_error(5, "bad CRC é")) == (5, "bad CRC é")
