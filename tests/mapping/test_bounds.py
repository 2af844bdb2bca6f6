"""The chip lower bound on hand-made networks with known optima and on VA-like networks."""

from __future__ import annotations

import numpy as np
import pytest

from mapping.bounds import ChipLimits, chip_lower_bound, feedback_savings, links, neuron_weights
from mapping.partition import NeuronInputs, candidate_orders, pack
from mapping.synapses import make_key

EXC, INH = 0, 1
TAU_E, TAU_I = 100, 200  # 5 ms and 10 ms codes


def build(n: int, n_ext: int, post: np.ndarray, pre: np.ndarray, sign: np.ndarray,
          rows: np.ndarray | None = None, vkey: np.ndarray | None = None) -> NeuronInputs:
    """NeuronInputs of neurons 0..n-1 and spike sources n..n+n_ext-1 from (pre, post) pairs."""
    key = make_key(pre, sign, np.where(sign == EXC, TAU_E, TAU_I))
    rows = np.ones(pre.size, np.int64) if rows is None else rows
    o = np.lexsort((key, post))
    key, rows, post = key[o], rows[o], post[o]
    return NeuronInputs(neurons=np.arange(n), indptr=np.searchsorted(post, np.arange(n + 1)), key=key,
                        rows=rows, vkey=np.zeros(n, np.int64) if vkey is None else vkey, n_cells=n + n_ext)


def disjoint(n: int, per: int, own_loop: bool = False) -> NeuronInputs:
    """Neuron j has its own ``per`` spike sources (and itself, when ``own_loop``)."""
    post = np.repeat(np.arange(n), per)
    pre = n + np.arange(n * per)
    if own_loop:
        post, pre = np.r_[post, np.arange(n)], np.r_[pre, np.arange(n)]
    return build(n, n * per, post, pre, np.zeros(pre.size, np.int64))


def test_disjoint_inputs_two_per_chip() -> None:
    # 100 rows each, nothing shared, no feedback: 2 x 100 <= 256 < 3 x 100, so 10 neurons
    # need exactly 5 chips (2 in one block: 200 rows); the bound must find 5
    bound, terms = chip_lower_bound(disjoint(10, 100))
    assert bound == 5
    assert terms["chip_size"] == 5


def test_disjoint_inputs_with_small_limits() -> None:
    # E = 7, 3 rows each: 2 per chip (6 <= 7 < 9); 9 neurons -> 5 chips
    limits = ChipLimits(neurons_per_block=4, rows_per_block=16, external_rows=7, groups_per_chip=100)
    assert chip_lower_bound(disjoint(9, 3), limits)[0] == 5


def test_feedback_of_the_own_key_counts_once() -> None:
    # 256 spike sources + the neuron itself: 257 rows, one of them a feedback row, so each
    # neuron fits a chip alone and no two fit together (2 x 257 - 2 > 256): n chips
    inputs = disjoint(6, 256, own_loop=True)
    assert np.array_equal(feedback_savings(inputs), np.ones(6))
    bound, terms = chip_lower_bound(inputs)
    assert bound == 6
    nw = neuron_weights(inputs)
    assert np.array_equal(nw.kmax, np.ones(6, dtype=np.int64))


def test_savings_and_links() -> None:
    # neuron 0 feeds 1 (exc) and 2 (exc and inh): two keys -> s_0 = 2; neuron 1 feeds itself
    post = np.array([1, 2, 2, 1])
    pre = np.array([0, 0, 0, 1])
    sign = np.array([EXC, EXC, INH, EXC])
    inputs = build(3, 0, post, pre, sign)
    assert np.array_equal(feedback_savings(inputs), [2.0, 1.0, 0.0])
    sym, diag = links(inputs)
    assert np.array_equal(diag, [0.0, 1.0, 0.0])
    # A_01 = 1, A_02 = 2 (two keys of 0 used by 2); symmetric, no diagonal
    assert np.array_equal(sym.toarray(), [[0, 1, 2], [1, 0, 0], [2, 0, 0]])


def test_shared_inputs_fill_whole_chips() -> None:
    # 500 neurons on the same 100 spike sources: a block holds 192 (100 rows), both blocks
    # 200 external rows <= 256, so 384 per chip: optimum ceil(500 / 384) = 2
    n = 500
    inputs = build(n, 100, np.repeat(np.arange(n), 100), np.tile(n + np.arange(100), n),
                   np.zeros(n * 100, np.int64))
    bound, terms = chip_lower_bound(inputs)
    assert bound == 2 == terms["neurons"]


def test_parameter_groups() -> None:
    # 3 parameter sets of 100 neurons, no inputs: 2 groups each, 6 groups / 4 per chip -> 2
    n = 300
    inputs = build(n, 0, np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64),
                   vkey=np.repeat(np.arange(3), 100))
    bound, terms = chip_lower_bound(inputs)
    assert terms["param_groups"] == 2 and terms["neurons"] == 1
    assert bound == 2


def va_like(n: int, p: float, seed: int, n_ext: int = 20) -> NeuronInputs:
    """As the Vogels-Abbott network: 80 % excitatory, connection probability p, and a
    Poisson kick-start of 20 sources onto the excitatory cells (p = 0.1, weight of 2 rows)."""
    rng = np.random.default_rng(seed)
    n_exc = int(0.8 * n)
    post, pre = np.nonzero(rng.random((n, n)) < p)
    sign = (pre >= n_exc).astype(np.int64)
    epost, epre = np.nonzero(rng.random((n_exc, n_ext)) < 0.1)
    return build(n, n_ext, np.r_[post, epost], np.r_[pre, n + epre], np.r_[sign, np.zeros(epre.size, np.int64)],
                 rows=np.r_[np.ones(pre.size, np.int64), np.full(epre.size, 2)])


@pytest.mark.parametrize("n,p", [(3000, 80 / 3000), (4000, 0.02)])
def test_va_like_networks_within_1_3_of_the_partitioner(n: int, p: float) -> None:
    inputs = va_like(n, p, seed=7)
    chips = min(pack(inputs, o, name, str, backfill=64).n_chips for name, o in candidate_orders(inputs, 0))
    bound, terms = chip_lower_bound(inputs)
    assert bound <= chips
    assert chips <= 1.3 * bound, (chips, bound, terms)


def test_weights_hold_on_the_partitioners_chips() -> None:
    # every chip the partitioner builds is feasible: its neurons' weights sum to at most 1
    # and it holds no more neurons than any member's largest chip size
    inputs = va_like(1500, 80 / 1500, seed=3)
    part = pack(inputs, candidate_orders(inputs, 0)[0][1], "network", str, backfill=64)
    nw = neuron_weights(inputs)
    per_chip = np.zeros((nw.x.shape[0], part.n_chips))
    for t in range(nw.x.shape[0]):
        per_chip[t] = np.bincount(part.chip, weights=nw.x[t], minlength=part.n_chips)
    assert per_chip.max() <= 1 + 1e-9
    size = np.bincount(part.chip, minlength=part.n_chips)
    assert np.all(size[part.chip] <= nw.kmax)
    # and the weights are not trivially small (denser than Vogels-Abbott: 1.7 x here)
    assert per_chip.sum(axis=1).max() > 0.55 * part.n_chips


def test_blockwise_overlaps_equal_the_whole_matrix(monkeypatch: pytest.MonkeyPatch) -> None:
    # large networks compute overlap rows in blocks: same weights as the dense path
    import mapping.bounds as bounds

    rng = np.random.default_rng(11)
    n, private = 600, 60
    post, pre = np.nonzero(rng.random((n, n)) < 0.03)
    post = np.r_[post, np.repeat(np.arange(n), private)]
    pre = np.r_[pre, n + np.arange(n * private)]
    inputs = build(n, n * private, post, pre, (pre % 5 == 0).astype(np.int64))
    dense = neuron_weights(inputs)
    monkeypatch.setattr(bounds, "_DENSE_CELLS", 0.0)
    monkeypatch.setattr(bounds, "_CHUNK_CELLS", 5e4)
    blocks = neuron_weights(inputs)
    assert np.array_equal(dense.kmax, blocks.kmax)
    assert np.allclose(dense.x, blocks.x)
    assert dense.x.std() > 0.01  # the weights differ between neurons: the comparison has teeth
