"""Progress of a build: a live bar on a terminal, plain log lines anywhere else (CI, pipes).

The build calls :func:`track` once and feeds each batch's result to ``advance``::

    with track(total=len(pages), enabled=not quiet) as progress:
        for result in engine.map(fn, batches):
            progress.advance(result)

Counts are per outcome: accepted rows, quarantined inputs and skipped container records.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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

from broadsheet.build.pipeline import BatchResult

Clock = Callable[[], float]


@dataclass(slots=True)
class Counts:
    """Running totals over the batches seen so far."""

    pages: int = 0
    accepted: int = 0
    quarantined: int = 0
    skipped: int = 0

    def add(self, result: BatchResult) -> None:
        self.pages += result.inputs
        self.accepted += result.table.num_rows
        self.quarantined += len(result.quarantined)
        self.skipped += sum(result.skipped.values())


class ProgressSink(Protocol):
    """What the build reports to: one call per batch result."""

    counts: Counts

    def advance(self, result: BatchResult) -> None: ...


class NullProgress:
    """Counts, shows nothing (progress disabled)."""

    def __init__(self) -> None:
        self.counts = Counts()

    def advance(self, result: BatchResult) -> None:
        self.counts.add(result)


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
        if self.total:
            done += f"/{self.total:,} pages ({100 * c.pages / self.total:.0f}%)"
        else:
            done += " pages"
        return (
            f"{prefix}: {done}, {_rate(c.pages, elapsed):,.0f} pages/s; accepted {c.accepted:,}, "
            f"quarantined {c.quarantined:,}, skipped {c.skipped:,}; {elapsed:.1f} s"
        )

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
    def render(self, task: Task) -> Text:
        return Text(f"{task.speed or 0:,.0f} pages/s", style="progress.data.speed")


class RichProgress:
    """A live bar on a terminal: pages, pages/s and counts by outcome."""

    def __init__(self, total: int | None, console: Console) -> None:
        self.counts = Counts()
        self._bar = Progress(
            TextColumn("[bold]pages"),
            BarColumn(),
            MofNCompleteColumn(),
            _PagesPerSecond(),
            TextColumn(
                "[green]{task.fields[accepted]:,} accepted[/] "
                "[yellow]{task.fields[quarantined]:,} quarantined[/] "
                "[dim]{task.fields[skipped]:,} skipped[/]"
            ),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self._task: TaskID = self._bar.add_task(
            "build", total=total, accepted=0, quarantined=0, skipped=0
        )

    def __enter__(self) -> RichProgress:
        self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.stop()

    def advance(self, result: BatchResult) -> None:
        self.counts.add(result)
        c = self.counts
        self._bar.update(
            self._task,
            completed=c.pages,
            accepted=c.accepted,
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
