"""A build's staging area: accepted rows spilled to disk, the quarantine as a journal.

While batches stream in, nothing of the corpus stays in memory: accepted rows go to Arrow
IPC spill files and each quarantine entry to one JSON line. The build keeps only small keys
(with each row's estimated size, to plan the shards) and later gathers the shards' rows
from the spill files by id range.

The folder itself, its lock and the removal of stale ones are in :mod:`broadsheet.build.workdir`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from broadsheet.records.arrow import ARTICLE_SCHEMA
from broadsheet.records.quarantine import Quarantined

REF = "__ref"
"""Spill column locating a row: (spill file number << 32) | row number."""
DIGEST = "__digest"
"""Spill column holding each row's content digest, computed by the worker that made it."""


def _string_bytes(array: pa.Array) -> np.ndarray[Any, np.dtype[np.int64]]:
    lengths = pc.fill_null(pc.binary_length(array), 0)
    return np.asarray(lengths.to_numpy(zero_copy_only=False), dtype=np.int64) + 4


def row_nbytes(table: pa.Table) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Estimated Arrow bytes of each row, from that row's values alone.

    String bytes plus offsets, eight bytes per number or time; list items are summed
    back onto their row. A function of the row only, so shard boundaries do not depend
    on how the rows were batched.
    """
    n = table.num_rows
    total = np.zeros(n, dtype=np.int64)
    for field in ARTICLE_SCHEMA:
        column = table.column(field.name).combine_chunks()
        kind = field.type
        if pa.types.is_list(kind):
            parents = np.asarray(pc.list_parent_indices(column).to_numpy(), dtype=np.int64)
            values = pc.list_flatten(column)
            item = kind.value_type
            if pa.types.is_struct(item):
                sizes = np.zeros(len(values), dtype=np.int64)
                for index in range(item.num_fields):
                    sizes += _string_bytes(values.field(index))
            else:
                sizes = _string_bytes(values)
            total += np.bincount(parents, weights=sizes, minlength=n).astype(np.int64) + 4
        elif pa.types.is_string(kind):
            total += _string_bytes(column)
        else:
            total += 8
    return total


def plan_shards(sizes: Sequence[int], max_bytes: int) -> list[tuple[int, int]]:
    """Contiguous [start, stop) ranges over rows in id order, each at most ``max_bytes``.

    Greedy: a shard closes when the next row would overflow it (a single row larger than
    the limit gets a shard of its own). An empty release still has one (empty) shard.
    """
    ranges: list[tuple[int, int]] = []
    start, used = 0, 0
    for index, size in enumerate(sizes):
        if index > start and used + size > max_bytes:
            ranges.append((start, index))
            start, used = index, 0
        used += size
    ranges.append((start, len(sizes)))
    return ranges


@dataclass(frozen=True, slots=True)
class Spilled:
    """A spill file just written: its number, its rows (sorted by id, without the spill
    columns) and each row's estimated bytes (:func:`row_nbytes`)."""

    number: int
    table: pa.Table
    nbytes: list[int]


@dataclass(frozen=True, slots=True)
class SpillFile:
    """One spill file: rows sorted by id, and those ids (to find an id range by bisection)."""

    path: Path
    ids: np.ndarray[Any, np.dtype[np.bytes_]]


class Spill:
    """Accepted rows on disk, in Arrow IPC files of about ``flush_bytes`` each.

    Batches are buffered and written sorted by id, uncompressed, so that reading an id range
    back is a zero-copy slice of a memory-mapped file per spill file: gathering a shard
    costs what the shard holds, however many files there are.

    A full buffer is sorted and written on a thread of its own while the next batches come
    in (Arrow's sorting and writing release the interpreter lock). At most one file is
    being written at a time, so memory holds at most two buffers' worth of rows. Call
    :meth:`close` when done (the build does, whatever happens).
    """

    def __init__(self, folder: Path, flush_bytes: int = 16 * 1024 * 1024) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.files: list[SpillFile] = []
        self._flush_bytes = flush_bytes
        self._buffer: list[pa.Table] = []
        self._buffered = 0
        self._writer: ThreadPoolExecutor | None = None
        self._writing: Future[Spilled] | None = None

    def add(self, table: pa.Table, digests: list[bytes]) -> list[Spilled]:
        """Buffer a batch's rows and their content digests; returns the spill files finished
        since the last call."""
        table = table.select(ARTICLE_SCHEMA.names).cast(ARTICLE_SCHEMA)
        table = table.append_column(DIGEST, pa.array(digests, pa.binary(32)))
        self._buffer.append(table)
        self._buffered += table.nbytes
        finished = self._finished(wait=False)
        if self._buffered >= self._flush_bytes:
            finished += self._finished(wait=True)  # one file in writing at a time
            self._start_writing()
        return finished

    def flush(self) -> list[Spilled]:
        """Write the buffered rows as one spill file and wait for every file to be written;
        returns those not returned yet."""
        finished = self._finished(wait=True)
        self._start_writing()
        return finished + self._finished(wait=True)

    def close(self) -> None:
        """Stop the writing thread (after the file it is writing, if any)."""
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.shutdown(wait=True)

    def _start_writing(self) -> None:
        if not self._buffer:
            return
        buffer, self._buffer, self._buffered = self._buffer, [], 0
        if self._writer is None:
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spill")
        self._writing = self._writer.submit(self._write, len(self.files), buffer)

    def _finished(self, *, wait: bool) -> list[Spilled]:
        writing = self._writing
        if writing is None or not (wait or writing.done()):
            return []
        self._writing = None
        return [writing.result()]  # a failed write raises here, in the build

    def _write(self, number: int, buffer: list[pa.Table]) -> Spilled:
        """Write rows as spill file ``number`` (sorted by id; a ``REF`` column)."""
        table = pa.concat_tables(buffer).sort_by("id").combine_chunks()
        refs = pa.array([(number << 32) | i for i in range(table.num_rows)], pa.int64())
        table = table.append_column(REF, refs)
        path = self.folder / f"spill-{number:06d}.arrow"
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
        ids = np.array(table.column("id").to_pylist(), dtype="S16")
        self.files.append(SpillFile(path, ids))
        rows = table.drop_columns([REF, DIGEST])
        return Spilled(number, rows, row_nbytes(rows).tolist())

    @staticmethod
    def _open(spill: SpillFile) -> pa.Table:
        return pa.ipc.open_file(pa.memory_map(str(spill.path))).read_all()

    def gather(
        self, first_id: str, last_id: str, exclude: pa.Array
    ) -> tuple[pa.Table, list[bytes]]:
        """Rows with first_id <= id <= last_id, minus the refs in ``exclude``, sorted by id,
        and their content digests."""
        low, high = first_id.encode("ascii"), last_id.encode("ascii")
        parts = []
        for spill in self.files:
            start = int(np.searchsorted(spill.ids, low, side="left"))
            stop = int(np.searchsorted(spill.ids, high, side="right"))
            if stop > start:
                parts.append(self._open(spill).slice(start, stop - start))
        if not parts:
            return ARTICLE_SCHEMA.empty_table(), []
        table = pa.concat_tables(parts)
        order = pc.sort_indices(table.column("id"))
        if len(exclude):
            dropped = pc.is_in(pc.take(table.column(REF), order), value_set=exclude)
            order = pc.filter(order, pc.invert(dropped))
        table = table.take(order)
        digests: list[bytes] = table.column(DIGEST).to_pylist()
        return table.drop_columns([REF, DIGEST]).combine_chunks(), digests

    def rows_by_ref(self, refs: list[int]) -> dict[int, dict[str, Any]]:
        """The spilled rows with these refs, as Python dicts."""
        by_file: dict[int, list[int]] = {}
        for ref in refs:
            by_file.setdefault(ref >> 32, []).append(ref & 0xFFFFFFFF)
        rows: dict[int, dict[str, Any]] = {}
        for number, positions in sorted(by_file.items()):
            table = self._open(self.files[number]).take(pa.array(positions, pa.int64()))
            for row in table.drop_columns([DIGEST]).to_pylist():
                rows[int(row.pop(REF))] = row
        return rows


def _json_default(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} in a quarantine entry")


@dataclass(frozen=True, slots=True)
class QuarantineIndex:
    """What the build keeps in memory of one quarantine entry (the entry is on disk)."""

    source_file: str
    code: str
    digest: bytes
    offset: int
    length: int
    source_sha256: str | None
    url: str | None
    captured_at: str | None
    captured_after: str | None
    parser: str | None
    page_type: str | None = None


class QuarantineLog:
    """Quarantine entries appended as JSON lines; read back sorted by (source_file, code)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.index: list[QuarantineIndex] = []
        self._handle = path.open("wb")
        self._offset = 0

    def add(self, entry: Quarantined) -> None:
        data = entry.to_json_dict()
        line = (
            json.dumps(data, sort_keys=True, ensure_ascii=False, default=_json_default) + "\n"
        ).encode("utf-8")
        self._handle.write(line)
        record = entry.record or {}

        def text(name: str) -> str | None:
            value = record.get(name)
            return None if value is None else str(value)

        self.index.append(
            QuarantineIndex(
                source_file=entry.source_file,
                code=entry.code,
                digest=hashlib.sha256(line).digest()[:16],
                offset=self._offset,
                length=len(line),
                source_sha256=entry.source_sha256,
                url=text("url"),
                captured_at=text("captured_at"),
                captured_after=text("captured_after"),
                parser=text("parser"),
                page_type=entry.page_type,
            )
        )
        self._offset += len(line)

    def close(self) -> None:
        if not self._handle.closed:
            self._handle.close()

    def sorted_index(self) -> list[QuarantineIndex]:
        return sorted(self.index, key=lambda q: (q.source_file, q.code, q.digest))

    def sorted_lines(self) -> Iterator[bytes]:
        """The entries' JSON lines in (source_file, code) order (ties by content)."""
        self.close()
        with self.path.open("rb") as handle:
            for item in self.sorted_index():
                handle.seek(item.offset)
                yield handle.read(item.length)

    def sorted_entries(self) -> Iterator[Quarantined]:
        """The entries as Quarantined objects, in (source_file, code) order."""
        for line in self.sorted_lines():
            data = json.loads(line)
            yield Quarantined(
                source_file=data["source_file"],
                source_sha256=data.get("source_sha256"),
                code=data["code"],
                message=data["message"],
                stage=data["stage"],
                record=data.get("record"),
                duplicate_of=data.get("duplicate_of"),
                page_type=data.get("page_type"),
            )

    def write_sorted(self, path: Path) -> None:
        with path.open("wb") as out:
            for line in self.sorted_lines():
                out.write(line)
