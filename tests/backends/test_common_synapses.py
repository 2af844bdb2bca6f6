"""Synapse parameters and receptors a software backend refuses, and how it says so."""

from __future__ import annotations

import pytest

from pynn_hw.errors import NoModelAvailableError, NonExistentParameterError
from pynn_hw.standardmodels import cells as std


def test_unknown_synapse_parameter(net):
    builder = net()
    a = builder.population(std.IF_cond_exp, 2)
    builder.projection(a, a, [0], [1], 0.01, 1.0)
    sim = builder.build()
    with pytest.raises(NonExistentParameterError, match="U"):
        sim.get_synapse_parameter(0, "U")


def test_gap_junction_receptor_is_not_available(net):
    builder = net()
    a = builder.population(std.HH_cond_exp, 2)
    builder.projection(a, a, [0], [1], 0.01, 1.0, receptor="source_section.gap")
    with pytest.raises(NoModelAvailableError, match="source_section.gap.*HH_cond_exp"):
        builder.build()
