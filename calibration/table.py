"""``CalibrationTable``: the calibration of one chip, and its versioned JSON file format.

File format (``docs/calibration.md``), UTF-8 JSON, one object::

    {"format": "pynn-hw-calibration", "version": 1,
     "serial": <int>, "created": "<ISO 8601 UTC>", "board": <str|null>, "chip_id": <int|null>,
     "parameters": {<name>: {"kind": ..., "domain": [lo, hi], "coefficients": [[...], ...],
                             ["points": [[...]]], "unit": ..., "circuits": ...}, ...},
     "neuron_weight_gain": {"exc": [384 floats], "inh": [384 floats]},
     "spread": {...} (information only),
     "checksum": "sha256:<hex>"}

The checksum is the SHA-256 of the canonical JSON (sorted keys, no spaces, no
NaN) of the object without its ``checksum`` member. No pickle: the file is
data only.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

from firmware_io.constants import NEURONS_PER_CHIP, SERIAL_MAX
from pynn_hw.errors import InvalidParameterValueError

from .errors import CalibrationFileError
from .parameters import PARAMETERS
from .transforms import Transform, clip_codes

FORMAT = "pynn-hw-calibration"
VERSION = 1
_TOP_KEYS = {"format", "version", "serial", "created", "board", "chip_id", "parameters", "neuron_weight_gain",
             "spread", "checksum"}


@dataclass(frozen=True, eq=False)
class CalibrationTable:
    """Transforms of every calibrated parameter of one chip.

    Parameters
    ----------
    serial : int
        The chip's 32-bit serial: a table is only valid for that chip.
    transforms : dict
        One :class:`~calibration.transforms.Transform` per name of
        :data:`calibration.parameters.PARAMETERS`.
    neuron_weight_gain : dict
        ``{"exc": (384,), "inh": (384,)}``: each neuron's synaptic efficacy
        relative to its block's mean (measured; a chip has no per-neuron
        weight scale, so the mapping may only use it when quantising weights).
    board, chip_id, created, spread
        Where the table was measured and the spreads seen then (information).
    """

    serial: int
    transforms: dict[str, Transform]
    neuron_weight_gain: dict[str, np.ndarray]
    board: str | None = None
    chip_id: int | None = None
    created: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))
    spread: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.serial, int) or not 0 <= self.serial <= SERIAL_MAX:
            raise CalibrationFileError(f"serial {self.serial!r} is invalid; valid: an integer 0..{SERIAL_MAX}")
        if set(self.transforms) != set(PARAMETERS):
            raise CalibrationFileError(f"parameters {sorted(self.transforms)} are not the calibrated set "
                                       f"{sorted(PARAMETERS)}")
        for name, spec in PARAMETERS.items():
            if self.transforms[name].n_circuits != spec.n:
                raise CalibrationFileError(f"parameter {name} has {self.transforms[name].n_circuits} circuits; "
                                           f"a chip has {spec.n} ({spec.circuits})")
        if set(self.neuron_weight_gain) != {"exc", "inh"}:
            raise CalibrationFileError("neuron_weight_gain needs exactly the entries 'exc' and 'inh'")
        for key, g in self.neuron_weight_gain.items():
            arr = np.asarray(g, dtype=np.float64)
            if arr.shape != (NEURONS_PER_CHIP,) or not (np.isfinite(arr).all() and (arr > 0).all()):
                raise CalibrationFileError(f"neuron_weight_gain[{key!r}] must be {NEURONS_PER_CHIP} positive "
                                           f"finite numbers")
            self.neuron_weight_gain[key] = arr

    # ----------------------------------------------------------- translation
    def domain(self, name: str) -> tuple[float, float]:
        """Valid range of biological values of parameter ``name``."""
        return self.transforms[name].domain

    def to_codes(self, name: str, values: ArrayLike, circuits: ArrayLike | None = None) -> np.ndarray:
        """Integer codes (uint16) realising ``values`` on ``circuits`` of this chip.

        Raises
        ------
        InvalidParameterValueError
            If a value lies outside the calibrated domain; the message names the
            parameter, the value, the chip and the allowed range.
        """
        tr = self.transforms[name]
        v = np.asarray(values, dtype=np.float64)
        lo, hi = tr.domain
        bad = ~((v >= lo) & (v <= hi))
        if np.any(bad):
            x = float(np.broadcast_to(v, bad.shape)[bad].ravel()[0])
            unit = PARAMETERS[name].unit
            raise InvalidParameterValueError(
                f"{name} = {x:g} {unit} is outside the calibrated range of chip 0x{self.serial:08X}; "
                f"allowed: {lo:.6g}..{hi:.6g} {unit}")
        return clip_codes(tr.codes(v, circuits))

    # ------------------------------------------------------------ file format
    def to_json_dict(self) -> dict:
        """The file's JSON object, checksum included."""
        body = {
            "format": FORMAT, "version": VERSION, "serial": self.serial, "created": self.created,
            "board": self.board, "chip_id": self.chip_id,
            "parameters": {name: {**self.transforms[name].to_dict(), "unit": spec.unit, "circuits": spec.circuits}
                           for name, spec in PARAMETERS.items()},
            "neuron_weight_gain": {k: v.tolist() for k, v in self.neuron_weight_gain.items()},
            "spread": self.spread,
        }
        return {**body, "checksum": checksum(body)}

    @classmethod
    def from_json_dict(cls, data: object, expect_serial: int | None = None,
                       source: str = "<data>") -> "CalibrationTable":
        """Check and build a table from a decoded file object (see the module docstring).

        Raises
        ------
        CalibrationFileError
            Wrong format or version, checksum mismatch, another chip's serial,
            or any missing, extra or malformed content.
        """
        def fail(what: str) -> CalibrationFileError:
            return CalibrationFileError(f"calibration file {source}: {what}")

        if not isinstance(data, dict):
            raise fail("is not a JSON object")
        if data.get("format") != FORMAT:
            raise fail(f"format {data.get('format')!r} is not {FORMAT!r}")
        if data.get("version") != VERSION:
            raise fail(f"version {data.get('version')!r} is not supported; this pynn-hw reads version {VERSION}")
        extra = set(data) - _TOP_KEYS
        missing = _TOP_KEYS - set(data)
        if extra or missing:
            raise fail(f"unexpected keys {sorted(extra)} / missing keys {sorted(missing)}")
        body = {k: v for k, v in data.items() if k != "checksum"}
        try:
            expected = checksum(body)
        except ValueError as err:
            raise fail(f"holds non-finite numbers ({err})") from err
        if data["checksum"] != expected:
            raise fail(f"checksum mismatch (file says {str(data['checksum'])[:20]}..., content gives "
                       f"{expected[:20]}...): the file is corrupted or was edited")
        serial = data["serial"]
        if expect_serial is not None and serial != int(expect_serial):
            raise fail(f"is the table of chip 0x{int(serial):08X}, not of chip 0x{int(expect_serial):08X}")
        params = data["parameters"]
        if not isinstance(params, dict) or set(params) != set(PARAMETERS):
            raise fail(f"parameters {sorted(params) if isinstance(params, dict) else params!r} are not the "
                       f"calibrated set {sorted(PARAMETERS)}")
        for name, spec in PARAMETERS.items():
            entry = params[name]
            if not isinstance(entry, dict) or entry.get("unit") != spec.unit or entry.get("circuits") != spec.circuits:
                raise fail(f"parameter {name} must have unit {spec.unit!r} and circuits {spec.circuits!r}")
        try:
            transforms = {name: Transform.from_dict(params[name]) for name in PARAMETERS}
            gains = {k: np.asarray(v, dtype=np.float64) for k, v in dict(data["neuron_weight_gain"]).items()}
            return cls(serial=serial, transforms=transforms, neuron_weight_gain=gains, board=data["board"],
                       chip_id=data["chip_id"], created=str(data["created"]), spread=dict(data["spread"] or {}))
        except CalibrationFileError as err:
            raise fail(str(err)) from err
        except (TypeError, ValueError) as err:
            raise fail(f"malformed content ({err})") from err

    def write(self, path: str | os.PathLike) -> Path:
        """Write the table to ``path`` atomically; return the path.

        The text goes to a temporary file in the same folder, is flushed to disk
        and then renamed over ``path``: a crash at any point leaves either the
        old file or the new one, never a mixture.
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self.to_json_dict(), indent=1, allow_nan=False) + "\n"
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise
        return path

    @classmethod
    def read(cls, path: str | os.PathLike, expect_serial: int | None = None) -> "CalibrationTable":
        """Read and check a table file (see :meth:`from_json_dict`).

        Raises
        ------
        CalibrationFileError
            If the file cannot be read or decoded, or fails any check.
        """
        path = Path(path)
        try:
            raw = path.read_bytes()
            data = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValueError) as err:
            raise CalibrationFileError(f"calibration file {path}: cannot be read as JSON ({err}); it is "
                                       "truncated or corrupted: recalibrate with `pynn-hw calibrate`") from err
        return cls.from_json_dict(data, expect_serial=expect_serial, source=str(path))


def checksum(body: dict) -> str:
    """``"sha256:<hex>"`` of the canonical JSON of ``body``."""
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _refuse_constant(name: str) -> float:
    raise ValueError(f"non-finite number {name}")

