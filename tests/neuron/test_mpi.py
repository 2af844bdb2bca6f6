"""The NEURON backend under MPI: 2 ranks give the spikes of 1 rank."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SCRIPT = HERE / "mpi_network.py"


def _run(tmp_path: Path, ranks: int) -> tuple[dict, str]:
    out = tmp_path / f"ranks{ranks}.json"
    command = [sys.executable, str(SCRIPT), str(out)]
    if ranks > 1:
        command = [shutil.which("mpirun"), "-n", str(ranks), "--allow-run-as-root",
                   "--oversubscribe", *command]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(out.read_text()), done.stdout


@pytest.mark.skipif(shutil.which("mpirun") is None,
                    reason="mpirun not found (apt-get install openmpi-bin libopenmpi-dev)")
def test_two_ranks_reproduce_the_single_process_run(tmp_path):
    pytest.importorskip("mpi4py")
    single, _ = _run(tmp_path, 1)
    double, stdout = _run(tmp_path, 2)
    assert sum(len(t) for t in single["exc"]) > 30          # the network is active
    assert len(single["solo"][0]) == 3         # 1.5 nA from 20 to 80 ms
    np.testing.assert_allclose(double["current"], single["current"])
    assert max(double["current"]) == 1.5
    for label in ("exc", "inh", "solo"):
        assert len(double[label]) == len(single[label])
        for a, b in zip(single[label], double[label]):
            np.testing.assert_allclose(b, a, atol=1e-9)
    # rank 0 sees every cell's membrane trace
    assert double["v_shape"] == single["v_shape"] == [1501, 40]
    np.testing.assert_allclose(double["v_last"], single["v_last"], atol=1e-9)
    # an RNG created without a seed gets rank 0's seed on every rank
    seeds = dict(re.findall(r"SEED (\d) (\d+)", stdout))
    assert set(seeds) == {"0", "1"} and seeds["0"] == seeds["1"]
