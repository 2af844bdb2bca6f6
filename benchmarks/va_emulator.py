"""Vogels-Abbott COBA on the board emulator against NEST, in the same run.

Runs the shared benchmark script (``va_coba.py``, unmodified) once with
``pynn_hw.emulator`` and once with ``pynn_hw.nest``, each in its own process, and
prints one JSON object as the last line::

    {"emulator": {"build_s", "map_s", "load_s", "run_s", "total_run_s", "rate_exc",
                  "rate_inh", "chips", "dropped_events", "dropped_by_cause"},
     "nest": {"build_s", "run_s", "rate_exc", "rate_inh"},
     "run_ratio", "total_ratio", "rate_diff_exc", "rate_diff_inh"}

The emulator's times come from the backend: ``map_s`` (``mapping.map_network``),
``load_s`` (codes, configuration of the emulated board), ``run_s`` (the emulated
run of the biological time, with host input generation and read-back of the
spikes); ``total_run_s`` is va_coba's ``t_run`` (all of them: the backend maps and
loads at the first ``run()``). NEST's ``run_s`` is its ``t_run`` (which includes
building the NEST network). ``run_ratio`` = emulator ``run_s`` / NEST ``run_s``,
``total_ratio`` = emulator ``total_run_s`` / NEST ``run_s``; ``rate_diff_*`` are
relative differences (emulator - NEST) / NEST.
If the emulator side fails (e.g. the network does not map onto the board), its
entry is ``{"error": message}`` and the ratios are null.

The board is chosen through the ``PYNN_HW_BOARD`` environment variable, which the
emulator backend reads when ``setup()`` names no board (default: :data:`DEFAULT_BOARD`):

    --board NAME_OR_PATH       a shipped board or a board file
    --board torus:RxC          a generated R x C torus with board_4x4's figures
    --board torus:RxC:LINK:ROUTER:DELAY:BUFFER
                               ... with LINK events/s (hardware) per link,
                               ROUTER router entries per chip, DELAY link
                               delay cycles and BUFFER events per link buffer

Usage: python benchmarks/va_emulator.py [--board B] [--repeat N] [n_neurons] [t_stop_ms]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from va_common import benchmark_script, child_env, json_lines, rate_diffs, run_child

#: The board the benchmark uses by default: 37 x 37 = 1369 chips (the network needs about
#: 1330), links without delay (events cross the board within the cycle they leave a chip,
#: so every connection has the board's 0.1 ms; with the shipped 2 cycles per hop the delays
#: grow to several ms and the network, on NEST too, falls silent after its kick), 10^11
#: events/s and 4096-event buffers per link, 8192 router entries per chip.
DEFAULT_BOARD = "torus:37x37:1e11:8192:0:4096"

_DRIVER = r"""
import json, logging, runpy, sys
records = []
class Keep(logging.Handler):
    def emit(self, record):
        if hasattr(record, "timings"):
            records.append(record.timings)
logger = logging.getLogger("pynn_hw.board_backend")
logger.addHandler(Keep()); logger.setLevel(logging.INFO)
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
print("#timings " + json.dumps(records[-1] if records else {}))
"""


def torus_file(spec: str, folder: Path) -> Path:
    """Write the board file of ``torus:RxC[:LINK[:ROUTER[:DELAY[:BUFFER]]]]``; return its path."""
    parts = spec.split(":")
    rows, cols = (int(x) for x in parts[1].lower().split("x"))
    link = float(parts[2]) if len(parts) > 2 else 2.0e8
    router = int(parts[3]) if len(parts) > 3 else 1024
    delay = int(parts[4]) if len(parts) > 4 else 2
    buffer = int(parts[5]) if len(parts) > 5 else 256
    lines = ['format = 1', f'name = "torus_{rows}x{cols}"', f'description = "generated {rows} x {cols} torus"',
             '[topology]', 'kind = "torus"', f'shape = [{rows}, {cols}]', f'link_events_per_s = {link:e}',
             f'link_delay_cycles = {delay}', f'link_buffer_events = {buffer}', '[chip_defaults]',
             'input_events_per_s = 3.0e8', 'input_buffer_events = 256', f'router_entries = {router}',
             '[host]', 'kind = "usb"', 'bytes_per_s = 4.0e7', 'input_memory_events = 200000000',
             'output_memory_events = 100000000']
    for r in range(rows):
        for c in range(cols):
            i = r * cols + c
            lines += ['[[chips]]', f'id = {i}', f'serial = {0x51D00000 + i}', f'position = [{r}, {c}]']
    path = folder / f"torus_{rows}x{cols}.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def run_one(module: str, args: list[str], board: str | None) -> dict:
    env = child_env(PYNEST_QUIET="1", **({"PYNN_HW_BOARD": board} if board else {}))
    done = run_child(["-c", _DRIVER, str(benchmark_script()), module, *args], env=env)
    results = json_lines(done.stdout)
    if done.returncode != 0 or not results:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": tail[:2000]}
    result = results[-1]
    timings = next((json.loads(line[9:]) for line in done.stdout.splitlines() if line.startswith("#timings ")), {})
    out = {"build_s": result["t_build"], "run_s": result["t_run"], "rate_exc": result["rate_exc"],
           "rate_inh": result["rate_inh"]}
    if timings:
        out["map_s"] = timings["map_s"]
        out["load_s"] = timings["load_s"]
        out["run_s"] = round(timings["run_s"], 3)
        out["total_run_s"] = result["t_run"]
        out["chips"] = timings["chips"]
        out["dropped_events"] = timings["dropped_events"]
        out["dropped_by_cause"] = timings["dropped_by_cause"]
    return out


def _fastest(runs: list[dict]) -> dict:
    ok = [r for r in runs if "error" not in r]
    return min(ok, key=lambda r: r["run_s"]) if ok else runs[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--board", default=DEFAULT_BOARD,
                        help=f"board for the emulator (see the module docstring; default {DEFAULT_BOARD})")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run each side this many times, alternating, and keep the fastest run of each")
    parser.add_argument("n_neurons", nargs="?", default="4000")
    parser.add_argument("t_stop", nargs="?", default="1000")
    opts = parser.parse_args()
    args = [opts.n_neurons, opts.t_stop]
    with tempfile.TemporaryDirectory() as tmp:
        board = opts.board
        if board and board.startswith("torus:"):
            board = str(torus_file(board, Path(tmp)))
        emu_runs, nest_runs = [], []
        for _ in range(max(1, opts.repeat)):   # alternating, so that other load hits both sides alike
            emu_runs.append(run_one("pynn_hw.emulator", args, board))
            nest_runs.append(run_one("pynn_hw.nest", args, None))
        emu, nest = _fastest(emu_runs), _fastest(nest_runs)
    ok = "error" not in emu and "error" not in nest
    summary = {
        "emulator": emu, "nest": nest,
        "run_ratio": round(emu["run_s"] / nest["run_s"], 3) if ok else None,
        "total_ratio": round(emu["total_run_s"] / nest["run_s"], 3) if ok else None,
        **(rate_diffs(emu, nest, digits=3) if ok else {"rate_diff_exc": None, "rate_diff_inh": None}),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
