"""The 0.6/0.7 methods of populations, kept working with a DeprecationWarning."""

from __future__ import annotations

from typing import Any

import numpy as np

from pynn_hw.deprecation import warn_deprecated as _warn


class DeprecatedPopulationMethods:
    """Old method names, each expressed through the current API."""

    def tset(self, parametername: str, value_array: Any) -> None:
        _warn("tset()", "set()")
        self.set(**{parametername: value_array})

    def rset(self, parametername: str, rand_distr: Any) -> None:
        _warn("rset()", "set()")
        self.set(**{parametername: rand_distr})

    def record_v(self, to_file: Any = None) -> None:
        _warn("record_v()", "record('v')")
        self.record("v", to_file=_filename(to_file))

    def record_gsyn(self, to_file: Any = None) -> None:
        _warn("record_gsyn()", "record(['gsyn_exc', 'gsyn_inh'])")
        self.record(["gsyn_exc", "gsyn_inh"], to_file=_filename(to_file))

    def printSpikes(self, file: Any, gather: bool = True, compatible_output: bool = True) -> None:
        from pynn_hw.recording import write_spikes_text
        _warn("printSpikes()", "write_data()")
        write_spikes_text(file, self.get_data("spikes"))

    def getSpikes(self, gather: bool = True, compatible_output: bool = True) -> np.ndarray:
        """Spikes as an (n, 2) array of (id, time) rows, in time order."""
        _warn("getSpikes()", "get_data('spikes')")
        rows = [(int(train.annotations["source_id"]), float(t))
                for segment in self.get_data("spikes").segments
                for train in segment.spiketrains for t in train.magnitude]
        table = np.array(rows, dtype=float).reshape(-1, 2)
        return table[np.argsort(table[:, 1], kind="stable")]

    def _signal_table(self, variable: str) -> np.ndarray:
        rows = []
        for segment in self.get_data(variable).segments:
            for signal in segment.analogsignals:
                if signal.name != variable:
                    continue
                times = signal.times.rescale("ms").magnitude
                ids = np.asarray(signal.annotations.get("source_ids",
                                 signal.array_annotations.get("channel_index")))
                values = signal.magnitude
                for column, cell in enumerate(ids):
                    rows.append(np.column_stack([np.full(len(times), cell), times,
                                                 values[:, column]]))
        return np.vstack(rows) if rows else np.zeros((0, 3))

    def get_v(self, gather: bool = True, compatible_output: bool = True) -> np.ndarray:
        """Membrane potential as an (n, 3) array of (id, time, v) rows."""
        _warn("get_v()", "get_data('v')")
        return self._signal_table("v")

    def get_gsyn(self, gather: bool = True, compatible_output: bool = True) -> np.ndarray:
        """Conductances as (n, 4) rows of (id, time, gsyn_exc, gsyn_inh)."""
        _warn("get_gsyn()", "get_data(['gsyn_exc', 'gsyn_inh'])")
        exc, inh = self._signal_table("gsyn_exc"), self._signal_table("gsyn_inh")
        return np.column_stack([exc, inh[:, 2]]) if len(exc) else np.zeros((0, 4))

    def print_v(self, file: Any, gather: bool = True, compatible_output: bool = True) -> None:
        from pynn_hw.recording import write_signal_text
        _warn("print_v()", "write_data()")
        write_signal_text(file, self.get_data("v"), "v")

    def print_gsyn(self, file: Any, gather: bool = True, compatible_output: bool = True) -> None:
        from pynn_hw.recording import write_signal_text
        _warn("print_gsyn()", "write_data()")
        block = self.get_data(["gsyn_exc", "gsyn_inh"])
        write_signal_text(file, block, "gsyn_exc")

    def meanSpikeCount(self, gather: bool = True) -> float:
        _warn("meanSpikeCount()", "mean_spike_count()")
        return self.mean_spike_count()


def _filename(to_file: Any) -> Any:
    # the old API took True/False for "record to a default file"
    return None if isinstance(to_file, bool) else to_file
