"""Tests of pynn_hw.space: distances and structures, against hand-computed values."""

import numpy as np
import pytest

from pynn_hw.errors import InvalidDimensionsError, InvalidParameterValueError
from pynn_hw.random import NumpyRNG
from pynn_hw.space import Cuboid, Grid2D, Grid3D, Line, RandomStructure, Space, Sphere

A = np.array([[0.0, 1.0], [0.0, 2.0], [0.0, 3.0]])       # points (0,0,0), (1,2,3)
B = np.array([[3.0, 0.0, 1.0], [4.0, 0.0, 2.0], [12.0, 5.0, 3.0]])


def test_distances_orientation_and_values():
    d = Space().distances(A, B)
    assert d.shape == (2, 3)  # rows: points of A, columns: points of B
    # |(3,4,12)| = 13; |(0,0,5)| = 5; |(1,2,3)| = sqrt(14); from (1,2,3): |(2,2,9)| = sqrt(89)
    assert d[0] == pytest.approx([13.0, 5.0, np.sqrt(14)])
    assert d[1] == pytest.approx([np.sqrt(89), np.sqrt(1 + 4 + 4), 0.0])


def test_single_point_gives_one_row():
    d = Space().distances(np.zeros(3), B)
    assert d.shape == (1, 3) and d[0, 0] == pytest.approx(13.0)


@pytest.mark.parametrize("axes, expected", [
    ("x", 3.0), ("y", 4.0), ("z", 12.0), ("xy", 5.0), ("xz", np.sqrt(153)),
    ("yz", np.sqrt(160)), ("xyz", 13.0), ("zx", np.sqrt(153)),
])
def test_axes_select_components(axes, expected):
    assert Space(axes=axes).distances(A[:, :1], B[:, :1])[0, 0] == pytest.approx(expected)


def test_scale_factor_then_offset():
    # d = 2 * 13 + 1
    assert Space(scale_factor=2.0, offset=1.0).distances(A[:, :1], B[:, :1])[0, 0] == 27.0


def test_periodic_boundary_takes_shorter_way():
    space = Space(periodic_boundaries=((0, 10), None, None))
    a = np.array([[1.0], [0.0], [0.0]])
    b = np.array([[9.0, 6.0, 4.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    # x separations 8, 5, 3 on a ring of length 10 -> 2, 5, 3
    assert space.distances(a, b)[0] == pytest.approx([2.0, 5.0, 3.0])
    # y is not periodic: (1,0,0) to (9,7,0): dx wraps to 2, dy stays 7
    b2 = np.array([[9.0], [7.0], [0.0]])
    assert space.distances(a, b2)[0, 0] == pytest.approx(np.sqrt(4 + 49))


def test_expand_gives_per_axis_separations():
    sep = Space(axes="xy").distances(A[:, :1], B[:, :1], expand=True)
    assert sep.shape == (3, 1, 1)
    assert sep[:, 0, 0] == pytest.approx([3.0, 4.0, 0.0])


def test_displacements_are_post_minus_pre_and_wrapped():
    space = Space(periodic_boundaries=((0, 10), (0, 10), None))
    disp = space.displacements([[1.0], [1.0], [0.0]], [[9.0], [2.0], [5.0]])
    # x: 8 wraps to -2; y: +1; z: +5
    assert disp[:, 0, 0] == pytest.approx([-2.0, 1.0, 5.0])


def test_paired_distances_match_matrix_diagonal():
    space = Space(axes="xz")
    pts = np.random.default_rng(0).normal(size=(3, 6))
    other = np.random.default_rng(1).normal(size=(3, 6))
    assert space.paired_distances(pts, other) == pytest.approx(
        np.diag(space.distances(pts, other)))


def test_invalid_space_arguments():
    with pytest.raises(InvalidParameterValueError, match="axes"):
        Space(axes="xw")
    with pytest.raises(InvalidParameterValueError, match="periodic_boundaries"):
        Space(periodic_boundaries=((0, 1),))
    with pytest.raises(InvalidDimensionsError, match=r"shape \(2, 2\)"):
        Space().distances(np.zeros((2, 2)), B)


def test_line_positions():
    pos = Line(dx=100.0, x0=0.0, y=200.0, z=500.0).generate_positions(4)
    assert np.array_equal(pos, [[0, 100, 200, 300], [200] * 4, [500] * 4])


def test_grid2d_positions_y_fastest():
    grid = Grid2D(aspect_ratio=3, dx=10.0, dy=25.0, z=-3.0)
    # 3 cells: a 3 x 1 grid along x
    assert np.array_equal(grid.generate_positions(3), [[0, 10, 20], [0, 0, 0], [-3, -3, -3]])
    # 12 cells: a 6 x 2 grid, y varies fastest
    pos = grid.generate_positions(12)
    assert np.array_equal(pos[0], np.repeat(np.arange(6) * 10.0, 2))
    assert np.array_equal(pos[1], np.tile([0.0, 25.0], 6))
    assert np.all(pos[2] == -3.0)


def test_grid2d_offset_origin():
    pos = Grid2D(dx=2.0, dy=3.0, x0=1.0, y0=-1.0).generate_positions(4)
    assert np.array_equal(pos, [[1, 1, 3, 3], [-1, 2, -1, 2], [0, 0, 0, 0]])


def test_grid2d_random_fill_is_a_seeded_permutation():
    seq = Grid2D().generate_positions(9)
    r1 = Grid2D(fill_order="random", rng=NumpyRNG(seed=5)).generate_positions(9)
    r2 = Grid2D(fill_order="random", rng=NumpyRNG(seed=5)).generate_positions(9)
    assert np.array_equal(r1, r2)
    assert not np.array_equal(r1, seq)
    assert sorted(map(tuple, r1.T)) == sorted(map(tuple, seq.T))


def test_grid2d_size_that_does_not_fit():
    with pytest.raises(InvalidDimensionsError, match=r"aspect_ratio=1\.0\): n=10 cells"):
        Grid2D().generate_positions(10)
    with pytest.raises(InvalidDimensionsError, match="n=4"):
        Grid2D(aspect_ratio=3).generate_positions(4)


def test_grid3d_positions_z_fastest():
    # aspect ratios 2 -> nx = 2 ny = 2 nz; 16 cells: 4 x 2 x 2
    pos = Grid3D(aspect_ratioXY=2, aspect_ratioXZ=2, dx=1, dy=10, dz=100).generate_positions(16)
    assert np.array_equal(pos[0], np.repeat(np.arange(4.0), 4))
    assert np.array_equal(pos[1], np.tile(np.repeat([0.0, 10.0], 2), 4))
    assert np.array_equal(pos[2], np.tile([0.0, 100.0], 8))
    with pytest.raises(InvalidDimensionsError, match="n=15"):
        Grid3D().generate_positions(15)


def test_random_structure_in_cuboid():
    pos = RandomStructure(Cuboid(10, 20, 30), origin=(1, 2, 3),
                          rng=NumpyRNG(seed=1)).generate_positions(5000)
    half = np.array([[5.0], [10.0], [15.0]])
    centre = np.array([[1.0], [2.0], [3.0]])
    assert np.all(np.abs(pos - centre) <= half)
    # uniform on [-w/2, w/2]: mean 0, sd w/sqrt(12); mean within 5 standard errors
    assert np.all(np.abs(pos.mean(axis=1) - centre[:, 0]) < 5 * half[:, 0] / np.sqrt(3 * 5000))


def test_random_structure_in_sphere_is_uniform_in_volume():
    pos = RandomStructure(Sphere(2.0), rng=NumpyRNG(seed=2)).generate_positions(20000)
    r = np.linalg.norm(pos, axis=0)
    assert r.max() <= 2.0
    # Uniform in a ball: P(r < R/2) = 1/8
    assert np.mean(r < 1.0) == pytest.approx(0.125, abs=0.01)


def test_random_structure_reproducible():
    a = RandomStructure(Sphere(1.0), rng=NumpyRNG(seed=3)).generate_positions(10)
    b = RandomStructure(Sphere(1.0), rng=NumpyRNG(seed=3)).generate_positions(10)
    assert np.array_equal(a, b)


def test_structure_equality_parameters_describe():
    assert Grid2D(aspect_ratio=2, dx=3) == Grid2D(aspect_ratio=2, dx=3)
    assert Grid2D(aspect_ratio=2) != Grid2D(aspect_ratio=3)
    assert Line() != Grid2D()
    assert RandomStructure(Sphere(1.0)) == RandomStructure(Sphere(1.0))
    assert Line(dx=2).parameters == {"dx": 2.0, "x0": 0.0, "y": 0.0, "z": 0.0}
    assert "Grid3D" in Grid3D().describe() and "aspect_ratios" in Grid3D().describe()


def test_invalid_structure_arguments():
    with pytest.raises(InvalidParameterValueError, match="fill_order"):
        Grid2D(fill_order="spiral")
    with pytest.raises(InvalidParameterValueError, match="boundary"):
        RandomStructure(boundary=5)
