"""The inbox worker: a folder where a backoffice drops messages, each processed exactly once.

Public API: ``Worker`` and ``WorkerOptions`` (the loop), ``Layout`` (the folder layout). The
command is ``berichten inbox DIR`` (``inbox.commands.inbox``) or ``python -m inbox DIR``.

The names load on first use (PEP 562): ``python -m inbox`` imports this package before
``__main__`` runs, and ``__main__`` must set up the signals before the heavy imports.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {"Layout": "berichten.inbox.layout", "Worker": "berichten.inbox.worker", "WorkerOptions": "berichten.inbox.worker"}

__all__ = ["Layout", "Worker", "WorkerOptions"]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'inbox' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
