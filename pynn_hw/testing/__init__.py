"""Test your experiment code against an emulated board: a pytest plugin.

Installed with pynn-hw (entry point ``pytest11``), the plugin gives these fixtures:

``virtual_board``
    A virtual board (the emulator behind the host-link protocol) served for one
    test behind a pseudo-terminal (reached through pyserial) or a pyusb backend
    object (reached through pyusb), with optional fault injection; a
    :class:`VirtualBoard` handle with ``.url``. ``PYNN_HW_BOARD_URL`` is set to
    that URL during the test, so code that reads it connects to the virtual
    board exactly as it would to a real one.
``virtual_board_factory``
    ``factory(board="single_chip", transport="pty", faults=None)`` for tests
    that need several boards or other options; all are stopped at teardown.
``board_url``
    The URL of ``virtual_board``.

Choose per test with ``@pytest.mark.virtual_board(board=..., transport="usb",
faults="flip=0.01")``, or for a whole run with ``--virtual-board=NAME``,
``--virtual-board-transport=pty|usb`` and ``--virtual-board-faults=SPEC``.

Example::

    import numpy as np
    from firmware_io.protocol import BoardClient

    def test_my_experiment(board_url):
        with BoardClient.open(board_url) as board:
            board.load(my_configs())
            result = board.run(1000)
        assert result.output_events.size > 0
"""

from .plugin import BOARD_URL_ENV, VirtualBoard, start_virtual_board

__all__ = ["VirtualBoard", "start_virtual_board", "BOARD_URL_ENV"]
