"""Compare backends: run one PyNN script on several backends and judge them against a reference.

``compare(script, backends, output)`` runs the script on each backend in its own
process (:mod:`pynn_hw.comparison.worker`), computes per-population metrics
(:mod:`pynn_hw.comparison.metrics`), judges each against the reference backend
under stated tolerances (:mod:`pynn_hw.comparison.verdicts`) and writes
``report.md``, ``report.json`` and PNG figures. ``pynn-hw compare`` is its command.
"""

from pynn_hw.comparison.analysis import MetricSettings
from pynn_hw.comparison.pipeline import BACKENDS, Comparison, compare
from pynn_hw.comparison.runner import BackendRun
from pynn_hw.comparison.verdicts import METRICS, Verdict, default_tolerances, parse_tolerances

__all__ = ["BACKENDS", "METRICS", "BackendRun", "Comparison", "MetricSettings", "Verdict", "compare",
           "default_tolerances", "parse_tolerances"]
