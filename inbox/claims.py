"""Ownership of files: a worker's claim folder, claiming by atomic rename, adopting dead workers' claims.

Each running worker has ``DIR/.bezig/<host>/<pid>-<random>/`` with a ``.lock`` file it holds with
``fcntl.flock`` for its whole life. The kernel drops that lock when the process dies, also on
``kill -9``, so another worker that can take the lock knows the owner is gone and adopts the
folder's files. A claimed file is named ``<token>__<original name>``: the token is unique per
claim and is written into the reports, so a restart can tell its own half-written reports from a
same-named file of someone else.

flock is reliable between processes on one host. Across hosts on a network share it is not
(NFS/SMB lock semantics vary), so a worker only ever adopts folders of its own host: each host has
its own claim root ``.bezig/<host>/`` and hosts share nothing but the atomic rename of the claim.
"""

from __future__ import annotations

import fcntl
import logging
import os
import secrets
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from berichten.inbox.layout import Layout

log = logging.getLogger("inbox")
LOCK_NAME = ".lock"
SEPARATOR = "__"
STAGING_GRACE_S = 60


def host_name(given: str | None = None) -> str:
    """The host part of the claim folders, safe as a folder name."""
    host = given or socket.gethostname()
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in host)[:64].strip(".") or "host"


def claim_name(original: str) -> str:
    return f"{secrets.token_hex(6)}{SEPARATOR}{original}"


def parse_claim(name: str) -> tuple[str, int | None, str]:
    """``<token>[.<n>]__<original>`` -> (token, n, original).

    ``n`` is the number of the final name this claim reserved (1: ``x.xml``, 2: ``x.2.xml``, ...);
    it is written into the claim's name before the reservation, so a redo looks there first.
    """
    head, _, original = name.partition(SEPARATOR)
    token, _, n = head.partition(".")
    return token, int(n) if n.isdigit() else None, original


def with_slot(claim: Path, n: int) -> Path:
    token, _, original = parse_claim(claim.name)
    return claim.with_name(f"{token}.{n}{SEPARATOR}{original}")


def is_claim(name: str) -> bool:
    token, _, original = parse_claim(name)
    return bool(token and original) and not name.startswith(".") and not name.endswith(".tmp")


def _try_lock(path: Path) -> int | None:
    """An fd holding an exclusive flock on ``path``, or None when someone else holds it."""
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


class ClaimFolder:
    """This worker's claim folder; created complete (lock held) before it becomes visible."""

    def __init__(self, layout: Layout, host: str | None = None) -> None:
        self.layout = layout
        self.host = host_name(host)
        self.root = layout.bezig / self.host  # only this host's workers look in here
        name = f"{os.getpid()}-{secrets.token_hex(3)}"
        self.worker_id = f"{self.host}-{name}"
        self.path = self.root / name
        staging = self.root / f".nieuw-{name}"
        staging.mkdir(parents=True)
        lock = staging / LOCK_NAME
        self._fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        # Visible only now, with the lock held: nobody can mistake it for a dead worker's folder.
        os.rename(staging, self.path)

    def claim(self, name: str) -> Path | None:
        """Take ``DIR/name`` by renaming it into this folder; None when another worker was faster."""
        target = self.path / claim_name(name)
        try:
            os.rename(self.layout.root / name, target)
        except FileNotFoundError:
            return None
        except OSError as exc:  # e.g. a name too long for the token prefix: leave it, say so
            log.warning("kan bestand niet claimen", extra={"fields": {
                "event": "claim-fout", "name": name, "error": type(exc).__name__, "errno": exc.errno}})
            return None
        return target

    def claims(self) -> list[Path]:
        """Files claimed earlier and not finished (after an error, or adopted)."""
        return sorted(p for p in self.path.iterdir() if is_claim(p.name))

    def adopt_dead(self) -> list[Path]:
        """Move the claims of every dead worker into this folder and remove its folder."""
        adopted: list[Path] = []
        try:
            folders = [p for p in self.root.iterdir() if p.is_dir() and p != self.path]
        except FileNotFoundError:
            return adopted
        for folder in folders:
            if folder.name.startswith(".nieuw-"):
                self._remove_stale_staging(folder)
                continue
            fd = _try_lock(folder / LOCK_NAME)
            if fd is None:
                continue  # alive (or already being adopted by another worker)
            try:
                adopted += self._take_over(folder)
            finally:
                os.close(fd)
        return adopted

    def _take_over(self, folder: Path) -> list[Path]:
        moved = []
        try:
            entries = list(folder.iterdir())
        except FileNotFoundError:
            return moved
        for entry in entries:
            if entry.name == LOCK_NAME:
                continue
            if is_claim(entry.name):
                target = self.path / entry.name  # tokens are unique: no clash with our own claims
                try:
                    os.rename(entry, target)
                    moved.append(target)
                except FileNotFoundError:
                    pass
            else:
                try:
                    entry.unlink(missing_ok=True)  # temp files of the dead worker's unfinished step
                except OSError:
                    pass  # not ours to judge (a folder someone put there): leave it
        (folder / LOCK_NAME).unlink(missing_ok=True)
        try:
            folder.rmdir()
        except OSError:
            pass
        return moved

    def _remove_stale_staging(self, folder: Path) -> None:
        # A worker killed between mkdir and rename: its staging folder never held claims. Young
        # folders are left alone, they may belong to a worker that is starting right now.
        try:
            if time.time() - folder.stat().st_mtime < STAGING_GRACE_S:
                return
        except FileNotFoundError:
            return
        fd = _try_lock(folder / LOCK_NAME)
        if fd is None and (folder / LOCK_NAME).exists():
            return
        try:
            for entry in folder.iterdir():
                entry.unlink(missing_ok=True)
            folder.rmdir()
        except OSError:
            pass
        finally:
            if fd is not None:
                os.close(fd)

    def close(self) -> None:
        """Leave cleanly: remove the folder when empty, then release the lock."""
        try:
            if not self.claims():
                for entry in self.path.iterdir():
                    if entry.name != LOCK_NAME:
                        entry.unlink(missing_ok=True)
                (self.path / LOCK_NAME).unlink(missing_ok=True)
                self.path.rmdir()
        except OSError:
            pass
        os.close(self._fd)


@contextmanager
def names_lock(layout: Layout) -> Iterator[None]:
    """Serialises the choice of final names between workers on this host (held for milliseconds)."""
    fd = os.open(layout.names_lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
