"""An engine wrapper for the tests that check who does what in a build."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from broadsheet.build.batchresult import BatchResult
from broadsheet.build.engines import BatchFn
from broadsheet.sources.items import BatchItem


class Watched:
    """An engine wrapper that keeps every batch it is given and hands each batch result to
    ``check`` (if any) as it arrives."""

    def __init__(self, engine: Any, check: Callable[[BatchResult], None] | None = None) -> None:
        self.engine = engine
        self.name = engine.name
        self.check = check
        self.batches: list[list[BatchItem]] = []

    def __enter__(self) -> Watched:
        if hasattr(self.engine, "__enter__"):
            self.engine.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if hasattr(self.engine, "__exit__"):
            self.engine.__exit__(*exc)

    def map(self, fn: BatchFn, batches: Iterable[list[BatchItem]]) -> Iterator[BatchResult]:
        def kept() -> Iterator[list[BatchItem]]:
            for batch in batches:
                self.batches.append(batch)
                yield batch

        for result in self.engine.map(fn, kept()):
            if self.check is not None:
                self.check(result)
            yield result

    def run_tasks(self, fn: Any, items: Iterable[Any]) -> list[Any]:
        return list(self.engine.run_tasks(fn, items))


def refuse(what: str) -> Any:
    """A stand-in for a function that the build process must not call."""

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"the build process {what}")

    return refused
