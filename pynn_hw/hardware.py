"""The PyNN API on a board reached over its host link: ``import pynn_hw.hardware as sim``.

``setup(board="serial:///dev/ttyUSB0")`` (or ``usb://VID:PID[/SERIAL]``, or
``emu://BOARD`` for the virtual board in this process; without a URL:
``$PYNN_HW_BOARD_URL``) maps, calibrates, configures, runs and reads back
through the link (see ``docs/hardware_backend.md``). The board's description
is the board file named by ``board_file=`` (or by ``board=`` when the URL comes
from the environment), else the board the board names in its greeting.

Other options are those of the emulator backend (``allow_synapse_loss``,
``calibration``, ``rng_seed``, ``mapping_seed``, ``print_report``) plus
``link_options`` (a dict for :class:`firmware_io.protocol.link.Link`, e.g.
``{"silence_timeout": 1.0}``). The board is opened when the network is built
(the first ``run()``); a board that is not the one described is refused there
with ``BoardRefusedError``.
"""

from typing import Any

from pynn_hw.api import backend_namespace


def _make_backend(**options: Any):
    from pynn_hw.board_backend import BoardBackend
    from pynn_hw.board_backend.link_driver import LinkDriver, board_url, is_url, open_board
    from pynn_hw.errors import InvalidParameterValueError

    if options.get("mismatch"):
        raise InvalidParameterValueError("setup(mismatch=True) has no meaning on a real board: its chips "
                                         "have their own mismatch; valid: False")
    board = options.pop("board", None)
    description = options.pop("board_file", None)
    if description is None and board is not None and not is_url(board):
        description = board
    link_options = dict(options.pop("link_options", None) or {})
    client, spec = open_board(board_url(board), description, **link_options)
    try:
        return BoardBackend(driver_factory=lambda _spec, _options: LinkDriver(client), board=spec, **options)
    except BaseException:
        client.close()
        raise


_namespace = backend_namespace("hardware", _make_backend, __name__)
globals().update(_namespace)


def partial_spikes(error: Exception) -> dict[str, tuple[Any, Any]]:
    """The spikes a failed run had already sent back, by population label.

    Parameters
    ----------
    error
        A ``firmware_io.protocol.LinkError`` raised by ``run()`` (its ``partial``
        holds the output events decoded from what arrived).

    Returns
    -------
    dict
        ``{label: (local cell indices, times in ms)}`` of every population with
        spikes among them (recorded or not); empty if nothing arrived. These spikes
        are not part of the recordings: the run did not finish.
    """
    events = getattr(getattr(error, "partial", None), "events", None)
    backend = _namespace["session"].backend
    if events is None or backend is None:
        return {}
    return {backend.network.populations[p].label: spikes for p, spikes in backend.spikes_of_events(events).items()}
