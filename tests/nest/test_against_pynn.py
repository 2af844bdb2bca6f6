"""pynn_hw.nest against PyNN's own NEST backend on the same script.

Runs only when ``PYNN_PYTHON`` names an interpreter that has PyNN and NEST (PyNN
needs its own environment); the script is ``pynn_crosscheck.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).with_name("pynn_crosscheck.py")
REPO = Path(__file__).resolve().parents[2]
PYNN_PYTHON = os.environ.get("PYNN_PYTHON")

pytestmark = pytest.mark.skipif(not PYNN_PYTHON,
                                reason="set PYNN_PYTHON to a Python with PyNN + NEST")


def _run(python: str, module: str, precision: str) -> dict:
    env = dict(os.environ, PYNEST_QUIET="1",
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    done = subprocess.run([python, str(SCRIPT), module, precision], capture_output=True,
                          text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("precision", ["on_grid", "off_grid"])
def test_same_spikes_and_membrane_traces_as_pynn(precision):
    ours = _run(sys.executable, "pynn_hw.nest", precision)
    theirs = _run(PYNN_PYTHON, "pyNN.nest", precision)
    for name in ("cond", "curr"):
        assert sum(map(len, ours[name + "_spikes"])) >= 3
        for mine, reference in zip(ours[name + "_spikes"], theirs[name + "_spikes"]):
            np.testing.assert_allclose(mine, reference, atol=1e-9)
        np.testing.assert_allclose(ours[name + "_v"], theirs[name + "_v"], atol=1e-9)
