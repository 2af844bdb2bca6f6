"""The calibrated parameters: which circuits each has and in which units."""

from __future__ import annotations

from typing import NamedTuple

from firmware_io.constants import NEURONS_PER_CHIP, PARAM_GROUPS_PER_CHIP, ROWS_PER_CHIP


class ParameterSpec(NamedTuple):
    """Circuits (``neuron``, ``group`` or ``row``), their number, unit and what the value means."""

    circuits: str
    n: int
    unit: str
    meaning: str


#: Every calibrated parameter of a chip, in file order.
PARAMETERS: dict[str, ParameterSpec] = {
    "tau_m": ParameterSpec("neuron", NEURONS_PER_CHIP, "ms", "membrane time constant (cm / g_leak) -> g_leak code"),
    "tau_refrac": ParameterSpec("neuron", NEURONS_PER_CHIP, "ms", "refractory period -> tau_refrac code"),
    "v_rest": ParameterSpec("group", PARAM_GROUPS_PER_CHIP, "mV", "resting potential -> v_rest group code"),
    "v_reset": ParameterSpec("group", PARAM_GROUPS_PER_CHIP, "mV", "reset potential -> v_reset group code"),
    "v_thresh": ParameterSpec("group", PARAM_GROUPS_PER_CHIP, "mV", "threshold -> v_thresh group code"),
    "e_rev_I": ParameterSpec("group", PARAM_GROUPS_PER_CHIP, "mV",
                             "inhibitory reversal potential -> e_rev_I group code"),
    "w_exc": ParameterSpec("row", ROWS_PER_CHIP, "uS",
                           "conductance per weight LSB of an excitatory row -> row_strength code"),
    "w_inh": ParameterSpec("row", ROWS_PER_CHIP, "uS",
                           "conductance per weight LSB of an inhibitory row -> row_strength code"),
}

#: Group voltages (shared by the neurons of one parameter group).
VOLTAGES = ("v_rest", "v_reset", "v_thresh", "e_rev_I")
