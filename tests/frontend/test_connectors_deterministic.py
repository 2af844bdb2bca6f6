"""Exact connection lists of the deterministic connectors, and their errors."""

import numpy as np
import pytest

from pynn_hw import errors
from pynn_hw.connectors import (AllToAllConnector, ArrayConnector, CloneConnector,
                                ConnectionContext, FromFileConnector, FromListConnector,
                                OneToOneConnector, load_connection_list, save_connection_list)
from pynn_hw.core import IndexBasedExpression


def pairs(arrays):
    return list(zip(arrays.pre.tolist(), arrays.post.tolist()))


def test_all_to_all_between_two_populations():
    arrays = AllToAllConnector().connect(ConnectionContext.simple(2, 3))
    assert pairs(arrays) == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)]
    assert arrays.columns == {}
    assert arrays.pre.dtype == np.int32  # small sizes use 32-bit indices


def test_all_to_all_same_population_with_and_without_self():
    ctx = ConnectionContext.simple(3, 3, same=True)
    assert len(AllToAllConnector().connect(ctx)) == 9
    assert pairs(AllToAllConnector(allow_self_connections=False).connect(ctx)) == [
        (0, 1), (0, 2), (1, 0), (1, 2), (2, 0), (2, 1)]


def test_self_connections_follow_global_ids_not_local_indices():
    # pre = cells 10, 11, 12; post = a view holding cells 12, 10 (local 0, 1)
    ctx = ConnectionContext(3, 2, np.zeros((3, 3)), np.zeros((3, 2)), np.array([10, 11, 12]),
                            np.array([12, 10]), ConnectionContext.simple(1, 1).space, "view")
    arrays = AllToAllConnector(allow_self_connections=False).connect(ctx)
    # excluded: 10->10 (pre 0, post 1) and 12->12 (pre 2, post 0)
    assert pairs(arrays) == [(0, 0), (1, 0), (1, 1), (2, 1)]


def test_one_to_one():
    assert pairs(OneToOneConnector().connect(ConnectionContext.simple(3, 3))) == [
        (0, 0), (1, 1), (2, 2)]


def test_one_to_one_size_mismatch_names_both_sizes():
    with pytest.raises(errors.ConnectionError, match=r"\(4\).*\(5\)"):
        OneToOneConnector().connect(ConnectionContext.simple(4, 5, label="p"))


def test_from_list_sorted_with_default_columns():
    conn = FromListConnector([(2, 0, 0.5, 1.0), (0, 1, 0.1, 2.0), (0, 0, 0.2, 3.0)])
    arrays = conn.connect(ConnectionContext.simple(3, 2))
    assert pairs(arrays) == [(0, 0), (0, 1), (2, 0)]
    assert arrays.columns["weight"].tolist() == [0.2, 0.1, 0.5]
    assert arrays.columns["delay"].tolist() == [3.0, 2.0, 1.0]


def test_from_list_named_columns_and_no_columns():
    arrays = FromListConnector([(1, 1, 7.0)], column_names=["tau_rec"]).connect(
        ConnectionContext.simple(2, 2))
    assert arrays.columns == {"tau_rec": np.array([7.0])}
    assert FromListConnector([(0, 1)]).connect(ConnectionContext.simple(2, 2)).columns == {}


def test_from_list_keeps_repeated_pairs_in_order():
    arrays = FromListConnector([(1, 0, 1.0, 1.0), (0, 0, 2.0, 1.0), (1, 0, 3.0, 1.0)]).connect(
        ConnectionContext.simple(2, 1))
    assert pairs(arrays) == [(0, 0), (1, 0), (1, 0)]
    assert arrays.columns["weight"].tolist() == [2.0, 1.0, 3.0]


def test_from_list_out_of_range_names_row_and_sizes():
    conn = FromListConnector([(0, 0), (1, 5)])
    with pytest.raises(errors.ConnectionError, match=r"row 1 \(1, 5\).*0\.\.1.*0\.\.2"):
        conn.connect(ConnectionContext.simple(2, 3))


def test_from_list_column_count_errors():
    with pytest.raises(errors.ConnectionError, match="3 value column"):
        FromListConnector([(0, 0, 1.0, 2.0, 3.0)])
    with pytest.raises(errors.ConnectionError, match="1 column_names"):
        FromListConnector([(0, 0, 1.0, 2.0)], column_names=["weight"])


def test_array_connector():
    array = np.array([[True, False, True], [False, True, False]])
    assert pairs(ArrayConnector(array).connect(ConnectionContext.simple(2, 3))) == [
        (0, 0), (0, 2), (1, 1)]


def test_array_connector_wrong_shape_names_shapes():
    with pytest.raises(errors.ConnectionError, match=r"\(2, 3\).*\(3, 2\)"):
        ArrayConnector(np.ones((2, 3), bool)).connect(ConnectionContext.simple(3, 2))


class _Reference:
    class _Side:
        def __init__(self, size):
            self.size = size

    def __init__(self, pre, post, sizes=(3, 3)):
        self._pre, self._post = np.array(pre), np.array(post)
        self.pre, self.post = self._Side(sizes[0]), self._Side(sizes[1])
        self.label = "reference"

    def connection_arrays(self):
        return self._pre, self._post


def test_clone_copies_connections():
    ref = _Reference([2, 0, 1], [1, 2, 0])
    assert pairs(CloneConnector(ref).connect(ConnectionContext.simple(3, 3))) == [
        (0, 2), (1, 0), (2, 1)]


def test_clone_size_mismatch():
    with pytest.raises(errors.ConnectionError, match=r"\(3, 3\).*\(3, 4\)"):
        CloneConnector(_Reference([0], [0])).connect(ConnectionContext.simple(3, 4))
    with pytest.raises(errors.ConnectionError, match="must be a Projection"):
        CloneConnector(object())


def test_from_file_round_trip_text(tmp_path):
    rows = np.array([[1, 0, 0.25, 1.5], [0, 2, 0.125, 0.1]])
    path = tmp_path / "conns.txt"
    save_connection_list(path, rows, ["i", "j", "weight", "delay"], {"label": "exc"})
    text = path.read_text()
    assert text.startswith("# columns = ['i', 'j', 'weight', 'delay']\n# label = 'exc'\n")
    loaded, names, meta = load_connection_list(path)
    assert np.array_equal(loaded, rows) and names == ["i", "j", "weight", "delay"]
    assert meta["label"] == "exc"
    arrays = FromFileConnector(str(path)).connect(ConnectionContext.simple(2, 3))
    assert pairs(arrays) == [(0, 2), (1, 0)]
    assert arrays.columns["weight"].tolist() == [0.125, 0.25]
    assert arrays.columns["delay"].tolist() == [0.1, 1.5]


def test_from_file_header_column_names_are_used(tmp_path):
    path = tmp_path / "stp.txt"
    path.write_text("# columns = ['i', 'j', 'U', 'tau_rec']\n0 1 0.5 100\n")
    arrays = FromFileConnector(path).connect(ConnectionContext.simple(1, 2))
    assert set(arrays.columns) == {"U", "tau_rec"}
    assert arrays.columns["tau_rec"].tolist() == [100.0]


def test_from_file_reads_json_header_and_integer_indices(tmp_path):
    # the form Projection.save writes: JSON column list, indices as %d
    path = tmp_path / "saved.txt"
    path.write_text('# columns = ["i", "j", "weight", "delay"]\n1 0 0.5 1.25\n0 1 0.25 2\n')
    arrays = FromFileConnector(path).connect(ConnectionContext.simple(2, 2))
    assert pairs(arrays) == [(0, 1), (1, 0)]
    assert arrays.columns == {"weight": pytest.approx([0.25, 0.5]),
                              "delay": pytest.approx([2.0, 1.25])}


def test_from_file_npy_and_distributed(tmp_path):
    rows = np.array([[0, 1, 0.5, 1.0]])
    np.save(tmp_path / "c.npy", rows)
    arrays = FromFileConnector(tmp_path / "c.npy").connect(ConnectionContext.simple(2, 2))
    assert pairs(arrays) == [(0, 1)] and arrays.columns["weight"].tolist() == [0.5]
    save_connection_list(tmp_path / "d.txt.0", rows, ["i", "j", "weight", "delay"])
    arrays = FromFileConnector(tmp_path / "d.txt", distributed=True).connect(
        ConnectionContext.simple(2, 2))
    assert pairs(arrays) == [(0, 1)]


def test_from_file_missing_file(tmp_path):
    with pytest.raises(errors.ConnectionError, match="does not exist"):
        FromFileConnector(tmp_path / "nope.txt").connect(ConnectionContext.simple(1, 1))


def test_location_selector_is_refused_for_point_neurons():
    with pytest.raises(errors.ConnectionError, match="location_selector='soma'"):
        AllToAllConnector(location_selector="soma").connect(ConnectionContext.simple(1, 1))


def test_callback_reports_completion():
    seen = []
    AllToAllConnector(callback=seen.append).connect(ConnectionContext.simple(2, 2))
    assert seen[-1] == 1.0


def test_describe_names_connector_and_parameters():
    text = AllToAllConnector(allow_self_connections=False).describe()
    assert "AllToAllConnector" in text and "allow_self_connections=False" in text
    assert OneToOneConnector().describe() == "Connector OneToOneConnector"


def test_core_reexports_index_based_expression():
    from pynn_hw.connectors import IndexBasedExpression as Original
    assert IndexBasedExpression is Original


def test_old_style_keywords_are_deprecated_but_kept():
    from pynn_hw.connectors import FixedProbabilityConnector
    from pynn_hw.space import Space
    space = Space(axes="x")
    with pytest.warns(DeprecationWarning, match="delays, space, weights=.... is the PyNN 0.7"):
        conn = FixedProbabilityConnector(0.5, weights=0.1, delays=2.0, space=space)
    assert conn.old_style_synapse_values() == {"weight": 0.1, "delay": 2.0}
    assert conn.space is space
    assert AllToAllConnector().old_style_synapse_values() == {}
    assert AllToAllConnector().space is None


def test_unknown_keyword_is_a_type_error():
    with pytest.raises(TypeError, match="unexpected keyword argument.*weight_s"):
        OneToOneConnector(weight_s=1.0)
