"""The mapping report: what was asked, what the board realises, what was lost, and
what it cost.

Every field is a plain number, string or dict of those, so the report prints as a
table (``str(report)``) and round-trips through JSON (``to_json`` /
``MappingReport.from_json``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any

__all__ = ["MappingReport", "REPORT_VERSION"]

#: Version of the JSON layout of :class:`MappingReport`.
REPORT_VERSION = 1


@dataclass(frozen=True)
class MappingReport:
    """Outcome of mapping one network onto one board.

    Attributes
    ----------
    board : str
        Board name.
    chips_on_board : int
    neurons : int
        Hardware neurons (cells that are not spike sources).
    sources : int
        Spike sources (host inputs).
    synapses_requested, synapses_realised : int
    synapses_lost : dict[str, int]
        Lost synapses by cause (see ``mapping.mapped_network.LossCause``).
    weight_rel_rms_error, weight_rel_max_error : float
        Relative error of the realised weights (nominal strengths) against the
        requested ones (after the cell-type weight scale), over realised synapses.
    delay_mean_abs_deviation_ms, delay_max_abs_deviation_ms : float
        |realised - requested| delay over realised synapses.
    spike_time_max_deviation_ms : float
        Largest rounding of a SpikeSourceArray spike time to a time-stamp tick.
    chips_used, chips_lower_bound : int
        Chips that hold neurons; a proven lower bound on that number (see
        docs/mapping.md, "Lower bound").
    rows_external, rows_feedback : int
        Rows of all chips set to EXTERNAL / FEEDBACK_*.
    utilisation : dict[str, float]
        Mean fraction used per used chip: ``neurons``, ``rows``, ``external_rows``,
        ``param_groups``; ``max_router_entries`` as a fraction of the table.
    link_load_max, link_load_mean : float
        Expected events/s (biological time) on the busiest / average directed link.
    link_bandwidth : float
        Smallest link bandwidth of the board, events/s biological (0: no links).
    input_load_max, input_bandwidth : float
        Expected events/s (biological) at the busiest chip input port, and its bandwidth.
    router_entries_max, router_entries_capacity : int
    routes : int
        Route words.
    readout_runs : int
        Runs needed to read out every requested membrane (4 channels per chip).
    step_seconds : dict[str, float]
        Wall-clock time of each mapping step.
    warnings : list[str]
    """

    board: str = ""
    chips_on_board: int = 0
    neurons: int = 0
    sources: int = 0
    synapses_requested: int = 0
    synapses_realised: int = 0
    synapses_lost: dict[str, int] = field(default_factory=dict)
    weight_rel_rms_error: float = 0.0
    weight_rel_max_error: float = 0.0
    delay_mean_abs_deviation_ms: float = 0.0
    delay_max_abs_deviation_ms: float = 0.0
    spike_time_max_deviation_ms: float = 0.0
    chips_used: int = 0
    chips_lower_bound: int = 0
    rows_external: int = 0
    rows_feedback: int = 0
    utilisation: dict[str, float] = field(default_factory=dict)
    link_load_max: float = 0.0
    link_load_mean: float = 0.0
    link_bandwidth: float = 0.0
    input_load_max: float = 0.0
    input_bandwidth: float = 0.0
    router_entries_max: int = 0
    router_entries_capacity: int = 0
    routes: int = 0
    readout_runs: int = 0
    step_seconds: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def synapses_lost_total(self) -> int:
        """All lost synapses."""
        return int(sum(self.synapses_lost.values()))

    @property
    def lost_fraction(self) -> float:
        """Lost synapses as a fraction of the requested ones (0 if none requested)."""
        return self.synapses_lost_total / self.synapses_requested if self.synapses_requested else 0.0

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (JSON types only) with a ``version`` key."""
        return {"version": REPORT_VERSION, **asdict(self)}

    def to_json(self, indent: int | None = 2) -> str:
        """The report as a JSON document."""
        return json.dumps(self.to_dict(), indent=indent, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "MappingReport":
        """Read a report written by :meth:`to_json`.

        Raises
        ------
        ValueError
            If the version is not :data:`REPORT_VERSION` or a key is unknown.
        """
        data = json.loads(text)
        version = data.pop("version", None)
        if version != REPORT_VERSION:
            raise ValueError(f"MappingReport JSON version {version!r} is not supported; valid: {REPORT_VERSION}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"MappingReport JSON: unknown keys {unknown}; valid: {sorted(known)}")
        return cls(**data)

    def with_updates(self, **changes: Any) -> "MappingReport":
        """A copy with some fields replaced."""
        return MappingReport(**{**asdict(self), **changes})

    def __str__(self) -> str:
        lost = ", ".join(f"{k} {v}" for k, v in sorted(self.synapses_lost.items()) if v) or "none"
        rows = [
            ("board", f"{self.board} ({self.chips_on_board} chips)"),
            ("neurons / sources", f"{self.neurons} / {self.sources}"),
            ("synapses requested", f"{self.synapses_requested}"),
            ("synapses realised", f"{self.synapses_realised}"),
            ("synapses lost", lost),
            ("weight error (rel.)", f"RMS {self.weight_rel_rms_error:.3%}, max {self.weight_rel_max_error:.3%}"),
            ("delay deviation", f"mean {self.delay_mean_abs_deviation_ms:.3f} ms, "
                                f"max {self.delay_max_abs_deviation_ms:.3f} ms"),
            ("spike time rounding", f"max {self.spike_time_max_deviation_ms * 1e3:.3f} us"),
            ("chips used", f"{self.chips_used} (lower bound {self.chips_lower_bound})"),
            ("rows", f"{self.rows_external} external, {self.rows_feedback} feedback"),
            ("utilisation", ", ".join(f"{k} {v:.1%}" for k, v in sorted(self.utilisation.items())) or "-"),
            ("link load (bio ev/s)", f"max {self.link_load_max:.4g}, mean {self.link_load_mean:.4g} "
                                     f"of {self.link_bandwidth:.4g}"),
            ("input load (bio ev/s)", f"max {self.input_load_max:.4g} of {self.input_bandwidth:.4g}"),
            ("router entries", f"max {self.router_entries_max} of {self.router_entries_capacity}"),
            ("routes", f"{self.routes}"),
            ("read-out runs", f"{self.readout_runs}"),
            ("time per step (s)", ", ".join(f"{k} {v:.3f}" for k, v in self.step_seconds.items()) or "-"),
        ]
        width = max(len(k) for k, _ in rows)
        lines = ["MappingReport", "-" * (width + 40)]
        lines += [f"{k:<{width}}  {v}" for k, v in rows]
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)
