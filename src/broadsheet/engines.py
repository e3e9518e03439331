"""Engines run a batch function over a stream of batches: here, on processes, or on Dask.

An engine may return results in any order; the build sorts everything it writes, so
the release does not depend on scheduling. Every engine keeps a bounded number of
batches in flight, so a corpus of any size streams through in constant memory.

A page that takes its worker down (a hard crash, a native abort) or makes the batch
function raise never loses its batch: the batch is run again page by page, alone, and
only the pages that still fail are quarantined as ``worker_failed``.
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from types import TracebackType
from typing import Any, Literal, Protocol, TypeVar

import pyarrow as pa

from broadsheet.arrow import ARTICLE_SCHEMA
from broadsheet.errors import UsageError
from broadsheet.interpreter import collect_less_often, settle_heap
from broadsheet.pipeline import BatchResult, Quarantined
from broadsheet.sources import Page, SourceFailure, SourceItem

BatchFn = Callable[[list[SourceItem]], BatchResult]
A = TypeVar("A")
R = TypeVar("R")
EngineName = Literal["auto", "serial", "processes", "dask"]
ENGINE_NAMES: tuple[str, ...] = ("auto", "serial", "processes", "dask")

WORKER_FAILED = "worker_failed"
"""Reason code of a page whose processing crashed or raised even when run on its own."""


class Engine(Protocol):
    """Runs ``fn`` over ``batches``; yields one BatchResult per batch, in any order.

    The engines with workers also run other work on them, in order (``run_tasks``), and keep
    them between calls inside a ``with engine:`` block; the build uses both when they exist.
    """

    name: str

    def map(self, fn: BatchFn, batches: Iterable[list[SourceItem]]) -> Iterator[BatchResult]: ...


class SerialEngine:
    """Everything in the calling process, in order (the reference for the others)."""

    name = "serial"

    def map(self, fn: BatchFn, batches: Iterable[list[SourceItem]]) -> Iterator[BatchResult]:
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


def warm_worker() -> None:
    """Import the parsing and checking stack once per worker, before the first batch arrives,
    and set the worker's garbage collector for parsing (``interpreter.collect_less_often``)."""
    from broadsheet.parsers.common import detect_language

    detect_language("The parsers and their libraries load once per worker process.")
    collect_less_often()
    settle_heap()


def merge_results(results: list[BatchResult]) -> BatchResult:
    """One BatchResult for several (the page-by-page runs of one batch)."""
    if len(results) == 1:
        return results[0]
    tables = [r.table for r in results if r.table.num_rows]
    skipped: Counter[str] = Counter()
    for r in results:
        skipped.update(r.skipped)
    return BatchResult(
        table=pa.concat_tables(tables) if tables else ARTICLE_SCHEMA.empty_table(),
        quarantined=[q for r in results for q in r.quarantined],
        skipped=skipped,
        inputs=sum(r.inputs for r in results),
        digests=[d for r in results for d in r.digests],
    )


def failed_item(item: SourceItem, message: str) -> BatchResult:
    """The result of one input whose processing failed even when run alone."""
    sha = (
        item.sha256
        if isinstance(item, Page)
        else item.source_sha256
        if isinstance(item, SourceFailure)
        else None
    )
    entry = Quarantined(item.source_file, sha, WORKER_FAILED, message, "parse")
    return BatchResult(table=ARTICLE_SCHEMA.empty_table(), quarantined=[entry], inputs=1)


def _raised(exc: BaseException) -> str:
    return (
        f"processing this page raised {type(exc).__name__} on the worker: {exc}; "
        "it was run alone to rule out its batch, and failed again"
    )


_CRASHED = (
    "the worker process died while processing this page (the process exited abruptly: "
    "a crash, a native abort or the out-of-memory killer); it was run alone in a fresh "
    "worker to rule out its batch, and the worker died again"
)


def _context(start_method: str | None) -> multiprocessing.context.BaseContext:
    """Workers start from a fork server that has imported the pipeline once (cheap restarts
    after a crash, safe with threads in the parent), or are spawned where there is none."""
    if start_method is None:
        start_method = (
            "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        )
    context = multiprocessing.get_context(start_method)
    if start_method == "forkserver":
        context.set_forkserver_preload(["broadsheet.pipeline"])
    return context


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
        self._context = _context(start_method)
        self._initializer = initializer
        self._solo: ProcessPoolExecutor | None = None  # isolates failed batches, page by page
        self._started: ProcessPoolExecutor | None = None  # workers waiting for the next call
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
        pool, self._started = self._started, None
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
        pool, self._started = self._started or self._pool(self.workers), None
        try:
            results = list(pool.map(fn, items))
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        self._release(pool)
        return results

    def _pool(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=workers, mp_context=self._context, initializer=self._initializer
        )

    def start(self) -> None:
        """Start the workers now, without waiting for them: they import the pipeline (about
        two seconds) while the caller lists and reads its first batches. The next
        :meth:`map` uses them."""
        if self._started is None:
            self._started = self._pool(self.workers)
            for _ in range(self.workers):  # the pool launches a worker per task it cannot place
                self._started.submit(int)

    def map(self, fn: BatchFn, batches: Iterable[list[SourceItem]]) -> Iterator[BatchResult]:
        source = iter(batches)
        pool, self._started = self._started or self._pool(self.workers), None
        pending: dict[Future[BatchResult], list[SourceItem]] = {}
        finished = False
        try:
            while True:
                broken: list[list[SourceItem]] = []
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

    def _page_by_page(self, fn: BatchFn, batch: list[SourceItem]) -> BatchResult:
        """Each input of ``batch`` alone, in a separate one-worker pool replaced after a crash."""
        results: list[BatchResult] = []
        for item in batch:
            if self._solo is None:
                self._solo = self._pool(1)
            try:
                results.append(self._solo.submit(fn, [item]).result())
            except BrokenProcessPool:
                results.append(failed_item(item, _CRASHED))
                self._solo.shutdown(wait=True)
                self._solo = None
            except Exception as exc:
                results.append(failed_item(item, _raised(exc)))
        return merge_results(results)


def _distributed() -> Any:
    """dask.distributed, imported only when a Dask engine runs (it is slow to import)."""
    return importlib.import_module("distributed")


class DaskEngine:
    """Batches as tasks on a Dask cluster: the one at ``scheduler``, else a local one.

    Use it as a context manager to keep the client (and a local cluster) across several
    ``map`` calls; otherwise each ``map`` starts and closes its own.
    """

    name = "dask"

    def __init__(
        self,
        scheduler: str | None = None,
        workers: int | None = None,
        *,
        window: int | None = None,
        connect_timeout: float = 30.0,
    ) -> None:
        if workers is not None and workers < 1:
            raise UsageError("bad_usage", f"workers must be at least 1, got {workers}")
        if window is not None and window < 1:
            raise UsageError("bad_usage", f"the in-flight window must be at least 1, got {window}")
        self.scheduler = scheduler
        self.workers = workers if workers is not None else (os.cpu_count() or 1)
        self.window = window
        self.connect_timeout = connect_timeout
        self._client: Any = None
        self._cluster: Any = None
        self._depth = 0  # nesting of ``with`` blocks: the client is closed by the outermost

    def __enter__(self) -> DaskEngine:
        self._depth += 1
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._depth -= 1
        if self._depth == 0:
            self.close()

    def run_tasks(self, fn: Callable[[A], R], items: Iterable[A]) -> list[R]:
        """``fn`` of each item as tasks on the cluster, results in input order (an exception
        raised by a task propagates)."""
        owned = self._client is None
        self.start()
        try:
            futures = self._client.map(fn, list(items), pure=False)
            return list(self._client.gather(futures))
        finally:
            if owned:
                self.close()

    def start(self) -> None:
        """Connect to the scheduler (or start a local cluster) and warm the workers."""
        if self._client is not None:
            return
        dd = _distributed()
        try:
            if self.scheduler is None:
                self._cluster = dd.LocalCluster(
                    n_workers=self.workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
                self._client = dd.Client(self._cluster)
            else:
                self._client = dd.Client(self.scheduler, timeout=self.connect_timeout)
        except OSError as exc:
            self.close()
            where = self.scheduler or "a local cluster"
            raise UsageError("no_scheduler", f"cannot reach Dask at {where}: {exc}") from exc
        self._client.run(warm_worker)

    def close(self) -> None:
        """Close the client and the local cluster, if this engine started one."""
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def map(self, fn: BatchFn, batches: Iterable[list[SourceItem]]) -> Iterator[BatchResult]:
        owned = self._client is None
        self.start()
        try:
            yield from self._run(fn, iter(batches))
        finally:
            if owned:
                self.close()

    def _run(self, fn: BatchFn, source: Iterator[list[SourceItem]]) -> Iterator[BatchResult]:
        client = self._client
        window = self.window or 2 * max(1, sum(client.nthreads().values()))
        pending: dict[Any, list[SourceItem]] = {}
        completed = _distributed().as_completed()

        def submit(batch: list[SourceItem]) -> None:
            future = client.submit(fn, batch, pure=False)
            pending[future] = batch
            completed.add(future)

        for batch in islice(source, window):
            submit(batch)
        for future in completed:
            batch = pending.pop(future)
            if future.status == "finished":
                yield future.result()
            else:
                yield self._page_by_page(fn, batch)
            future.release()
            for batch in islice(source, 1):
                submit(batch)

    def _page_by_page(self, fn: BatchFn, batch: list[SourceItem]) -> BatchResult:
        """Each input of a failed batch as its own task; the ones that fail again quarantined."""
        futures = [self._client.submit(fn, [item], pure=False) for item in batch]
        _distributed().wait(futures)
        results: list[BatchResult] = []
        for item, future in zip(batch, futures, strict=True):
            if future.status == "finished":
                results.append(future.result())
            else:
                error = future.exception() if future.status == "error" else None
                if error is None or type(error).__name__ == "KilledWorker":
                    message = _CRASHED  # the scheduler gave up after its workers kept dying
                else:
                    message = _raised(error)
                results.append(failed_item(item, message))
            future.release()
        return merge_results(results)
