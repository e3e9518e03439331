"""Progress of a build: a live bar on a terminal, plain log lines anywhere else (CI, pipes).

The build calls :func:`track` once and feeds each batch's result to ``advance``::

    with track(total=len(pages), enabled=not quiet) as progress:
        for result in engine.map(fn, batches):
            progress.advance(result)

Counts are per outcome: pages parsed into records (before de-duplication, which follows),
pages quarantined, and container records skipped (not pages). ``pages`` counts inputs as
the build report does: every page or unreadable input, not the skipped records. The total
is counted beside the build (:func:`count_inputs`) when the sources are files and folders,
whose pages can be counted by listing them; archives and JSONL files hold an unknown number.
"""

from __future__ import annotations

import contextlib
import glob
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from broadsheet.build.batchresult import BatchResult
from broadsheet.sources.location import is_url, local_path
from broadsheet.sources.manifest import MANIFEST_NAMES
from broadsheet.sources.walk import GLOB_MAGIC, walk, walk_glob

Clock = Callable[[], float]


@dataclass(slots=True)
class Counts:
    """Running totals over the batches seen so far."""

    pages: int = 0
    parsed: int = 0
    quarantined: int = 0
    skipped: int = 0

    def add(self, result: BatchResult) -> None:
        skipped = sum(result.skipped.values())
        self.pages += result.inputs - skipped
        self.parsed += result.accepted
        self.quarantined += len(result.quarantined)
        self.skipped += skipped


class ProgressSink(Protocol):
    """What the build reports to: one call per batch result."""

    counts: Counts

    def advance(self, result: BatchResult) -> None: ...

    def set_total(self, total: int | None) -> None: ...


class NullProgress:
    """Counts, shows nothing (progress disabled)."""

    def __init__(self) -> None:
        self.counts = Counts()
        self.total: int | None = None

    def advance(self, result: BatchResult) -> None:
        self.counts.add(result)

    def set_total(self, total: int | None) -> None:
        self.total = total


def _rate(pages: int, seconds: float) -> float:
    return pages / seconds if seconds > 0 else 0.0


class LogProgress:
    """One plain line every ``every_pages`` pages or ``every_seconds`` seconds, and at the end."""

    def __init__(
        self,
        total: int | None,
        stream: TextIO,
        *,
        every_pages: int = 10_000,
        every_seconds: float = 15.0,
        clock: Clock = time.monotonic,
    ) -> None:
        self.counts = Counts()
        self.total = total
        self._stream = stream
        self._every_pages = every_pages
        self._every_seconds = every_seconds
        self._clock = clock
        self._start = clock()
        self._last_time = self._start
        self._last_pages = 0

    def _line(self, prefix: str) -> str:
        c = self.counts
        elapsed = self._clock() - self._start
        done = f"{c.pages:,}"
        total = self.total
        if prefix == "done" and total is not None:
            total = c.pages  # (a count made by listing files may miss a manifest's rows)
        if total:
            done += f"/{total:,} pages ({100 * c.pages / total:.0f}%)"
        else:
            done += " pages"
        return (
            f"{prefix}: {done}, {_rate(c.pages, elapsed):,.0f} pages/s; parsed {c.parsed:,}, "
            f"quarantined {c.quarantined:,}, skipped {c.skipped:,}; {elapsed:.1f} s"
        )

    def set_total(self, total: int | None) -> None:
        self.total = total

    def advance(self, result: BatchResult) -> None:
        self.counts.add(result)
        now = self._clock()
        if (
            self.counts.pages - self._last_pages >= self._every_pages
            or now - self._last_time >= self._every_seconds
        ):
            self._emit("progress")
            self._last_pages = self.counts.pages
            self._last_time = now

    def finish(self) -> None:
        self._emit("done")

    def _emit(self, prefix: str) -> None:
        self._stream.write(self._line(prefix) + "\n")
        self._stream.flush()


class _PagesPerSecond(ProgressColumn):
    """Pages per second since the start (the whole run's rate once it is over)."""

    def render(self, task: Task) -> Text:
        elapsed = task.finished_time if task.finished else task.elapsed
        return Text(
            f"{_rate(int(task.completed), elapsed or 0.0):,.0f} pages/s",
            style="progress.data.speed",
        )


class RichProgress:
    """A live bar on a terminal: pages (of the total, when known), pages/s, counts by
    outcome and the elapsed time."""

    def __init__(self, total: int | None, console: Console) -> None:
        self.counts = Counts()
        self._bar = Progress(
            TextColumn("[bold]pages"),
            BarColumn(),
            MofNCompleteColumn(),
            _PagesPerSecond(),
            TextColumn(
                "[green]{task.fields[parsed]:,} parsed[/] "
                "[yellow]{task.fields[quarantined]:,} quarantined[/] "
                "[dim]{task.fields[skipped]:,} skipped[/]"
            ),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self._task: TaskID = self._bar.add_task(
            "build", total=total, parsed=0, quarantined=0, skipped=0
        )

    def __enter__(self) -> RichProgress:
        self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        # the end: the bar full, its rate over the whole run, the elapsed time frozen
        self._bar.update(self._task, total=self.counts.pages, completed=self.counts.pages)
        self._bar.stop()

    def set_total(self, total: int | None) -> None:
        self._bar.update(self._task, total=total)

    def advance(self, result: BatchResult) -> None:
        self.counts.add(result)
        c = self.counts
        self._bar.update(
            self._task,
            completed=c.pages,
            parsed=c.parsed,
            quarantined=c.quarantined,
            skipped=c.skipped,
        )


def is_interactive(stream: TextIO) -> bool:
    """A live display only on a terminal, and never under CI (``CI`` set and not false)."""
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


@contextmanager
def track(
    total: int | None,
    enabled: bool = True,
    *,
    stream: TextIO | None = None,
    every_pages: int = 10_000,
    every_seconds: float = 15.0,
) -> Iterator[ProgressSink]:
    """Show a build's progress on ``stream`` (default stderr) while the block runs.

    ``total`` is the number of inputs when known (None: a count without a percentage).
    Disabled, nothing is shown but the counts are still kept.
    """
    out = stream if stream is not None else sys.stderr
    if not enabled:
        yield NullProgress()
    elif is_interactive(out):
        with RichProgress(total, Console(file=out)) as bar:
            yield bar
    else:
        log = LogProgress(total, out, every_pages=every_pages, every_seconds=every_seconds)
        yield log
        log.finish()


_STREAMED = (".warc", ".warc.gz", ".jsonl", ".jsonl.gz")


def _listed(source: str) -> list[str]:
    """The files ``source`` names, as the sources read them (a missing one: itself)."""
    if os.path.isdir(source):
        found = walk(source)
        return found.files or [source]  # (an empty folder: one unreadable input)
    if os.path.lexists(source) or not GLOB_MAGIC.search(source):
        return [source]
    if "**" in Path(source).parts:
        return walk_glob(source).files or [source]
    files: list[str] = []
    for match in sorted(glob.glob(source)):
        if os.path.isdir(match):
            files += walk(match).files
        elif os.path.basename(match) not in MANIFEST_NAMES:
            files.append(match)
    return files or [source]


def count_inputs(sources: Sequence[str | Path]) -> int | None:
    """How many inputs the sources hold, by listing them (no file is read); None when one
    of them is an archive or a JSONL file, whose pages are known only once read, or a URL
    (not listed twice)."""
    seen: set[str] = set()
    for source in sources:
        if is_url(os.fsdecode(source)):
            return None
        files = _listed(local_path(os.fsdecode(source)))
        for file in files:
            if file.lower().endswith(_STREAMED):
                return None
            seen.add(os.path.abspath(file))
    return len(seen)


def count_in_background(sources: Sequence[str | Path], sink: ProgressSink) -> None:
    """Count the inputs on a thread and give the total to ``sink`` when known."""

    def run() -> None:
        with contextlib.suppress(OSError, ValueError):  # no total: the count is still shown
            sink.set_total(count_inputs(sources))

    threading.Thread(target=run, name="broadsheet-count", daemon=True).start()
