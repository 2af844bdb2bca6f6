"""Random number generators and random distributions of the PyNN API.

All generators draw through a :class:`numpy.random.Generator`, available as the
``generator`` attribute for vectorised use inside the front-end (connectors, value
evaluation). Draws are reproducible: the same seed gives the same numbers on every
machine and every backend, because connectivity and parameter values are drawn once,
in the front-end.

- :class:`NumpyRNG` uses numpy's default bit generator (PCG64).
- :class:`GSLRNG` uses numpy's MT19937 bit generator. The GNU Scientific Library is
  not used: the streams are *not* those GSL would give for the same seed.
- :class:`NativeRNG` stands for "the simulator's own generator" in PyNN. Here the
  front-end draws every random number, so it is a numpy generator seeded from
  ``seed``; all backends therefore see the same values.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from pynn_hw.errors import InvalidParameterValueError

__all__ = ["AbstractRNG", "NumpyRNG", "GSLRNG", "NativeRNG", "RandomDistribution",
           "available_distributions"]

#: Rounds of redrawing for ``normal_clipped`` before giving up (each round redraws
#: only the values still outside the interval).
_MAX_REDRAW_ROUNDS = 10_000


def _normal_clipped(gen: np.random.Generator, size: int, mu: float, sigma: float,
                    low: float, high: float) -> np.ndarray:
    if not low < high:
        raise InvalidParameterValueError(
            f"normal_clipped: low ({low}) must be smaller than high ({high})")
    values = gen.normal(mu, sigma, size)
    outside = np.flatnonzero((values < low) | (values > high))
    rounds = 0
    while outside.size:
        rounds += 1
        if rounds > _MAX_REDRAW_ROUNDS:
            raise InvalidParameterValueError(
                f"normal_clipped(mu={mu}, sigma={sigma}, low={low}, high={high}): the "
                f"interval holds too little probability; {outside.size} values still "
                f"outside after {_MAX_REDRAW_ROUNDS} rounds of redrawing")
        redrawn = gen.normal(mu, sigma, outside.size)
        values[outside] = redrawn
        outside = outside[(redrawn < low) | (redrawn > high)]
    return values


def _normal_clipped_to_boundary(gen: np.random.Generator, size: int, mu: float,
                                sigma: float, low: float, high: float) -> np.ndarray:
    if not low <= high:
        raise InvalidParameterValueError(
            f"normal_clipped_to_boundary: low ({low}) must not exceed high ({high})")
    return np.clip(gen.normal(mu, sigma, size), low, high)


def _uniform_int(gen: np.random.Generator, size: int, low: int, high: int) -> np.ndarray:
    if not low < high:
        raise InvalidParameterValueError(
            f"uniform_int: low ({low}) must be smaller than high ({high}); high is excluded")
    return gen.integers(low, high, size)


@dataclass(frozen=True)
class _Distribution:
    parameter_names: tuple[str, ...]
    draw: Callable[..., np.ndarray]


#: Distribution name -> parameter names (positional order) and a vectorised sampler
#: ``draw(generator, size, **parameters)``.
_DISTRIBUTIONS: dict[str, _Distribution] = {
    "binomial": _Distribution(("n", "p"), lambda g, s, n, p: g.binomial(n, p, s)),
    "gamma": _Distribution(("k", "theta"), lambda g, s, k, theta: g.gamma(k, theta, s)),
    "exponential": _Distribution(("beta",), lambda g, s, beta: g.exponential(beta, s)),
    "lognormal": _Distribution(("mu", "sigma"),
                               lambda g, s, mu, sigma: g.lognormal(mu, sigma, s)),
    "normal": _Distribution(("mu", "sigma"), lambda g, s, mu, sigma: g.normal(mu, sigma, s)),
    "normal_clipped": _Distribution(("mu", "sigma", "low", "high"), _normal_clipped),
    "normal_clipped_to_boundary": _Distribution(("mu", "sigma", "low", "high"),
                                                _normal_clipped_to_boundary),
    "poisson": _Distribution(("lambda_",), lambda g, s, lambda_: g.poisson(lambda_, s)),
    "uniform": _Distribution(("low", "high"), lambda g, s, low, high: g.uniform(low, high, s)),
    # PyNN's uniform_int includes low and excludes high, like numpy's integers().
    "uniform_int": _Distribution(("low", "high"), _uniform_int),
    "vonmises": _Distribution(("mu", "kappa"),
                              lambda g, s, mu, kappa: g.vonmises(mu, kappa, s)),
}


def available_distributions() -> dict[str, tuple[str, ...]]:
    """Names of the supported distributions and their parameters, in positional order."""
    return {name: d.parameter_names for name, d in _DISTRIBUTIONS.items()}


def _lookup(distribution: str) -> _Distribution:
    try:
        return _DISTRIBUTIONS[distribution]
    except (KeyError, TypeError):
        raise InvalidParameterValueError(
            f"unknown distribution {distribution!r}; valid distributions are: "
            f"{', '.join(sorted(_DISTRIBUTIONS))}") from None


def _resolve_parameters(distribution: str, positional: Sequence[Any] | None,
                        named: Mapping[str, Any]) -> dict[str, Any]:
    """Merge positional and named parameters of ``distribution`` into one checked dict."""
    names = _lookup(distribution).parameter_names
    signature = f"{distribution}({', '.join(names)})"
    positional = list(positional) if positional is not None else []
    if len(positional) > len(names):
        raise InvalidParameterValueError(
            f"{signature} takes {len(names)} parameters, got {len(positional)} "
            f"positional values {positional}")
    params = dict(zip(names, positional))
    for key, value in named.items():
        if key not in names:
            raise InvalidParameterValueError(
                f"{signature} has no parameter {key!r}; valid names are: {', '.join(names)}")
        if key in params:
            raise InvalidParameterValueError(
                f"{signature}: parameter {key!r} given both by position and by name")
        params[key] = value
    missing = [n for n in names if n not in params]
    if missing:
        raise InvalidParameterValueError(
            f"{signature}: missing parameter(s) {', '.join(missing)}")
    return {n: params[n] for n in names}


def _sample(gen: np.random.Generator, size: int, distribution: str,
            params: dict[str, Any]) -> np.ndarray:
    """Draw ``size`` values; numpy's complaints about parameters become PyNN errors."""
    try:
        return _lookup(distribution).draw(gen, size, **params)
    except InvalidParameterValueError:
        raise
    except (ValueError, TypeError) as exc:
        values = ", ".join(f"{k}={v!r}" for k, v in params.items())
        raise InvalidParameterValueError(
            f"invalid parameters for distribution {distribution}({values}): {exc}") from None


def _entropy_seed() -> int:
    """A fresh seed from the operating system."""
    return int(np.random.SeedSequence().entropy % (2**63))


#: How a generator created with ``seed=None`` gets its seed: called with
#: :func:`_entropy_seed`. Backends that run the script on several MPI processes
#: replace it so that every process gets the same seed (see :func:`set_seed_source`).
_seed_source: list[Callable[[Callable[[], int]], int]] = [lambda draw: draw()]


def set_seed_source(source: Callable[[Callable[[], int]], int]) -> None:
    """Decide how generators created with ``seed=None`` are seeded.

    Parameters
    ----------
    source
        Called with a function that draws a fresh seed; returns the seed to use
        (e.g. rank 0's draw, broadcast to every MPI process).
    """
    _seed_source[0] = source


#: numpy RandomState method names that old scripts call, and their Generator names.
_RANDOMSTATE_NAMES = {"randint": "integers", "random_sample": "random", "rand": "random"}


class AbstractRNG:
    """Common base of the random number generators.

    Parameters
    ----------
    seed
        Integer seed; ``None`` draws a fresh seed from the operating system (kept in
        :attr:`seed` so that a run can be repeated).
    parallel_safe
        Kept for API compatibility: the front-end always draws the full set of
        values on one process, so results never depend on the number of processes.

    Attributes
    ----------
    seed
        The seed actually used.
    generator
        The :class:`numpy.random.Generator` that produces every draw.
    """

    def __init__(self, seed: int | None = None, parallel_safe: bool = True) -> None:
        if seed is None:
            seed = _seed_source[0](_entropy_seed)
        elif isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise InvalidParameterValueError(
                f"{type(self).__name__}.seed must be a non-negative integer or None "
                f"(got {seed!r})")
        self.seed = int(seed)
        self.parallel_safe = bool(parallel_safe)
        self.generator = np.random.Generator(self._bit_generator(self.seed))

    def _bit_generator(self, seed: int) -> np.random.BitGenerator:
        return np.random.PCG64(seed)

    def next(self, n: int | None = None, distribution: str = "uniform",
             parameters: Mapping[str, Any] | Sequence[Any] | None = None,
             mask: np.ndarray | None = None) -> Any:
        """Draw ``n`` values from ``distribution``.

        Parameters
        ----------
        n
            Number of values; ``None`` returns one scalar.
        distribution
            One of :func:`available_distributions`.
        parameters
            A dict of named parameters or a sequence in positional order; ``None``
            means ``uniform(0, 1)`` for the uniform distribution.
        mask
            Boolean or index array: ``n`` values are drawn and then ``values[mask]``
            returned, so the values of the selected cells do not depend on the mask.

        Returns
        -------
        float or numpy.ndarray
        """
        if parameters is None and distribution == "uniform":
            parameters = {"low": 0.0, "high": 1.0}
        if isinstance(parameters, Mapping):
            params = _resolve_parameters(distribution, None, parameters)
        else:
            params = _resolve_parameters(distribution, parameters, {})
        return self._draw(n, distribution, params, mask)

    def _draw(self, n: int | None, distribution: str, params: dict[str, Any],
              mask: np.ndarray | None) -> Any:
        if n is None:
            if mask is not None:
                raise InvalidParameterValueError("a mask needs a number of values n")
            return _sample(self.generator, 1, distribution, params)[0].item()
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise InvalidParameterValueError(
                f"number of values n must be a non-negative integer (got {n!r})")
        values = _sample(self.generator, int(n), distribution, params)
        return values if mask is None else values[mask]

    def __getattr__(self, name: str) -> Any:
        # PyNN's generators also answer numpy's own sampling methods
        # (rng.permutation, rng.uniform, ...); forward them to the Generator.
        if name.startswith("_") or name == "generator":
            raise AttributeError(name)
        target = _RANDOMSTATE_NAMES.get(name, name)
        try:
            return getattr(self.generator, target)
        except AttributeError:
            raise AttributeError(
                f"{type(self).__name__} has no attribute {name!r} (numpy.random.Generator "
                f"methods such as permutation, uniform, normal, integers are available)"
            ) from None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(seed={self.seed})"


class NumpyRNG(AbstractRNG):
    """Random numbers from numpy's default bit generator (PCG64).

    Parameters
    ----------
    seed
        Integer seed, or ``None`` for a fresh one.
    parallel_safe
        Accepted for compatibility; draws never depend on the number of processes.
    """


class GSLRNG(AbstractRNG):
    """Mersenne-Twister generator in place of the GNU Scientific Library's.

    GSL is not used: the generator is numpy's MT19937 bit generator, so the stream
    for a given seed differs from the one GSL's ``mt19937`` would produce.

    Parameters
    ----------
    seed
        Integer seed, or ``None`` for a fresh one.
    type
        GSL generator name; only ``'mt19937'`` is available.
    parallel_safe
        Accepted for compatibility.
    """

    def __init__(self, seed: int | None = None, type: str = "mt19937",  # noqa: A002
                 parallel_safe: bool = True) -> None:
        if type != "mt19937":
            raise InvalidParameterValueError(
                f"GSLRNG.type {type!r} is not available; valid types are: mt19937")
        self.type = type
        super().__init__(seed, parallel_safe)

    def _bit_generator(self, seed: int) -> np.random.BitGenerator:
        return np.random.MT19937(seed)

    def __repr__(self) -> str:
        return f"GSLRNG(seed={self.seed}, type={self.type!r})"


class NativeRNG(AbstractRNG):
    """The "simulator's own" generator of PyNN, drawn in the front-end.

    Every random number is drawn by the front-end so that all backends build the
    same network; this is therefore a numpy (PCG64) generator seeded from ``seed``.

    Parameters
    ----------
    seed
        Integer seed, or ``None`` for a fresh one.
    """

    def __init__(self, seed: int | None = None) -> None:
        super().__init__(seed, parallel_safe=True)


def _old_style_bounds(distribution: str, positional: Sequence[Any] | None,
                      named: dict[str, Any]) -> tuple[str, Sequence[Any] | None, dict[str, Any]]:
    """Map PyNN 0.7 ``boundaries``/``constrain`` onto the clipped normal distributions."""
    named = dict(named)
    boundaries = named.pop("boundaries", None)
    constrain = named.pop("constrain", "clip")
    warnings.warn("RandomDistribution(boundaries=..., constrain=...) is the PyNN 0.7 form; "
                  "use 'normal_clipped' (redraw) or 'normal_clipped_to_boundary' (clip)",
                  DeprecationWarning, stacklevel=3)
    if boundaries is None:
        return distribution, positional, named
    if distribution != "normal" or constrain not in ("clip", "redraw"):
        raise InvalidParameterValueError(
            f"RandomDistribution({distribution!r}, boundaries={boundaries!r}, "
            f"constrain={constrain!r}): boundaries are supported for 'normal' with "
            f"constrain 'clip' or 'redraw' only")
    low, high = boundaries
    params = _resolve_parameters("normal", positional, named)
    name = "normal_clipped" if constrain == "redraw" else "normal_clipped_to_boundary"
    return name, None, {**params, "low": low, "high": high}


class RandomDistribution:
    """A distribution with fixed parameters and a generator to draw from.

    Parameters
    ----------
    distribution
        Name of the distribution, see :func:`available_distributions`.
    parameters_pos
        Parameters in positional order (e.g. ``(mu, sigma)`` for ``'normal'``).
    rng
        The generator; ``None`` creates a :class:`NumpyRNG` with a fresh seed.
    **parameters_named
        Parameters by name (e.g. ``mu=0.0, sigma=1.0``). The PyNN 0.7 keywords
        ``boundaries=(low, high)`` and ``constrain='clip'|'redraw'`` are accepted for
        ``'normal'`` with a DeprecationWarning and become ``normal_clipped_to_boundary``
        or ``normal_clipped``.

    Examples
    --------
    >>> d = RandomDistribution('normal', mu=0.0, sigma=1.0, rng=NumpyRNG(seed=1))
    >>> d.next(3).shape
    (3,)
    """

    def __init__(self, distribution: str, parameters_pos: Sequence[Any] | None = None,
                 rng: AbstractRNG | None = None, **parameters_named: Any) -> None:
        if isinstance(parameters_pos, Mapping):
            # Old scripts pass a dict as the second positional argument.
            parameters_named = {**parameters_pos, **parameters_named}
            parameters_pos = None
        if "boundaries" in parameters_named or "constrain" in parameters_named:
            distribution, parameters_pos, parameters_named = _old_style_bounds(
                distribution, parameters_pos, parameters_named)
        self.name = distribution
        self.parameters = _resolve_parameters(distribution, parameters_pos, parameters_named)
        # Check the values now (a draw of zero values from a scratch generator leaves
        # the user's stream untouched) rather than at the first draw.
        _sample(np.random.default_rng(0), 0, distribution, self.parameters)
        if rng is not None and not isinstance(getattr(rng, "generator", None),
                                              np.random.Generator):
            raise InvalidParameterValueError(
                f"RandomDistribution.rng must be a NumpyRNG, GSLRNG or NativeRNG "
                f"(got {rng!r})")
        self.rng = rng if rng is not None else NumpyRNG()

    def next(self, n: int | None = None, mask: np.ndarray | None = None) -> Any:
        """Draw ``n`` values (a scalar when ``n`` is ``None``), see :meth:`AbstractRNG.next`."""
        return self.rng._draw(n, self.name, self.parameters, mask)

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.parameters.items())
        return f"RandomDistribution('{self.name}', {params}, rng={self.rng!r})"
