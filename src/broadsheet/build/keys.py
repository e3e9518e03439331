"""What the build keeps of each accepted row, as Arrow columns.

A build keeps, for every accepted row, the few fields that settle duplicates, order the
shards and fill the report (a :class:`RecordKey`); the row itself is spilled to disk. At a
million rows these keys are the build process's memory, so :class:`Keys` holds them as
one Arrow table (about 300 bytes a row: the strings' bytes and offsets, eight-byte numbers),
not as Python objects (about 700 bytes each, and a heap that fragments as batches come and
go). A :class:`RecordKey` is made only where one record is looked at: iterating, a
duplicate, a report entry.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


@dataclass(frozen=True, slots=True)
class RecordKey:
    """What the build keeps in memory of one accepted row (the row itself is spilled to disk)."""

    id: str
    url: str | None
    story: int  # hash of publisher, whitespace-normalised title and published time
    published_at: int | None  # microseconds since the epoch, UTC
    captured_at: int | None  # microseconds since the epoch, UTC
    captured_after: int | None  # days since the epoch
    source_file: str
    source_sha256: str
    parser: str
    language: str
    nbytes: int  # estimated Arrow bytes of the row
    ref: int  # where the row is spilled: (spill file number << 32) | row number

    def rank(self) -> tuple[bool, int, bool, int, str, str]:
        """Sort key: the record to keep comes first (latest capture, then smallest source)."""
        return (
            self.captured_at is None,
            -(self.captured_at or 0),
            self.captured_after is None,
            -(self.captured_after or 0),
            self.source_file,
            self.source_sha256,
        )


KEY_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string()),
        pa.field("url", pa.string()),
        pa.field("story", pa.uint64()),
        pa.field("published_at", pa.int64()),
        pa.field("captured_at", pa.int64()),
        pa.field("captured_after", pa.int32()),
        pa.field("source_file", pa.string()),
        pa.field("source_sha256", pa.string()),
        pa.field("parser", pa.string()),
        pa.field("language", pa.string()),
        pa.field("nbytes", pa.int64()),
        pa.field("ref", pa.int64()),
    ]
)
"""The columns of :class:`Keys`: the fields of :class:`RecordKey`, in its order."""

_ITER_ROWS = 4096
"""Rows made into :class:`RecordKey` objects at a time while iterating."""


class Keys(Sequence[RecordKey]):
    """The keys of accepted rows (a sequence of :class:`RecordKey`, made on access)."""

    __slots__ = ("table",)

    def __init__(self, table: pa.Table | None = None) -> None:
        self.table: pa.Table = table if table is not None else KEY_SCHEMA.empty_table()

    @classmethod
    def of_batch(cls, keys: pa.Table, numbers: dict[str, int]) -> Keys:
        """The keys of a batch's spilled rows, from the table its worker sent
        (``broadsheet.build.parts.KEYS_SCHEMA``); ``numbers`` numbers the spill parts."""
        part = keys.column("part").combine_chunks().dictionary_encode()
        firsts = pa.array([numbers[str(n)] << 32 for n in part.dictionary.to_pylist()], pa.int64())
        ref = pc.add(firsts.take(part.indices), keys.column("row").cast(pa.int64()))
        columns = [keys.column(name) for name in KEY_SCHEMA.names[:-1]] + [ref]
        return cls(pa.Table.from_arrays(columns, schema=KEY_SCHEMA))

    @classmethod
    def joined(cls, parts: Iterable[Keys]) -> Keys:
        tables = [p.table for p in parts]
        return cls(pa.concat_tables(tables) if tables else None)

    def __len__(self) -> int:
        return int(self.table.num_rows)

    def __iter__(self) -> Iterator[RecordKey]:
        for batch in self.table.to_batches(max_chunksize=_ITER_ROWS):
            columns = [column.to_pylist() for column in batch.columns]
            for values in zip(*columns, strict=True):
                yield RecordKey(*values)

    @overload
    def __getitem__(self, index: int) -> RecordKey: ...
    @overload
    def __getitem__(self, index: slice) -> Keys: ...
    def __getitem__(self, index: int | slice) -> RecordKey | Keys:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                raise ValueError("Keys slices take consecutive rows")
            return Keys(self.table.slice(start, max(0, stop - start)))
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return next(iter(Keys(self.table.slice(index, 1))))

    def column(self, name: str) -> list[Any]:
        """One field of every row, as Python values."""
        values: list[Any] = self.table.column(name).to_pylist()
        return values

    def refs(self) -> np.ndarray[Any, np.dtype[np.int64]]:
        """Where each row is spilled (see :attr:`RecordKey.ref`)."""
        return np.asarray(self.table.column("ref").to_numpy(), dtype=np.int64)

    def repeated(self, name: str) -> pa.Array:
        """The values of a column that more than one row holds."""
        counts = pc.value_counts(self.table.column(name))
        return counts.field("values").filter(pc.greater(counts.field("counts"), 1))

    def where(self, name: str, values: Collection[Any] | pa.Array, keep: bool = True) -> Keys:
        """The rows whose ``name`` is among ``values`` (``keep=False``: is not), in order."""
        kind = self.table.schema.field(name).type
        wanted = values if isinstance(values, pa.Array) else pa.array(list(values), kind)
        mask = pc.is_in(self.table.column(name), value_set=wanted)
        return Keys(self.table.filter(mask if keep else pc.invert(mask)))

    def kept_by_id(self, dropped: Collection[int]) -> Keys:
        """The rows whose ref is not in ``dropped``, sorted by id: one copy of the kept
        rows, and the memory of this table handed back to the system."""
        table = self.table
        gone = pc.is_in(table.column("ref"), value_set=pa.array(list(dropped), pa.int64()))
        survivors = pc.indices_nonzero(pc.invert(gone))
        order = pc.sort_indices(table.column("id").take(survivors))
        kept = Keys(table.take(survivors.take(order)))
        self.table = KEY_SCHEMA.empty_table()
        del table
        pa.default_memory_pool().release_unused()
        return kept

    def sorted_by(self, *names: str) -> Keys:
        """The rows sorted by the given columns (strings by code point, as Python sorts)."""
        order = pc.sort_indices(self.table, sort_keys=[(name, "ascending") for name in names])
        return Keys(self.table.take(order))

    def with_refs(self, refs: np.ndarray[Any, np.dtype[np.int64]]) -> Keys:
        """The same rows, spilled at ``refs`` instead."""
        index = self.table.schema.get_field_index("ref")
        return Keys(self.table.set_column(index, "ref", pa.array(refs, pa.int64())))
