"""Projection: connections, get/set in list and array formats, save, errors."""

import numpy as np
import pytest

from pynn_hw import errors
from pynn_hw.random import NumpyRNG, RandomDistribution


@pytest.fixture
def pops(sim):
    pre = sim.Population(4, sim.IF_cond_exp(), label="pre")
    post = sim.Population(3, sim.IF_cond_exp(), label="post")
    return pre, post


def test_all_to_all_list_and_array(sim, pops):
    pre, post = pops
    prj = sim.Projection(pre, post, sim.AllToAllConnector(),
                         sim.StaticSynapse(weight=0.5, delay=1.5))
    assert prj.size() == 12 and len(prj) == 12 and prj.shape == (4, 3)
    rows = prj.get(["weight", "delay"], format="list")
    assert sorted((i, j) for i, j, _, _ in rows) == [(i, j) for i in range(4) for j in range(3)]
    assert all(w == 0.5 and d == 1.5 for _, _, w, d in rows)
    array = prj.get("weight", format="array")
    np.testing.assert_array_equal(array, np.full((4, 3), 0.5))
    assert prj.get("weight", format="list", with_address=False) == [0.5] * 12


def test_missing_connections_are_nan_in_array_format(sim, pops):
    pre, post = pops
    prj = sim.Projection(pre, post, sim.FromListConnector([(0, 1, 0.1, 1.0), (3, 2, 0.2, 2.0)]))
    array = prj.get("weight", format="array")
    assert array[0, 1] == 0.1 and array[3, 2] == 0.2
    assert np.isnan(array).sum() == 10


@pytest.mark.parametrize("how, expected", [("sum", 0.3), ("first", 0.1), ("last", 0.2),
                                           ("min", 0.1), ("max", 0.2)])
def test_multiple_synapses(sim, pops, how, expected):
    pre, post = pops
    prj = sim.Projection(pre, post, sim.FromListConnector([(0, 0, 0.1, 1.0), (0, 0, 0.2, 1.0)]))
    assert prj.get("weight", format="array", multiple_synapses=how)[0, 0] == pytest.approx(expected)


def test_set_with_scalar_array_distribution_and_list(sim, pops):
    pre, post = pops
    prj = sim.Projection(pre, post, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.1))
    prj.set(weight=0.2)
    assert set(prj.get("weight", "list", with_address=False)) == {0.2}
    matrix = np.arange(12.0).reshape(4, 3) / 100
    prj.set(weight=matrix)
    np.testing.assert_allclose(prj.get("weight", "array"), matrix)
    prj.set(weight=RandomDistribution("uniform", low=0.0, high=1.0, rng=NumpyRNG(seed=1)))
    w = np.array(prj.get("weight", "list", with_address=False))
    assert len(set(w)) == 12 and np.all((w >= 0) & (w < 1))
    in_order = list(np.linspace(0.01, 0.12, 12))
    prj.set(weight=in_order)
    np.testing.assert_allclose(prj.get("weight", "list", with_address=False), in_order)


def test_distance_expression_delays(sim):
    pre = sim.Population(3, sim.IF_cond_exp(), structure=sim.Line(dx=10.0))
    post = sim.Population(1, sim.IF_cond_exp(), structure=sim.Line(dx=10.0))
    prj = sim.Projection(pre, post, sim.AllToAllConnector(),
                         sim.StaticSynapse(weight=0.1, delay="0.5 + 0.01*d"))
    delays = dict(((i, j), d) for i, j, d in prj.get("delay", "list"))
    # post cell 0 sits at x=0; pre cell i at x=10 i
    assert delays[(2, 0)] == pytest.approx(0.5 + 0.01 * 20)


def test_default_receptor_type_follows_weight_sign(sim):
    pre = sim.Population(2, sim.IF_curr_exp())
    post = sim.Population(2, sim.IF_curr_exp())
    exc = sim.Projection(pre, post, sim.OneToOneConnector(), sim.StaticSynapse(weight=0.5))
    inh = sim.Projection(pre, post, sim.OneToOneConnector(), sim.StaticSynapse(weight=-0.5))
    assert exc.receptor_type == "excitatory" and inh.receptor_type == "inhibitory"


def test_weight_sign_checks(sim, pops):
    pre, post = pops
    with pytest.raises(errors.ConnectionError):
        sim.Projection(pre, post, sim.AllToAllConnector(), sim.StaticSynapse(weight=-0.1),
                       receptor_type="inhibitory")
    cur = sim.Population(2, sim.IF_curr_exp())
    with pytest.raises(errors.ConnectionError):
        sim.Projection(cur, cur, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.1),
                       receptor_type="inhibitory")


def test_unknown_receptor_type(sim, pops):
    pre, post = pops
    with pytest.raises(errors.ConnectionError) as info:
        sim.Projection(pre, post, sim.AllToAllConnector(), receptor_type="NMDA")
    assert "NMDA" in str(info.value) and "excitatory" in str(info.value)


def test_delay_defaults_to_min_delay(sim):
    sim.setup(timestep=0.1, min_delay=0.5)
    pre = sim.Population(2, sim.IF_cond_exp())
    prj = sim.Projection(pre, pre, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.1))
    assert set(prj.get("delay", "list", with_address=False)) == {0.5}
    with pytest.raises(errors.InvalidParameterValueError):
        sim.Projection(pre, pre, sim.AllToAllConnector(),
                       sim.StaticSynapse(weight=0.1, delay=0.2))


def test_save_and_from_file_round_trip(sim, pops, tmp_path):
    pre, post = pops
    rng = NumpyRNG(seed=42)
    prj = sim.Projection(pre, post, sim.FixedProbabilityConnector(0.5, rng=rng),
                         sim.StaticSynapse(weight=RandomDistribution("uniform", (0.1, 0.2),
                                                                     rng=rng), delay=1.0))
    path = tmp_path / "conns.txt"
    prj.save("all", str(path))
    copy = sim.Projection(pre, post, sim.FromFileConnector(str(path)))
    np.testing.assert_allclose(np.array(copy.get(["weight", "delay"], "list")),
                               np.array(prj.get(["weight", "delay"], "list")))


def test_connections_iterator(sim, pops):
    pre, post = pops
    prj = sim.Projection(pre, post, sim.FromListConnector([(1, 2, 0.3, 0.7)]))
    (c,) = list(prj.connections)
    assert (c.presynaptic_index, c.postsynaptic_index) == (1, 2)
    assert c.as_tuple("weight", "delay") == (1, 2, 0.3, 0.7)


def test_clone_connector(sim, pops):
    pre, post = pops
    ref = sim.Projection(pre, post, sim.FixedProbabilityConnector(0.5, rng=NumpyRNG(seed=9)),
                         sim.StaticSynapse(weight=0.1))
    clone = sim.Projection(pre, post, sim.CloneConnector(ref), sim.StaticSynapse(weight=0.2))
    assert [(i, j) for i, j, _ in clone.get("weight", "list")] == \
        [(i, j) for i, j, _ in ref.get("weight", "list")]


def test_deprecated_weight_methods(sim, pops):
    pre, post = pops
    prj = sim.Projection(pre, post, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.1))
    with pytest.warns(DeprecationWarning):
        prj.setWeights(0.3)
    with pytest.warns(DeprecationWarning):
        assert prj.getWeights() == [0.3] * 12


def test_old_style_connector_weights_and_delays(sim, pops):
    pre, post = pops
    with pytest.warns(DeprecationWarning):
        connector = sim.AllToAllConnector(weights=0.25, delays=2.0)
    prj = sim.Projection(pre, post, connector)
    assert set(prj.get("weight", "list", with_address=False)) == {0.25}
    assert set(prj.get("delay", "list", with_address=False)) == {2.0}


def test_old_style_target_and_rng(sim, pops):
    pre, post = pops
    with pytest.warns(DeprecationWarning):
        prj = sim.Projection(pre, post, sim.FixedProbabilityConnector(0.5),
                             target="inhibitory", rng=NumpyRNG(seed=4))
    with pytest.warns(DeprecationWarning):
        again = sim.Projection(pre, post, sim.FixedProbabilityConnector(0.5),
                               target="inhibitory", rng=NumpyRNG(seed=4))
    assert prj.receptor_type == "inhibitory"
    assert prj.get("weight", "list") == again.get("weight", "list")
