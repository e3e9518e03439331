"""Batches of a build: consecutive inputs, cut by count and by bytes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from broadsheet.sources.items import BatchItem, Page, PageRef, RecordRef

T = TypeVar("T")


def batched(
    items: Iterable[T],
    size: int,
    max_bytes: int | None = None,
    weigh: Callable[[T], int] = lambda item: 0,
) -> Iterator[list[T]]:
    """Lists of ``size`` consecutive items (the last one shorter), read lazily; with
    ``max_bytes``, a list also ends once its items ``weigh`` that much (one item at least)."""
    batch: list[T] = []
    held = 0
    for item in items:
        batch.append(item)
        held += weigh(item)
        if len(batch) == size or (max_bytes is not None and held >= max_bytes):
            yield batch
            batch, held = [], 0
    if batch:
        yield batch


def page_bytes(item: BatchItem) -> int:
    """The bytes of a page, read or listed (0 for other items)."""
    if isinstance(item, Page):
        return len(item.data)
    return item.size if isinstance(item, PageRef | RecordRef) else 0
