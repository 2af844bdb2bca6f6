"""Assemblies: several populations acting as one."""

import numpy as np
import pytest


def test_assembly_size_indexing_and_receptors(sim):
    a = sim.Population(3, sim.IF_cond_exp(), label="a")
    b = sim.Population(4, sim.IF_curr_exp(), label="b")
    asm = a + b
    assert asm.size == 7 and len(asm.populations) == 2
    assert int(asm[4]) == int(b[1])
    assert asm.get_population("b") is b
    assert asm.receptor_types == ("excitatory", "inhibitory")
    assert not asm.conductance_based
    sub = asm[2:5]
    assert sub.size == 3 and [int(i) for i in sub] == [int(a[2]), int(b[0]), int(b[1])]
    asm += sim.Population(2, sim.IF_cond_exp(), label="c")
    assert asm.size == 9
    with pytest.raises(KeyError):
        asm.get_population("zzz")


def test_assembly_get_set_splits_arrays(sim):
    a = sim.Population(2, sim.IF_cond_exp(tau_m=10.0))
    b = sim.Population(3, sim.IF_cond_exp(tau_m=30.0))
    asm = sim.Assembly(a, b)
    np.testing.assert_array_equal(asm.get("tau_m"), [10, 10, 30, 30, 30])
    asm.set(tau_m=np.arange(5.0) + 1)
    np.testing.assert_array_equal(a.get("tau_m"), [1, 2])
    np.testing.assert_array_equal(b.get("tau_m"), [3, 4, 5])
    asm.set(cm=0.5)
    assert asm.get("cm") == 0.5


def test_projection_from_assembly_uses_assembly_indices(sim):
    a = sim.Population(2, sim.IF_cond_exp())
    b = sim.Population(3, sim.IF_cond_exp())
    target = sim.Population(1, sim.IF_cond_exp())
    prj = sim.Projection(a + b, target, sim.AllToAllConnector(),
                         sim.StaticSynapse(weight=0.01))
    assert prj.size() == 5
    assert sorted(i for i, j, w in prj.get("weight", format="list")) == [0, 1, 2, 3, 4]
