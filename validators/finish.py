"""The end of ``validate`` and ``check``: the exit code without the interpreter's teardown.

When those commands have written their last line, everything they made (modules, schemas, tens of
thousands of verdicts and findings) would be freed one object at a time and the collector would
walk it all again: 20-40 ms per run, a tenth of a two-core ``--jobs 2`` run, for memory the
operating system takes back at once. So, as the real ``berichten`` program (not under click's test
runner or pytest's capture), the command flushes stdout and stderr and ends with ``os._exit``.

What that skips, and why nothing is lost: the ``atexit`` handlers (these commands register none
of their own; their pool, ``ForkMap``, has joined its workers before they finish, and a library's
``logging.shutdown`` has no handler to flush: a stray warning goes straight to stderr), the final
garbage collection and the freeing of objects. Callers end this way only after
their outputs are written and their pool, files and database connections are closed. If a flush
fails (a closed pipe), the usual ``sys.exit`` runs instead, with the usual error.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

from berichten.stop import ENTRY_POINTS


def finish(code: int) -> NoReturn:
    """Exit with ``code``; as the real program, after flushing stdout and stderr, without the teardown."""
    if _is_program():
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):  # a closed pipe or stream: report it the usual way
            sys.exit(code)
        os._exit(code)
    sys.exit(code)


def _is_program() -> bool:
    """This process is the ``berichten`` program writing to its own streams (not a test runner's)."""
    return (os.path.basename(sys.argv[0]) in ENTRY_POINTS
            and sys.stdout is sys.__stdout__ and sys.stderr is sys.__stderr__)
