"""What the engines share about their workers: starting them, tying them to their build,
and turning a page that took its worker down into a quarantine entry.

Workers die with their build. A worker process started for a build watches the build
process (a pidfd on Linux, else a poll every half second) and exits at once when it ends,
however it ended (``kill -9`` included); on Linux it also asks the kernel for SIGKILL when
its parent dies (``prctl(PR_SET_PDEATHSIG)``). A worker started from the fork server has
the fork server as its parent, and the fork server itself is killed when the build dies
(:mod:`broadsheet.build.forkserverguard`), so nothing of a killed build is left running.
"""

from __future__ import annotations

import multiprocessing
import os
import select
import threading
import time
from collections import Counter
from collections.abc import Callable

import pyarrow as pa

from broadsheet.build.batchresult import BatchResult
from broadsheet.build.interpreter import collect_less_often, settle_heap, use_build_pool
from broadsheet.build.lifeline import die_with_parent
from broadsheet.corpus.worker import merge_parts
from broadsheet.records.arrow import ARTICLE_SCHEMA
from broadsheet.records.quarantine import Quarantined
from broadsheet.sources.items import BatchItem, Page, SourceFailure
from broadsheet.sources.refs import read_item

WORKER_FAILED = "worker_failed"
"""Reason code of a page whose processing crashed or raised even when run on its own."""

BatchFn = Callable[[list[BatchItem]], BatchResult]
"""What an engine runs on each batch (:func:`broadsheet.build.pipeline.process_batch`, bound)."""

_POLL_SECONDS = 0.5


def warm_worker() -> None:
    """Import the parsing and checking stack once per worker, before the first batch arrives,
    and set the worker's garbage collector for parsing (``interpreter.collect_less_often``)
    and its Arrow memory pool (``interpreter.use_build_pool``) for its life."""
    from broadsheet.parsers.common import detect_language

    detect_language("The parsers and their libraries load once per worker process.")
    collect_less_often()
    use_build_pool()
    settle_heap()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _watch(pid: int) -> None:
    """Block until process ``pid`` ends, then end this process at once."""
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        os._exit(1)
    except (AttributeError, OSError):  # no pidfd (not Linux, or a kernel before 5.3)
        while _alive(pid):
            time.sleep(_POLL_SECONDS)
        os._exit(1)
    select.select([handle], [], [])  # readable once the process has ended
    os._exit(1)


def tie_to_build(build_pid: int, parent_death_signal: bool = True) -> None:
    """End this worker process when the build process ``build_pid`` ends.

    ``parent_death_signal`` also asks the kernel for SIGKILL when the parent dies: right for
    a process started from the fork server or from the build's main thread, not for one a
    short-lived thread started (the kernel counts the starting thread as the parent).
    """
    if os.getpid() == build_pid:
        return  # run in the build itself (a serial engine): nothing to tie
    if parent_death_signal:
        die_with_parent()
    threading.Thread(
        target=_watch, args=(build_pid,), name="broadsheet-lifeline", daemon=True
    ).start()


def start_worker(build_pid: int, initializer: Callable[[], None] | None) -> None:
    """A process worker's initializer: tie it to its build, then run ``initializer``."""
    tie_to_build(build_pid)
    if initializer is not None:
        initializer()


FORK_SERVER_PRELOAD = (
    "broadsheet.build.forkserverguard",
    "broadsheet.build.parts",
    "broadsheet.build.pipeline",
    "broadsheet.build.shards",
    "pandas",
)
"""What the fork server imports once, for every worker it starts. pandas is among them
because Arrow imports it (when installed) on the first array it builds from Python objects,
which every batch does: otherwise each worker would import it on its first batch, about
0.2 s of CPU each."""


def mp_context(start_method: str | None) -> multiprocessing.context.BaseContext:
    """Workers start from a fork server that has imported the pipeline once (cheap restarts
    after a crash, safe with threads in the parent), or are spawned where there is none."""
    if start_method is None:
        start_method = (
            "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        )
    context = multiprocessing.get_context(start_method)
    if start_method == "forkserver":
        context.set_forkserver_preload(list(FORK_SERVER_PRELOAD))
    return context


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
        corpus=merge_parts(corpus) if (corpus := [r.corpus for r in results if r.corpus]) else None,
        keys=pa.concat_tables(keys) if (keys := [r.keys for r in results if r.keys]) else None,
        parts=[name for r in results for name in r.parts],
    )


def failed_item(item: BatchItem, message: str) -> BatchResult:
    """The result of one input whose processing failed even when run alone."""
    item = read_item(item)  # a listed page is read here, for its checksum (a rare event)
    sha = (
        item.sha256
        if isinstance(item, Page)
        else item.source_sha256
        if isinstance(item, SourceFailure)
        else None
    )
    entry = Quarantined(item.source_file, sha, WORKER_FAILED, message, "parse")
    return BatchResult(table=ARTICLE_SCHEMA.empty_table(), quarantined=[entry], inputs=1)


def raised_message(exc: BaseException) -> str:
    return (
        f"processing this page raised {type(exc).__name__} on the worker: {exc}; "
        "it was run alone to rule out its batch, and failed again"
    )


CRASHED = (
    "the worker process died while processing this page (the process exited abruptly: "
    "a crash, a native abort or the out-of-memory killer); it was run alone in a fresh "
    "worker to rule out its batch, and the worker died again"
)
