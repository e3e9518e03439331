"""The Dask engine: batches as tasks on a Dask cluster, a running one or a local one.

Tasks run on the workers' threads; a page's parse is limited there by the watchdog of
:mod:`broadsheet.build.timelimit`. The workers of a local cluster are tied to the build
(:func:`broadsheet.build.workers.tie_to_build`): they end with it, ``kill -9`` included.
"""

from __future__ import annotations

import functools
import importlib
import logging
import os
import pickle
import threading
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice
from types import TracebackType
from typing import Any, TypeVar

from broadsheet.build.batchresult import BatchResult
from broadsheet.build.workers import (
    CRASHED,
    FORK_SERVER_PRELOAD,
    BatchFn,
    failed_item,
    merge_results,
    mp_context,
    raised_message,
    tie_to_build,
    warm_worker,
)
from broadsheet.errors import UsageError
from broadsheet.sources.items import BatchItem

A = TypeVar("A")
R = TypeVar("R")


LOCAL_CLUSTER_CONFIG: dict[str, Any] = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.admin.tick.interval": "500ms",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.scheduler.worker-saturation": 1.0,
}
"""Dask settings of a local cluster: no statistical profiler sampling the workers' stacks
every 10 ms; a slower system monitor (it feeds a dashboard, and there is none); the event
loops' tick (which only measures how long a loop was blocked) every 500 ms instead of 20 ms;
the nannies' memory monitor every second instead of every 100 ms. Each of them wakes a
thread that takes the interpreter lock from the pages being parsed on the workers, or CPU
from the build in the scheduler: together they made a local cluster's build about a tenth
slower. And one task at a time per worker thread (Dask's default queues a second): a text
sample's slice was queued behind the shard task on one worker while the other worker ran
out of work."""


class _Whole:
    """A task's result, sent back as one pickle: Dask would serialize a list (of digests, say)
    item by item, a frame each, and decode each frame in the build process."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value


def _as_whole(fn: Callable[[A], R], item: A) -> _Whole:
    return _Whole(fn(item))


def _unpickled(fn: BatchFn, batch: bytes) -> BatchResult:
    """``fn`` of a batch sent pickled: the scheduler then passes bytes along instead of
    unpickling every page reference of the batch, and pickling it again."""
    items: list[BatchItem] = pickle.loads(batch)
    return fn(items)


def _distributed() -> Any:
    """dask.distributed, imported only when a Dask engine runs (it is slow to import)."""
    return importlib.import_module("distributed")


def _start_fork_server() -> str:
    """Start the fork server of :func:`broadsheet.build.workers.mp_context` in the background,
    importing Dask and the pipeline once, and return the start method a local cluster's
    worker processes are to use: they then start as copies of it, without importing either
    again, while the build process imports Dask itself. ``spawn`` where there is no fork
    server."""
    context = mp_context(None)
    method = context.get_start_method()
    if method == "forkserver":
        context.set_forkserver_preload([*FORK_SERVER_PRELOAD, "distributed"])
        forkserver = importlib.import_module("multiprocessing.forkserver")
        forkserver.ensure_running()  # returns at once; the server imports on its own
    return method


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
        self._connecting: threading.Thread | None = None  # see :meth:`start_soon`
        self._start_error: BaseException | None = None
        self._depth = 0  # nesting of ``with`` blocks: the client is closed by the outermost

    def __enter__(self) -> DaskEngine:
        self._depth += 1
        self.start_soon()
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
        owned = self._unstarted()
        self.start()
        try:
            futures = self._client.map(functools.partial(_as_whole, fn), list(items), pure=False)
            return [whole.value for whole in self._client.gather(futures)]
        finally:
            if owned:
                self.close()

    def start_soon(self) -> None:
        """Start connecting (or starting a local cluster, about 0.7 s) without waiting: the
        caller lists its first batches meanwhile, and :meth:`start` waits for it. A local
        cluster's fork server is started from this thread, which outlives the build's
        workers (the kernel kills the fork server when the thread that started it ends)."""
        if not self._unstarted():
            return
        self._connecting = threading.Thread(
            target=self._connect_noting,
            args=(self._worker_method(),),
            name="broadsheet-dask-start",
            daemon=True,
        )
        self._connecting.start()

    def _connect_noting(self, method: str | None) -> None:
        try:
            self._connect(method)
        except BaseException as exc:  # raised where the caller waits (start)
            self._start_error = exc

    def start(self) -> None:
        """Connect to the scheduler (or start a local cluster) and warm the workers; with
        :meth:`start_soon` called before, wait until it has (and raise what it raised)."""
        connecting, self._connecting = self._connecting, None
        if connecting is not None:
            connecting.join()
            error, self._start_error = self._start_error, None
            if error is not None:
                raise error
        elif self._client is None:
            self._connect(self._worker_method())

    def _unstarted(self) -> bool:
        """Neither connected nor connecting."""
        return self._client is None and self._connecting is None

    def _worker_method(self) -> str | None:
        """How a local cluster starts its worker processes (its fork server is started
        here, from the calling thread); None with a scheduler to connect to."""
        return None if self.scheduler is not None else _start_fork_server()

    def _connect(self, method: str | None) -> None:
        dd = _distributed()  # (imported meanwhile: the fork server imports on its own)
        try:
            if self.scheduler is None:
                dask = importlib.import_module("dask")
                settings = {
                    **LOCAL_CLUSTER_CONFIG,
                    "distributed.worker.multiprocessing-method": method,
                }
                with dask.config.set(settings):
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
        if self._cluster is not None:  # workers started for this build end with it
            self._client.run(tie_to_build, os.getpid(), False)  # (started by Dask's threads)
        self._client.run(warm_worker)

    def close(self) -> None:
        """Close the client and the local cluster, if this engine started one."""
        connecting, self._connecting = self._connecting, None
        if connecting is not None:  # (what it raised no longer matters)
            connecting.join()
            self._start_error = None
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def map(self, fn: BatchFn, batches: Iterable[list[BatchItem]]) -> Iterator[BatchResult]:
        owned = self._unstarted()
        source = iter(batches)
        if self._connecting is not None:  # list the first batches while the cluster starts
            source = chain(list(islice(source, self.window or 2 * self.workers)), source)
        self.start()
        try:
            yield from self._run(fn, source)
        finally:
            if owned:
                self.close()

    def _run(self, fn: BatchFn, source: Iterator[list[BatchItem]]) -> Iterator[BatchResult]:
        client = self._client
        window = self.window or 2 * max(1, sum(client.nthreads().values()))
        pending: dict[Any, list[BatchItem]] = {}
        completed = _distributed().as_completed()

        def submit(batch: list[BatchItem]) -> None:
            data = pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL)
            future = client.submit(_unpickled, fn, data, pure=False)
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

    def _page_by_page(self, fn: BatchFn, batch: list[BatchItem]) -> BatchResult:
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
                    message = CRASHED  # the scheduler gave up after its workers kept dying
                else:
                    message = raised_message(error)
                results.append(failed_item(item, message))
            future.release()
        return merge_results(results)
