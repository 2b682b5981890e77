"""The inbox worker: a folder where a backoffice drops messages, each processed exactly once.

Public API: ``Worker`` and ``WorkerOptions`` (the loop), ``Layout`` (the folder layout). The
command is ``berichten inbox DIR`` (``inbox.commands.inbox``) or ``python -m inbox DIR``.
"""

from inbox.layout import Layout
from inbox.worker import Worker, WorkerOptions

__all__ = ["Layout", "Worker", "WorkerOptions"]
