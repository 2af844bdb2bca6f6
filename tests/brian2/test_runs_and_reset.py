"""Recording errors on Brian 2 (running in pieces, clearing, resetting and recording
changes: tests/backends/test_common_runs_and_reset.py)."""

from __future__ import annotations

import pytest

from pynn_hw.errors import RecordingError
from pynn_hw.standardmodels import cells as std


def test_variable_the_model_lacks_is_a_recording_error(net):
    builder = net()
    builder.population(std.IF_cond_exp, 1, record={"w": "all"})
    with pytest.raises(RecordingError, match="'w' from IF_cond_exp"):
        builder.build()
