"""The backend's NMODL mechanisms: compiled once per machine, loaded once per process.

The ``.mod`` files in ``mod/`` are compiled with ``nrnivmodl`` (from the NEURON
installation in use) into a cache folder named after a hash of the sources and the
NEURON version, by default ``~/.cache/pynn_hw/neuron/<hash>/`` (``$XDG_CACHE_HOME``
and ``$PYNN_HW_CACHE`` move it; a temporary folder is used if it cannot be written). Several processes may ask at once (pytest workers,
MPI ranks): one of them compiles, under a file lock, into a temporary folder that is
renamed into place when complete, and the others wait for it.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

MOD_DIR = Path(__file__).resolve().parent / "mod"

#: Stem of the compiled library inside a nrnivmodl build folder.
_LIBRARY = "libnrnmech"

_loaded: list[Path] = []


class MechanismBuildError(RuntimeError):
    """The NMODL mechanisms could not be compiled."""


def cache_root() -> Path:
    """The folder that holds one compiled build per source hash."""
    explicit = os.environ.get("PYNN_HW_CACHE")
    if explicit:
        return Path(explicit) / "neuron"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pynn_hw" / "neuron"


def source_hash(neuron_version: str) -> str:
    """Hash of the ``.mod`` sources (names and contents) and the NEURON version."""
    digest = hashlib.sha256(neuron_version.encode())
    for path in sorted(MOD_DIR.glob("*.mod")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _nrnivmodl() -> str:
    """The ``nrnivmodl`` next to this Python, or on the PATH."""
    beside = Path(sys.executable).parent / "nrnivmodl"
    if beside.is_file():
        return str(beside)
    found = shutil.which("nrnivmodl")
    if found is None:
        raise MechanismBuildError(
            "nrnivmodl was not found next to the Python interpreter "
            f"({Path(sys.executable).parent}) nor on the PATH; install NEURON with "
            "'pip install neuron' in this environment")
    return found


def _check_compiler() -> None:
    names = [os.environ.get("CXX"), "c++", "g++", "clang++"]
    if not any(name and shutil.which(name) for name in names):
        raise MechanismBuildError(
            "no C++ compiler was found (looked for $CXX, c++, g++, clang++): NEURON needs "
            "one to compile the backend's NMODL mechanisms once. Install one, e.g. "
            "'apt-get install g++ make' on Debian/Ubuntu, 'dnf install gcc-c++ make' on "
            "Fedora, or the Xcode command line tools on macOS")
    if shutil.which("make") is None:
        raise MechanismBuildError(
            "'make' was not found: nrnivmodl needs it to compile the backend's NMODL "
            "mechanisms. Install it, e.g. 'apt-get install make'")


def _find_library(folder: Path) -> Path | None:
    # <arch>/libnrnmech.so on Linux, <arch>/.libs/libnrnmech.so or .dylib elsewhere
    hits = [path for pattern in (f"*/{_LIBRARY}.*", f"*/{_LIBRARY}", f"*/.libs/{_LIBRARY}*")
            for path in sorted(folder.glob(pattern))]
    return hits[0] if hits else None


def _compile_into(target: Path) -> None:
    """Compile the sources into ``target`` (which must not exist yet)."""
    _check_compiler()
    work = Path(tempfile.mkdtemp(prefix=".build-", dir=target.parent))
    try:
        for path in MOD_DIR.glob("*.mod"):
            shutil.copy2(path, work / path.name)
        done = subprocess.run([_nrnivmodl(), "."], cwd=work, capture_output=True, text=True)
        if done.returncode != 0 or _find_library(work) is None:
            raise MechanismBuildError(
                f"nrnivmodl failed (exit {done.returncode}) in {work}:\n"
                f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        os.replace(work, target)    # atomic: a build is either complete or absent
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def _writable_root() -> Path:
    """:func:`cache_root`, or a per-user folder in the temporary directory when the
    home folder cannot be written (read-only homes on clusters and CI runners)."""
    root = cache_root()
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=root)
        probe.close()
        return root
    except OSError:
        fallback = Path(tempfile.gettempdir()) / f"pynn_hw-{os.getuid()}" / "neuron"
        fallback.mkdir(parents=True, exist_ok=True)
        return fallback


def compiled_library(neuron_version: str) -> Path:
    """Path of the compiled mechanism library, compiling it first if needed."""
    root = _writable_root()
    target = root / source_hash(neuron_version)
    library = _find_library(target)
    if library is not None:
        return library
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)     # waits while another process compiles
        try:
            library = _find_library(target)
            if library is None:
                _compile_into(target)
                library = _find_library(target)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    if library is None:
        raise MechanismBuildError(f"no {_LIBRARY} in {target} after compiling")
    return library


def load() -> None:
    """Make the backend's mechanisms available in this process (idempotent)."""
    if _loaded:
        return
    import neuron
    from neuron import h
    if hasattr(h, "PynnHwLifExp"):      # loaded by other means (e.g. nrnivmodl in cwd)
        _loaded.append(Path("."))
        return
    library = compiled_library(neuron.__version__)
    h.nrn_load_dll(str(library))
    _loaded.append(library)
