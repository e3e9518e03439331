"""Engines run a batch function over a stream of batches: here, on processes, or on Dask.

An engine may return results in any order; the build sorts everything it writes, so
the release does not depend on scheduling. Every engine keeps a bounded number of
batches in flight, so a corpus of any size streams through in constant memory.

A page that takes its worker down (a hard crash, a native abort) or makes the batch
function raise never loses its batch: the batch is run again page by page, alone, and
only the pages that still fail are quarantined as ``worker_failed``.

Workers die with the build that started them, ``kill -9`` included
(:mod:`broadsheet.build.workers`); each page's parse is time-limited wherever it runs
(:mod:`broadsheet.build.timelimit`). The Dask engine is in :mod:`broadsheet.build.daskengine`.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from itertools import chain, islice
from multiprocessing import forkserver
from typing import Literal, Protocol, TypeVar

from broadsheet.build.batchresult import BatchResult
from broadsheet.build.daskengine import DaskEngine
from broadsheet.build.workers import (
    CRASHED,
    WORKER_FAILED,
    BatchFn,
    failed_item,
    merge_results,
    mp_context,
    raised_message,
    start_worker,
    warm_worker,
)
from broadsheet.errors import UsageError
from broadsheet.sources.items import BatchItem

__all__ = [
    "ENGINE_NAMES",
    "WORKER_FAILED",
    "BatchFn",
    "DaskEngine",
    "Engine",
    "EngineName",
    "ProcessEngine",
    "SerialEngine",
    "make_engine",
    "warm_worker",
]

A = TypeVar("A")
R = TypeVar("R")
EngineName = Literal["auto", "serial", "processes", "dask"]
ENGINE_NAMES: tuple[str, ...] = ("auto", "serial", "processes", "dask")


class Engine(Protocol):
    """Runs ``fn`` over ``batches``; yields one BatchResult per batch, in any order.

    The engines with workers also run other work on them, in order (``run_tasks``), and keep
    them between calls inside a ``with engine:`` block; the build uses both when they exist.
    """

    name: str

    def map(self, fn: BatchFn, batches: Iterable[list[BatchItem]]) -> Iterator[BatchResult]: ...


class SerialEngine:
    """Everything in the calling process, in order (the reference for the others)."""

    name = "serial"

    def map(self, fn: BatchFn, batches: Iterable[list[BatchItem]]) -> Iterator[BatchResult]:
        for batch in batches:
            yield fn(batch)


def make_engine(
    name: EngineName = "auto", workers: int | None = None, scheduler: str | None = None
) -> Engine:
    """The engine called ``name`` with ``workers`` workers (default: one per CPU).

    ``auto`` is serial with one worker and processes otherwise; a ``scheduler`` address
    implies Dask. ``scheduler`` is the address of a running Dask scheduler
    (``tcp://host:8786``); without it Dask starts a local cluster for the run.
    """
    if workers is not None and workers < 1:
        raise UsageError("bad_usage", f"workers must be at least 1, got {workers}")
    count = workers if workers is not None else (os.cpu_count() or 1)
    if name == "auto":
        if scheduler is not None:
            return DaskEngine(scheduler, workers)
        return SerialEngine() if count == 1 else ProcessEngine(count)
    if scheduler is not None and name != "dask":
        raise UsageError(
            "bad_usage", f"a scheduler address ({scheduler}) needs the dask engine, not {name!r}"
        )
    if name == "serial":
        return SerialEngine()
    if name == "processes":
        return ProcessEngine(count)
    if name == "dask":
        return DaskEngine(scheduler, count)
    raise UsageError(
        "bad_usage", f"unknown engine {name!r}; expected one of: {', '.join(ENGINE_NAMES)}"
    )


class ProcessEngine:
    """A pool of worker processes, started from a fork server or spawned: never forked from
    the parent, so safe with the threads of Arrow, polars and Dask in the calling process.

    At most ``window`` batches (default twice the workers) are in flight: the input is
    read only as fast as the workers take it. Results come back as they complete.
    """

    name = "processes"

    def __init__(
        self,
        workers: int,
        *,
        window: int | None = None,
        start_method: str | None = None,
        initializer: Callable[[], None] | None = warm_worker,
    ) -> None:
        if workers < 1:
            raise UsageError("bad_usage", f"workers must be at least 1, got {workers}")
        if window is not None and window < 1:
            raise UsageError("bad_usage", f"the in-flight window must be at least 1, got {window}")
        self.workers = workers
        self.window = window if window is not None else 2 * workers
        self._context = mp_context(start_method)
        self._initializer = initializer
        self._solo: ProcessPoolExecutor | None = None  # isolates failed batches, page by page
        self._started: ProcessPoolExecutor | None = None  # workers waiting for the next call
        self._starting: threading.Thread | None = None  # launching the workers of ``_started``
        self._depth = 0  # nesting of ``with`` blocks: workers are kept while it is positive

    def __enter__(self) -> ProcessEngine:
        self._depth += 1
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._depth -= 1
        if self._depth == 0:
            self.close()

    def close(self) -> None:
        """Stop the workers kept for the next call, if any."""
        pool, self._started = self._take(), None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def _release(self, pool: ProcessPoolExecutor) -> None:
        """Keep a healthy pool for the next call inside a ``with`` block, else stop it."""
        if self._depth > 0 and self._started is None:
            self._started = pool
        else:
            pool.shutdown(wait=True, cancel_futures=True)

    def run_tasks(self, fn: Callable[[A], R], items: Iterable[A]) -> list[R]:
        """``fn`` of each item on the workers, results in input order (an exception raised
        by a task propagates: this is for work that has no page to quarantine)."""
        pool, self._started = self._take() or self._pool(self.workers), None
        try:
            results = list(pool.map(fn, items))
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        self._release(pool)
        return results

    def _pool(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=workers,
            mp_context=self._context,
            initializer=functools.partial(start_worker, os.getpid(), self._initializer),
        )

    def start(self) -> None:
        """Start the workers now, without waiting for them: they import the pipeline (about
        a second) while the caller lists and reads its first batches. The next :meth:`map`
        or :meth:`run_tasks` uses them.

        With a fork server, the server is started from this thread, which outlives the build's
        workers (the kernel kills the fork server when the thread that started it ends), and
        the workers are launched from a short-lived thread, as launching one waits until the
        fork server has imported its preload list. Spawned workers are launched from this
        thread, for the same reason."""
        if self._started is None:
            self._started = pool = self._pool(self.workers)
            if self._context.get_start_method() != "forkserver":
                self._launch(pool)  # a spawned worker is a child of the thread launching it
                return
            forkserver.ensure_running()
            self._starting = threading.Thread(
                target=self._launch, args=(pool,), name="broadsheet-workers-start", daemon=True
            )
            self._starting.start()

    def _launch(self, pool: ProcessPoolExecutor) -> None:
        for _ in range(self.workers):  # the pool launches a worker per task it cannot place
            try:
                pool.submit(int)
            except (BrokenProcessPool, RuntimeError):  # a dead worker, or a pool shut down
                return  # the next call finds out, and replaces the pool

    def _take(self) -> ProcessPoolExecutor | None:
        """The started pool, once its workers have been launched (None if not started)."""
        starting, self._starting = self._starting, None
        if starting is not None:
            starting.join()
        return self._started

    def map(self, fn: BatchFn, batches: Iterable[list[BatchItem]]) -> Iterator[BatchResult]:
        source = iter(batches)
        if self._starting is not None:  # list the first batches while the workers start
            source = chain(list(islice(source, self.window)), source)
        pool, self._started = self._take() or self._pool(self.workers), None
        pending: dict[Future[BatchResult], list[BatchItem]] = {}
        finished = False
        try:
            while True:
                broken: list[list[BatchItem]] = []
                for batch in islice(source, max(0, self.window - len(pending))):
                    try:
                        pending[pool.submit(fn, batch)] = batch
                    except BrokenProcessPool:
                        broken.append(batch)
                        break
                if not pending and not broken:
                    finished = True
                    return
                if not broken:
                    done, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        batch = pending.pop(future)
                        error = future.exception()
                        if error is None:
                            yield future.result()
                        elif isinstance(error, BrokenProcessPool):
                            broken.append(batch)
                        else:
                            yield self._page_by_page(fn, batch)
                if broken:
                    # A dead pool fails every batch still in flight: collect the ones that
                    # finished first, then run the others again in isolation.
                    wait(pending)
                    for future, batch in pending.items():
                        if future.exception() is None:
                            yield future.result()
                        else:
                            broken.append(batch)
                    pending.clear()
                    pool.shutdown(wait=True, cancel_futures=True)
                    for batch in broken:
                        yield self._page_by_page(fn, batch)
                    pool = self._pool(self.workers)
        finally:
            if finished:
                self._release(pool)  # idle: kept for the next call inside a ``with`` block
            else:
                pool.shutdown(wait=True, cancel_futures=True)
            if self._solo is not None:
                self._solo.shutdown(wait=True, cancel_futures=True)
                self._solo = None

    def _page_by_page(self, fn: BatchFn, batch: list[BatchItem]) -> BatchResult:
        """Each input of ``batch`` alone, in a separate one-worker pool replaced after a crash."""
        results: list[BatchResult] = []
        for item in batch:
            if self._solo is None:
                self._solo = self._pool(1)
            try:
                results.append(self._solo.submit(fn, [item]).result())
            except BrokenProcessPool:
                results.append(failed_item(item, CRASHED))
                self._solo.shutdown(wait=True)
                self._solo = None
            except Exception as exc:
                results.append(failed_item(item, raised_message(exc)))
        return merge_results(results)
