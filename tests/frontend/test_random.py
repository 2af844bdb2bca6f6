"""Tests of pynn_hw.random: reproducibility, distribution moments, errors."""

import math

import numpy as np
import pytest

from pynn_hw.errors import InvalidParameterValueError
from pynn_hw.random import GSLRNG, NativeRNG, NumpyRNG, RandomDistribution, available_distributions

N = 200_000

# (name, parameters, mean, variance): analytic moments of each distribution.
MOMENTS = [
    ("binomial", {"n": 10, "p": 0.3}, 3.0, 10 * 0.3 * 0.7),
    ("gamma", {"k": 2.0, "theta": 1.5}, 3.0, 2.0 * 1.5**2),
    ("exponential", {"beta": 2.0}, 2.0, 4.0),
    ("lognormal", {"mu": 0.0, "sigma": 0.5},
     math.exp(0.125), (math.exp(0.25) - 1) * math.exp(0.25)),
    ("normal", {"mu": -1.0, "sigma": 2.0}, -1.0, 4.0),
    ("poisson", {"lambda_": 4.0}, 4.0, 4.0),
    ("uniform", {"low": -1.0, "high": 3.0}, 1.0, 16 / 12),
    # integers 0..9: mean 4.5, variance (10**2 - 1) / 12
    ("uniform_int", {"low": 0, "high": 10}, 4.5, 99 / 12),
    # von Mises with large kappa is close to normal(mu, 1/sqrt(kappa)): var ~ 1/kappa
    ("vonmises", {"mu": 0.5, "kappa": 100.0}, 0.5, 1 / 100.0),
]


@pytest.mark.parametrize("name, params, mean, var", MOMENTS)
def test_distribution_moments(name, params, mean, var):
    values = RandomDistribution(name, rng=NumpyRNG(seed=42), **params).next(N)
    # The sample mean is within 5 standard errors; the variance within 5 %
    # (plus a small absolute slack for the von Mises approximation var ~ 1/kappa).
    assert abs(values.mean() - mean) < 5 * math.sqrt(var / N)
    assert values.var() == pytest.approx(var, rel=0.05, abs=1e-4)


def test_normal_clipped_redraws_inside_interval():
    values = RandomDistribution("normal_clipped", (0.0, 1.0, -0.5, 1.0),
                                rng=NumpyRNG(seed=3)).next(N)
    assert values.min() >= -0.5 and values.max() <= 1.0
    # Redrawing leaves no mass on the boundaries.
    assert np.count_nonzero((values == -0.5) | (values == 1.0)) == 0
    # Mean of a standard normal truncated to [a, b]: (phi(a) - phi(b)) / (Phi(b) - Phi(a))
    phi = lambda x: math.exp(-x * x / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    Phi = lambda x: 0.5 * (1 + math.erf(x / math.sqrt(2)))  # noqa: E731
    expected = (phi(-0.5) - phi(1.0)) / (Phi(1.0) - Phi(-0.5))
    assert values.mean() == pytest.approx(expected, abs=0.01)


def test_normal_clipped_to_boundary_piles_up_on_boundaries():
    values = RandomDistribution("normal_clipped_to_boundary", mu=0.0, sigma=1.0, low=-1.0,
                                high=1.0, rng=NumpyRNG(seed=3)).next(N)
    assert values.min() == -1.0 and values.max() == 1.0
    # P(|x| > 1) = 2 * (1 - Phi(1)) = 0.3173 for a standard normal
    assert np.mean(np.abs(values) == 1.0) == pytest.approx(0.3173, abs=0.01)


def test_normal_clipped_impossible_interval_is_an_error():
    d = RandomDistribution("normal_clipped", mu=0.0, sigma=1.0, low=50.0, high=51.0,
                           rng=NumpyRNG(seed=1))
    with pytest.raises(InvalidParameterValueError, match="too little probability"):
        d.next(10)


@pytest.mark.parametrize("rng_class", [NumpyRNG, GSLRNG, NativeRNG])
def test_same_seed_same_numbers(rng_class):
    a = rng_class(seed=123).next(100, "normal", {"mu": 0.0, "sigma": 1.0})
    b = rng_class(seed=123).next(100, "normal", {"mu": 0.0, "sigma": 1.0})
    c = rng_class(seed=124).next(100, "normal", {"mu": 0.0, "sigma": 1.0})
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_gsl_and_numpy_streams_differ_but_gsl_is_mt19937():
    assert not np.array_equal(GSLRNG(seed=5).next(10), NumpyRNG(seed=5).next(10))
    expected = np.random.Generator(np.random.MT19937(5)).random(10)
    assert np.array_equal(GSLRNG(seed=5).next(10), expected)


def test_none_seed_is_recorded_and_reusable():
    rng = NumpyRNG()
    assert isinstance(rng.seed, int)
    assert np.array_equal(NumpyRNG(rng.seed).next(5), rng.next(5))


def test_next_without_n_returns_scalar():
    value = NumpyRNG(seed=1).next()
    assert isinstance(value, float) and 0.0 <= value < 1.0
    assert isinstance(RandomDistribution("uniform_int", (0, 5), rng=NumpyRNG(1)).next(), int)


def test_mask_draws_all_then_selects():
    full = RandomDistribution("normal", (0, 1), rng=NumpyRNG(seed=9)).next(10)
    mask = np.array([True, False] * 5)
    masked = RandomDistribution("normal", (0, 1), rng=NumpyRNG(seed=9)).next(10, mask=mask)
    assert np.array_equal(masked, full[mask])


def test_positional_and_named_parameters_agree():
    a = RandomDistribution("gamma", (2.0, 3.0), rng=NumpyRNG(seed=1))
    b = RandomDistribution("gamma", k=2.0, theta=3.0, rng=NumpyRNG(seed=1))
    assert a.parameters == b.parameters == {"k": 2.0, "theta": 3.0}
    assert np.array_equal(a.next(5), b.next(5))


def test_default_rng_is_numpy_with_fresh_seed():
    d1 = RandomDistribution("uniform", (0, 1))
    d2 = RandomDistribution("uniform", (0, 1))
    assert isinstance(d1.rng, NumpyRNG)
    assert d1.rng.seed != d2.rng.seed


def test_repr_names_distribution_and_parameters():
    text = repr(RandomDistribution("normal", mu=1.5, sigma=0.5, rng=NumpyRNG(seed=7)))
    assert "normal" in text and "mu=1.5" in text and "sigma=0.5" in text and "seed=7" in text


def test_unknown_distribution_lists_valid_ones():
    with pytest.raises(InvalidParameterValueError, match="unknown distribution 'gauss'") as e:
        RandomDistribution("gauss", (0, 1))
    assert "normal_clipped_to_boundary" in str(e.value)


def test_unknown_parameter_name_lists_valid_names():
    with pytest.raises(InvalidParameterValueError, match="no parameter 'sd'.*mu, sigma"):
        RandomDistribution("normal", mu=0.0, sd=1.0)


def test_missing_parameter_is_named():
    with pytest.raises(InvalidParameterValueError, match="missing parameter.*high"):
        RandomDistribution("uniform", low=0.0)


def test_too_many_positional_parameters():
    with pytest.raises(InvalidParameterValueError, match="takes 1 parameters"):
        RandomDistribution("exponential", (1.0, 2.0))


def test_bad_seed_and_gsl_type():
    with pytest.raises(InvalidParameterValueError, match="seed"):
        NumpyRNG(seed=-1)
    with pytest.raises(InvalidParameterValueError, match="ranlux.*mt19937"):
        GSLRNG(seed=1, type="ranlux")


def test_every_distribution_has_a_moment_test():
    tested = {m[0] for m in MOMENTS} | {"normal_clipped", "normal_clipped_to_boundary"}
    assert tested == set(available_distributions())


@pytest.mark.parametrize("name, params", [
    ("normal", {"mu": 0.0, "sigma": -1.0}),
    ("binomial", {"n": 10, "p": 1.5}),
    ("uniform_int", {"low": 5, "high": 2}),
    ("normal_clipped", {"mu": 0.0, "sigma": 1.0, "low": 1.0, "high": 0.0}),
])
def test_invalid_parameter_values_fail_at_construction(name, params):
    with pytest.raises(InvalidParameterValueError, match=name):
        RandomDistribution(name, **params)


def test_construction_check_does_not_consume_the_stream():
    rng = NumpyRNG(seed=8)
    RandomDistribution("normal", (0.0, 1.0), rng=rng)
    assert np.array_equal(rng.next(3), NumpyRNG(seed=8).next(3))


def test_old_style_boundaries_map_onto_clipped_normals():
    with pytest.warns(DeprecationWarning, match="0.7 form"):
        clip = RandomDistribution("normal", [0.0, 1.0], NumpyRNG(seed=1), boundaries=(-1, 1),
                                  constrain="clip")
    assert clip.name == "normal_clipped_to_boundary"
    assert clip.parameters == {"mu": 0.0, "sigma": 1.0, "low": -1, "high": 1}
    with pytest.warns(DeprecationWarning):
        redraw = RandomDistribution("normal", [0.0, 1.0], NumpyRNG(seed=1), boundaries=(-1, 1),
                                    constrain="redraw")
    assert redraw.name == "normal_clipped"
    with pytest.warns(DeprecationWarning), \
            pytest.raises(InvalidParameterValueError, match="'normal' with constrain"):
        RandomDistribution("uniform", [0.0, 1.0], boundaries=(0.2, 0.8))


def test_numpy_sampling_methods_are_forwarded():
    rng = NumpyRNG(seed=2)
    perm = rng.permutation(5)
    assert sorted(perm.tolist()) == [0, 1, 2, 3, 4]
    assert np.array_equal(perm, np.random.default_rng(2).permutation(5))
    assert 0 <= NumpyRNG(seed=2).randint(0, 3) < 3  # RandomState name -> integers
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        rng.nonsense
