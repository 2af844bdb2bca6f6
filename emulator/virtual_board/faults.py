"""Faults a virtual board injects into its byte streams, on request.

Bit flips, dropped and duplicated bytes act per byte with given
probabilities (vectorised, from a seeded generator, so a failing test can be
replayed); delays hold a reply back; a reset power-cycles the board and a
disconnect closes its end of the line, each once a given number of bytes has
been sent to the host (a count that lands inside a run's read-back makes the
fault happen mid-run).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np


@dataclass
class FaultSpec:
    """What to do to the bytes (all off by default).

    Attributes
    ----------
    flip, drop, duplicate : float
        Probability per byte of one flipped bit, of losing the byte, of sending it twice.
    direction : str
        ``"both"``, ``"to_board"`` or ``"to_host"``: where the per-byte faults act.
    delay : float
        Seconds by which a reply to the host is held back ...
    delay_rate : float
        ... with this probability per reply.
    reset_after, disconnect_after : int or None
        Power-cycle the board / close the line once this many bytes went to the host.
    seed : int
        Seed of the fault generator.
    """

    flip: float = 0.0
    drop: float = 0.0
    duplicate: float = 0.0
    direction: str = "both"
    delay: float = 0.0
    delay_rate: float = 1.0
    reset_after: int | None = None
    disconnect_after: int | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("flip", "drop", "duplicate", "delay_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"FaultSpec.{name}: {value!r} is invalid; valid: a probability in [0, 1]")
        if self.direction not in ("both", "to_board", "to_host"):
            raise ValueError(f"FaultSpec.direction: {self.direction!r} is invalid; "
                             "valid: 'both', 'to_board', 'to_host'")
        if self.delay < 0:
            raise ValueError(f"FaultSpec.delay: {self.delay!r} is invalid; valid: seconds >= 0")

    @classmethod
    def parse(cls, text: str | None) -> "FaultSpec":
        """From ``"flip=0.01,drop=0.001,disconnect_after=5000"`` (empty: no faults)."""
        spec = cls()
        types = {f.name: f.type for f in fields(cls)}
        for item in filter(None, (part.strip() for part in (text or "").split(","))):
            name, sep, value = item.partition("=")
            name = name.strip()
            if not sep or name not in types:
                raise ValueError(f"fault {item!r} is invalid; valid: name=value with name in "
                                 f"{', '.join(types)}")
            kind = types[name]
            setattr(spec, name, value.strip() if "str" in str(kind) else
                    (int(value) if "int" in str(kind) else float(value)))
        spec.__post_init__()
        return spec

    @property
    def any(self) -> bool:
        return bool(self.flip or self.drop or self.duplicate or self.delay or self.reset_after is not None
                    or self.disconnect_after is not None)


@dataclass
class FaultInjector:
    """Applies a :class:`FaultSpec` to the two byte streams and counts what it did."""

    spec: FaultSpec = field(default_factory=FaultSpec)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("flipped", "dropped", "duplicated", "delayed", "to_host_bytes"), 0))

    def __post_init__(self) -> None:
        self.rng = np.random.default_rng(self.spec.seed)
        self.reset_done = False
        self.disconnected = False

    def to_board(self, data: bytes) -> bytes:
        """Bytes from the host as the board receives them."""
        return self._mangle(data) if self.spec.direction in ("both", "to_board") else data

    def to_host(self, data: bytes) -> bytes:
        """Bytes from the board as the host receives them (after a disconnect: none)."""
        if self.disconnected:
            return b""
        limit = self.spec.disconnect_after
        sent = self.counts["to_host_bytes"]
        if limit is not None and sent + len(data) >= limit:
            data = data[:max(0, limit - sent)]
            self.disconnected = True
        self.counts["to_host_bytes"] += len(data)
        return self._mangle(data) if self.spec.direction in ("both", "to_host") else data

    def reset_due(self) -> bool:
        """True once, when the bytes sent to the host reach ``reset_after``."""
        limit = self.spec.reset_after
        if limit is None or self.reset_done or self.counts["to_host_bytes"] < limit:
            return False
        self.reset_done = True
        return True

    def reply_delay(self) -> float:
        """Seconds to hold the next reply back."""
        if self.spec.delay and self.rng.random() < self.spec.delay_rate:
            self.counts["delayed"] += 1
            return self.spec.delay
        return 0.0

    def _mangle(self, data: bytes) -> bytes:
        s = self.spec
        if not data or not (s.flip or s.drop or s.duplicate):
            return data
        b = np.frombuffer(data, dtype=np.uint8).copy()
        if s.flip:
            hit = np.flatnonzero(self.rng.random(b.size) < s.flip)
            b[hit] ^= (np.uint8(1) << self.rng.integers(0, 8, hit.size).astype(np.uint8))
            self.counts["flipped"] += hit.size
        if s.drop or s.duplicate:
            copies = np.ones(b.size, dtype=np.int64)
            if s.drop:
                copies[self.rng.random(b.size) < s.drop] = 0
            if s.duplicate:
                copies[(self.rng.random(b.size) < s.duplicate) & (copies > 0)] = 2
            self.counts["dropped"] += int(np.count_nonzero(copies == 0))
            self.counts["duplicated"] += int(np.count_nonzero(copies == 2))
            b = np.repeat(b, copies)
        return b.tobytes()
