"""Tests of pynn_hw.recording: Neo layout (pynn-api.md 1.9), views, Assembly merge,
files, spike counts and the old text formats."""

from __future__ import annotations

import os

import neo
import neo.io
import numpy as np
import pytest
import quantities as pq
from neo.core.spiketrainlist import SpikeTrainList

from pynn_hw.backend import SignalData, SpikeData
from pynn_hw.errors import NothingToWriteError
from pynn_hw.recording import (
    SegmentRecord,
    block_metadata,
    build_block,
    get_io,
    mean_spike_count,
    merge_blocks,
    spike_counts,
    write_block,
    write_signal_text,
    write_spikes_text,
)

IDS = np.arange(100, 105)          # population of 5 cells, global IDs 100..104
UNITS = {"v": "mV", "gsyn_exc": "uS", "w": "nA"}


def v_values() -> np.ndarray:
    # column j holds 100*j + sample number, so a column's origin is readable
    return np.arange(11)[:, None] + 100.0 * np.arange(3)[None, :]


def segments() -> list[SegmentRecord]:
    seg0 = SegmentRecord(
        # cell 3 does not record spikes: its spike at 3.0 must not appear
        spikes=SpikeData(cells=np.array([4, 0, 2, 0, 4, 3]),
                         times=np.array([9.5, 2.0, 7.25, 1.0, 0.5, 3.0])),
        spike_cells=np.array([0, 1, 2, 4]),
        signals={
            # columns deliberately not in cell order
            "v": SignalData(cells=np.array([4, 1, 0]), values=v_values(),
                            t_start=0.0, sampling_interval=1.0),
            "gsyn_exc": SignalData(cells=np.arange(5), values=np.full((21, 5), 0.01),
                                   t_start=0.0, sampling_interval=0.5),
        },
        t_start=0.0, t_stop=10.0, annotations={}, index=0)
    seg1 = SegmentRecord(
        spikes=SpikeData(cells=np.array([1]), times=np.array([4.0])),
        spike_cells=np.array([0, 1, 2, 4]),
        signals={"v": SignalData(cells=np.array([0, 1, 4]), values=np.zeros((6, 3)),
                                 t_start=0.0, sampling_interval=1.0)},
        t_start=0.0, t_stop=5.0, annotations={"trial": 2}, index=1)
    return [seg0, seg1]


def metadata(label: str = "exc", first_id: int = 100, size: int = 5,
             **annotations) -> dict:
    return block_metadata(size=size, first_id=first_id, last_id=first_id + size - 1,
                          label=label, simulator="emulator", dt=0.1,
                          annotations=annotations)


def population_block(variables="all", cells=np.arange(5), ids=IDS,
                     label="exc", channel_offset=0, records=None) -> neo.Block:
    return build_block(label=label, segments=records or segments(),
                       variables=variables, cells=cells, ids=ids, units=UNITS,
                       population_label="exc", block_annotations=metadata(kind="E"),
                       channel_offset=channel_offset)


# -- layout ----------------------------------------------------------------------------
def test_block_name_annotations_and_segment_names():
    block = population_block()
    assert block.name == "exc"
    assert block.annotations == {
        "size": 5, "first_index": 0, "last_index": 5, "first_id": 100, "last_id": 104,
        "label": "exc", "simulator": "emulator", "kind": "E", "dt": 0.1,
        "mpi_processes": 1}
    assert [s.name for s in block.segments] == ["segment000", "segment001"]
    assert block.segments[1].annotations == {"trial": 2}
    assert all(s.block is block for s in block.segments)


def test_block_metadata_user_annotations_cannot_override_dt():
    meta = block_metadata(size=2, first_id=0, last_id=1, label="a", simulator="nest",
                          dt=0.1, mpi_processes=3, annotations={"dt": 9, "label": "b"})
    assert meta["dt"] == 0.1 and meta["mpi_processes"] == 3 and meta["label"] == "b"


def test_spiketrains_one_per_recording_cell_sorted_with_annotations():
    segment = population_block().segments[0]
    trains = segment.spiketrains
    assert isinstance(trains, SpikeTrainList)
    # cells 0, 1, 2, 4 record spikes; cell 1 is silent but still has a train
    assert [t.annotations["source_id"] for t in trains] == [100, 101, 102, 104]
    expected_times = [[1.0, 2.0], [], [7.25], [0.5, 9.5]]
    for train, times in zip(trains, expected_times):
        np.testing.assert_array_equal(train.magnitude, times)
        assert train.units == pq.ms
        assert float(train.t_start) == 0.0 and float(train.t_stop) == 10.0
        assert train.segment is segment
    assert trains[3].annotations == {"source_population": "exc", "channel_id": 4,
                                     "source_index": 4, "source_id": 104}
    assert float(population_block().segments[1].spiketrains[0].t_stop) == 5.0


def test_analog_signal_shape_units_columns_in_id_order():
    segment = population_block().segments[0]
    (v,) = segment.filter(name="v")
    assert v.shape == (11, 3)
    assert v.units.dimensionality.string == "mV"
    assert float(v.sampling_period.rescale("ms")) == 1.0
    assert float(v.t_start) == 0.0
    # IDs 100, 101, 104 are cells 0, 1, 4 = columns 2, 1, 0 of the recorded array
    np.testing.assert_array_equal(v.magnitude, v_values()[:, [2, 1, 0]])
    np.testing.assert_array_equal(v.annotations["source_ids"], [100, 101, 104])
    np.testing.assert_array_equal(v.array_annotations["channel_index"], [0, 1, 4])
    np.testing.assert_array_equal(v.annotations["channel_ids"], [0, 1, 4])
    assert v.annotations["source_population"] == "exc"
    (g,) = segment.filter(name="gsyn_exc")
    assert g.shape == (21, 5) and g.units.dimensionality.string == "uS"
    assert float(g.sampling_period.rescale("ms")) == 0.5


@pytest.mark.parametrize("unit", ["mV", "uS", "nA", "nS", "mV/ms", "dimensionless"])
def test_units_from_table(unit):
    block = build_block(label="p", segments=segments()[:1], variables=["v"],
                        cells=np.arange(5), ids=IDS, units={"v": unit},
                        population_label="p", block_annotations={})
    signal = block.segments[0].analogsignals[0]
    assert signal.units == pq.Quantity(1.0, unit).units
    np.testing.assert_array_equal(signal.magnitude, v_values()[:, [2, 1, 0]])


def test_missing_units_raise_naming_the_variable():
    with pytest.raises(ValueError, match="'gsyn_exc'"):
        build_block(label="p", segments=segments(), variables="all", cells=np.arange(5),
                    ids=IDS, units={"v": "mV"}, population_label="p",
                    block_annotations={})


def test_variables_filter():
    only_v = population_block(variables=["v"]).segments[0]
    assert len(only_v.spiketrains) == 0
    assert [s.name for s in only_v.analogsignals] == ["v"]
    only_spikes = population_block(variables="spikes").segments[0]
    assert len(only_spikes.spiketrains) == 4 and len(only_spikes.analogsignals) == 0


def test_requested_but_unrecorded_variable_is_left_out_as_in_pynn():
    segment = population_block(variables=["w"]).segments[0]
    assert len(segment.spiketrains) == 0 and len(segment.analogsignals) == 0


def test_view_subset_in_id_order_with_parent_indices():
    # a view [4, 1, 3] in its own order; cell 3 records no spikes and no v
    block = population_block(cells=np.array([4, 1, 3]), ids=np.array([104, 101, 103]),
                             label="view")
    segment = block.segments[0]
    assert block.name == "view"
    assert [t.annotations["source_index"] for t in segment.spiketrains] == [1, 4]
    (v,) = segment.filter(name="v")
    np.testing.assert_array_equal(v.magnitude, v_values()[:, [1, 0]])
    np.testing.assert_array_equal(v.array_annotations["channel_index"], [1, 4])
    (g,) = segment.filter(name="gsyn_exc")
    np.testing.assert_array_equal(g.annotations["source_ids"], [101, 103, 104])


def test_view_without_recorded_cells_gives_no_signal():
    segment = population_block(cells=np.array([2, 3]), ids=np.array([102, 103])).segments[0]
    assert len(segment.filter(name="v")) == 0


def test_channel_offset_shifts_channels_not_source_index():
    segment = population_block(channel_offset=np.int64(10)).segments[0]
    assert [t.annotations["channel_id"] for t in segment.spiketrains] == [10, 11, 12, 14]
    # Neo's multiplexed view only trusts Python int channel ids
    channels, times = segment.spiketrains.multiplexed
    assert channels.tolist() == [10, 10, 12, 14, 14]
    np.testing.assert_array_equal(times.magnitude, [1.0, 2.0, 7.25, 0.5, 9.5])
    assert [t.annotations["source_index"] for t in segment.spiketrains] == [0, 1, 2, 4]
    (v,) = segment.filter(name="v")
    np.testing.assert_array_equal(v.array_annotations["channel_index"], [10, 11, 14])


def test_spikes_outside_segment_are_dropped_with_warning():
    # 10.0 + 1e-12 is round-off and kept (as 10.0); 12.0 and -0.5 are dropped
    record = SegmentRecord(
        spikes=SpikeData(np.array([0, 0, 0, 0]), np.array([5.0, 12.0, 10.0 + 1e-12, -0.5])),
        spike_cells=np.array([0]), signals={}, t_start=0.0, t_stop=10.0, index=0)
    with pytest.warns(RuntimeWarning, match="dropped 2 spikes"):
        block = population_block(records=[record])
    np.testing.assert_array_equal(block.segments[0].spiketrains[0].magnitude, [5.0, 10.0])


def test_invalid_inputs():
    with pytest.raises(ValueError, match="same length"):
        population_block(cells=np.arange(3))
    with pytest.raises(ValueError, match="t_stop"):
        SegmentRecord(spikes=None, spike_cells=[], signals={}, t_start=5.0, t_stop=1.0)
    bad = segments()[:1]
    bad[0].signals["v"] = SignalData(np.array([0, 1]), np.zeros((4, 3)), 0.0, 1.0)
    with pytest.raises(ValueError, match=r"shape \(4, 3\)"):
        population_block(records=bad)


# -- Assembly merge ------------------------------------------------------------------
def assembly_blocks(other_interval: float = 1.0) -> list[neo.Block]:
    first = population_block()
    records = segments()
    for record in records:
        record.signals["v"] = SignalData(record.signals["v"].cells,
                                         -record.signals["v"].values, 0.0,
                                         record.signals["v"].sampling_interval)
        if other_interval != 1.0:
            n = record.signals["v"].values.shape[0]
            record.signals["v"] = SignalData(record.signals["v"].cells,
                                             np.zeros((2 * n - 1, 3)), 0.0, other_interval)
    second = build_block(label="inh", segments=records, variables="all",
                         cells=np.arange(5), ids=np.arange(105, 110), units=UNITS,
                         population_label="inh",
                         block_annotations=metadata("inh", 105, kind="I"),
                         channel_offset=5)
    return [first, second]


def test_merge_concatenates_trains_and_signals():
    merged = merge_blocks(assembly_blocks(), "all")
    assert merged.name == "all"
    assert [s.name for s in merged.segments] == ["segment000", "segment001"]
    segment = merged.segments[0]
    assert [t.annotations["source_id"] for t in segment.spiketrains] == \
        [100, 101, 102, 104, 105, 106, 107, 109]
    assert all(t.segment is segment for t in segment.spiketrains)
    (v,) = segment.filter(name="v")
    assert v.shape == (11, 6)
    np.testing.assert_array_equal(v.magnitude[:, 3:], -v.magnitude[:, :3])
    np.testing.assert_array_equal(v.array_annotations["channel_index"],
                                  [0, 1, 4, 5, 6, 9])
    np.testing.assert_array_equal(v.annotations["source_ids"],
                                  [100, 101, 104, 105, 106, 109])
    assert v.annotations["source_population"] == ["exc", "inh"]


def test_merge_annotations():
    merged = merge_blocks(assembly_blocks(), "all")
    a = merged.annotations
    assert (a["size"], a["first_index"], a["last_index"]) == (10, 0, 10)
    assert (a["first_id"], a["last_id"], a["label"]) == (100, 109, "all")
    assert a["simulator"] == "emulator" and a["dt"] == 0.1
    assert a["kind"] == ["E", "I"]
    assert merged.segments[1].annotations == {"trial": 2}


def test_merged_annotations_missing_in_some_inputs_survive_matlab(tmp_path):
    blocks = assembly_blocks()
    blocks[0].annotations["only_exc"] = 3
    blocks[1].segments[0].annotate(stimulus="on")
    merged = merge_blocks(blocks, "all")
    assert merged.annotations["only_exc"] == [3]
    assert merged.segments[0].annotations == {"stimulus": ["on"]}
    write_block(merged, tmp_path / "all.mat")
    read = neo.io.NeoMatlabIO(str(tmp_path / "all.mat")).read_block()
    assert list(read.annotations["kind"]) == ["E", "I"]
    assert np.ravel(read.annotations["only_exc"]).tolist() == [3]   # Matlab unwraps 1-lists


def test_merge_annotations_compares_arrays_by_value():
    from pynn_hw.recording import merge_annotations
    merged = merge_annotations([{"a": np.arange(3), "b": 1}, {"a": np.arange(3), "b": 2}])
    assert merged["a"].tolist() == [0, 1, 2] and merged["b"] == [1, 2]


def test_merge_keeps_signals_with_other_sampling_apart():
    segment = merge_blocks(assembly_blocks(other_interval=0.5), "all").segments[0]
    v = segment.filter(name="v")
    assert sorted(s.shape for s in v) == [(11, 3), (21, 3)]
    assert segment.filter(name="gsyn_exc")[0].shape == (21, 10)


def single_v_block(label, first_id, unit, offset):
    record = SegmentRecord(spikes=None, spike_cells=[], index=0, t_start=0.0, t_stop=2.0,
                           signals={"v": SignalData(np.array([0]), np.ones((3, 1)), 0.0,
                                                    1.0)})
    return build_block(label=label, segments=[record], variables="all",
                       cells=np.array([0]), ids=np.array([first_id]), units={"v": unit},
                       population_label=label, block_annotations={},
                       channel_offset=offset)


def test_merge_rescales_compatible_units_and_separates_others():
    (v,) = merge_blocks([single_v_block("a", 0, "mV", 0), single_v_block("b", 1, "V", 1)],
                        "ab").segments[0].analogsignals
    assert v.units == pq.mV
    np.testing.assert_array_equal(v.magnitude, [[1.0, 1000.0]] * 3)
    signals = merge_blocks([single_v_block("a", 0, "mV", 0),
                            single_v_block("b", 1, "nA", 1)], "ab").segments[0].analogsignals
    assert sorted(str(s.units.dimensionality) for s in signals) == ["mV", "nA"]


def test_merge_rejects_different_segment_counts():
    blocks = assembly_blocks()
    blocks[1].segments.pop()
    with pytest.raises(ValueError, match="different numbers of segments"):
        merge_blocks(blocks, "all")
    with pytest.raises(ValueError, match="no Blocks"):
        merge_blocks([], "all")


# -- files ---------------------------------------------------------------------------
def compare_blocks(read: neo.Block, written: neo.Block, array_annotations=True):
    assert read.name == written.name
    assert len(read.segments) == len(written.segments)
    for seg_r, seg_w in zip(read.segments, written.segments):
        assert seg_r.name == seg_w.name
        assert len(seg_r.spiketrains) == len(seg_w.spiketrains)
        for tr, tw in zip(seg_r.spiketrains, seg_w.spiketrains):
            np.testing.assert_array_equal(tr.rescale("ms").magnitude, tw.magnitude)
            assert tr.annotations["source_id"] == tw.annotations["source_id"]
        for sw in seg_w.analogsignals:
            (sr,) = seg_r.filter(name=sw.name, objects=neo.AnalogSignal)
            np.testing.assert_array_equal(sr.rescale(sw.units).magnitude, sw.magnitude)
            np.testing.assert_array_equal(sr.annotations["source_ids"],
                                          sw.annotations["source_ids"])
            if array_annotations:
                np.testing.assert_array_equal(sr.array_annotations["channel_index"],
                                              sw.array_annotations["channel_index"])


def test_pickle_round_trip(tmp_path):
    block = population_block()
    path = tmp_path / "sub" / "data.pkl"
    write_block(block, str(path))
    read = neo.io.PickleIO(str(path)).read_block()
    compare_blocks(read, block)
    assert read.annotations == block.annotations


def test_matlab_round_trip(tmp_path):
    block = population_block()
    path = tmp_path / "data.mat"
    write_block(block, path)
    read = neo.io.NeoMatlabIO(str(path)).read_block()
    # NeoMatlabIO does not store array_annotations
    compare_blocks(read, block, array_annotations=False)
    assert read.annotations["first_id"] == 100 and read.annotations["label"] == "exc"


def test_nix_round_trip(tmp_path):
    pytest.importorskip("nixio")
    block = population_block()
    path = tmp_path / "data.nix"
    write_block(block, path)
    io = neo.io.NixIO(str(path), mode="ro")
    try:
        compare_blocks(io.read_block(), block)
    finally:
        io.close()


def test_get_io_by_extension(tmp_path):
    assert isinstance(get_io(str(tmp_path / "a" / "x.pkl")), neo.io.PickleIO)
    assert (tmp_path / "a").is_dir()
    assert isinstance(get_io(str(tmp_path / "x.pickle")), neo.io.PickleIO)
    assert isinstance(get_io(str(tmp_path / "x.mat")), neo.io.NeoMatlabIO)


@pytest.mark.parametrize("extension", [".txt", ".ras", ".v", ".gsyn", ".xyz", ""])
def test_get_io_refuses_other_extensions(tmp_path, extension):
    with pytest.raises(IOError) as info:
        get_io(str(tmp_path / f"x{extension}"))
    assert repr(extension or "(none)") in str(info.value)
    assert ".pkl" in str(info.value) and ".mat" in str(info.value)


@pytest.mark.parametrize("extension, package", [(".nix", "nixio"), (".h5", "nixio"),
                                                (".nwb", "pynwb")])
def test_missing_format_package_is_named(tmp_path, extension, package):
    import importlib.util
    if importlib.util.find_spec(package) is not None:
        pytest.skip(f"{package} is installed")
    with pytest.raises(ImportError, match=f"pip install {package}"):
        get_io(str(tmp_path / f"x{extension}"))
    with pytest.raises(ImportError, match=package):
        write_block(population_block(), str(tmp_path / f"x{extension}"))


def failing_write(self, block):
    with open(self.filename, "wb") as handle:
        handle.write(b"half a pick")
    raise OSError("disk full")


@pytest.mark.parametrize("as_io", [False, True])
def test_failed_write_keeps_previous_file(tmp_path, monkeypatch, as_io):
    path = tmp_path / "data.pkl"
    write_block(population_block(), str(path))
    before = path.read_bytes()
    new = population_block(variables="spikes")
    monkeypatch.setattr(neo.io.PickleIO, "write_block", failing_write)
    target = neo.io.PickleIO(str(path)) if as_io else str(path)
    with pytest.raises(OSError, match="disk full"):
        write_block(new, target)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["data.pkl"]          # no temporary left behind
    assert len(new.segments) == 2 and len(new.segments[0].spiketrains) == 4
    monkeypatch.undo()
    write_block(new, target)
    assert len(neo.io.PickleIO(str(path)).read_block().segments[0].analogsignals) == 0


def test_write_block_uses_other_io_objects_directly():
    class Collect:
        def __init__(self):
            self.blocks = []

        def write_block(self, block):
            self.blocks.append(block)

    io, block = Collect(), population_block()
    write_block(block, io)
    assert io.blocks == [block]


# -- spike counts --------------------------------------------------------------------
def test_spike_counts_golden():
    records = segments()
    # segment 0: cell 0 twice, cell 2 once, cell 4 twice; cell 1 silent; cell 3 unrecorded
    assert spike_counts(records[:1], np.arange(5), IDS) == \
        {100: 2, 101: 0, 102: 1, 104: 2}
    assert spike_counts(records, np.arange(5), IDS) == {100: 2, 101: 1, 102: 1, 104: 2}
    assert spike_counts(records[:1], np.array([4, 3]), np.array([104, 103])) == {104: 2}
    assert mean_spike_count(records[:1], np.arange(5), IDS) == pytest.approx(5 / 4)


def test_mean_spike_count_without_recording_cells():
    assert spike_counts(segments(), np.array([3]), np.array([103])) == {}
    with pytest.raises(ValueError, match="record\\('spikes'\\)"):
        mean_spike_count(segments(), np.array([3]), np.array([103]))


# -- old text formats ----------------------------------------------------------------
def test_spikes_text(tmp_path):
    path = tmp_path / "spikes.ras"
    write_spikes_text(path, population_block())
    text = path.read_text()
    assert "# first_id = 100" in text and "# n = 6" in text and "# dt = 0.1" in text
    rows = np.loadtxt(path, comments="#")
    # segment 0 sorted by time, then segment 1
    np.testing.assert_array_equal(rows, [[0.5, 4], [1.0, 0], [2.0, 0], [7.25, 2],
                                         [9.5, 4], [4.0, 1]])
    with pytest.raises(NothingToWriteError):
        write_spikes_text(tmp_path / "none.ras", population_block(variables=["v"]))


def test_signal_text(tmp_path):
    path = tmp_path / "v.v"
    block = population_block(records=segments()[:1])
    write_signal_text(path, block, "v")
    assert "# units = mV" in path.read_text() and "# n = 33" in path.read_text()
    rows = np.loadtxt(path, comments="#")
    expected_values = np.concatenate([v_values()[:, 2], v_values()[:, 1],
                                      v_values()[:, 0]])
    np.testing.assert_array_equal(rows[:, 0], expected_values)
    np.testing.assert_array_equal(rows[:, 1], np.repeat([0, 1, 4], 11))
    with pytest.raises(NothingToWriteError, match="'w'"):
        write_signal_text(tmp_path / "w.v", block, "w")
