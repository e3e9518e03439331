"""Parquet footers read defensively, before any data page is.

A Parquet reader trusts the footer: its row counts size the arrays it allocates and its
column-chunk offsets and sizes say which bytes to read. A forged footer (2^61 rows, a chunk
past the end of the file, a row group expanding a thousandfold) makes pyarrow and pandas
fail and polars panic. So the footer's claims are checked against the file's byte size from
the metadata alone; a shard whose footer is not plausible is not read.
"""

from __future__ import annotations

import struct
from typing import BinaryIO, NamedTuple

import pyarrow as pa
import pyarrow.parquet as pq

MAGIC = b"PAR1"
# A footer holds the schema and, per row group, a few hundred bytes of statistics for each of
# the 31 leaf columns (11 KB for one row group of the seed release). 64 MiB is thousands of
# row groups, beyond any shard; a longer footer is refused before it is parsed.
MAX_FOOTER_BYTES = 64 * 1024**2
# Every row has a 16-character id, a title and a text: no encoding stores a row in less than
# a byte, so a row group claiming more rows than the bytes of its column chunks is forged.
MIN_BYTES_PER_ROW = 1
# Decompressed over compressed bytes of a row group: news text compresses about 3 to 5
# times and the dictionary-encoded columns hardly at all; a thousandfold is a bomb.
MAX_EXPANSION = 1000


class Footer(NamedTuple):
    """What the footer check found: the file cannot be read as Parquet (``unreadable``), or
    its footer makes claims the file cannot hold (``implausible``); ``parquet`` is the opened
    file when neither, else None."""

    unreadable: str | None
    implausible: list[str]
    parquet: pq.ParquetFile | None


def footer_problems(handle: BinaryIO, size: int) -> Footer:
    """The footer of an open Parquet file of ``size`` bytes, checked before any data page."""
    if size < 12:
        return Footer(f"it has {size} bytes; a Parquet file has at least 12", [], None)
    handle.seek(0)
    head = handle.read(4)
    handle.seek(size - 8)
    tail = handle.read(8)
    if head != MAGIC or tail[4:] != MAGIC:
        return Footer("it does not begin and end with the magic bytes PAR1", [], None)
    (length,) = struct.unpack("<I", tail[:4])
    footer_start = size - 8 - length
    if length > MAX_FOOTER_BYTES or footer_start < 4:
        problem = (
            f"has a footer of {length:,} bytes in a file of {size:,} bytes "
            f"(at most {min(MAX_FOOTER_BYTES, size - 12):,} possible)"
        )
        return Footer(None, [problem], None)
    handle.seek(0)
    try:
        parquet = pq.ParquetFile(handle)
        metadata = parquet.metadata
        parquet.schema_arrow  # noqa: B018  (converted here, where a failure is reported)
    except (OSError, ValueError, pa.ArrowException) as exc:
        return Footer(str(exc).strip(), [], None)
    problems = _metadata_problems(metadata, footer_start)
    return Footer(None, problems, None if problems else parquet)


def _metadata_problems(metadata: pq.FileMetaData, footer_start: int) -> list[str]:
    problems: list[str] = []
    groups, columns = metadata.num_row_groups, metadata.num_columns
    if groups * max(columns, 1) > footer_start:  # every column chunk takes at least a byte
        return [f"claims {groups:,} row groups of {columns} columns in {footer_start:,} bytes"]
    declared = metadata.num_rows
    counted = 0
    for index in range(groups):
        group = metadata.row_group(index)
        rows = group.num_rows
        counted += max(rows, 0)
        stored = 0
        for column in range(group.num_columns):
            chunk = group.column(column)
            offsets = [chunk.data_page_offset]
            if chunk.dictionary_page_offset is not None:
                offsets.append(chunk.dictionary_page_offset)
            start, length = min(offsets), chunk.total_compressed_size
            end = start + length
            if start < 4 or length <= 0 or end > footer_start or max(offsets) >= end:
                problems.append(
                    f"row group {index} column {chunk.path_in_schema} claims pages at "
                    f"{', '.join(f'{o:,}' for o in sorted(offsets))} in bytes {start:,} to "
                    f"{end:,}; the data lies between 4 and {footer_start:,}"
                )
                break
            stored += length
        else:
            if rows < 0 or rows * MIN_BYTES_PER_ROW > stored:
                problems.append(
                    f"row group {index} claims {rows:,} rows in {stored:,} bytes of column data"
                )
            elif group.total_byte_size > stored * MAX_EXPANSION:
                problems.append(
                    f"row group {index} claims {group.total_byte_size:,} bytes once "
                    f"decompressed from {stored:,} (more than {MAX_EXPANSION} times)"
                )
        if len(problems) >= 3:
            break
    if not problems and declared != counted:
        problems.append(
            f"claims {declared:,} rows in all; its row groups hold {counted:,} "
            "(readers allocate for the claim)"
        )
    return problems
