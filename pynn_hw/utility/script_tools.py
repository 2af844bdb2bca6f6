"""Helpers for simulation scripts: choosing the backend on the command line,
reading script arguments, logging set-up and result file names."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from datetime import datetime
from types import ModuleType
from typing import Any

#: Backend modules a script may name (``python script.py nest``).
SIMULATORS = ("emulator", "hardware", "nest", "brian2", "neuron")

LOG_FORMAT = ("%(asctime)s %(levelname)-8s [%(name)s] %(message)s "
              "(%(pathname)s[%(lineno)d]:%(funcName)s)")


def get_simulator(*arguments: tuple[Any, ...]) -> tuple[ModuleType, argparse.Namespace]:
    """Import the backend named by the first command-line argument.

    Parameters
    ----------
    *arguments
        Further command-line arguments of the script, each a tuple
        ``(name, help_text)`` or ``(name, help_text, kwargs)`` where ``kwargs`` is a
        dict of extra :meth:`argparse.ArgumentParser.add_argument` arguments
        (``{'type': int, 'default': 3}``). Names starting with ``-`` are options.

    Returns
    -------
    tuple
        The backend module (``pynn_hw.<simulator>``) and the parsed arguments
        (``args.simulator`` holds the name).

    Notes
    -----
    ``sys.argv`` is parsed with :mod:`argparse`: a missing or unknown simulator name
    prints the usage and exits with status 2. Errors raised while the backend
    module itself imports (a simulator that is not installed) propagate.
    """
    parser = argparse.ArgumentParser()
    parser.add_argument("simulator",
                        help=f"the backend to run on: {', '.join(SIMULATORS)}")
    for argument in arguments:
        if len(argument) not in (2, 3):
            raise ValueError(f"get_simulator: each argument must be (name, help) or "
                             f"(name, help, kwargs), got {argument!r}")
        name, help_text = argument[0], argument[1]
        extra = dict(argument[2]) if len(argument) == 3 else {}
        parser.add_argument(name, help=help_text, **extra)
    args = parser.parse_args()
    module_name = f"pynn_hw.{args.simulator}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        parser.error(f"unknown simulator {args.simulator!r}; "
                     f"choose one of: {', '.join(SIMULATORS)}")
    return module, args


def get_script_args(n_args: int, usage: str = "") -> list[str]:
    """The first ``n_args`` command-line arguments after the script's name.

    The script is located in ``sys.argv`` by the ``__file__`` of the calling module
    (so that launchers such as ``mpirun`` or ``nrniv -python`` that add their own
    arguments in front are skipped); if it is not found, everything after
    ``sys.argv[0]`` counts.

    Raises
    ------
    ValueError
        If fewer than ``n_args`` arguments were given; the message is ``usage`` if
        given, else says how many were needed.
    """
    caller = sys._getframe(1).f_globals.get("__file__")
    script_index = 0
    if caller:
        for candidate in (caller, os.path.abspath(caller)):
            if candidate in sys.argv:
                script_index = sys.argv.index(candidate)
                break
    args = sys.argv[script_index + 1:script_index + 1 + n_args]
    if len(args) != n_args:
        raise ValueError(usage or f"the script needs {n_args} arguments, "
                                  f"{len(args)} were given")
    return args


def init_logging(logfile: str | None, debug: bool = False, num_processes: int = 1,
                 rank: int = 0, level: int | None = None) -> logging.Logger:
    """Configure the root logger to write to ``logfile`` (``None``: stderr).

    Parameters
    ----------
    logfile
        File to write (overwritten); with several MPI processes, ``.<rank>`` is
        appended so that each process writes its own file.
    debug
        Log DEBUG messages (default INFO).
    num_processes, rank
        MPI process count and rank; with more than one process each message is
        prefixed with ``Rank <rank> of <num_processes>: ``.
    level
        An explicit logging level, overriding ``debug``.

    Returns
    -------
    logging.Logger
        The ``pynn_hw`` logger.

    Notes
    -----
    Earlier handlers of the root logger are replaced (``logging.basicConfig`` with
    ``force=True``), so calling this twice switches to the new file.
    """
    if logfile:
        if num_processes > 1:
            logfile = f"{logfile}.{rank}"
        logfile = os.path.abspath(logfile)
    prefix = f"Rank {rank} of {num_processes}: " if num_processes > 1 else ""
    log_level = level if level else (logging.DEBUG if debug else logging.INFO)
    logging.basicConfig(level=log_level, format=prefix + LOG_FORMAT, filename=logfile,
                        filemode="w", force=True)
    return logging.getLogger("pynn_hw")


def normalized_filename(root: str, basename: str, extension: str, simulator: str,
                        num_processes: int | None = None,
                        use_iso8601: bool = False) -> str:
    """A result file path that records the simulator, process count and time.

    The path is ``<root>/<date>/<basename>_<simulator>[_np<N>]_<date-time>.<extension>``
    with the current local time: date ``YYYYMMDD`` and date-time
    ``YYYYMMDD-HHMMSS``, or with ``use_iso8601`` ``YYYY-MM-DD`` and
    ``YYYY-MM-DDTHH:MM:SS``. ``_np<N>`` appears only when ``num_processes`` is given
    (and not 0). The folder is not created.
    """
    now = datetime.now()
    if use_iso8601:
        date, date_time = now.strftime("%Y-%m-%d"), now.strftime("%Y-%m-%dT%H:%M:%S")
    else:
        date, date_time = now.strftime("%Y%m%d"), now.strftime("%Y%m%d-%H%M%S")
    processes = f"_np{num_processes}" if num_processes else ""
    return os.path.join(root, date,
                        f"{basename}_{simulator}{processes}_{date_time}.{extension}")
