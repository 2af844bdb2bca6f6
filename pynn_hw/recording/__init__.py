"""Recorded numpy data -> Neo objects with PyNN's layout, and files.

Pure functions, with no knowledge of simulators: the front-end collects a
:class:`SegmentRecord` per population and segment from the backend and calls
:func:`build_block` (Population / PopulationView ``get_data``), :func:`merge_blocks`
(Assembly ``get_data``), :func:`write_block` (``write_data``) and
:func:`spike_counts` (``get_spike_counts``).
"""

from pynn_hw.recording.counts import mean_spike_count, spike_counts
from pynn_hw.recording.files import FORMATS, TEXT_EXTENSIONS, get_io, write_block
from pynn_hw.recording.merge import merge_annotations, merge_blocks
from pynn_hw.recording.neo_build import build_block, requested_variables
from pynn_hw.recording.records import SegmentRecord, block_metadata
from pynn_hw.recording.text import write_signal_text, write_spikes_text

__all__ = [
    "FORMATS", "TEXT_EXTENSIONS", "SegmentRecord", "block_metadata", "build_block",
    "get_io", "mean_spike_count", "merge_annotations", "merge_blocks",
    "requested_variables", "spike_counts", "write_block", "write_signal_text",
    "write_spikes_text",
]
