"""Validation on all cores: one function mapped over many inputs by worker processes, in input order.

``OrderedMap(work, jobs)`` forks ``jobs`` workers that inherit ``work`` (a closure over a ready
``Validator``: schemas compiled once per worker, on first use) and hands them chunks of inputs, so
the pipes carry a few messages per round trip instead of one. Results come back in input order,
so output is the same as with one process. Few inputs (``MIN_ITEMS_FOR_POOL``) stay in this
process: starting workers would cost more than it saves, and a one-file command stays instant.

Workers use fork (POSIX): they inherit the compiled state instead of pickling it, and they start in
milliseconds. The pool is made before the caller opens databases or starts threads. Where fork is
missing, everything runs in this process.

A worker's tree cannot cross a pipe (lxml elements do not pickle), so each caller's ``work``
returns values: ``validate`` the finished output line, ``check`` each message's products
(``validators.regional.check.Prepared``), ``import`` the findings, stored rows and what level 3
reads (``store.prepare.Prepared``). What needs the input order (the regional rules, level 3, the
writes) runs here.

Signals: Ctrl-C (SIGINT) goes to the whole process group; workers ignore it and the caller decides.
Workers keep the default SIGTERM (the pool's own clean-up terminates them) and die with their parent
(Linux ``PR_SET_PDEATHSIG``), so a killed command leaves no workers behind.
"""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Generic, NoReturn, TypeVar

if TYPE_CHECKING:  # the pool's modules load only when a pool is made (a one-file run stays instant)
    from concurrent.futures import Future, ProcessPoolExecutor

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS_FOR_POOL = 64  # below this, validating here is faster than starting workers
MAX_CHUNK = 64  # inputs per round trip; small enough that every worker gets several chunks
_PR_SET_PDEATHSIG = 1


def fork_available() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


class WorkerFailed(RuntimeError):
    """A worker process died (killed, out of memory) before it returned its results."""


class OrderedMap(Generic[T, R]):
    """``work`` over inputs, on ``jobs`` forked processes (1: in this process), results in input order.

    Use as a context manager; the workers are forked when it is made, so make it before opening
    connections or starting threads.
    """

    def __init__(self, work: Callable[[T], R], jobs: int = 1) -> None:
        self.work = work
        self.jobs = jobs if jobs > 1 and fork_available() else 1
        self._executor: ProcessPoolExecutor | None = None
        if self.jobs > 1:
            import gc
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            gc.freeze()  # the workers' collections leave the inherited objects alone (fewer copied pages)

            self._executor = ProcessPoolExecutor(
                self.jobs, mp_context=multiprocessing.get_context("fork"),
                initializer=_start_worker, initargs=(work, os.getpid()),
            )
            self._executor.submit(os.getpid)  # forks every worker now, before the caller starts threads
            gc.unfreeze()  # here they may be collected again

    def __call__(self, items: Sequence[T]) -> Iterator[R]:
        if self._executor is None or len(items) < 2:
            yield from map(self.work, items)
            return
        size = max(1, min(MAX_CHUNK, len(items) // (self.jobs * 4)))
        starts = iter(range(0, len(items), size))
        pending: deque[Future] = deque()
        from concurrent.futures.process import BrokenProcessPool

        try:
            for start in starts:
                pending.append(self._executor.submit(_run_chunk, items[start : start + size]))
                if len(pending) >= self.jobs * 3:
                    break
            while pending:
                results = _result(pending.popleft())
                start = next(starts, None)
                if start is not None:
                    pending.append(self._executor.submit(_run_chunk, items[start : start + size]))
                yield from results
        except BrokenProcessPool:  # from submit(): the pool broke while the last results came in
            _broken()
        finally:
            for future in pending:
                future.cancel()

    def submit_all(self, items: Sequence[T]) -> Iterator[R]:
        """Hand every chunk of ``items`` to the workers now; the results, in order, as they are taken.

        For a caller that works on one batch while the workers do the next (the importer): unlike
        ``__call__``, nothing waits for the caller to take results before it is sent, so the workers
        never wait for the caller. The caller bounds the memory by the size of its batches."""
        if self._executor is None or not items:
            return iter(map(self.work, items))
        from concurrent.futures.process import BrokenProcessPool

        size = max(1, min(MAX_CHUNK, len(items) // (self.jobs * 4)))
        try:
            futures = [self._executor.submit(_run_chunk, items[i : i + size]) for i in range(0, len(items), size)]
        except BrokenProcessPool:
            _broken()
        return _taken(futures)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def __enter__(self) -> OrderedMap[T, R]:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def ordered_map(work: Callable[[T], R], items: Sequence[T], jobs: int) -> Iterator[R]:
    """``map(work, items)`` on ``jobs`` processes when there are enough items, else in this process."""
    with OrderedMap(work, jobs if len(items) >= MIN_ITEMS_FOR_POOL else 1) as mapped:
        yield from mapped(items)


def _taken(futures: list[Future]) -> Iterator:
    """The results of submitted chunks in order; what is not taken is cancelled."""
    try:
        for future in futures:
            yield from _result(future)
    finally:
        for future in futures:
            future.cancel()


def _result(future: Future) -> list:
    from concurrent.futures.process import BrokenProcessPool

    try:
        return future.result()
    except BrokenProcessPool:
        _broken()


def _broken() -> NoReturn:
    """The workers die with a SIGTERM to the whole group; a long-running command that recorded
    that stop ends at its safe point (StopRequested) instead of reporting a crash."""
    from berichten import stop

    stop.check()
    raise WorkerFailed("een werkproces is onverwacht gestopt") from None


# ------------------------------------------------------------------------------------ in a worker

_work: Callable | None = None


def _start_worker(work: Callable, parent: int) -> None:
    global _work
    _work = work
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, (signal.SIGTERM,))
    _die_with_parent(parent)


def _die_with_parent(parent: int) -> None:
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the pool's pipes still end an idle worker's parent
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _run_chunk(items: Sequence) -> list:
    return [_work(item) for item in items]

