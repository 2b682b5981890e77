"""Stop requests (SIGTERM, SIGINT) for the long-running commands, recorded from their first moment.

``cli.py`` and ``python -m inbox`` call ``install_for(sys.argv)`` before any heavy import (click,
SQLAlchemy, lxml take about 1.5 s): from then on a signal only records the request, and the command
picks it up at its next safe point (between two files, batches or regions) and exits 0. Without
this, a supervisor's SIGTERM during start-up killed the process with the default action.

The first lines of ``cli.py`` block both signals, so one that comes while this module loads waits
(pending) instead of killing the process; ``install()`` unblocks them and it is delivered to the
handler. The same holds for a supervisor that starts ``berichten`` with them blocked (the mask is
inherited through exec): then not even the interpreter's own start-up is a window.

This module must stay cheap to import: only the standard library, nothing at import time.
"""

from __future__ import annotations

import atexit
import os
import signal
from collections.abc import Callable, Iterable, Sequence

SIGNALS = (signal.SIGTERM, signal.SIGINT)
# Commands that run for a long time and stop at safe points; everything else keeps the defaults.
LONG_RUNNING = {"inbox": None, "import": None, "report": "--nachtelijk"}
ENTRY_POINTS = {"berichten", "cli.py"}  # the console script, or `python cli.py`

_requested: list[int] = []
_listeners: list[Callable[[int], None]] = []


class StopRequested(BaseException):
    """Raised by ``check()`` at a safe point; a BaseException so ``except Exception`` lets it pass."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _record(signum: int, _frame) -> None:
    _requested.append(signum)
    for listener in list(_listeners):
        listener(signum)


def install() -> None:
    """Record SIGTERM/SIGINT from now on (main thread only) and unblock them."""
    for sig in SIGNALS:
        signal.signal(sig, _record)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)
    atexit.register(_hold)


def _hold() -> None:
    # At exit the interpreter puts the default handlers back; a stop that comes in those last
    # milliseconds would turn a finished run's exit 0 into death by the signal. Blocked, it is
    # simply dropped with the process.
    signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)


def wanted(argv: Sequence[str]) -> bool:
    """Whether ``argv`` (as in ``sys.argv``) starts a long-running command of the ``berichten`` program."""
    if not argv or os.path.basename(argv[0]) not in ENTRY_POINTS or len(argv) < 2:
        return False
    if argv[1] not in LONG_RUNNING:
        return False
    flag = LONG_RUNNING[argv[1]]
    return flag is None or flag in argv[2:]


def install_for(argv: Sequence[str], previous_mask: Iterable[int] | None = None) -> bool:
    """``install()`` when ``argv`` starts a long-running command; other commands keep the default signals.

    ``previous_mask``: the signal mask from before the caller blocked SIGTERM/SIGINT; other commands
    get it back (a signal that came meanwhile then acts as it always did).
    """
    if wanted(argv):
        install()
        return True
    if previous_mask is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous_mask)
    return False


def requested() -> int | None:
    """The first signal received, or None."""
    return _requested[0] if _requested else None


def on_stop(listener: Callable[[int], None]) -> None:
    """Call ``listener(signum)`` on a stop request; at once when one came already (during start-up)."""
    _listeners.append(listener)
    if _requested:
        listener(_requested[0])


def check() -> None:
    """Raise ``StopRequested`` when a stop was requested; call it only where stopping is safe."""
    if _requested:
        raise StopRequested(_requested[0])


def reset() -> None:
    """Forget requests and listeners (for tests that run commands in one process)."""
    _requested.clear()
    _listeners.clear()
