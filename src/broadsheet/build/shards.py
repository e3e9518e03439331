"""Writing a release's shards from the spill parts, and the card statistics of their rows.

Rows go out in id order, split into shards by estimated bytes and into row groups of the
recipe's ``row_group_rows``. Everything that reads rows is a task (:class:`ShardTask`,
:class:`TextTask`) that gathers them from the spill parts itself, so with an engine that has
workers (``Engine.run_tasks``) the build process sends only row numbers and receives digests
and the card's partial statistics: the workers write the shard files into the staged release
(or under a staging URL, from where the build downloads them into it), fold the card
statistics of each row group they write (the rows are read from the spill once for both),
and measure the card's text sample (the first rows in id order, only the columns the
measures read) in slices. The build chains the digests into the fingerprint and merges the
partials in row-group order (:mod:`broadsheet.build.cardmerge`), so nothing depends on which
worker did what. Without workers the same tasks run here, on two threads (Arrow's
compression and sorting release the interpreter lock).
"""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Callable, Collection, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from broadsheet.build.cardmerge import fold_rows, merge_into
from broadsheet.build.keys import Keys
from broadsheet.build.parts import Rows, rows_of, write_part
from broadsheet.build.staging import Spill, plan_shards
from broadsheet.card.stats import CardStats
from broadsheet.card.text import TEXT_COLUMNS, TextTally, measure_text
from broadsheet.recipe import DatasetInfo
from broadsheet.release.fingerprint import Fingerprint, record_digests_of
from broadsheet.release.layout import ShardWriter, shard_name
from broadsheet.sources.location import download, is_url, join_url, upload

A = TypeVar("A")
R = TypeVar("R")
TaskRunner = Callable[[Callable[[A], R], Iterable[A]], list[R]]
Rewrite = Callable[[pa.Table], tuple[pa.Table, list[int]]]

TEXT_SLICE = 500
"""Rows of the text sample per task sent to a worker."""
REWRITE_ROWS = 1000
"""Rows rewritten at a time (see ``rewrite`` of :func:`write_shards`)."""


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


def _chunks(kept: Keys, info: DatasetInfo) -> list[_Chunk]:
    ranges = plan_shards(kept.column("nbytes"), info.shard_max_bytes)
    step = info.row_group_rows
    chunks = [
        _Chunk(index, first, min(first + step, stop) - 1)
        for index, (start, stop) in enumerate(ranges)
        for first in range(start, stop, step)
    ]
    return chunks or [_Chunk(0, 0, -1)]  # an empty release still has one (empty) shard


def _read(rows: Rows, columns: tuple[str, ...] | None = None) -> tuple[pa.Table, list[bytes]]:
    table, digests = rows.read(columns)
    if table.num_rows != len(rows):
        raise RuntimeError(f"gathered {table.num_rows} rows from the spill, expected {len(rows)}")
    return table, digests


@dataclass(frozen=True, slots=True)
class Written:
    """One row group written: its rows' digests, their Arrow bytes and the card's partial
    statistics of its rows (text measures left out)."""

    digests: list[bytes]
    nbytes: int
    card: CardStats


@dataclass(frozen=True, slots=True)
class ShardTask:
    """Write one shard file at ``path``, one row group per item of ``groups``, and fold the
    card statistics of each group into a copy of ``template``."""

    path: str
    groups: tuple[Rows, ...]
    row_group_rows: int
    template: CardStats

    def __call__(self) -> list[Written]:
        if not is_url(self.path):
            return self._write(Path(self.path))
        with tempfile.TemporaryDirectory(prefix="broadsheet-shard-") as folder:
            local = Path(folder) / "shard.parquet"  # written here, then uploaded whole
            out = self._write(local)
            upload(str(local), self.path)
            return out

    def _write(self, path: Path) -> list[Written]:
        """Each row group is encoded and compressed (Arrow, outside the interpreter lock) on a
        thread while its card statistics are folded (Python) here: the two overlap."""
        out: list[Written] = []
        writer = ShardWriter(path, row_group_rows=self.row_group_rows)
        try:
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="shard-write") as pool:
                for rows in self.groups:
                    if not len(rows):
                        continue
                    table, digests = _read(rows)
                    writing = pool.submit(writer.write, table)  # (both only read the rows)
                    card = fold_rows(self.template, table)
                    out.append(Written(digests, writing.result().nbytes, card))
                    del table, writing  # before the next group is read: one in memory at a time
        finally:
            writer.close()
        return out


@dataclass(frozen=True, slots=True)
class TextTask:
    """The text measures of a slice of the text sample (read: only their columns)."""

    rows: Rows
    measure: Callable[[pa.Table], TextTally]

    def __call__(self) -> TextTally:
        return self.measure(_read(self.rows, TEXT_COLUMNS)[0])


def run_task(task: Callable[[], R]) -> R:
    """What a worker runs for each task of :func:`write_shards` (Arrow's memory that the
    task freed is handed back to the system after it, not kept for later tasks)."""
    try:
        return task()
    finally:
        pa.default_memory_pool().release_unused()


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
    kept: Keys,
    spill: Spill,
    info: DatasetInfo,
    stats: CardStats,
    run_tasks: TaskRunner[Any, Any] | None = None,
    rewrite: Rewrite | None = None,
    rewritten: Collection[str] = (),
    shared: str | None = None,
) -> Shards:
    """Write ``data/train-*.parquet`` under ``release`` and fold ``stats`` (see the module
    docstring); ``kept`` are the keys of the rows to write, sorted by id. With ``shared`` (a
    folder URL that every worker can write) the tasks write the shard files there and they
    are downloaded into ``release`` once all are written.

    ``run_tasks`` runs a function over items on the engine's workers, results in order
    (``Engine.run_tasks``); without it the tasks run here. ``rewrite`` changes rows before
    they are written (the corpus passes' ``Decision.apply``: the table and the positions of
    the rows it changed); it runs here, on the rows whose ids are in ``rewritten`` only,
    which go to a spill part of their own with their new digests."""
    if rewrite is not None and rewritten:
        kept = _rewrite(kept, spill, rewrite, rewritten)
    chunks = _chunks(kept, info)
    refs = kept.refs()

    def rows(first: int, stop: int) -> Rows:
        return rows_of(refs[first:stop], spill.paths)

    shard_count = chunks[-1].shard + 1
    names = [shard_name(index, shard_count) for index in range(shard_count)]
    data = release / "data"
    tasks: list[Callable[[], Any]] = [
        ShardTask(
            join_url(shared, name) if shared is not None else str(data / name),
            tuple(rows(c.first, c.last + 1) for c in chunks if c.shard == index),
            info.row_group_rows,
            stats,
        )
        for index, name in enumerate(names)
    ]
    data.mkdir(parents=True, exist_ok=True)
    filled = [c for c in chunks if c.last >= c.first]
    slices = _text_slices(filled, stats.text_rows(len(kept)))
    measure = functools.partial(
        measure_text,
        lexicon=stats.lexicon,
        outlets=tuple(stats.outlets),
        languages=stats.text_languages,
    )
    tasks += [TextTask(rows(a, b), measure) for per_chunk in slices for a, b in per_chunk]
    results = iter((run_tasks or _here)(run_task, tasks))

    done = Shards(Fingerprint(), {}, names, 0)
    written: list[Written] = [group for _ in names for group in next(results)]
    for chunk, group in zip(filled, written, strict=True):
        ids = kept[chunk.first : chunk.last + 1].table.select(["id"])
        done.digests.update(done.fingerprint.add(ids, group.digests))
        done.num_bytes += group.nbytes
    for group, per_chunk in zip(written, slices, strict=True):
        merge_into(stats, group.card)
        for _ in per_chunk:
            stats.add_text(next(results))
    if shared is not None:
        for name in names:
            download(join_url(shared, name), str(data / name))
    return done


def _rewrite(kept: Keys, spill: Spill, rewrite: Rewrite, rewritten: Collection[str]) -> Keys:
    """``kept`` with the rows whose ids are in ``rewritten`` rewritten into new spill parts
    (in id order, :data:`REWRITE_ROWS` at a time); their keys point there."""
    ids = kept.table.column("id")
    positions = np.flatnonzero(
        pc.is_in(ids, value_set=pa.array(list(rewritten), pa.string())).to_numpy(
            zero_copy_only=False
        )
    )
    refs = kept.refs().copy()
    for start in range(0, len(positions), REWRITE_ROWS):
        mine = positions[start : start + REWRITE_ROWS]
        table, _ = rows_of(refs[mine], spill.paths).read()
        table, _changed = rewrite(table)
        name, keys = write_part(str(spill.folder), table, record_digests_of(table))
        number = spill.add([name])[name]
        moved = dict(
            zip(keys.column("id").to_pylist(), keys.column("row").to_pylist(), strict=True)
        )
        for i in mine:
            refs[i] = (number << 32) | moved[ids[int(i)].as_py()]
    return kept.with_refs(refs)


def _here(fn: Callable[[A], R], items: Iterable[A]) -> list[R]:
    """The tasks in this process, two at a time (in threads), results in order."""
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="shards") as pool:
        return list(pool.map(fn, items))
