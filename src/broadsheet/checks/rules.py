"""The rules behind the table checks: one polars expression per check and field.

A :class:`Rule` says when a row passes, which value to report when it does not, and
how to word the failure. :mod:`broadsheet.checks.table` runs them as a pandera schema.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl

from broadsheet.errors import UsageError
from broadsheet.recipe import CheckSettings
from broadsheet.records.model import EASTERNMOST

#: A word is a run of non-whitespace, exactly as ``records.count_words`` (Python's ``\S+``)
#: counts it. Python's ``\s`` also covers the separators U+001C..U+001F, the Rust regex
#: engine of polars does not: they are excluded explicitly so both count alike.
WORD_PATTERN = r"[^\s\x1c-\x1f]+"

#: Every check, in the order that decides which code a row failing several of them gets.
CHECK_ORDER: tuple[str, ...] = (
    "unique_id",
    "unique_url",
    "counts_non_negative",
    "word_count_matches_text",
    "text_word_count",
    "title_length",
    "no_chrome_in_text",
    "language_matches_publisher",
    "published_not_before_launch",
    "published_not_after_capture",
    "captured_after_not_before_published",
    "tags_unique",
)
#: Checks that compare rows with each other.
TABLE_CHECKS: frozenset[str] = frozenset({"unique_id", "unique_url"})
#: Checks of states the ``Article`` model itself refuses (negative counts, a word count
#: that is not the count of the text's words). A table read back from a file can hold
#: them; a batch of records the model has just validated cannot, so the build's batch
#: checks skip them (``broadsheet validate`` runs them on every release).
RECORD_CHECKS: frozenset[str] = frozenset({"counts_non_negative", "word_count_matches_text"})

#: Wide East Asian characters (Hangul, Han, kana, fullwidth forms): ``title_length`` counts
#: each as two, as a terminal or a monospaced layout does, so that a six-character Korean
#: or Chinese headline (a normal one: a Han character carries a word) is as long as a
#: twelve-character Latin one. The pattern is valid for Python's and polars' engines alike.
WIDE_PATTERN = (
    r"[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF"
    r"\uA960-\uA97F\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6"
    r"\U00020000-\U0003FFFD]"
)
_WIDE = re.compile(WIDE_PATTERN)


def text_width(text: str) -> int:
    """Length of a title for ``title_length``: characters, a wide East Asian one as 2."""
    return len(text) + len(_WIDE.findall(text))


def title_width(title: pl.Expr) -> pl.Expr:
    """:func:`text_width` as a polars expression."""
    return title.str.len_chars() + title.str.count_matches(WIDE_PATTERN)


#: Shortest related headline (in words) that ``no_chrome_in_text`` looks for in the text.
RELATED_MIN_WORDS = 3
_SHOW_CHARS = 80


Frame = pl.LazyFrame
Describe = Callable[[Any, dict[str, Any]], str]


@dataclass(frozen=True)
class Rule:
    """One check on one field."""

    name: str
    field: str
    passes: pl.Expr  # True where the row passes (null: not applicable, passes)
    value: pl.Expr  # the offending value reported for a failing row
    describe: Describe  # (value, row) -> what is wrong and what was expected


def _show(value: Any) -> str:
    """A value for a message: ISO dates, strings quoted and cut to 80 characters."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = repr(value)
    return text if len(text) <= _SHOW_CHARS else text[: _SHOW_CHARS - 1] + "…"


def _show_published(value: Any, row: dict[str, Any]) -> str:
    """published_at for a message: a day-only value as its day."""
    if isinstance(value, datetime) and row.get("published_at_precision") == "day":
        return f"{value.date().isoformat()} (only the day is known)"
    return _show(value)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UsageError("bad_recipe", f"unknown publisher timezone {name!r}") from exc


def _chrome_pattern(markers: Iterable[str]) -> str | None:
    """A line that is a marker, or opens with one ('Read more: ...', 'BREAKING: ...')."""
    alternatives = []
    for marker in sorted({m.strip() for m in markers if m.strip()}, key=lambda m: (-len(m), m)):
        tail = r"(?:[^\w\n][^\n]*)?" if re.match(r"\w", marker[-1]) else r"[^\n]*"
        alternatives.append(pl.escape_regex(marker) + tail)
    if not alternatives:
        return None
    return r"(?m)^[^\w\n]*(?:" + "|".join(alternatives) + r")$"


def _by_publisher(settings: CheckSettings, make: Callable[[Any], pl.Expr | None]) -> pl.Expr:
    """An expression chosen by the row's publisher (null for publishers it gives none)."""
    expr: Any = pl
    chained = False
    for name, publisher in sorted(settings.publishers.items()):
        branch = make(publisher)
        if branch is None:
            continue
        expr = expr.when(pl.col("publisher") == name).then(branch)
        chained = True
    fallback = make(None)
    if not chained:
        return fallback if fallback is not None else pl.lit(None)
    chosen: pl.Expr = expr.otherwise(fallback if fallback is not None else None)
    return chosen


def _chrome_found(settings: CheckSettings) -> pl.Expr:
    """The first chrome line of text (publisher's markers and the global ones), or null."""

    def extract(publisher: Any) -> pl.Expr | None:
        markers = list(settings.chrome_markers)
        if publisher is not None:
            markers += publisher.chrome_markers
        pattern = _chrome_pattern(markers)
        return None if pattern is None else pl.col("text").str.extract(pattern, 0)

    return _by_publisher(settings, extract)


def related_found(frame: Frame) -> Frame:
    """The first related headline of each row that is printed in its text, or null.

    Only headlines of :data:`RELATED_MIN_WORDS` words or more count: a one-word title
    ('Gaza') printed in the prose says nothing about leftover chrome.
    """
    rows = frame.select(
        "text", pl.col("related").list.eval(pl.element().struct.field("title")).alias("_title")
    ).with_row_index("_row")
    found = (
        rows.explode("_title")
        .filter(pl.col("_title").str.count_matches(WORD_PATTERN) >= RELATED_MIN_WORDS)
        .filter(pl.col("text").str.contains(pl.col("_title"), literal=True))
        .group_by("_row")
        .agg(pl.col("_title").first().alias("_found"))
    )
    return rows.join(found, on="_row", how="left", maintain_order="left").select("_found")


def _launch(settings: CheckSettings) -> pl.Expr:
    earliest = datetime.combine(settings.earliest_published, time(), UTC)

    def instant(publisher: Any) -> pl.Expr:
        if publisher is None or publisher.launched is None:
            return pl.lit(earliest, dtype=pl.Datetime("us", "UTC"))
        local = datetime.combine(publisher.launched, time(), _zone(publisher.timezone))
        return pl.lit(local.astimezone(UTC), dtype=pl.Datetime("us", "UTC"))

    return _by_publisher(settings, instant)


def _launch_day(settings: CheckSettings) -> pl.Expr:
    """The launch date (or the earliest accepted date), compared with a day-only value."""

    def day(publisher: Any) -> pl.Expr:
        if publisher is None or publisher.launched is None:
            return pl.lit(settings.earliest_published, dtype=pl.Date)
        return pl.lit(publisher.launched, dtype=pl.Date)

    return _by_publisher(settings, day)


#: A publication time that states only a day (``published_at_precision`` 'day'): its value
#: is midnight UTC of that day, and the checks compare it as a day.
DAY_ONLY = pl.col("published_at_precision") == "day"


def _published_date(settings: CheckSettings) -> pl.Expr:
    """Publication date in the publisher's timezone (UTC for unknown publishers); a day-only
    value is its own day."""

    def local(publisher: Any) -> pl.Expr:
        zone = "UTC" if publisher is None else _zone(publisher.timezone).key
        return pl.col("published_at").dt.convert_time_zone(zone).dt.date()

    in_zone = _by_publisher(settings, local)
    chosen: pl.Expr = pl.when(DAY_ONLY).then(pl.col("published_at").dt.date()).otherwise(in_zone)
    return chosen


def _language(settings: CheckSettings) -> pl.Expr:
    def primary(publisher: Any) -> pl.Expr | None:
        if publisher is None:
            return None
        return pl.lit(publisher.language.split("-")[0].lower(), dtype=pl.String)

    return _by_publisher(settings, primary)


def build_rules(settings: CheckSettings) -> list[Rule]:
    """Every check, in :data:`CHECK_ORDER`."""
    s = settings
    col = pl.col
    words = col("text").str.count_matches(WORD_PATTERN)
    chrome = _chrome_found(s)
    launch = _launch(s)
    published_day = _published_date(s)
    language = _language(s)
    primary = col("language").str.split("-").list.first().str.to_lowercase()
    rules = [
        Rule(
            "unique_id",
            "id",
            ~col("id").is_duplicated(),
            col("id"),
            lambda v, r: f"id {_show(v)} is on more than one row; expected each id once",
        ),
        Rule(
            "unique_url",
            "url",
            col("url").is_null() | ~col("url").is_duplicated(),
            col("url"),
            lambda v, r: f"url {_show(v)} is on more than one row; expected each URL once",
        ),
    ]
    for field in ("word_count", "reading_time_minutes", "share_count"):
        rules.append(
            Rule(
                "counts_non_negative",
                field,
                col(field).is_null() | (col(field) >= 0),
                col(field),
                _negative(field),
            )
        )
    rules += [
        Rule(
            "word_count_matches_text",
            "word_count",
            words == col("word_count"),
            pl.struct(col("word_count"), words.alias("words")),
            lambda v, r: (
                f"word_count {v['word_count']} differs from the {v['words']} "
                "whitespace-separated words of text"
            ),
        ),
        Rule(
            "text_word_count",
            "word_count",
            col("word_count").is_between(s.text_min_words, s.text_max_words),
            col("word_count"),
            lambda v, r: (
                f"word_count {v} is outside the expected "
                f"{s.text_min_words} to {s.text_max_words} words"
            ),
        ),
        Rule(
            "title_length",
            "title",
            title_width(col("title")).is_between(s.title_min_chars, s.title_max_chars),
            col("title"),
            lambda v, r: (
                f"title {_show(v)} has {text_width(v)} characters"
                f"{' (a wide East Asian character counts as 2)' if _WIDE.search(v) else ''}; "
                f"expected {s.title_min_chars} to {s.title_max_chars}"
            ),
        ),
        Rule(
            "no_chrome_in_text",
            "text",
            chrome.is_null() & col("_related_in_text").is_null(),
            pl.coalesce(chrome, col("_related_in_text")),
            _describe_chrome,
        ),
        Rule(
            "language_matches_publisher",
            "language",
            (primary == language).fill_null(True),
            col("language"),
            lambda v, r: (
                f"language {_show(v)} differs from the language "
                f"{_show(s.publishers[r['publisher']].language)} of {r['publisher']}"
            ),
        ),
        Rule(
            "published_not_before_launch",
            "published_at",
            pl.when(DAY_ONLY)
            .then(col("published_at").dt.date() >= _launch_day(s))
            .otherwise(col("published_at") >= launch)
            .fill_null(True),
            col("published_at"),
            lambda v, r: _describe_launch(v, r, s),
        ),
        Rule(
            "published_not_after_capture",
            "published_at",
            pl.when(DAY_ONLY)
            .then(col("published_at").dt.date() <= (col("captured_at") + EASTERNMOST).dt.date())
            .otherwise(col("published_at") <= col("captured_at"))
            .fill_null(True),
            col("published_at"),
            lambda v, r: (
                f"published_at {_show_published(v, r)} is after captured_at "
                f"{_show(r['captured_at'])}; expected publication before capture"
                + (
                    " (a day-only date may be at most the capture's date at UTC+14)"
                    if r.get("published_at_precision") == "day"
                    else ""
                )
            ),
        ),
        Rule(
            "captured_after_not_before_published",
            "captured_after",
            (col("captured_after") >= published_day).fill_null(True),
            pl.struct(col("captured_after"), published_day.alias("published")),
            lambda v, r: (
                f"captured_after {_show(v['captured_after'])} is before the "
                f"publication date {_show(v['published'])}; expected capture on or after it"
            ),
        ),
        Rule(
            "tags_unique",
            "tags",
            col("tags").list.n_unique() == col("tags").list.len(),
            col("tags"),
            lambda v, r: f"tags repeat {_show(_repeated(v))}; expected each tag once",
        ),
    ]
    return rules


def _negative(field: str) -> Describe:
    return lambda value, row: f"{field} {value} is negative; expected 0 or more"


def _repeated(values: list[Any]) -> list[Any]:
    return [value for value, n in Counter(values).items() if n > 1]


def _describe_chrome(value: Any, row: dict[str, Any]) -> str:
    titles = {item["title"] for item in row["related"]}
    if value in titles:
        return (
            f"text prints the related headline {_show(value)}; expected links to other "
            "articles only in related"
        )
    return f"text has the page-chrome line {_show(value)}; expected the article's prose only"


def _describe_launch(value: Any, row: dict[str, Any], settings: CheckSettings) -> str:
    publisher = settings.publishers.get(row["publisher"])
    if publisher is not None and publisher.launched is not None:
        bound = f"{publisher.name}'s launch on {publisher.launched.isoformat()}"
    else:
        bound = f"the earliest accepted date {settings.earliest_published.isoformat()}"
    return f"published_at {_show_published(value, row)} is before {bound}; expected a later date"
