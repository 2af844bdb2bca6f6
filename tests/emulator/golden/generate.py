"""Write the golden vectors of the emulator (run by hand; the JSON files are checked in).

``python tests/emulator/golden/generate.py`` rewrites every ``*.json`` here from the
current emulator. Only do that after a deliberate change of the arithmetic, and
re-check the hand derivations in ``tests/emulator/test_golden.py``.

Each file holds: a description, whether mismatch is off (``ideal``), the
configuration image (base64 of :func:`firmware_io.image.build_image`, with its
routes), an optional fabric (links, delays in ticks, Q16 rates, depths), the
input events ``[t, chip, addr]``, the number of cycles, and the expected output
events ``[t, chip, addr]``, read-out traces (membrane registers) and drop counts.
"""

from __future__ import annotations

import base64
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or os.curdir).resolve() != HERE]
sys.path.insert(0, str(HERE.parents[2]))

import numpy as np  # noqa: E402

from emulator import Board, FabricSpec  # noqa: E402
from firmware_io.chip_config import ChipConfig  # noqa: E402
from firmware_io.constants import ROW_SOURCE, SIGN, STP_MODES  # noqa: E402
from firmware_io.image import ROUTE_DTYPE, build_image  # noqa: E402
from firmware_io.packets import make_events  # noqa: E402


def nominal_chip(serial: int) -> ChipConfig:
    c = ChipConfig.empty(serial)
    c.g_leak[:] = 100          # 10 nS, tau_m 20 ms
    c.tau_refrac[:] = 40       # 1 ms
    c.v_rest[:] = 373          # -65 mV
    c.v_reset[:] = 323         # -70 mV
    c.v_thresh[:] = 473        # -55 mV
    c.e_rev_I[:] = 223         # -80 mV
    c.readout[:] = [0, 1, 192, 193]
    return c


def external(c: ChipConfig, row: int, weight: int, strength: int = 256, tau: int = 100,
             sign: int = SIGN.EXCITATORY, stp: int = STP_MODES.OFF) -> None:
    b, r = divmod(row, 256)
    c.row_source[b, r] = ROW_SOURCE.EXTERNAL
    c.row_sign[b, r], c.row_strength[b, r], c.row_tau[b, r], c.row_stp[b, r] = sign, strength, tau, stp
    c.weights[b, r, :] = weight


def case_psp() -> dict:
    c = nominal_chip(1)
    external(c, 200, 15, strength=128)
    c.weights[0, 200, 1] = 7
    return dict(name="psp_single_event", ideal=True, configs=[c],
                description="one excitatory event (strength 128; weight 15 to neuron 0, 7 to neuron 1) at tick 327",
                events=[(327, 0, 200)], n_cycles=150)


def case_firing() -> dict:
    c = nominal_chip(2)
    for row in (200, 201, 202, 203):
        external(c, row, 15)
    times = [32 * k + 3 for k in range(400)]
    events = [(t, 0, row) for t in times for row in (200, 201)]
    return dict(name="regular_firing", ideal=True, configs=[c],
                description="two rows of weight 15 every cycle: regular firing with 1 ms refractoriness",
                events=events, n_cycles=400)


def case_stp() -> dict:
    c = nominal_chip(3)
    external(c, 200, 15, strength=100, stp=STP_MODES.DEPRESSING)
    external(c, 201, 15, strength=100, stp=STP_MODES.FACILITATING)
    c.weights[0, 201, 0] = 0          # neuron 0 sees the depressing row only
    c.weights[0, 200, 1] = 0          # neuron 1 the facilitating one
    c.stp_u, c.stp_tau_rec, c.stp_tau_facil = 200, 100, 50
    events = [(32 * 50 * k + 1, 0, row) for k in range(6) for row in (200, 201)]
    return dict(name="stp_trains", ideal=True, configs=[c],
                description="6 events every 5 ms on a depressing (neuron 0) and a facilitating row (neuron 1)",
                events=events, n_cycles=320)


def case_route() -> dict:
    a, b = nominal_chip(4), nominal_chip(5)
    for row in (200, 201, 202, 203):
        external(a, row, 15)
    external(b, 300, 15)
    routes = np.zeros(1, dtype=ROUTE_DTYPE)
    routes[0] = (0, 0, 1, 300)
    events = [(32 * k, 0, row) for k in range(30) for row in (200, 201, 202, 203)]
    fabric = dict(link_ends=[[0, 1], [1, 0]], link_delay_ticks=[64, 64], link_rate=[1 << 15, 1 << 15],
                  link_depth=[2, 2])
    return dict(name="two_chip_route", ideal=True, configs=[a, b], routes=routes, fabric=fabric,
                description="neuron 0 of chip 0 routed over a 2-cycle link to row 300 of chip 1",
                events=events, n_cycles=120)


def case_mismatch() -> dict:
    rng = np.random.default_rng(99)
    c = nominal_chip(0x51C00001)
    c.row_source[:, :32] = ROW_SOURCE.FEEDBACK_SAME
    c.row_source[:, 32:64] = ROW_SOURCE.FEEDBACK_OTHER
    c.row_source[:, 192:] = ROW_SOURCE.EXTERNAL
    c.row_sign[:] = rng.random((2, 256)) < 0.25
    c.row_strength[:] = np.where(c.row_sign == SIGN.INHIBITORY, 40, 120)
    c.row_tau[:] = np.where(c.row_sign == SIGN.INHIBITORY, 200, 100)
    c.row_stp[:] = rng.integers(0, 3, (2, 256))
    c.row_stdp[:, 192:200] = True
    c.weights[:] = rng.integers(0, 16, c.weights.shape) * (rng.random(c.weights.shape) < 0.3)
    c.stp_u, c.stp_tau_rec, c.stp_tau_facil = 150, 200, 80
    c.stdp_tau, c.stdp_threshold = 200, 32
    c.stdp_lut_causal[:] = np.minimum(np.arange(16) + 1, 15)
    c.stdp_lut_acausal[:] = np.maximum(np.arange(16) - 1, 0)
    rows = np.concatenate([np.arange(192, 256), np.arange(448, 512)])
    t = np.sort(rng.integers(0, 32 * 600, 3000))
    events = list(zip(t.tolist(), [0] * t.size, rng.choice(rows, t.size).tolist()))
    return dict(name="mismatch_network", ideal=False, configs=[c],
                description="a recurrent chip with mismatch, STP and STDP, random input (regression pin)",
                events=events, n_cycles=600)


def run_case(case: dict) -> dict:
    fabric = None
    if "fabric" in case:
        f = case["fabric"]
        fabric = FabricSpec(n_chips=len(case["configs"]), **{k: np.array(v) for k, v in f.items()})
    board = Board(fabric, ideal=case["ideal"])
    routes = case.get("routes", np.zeros(0, dtype=ROUTE_DTYPE))
    image = build_image(case["configs"], routes)
    board.load(image)
    ev = np.array(case["events"], dtype=np.int64).reshape(-1, 3)
    order = np.lexsort((ev[:, 2], ev[:, 1], ev[:, 0]))
    ev = ev[order]
    result = board.run(case["n_cycles"], make_events(ev[:, 0], ev[:, 1], ev[:, 2]))
    out = result.output_events
    return {
        "description": case["description"],
        "ideal": case["ideal"],
        "image_base64": base64.b64encode(image).decode("ascii"),
        "fabric": case.get("fabric"),
        "events": ev.tolist(),
        "n_cycles": case["n_cycles"],
        "expected_output": np.stack([out["t"].astype(np.int64), out["chip"].astype(np.int64),
                                     out["addr"].astype(np.int64)], axis=1).tolist(),
        "expected_traces": result.traces.tolist(),
        "expected_dropped": {"input_bandwidth": result.dropped.input_bandwidth.tolist(),
                             "link_bandwidth": result.dropped.link_bandwidth.tolist()},
        "expected_weights_chip0_row": board.read_weights(0)[0, 192:200].tolist(),
    }


def main() -> None:
    for case in (case_psp(), case_firing(), case_stp(), case_route(), case_mismatch()):
        data = run_case(case)
        path = HERE / f"{case['name']}.json"
        path.write_text(json.dumps(data, separators=(",", ":")) + "\n")
        print(f"wrote {path.name}: {len(data['expected_output'])} output events")


if __name__ == "__main__":
    main()
