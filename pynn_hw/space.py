"""Positions of cells in space and distances between them.

:class:`Space` measures distances; the structures (:class:`Line`, :class:`Grid2D`,
:class:`Grid3D`, :class:`RandomStructure` with a :class:`Cuboid` or :class:`Sphere`
boundary) place ``n`` cells and return their positions as a (3, n) array.

Grid filling order (as in PyNN): cells fill the grid iterating first over z, then y,
then x, so x varies slowest. ``Grid2D(aspect_ratio=3, dx=10, dy=25)`` puts 12 cells
on a 6 x 2 grid with x = 0, 0, 10, 10, ... and y = 0, 25, 0, 25, ...
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pynn_hw.errors import InvalidDimensionsError, InvalidParameterValueError
from pynn_hw.random import AbstractRNG, NumpyRNG

__all__ = ["Space", "BaseStructure", "Line", "Grid2D", "Grid3D", "RandomStructure",
           "Shape", "Cuboid", "Sphere"]


def _as_points(points: Any, name: str) -> np.ndarray:
    """Return ``points`` as a float (3, n) array; a (3,) point becomes (3, 1)."""
    arr = np.asarray(points, dtype=float)
    if arr.ndim == 1:
        arr = arr.reshape(3, 1) if arr.shape == (3,) else arr
    if arr.ndim != 2 or arr.shape[0] != 3:
        raise InvalidDimensionsError(
            f"{name} must have shape (3,) or (3, n), got shape {np.shape(points)}")
    return arr


class Space:
    """How distances between cells are measured.

    Parameters
    ----------
    axes
        Axes that count, any combination of ``'x'``, ``'y'``, ``'z'`` (e.g. ``'xy'``);
        ``None`` means all three.
    scale_factor
        Every distance is multiplied by this factor ...
    offset
        ... and then this offset is added: ``d = scale_factor * |B - A| + offset``.
    periodic_boundaries
        ``None``, or three entries (x, y, z), each ``None`` or ``(min, max)``: along
        such an axis the separation is the shorter way round, ``min(|dx|, L - |dx|)``
        with ``L = max - min``.
    """

    def __init__(self, axes: str | None = None, scale_factor: float = 1.0,
                 offset: float = 0.0, periodic_boundaries: Any = None) -> None:
        self.axes = axes
        self.scale_factor = float(scale_factor)
        self.offset = float(offset)
        self.periodic_boundaries = periodic_boundaries
        self._axis_mask = self._parse_axes(axes)
        self._periods = self._parse_boundaries(periodic_boundaries)

    @staticmethod
    def _parse_axes(axes: str | None) -> np.ndarray:
        if axes is None:
            return np.ones(3, dtype=bool)
        if (not isinstance(axes, str) or not axes or len(set(axes)) != len(axes)
                or set(axes) - set("xyz")):
            raise InvalidParameterValueError(
                f"Space.axes must be None or a combination of distinct letters x, y, z "
                f"such as 'x', 'xy', 'xz', 'xyz' (got {axes!r})")
        return np.array([c in axes for c in "xyz"])

    @staticmethod
    def _parse_boundaries(boundaries: Any) -> np.ndarray:
        """Period length per axis; 0 where the axis is not periodic."""
        periods = np.zeros(3)
        if boundaries is None:
            return periods
        if len(boundaries) != 3:
            raise InvalidParameterValueError(
                f"Space.periodic_boundaries needs one entry per axis (x, y, z), each "
                f"None or (min, max); got {boundaries!r}")
        for axis, bound in enumerate(boundaries):
            if bound is None:
                continue
            low, high = (float(b) for b in bound)
            if not high > low:
                raise InvalidParameterValueError(
                    f"Space.periodic_boundaries[{axis}] = {bound!r}: max must exceed min")
            periods[axis] = high - low
        return periods

    def _separation(self, delta: np.ndarray) -> np.ndarray:
        """Signed per-axis separations (axis first) after the periodic wrap and axes."""
        periodic = self._periods > 0
        if periodic.any():
            delta = delta.copy()
            for axis in np.flatnonzero(periodic):
                period = self._periods[axis]
                # Shift into [-L/2, L/2): the shorter way round, keeping the sign.
                delta[axis] = (delta[axis] + 0.5 * period) % period - 0.5 * period
        return delta * self._axis_mask.reshape((3,) + (1,) * (delta.ndim - 1))

    def displacements(self, A: Any, B: Any) -> np.ndarray:
        """Displacements ``B[:, j] - A[:, i]``, shape (3, n, m), in scaled units.

        Unused axes are zero; periodic axes take the shorter way round.
        """
        a, b = _as_points(A, "A"), _as_points(B, "B")
        delta = b[:, None, :] - a[:, :, None]
        return self.scale_factor * self._separation(delta)

    def distances(self, A: Any, B: Any, expand: bool = False) -> np.ndarray:
        """Distances between each point of ``A`` and each point of ``B``.

        Parameters
        ----------
        A
            Points, shape (3, n) or a single point (3,).
        B
            Points, shape (3, m) or (3,).
        expand
            If true, return the absolute per-axis separations, shape (3, n, m),
            multiplied by ``scale_factor`` (no offset), instead of the distance.

        Returns
        -------
        numpy.ndarray
            Shape (n, m): row ``i`` holds the distances from ``A[:, i]`` to every
            point of ``B``.
        """
        a, b = _as_points(A, "A"), _as_points(B, "B")
        sep = self._separation(b[:, None, :] - a[:, :, None])
        if expand:
            return self.scale_factor * np.abs(sep)
        return self.scale_factor * np.sqrt(np.einsum("kij,kij->ij", sep, sep)) + self.offset

    def paired_distances(self, A: Any, B: Any) -> np.ndarray:
        """Distances between matching columns: ``|B[:, k] - A[:, k]|``, shape (k,)."""
        a, b = _as_points(A, "A"), _as_points(B, "B")
        if a.shape != b.shape:
            raise InvalidDimensionsError(
                f"paired_distances needs A and B of equal shape, got {a.shape} and {b.shape}")
        sep = self._separation(b - a)
        return self.scale_factor * np.sqrt(np.einsum("kn,kn->n", sep, sep)) + self.offset

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Space) and self.axes == other.axes
                and self.scale_factor == other.scale_factor and self.offset == other.offset
                and np.array_equal(self._periods, other._periods))

    def __repr__(self) -> str:
        return (f"Space(axes={self.axes!r}, scale_factor={self.scale_factor}, "
                f"offset={self.offset}, periodic_boundaries={self.periodic_boundaries!r})")


class BaseStructure:
    """A rule that places ``n`` cells in space.

    Subclasses list their constructor arguments in ``parameter_names``; equality and
    :meth:`describe` use them.
    """

    parameter_names: tuple[str, ...] = ()

    @property
    def parameters(self) -> dict[str, Any]:
        """The structure's parameters by name."""
        return {name: getattr(self, name) for name in self.parameter_names}

    def get_parameters(self) -> dict[str, Any]:
        """Same as :attr:`parameters` (PyNN method name)."""
        return self.parameters

    def generate_positions(self, n: int) -> np.ndarray:
        """Positions of ``n`` cells, shape (3, n)."""
        raise NotImplementedError(f"{type(self).__name__} does not place cells")

    def describe(self) -> str:
        """One-line human-readable description."""
        params = ", ".join(f"{k}={v!r}" for k, v in self.parameters.items())
        return f"{type(self).__name__}({params})"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.parameters == other.parameters

    def __hash__(self) -> int:
        return hash((type(self).__name__, tuple(map(repr, self.parameters.values()))))

    def __repr__(self) -> str:
        return self.describe()


def _check_count(n: int, owner: str) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise InvalidDimensionsError(
            f"{owner}.generate_positions: n must be a non-negative integer (got {n!r})")
    return int(n)


def _grid_side(value: float) -> int | None:
    """``value`` as a whole number of grid points, or None if it is not whole."""
    side = round(value)
    return side if side >= 1 and abs(value - side) < 1e-9 * max(1.0, value) else None


class Line(BaseStructure):
    """Cells evenly spaced along x: ``x = x0 + i * dx`` at fixed ``y``, ``z``."""

    parameter_names = ("dx", "x0", "y", "z")

    def __init__(self, dx: float = 1.0, x0: float = 0.0, y: float = 0.0,
                 z: float = 0.0) -> None:
        self.dx, self.x0, self.y, self.z = float(dx), float(x0), float(y), float(z)

    def generate_positions(self, n: int) -> np.ndarray:
        n = _check_count(n, "Line")
        x = self.x0 + self.dx * np.arange(n, dtype=float)
        return np.vstack([x, np.full(n, self.y), np.full(n, self.z)])


def _fill(grid: np.ndarray, fill_order: str, rng: AbstractRNG, owner: str) -> np.ndarray:
    if fill_order == "sequential":
        return grid
    if fill_order == "random":
        return grid[:, rng.generator.permutation(grid.shape[1])]
    raise InvalidParameterValueError(
        f"{owner}.fill_order must be 'sequential' or 'random' (got {fill_order!r})")


class Grid2D(BaseStructure):
    """Cells on a regular grid in the plane ``z``.

    Parameters
    ----------
    aspect_ratio
        Number of grid points along x divided by the number along y (not the ratio of
        side lengths unless ``dx == dy``); ``n`` must fill an ``nx x ny`` grid with
        ``nx = aspect_ratio * ny`` exactly.
    dx, dy
        Spacing along x and y.
    x0, y0
        Coordinates of the first corner.
    z
        z-coordinate of every cell.
    fill_order
        ``'sequential'`` (y varies fastest, then x) or ``'random'`` (the sequential
        positions permuted with ``rng``).
    rng
        Generator for ``'random'`` filling; ``None`` gives a fresh :class:`NumpyRNG`.
    """

    parameter_names = ("aspect_ratio", "dx", "dy", "x0", "y0", "z", "fill_order")

    def __init__(self, aspect_ratio: float = 1.0, dx: float = 1.0, dy: float = 1.0,
                 x0: float = 0.0, y0: float = 0.0, z: float = 0, fill_order: str = "sequential",
                 rng: AbstractRNG | None = None) -> None:
        if not aspect_ratio > 0:
            raise InvalidParameterValueError(
                f"Grid2D.aspect_ratio must be positive (got {aspect_ratio!r})")
        self.aspect_ratio = float(aspect_ratio)
        self.dx, self.dy, self.x0, self.y0, self.z = map(float, (dx, dy, x0, y0, z))
        _fill(np.zeros((3, 0)), fill_order, NumpyRNG(0), "Grid2D")
        self.fill_order = fill_order
        self.rng = rng if rng is not None else NumpyRNG()

    def calculate_size(self, n: int) -> tuple[int, int]:
        """Grid dimensions (nx, ny) for ``n`` cells; InvalidDimensionsError if none fit."""
        n = _check_count(n, "Grid2D")
        nx = _grid_side(np.sqrt(n * self.aspect_ratio))
        ny = None if nx is None else _grid_side(n / nx)
        if nx is None or ny is None or nx * ny != n:
            raise InvalidDimensionsError(
                f"Grid2D(aspect_ratio={self.aspect_ratio}): n={n} cells do not fill an "
                f"nx x ny grid with nx = {self.aspect_ratio} * ny; valid n are "
                f"{self.aspect_ratio} * ny**2 for whole nx, ny")
        return nx, ny

    def generate_positions(self, n: int) -> np.ndarray:
        nx, ny = self.calculate_size(n)
        ix, iy = np.divmod(np.arange(n), ny)  # y varies fastest
        grid = np.vstack([self.x0 + self.dx * ix, self.y0 + self.dy * iy,
                          np.full(n, self.z)])
        return _fill(grid, self.fill_order, self.rng, "Grid2D")


class Grid3D(BaseStructure):
    """Cells on a regular 3-D grid.

    ``aspect_ratioXY = nx / ny`` and ``aspect_ratioXZ = nx / nz`` (numbers of grid
    points). Sequential filling varies z fastest, then y, then x.
    """

    parameter_names = ("aspect_ratios", "dx", "dy", "dz", "x0", "y0", "z0", "fill_order")

    def __init__(self, aspect_ratioXY: float = 1.0, aspect_ratioXZ: float = 1.0,
                 dx: float = 1.0, dy: float = 1.0, dz: float = 1.0, x0: float = 0.0,
                 y0: float = 0.0, z0: float = 0, fill_order: str = "sequential",
                 rng: AbstractRNG | None = None) -> None:
        if not (aspect_ratioXY > 0 and aspect_ratioXZ > 0):
            raise InvalidParameterValueError(
                f"Grid3D aspect ratios must be positive (got aspect_ratioXY={aspect_ratioXY!r},"
                f" aspect_ratioXZ={aspect_ratioXZ!r})")
        self.aspect_ratios = (float(aspect_ratioXY), float(aspect_ratioXZ))
        self.dx, self.dy, self.dz = float(dx), float(dy), float(dz)
        self.x0, self.y0, self.z0 = float(x0), float(y0), float(z0)
        _fill(np.zeros((3, 0)), fill_order, NumpyRNG(0), "Grid3D")
        self.fill_order = fill_order
        self.rng = rng if rng is not None else NumpyRNG()

    def calculate_size(self, n: int) -> tuple[int, int, int]:
        """Grid dimensions (nx, ny, nz) for ``n`` cells; InvalidDimensionsError if none fit."""
        n = _check_count(n, "Grid3D")
        a, b = self.aspect_ratios
        nx = _grid_side(np.cbrt(n * a * b))
        ny = None if nx is None else _grid_side(nx / a)
        nz = None if nx is None else _grid_side(nx / b)
        if nx is None or ny is None or nz is None or nx * ny * nz != n:
            raise InvalidDimensionsError(
                f"Grid3D(aspect_ratioXY={a}, aspect_ratioXZ={b}): n={n} cells do not fill "
                f"an nx x ny x nz grid with nx = {a} * ny = {b} * nz")
        return nx, ny, nz

    def generate_positions(self, n: int) -> np.ndarray:
        nx, ny, nz = self.calculate_size(n)
        ix, rest = np.divmod(np.arange(n), ny * nz)
        iy, iz = np.divmod(rest, nz)
        grid = np.vstack([self.x0 + self.dx * ix, self.y0 + self.dy * iy,
                          self.z0 + self.dz * iz])
        return _fill(grid, self.fill_order, self.rng, "Grid3D")


class Shape:
    """A volume that random positions are drawn from, centred on the origin."""

    parameter_names: tuple[str, ...] = ()

    @property
    def parameters(self) -> dict[str, Any]:
        """The shape's parameters by name."""
        return {name: getattr(self, name) for name in self.parameter_names}

    def sample(self, n: int, rng: AbstractRNG) -> np.ndarray:
        """``n`` points uniformly distributed in the volume, shape (3, n)."""
        raise NotImplementedError(f"{type(self).__name__} cannot be sampled")

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.parameters == other.parameters

    def __hash__(self) -> int:
        return hash((type(self).__name__, tuple(self.parameters.values())))

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.parameters.items())
        return f"{type(self).__name__}({params})"


class Cuboid(Shape):
    """A box of the given extent along x (width), y (height) and z (depth)."""

    parameter_names = ("width", "height", "depth")

    def __init__(self, width: float, height: float, depth: float) -> None:
        dims = (float(width), float(height), float(depth))
        if min(dims) < 0:
            raise InvalidParameterValueError(
                f"Cuboid dimensions must be non-negative (got width={width}, "
                f"height={height}, depth={depth})")
        self.width, self.height, self.depth = dims

    def sample(self, n: int, rng: AbstractRNG) -> np.ndarray:
        half = 0.5 * np.array([[self.width], [self.height], [self.depth]])
        return rng.generator.uniform(-1.0, 1.0, (3, n)) * half


class Sphere(Shape):
    """A ball of the given radius."""

    parameter_names = ("radius",)

    def __init__(self, radius: float) -> None:
        if not radius >= 0:
            raise InvalidParameterValueError(f"Sphere.radius must be >= 0 (got {radius!r})")
        self.radius = float(radius)

    def sample(self, n: int, rng: AbstractRNG) -> np.ndarray:
        # Direction uniform on the unit sphere (normalised Gaussian vector) and
        # radius r = R * U**(1/3), which makes the density uniform in the volume.
        direction = rng.generator.normal(size=(3, n))
        norm = np.linalg.norm(direction, axis=0)
        norm[norm == 0] = 1.0
        r = self.radius * np.cbrt(rng.generator.random(n))
        return direction / norm * r


class RandomStructure(BaseStructure):
    """Cells placed uniformly at random within a boundary shape.

    Parameters
    ----------
    boundary
        A :class:`Cuboid` or :class:`Sphere` (or another :class:`Shape`).
    origin
        Centre of the boundary.
    rng
        Generator; ``None`` gives a fresh :class:`NumpyRNG`.
    """

    parameter_names = ("boundary", "origin")

    def __init__(self, boundary: Shape, origin: tuple[float, float, float] = (0.0, 0.0, 0.0),
                 rng: AbstractRNG | None = None) -> None:
        if not isinstance(boundary, Shape):
            raise InvalidParameterValueError(
                f"RandomStructure.boundary must be a Shape such as Cuboid or Sphere "
                f"(got {boundary!r})")
        origin_arr = np.asarray(origin, dtype=float)
        if origin_arr.shape != (3,):
            raise InvalidDimensionsError(
                f"RandomStructure.origin must have 3 coordinates (got {origin!r})")
        self.boundary = boundary
        self.origin = tuple(origin_arr.tolist())
        self.rng = rng if rng is not None else NumpyRNG()

    def generate_positions(self, n: int) -> np.ndarray:
        n = _check_count(n, "RandomStructure")
        return self.boundary.sample(n, self.rng) + np.asarray(self.origin).reshape(3, 1)
