"""The worker loop: recover, sweep, claim, process; one structured log line per file and per sweep.

Polling (``os.scandir`` every ``interval`` seconds) instead of inotify: inboxes live on SMB/NFS
shares and inotify does not report changes made there by other machines. Every sweep is a full
listing, so nothing is ever missed, whatever happened while the worker was down.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from berichten import stop
from berichten.inbox.claims import ClaimFolder
from berichten.inbox.layout import Layout
from berichten.inbox.logs import event
from berichten.inbox.process import Outcome, Processor
from berichten.inbox.regional import Regional
from berichten.inbox.reports import ACCEPTED
from berichten.inbox.settle import Settler
from berichten.store.config import database_url
from berichten.store.keys import KeyMissing
from berichten.store.migrate import upgrade

log = logging.getLogger("inbox")

DEFAULT_SETTLE_S = 1.0
DEFAULT_INTERVAL_S = 2.0


@dataclass
class Totals:
    files: int = 0
    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0
    failed: int = 0
    codes: Counter = field(default_factory=Counter)

    def add(self, outcome: Outcome) -> None:
        self.files += 1
        if outcome.verdict == ACCEPTED:
            self.accepted += 1
        else:
            self.rejected += 1
        self.duplicates += outcome.duplicate
        self.codes.update(outcome.codes)

    def to_dict(self) -> dict:
        return {
            "files": self.files, "accepted": self.accepted, "rejected": self.rejected,
            "duplicates": self.duplicates, "failed": self.failed,
        }


@dataclass
class WorkerOptions:
    url: str | None = None
    settle: float = DEFAULT_SETTLE_S
    interval: float = DEFAULT_INTERVAL_S
    config: str | None = None
    pseudonym_key: str | None = None
    migrate: bool = True
    host: str | None = None  # claim folders live under .bezig/<host>/; default: the host name
    lijsten: str | None = None  # TOML with [lijsten] for level 4; default: the config's, else the shipped lists


class Worker:
    def __init__(self, root: str | Path, options: WorkerOptions = WorkerOptions()) -> None:
        self.layout = Layout(Path(root))
        self.options = options
        self.stopping = False
        self.totals = Totals()
        self.url = database_url(options.url)

    # -- signals -------------------------------------------------------------------------------------

    def _stop(self, signum: int) -> None:
        # Finish the current message, then leave: the main loop checks this flag between files.
        self.stopping = True
        event(log, "stop", signal=signal.Signals(signum).name)

    def install_signal_handlers(self) -> None:
        """Stop on SIGTERM/SIGINT; a request that came during start-up (``berichten.stop``) counts too."""
        stop.install()  # already done by cli.py / __main__; again for callers that embed the worker
        stop.on_stop(self._stop)

    def _validator(self):
        """Levels 1-2 and 4; the level-4 lists of --lijsten or of the regional TOML's [lijsten]."""
        from berichten.validators.level4 import load_lists
        from berichten.validators.pipeline import Validator

        return Validator(lists=load_lists(self.options.lijsten or self.options.config))

    # -- main loop -----------------------------------------------------------------------------------

    def run(self, once: bool = False) -> Totals:
        if self.stopping:  # stopped during start-up: nothing touched yet, nothing to undo
            event(log, "stopped", worker=None, **self.totals.to_dict())
            return self.totals
        self.layout.ensure()
        if self.options.migrate:
            _upgrade(self.url)
        regional = Regional(self.options.config) if self.options.config else None
        slot = ClaimFolder(self.layout, self.options.host)
        try:
            processor = Processor(self.layout, self.url, slot.worker_id, regional=regional,
                                  pseudonym_key=self.options.pseudonym_key, validator=self._validator())
        except BaseException:
            slot.close()
            raise
        # The readiness line: signals are handled and the store is open (the fault tests wait for it).
        event(log, "gereed", worker=slot.worker_id, pid=os.getpid(), inbox=str(self.layout.root), once=once)
        settler = Settler(self.options.settle)
        # Validator, store and configuration live as long as the worker: keep them out of the
        # collector's full passes (as the web service does).
        gc.collect()
        gc.freeze()
        try:
            while not self.stopping:
                sweep = self.sweep(slot, processor, settler, wait=once)
                if once and sweep.files == 0:
                    break
                if not once:
                    self._sleep(self.options.interval)
        finally:
            processor.close()
            slot.close()
            event(log, "stopped", worker=slot.worker_id, **self.totals.to_dict())
        return self.totals

    def sweep(self, slot: ClaimFolder, processor: Processor, settler: Settler, wait: bool = False) -> Totals:
        """One full round: dead workers' claims, our unfinished claims, then new stable files."""
        start = time.perf_counter()
        totals = Totals()
        adopted = slot.adopt_dead()
        if adopted:
            event(log, "overgenomen", worker=slot.worker_id, files=len(adopted))
        for claim in slot.claims():
            if self.stopping:
                break
            self._one(claim, processor, slot.worker_id, totals)
        ready = settler.stable(self.layout.root)
        if wait and not ready and settler.waiting():
            self._sleep(self.options.settle)  # --once: the second look
            ready = settler.stable(self.layout.root)
        for name in ready:
            if self.stopping or totals.failed:
                break  # after a failure (database down?) leave new files for others or later
            claim = slot.claim(name)
            if claim is None:
                continue  # another worker renamed it first
            self._one(claim, processor, slot.worker_id, totals)
        if totals.files or totals.failed or wait:
            event(log, "sweep", worker=slot.worker_id, duration_ms=round((time.perf_counter() - start) * 1000, 1),
                  waiting=max(settler.waiting() - len(ready), 0), **totals.to_dict())
        return totals

    def _one(self, claim: Path, processor: Processor, worker_id: str, totals: Totals) -> None:
        try:
            outcome = processor.process(claim)
        except Exception:
            # Left in the claim folder: the next sweep (or the next worker) tries again.
            totals.failed += 1
            self.totals.failed += 1
            log.error("verwerking mislukt", exc_info=True,
                      extra={"fields": {"event": "fout", "name": claim.name, "worker": worker_id}})
            try:
                processor.rollback()
            except Exception:
                pass
            return
        totals.add(outcome)
        self.totals.add(outcome)
        event(log, "bericht", name=outcome.original, file=outcome.file, folder=outcome.folder,
              sha256=outcome.sha256, verdict=outcome.verdict, duplicate=outcome.duplicate,
              codes=outcome.codes, duration_ms=outcome.duration_ms, worker=worker_id)

    def _sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < end:
            time.sleep(min(0.05, max(end - time.monotonic(), 0)))


def _upgrade(url: str, attempts: int = 5) -> None:
    # Two workers starting at once on a fresh database may race in the migration; the loser retries.
    for attempt in range(attempts):
        try:
            upgrade(url)
            return
        except KeyMissing:
            raise  # no key is no race: trying again cannot help
        except Exception:
            if attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))
