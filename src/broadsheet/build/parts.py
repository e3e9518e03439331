"""Spill parts: what a worker writes to the staging folder, and how rows are read back.

A worker that has processed a batch writes the accepted rows itself, sorted by id, as one
Arrow IPC file (a *part*) in the staging folder, with each row's content digest, and hands
the build only the rows' keys (:data:`KEYS_SCHEMA`, about a tenth of the rows' bytes). The
build process never holds a row: the shards are written, and the card statistics folded, by
tasks that gather their rows from the parts (:class:`Rows`), on the workers too.

The staging folder must be one that every worker can write and read (the same path on a
shared file system for a Dask cluster on several machines).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from broadsheet.build.batchresult import BatchResult
from broadsheet.build.dedup import story_key
from broadsheet.build.keys import KEY_SCHEMA
from broadsheet.build.staging import DIGEST, part_table, row_nbytes
from broadsheet.recipe import CheckSettings, CorpusSettings
from broadsheet.records.arrow import ARTICLE_SCHEMA
from broadsheet.sources.items import BatchItem, PageRef
from broadsheet.sources.limits import DEFAULT_LIMITS, Limits
from broadsheet.sources.location import is_url, join_url, open_output
from broadsheet.sources.readahead import will_need
from broadsheet.sources.refs import read_ahead

KEYS_SCHEMA = pa.schema(
    [
        *KEY_SCHEMA.remove(KEY_SCHEMA.get_field_index("ref")),
        pa.field("part", pa.string()),
        pa.field("row", pa.int32()),
    ]
)
"""What the build keeps of each accepted row (see :class:`broadsheet.build.dedup.RecordKey`):
``story`` hashes publisher, title and published time; ``nbytes`` is the row's estimated
Arrow size; ``part`` and ``row`` say where the row is spilled."""


def _keys(table: pa.Table, part: str) -> pa.Table:
    """The keys of the rows of a part (``table``: its rows, sorted by id)."""
    published = table.column("published_at").cast(pa.int64())
    stories = [
        story_key(str(p), str(t), d)
        for p, t, d in zip(
            table.column("publisher").to_pylist(),
            table.column("title").to_pylist(),
            published.to_pylist(),
            strict=True,
        )
    ]
    n = table.num_rows
    columns: dict[str, Any] = {
        "id": table.column("id"),
        "url": table.column("url"),
        "story": pa.array(stories, pa.uint64()),
        "published_at": published,
        "captured_at": table.column("captured_at").cast(pa.int64()),
        "captured_after": table.column("captured_after").cast(pa.int32()),
        "source_file": table.column("source_file"),
        "source_sha256": table.column("source_sha256"),
        "parser": table.column("parser"),
        "language": table.column("language"),
        "nbytes": pa.array(row_nbytes(table), pa.int64()),
        "part": pa.array([part] * n, pa.string()),
        "row": pa.array(np.arange(n, dtype=np.int32)),
    }
    return pa.table(columns, schema=KEYS_SCHEMA)


def write_part(folder: str, table: pa.Table, digests: list[bytes]) -> tuple[str, pa.Table]:
    """Write accepted rows and their digests as a new part in ``folder``, sorted by id;
    returns the part's file name and the rows' keys."""
    rows = table.select(ARTICLE_SCHEMA.names).cast(ARTICLE_SCHEMA)
    rows = rows.append_column(DIGEST, pa.array(digests, pa.binary(32)))
    rows = rows.sort_by("id").combine_chunks()
    name = f"part-{secrets.token_hex(8)}.arrow"
    path = join_url(folder, name)
    if is_url(path):  # an object is whole once written, or absent
        buffer = pa.BufferOutputStream()
        with pa.ipc.new_file(buffer, rows.schema) as out:
            out.write_table(rows)
        with open_output(path) as target:
            target.write(buffer.getvalue())  # (Arrow's buffer, not a copy of it)
    else:
        with pa.OSFile(path + ".partial", "wb") as sink, pa.ipc.new_file(sink, rows.schema) as out:
            out.write_table(rows)
        os.replace(path + ".partial", path)  # a part is whole or absent
    return name, _keys(rows.drop_columns([DIGEST]), name)


def spill_batch(
    items: list[BatchItem],
    folder: str,
    settings: CheckSettings,
    parse_timeout: float | None = None,
    limits: Limits = DEFAULT_LIMITS,
    corpus: CorpusSettings | None = None,
) -> BatchResult:
    """:func:`process_batch`, then the accepted rows written as a part in ``folder``: the
    result carries their keys instead of the rows (runs on any worker). The batch's page
    files are announced to the kernel first, to be read ahead while the first are parsed."""
    for item in items:
        if isinstance(item, PageRef):
            will_need(item.path)
    # imported where a batch is processed (a worker): the build process that only sends
    # batches and receives their results never loads the parsers and the table checks
    from broadsheet.build.pipeline import process_batch

    items = read_ahead(items, limits)  # page files at URLs: fetched together
    result = process_batch(items, settings, parse_timeout, limits, corpus)
    if result.table.num_rows:
        name, keys = write_part(folder, result.table, result.digests)
        result.table, result.digests = ARTICLE_SCHEMA.empty_table(), []
        result.keys, result.parts = keys, [name]
    pa.default_memory_pool().release_unused()  # the batch's rows are gone: not kept for the next
    return result


@dataclass(frozen=True, slots=True)
class Rows:
    """Spilled rows to read back: per part file, the row numbers wanted (ascending).

    :meth:`read` gives them sorted by id, with their content digests: every column, or only
    ``columns`` (the others are never copied out of the parts)."""

    parts: tuple[tuple[str, np.ndarray[Any, np.dtype[np.int32]]], ...]

    def __len__(self) -> int:
        return sum(len(rows) for _, rows in self.parts)

    def read(self, columns: Sequence[str] | None = None) -> tuple[pa.Table, list[bytes]]:
        names = list(ARTICLE_SCHEMA.names if columns is None else columns)
        if "id" not in names:
            raise ValueError(f"the rows are sorted by id: read 'id' with {names}")
        if not self.parts:
            return ARTICLE_SCHEMA.empty_table().select(names), []
        pieces = []
        for path, rows in self.parts:
            # Each part's rows copied out and its mapping closed before the next is opened:
            # views would keep the mapped pages of every part of the row group resident
            # (a row group draws from every part when the rows are spread over many).
            with part_table(path) as table:
                chosen = table if columns is None else table.select([*names, DIGEST])
                pieces.append(chosen.take(pa.array(rows)))
                del chosen
                del table  # (the mapping is closed with the last view of it)
        # One contiguous copy of the rows, the pieces freed before the sort: taking from a
        # table of many chunks would join them again inside the take (a third copy). The
        # rows always come out of the take, even when in order already, so their Arrow
        # layout (and the byte counts of the release) is the take's whatever the parts.
        table = pa.concat_tables(pieces).combine_chunks()
        del pieces
        table = table.take(pc.sort_indices(table.column("id")))
        digests: list[bytes] = table.column(DIGEST).to_pylist()
        return table.drop_columns([DIGEST]).combine_chunks(), digests


def rows_of(refs: np.ndarray[Any, np.dtype[np.int64]], paths: list[str]) -> Rows:
    """:class:`Rows` of spill refs (``(part number << 32) | row``; ``paths`` by number)."""
    numbers = refs >> 32
    rows = (refs & 0xFFFFFFFF).astype(np.int32)
    parts = []
    for number in np.unique(numbers):
        mine = np.sort(rows[numbers == number])
        parts.append((paths[int(number)], mine))
    return Rows(tuple(parts))
