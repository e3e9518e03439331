"""A build's staging area: accepted rows spilled to disk, the quarantine as a journal.

While batches stream in, nothing of the corpus stays in memory: the workers write accepted
rows to Arrow IPC spill parts (:mod:`broadsheet.build.parts`) and the build writes each
quarantine entry as one JSON line. The build keeps only small keys (with each row's
estimated size, to plan the shards); the shards' rows are later gathered from the parts.

The folder itself, its lock and the removal of stale ones are in :mod:`broadsheet.build.workdir`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from broadsheet.records.arrow import ARTICLE_SCHEMA
from broadsheet.records.quarantine import Quarantined
from broadsheet.sources.location import is_url, join_url, make_folder, read_input

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


class Spill:
    """The spill parts of a build (:mod:`broadsheet.build.parts`), numbered as they arrive.

    Workers write the parts into :attr:`folder` (a local folder, or a URL for fsspec:
    :mod:`broadsheet.sources.location`); the build numbers them, so that a row's place is
    one integer, its *ref*: ``(part number << 32) | row number``.
    """

    def __init__(self, folder: Path | str) -> None:
        self.folder: Path | str
        if isinstance(folder, str) and is_url(folder):
            self.folder = folder
            make_folder(folder)
        else:
            self.folder = Path(folder).absolute()  # the workers' working folder may be another
            self.folder.mkdir(parents=True, exist_ok=True)
        self.paths: list[str] = []
        self.numbers: dict[str, int] = {}

    def add(self, names: Sequence[str]) -> dict[str, int]:
        """Number the parts called ``names``; returns every part's number by name."""
        for name in names:
            if name not in self.numbers:
                self.numbers[name] = len(self.paths)
                self.paths.append(join_url(str(self.folder), name))
        return self.numbers

    def rows_by_ref(self, refs: list[int]) -> dict[int, dict[str, Any]]:
        """The spilled rows with these refs, as Python dicts."""
        by_part: dict[int, list[int]] = {}
        for ref in refs:
            by_part.setdefault(ref >> 32, []).append(ref & 0xFFFFFFFF)
        rows: dict[int, dict[str, Any]] = {}
        for number, positions in sorted(by_part.items()):
            with part_table(self.paths[number]) as table:
                taken = table.take(pa.array(positions, pa.int64())).drop_columns([DIGEST])
                del table  # (the mapping is closed with the last view of it)
            for position, row in zip(positions, taken.to_pylist(), strict=True):
                rows[(number << 32) | position] = row
        return rows


@contextmanager
def part_table(path: str) -> Iterator[pa.Table]:
    """The rows of a spill part: the local file memory-mapped (its mapping closed when the
    block ends: copy what is kept), a URL's read whole."""
    if is_url(path):
        yield pa.ipc.open_file(pa.py_buffer(read_input(path))).read_all()
        return
    with pa.memory_map(path) as source:
        yield pa.ipc.open_file(source).read_all()


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
