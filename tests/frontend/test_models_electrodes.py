"""Standard current sources: parameters, validation, session hooks, StepCurrentSource grid."""

import numpy as np
import pytest

import pynn_hw.standardmodels as sm
from pynn_hw.errors import (InvalidParameterValueError, NonExistentParameterError,
                            RecordingError)
from pynn_hw.parameters import Sequence


class FakeSession:
    """Stands in for the simulation session: records the calls a source makes."""

    def __init__(self):
        self.calls = []

    def inject_current(self, source, cells):
        self.calls.append(("inject", source, cells))
        source._session = self

    def update_current_source(self, source):
        self.calls.append(("update", source.get_parameters()))

    def record_current(self, source):
        self.calls.append(("record", source))

    def get_current_data(self, source):
        return "signal"


class FakePopulation:
    def __init__(self, celltype, session):
        self.celltype = celltype
        self._session = session


@pytest.mark.parametrize("cls, defaults, units", [
    (sm.DCSource, dict(amplitude=1.0, start=0.0, stop=1e12),
     dict(amplitude="nA", start="ms", stop="ms")),
    (sm.ACSource, dict(amplitude=1.0, start=0.0, stop=1e12, frequency=10.0, offset=0.0,
                       phase=0.0),
     dict(amplitude="nA", start="ms", stop="ms", frequency="Hz", offset="nA", phase="deg")),
    (sm.StepCurrentSource, dict(amplitudes=Sequence([]), times=Sequence([])),
     dict(amplitudes="nA", times="ms")),
    (sm.NoisyCurrentSource, dict(mean=0.0, stdev=1.0, start=0.0, stop=1e12, dt=0.1),
     dict(mean="nA", stdev="nA", start="ms", stop="ms", dt="ms")),
])
def test_defaults_and_units(cls, defaults, units):
    assert cls.default_parameters == defaults
    assert cls.units == units
    assert cls().get_parameters() == defaults


def test_parameters_as_attributes():
    src = sm.DCSource(amplitude=0.5, start=10.0)
    assert src.amplitude == 0.5 and src.start == 10.0 and src.stop == 1e12
    src.amplitude = 2.0
    assert src.get_parameters()["amplitude"] == 2.0
    with pytest.raises(NonExistentParameterError, match="DCSource has no parameter 'amp'"):
        src.amp = 1.0
    with pytest.raises(AttributeError):
        src.amp  # noqa: B018


def test_values_must_be_single():
    with pytest.raises(InvalidParameterValueError,
                       match="DCSource.amplitude must be a single value"):
        sm.DCSource(amplitude=np.array([1.0, 2.0]))
    with pytest.raises(InvalidParameterValueError, match="must be a single value"):
        sm.StepCurrentSource(times=[[1.0], [2.0]], amplitudes=[[1.0], [2.0]])


def test_stop_before_start_rejected_and_nothing_changes():
    src = sm.ACSource(start=5.0, stop=50.0)
    with pytest.raises(InvalidParameterValueError,
                       match=r"ACSource.stop must be >= start \(5.0 ms\), got 1.0 ms"):
        src.stop = 1.0
    assert src.stop == 50.0


def test_range_checks():
    with pytest.raises(InvalidParameterValueError, match="NoisyCurrentSource.dt must be > 0 ms"):
        sm.NoisyCurrentSource(dt=0.0)
    with pytest.raises(InvalidParameterValueError, match="stdev must be >= 0 nA"):
        sm.NoisyCurrentSource(stdev=-1.0)
    with pytest.raises(InvalidParameterValueError, match="ACSource.frequency must be >= 0 Hz"):
        sm.ACSource(frequency=-1.0)


class TestStepCurrentSource:
    def test_times_must_increase_and_be_non_negative(self):
        with pytest.raises(ValueError, match="StepCurrentSource.times must be in increasing order"):
            sm.StepCurrentSource(times=[10.0, 5.0], amplitudes=[1.0, 2.0])
        with pytest.raises(InvalidParameterValueError,
                           match="times: every element must be >= 0 ms"):
            sm.StepCurrentSource(times=[-1.0, 5.0], amplitudes=[1.0, 2.0])

    def test_lengths_must_match(self):
        with pytest.raises(InvalidParameterValueError,
                           match=r"StepCurrentSource: amplitudes and times must have the "
                                 r"same length \(got 1 and 2\)"):
            sm.StepCurrentSource(times=[1.0, 2.0], amplitudes=[0.5])

    def test_lists_become_sequences(self):
        src = sm.StepCurrentSource(times=[1.0, 2.0], amplitudes=[0.5, -0.5])
        assert src.times == Sequence([1.0, 2.0]) and src.amplitudes == Sequence([0.5, -0.5])

    def test_resolved_rounds_to_grid_and_keeps_last_of_duplicates(self):
        # dt = 0.1: 0.04 -> 0.0, 0.06 -> 0.1, 0.14 -> 0.1 (same step as 0.06, amplitude
        # 3 replaces 2), 0.26 -> 0.3, 0.3 -> 0.3 (amplitude 5 replaces 4), 1.0 -> 1.0
        src = sm.StepCurrentSource(times=[0.04, 0.06, 0.14, 0.26, 0.3, 1.0],
                                   amplitudes=[1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
        times, amplitudes = src.resolved(0.1)
        np.testing.assert_allclose(times, [0.0, 0.1, 0.3, 1.0])
        np.testing.assert_array_equal(amplitudes, [1.0, 3.0, 5.0, 6.0])

    def test_resolved_on_a_coarse_grid_and_empty(self):
        src = sm.StepCurrentSource(times=[0.4, 0.6, 1.4], amplitudes=[1.0, 2.0, 3.0])
        times, amplitudes = src.resolved(1.0)  # 0.4 -> 0, 0.6 -> 1, 1.4 -> 1
        np.testing.assert_array_equal(times, [0.0, 1.0])
        np.testing.assert_array_equal(amplitudes, [1.0, 3.0])
        times, amplitudes = sm.StepCurrentSource().resolved(0.1)
        assert times.size == 0 and amplitudes.size == 0
        with pytest.raises(ValueError, match="dt must be > 0"):
            src.resolved(0.0)

    def test_resolved_rounds_halves_up(self):
        # 0.05 / 0.1 and 0.35 / 0.1 are halves (the latter 3.4999999999999996 in floats)
        src = sm.StepCurrentSource(times=[0.05, 0.35], amplitudes=[1.0, 2.0])
        times, _ = src.resolved(0.1)
        np.testing.assert_allclose(times, [0.1, 0.4])


class TestSessionHooks:
    def test_inject_record_update_get_data(self):
        session = FakeSession()
        pop = FakePopulation(sm.IF_cond_exp(), session)
        src = sm.DCSource(amplitude=0.3)
        src.record()  # before injection: only remembered
        assert src._recording and session.calls == []
        src.inject_into(pop)
        assert session.calls == [("inject", src, pop)] and src._session is session
        src.amplitude = 0.7
        assert session.calls[-1] == ("update", {"amplitude": 0.7, "start": 0.0, "stop": 1e12})
        src.set_parameters(start=5.0, stop=8.0)
        assert session.calls[-1][1]["stop"] == 8.0
        src.record()
        assert session.calls[-1] == ("record", src)
        assert src.get_data() == "signal"

    def test_invalid_change_is_not_passed_on(self):
        session = FakeSession()
        src = sm.DCSource()
        src.inject_into(FakePopulation(sm.IF_curr_exp(), session))
        with pytest.raises(InvalidParameterValueError):
            src.set_parameters(start=-1.0)
        assert [c[0] for c in session.calls] == ["inject"]

    def test_spike_sources_cannot_take_current(self):
        session = FakeSession()
        with pytest.raises(TypeError, match="cannot inject DCSource into SpikeSourcePoisson"):
            sm.DCSource().inject_into(FakePopulation(sm.SpikeSourcePoisson(), session))
        assert session.calls == []

    def test_list_of_ids_uses_their_session(self):
        session = FakeSession()
        ids = [FakePopulation(sm.IF_cond_exp(), session) for _ in range(2)]
        src = sm.NoisyCurrentSource()
        src.inject_into(ids)
        assert session.calls[0][2] is ids

    def test_not_a_set_of_cells(self):
        with pytest.raises(TypeError, match="expected a Population"):
            sm.DCSource().inject_into(42)

    def test_get_data_needs_injection_and_record(self):
        with pytest.raises(RecordingError, match="has not been injected"):
            sm.DCSource().get_data()
        src = sm.DCSource()
        src.inject_into(FakePopulation(sm.IF_cond_exp(), FakeSession()))
        with pytest.raises(RecordingError, match=r"record\(\) was not called"):
            src.get_data()
