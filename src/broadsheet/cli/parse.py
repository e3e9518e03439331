"""``broadsheet parse``: pages in, one JSON object per page out.

Pages are parsed in this process, or, when there are more than a few and more than one
worker is asked for, on worker processes forked from it (each has the parsers imported
already); the output is the same, in the same order, either way. Only what parsing a page
needs is imported: none of the table, Arrow or Dask libraries of ``broadsheet build``.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path

from broadsheet.build.interpreter import collect_less_often, settle_heap
from broadsheet.build.lifeline import die_with_parent
from broadsheet.build.pages import process_item
from broadsheet.errors import UsageError
from broadsheet.records.model import Article
from broadsheet.records.quarantine import Quarantined
from broadsheet.sources.files import iter_sources
from broadsheet.sources.items import BatchItem, Page, Skipped
from broadsheet.sources.limits import DEFAULT_LIMITS
from broadsheet.sources.sanitize import clean_url

Outcome = Article | Quarantined | Skipped
Line = tuple[bool, str] | None
"""A page as printed: whether it failed, and its JSON (None: a skipped input)."""

PARALLEL_MIN_PAGES = 16
"""Inputs with fewer pages than this are parsed in this process (forking costs more)."""
_IN_FLIGHT = 4
"""Pages handed to the workers ahead of the output, per worker."""


def default_workers() -> int:
    """Every core this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # (not Linux)
        return os.cpu_count() or 1


def _format(outcome: Outcome, indent: int | None) -> Line:
    """The outcome as printed: whether it is a failure, and its JSON (None: nothing)."""
    if isinstance(outcome, Skipped):
        return None
    if isinstance(outcome, Article):
        return False, json.dumps(outcome.to_json_dict(), ensure_ascii=False, indent=indent)
    error = {"code": outcome.code, "message": outcome.message}
    out = {"source_file": outcome.source_file, "error": error}
    return True, json.dumps(out, ensure_ascii=False, indent=indent)


def _line(item: BatchItem, indent: int | None) -> Line:
    """One page parsed and printed (what a worker sends back: a line, not a record)."""
    outcome = process_item(item, DEFAULT_LIMITS.parse_timeout_seconds, DEFAULT_LIMITS)
    return _format(outcome, indent)


def _pool(workers: int) -> ProcessPoolExecutor:
    """Workers forked from this process, each killed by the kernel if this process dies."""
    context = multiprocessing.get_context("fork")
    return ProcessPoolExecutor(workers, mp_context=context, initializer=die_with_parent)


def _alone(item: BatchItem, indent: int | None) -> Line:
    """A page whose worker died, parsed again on a worker of its own."""
    with _pool(1) as pool:
        try:
            return pool.submit(_line, item, indent).result()
        except BrokenProcessPool:
            message = f"parsing {item.source_file} ended its worker process, even when run alone"
            failure = Quarantined(item.source_file, None, "worker_failed", message, "parse")
            return _format(failure, indent)


def _parallel(items: Iterable[BatchItem], workers: int, indent: int | None) -> Iterator[Line]:
    """Lines in input order, a bounded number of pages ahead on ``workers`` processes.

    When a worker dies (a crash in a C library) the pages handed out and not yet printed
    are each parsed again on a worker of their own, and the rest go to a new pool.
    """
    ahead = _IN_FLIGHT * workers
    pending = iter(items)
    while True:
        window: deque[tuple[BatchItem, Future[Line] | None]] = deque()
        with _pool(workers) as pool:
            try:
                for item in pending:
                    window.append((item, None))  # (kept if the pool breaks in submit)
                    window[-1] = (item, pool.submit(_line, item, indent))
                    if len(window) >= ahead:
                        yield _result(window)
                while window:
                    yield _result(window)
                return
            except BrokenProcessPool:
                pass
        for item, _future in window:
            yield _alone(item, indent)


def _result(window: deque[tuple[BatchItem, Future[Line] | None]]) -> Line:
    """The line of the oldest page in ``window``, then taken out of it."""
    future = window[0][1]
    assert future is not None
    line = future.result()
    window.popleft()
    return line


def parse_command(
    files: Sequence[str | Path], *, url: str | None, pretty: bool, workers: int | None = None
) -> bool:
    """Print each page's record or error; return True when any page failed.

    Reading and parsing are bounded by the default ``[limits]`` (see
    :mod:`broadsheet.sources.limits`), the per-page time limit included. ``workers``
    processes parse the pages (default: every core; 1 parses them in this process).
    """
    if url and len(files) != 1:
        raise UsageError("bad_usage", f"--url applies to one file, got {len(files)}")
    if url:
        try:
            url = clean_url(url)
        except ValueError as exc:
            raise UsageError("bad_usage", f"--url: {exc}") from exc
    if workers is not None and workers < 1:
        raise UsageError("bad_usage", f"--workers must be at least 1, got {workers}")
    workers = 1 if url else workers or default_workers()
    if "fork" not in multiprocessing.get_all_start_methods():
        workers = 1  # (workers are forked with the parsers loaded; elsewhere: one process)
    # A parse makes many short-lived objects and keeps the libraries: collect less often.
    collect_less_often()
    settle_heap()
    names = [str(f) for f in files]
    items: Iterator[BatchItem] = iter(iter_sources(names, refs=workers > 1))
    first = list(itertools.islice(items, PARALLEL_MIN_PAGES))
    if url:
        first = [replace(i, url=url) if isinstance(i, Page) else i for i in first]
        items = (replace(i, url=url) if isinstance(i, Page) else i for i in items)
    indent = 2 if pretty else None
    pages = itertools.chain(first, items)
    if workers > 1 and len(first) == PARALLEL_MIN_PAGES:
        lines = _parallel(pages, workers, indent)
    else:
        lines = (_line(item, indent) for item in pages)
    failed = False
    for line in lines:
        if line is not None:
            failed = failed or line[0]
            sys.stdout.write(line[1] + "\n")
    return failed
