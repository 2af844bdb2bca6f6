"""Choosing a Neo IO from a file name, and writing Blocks without losing old files.

Formats by extension:

=================  ============  ======================
extension          Neo IO        extra package needed
=================  ============  ======================
``.pkl .pickle``   PickleIO      --
``.nix .h5``       NixIO         ``nixio``
``.nwb``           NWBIO         ``pynwb``
``.mat``           NeoMatlabIO   ``scipy``
=================  ============  ======================

The text formats of old PyNN versions (``.txt .ras .v .gsyn``) are refused, as in
PyNN; :mod:`pynn_hw.recording.text` writes them for the deprecated API only.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import neo
import neo.io


@dataclass(frozen=True)
class _Format:
    io_name: str
    package: str | None
    #: constructor arguments for writing a fresh file
    write_kwargs: dict[str, Any] = field(default_factory=dict)
    #: constructor arguments for :func:`get_io` (must not destroy an existing file)
    open_kwargs: dict[str, Any] = field(default_factory=dict)
    #: whether ``write_block`` replaces the whole file (else: adds to it)
    overwrites: bool = True


_PICKLE = _Format("PickleIO", None)
_NIX = _Format("NixIO", "nixio", {"mode": "ow"}, {"mode": "rw"}, overwrites=False)
_NWB = _Format("NWBIO", "pynwb", {"mode": "w"}, {"mode": "w"})
_MATLAB = _Format("NeoMatlabIO", "scipy")

FORMATS: dict[str, _Format] = {
    ".pkl": _PICKLE, ".pickle": _PICKLE,
    ".nix": _NIX, ".h5": _NIX,
    ".nwb": _NWB,
    ".mat": _MATLAB,
}

#: Extensions of the old text formats, refused for Neo output.
TEXT_EXTENSIONS = (".txt", ".ras", ".v", ".gsyn")


def _format_of(filename: str | os.PathLike) -> _Format:
    extension = Path(filename).suffix.lower()
    valid = ", ".join(FORMATS)
    if extension in TEXT_EXTENSIONS:
        raise IOError(f"{os.fspath(filename)!r}: the text format {extension!r} is not "
                      f"supported for Neo output; use one of: {valid}")
    if extension not in FORMATS:
        raise IOError(f"{os.fspath(filename)!r}: unknown file extension "
                      f"{extension or '(none)'!r}; valid extensions are: {valid}")
    fmt = FORMATS[extension]
    if fmt.package is not None and importlib.util.find_spec(fmt.package) is None:
        raise ImportError(f"writing {extension} files ({fmt.io_name}) needs the "
                          f"{fmt.package!r} package: pip install {fmt.package}")
    return fmt


def get_io(filename: str | os.PathLike) -> neo.io.baseio.BaseIO:
    """Return a Neo IO for ``filename``, chosen by its extension.

    The parent folder is created if needed. Opening never destroys an existing file
    (a NixIO is opened read-write; its ``write_block`` adds a Block to the file).

    Raises
    ------
    IOError
        For the text extensions ``.txt .ras .v .gsyn`` and unknown extensions; the
        message lists the valid ones.
    ImportError
        If the format needs a package that is not installed (named in the message).
    """
    fmt = _format_of(filename)
    Path(filename).parent.mkdir(parents=True, exist_ok=True)
    return getattr(neo.io, fmt.io_name)(os.fspath(filename), **fmt.open_kwargs)


def _close(io: Any) -> None:
    close = getattr(io, "close", None)
    if callable(close):
        close()


@contextmanager
def replacing(filename: str | os.PathLike) -> Iterator[str]:
    """Yield a temporary path; on success, move it over ``filename`` in one step.

    The temporary file lives in a private folder next to the target (same file
    system, so :func:`os.replace` is atomic) and is created by the writer from
    scratch. If the body raises, the target is left as it was.
    """
    target = Path(filename)
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        temporary = os.path.join(scratch, target.name)
        yield temporary
        os.replace(temporary, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _write_atomically(block: neo.Block, filename: str, fmt: _Format) -> None:
    with replacing(filename) as temporary:
        io = getattr(neo.io, fmt.io_name)(temporary, **fmt.write_kwargs)
        try:
            io.write_block(block)
        finally:
            _close(io)


def write_block(block: neo.Block, io_or_filename: Any) -> None:
    """Write ``block`` to a file name or a Neo IO.

    With a file name, or an IO whose ``write_block`` replaces its whole file
    (PickleIO, NeoMatlabIO, NWBIO), the Block is first written to a temporary file in
    the same folder, which then replaces the target in one step: if writing fails,
    a previous file of that name is left untouched and ``block`` is not changed.
    A NixIO given as an object adds the Block to its open file (Neo's behaviour);
    other IO objects are used as they are.

    Raises
    ------
    IOError, ImportError
        As :func:`get_io`, for an unusable file name.
    """
    if isinstance(io_or_filename, (str, os.PathLike)):
        filename = os.fspath(io_or_filename)
        _write_atomically(block, filename, _format_of(filename))
        return
    io = io_or_filename
    known = {f.io_name: f for f in FORMATS.values()}.get(type(io).__name__)
    filename = getattr(io, "filename", None)
    if known is not None and known.overwrites and filename \
            and type(io) is getattr(neo.io, known.io_name):
        _write_atomically(block, os.fspath(filename), known)
    else:
        io.write_block(block)
