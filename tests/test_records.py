"""The record contract: derived fields, ids, UTC storage and the published JSON Schema."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from broadsheet.records.model import (
    DERIVED_HERE,
    Article,
    Block,
    canonical_url,
    count_words,
    json_schema_text,
    make_id,
    prose_text,
    reading_minutes,
)

ROOT = Path(__file__).resolve().parents[1]
BEIRUT_WINTER = timezone(timedelta(hours=2))


def _fields(**overrides: Any) -> dict[str, Any]:
    body = [
        Block(kind="paragraph", text="First paragraph of the story."),
        Block(kind="embed", text="A quoted post\n— Someone (@someone) May 1, 2024"),
        Block(kind="heading", text="A subheading"),
    ]
    text = "First paragraph of the story.\n\nA subheading"
    fields: dict[str, Any] = {
        "id": "0123456789abcdef",
        "url": None,
        "publisher": "Example Daily",
        "language": "en",
        "title": "A headline",
        "description": None,
        "authors": [],
        "source_credit": None,
        "published_at": datetime(2023, 11, 24, 13, 38, tzinfo=BEIRUT_WINTER),
        "published_at_source": "visible_text",
        "published_at_precision": "minute",
        "section": None,
        "coverage": None,
        "tags": [],
        "images": [],
        "body": body,
        "text": text,
        "related": [],
        "word_count": 7,
        "reading_time_minutes": 1,
        "share_count": None,
        "captured_at": None,
        "captured_after": None,
        "source_file": "pages/a.txt",
        "source_sha256": "0" * 64,
        "parser": "example@1.0",
    }
    fields.update(overrides)
    return fields


def test_text_is_prose_blocks_without_embeds() -> None:
    article = Article(**_fields())
    assert article.text == prose_text(article.body)
    assert "quoted post" not in article.text


def test_published_at_is_stored_in_utc() -> None:
    article = Article(**_fields())
    assert article.published_at == datetime(2023, 11, 24, 11, 38, tzinfo=UTC)
    assert article.published_at is not None and article.published_at.utcoffset() == timedelta(0)


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValidationError, match="timezone"):
        Article(**_fields(published_at=datetime(2023, 11, 24, 13, 38)))


def test_published_at_source_and_precision_are_null_exactly_with_published_at() -> None:
    undated = Article(
        **_fields(published_at=None, published_at_source=None, published_at_precision=None)
    )
    assert undated.published_at_source is None
    with pytest.raises(ValidationError, match="published_at is null but published_at_source"):
        Article(**_fields(published_at=None, published_at_precision=None))
    with pytest.raises(ValidationError, match="needs a published_at_source"):
        Article(**_fields(published_at_source=None))
    with pytest.raises(ValidationError, match="published_at_source"):
        Article(**_fields(published_at_source="sitemap"))


def test_a_day_only_publication_is_midnight_utc() -> None:
    day = Article(
        **_fields(published_at=datetime(2025, 9, 4, tzinfo=UTC), published_at_precision="day")
    )
    assert day.published_at == datetime(2025, 9, 4, tzinfo=UTC)
    # 13:38 in Beirut is not a day: a day-only value must be its midnight UTC
    with pytest.raises(ValidationError, match="precision 'day' but is not midnight UTC"):
        Article(**_fields(published_at_precision="day"))


def test_text_must_match_body() -> None:
    with pytest.raises(ValidationError, match="non-embed body blocks"):
        Article(**_fields(text="something else entirely"))


def test_word_count_must_match_text() -> None:
    with pytest.raises(ValidationError, match="word_count 9 does not match the 7 words"):
        Article(**_fields(word_count=9))


def test_derived_fields_are_trusted_only_in_the_builders_context() -> None:
    """``build_article`` derives text and word_count itself and validates with DERIVED_HERE;
    a record from anywhere else (JSON, Parquet, an equal but separate dict) is checked."""
    wrong = _fields(word_count=9)
    with pytest.raises(ValidationError, match="word_count 9"):
        Article.model_validate(wrong, context={"derived_fields": True})
    assert Article.model_validate(wrong, context=DERIVED_HERE).word_count == 9


def test_unknown_fields_and_bad_kinds_are_refused() -> None:
    with pytest.raises(ValidationError):
        Article(**_fields(colour="red"))
    with pytest.raises(ValidationError):
        Block(kind="sidebar", text="x")  # type: ignore[arg-type]


def test_count_words_and_reading_time() -> None:
    assert count_words("one  two\nthree\u00a0four") == 4
    assert count_words("") == 0
    spaces = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
    assert len(spaces) > 20  # tabs, separators U+001C..U+001F, NBSP, U+2000..U+200A, ...
    assert count_words(spaces.join(["a", "b", "c"]) + spaces) == 3
    assert count_words("a\u200bb") == 1  # a zero-width space is not whitespace
    assert reading_minutes(0) == 0
    assert reading_minutes(10) == 1
    assert reading_minutes(920) == 4


def test_ids_come_from_the_canonical_url_else_from_publisher_title_time() -> None:
    a = make_id("HTTPS://Example.com/news/a-story/#top", "P", "T", None)
    b = make_id("https://example.com/news/a-story", "Other", "Other title", None)
    assert a == b and len(a) == 16
    when = datetime(2023, 1, 1, 12, 0, tzinfo=UTC)
    same_time_elsewhere = datetime(2023, 1, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    elsewhere = make_id(None, "P", "A title", same_time_elsewhere)
    assert make_id(None, "P", "A  title", when) == elsewhere
    assert make_id(None, "P", "A title", when) != make_id(None, "P", "Another title", when)
    assert canonical_url("https://x.org/") == "https://x.org/"


def test_published_schema_matches_the_code() -> None:
    committed = (ROOT / "schema" / "article.schema.json").read_text(encoding="utf-8")
    assert committed == json_schema_text(), "schema drifted: run `broadsheet schema`"
    schema = json.loads(committed)
    assert set(schema["properties"]) == set(Article.model_fields)


def test_captions_and_related_titles_given_as_mappings_are_made_safe() -> None:
    # The text parser passes images and related links as dicts; a caption with a bell and a
    # lone surrogate must come out as clean as one given as an Image.
    from article_factory import built_article

    record = built_article(
        "mapping.txt",
        "A title",
        [("paragraph", "Twelve words of prose make a body that the record accepts as text.")],
        images=[
            {"url": None, "alt": None, "caption": "Rescue\x07 teams \ud800at work", "credit": None}
        ],
        related=[{"title": "Next\x1b story", "url": None, "kind": "related"}],
    )
    assert record.images[0].caption == "Rescue teams \ufffdat work"
    assert record.related[0].title == "Next story"
