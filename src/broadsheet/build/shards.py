"""Writing a release's shards from the spill, and folding the card statistics on the way.

Rows go out in id order, split into shards by estimated bytes; each row group is gathered
from the spill by its id range, so memory holds one row group at a time. The card
statistics fold each row group on a thread of their own, in order, while the next one is
gathered and compressed (Arrow's work releases the interpreter lock).

The card's prose measures of its text sample (the first rows in id order) cost far more per
row than anything else here, so with an engine that has workers they are taken there first,
in slices, and the workers are stopped before the shards are written (their memory is not
needed any more); the fold then only adds the workers' tallies up, in order.
"""

from __future__ import annotations

import functools
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pyarrow as pa

from broadsheet.build.dedup import RecordKey
from broadsheet.build.staging import Spill, plan_shards
from broadsheet.card.stats import CardStats
from broadsheet.card.text import TextTally, measure_text
from broadsheet.recipe import DatasetInfo
from broadsheet.release.fingerprint import Fingerprint
from broadsheet.release.layout import ShardWriter, shard_name

A = TypeVar("A")
R = TypeVar("R")
TaskRunner = Callable[[Callable[[A], R], Iterable[A]], list[R]]

TEXT_SLICE = 500
"""Rows of the text sample per task sent to a worker."""


@dataclass(slots=True)
class Shards:
    """What was written: the fingerprint of the rows, each row's digest by id, the shard
    names and the Arrow bytes of the rows."""

    fingerprint: Fingerprint
    digests: dict[str, bytes]
    shards: list[str]
    num_bytes: int


@dataclass(frozen=True, slots=True)
class _Chunk:
    """One row group to write: rows [first, last] of the kept keys, in shard ``shard``."""

    shard: int
    first: int
    last: int


def _chunks(kept: list[RecordKey], info: DatasetInfo) -> list[_Chunk]:
    ranges = plan_shards([k.nbytes for k in kept], info.shard_max_bytes)
    step = info.row_group_rows
    chunks = [
        _Chunk(index, first, min(first + step, stop) - 1)
        for index, (start, stop) in enumerate(ranges)
        for first in range(start, stop, step)
    ]
    return chunks or [_Chunk(0, 0, -1)]  # an empty release still has one (empty) shard


def _text_slices(chunks: list[_Chunk], sample: int) -> list[list[tuple[int, int]]]:
    """Per chunk, the [start, stop) row ranges of its part of the text sample, cut in slices
    of at most :data:`TEXT_SLICE` rows (slices never cross a chunk)."""
    out: list[list[tuple[int, int]]] = []
    for chunk in chunks:
        stop = min(chunk.last + 1, sample)
        out.append([(a, min(a + TEXT_SLICE, stop)) for a in range(chunk.first, stop, TEXT_SLICE)])
    return out


def write_shards(
    release: Path,
    kept: list[RecordKey],
    dropped: set[int],
    spill: Spill,
    info: DatasetInfo,
    stats: CardStats,
    run_tasks: TaskRunner[Any, Any] | None = None,
    workers_done: Callable[[], None] | None = None,
) -> Shards:
    """Write ``data/train-*.parquet`` under ``release`` and fold ``stats`` (see the module
    docstring).

    ``run_tasks`` runs a function over items on the engine's workers, results in order
    (``Engine.run_tasks``): the text sample is measured there first, then ``workers_done``
    is called (to stop the workers before the shards take memory). Without it the sample is
    measured here, on the card thread, while the shards are written."""
    chunks = _chunks(kept, info)
    step = info.row_group_rows
    exclude = pa.array(sorted(dropped), pa.int64())

    def gather(first: int, last: int) -> tuple[pa.Table, list[bytes]]:
        table, digests = spill.gather(kept[first].id, kept[last].id, exclude)
        if table.num_rows != last - first + 1:
            raise RuntimeError(
                f"gathered {table.num_rows} rows for ids {kept[first].id}..{kept[last].id}, "
                f"expected {last - first + 1}"
            )
        return table, digests

    slices = _text_slices(chunks, stats.text_rows(len(kept)))  # before any row is folded
    tallies: list[list[TextTally]] = [[] for _ in chunks]

    def measure_sample() -> None:
        measure = functools.partial(
            measure_text, lexicon=stats.lexicon, outlets=tuple(stats.outlets)
        )
        tables = (gather(a, b - 1)[0] for per_chunk in slices for a, b in per_chunk)
        found = iter((run_tasks or _here)(measure, tables))  # gathered as they are sent
        for index, per_chunk in enumerate(slices):
            tallies[index] = [next(found) for _ in per_chunk]

    if run_tasks is not None:
        measure_sample()
        if workers_done is not None:
            workers_done()
    done = Shards(Fingerprint(), {}, [], 0)
    folding: deque[Future[None]] = deque()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="card-stats") as card:
        if run_tasks is None:
            folding.append(card.submit(measure_sample))  # the fold waits for it: same thread
        writer: ShardWriter | None = None
        try:
            for index, chunk in enumerate(chunks):
                name = shard_name(chunk.shard, chunks[-1].shard + 1)
                if writer is None or name != done.shards[-1]:
                    if writer is not None:
                        writer.close()
                    writer = ShardWriter(release / "data" / name, row_group_rows=step)
                    done.shards.append(name)
                if chunk.last < chunk.first:
                    continue
                table, digests = gather(chunk.first, chunk.last)
                done.digests.update(done.fingerprint.add(table, digests))
                table = writer.write(table)
                done.num_bytes += table.nbytes
                while len(folding) >= 2:
                    folding.popleft().result()
                folding.append(card.submit(_fold, stats, table, tallies, index))
        finally:
            if writer is not None:
                writer.close()
        while folding:
            folding.popleft().result()
    return done


def _here(fn: Callable[[A], R], items: Iterable[A]) -> list[R]:
    return [fn(item) for item in items]


def _fold(stats: CardStats, table: pa.Table, tallies: list[list[TextTally]], index: int) -> None:
    stats.add(table, tallies[index])
