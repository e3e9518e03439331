"""Engines run a batch function over a stream of batches: here, on processes, or on Dask.

An engine may return results in any order; the build sorts everything it writes, so
the release does not depend on scheduling.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Protocol

from broadsheet.pipeline import BatchResult
from broadsheet.sources import SourceItem

BatchFn = Callable[[list[SourceItem]], BatchResult]


class Engine(Protocol):
    """Runs ``fn`` over ``batches``; yields one BatchResult per batch, in any order."""

    name: str

    def map(self, fn: BatchFn, batches: Iterable[list[SourceItem]]) -> Iterator[BatchResult]: ...


class SerialEngine:
    """Everything in the calling process, in order (the reference for the others)."""

    name = "serial"

    def map(self, fn: BatchFn, batches: Iterable[list[SourceItem]]) -> Iterator[BatchResult]:
        for batch in batches:
            yield fn(batch)
