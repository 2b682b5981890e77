"""Which waiting files are complete: a file is taken only when two looks agree.

A writer that is still copying a file changes its size or mtime between looks; a file whose
(size, mtime, inode) stayed the same over at least ``settle`` seconds is taken as complete.
Polling with ``os.scandir`` (not inotify) because inbox folders usually live on SMB/NFS shares,
where inotify sees no changes made by other machines.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from berichten.inbox.layout import wanted

Signature = tuple[int, int, int]  # size, mtime_ns, inode


def look(folder: Path) -> dict[str, Signature]:
    """The wanted regular files directly in ``folder`` with their signature."""
    seen: dict[str, Signature] = {}
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return seen
    for entry in entries:
        if not wanted(entry.name):
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            st = entry.stat(follow_symlinks=False)
        except FileNotFoundError:  # taken by another worker between listing and stat
            continue
        seen[entry.name] = (st.st_size, st.st_mtime_ns, st.st_ino)
    return seen


class Settler:
    """Remembers signatures across looks; ``stable`` gives the names that stood still long enough."""

    def __init__(self, settle: float) -> None:
        self.settle = settle
        self._first: dict[str, tuple[Signature, float]] = {}

    def stable(self, folder: Path, now: float | None = None) -> list[str]:
        now = time.monotonic() if now is None else now
        current = look(folder)
        ready = []
        first: dict[str, tuple[Signature, float]] = {}
        for name, sig in current.items():
            previous = self._first.get(name)
            if previous is None or previous[0] != sig:
                first[name] = (sig, now)  # new or changed: the clock starts again
                continue
            first[name] = previous
            if now - previous[1] >= self.settle:
                ready.append(name)
        self._first = first  # forget names that disappeared
        return sorted(ready)

    def waiting(self) -> int:
        return len(self._first)
