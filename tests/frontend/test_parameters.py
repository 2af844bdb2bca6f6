"""Sequence, ArrayParameter, LazyArray and ParameterSpace."""

import numpy as np
import pytest

from pynn_hw.errors import (InvalidDimensionsError, InvalidParameterValueError,
                            NonExistentParameterError)
from pynn_hw.parameters import (ArrayParameter, LazyArray, ParameterSpace, Sequence,
                                object_array)


class CountingNormal:
    """A RandomDistribution stand-in: normal(mu, 1) draws, counting calls and sizes."""

    def __init__(self, seed=42, mu=0.0):
        self.rng = np.random.default_rng(seed)
        self.mu = mu
        self.sizes = []

    def next(self, n=None, mask=None):
        self.sizes.append(n)
        return self.rng.normal(self.mu, 1.0, n)


# -- Sequence / ArrayParameter ---------------------------------------------------------
class TestSequence:
    def test_value_is_read_only_float_array(self):
        s = Sequence([1, 2, 3])
        assert s.value.dtype == float
        assert len(s) == 3 and s[1] == 2.0
        with pytest.raises(ValueError):
            s.value[0] = 5.0
        with pytest.raises(AttributeError):
            s.value = np.zeros(3)

    def test_equality_is_elementwise_and_returns_bool(self):
        assert (Sequence([1.0, 2.0]) == Sequence([1, 2])) is True
        assert (Sequence([1.0, 2.0]) == Sequence([1.0, 2.5])) is False
        assert (Sequence([1.0, 2.0]) == Sequence([1.0, 2.0, 3.0])) is False
        assert Sequence([1.0]) != Sequence([2.0])
        assert Sequence([]) == Sequence([])
        assert hash(Sequence([1, 2])) == hash(Sequence([1.0, 2.0]))

    def test_sequence_is_not_an_array_parameter(self):
        assert Sequence([1.0]) != ArrayParameter([1.0])

    def test_repr_round_trips(self):
        s = Sequence([0.5, 2.0])
        assert repr(s) == "Sequence([0.5, 2.0])"
        assert eval(repr(s)) == s

    def test_arithmetic_with_scalars_keeps_the_class(self):
        s = Sequence([1.0, 2.0])
        assert s * 2 == Sequence([2.0, 4.0]) and isinstance(s * 2, Sequence)
        assert 2 * s == Sequence([2.0, 4.0])
        assert s + 1 == Sequence([2.0, 3.0])
        assert s - 1 == Sequence([0.0, 1.0])
        assert 10 - s == Sequence([9.0, 8.0])
        assert s / 2 == Sequence([0.5, 1.0])
        assert isinstance(ArrayParameter([1.0]) * 1000, ArrayParameter)

    def test_arithmetic_with_an_array_gives_one_sequence_per_element(self):
        result = Sequence([1.0, 2.0]) * np.array([1.0, 10.0])
        assert result.dtype == object and result.shape == (2,)
        assert result[0] == Sequence([1.0, 2.0]) and result[1] == Sequence([10.0, 20.0])

    def test_pickle_and_deepcopy(self):
        import copy
        import pickle
        s = Sequence([1.0, 2.5])
        assert pickle.loads(pickle.dumps(s)) == s
        assert copy.deepcopy(ArrayParameter([3.0])) == ArrayParameter([3.0])
        assert copy.copy(s) == s

    def test_max(self):
        assert Sequence([3.0, 7.5, 1.0]).max() == 7.5
        assert np.isnan(Sequence([]).max())

    def test_two_dimensional_input_is_rejected(self):
        with pytest.raises(ValueError, match="one-dimensional"):
            Sequence([[1, 2], [3, 4]])

    def test_object_array_keeps_sequences_whole(self):
        arr = object_array([Sequence([1, 2]), Sequence([3, 4])])
        assert arr.shape == (2,) and arr[1] == Sequence([3, 4])


# -- LazyArray ----------------------------------------------------------------------------
class TestLazyArrayScalar:
    def test_expands_to_shape(self):
        la = LazyArray(3.5, shape=(4,))
        np.testing.assert_array_equal(la.evaluate(), [3.5] * 4)
        assert la.evaluate(simplify=True) == 3.5
        assert la.is_homogeneous

    @pytest.mark.parametrize("mask, expected_shape", [
        (slice(1, 3), (2,)),
        (np.array([0, 4, 2]), (3,)),
        (np.array([True, False, True, False, True]), (3,)),
        ([1, 2], (2,)),
    ])
    def test_masks(self, mask, expected_shape):
        assert LazyArray(-1.0, shape=(5,)).evaluate(mask).shape == expected_shape

    def test_int_index_gives_a_scalar(self):
        assert LazyArray(2.0, shape=(5,))[3] == 2.0

    def test_dtype_casts(self):
        assert LazyArray(2, shape=(2,), dtype=float).evaluate().dtype == float

    def test_shape_must_be_known(self):
        with pytest.raises(ValueError, match="shape"):
            LazyArray(lambda i: i).evaluate()


class TestLazyArrayArray:
    def test_array_values_and_masks(self):
        la = LazyArray(np.array([1.0, 2.0, 3.0, 4.0]), shape=(4,))
        np.testing.assert_array_equal(la[1:3], [2.0, 3.0])
        np.testing.assert_array_equal(la[np.array([True, False, False, True])], [1.0, 4.0])
        assert not la.is_homogeneous

    def test_length_mismatch_names_both_sizes(self):
        with pytest.raises(InvalidDimensionsError, match=r"size 3\).*size 5"):
            LazyArray(np.zeros(3), shape=(5,))

    def test_shape_set_later_is_checked(self):
        la = LazyArray(np.zeros(3))
        assert la.shape == (3,)
        with pytest.raises(InvalidDimensionsError):
            la.shape = (4,)


class TestLazyArrayRandom:
    def test_draws_full_shape_once_and_caches(self):
        dist = CountingNormal()
        la = LazyArray(dist, shape=(10,))
        first = la.evaluate()
        again = la.evaluate()
        np.testing.assert_array_equal(first, again)
        assert dist.sizes == [10]

    def test_mask_sees_the_values_of_the_whole(self):
        # Two identical generators: one LazyArray evaluated whole, the other only
        # through masks first; the masked values must be the same elements.
        whole = LazyArray(CountingNormal(seed=7), shape=(20,)).evaluate()
        dist = CountingNormal(seed=7)
        la = LazyArray(dist, shape=(20,))
        mask = np.array([3, 17, 5])
        np.testing.assert_array_equal(la.evaluate(mask), whole[mask])
        np.testing.assert_array_equal(la[2:6], whole[2:6])
        np.testing.assert_array_equal(la.evaluate(), whole)
        assert dist.sizes == [20]  # drawn for the full shape, never for the mask size

    def test_new_shape_draws_again(self):
        dist = CountingNormal()
        la = LazyArray(dist, shape=(4,))
        la.evaluate()
        la.shape = (6,)
        assert la.evaluate().shape == (6,)
        assert dist.sizes == [4, 6]

    def test_real_random_distribution(self):
        random = pytest.importorskip("pynn_hw.random")
        rd = random.RandomDistribution("uniform", (0.0, 1.0), rng=random.NumpyRNG(seed=3))
        la = LazyArray(rd, shape=(50,))
        full = la.evaluate()
        assert np.all((full >= 0) & (full < 1)) and np.unique(full).size == 50
        np.testing.assert_array_equal(la[::7], full[::7])


class TestLazyArrayCallable:
    def test_called_vectorised_with_indices(self):
        calls = []

        def f(i):
            calls.append(np.asarray(i).copy())
            return 10.0 + i ** 2

        la = LazyArray(f, shape=(5,))
        np.testing.assert_array_equal(la.evaluate(), [10, 11, 14, 19, 26])
        np.testing.assert_array_equal(la.evaluate(np.array([4, 1])), [26, 11])
        assert len(calls) == 2 and calls[1].tolist() == [4, 1]

    def test_constant_function_is_broadcast(self):
        np.testing.assert_array_equal(LazyArray(lambda i: 5.0, shape=(3,)).evaluate(), [5, 5, 5])

    def test_two_dimensional_function_of_i_and_j(self):
        la = LazyArray(lambda i, j: 10 * i + j, shape=(2, 3))
        np.testing.assert_array_equal(la.evaluate(), [[0, 1, 2], [10, 11, 12]])

    def test_sequence_valued_function_called_per_index(self):
        la = LazyArray(lambda i: Sequence([i, i + 0.5]), shape=(3,), dtype=Sequence)
        values = la.evaluate()
        assert values.dtype == object and values[2] == Sequence([2.0, 2.5])


class TestLazyArraySequences:
    def test_single_sequence_for_every_element(self):
        s = Sequence([1.0, 5.0])
        la = LazyArray(s, shape=(3,))
        values = la.evaluate()
        assert values.dtype == object and values.shape == (3,)
        assert all(v == s for v in values)
        assert la.evaluate(simplify=True) == s
        assert la.is_homogeneous

    def test_list_of_sequences(self):
        la = LazyArray([Sequence([1.0]), Sequence([2.0, 3.0])], shape=(2,))
        assert la[1] == Sequence([2.0, 3.0])
        assert not la.is_homogeneous

    def test_unit_scaling_of_sequences(self):
        la = LazyArray(Sequence([1.0, 2.0]), shape=(2,)) * 1000
        assert la.evaluate(simplify=True) == Sequence([1000.0, 2000.0])
        assert la.evaluate()[1] == Sequence([1000.0, 2000.0])


class TestLazyArrayArithmetic:
    def test_scalar_operations(self):
        la = LazyArray(np.array([1.0, 2.0, 4.0]))
        np.testing.assert_array_equal((la * 1000).evaluate(), [1000, 2000, 4000])
        np.testing.assert_array_equal((la + 1).evaluate(), [2, 3, 5])
        np.testing.assert_array_equal((la - 1).evaluate(), [0, 1, 3])
        np.testing.assert_array_equal((8 - la).evaluate(), [7, 6, 4])
        np.testing.assert_array_equal((la / 2).evaluate(), [0.5, 1, 2])
        np.testing.assert_array_equal((4 / la).evaluate(), [4, 2, 1])
        np.testing.assert_array_equal(la.evaluate(), [1, 2, 4])  # original unchanged

    def test_numpy_operands_on_the_left(self):
        la = LazyArray(np.array([1.0, 2.0]))
        scaled = np.float64(3.0) * la
        assert isinstance(scaled, LazyArray)
        np.testing.assert_array_equal(scaled.evaluate(), [3.0, 6.0])
        np.testing.assert_array_equal((np.array([10.0, 20.0]) - la).evaluate(), [9.0, 18.0])

    def test_zero_dimensional_array_is_a_scalar(self):
        la = LazyArray(np.array(4.0), shape=(3,))
        assert la.is_homogeneous and la.evaluate(simplify=True) == 4.0

    def test_operations_on_scalars_stay_homogeneous(self):
        la = (LazyArray(2.0, shape=(3,)) * 1000) + 1
        assert la.is_homogeneous and la.evaluate(simplify=True) == 2001.0

    def test_scaled_random_values_use_the_same_draws(self):
        base = LazyArray(CountingNormal(seed=1), shape=(6,))
        scaled = base * 1000
        np.testing.assert_allclose(scaled.evaluate(), base.evaluate() * 1000)
        np.testing.assert_allclose(scaled[1:3], base[1:3] * 1000)


# -- ParameterSpace ------------------------------------------------------------------------
class Model:
    """A component with a range check, to see ParameterSpace call it."""

    __name__ = "Model"

    @classmethod
    def check_parameter_values(cls, name, values):
        if name == "tau" and np.any(np.asarray(values, dtype=float) <= 0):
            raise InvalidParameterValueError(f"Model.tau must be > 0 (got {values!r})")


SCHEMA = {"tau": float, "times": Sequence, "n": int}


def space(**values):
    defaults = {"tau": 10.0, "times": Sequence([]), "n": 1}
    return ParameterSpace({**defaults, **values}, schema=SCHEMA, component=Model)


class TestParameterSpace:
    def test_unknown_name(self):
        ps = space()
        with pytest.raises(NonExistentParameterError) as info:
            ps.update(taux=1.0)
        text = str(info.value)
        assert "'taux'" in text and "Model" in text and "n, tau, times" in text
        with pytest.raises(KeyError):
            ParameterSpace({"bogus": 1.0}, schema=SCHEMA, component=Model)

    def test_wrong_type_names_parameter_model_value_and_type(self):
        with pytest.raises(InvalidParameterValueError,
                           match=r"Model\.tau: expected a value of type float "
                                 r".*got 'fast' \(str\)"):
            space(tau="fast")
        with pytest.raises(InvalidParameterValueError,
                           match=r"Model\.times: expected a value of type Sequence.*got 3\.0"):
            space(times=3.0)
        with pytest.raises(InvalidParameterValueError, match=r"Model\.n: .*type int.*2\.5"):
            space(n=2.5)
        with pytest.raises(InvalidParameterValueError, match=r"Model\.n: .*type int"):
            space(n=np.array([1.0, 2.5]))
        assert space(n=np.array([1.0, 2.0]))["n"].evaluate().dtype == int

    def test_range_check_through_component(self):
        with pytest.raises(InvalidParameterValueError, match="tau must be > 0"):
            space(tau=-1.0)

    def test_random_values_are_checked_when_the_shape_is_known(self):
        ps = space(tau=CountingNormal(mu=0.0))  # half the draws are negative
        ps2 = ps.copy()
        with pytest.raises(InvalidParameterValueError, match="tau must be > 0"):
            ps2.shape = (20,)

    def test_shape_propagates_and_evaluate_gives_plain_values(self):
        ps = space(tau=np.array([1.0, 2.0, 3.0]), times=[1.0, 2.0])
        ps.shape = (3,)
        values = ps.evaluate()
        np.testing.assert_array_equal(values["tau"], [1.0, 2.0, 3.0])
        assert values["times"] == Sequence([1.0, 2.0])  # a list of numbers is one Sequence
        assert values["n"] == 1 and isinstance(values["n"], int)
        full = ps.evaluate(simplify=False)
        assert full["n"].shape == (3,) and full["times"].dtype == object
        masked = ps.evaluate(mask=np.array([False, True, True]))
        np.testing.assert_array_equal(masked["tau"], [2.0, 3.0])

    def test_evaluate_does_not_mutate(self):
        ps = space(tau=lambda i: i + 1.0)
        ps.shape = (2,)
        ps.evaluate()
        assert isinstance(ps["tau"], LazyArray) and callable(ps["tau"].base_value)

    def test_list_of_lists_gives_one_sequence_per_cell(self):
        ps = space(times=[[1.0, 2.0], [3.0]])
        ps.shape = (2,)
        assert ps["times"][1] == Sequence([3.0])

    def test_update_is_atomic(self):
        ps = space()
        with pytest.raises(InvalidParameterValueError):
            ps.update(tau=5.0, times="bad")
        assert ps["tau"].evaluate(simplify=True) == 10.0

    def test_mapping_interface(self):
        ps = space()
        assert "tau" in ps and "x" not in ps
        assert sorted(ps.keys()) == ["n", "tau", "times"]
        ps["tau"] = 4.0
        assert ps.as_dict()["tau"] == 4.0
        assert ps.is_homogeneous
        ps["tau"] = np.array([1.0, 2.0])
        assert not ps.is_homogeneous

    def test_iteration_gives_one_dict_per_cell(self):
        ps = space(tau=np.array([1.0, 2.0]))
        ps.shape = (2,)
        cells = list(ps)
        assert cells == [{"tau": 1.0, "times": Sequence([]), "n": 1},
                         {"tau": 2.0, "times": Sequence([]), "n": 1}]
        assert type(cells[0]["tau"]) is float

    def test_array_of_wrong_length_names_the_parameter(self):
        ps = space(tau=np.ones(3))
        with pytest.raises(InvalidDimensionsError, match=r"Model\.tau"):
            ps.shape = (4,)

    def test_copy_is_independent(self):
        ps = space()
        other = ps.copy()
        other["tau"] = 99.0
        assert ps["tau"].evaluate(simplify=True) == 10.0

    def test_without_schema_anything_goes(self):
        ps = ParameterSpace({"v": -65.0}, shape=(2,))
        ps.update(w=np.array([1.0, 2.0]))
        np.testing.assert_array_equal(ps.evaluate()["w"], [1.0, 2.0])


class TestLazyArrayOwnership:
    def test_changing_the_input_or_the_result_does_not_change_the_value(self):
        data = np.array([1.0, 2.0])
        la = LazyArray(data)
        data[0] = 100.0
        result = la.evaluate()
        result[1] = -5.0
        la[0:1][0] = 7.0
        np.testing.assert_array_equal(la.evaluate(), [1.0, 2.0])

    def test_random_results_are_private_copies(self):
        la = LazyArray(CountingNormal(seed=2), shape=(3,))
        first = la.evaluate()
        first += 1000.0
        assert np.all(la.evaluate() < 100.0)
