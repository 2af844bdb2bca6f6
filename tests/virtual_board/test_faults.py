"""Fault injection: rates, counts, parsing."""

import numpy as np
import pytest

from emulator.virtual_board import FaultInjector, FaultSpec


def test_parse_and_validate():
    spec = FaultSpec.parse("flip=0.01, drop=0.002,direction=to_host,disconnect_after=500,seed=3")
    assert (spec.flip, spec.drop, spec.direction, spec.disconnect_after, spec.seed) == (0.01, 0.002, "to_host",
                                                                                        500, 3)
    assert not FaultSpec.parse("").any and spec.any
    with pytest.raises(ValueError, match="fault 'wobble=1' is invalid; valid: name=value with name in flip"):
        FaultSpec.parse("wobble=1")
    with pytest.raises(ValueError, match=r"FaultSpec.flip: 1.5 is invalid; valid: a probability in \[0, 1\]"):
        FaultSpec.parse("flip=1.5")
    with pytest.raises(ValueError, match="FaultSpec.direction: 'up' is invalid"):
        FaultSpec(direction="up")


def test_flip_rate_and_one_bit_per_hit():
    inj = FaultInjector(FaultSpec(flip=0.01, seed=1))
    data = bytes(200_000)
    out = np.frombuffer(inj.to_board(data), dtype=np.uint8)
    hits = np.count_nonzero(out)
    # binomial(200000, 0.01): mean 2000, sd 44.5; 5 sd
    assert abs(hits - 2000) < 5 * 44.5
    assert hits == inj.counts["flipped"]
    assert set(np.unique(out[out > 0]).tolist()) <= {1, 2, 4, 8, 16, 32, 64, 128}


def test_drop_and_duplicate_change_the_length_by_their_counts():
    inj = FaultInjector(FaultSpec(drop=0.02, duplicate=0.03, seed=2))
    out = inj.to_host(bytes(range(256)) * 400)
    assert len(out) == 102_400 - inj.counts["dropped"] + inj.counts["duplicated"]
    assert abs(inj.counts["dropped"] - 2048) < 5 * 44.8 and abs(inj.counts["duplicated"] - 3072 * 0.98) < 5 * 54.6


def test_direction_and_disconnect():
    inj = FaultInjector(FaultSpec(flip=1.0, direction="to_host", disconnect_after=10))
    assert inj.to_board(b"abc") == b"abc"
    assert len(inj.to_host(bytes(8))) == 8 and not inj.disconnected
    assert len(inj.to_host(bytes(8))) == 2 and inj.disconnected  # cut at byte 10
    assert inj.to_host(b"more") == b""


def test_reset_fires_once():
    inj = FaultInjector(FaultSpec(reset_after=5))
    inj.to_host(b"1234")
    assert not inj.reset_due()
    inj.to_host(b"56")
    assert inj.reset_due() and not inj.reset_due()
