"""The record contract as an explicit Arrow schema, and records <-> Arrow tables.

Every release's Parquet files use :data:`ARTICLE_SCHEMA` exactly: UTC microsecond
timestamps, dates as date32, nested lists of structs for images, body and related.
The Hugging Face ``features`` and the Croissant fields are generated from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyarrow as pa

from broadsheet.records.model import Article

_TS = pa.timestamp("us", tz="UTC")
_STR = pa.string()

IMAGE_TYPE = pa.struct([("url", _STR), ("alt", _STR), ("caption", _STR), ("credit", _STR)])
BLOCK_TYPE = pa.struct(
    [pa.field("kind", _STR, nullable=False), pa.field("text", _STR, nullable=False)]
)
RELATED_TYPE = pa.struct(
    [pa.field("title", _STR, nullable=False), ("url", _STR), pa.field("kind", _STR, nullable=False)]
)

ARTICLE_SCHEMA = pa.schema(
    [
        pa.field("id", _STR, nullable=False),
        pa.field("url", _STR),
        pa.field("publisher", _STR, nullable=False),
        pa.field("language", _STR, nullable=False),
        pa.field("title", _STR, nullable=False),
        pa.field("description", _STR),
        pa.field("authors", pa.list_(_STR), nullable=False),
        pa.field("source_credit", _STR),
        pa.field("published_at", _TS),
        pa.field("published_at_source", _STR),
        pa.field("published_at_precision", _STR),
        pa.field("modified_at", _TS),
        pa.field("section", _STR),
        pa.field("coverage", _STR),
        pa.field("tags", pa.list_(_STR), nullable=False),
        pa.field("images", pa.list_(IMAGE_TYPE), nullable=False),
        pa.field("body", pa.list_(BLOCK_TYPE), nullable=False),
        pa.field("text", _STR, nullable=False),
        pa.field("related", pa.list_(RELATED_TYPE), nullable=False),
        pa.field("word_count", pa.int64(), nullable=False),
        pa.field("reading_time_minutes", pa.int64()),
        pa.field("share_count", pa.int64()),
        pa.field("captured_at", _TS),
        pa.field("captured_after", pa.date32()),
        pa.field("source_file", _STR, nullable=False),
        pa.field("source_sha256", _STR, nullable=False),
        pa.field("parser", _STR, nullable=False),
        pa.field("boilerplate_blocks_removed", pa.int64(), nullable=False),
        pa.field("near_duplicate_cluster", _STR),
        pa.field("near_duplicate_similarity", pa.float64()),
    ]
)


def records_to_table(records: Iterable[Article]) -> pa.Table:
    """Articles to an Arrow table in :data:`ARTICLE_SCHEMA`."""
    return rows_to_table([record.model_dump(mode="python") for record in records])


def rows_to_table(rows: list[dict[str, Any]]) -> pa.Table:
    """Articles dumped to Python values (``model_dump(mode="python")``) to an Arrow table."""
    return pa.Table.from_pylist(rows, schema=ARTICLE_SCHEMA)


def table_to_records(table: pa.Table) -> list[Article]:
    """An Arrow table in :data:`ARTICLE_SCHEMA` back to validated Articles."""
    return [Article.model_validate(row) for row in table.to_pylist()]
