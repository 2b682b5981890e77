"""Validation on all cores: one function mapped over many inputs by worker processes, in input order.

``OrderedMap(work, jobs)`` forks ``jobs`` workers that inherit ``work`` (a closure over a ready
``Validator``: schemas compiled once per worker, on first use) and hands them chunks of inputs, so
the pipes carry a few messages per round trip instead of one. Results come back in input order,
so output is the same as with one process. Few inputs (``MIN_ITEMS_FOR_POOL``) stay in this
process: starting workers would cost more than it saves, and a one-file command stays instant.
``ForkMap`` (``validate`` and ``check``, through ``ordered_map`` or directly) does the same on plain
pipes, without loading ``concurrent.futures`` and ``multiprocessing``; ``OrderedMap`` keeps
``submit_all`` for ``import``.

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
    with ForkMap(work, jobs if len(items) >= MIN_ITEMS_FOR_POOL else 1) as mapped:
        yield from mapped(items)


class ForkMap(Generic[T, R]):
    """``OrderedMap``'s ``__call__`` on plain forked processes and pipes, for validate and check.

    The same contract (fork when made, results in input order, ``WorkerFailed`` when a worker dies,
    the same signals in the workers), without ``concurrent.futures`` and ``multiprocessing``: their
    import and set-up came before the first worker (about 25 ms of a 0.5 s run), and their two
    threads in this process handled every chunk (some 0.4 ms each). Here each worker has a pipe
    for chunks and one for results; this process sends chunks as workers take them (at most
    ``DEPTH`` waiting per worker), reads results as they come, never blocks on a write, and yields
    them in order. Chunks get smaller towards the end, so the workers finish together.
    """

    DEPTH = 2  # chunks sent to a worker and not yet answered: one to work on, one waiting

    def __init__(self, work: Callable[[T], R], jobs: int = 1) -> None:
        self.work = work
        self.jobs = jobs if jobs > 1 and hasattr(os, "fork") else 1
        self._workers: list[_Worker] = []
        if self.jobs > 1:
            import gc

            gc.freeze()  # the workers' collections leave the inherited objects alone (fewer copied pages)
            try:
                for _ in range(self.jobs):
                    self._workers.append(_Worker.fork(work, self._workers))
            finally:
                gc.unfreeze()

    def __call__(self, items: Sequence[T]) -> Iterator[R]:
        if not self._workers or len(items) < 2:
            yield from map(self.work, items)
            return
        chunks = _chunks(len(items), len(self._workers))
        sent = 0  # chunks handed out
        done: dict[int, list] = {}  # answered chunks not yet yielded
        want = 0  # the next chunk to yield
        try:
            while want < len(chunks):
                for worker in self._workers:
                    while len(worker.asked) < self.DEPTH and sent < len(chunks):
                        start, stop = chunks[sent]
                        worker.ask(sent, items[start:stop])
                        sent += 1
                _exchange(self._workers, done)
                while want in done:
                    results = done.pop(want)
                    want += 1
                    yield from results
        except BaseException:
            self._abandon()
            raise

    def _abandon(self) -> None:
        """A run left half way (an error, Ctrl-C, the caller stopped): no worker finishes its chunks."""
        for worker in self._workers:
            if worker.asked:
                worker.kill()

    def close(self) -> None:
        workers, self._workers = self._workers, []
        for worker in workers:
            if worker.asked:  # left with chunks to answer (the caller stopped early): not worth waiting for
                worker.kill()
            worker.end()
        for worker in workers:
            worker.wait()

    def __enter__(self) -> ForkMap[T, R]:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _chunks(count: int, jobs: int) -> list[tuple[int, int]]:
    """(start, stop) of each chunk: up to MAX_CHUNK, a quarter of a worker's share of what is left,
    so the last chunks are small and no worker waits long for the other at the end."""
    chunks, start = [], 0
    while start < count:
        size = max(1, min(MAX_CHUNK, (count - start) // (jobs * 4)))
        chunks.append((start, min(count, start + size)))
        start += size
    return chunks


def _exchange(workers: list[_Worker], done: dict[int, list]) -> None:
    """Write what the workers can take, read what they answered (into ``done``); wait for one of them."""
    import select

    readers = {w.results: w for w in workers if w.asked}
    writers = {w.chunks: w for w in workers if w.outgoing}
    readable, writable, _ = select.select(list(readers), list(writers), [])
    for fd in writable:
        writers[fd].write()
    for fd in readable:
        readers[fd].read(done)


_HEADER = 8  # bytes of a message's length, before the pickle


class _Worker:
    """One forked worker, seen from this process: its pid, its two pipes, what it was asked."""

    def __init__(self, pid: int, chunks: int, results: int) -> None:
        self.pid, self.chunks, self.results = pid, chunks, results
        self.asked: deque[int] = deque()  # numbers of the chunks sent and not yet answered
        self.outgoing = bytearray()  # what is not yet written to the chunk pipe
        self.incoming = bytearray()  # what is read from the result pipe and not yet a whole message

    @classmethod
    def fork(cls, work: Callable, others: list[_Worker]) -> _Worker:
        chunk_r, chunk_w = os.pipe()
        result_r, result_w = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the worker: it never returns to the caller's code
            code = 1
            try:
                os.close(chunk_w)
                os.close(result_r)
                for other in others:  # or they would never see the end of their chunk pipe
                    os.close(other.chunks)
                    os.close(other.results)
                _start_worker(work, parent)
                _serve(work, chunk_r, result_w)
                code = 0
            finally:
                os._exit(code)
        os.close(chunk_r)
        os.close(result_w)
        os.set_blocking(chunk_w, False)  # this process never waits for a worker to read
        return cls(pid, chunk_w, result_r)

    def ask(self, number: int, chunk: Sequence) -> None:
        import pickle

        data = pickle.dumps(list(chunk), pickle.HIGHEST_PROTOCOL)
        self.outgoing += len(data).to_bytes(_HEADER, "little") + data
        self.asked.append(number)

    def write(self) -> None:
        try:
            written = os.write(self.chunks, self.outgoing)
        except BlockingIOError:
            return
        except BrokenPipeError:  # the worker is gone; reading its results says so
            written = len(self.outgoing)
        del self.outgoing[:written]

    def read(self, done: dict[int, list]) -> None:
        import pickle

        data = os.read(self.results, 1 << 20)
        if not data:  # the worker died with chunks to answer
            _broken()
        self.incoming += data
        while len(self.incoming) >= _HEADER:
            size = int.from_bytes(self.incoming[:_HEADER], "little")
            if len(self.incoming) < _HEADER + size:
                break
            answer = pickle.loads(self.incoming[_HEADER:_HEADER + size])
            del self.incoming[:_HEADER + size]
            ok, value = answer
            if not ok:
                raise value[0] from _RemoteTraceback(value[1])
            done[self.asked.popleft()] = value

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass

    def end(self) -> None:
        """No more chunks: the worker ends when it has read them all."""
        os.close(self.chunks)
        os.close(self.results)  # a worker still writing gets a broken pipe and ends too

    def wait(self) -> None:
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


class _RemoteTraceback(Exception):
    """The traceback of an error in a worker, as its cause (as ``concurrent.futures`` shows it)."""

    def __str__(self) -> str:
        return "\n" + self.args[0]


def _serve(work: Callable, chunks: int, results: int) -> None:
    """In a worker: read chunks until this process closes the pipe, answer each with its results."""
    import pickle
    import traceback

    reader = os.fdopen(chunks, "rb")
    while True:
        header = reader.read(_HEADER)
        if len(header) < _HEADER:
            return
        chunk = pickle.loads(reader.read(int.from_bytes(header, "little")))
        try:
            answer = pickle.dumps((True, [work(item) for item in chunk]), pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # the caller raises it, as without workers
            text = "".join(traceback.format_exception(exc))
            try:
                answer = pickle.dumps((False, (exc, text)), pickle.HIGHEST_PROTOCOL)
            except Exception:
                answer = pickle.dumps((False, (RuntimeError(f"{type(exc).__name__}: {exc}"), text)))
        data = memoryview(len(answer).to_bytes(_HEADER, "little") + answer)
        try:
            while data:
                data = data[os.write(results, data):]
        except BrokenPipeError:  # the caller stopped reading: nothing more to do
            return


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

