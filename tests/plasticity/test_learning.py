"""The plastic example network runs on every software backend and learns: the
synapses of the correlated inputs grow, those of the independent inputs do not."""

import importlib.util
from pathlib import Path

import numpy as np

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "stdp_correlated_input.py"


def _example():
    spec = importlib.util.spec_from_file_location("stdp_correlated_input", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_feed_forward_population_learns_correlated_inputs(backend):
    example = _example()
    result = example.run(backend, duration=2000.0, seed=7)
    initial, final, corr = result["initial"], result["final"], result["correlated"]
    assert np.all(result["rates"] > 5.0)              # the outputs fire, so STDP acts
    assert not np.allclose(final, initial)
    assert np.all((final >= 0.0) & (final <= example.W_MAX * (1 + 1e-9)))
    # starting from the same mean (uniform 0.3..0.7 w_max), the correlated inputs'
    # weights grow by more than 10 % of w_max and end above the independent ones
    growth = final[corr].mean() - initial[corr].mean()
    assert growth > 0.1 * example.W_MAX
    assert final[corr].mean() - final[~corr].mean() > 0.1 * example.W_MAX
    # every output neuron learns the same preference
    assert np.all(final[corr].mean(axis=0) > final[~corr].mean(axis=0))


def test_same_learned_weights_on_all_backends():
    """The backends implement one rule on the same input: their learned weights agree
    to within a few per cent of w_max (differences are rare spike-time shifts)."""
    example = _example()
    finals = [example.run(importlib.import_module(f"pynn_hw.{name}"), duration=1000.0,
                          seed=3)["final"] for name in ("nest", "neuron")]
    assert np.abs(finals[0] - finals[1]).mean() < 0.03 * example.W_MAX
