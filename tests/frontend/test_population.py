"""Population, PopulationView and ID behaviour documented by the PyNN API."""

import numpy as np
import pytest

from pynn_hw import errors
from pynn_hw.random import NumpyRNG, RandomDistribution


def test_size_ids_and_labels(sim):
    p = sim.Population(10, sim.IF_cond_exp(), label="exc")
    q = sim.Population((3, 4), sim.IF_curr_exp())
    assert (p.size, len(p), q.size) == (10, 10, 12)
    assert p.label == "exc" and q.label == "population1"
    # IDs are consecutive across populations, in creation order
    assert int(q.first_id) == int(p.last_id) + 1
    assert [int(i) for i in p.all_cells] == list(range(int(p.first_id), int(p.first_id) + 10))
    assert p.id_to_index(p[7]) == 7
    np.testing.assert_array_equal(p.id_to_index(p.all_cells[[2, 5]]), [2, 5])
    with pytest.raises(IndexError):
        p.id_to_index(int(q.first_id))


def test_tuple_sizes_give_grids(sim):
    grid = sim.Population((3, 4), sim.IF_cond_exp())
    assert type(grid.structure).__name__ == "Grid2D"
    assert grid.positions.shape == (3, 12)
    cube = sim.Population((2, 3, 4), sim.IF_cond_exp())
    assert cube.size == 24 and type(cube.structure).__name__ == "Grid3D"
    with pytest.raises(errors.InvalidDimensionsError):
        sim.Population((1, 2, 3, 4), sim.IF_cond_exp())


def test_get_set_round_trip_with_every_value_kind(sim):
    p = sim.Population(6, sim.IF_cond_exp(tau_m=15.0))
    assert p.get("tau_m") == 15.0                       # homogeneous -> scalar
    p.set(tau_m=np.arange(1.0, 7.0))                     # array
    np.testing.assert_array_equal(p.get("tau_m"), np.arange(1.0, 7.0))
    p.set(cm=lambda i: 0.1 * (i + 1))                    # function of the index
    np.testing.assert_allclose(p.get("cm"), 0.1 * np.arange(1, 7))
    rd = RandomDistribution("uniform", low=10.0, high=20.0, rng=NumpyRNG(seed=3))
    p.set(v_thresh=-50.0, tau_refrac=rd)
    values = p.get("tau_refrac")
    assert values.shape == (6,) and np.all((values >= 10) & (values < 20))
    # reading twice gives the same draw
    np.testing.assert_array_equal(p.get("tau_refrac"), values)
    tau_m, cm = p.get(["tau_m", "cm"])
    assert tau_m[0] == 1.0 and cm[5] == pytest.approx(0.6)


def test_set_through_views_and_ids(sim):
    p = sim.Population(8, sim.IF_cond_exp(tau_m=20.0))
    p[2:5].set(tau_m=[1.0, 2.0, 3.0])
    p[[7]].set(tau_m=9.0)
    p[0].tau_m = 4.0
    np.testing.assert_array_equal(p.get("tau_m"), [4, 20, 1, 2, 3, 20, 20, 9])
    assert p[3].tau_m == 2.0
    assert p[3].get_parameters()["tau_m"] == 2.0
    mask = np.zeros(8, dtype=bool)
    mask[[1, 6]] = True
    p[mask].set(tau_m=7.0)
    assert p.get("tau_m")[1] == 7.0 and p.get("tau_m")[6] == 7.0


def test_unknown_parameter_names_are_refused(sim):
    p = sim.Population(3, sim.IF_cond_exp())
    with pytest.raises(errors.NonExistentParameterError) as info:
        p.set(tau_mem=10.0)
    assert "tau_mem" in str(info.value) and "tau_m" in str(info.value)
    with pytest.raises(errors.NonExistentParameterError):
        p.get("foo")
    with pytest.raises(errors.NonExistentParameterError):
        p.initialize(w=0.0)


def test_invalid_values_are_refused(sim):
    p = sim.Population(3, sim.IF_cond_exp())
    with pytest.raises(errors.InvalidParameterValueError):
        p.set(tau_m=-1.0)


def test_views_of_views(sim):
    p = sim.Population(20, sim.IF_cond_exp())
    v = p[5:15]
    w = v[::2]
    assert w.size == 5
    assert w.grandparent is p and w.parent is v
    np.testing.assert_array_equal(w.index_in_grandparent([0, 1, 4]), [5, 7, 13])
    assert int(w[1]) == int(p[7])
    assert w.id_to_index(p[9]) == 2
    np.testing.assert_array_equal(v.index_from_parent_index([5, 7]), [0, 2])
    assert p[[1, 2]] == p[1:3]
    with pytest.raises(NotImplementedError):
        v.initial_values  # noqa: B018


def test_view_selector_errors(sim):
    p = sim.Population(4, sim.IF_cond_exp())
    with pytest.raises(IndexError):
        p[[0, 9]]
    with pytest.raises(IndexError):
        p[np.ones(3, dtype=bool)]
    with pytest.raises(IndexError):
        p[4]


def test_sample_and_nearest(sim):
    p = sim.Population(30, sim.IF_cond_exp())
    s1 = p.sample(10, NumpyRNG(seed=5))
    s2 = p.sample(10, NumpyRNG(seed=5))
    assert s1.size == 10 and s1 == s2
    assert len(set(int(i) for i in s1)) == 10
    # Line structure: cell i sits at x = i
    assert int(p.nearest((12.2, 0.0, 0.0))) == int(p[12])


def test_initial_values(sim):
    p = sim.Population(4, sim.IF_cond_exp(), initial_values={"v": -60.0})
    assert p.initial_values["v"].evaluate(simplify=True) == -60.0
    p[1:3].initialize(v=-55.0)
    np.testing.assert_array_equal(p.initial_values["v"].evaluate(), [-60, -55, -55, -60])
    assert p[2].get_initial_value("v") == -55.0


def test_spike_sources_take_no_current(sim):
    src = sim.Population(2, sim.SpikeSourcePoisson(rate=10.0))
    with pytest.raises(TypeError):
        src.inject(sim.DCSource(amplitude=1.0))


def test_deprecated_class_form_warns(sim):
    with pytest.warns(DeprecationWarning):
        p = sim.Population(3, sim.IF_cond_exp, {"tau_m": 11.0})
    assert p.get("tau_m") == 11.0


def test_describe_and_annotate(sim):
    p = sim.Population(3, sim.IF_cond_exp(), label="cells")
    p.annotate(layer="L4")
    assert p.annotations["layer"] == "L4"
    text = p.describe()
    assert "cells" in text and "IF_cond_exp" in text
