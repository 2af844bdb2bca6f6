"""The balanced network (examples/balanced_network.py) on a calibrated, mismatched emulated chip vs NEST.

Each run is a separate process (``benchmarks/calibration.py --network-worker``),
as the front-end's backends keep their state per process. The calibrated run
uses the board backend's ``calibration`` setup option when the backend has it,
otherwise it routes the backend's calibration step through the tables itself
(see ``use_tables_in_board_backend`` there and /docs/calibration.md).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "calibration.py"


def _rates(mode: str, folder: Path) -> dict:
    proc = subprocess.run([sys.executable, str(BENCH), "--network-worker", mode, "--network-board", "single_chip",
                           "--dir", str(folder)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_calibrated_emulator_reaches_nest_rates_within_ten_percent(calibrated_chip):
    folder, _ = calibrated_chip
    nest = _rates("nest", folder)
    calibrated = _rates("calibrated", folder)
    for key in ("exc_hz", "inh_hz"):
        assert nest[key] > 5.0                              # the network is active at all
        assert abs(calibrated[key] / nest[key] - 1) < 0.10, (key, calibrated, nest)
