"""The article record: the published contract of every row of a broadsheet dataset.

Plain pydantic. ``schema/article.schema.json`` is generated from :class:`Article`
(``broadsheet schema``) and a test fails when the two drift apart.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

BlockKind = Literal["paragraph", "heading", "list_item", "quote", "embed"]
RelatedKind = Literal["related", "read_more"]
#: Where a publication time was read: JSON-LD, a <meta> tag, a <time> element, the text
#: printed on the page (a byline, "Published ..."), or the page's URL (/2025/09/04/).
DateSource = Literal["json_ld", "meta", "time_element", "visible_text", "url"]
#: What a publication time states: only a day, or a time to the minute or the second.
DatePrecision = Literal["day", "minute", "second"]
#: The easternmost local time, UTC+14 (the westernmost is UTC-12): a day printed on a page is
#: at most this far ahead of UTC's date, and no stated offset is larger.
EASTERNMOST = timedelta(hours=14)

#: Block kinds whose text is the article's own prose (everything but embeds).
PROSE_KINDS: frozenset[str] = frozenset({"paragraph", "heading", "list_item", "quote"})

_WORDS_PER_MINUTE = 230

DERIVED_HERE: dict[str, bool] = {"derived_fields": True}
"""Validation context of a record whose ``text`` and ``word_count`` the caller has just
derived from its ``body`` with :func:`prose_text` and :func:`count_words`
(``broadsheet.parsers.common.build_article``): checking them again would only repeat that
work. Any other record (read back from JSON or Parquet) is checked."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class Image(_Strict):
    """A picture shown with the article."""

    url: str | None = Field(None, description="Image address, when the page gives one.")
    alt: str | None = Field(None, description="Alternative text.")
    caption: str | None = Field(None, description="Caption printed under the image.")
    credit: str | None = Field(
        None, description="Photo credit: the caption's trailing parenthesised text, e.g. 'AP'."
    )


class Block(_Strict):
    """One unit of the body, in reading order."""

    kind: BlockKind = Field(description="paragraph, heading, list_item, quote or embed.")
    text: str = Field(min_length=1, description="The block's text, whitespace-normalised.")


class Related(_Strict):
    """A link to another article printed inside the body."""

    title: str = Field(min_length=1, description="Headline of the linked article.")
    url: str | None = Field(None, description="Its address, when the page gives one.")
    kind: RelatedKind = Field(description="'related' (a Related News box) or 'read_more'.")


class Article(_Strict):
    """One news article, as published, with where it came from."""

    id: str = Field(
        pattern=r"^[0-9a-f]{16}$",
        description="Stable id: sha256 of the canonical URL when known, else of "
        "publisher + title + published time; first 16 hex digits.",
    )
    url: str | None = Field(
        description="Canonical URL when known (manifest, WARC, canonical link)."
    )
    publisher: str = Field(
        min_length=1, description="Publication name, e.g. 'Al Mayadeen English'."
    )
    language: str = Field(
        pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
        description="BCP-47 tag detected from the text with a language-id model.",
    )
    title: str = Field(min_length=1, description="Headline as printed.")
    description: str | None = Field(description="Standfirst: the summary line under the byline.")
    authors: list[str] = Field(
        description="Byline names; an institutional byline stays as printed."
    )
    source_credit: str | None = Field(description="The page's 'Source:' credit, e.g. 'Agencies'.")
    published_at: AwareDatetime | None = Field(
        description="Publication time, timezone-aware, stored in UTC. When only a day is known "
        "(published_at_precision 'day') it is midnight UTC of that day, the day as printed."
    )
    published_at_source: DateSource | None = Field(
        None,
        description="Where published_at was read: 'json_ld', 'meta' (a <meta> tag), "
        "'time_element' (<time datetime>), 'visible_text' (the date printed on the page) or "
        "'url' (a date in the URL path); null exactly when published_at is null.",
    )
    published_at_precision: DatePrecision | None = Field(
        None,
        description="What published_at states: 'second', 'minute', or 'day' when only a date "
        "is known (the value is then midnight UTC of that day and means the day only, in the "
        "publisher's own time zone); null exactly when published_at is null.",
    )
    modified_at: AwareDatetime | None = Field(
        None, description="Last modification time when the page states it, in UTC."
    )
    section: str | None = Field(description="Site section, e.g. 'Politics' from /news/politics/.")
    coverage: str | None = Field(description="Dossier the page files the article under.")
    tags: list[str] = Field(description="Topic tags in page order.")
    images: list[Image] = Field(description="Pictures of the article, in page order.")
    body: list[Block] = Field(min_length=1, description="Body blocks in reading order.")
    text: str = Field(
        min_length=1, description="The article's own prose: non-embed blocks joined by blank lines."
    )
    related: list[Related] = Field(description="Related News boxes and Read more links.")
    word_count: int = Field(ge=0, description="Whitespace-separated words in text.")
    reading_time_minutes: int | None = Field(
        ge=0, description="Reading time as printed on the page, else computed (230 words/min)."
    )
    share_count: int | None = Field(ge=0, description="Share count as printed, when printed.")
    captured_at: AwareDatetime | None = Field(description="When the page was fetched, in UTC.")
    captured_after: date | None = Field(
        description="Lower bound of the capture date inferred from dated page chrome."
    )
    source_file: str = Field(
        min_length=1, description="Input path relative to the input root (WARC: archive#offset)."
    )
    source_sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="sha256 of the raw bytes.")
    parser: str = Field(pattern=r"^[a-z0-9_.-]+@\d+\.\d+(\.\d+)?$", description="name@version.")
    boilerplate_blocks_removed: int = Field(
        0,
        ge=0,
        description="Body blocks removed as site boilerplate: blocks that recur on many pages "
        "of the same site (the build's corpus pass; thresholds in the recipe's [corpus]).",
    )
    near_duplicate_cluster: str | None = Field(
        None,
        pattern=r"^[0-9a-f]{16}$",
        description="Id of the canonical record (earliest published, then smallest id) of the "
        "record's near-duplicate cluster; its own id when it has no near-duplicate. Null when "
        "the near-duplicate pass did not run.",
    )
    near_duplicate_similarity: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="Jaccard similarity of the word shingles of text to the canonical "
        "record's, estimated from MinHash signatures (1.0 for the canonical record itself). "
        "Null when the near-duplicate pass did not run.",
    )

    @field_validator("published_at", "modified_at", "captured_at")
    @classmethod
    def _to_utc(cls, value: datetime | None) -> datetime | None:
        return None if value is None else value.astimezone(UTC)

    @model_validator(mode="after")
    def _published_at_described(self) -> Article:
        described = (self.published_at_source, self.published_at_precision)
        if self.published_at is None:
            if described != (None, None):
                raise ValueError(
                    f"published_at is null but published_at_source is {described[0]!r} and "
                    f"published_at_precision {described[1]!r}; expected both null"
                )
        elif None in described:
            raise ValueError(
                f"published_at {self.published_at.isoformat()} needs a published_at_source and "
                f"a published_at_precision (got {described[0]!r} and {described[1]!r})"
            )
        elif self.published_at_precision == "day" and self.published_at.time() != time():
            raise ValueError(
                f"published_at {self.published_at.isoformat()} has precision 'day' but is not "
                "midnight UTC; expected the day's midnight UTC"
            )
        return self

    @model_validator(mode="after")
    def _derived_fields_agree(self, info: ValidationInfo) -> Article:
        if info.context is DERIVED_HERE:
            return self  # text and word_count were just derived from this body
        expected = prose_text(self.body)
        if self.text != expected:
            raise ValueError("text must be the non-embed body blocks joined by blank lines")
        if self.word_count != count_words(self.text):
            raise ValueError(
                f"word_count {self.word_count} does not match the {count_words(self.text)} "
                "words of text"
            )
        return self

    def to_json_dict(self) -> dict[str, Any]:
        """The record as JSON-ready data (datetimes as ISO 8601 strings)."""
        return self.model_dump(mode="json")


def prose_text(body: list[Block]) -> str:
    """The article's own prose: the non-embed blocks joined by blank lines."""
    return "\n\n".join([block.text for block in body if block.kind in PROSE_KINDS])


#: An ASCII text's bytes mapped to b" " (whitespace as ``str.split`` sees it) or b"x".
_WORD_MARKS = bytes(0x20 if chr(code).isspace() else 0x78 for code in range(128)) + b"x" * 128


def count_words(text: str) -> int:
    """Whitespace-separated words (the definition the table checks use too).

    ``str.split()`` splits on exactly the characters the checks' ``\\S+`` pattern excludes
    (Unicode whitespace), and is several times faster than matching the pattern. An ASCII
    text (most of them) is counted without making a string per word: each word is one
    non-space mark at the start or right after a space mark.
    """
    if text.isascii():
        marks = text.encode("ascii").translate(_WORD_MARKS)
        return marks.count(b" x") + marks.startswith(b"x")
    return len(text.split())


def reading_minutes(words: int) -> int:
    """Reading time at 230 words a minute, at least one minute for any text."""
    return max(1, round(words / _WORDS_PER_MINUTE)) if words else 0


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no fragment, no default trailing slash on the path."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def make_id(url: str | None, publisher: str, title: str, published_at: datetime | None) -> str:
    """Stable record id: from the canonical URL when known, else publisher + title + time."""
    if url:
        key = "url\n" + canonical_url(url)
    else:
        when = published_at.astimezone(UTC).isoformat() if published_at else ""
        key = "\n".join(["article", publisher.strip(), " ".join(title.split()), when])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def json_schema() -> dict[str, Any]:
    """The published JSON Schema of :class:`Article`."""
    schema = Article.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "article.schema.json"
    return schema


def json_schema_text() -> str:
    """The schema file's exact text (sorted keys, two-space indent, final newline)."""
    return json.dumps(json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
