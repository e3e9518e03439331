"""The Arrow schema is the record contract: same fields, round-trips records exactly."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pyarrow as pa

from broadsheet.records.arrow import ARTICLE_SCHEMA, records_to_table, table_to_records
from broadsheet.records.model import Article, Block, Image, Related


def _article() -> Article:
    body = [
        Block(kind="paragraph", text="Ministers met on Monday to discuss the budget."),
        Block(kind="list_item", text="Taxes will rise."),
    ]
    text = "Ministers met on Monday to discuss the budget.\n\nTaxes will rise."
    return Article(
        id="00000000000000aa",
        url="https://example.com/politics/budget",
        publisher="Example Daily",
        language="en",
        title="Budget talks",
        description="Ministers met.",
        authors=["Jane Roe", "John Doe"],
        source_credit="Agencies",
        published_at=datetime(2024, 3, 4, 9, 30, tzinfo=UTC),
        published_at_source="json_ld",
        published_at_precision="minute",
        section="Politics",
        coverage=None,
        tags=["budget", "taxes"],
        images=[Image(url=None, alt="The ministry", caption="The ministry (AP)", credit="AP")],
        body=body,
        text=text,
        related=[Related(title="Earlier talks failed", url=None, kind="read_more")],
        word_count=11,
        reading_time_minutes=1,
        share_count=3,
        captured_at=None,
        captured_after=date(2024, 3, 5),
        source_file="pages/budget.txt",
        source_sha256="a" * 64,
        parser="example@1.0",
    )


def test_schema_fields_are_the_model_fields_in_order() -> None:
    assert ARTICLE_SCHEMA.names == list(Article.model_fields)


def test_timestamps_are_utc_microseconds() -> None:
    for name in ("published_at", "modified_at", "captured_at"):
        assert ARTICLE_SCHEMA.field(name).type == pa.timestamp("us", tz="UTC")
    assert ARTICLE_SCHEMA.field("captured_after").type == pa.date32()


def test_records_round_trip_through_arrow() -> None:
    article = _article()
    table = records_to_table([article])
    assert table.schema == ARTICLE_SCHEMA
    assert table_to_records(table) == [article]
    second_block = table.column("body").to_pylist()[0][1]
    assert second_block == {"kind": "list_item", "text": "Taxes will rise."}
