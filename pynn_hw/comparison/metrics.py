"""Spike-train statistics for comparing simulators, on Neo spike trains or numpy arrays.

Every function takes ``trains``: a sequence of ``neo.SpikeTrain`` (times are
rescaled to ms) or of 1-D arrays of spike times in ms. The analysis window
``[t_start, t_stop)`` (ms) defaults to the trains' own ``t_start``/``t_stop`` for
Neo trains and must be given for plain arrays. Spikes outside the window are
ignored. All work is vectorised over trains (no Python loop per spike or cell,
except to gather the trains into one array).

Definitions (stated here once, used by the comparison report):

- rate: spikes / window length, in Hz, per train.
- CV of ISI: standard deviation / mean of a train's inter-spike intervals
  (population standard deviation, ddof = 0); NaN for trains with fewer than
  ``min_spikes`` spikes.
- Fano factor: variance / mean of a train's spike counts in consecutive bins
  of ``bin_ms`` (unbiased variance, ddof = 1; a partial last bin is dropped);
  NaN for trains without spikes in the counted bins.
- correlation: Pearson correlation coefficient of two trains' binned spike counts.
- van Rossum distance (van Rossum 2001) with time constant ``tau_ms``: each spike
  becomes a causal exponential ``exp(-(t - t_i)/tau)``; the distance is
  ``D = sqrt((2/tau) * integral (f_a - f_b)^2 dt)`` over all time (the kernels'
  tails after the window are included), which in closed form is
  ``D^2 = S(a,a) + S(b,b) - 2 S(a,b)`` with ``S(x,y) = sum_ij exp(-|x_i - y_j|/tau)``.
  One unmatched spike gives D = 1; two single spikes ``delta`` apart give
  ``D^2 = 2 (1 - exp(-delta/tau))``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

#: Bound on the elements of the (cells x spikes x spikes) blocks of the distance.
_PAIRWISE_BLOCK = 4_000_000


# -- gathering trains ---------------------------------------------------------------------
def train_times(train: Any) -> np.ndarray:
    """Spike times of one train in ms, as float64 (a Neo train is rescaled)."""
    if hasattr(train, "rescale"):
        return np.asarray(train.rescale("ms").magnitude, dtype=np.float64).reshape(-1)
    return np.asarray(train, dtype=np.float64).reshape(-1)


def window_of(trains: Sequence[Any], t_start: float | None = None,
              t_stop: float | None = None) -> tuple[float, float]:
    """The analysis window: given bounds, else the first Neo train's t_start/t_stop.

    Raises
    ------
    ValueError
        If a bound is missing and the trains are not Neo trains, or the window is empty.
    """
    first = trains[0] if len(trains) else None
    if t_start is None:
        if first is None or not hasattr(first, "t_start"):
            raise ValueError("t_start: give the window start in ms for plain arrays of spike times")
        t_start = float(first.t_start.rescale("ms").magnitude)
    if t_stop is None:
        if first is None or not hasattr(first, "t_stop"):
            raise ValueError("t_stop: give the window end in ms for plain arrays of spike times")
        t_stop = float(first.t_stop.rescale("ms").magnitude)
    if not t_stop > t_start:
        raise ValueError(f"analysis window [{t_start}, {t_stop}) ms is empty; t_stop must exceed t_start")
    return float(t_start), float(t_stop)


def flatten(trains: Sequence[Any], t_start: float, t_stop: float) -> tuple[np.ndarray, np.ndarray]:
    """All spikes inside the window as (train index, time), sorted by train then time."""
    arrays = [train_times(t) for t in trains]
    lengths = np.fromiter((a.size for a in arrays), dtype=np.int64, count=len(arrays))
    times = np.concatenate(arrays) if arrays else np.zeros(0)
    owner = np.repeat(np.arange(len(arrays), dtype=np.int64), lengths)
    inside = (times >= t_start) & (times < t_stop)
    owner, times = owner[inside], times[inside]
    order = np.lexsort((times, owner))
    return owner[order], times[order]


# -- single-train statistics, per train -----------------------------------------------------
def firing_rates(trains: Sequence[Any], t_start: float | None = None,
                 t_stop: float | None = None) -> np.ndarray:
    """Rate of each train in Hz over the window."""
    t_start, t_stop = window_of(trains, t_start, t_stop)
    owner, _ = flatten(trains, t_start, t_stop)
    counts = np.bincount(owner, minlength=len(trains))
    return counts / ((t_stop - t_start) / 1000.0)


def mean_rate(trains: Sequence[Any], t_start: float | None = None, t_stop: float | None = None) -> float:
    """Mean over trains of the rate in Hz (NaN for no trains)."""
    if not len(trains):
        return float("nan")
    return float(np.mean(firing_rates(trains, t_start, t_stop)))


def isi_cv(trains: Sequence[Any], t_start: float | None = None, t_stop: float | None = None,
           min_spikes: int = 3) -> np.ndarray:
    """CV of the inter-spike intervals of each train (NaN below ``min_spikes`` spikes).

    Raises
    ------
    ValueError
        If ``min_spikes`` < 2 (a CV needs at least one interval).
    """
    if min_spikes < 2:
        raise ValueError(f"isi_cv: min_spikes must be >= 2 (got {min_spikes})")
    t_start, t_stop = window_of(trains, t_start, t_stop)
    owner, times = flatten(trains, t_start, t_stop)
    n = len(trains)
    same = owner[1:] == owner[:-1]
    isi = np.diff(times)[same]
    isi_owner = owner[1:][same]
    k = np.bincount(isi_owner, minlength=n).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(isi_owner, weights=isi, minlength=n) / k
        var = np.bincount(isi_owner, weights=isi ** 2, minlength=n) / k - mean ** 2
        cv = np.sqrt(np.maximum(var, 0.0)) / mean
    spikes = np.bincount(owner, minlength=n)
    cv[spikes < min_spikes] = np.nan
    return cv


def binned_counts(trains: Sequence[Any], bin_ms: float, t_start: float | None = None,
                  t_stop: float | None = None) -> np.ndarray:
    """Spike counts, shape (n_trains, n_bins), in whole bins of ``bin_ms`` from t_start.

    Raises
    ------
    ValueError
        If ``bin_ms`` is not positive or longer than the window.
    """
    t_start, t_stop = window_of(trains, t_start, t_stop)
    if not bin_ms > 0:
        raise ValueError(f"bin_ms must be > 0 (got {bin_ms})")
    n_bins = int(np.floor((t_stop - t_start) / bin_ms + 1e-9))
    if n_bins < 1:
        raise ValueError(f"bin_ms = {bin_ms} ms is longer than the analysis window "
                         f"[{t_start}, {t_stop}) ms")
    owner, times = flatten(trains, t_start, t_start + n_bins * bin_ms)
    bins = np.minimum(((times - t_start) / bin_ms).astype(np.int64), n_bins - 1)
    flat = np.bincount(owner * n_bins + bins, minlength=len(trains) * n_bins)
    return flat.reshape(len(trains), n_bins)


def fano_factors(trains: Sequence[Any], bin_ms: float, t_start: float | None = None,
                 t_stop: float | None = None) -> np.ndarray:
    """Fano factor of each train's binned spike counts (NaN for silent trains or one bin)."""
    counts = binned_counts(trains, bin_ms, t_start, t_stop).astype(np.float64)
    if counts.shape[1] < 2:
        return np.full(counts.shape[0], np.nan)
    mean = counts.mean(axis=1)
    var = counts.var(axis=1, ddof=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(mean > 0, var / mean, np.nan)


# -- pairwise statistics ---------------------------------------------------------------------
def count_correlation(counts_a: np.ndarray, counts_b: np.ndarray) -> np.ndarray:
    """Row-wise Pearson correlation of two (n, bins) count arrays (NaN for constant rows)."""
    a = np.asarray(counts_a, dtype=np.float64)
    b = np.asarray(counts_b, dtype=np.float64)
    a = a - a.mean(axis=-1, keepdims=True)
    b = b - b.mean(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (a * b).sum(axis=-1) / np.sqrt((a * a).sum(axis=-1) * (b * b).sum(axis=-1))


def sample_pairs(candidates: np.ndarray, n_pairs: int, seed: int) -> np.ndarray:
    """Up to ``n_pairs`` distinct unordered pairs (k, 2) of the given indices, drawn with ``seed``.

    All pairs are returned (in order) when there are no more than ``n_pairs``.
    """
    candidates = np.asarray(candidates, dtype=np.int64)
    m = candidates.size
    total = m * (m - 1) // 2
    if total == 0:
        return np.zeros((0, 2), dtype=np.int64)
    if total <= n_pairs:
        i, j = np.triu_indices(m, k=1)
    else:
        # draw linear indices of the upper triangle without replacement, then unrank them
        rng = np.random.default_rng(seed)
        linear = np.sort(rng.choice(total, size=n_pairs, replace=False))
        # row r starts at r*m - r(r+1)/2; invert with the quadratic formula
        r = np.floor((2 * m - 1 - np.sqrt((2 * m - 1) ** 2 - 8 * linear)) / 2).astype(np.int64)
        start = r * m - r * (r + 1) // 2
        r = np.where(start > linear, r - 1, r)
        start = r * m - r * (r + 1) // 2
        i, j = r, linear - start + r + 1
    return np.stack([candidates[i], candidates[j]], axis=1)


def pairwise_correlations(trains: Sequence[Any], bin_ms: float, n_pairs: int = 500, seed: int = 12345,
                          t_start: float | None = None, t_stop: float | None = None) -> np.ndarray:
    """Correlation coefficients of binned counts for a seeded sample of pairs of trains.

    Only trains whose counts vary across bins take part (a constant count has no
    correlation); pairs are drawn among them with :func:`sample_pairs`.
    """
    counts = binned_counts(trains, bin_ms, t_start, t_stop)
    varying = np.flatnonzero(counts.max(axis=1) > counts.min(axis=1))
    pairs = sample_pairs(varying, n_pairs, seed)
    if not len(pairs):
        return np.zeros(0)
    return count_correlation(counts[pairs[:, 0]], counts[pairs[:, 1]])


def mean_pairwise_correlation(trains: Sequence[Any], bin_ms: float, n_pairs: int = 500, seed: int = 12345,
                              t_start: float | None = None, t_stop: float | None = None) -> float:
    """Mean of :func:`pairwise_correlations` (NaN if fewer than two trains vary)."""
    values = pairwise_correlations(trains, bin_ms, n_pairs, seed, t_start, t_stop)
    return float(np.mean(values)) if values.size else float("nan")


# -- spike-time distance ---------------------------------------------------------------------
def _padded(trains: Sequence[Any], t_start: float, t_stop: float) -> tuple[np.ndarray, np.ndarray]:
    owner, times = flatten(trains, t_start, t_stop)
    counts = np.bincount(owner, minlength=len(trains))
    width = int(counts.max()) if counts.size else 0
    out = np.full((len(trains), max(width, 1)), np.nan)
    first = np.concatenate([[0], np.cumsum(counts)[:-1]]) if counts.size else counts
    out[owner, np.arange(owner.size) - first[owner]] = times
    return out, counts


def _kernel_sums(x: np.ndarray, y: np.ndarray, tau: float) -> np.ndarray:
    """Row-wise S(x, y) = sum_ij exp(-|x_i - y_j| / tau) of NaN-padded rows."""
    rows = x.shape[0]
    per_row = max(1, x.shape[1] * y.shape[1])
    step = max(1, _PAIRWISE_BLOCK // per_row)
    out = np.empty(rows)
    for lo in range(0, rows, step):           # blocks of rows bound the memory
        d = np.abs(x[lo:lo + step, :, None] - y[lo:lo + step, None, :])
        out[lo:lo + step] = np.nansum(np.exp(-d / tau), axis=(1, 2))
    return out


def van_rossum_distances(trains_a: Sequence[Any], trains_b: Sequence[Any], tau_ms: float,
                         t_start: float | None = None, t_stop: float | None = None) -> np.ndarray:
    """van Rossum distance between ``trains_a[i]`` and ``trains_b[i]`` for every i.

    Raises
    ------
    ValueError
        If the two sequences differ in length or ``tau_ms`` is not positive.
    """
    if len(trains_a) != len(trains_b):
        raise ValueError(f"van_rossum_distances: {len(trains_a)} trains against {len(trains_b)}; "
                         "the distance pairs train i with train i")
    if not tau_ms > 0:
        raise ValueError(f"tau_ms must be > 0 (got {tau_ms})")
    if not len(trains_a):
        return np.zeros(0)
    t_start, t_stop = window_of(trains_a, t_start, t_stop)
    a, _ = _padded(trains_a, t_start, t_stop)
    b, _ = _padded(trains_b, t_start, t_stop)
    squared = _kernel_sums(a, a, tau_ms) + _kernel_sums(b, b, tau_ms) - 2.0 * _kernel_sums(a, b, tau_ms)
    return np.sqrt(np.maximum(squared, 0.0))      # round-off can leave -1e-16


def van_rossum_distance(train_a: Any, train_b: Any, tau_ms: float, t_start: float | None = None,
                        t_stop: float | None = None) -> float:
    """van Rossum distance between two trains (see the module docstring).

    Plain arrays without a window use all their spikes.
    """
    if not hasattr(train_a, "t_start"):
        t_start = -np.inf if t_start is None else t_start
        t_stop = np.inf if t_stop is None else t_stop
    return float(van_rossum_distances([train_a], [train_b], tau_ms, t_start, t_stop)[0])


def normalised_van_rossum(distances: np.ndarray, n_a: np.ndarray, n_b: np.ndarray) -> np.ndarray:
    """``D^2 / (n_a + n_b)`` per pair of trains: 0 if identical, about 1 if no spike is matched.

    Every spike of both trains shifted by ``delta`` gives ``1 - exp(-delta/tau)``
    (for spikes further apart than a few tau); pairs of empty trains give 0.
    """
    d = np.asarray(distances, dtype=np.float64)
    total = np.asarray(n_a, dtype=np.float64) + np.asarray(n_b, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, d ** 2 / total, 0.0)


def spike_counts(trains: Sequence[Any], t_start: float | None = None, t_stop: float | None = None
                 ) -> np.ndarray:
    """Number of spikes of each train inside the window."""
    t_start, t_stop = window_of(trains, t_start, t_stop)
    owner, _ = flatten(trains, t_start, t_stop)
    return np.bincount(owner, minlength=len(trains))
