"""The card's fast paths give the figures of the plain computations they stand for."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from difflib import SequenceMatcher
from typing import Any

import pyarrow as pa

from broadsheet.card import bias
from broadsheet.card.bias import HeadlineEdit, headline_edit, url_slug
from broadsheet.card.lexicon import Lexicon, _count_phrases
from broadsheet.card.outlets import OutletTable, lag_bin

WORDS = ["raid", "raids", "the", "to", "gaza", "israeli", "strike", "kills", "12", "n1085406"]
WORDS += ["damascus", "s", "future", "un", "talks", "café", "prisoner", "prisoners", "it's"]


def _reference_edit(url: str, title: str) -> HeadlineEdit | None:
    """:func:`headline_edit` as it read before its shortcuts: every slug is compared."""
    slug = url_slug(url)
    slug_words = [w for w in bias._words(slug) if len(w) < 5 or sum(map(str.isdigit, w)) < 5]
    if not slug_words:
        return None
    title_words = bias._words(title)
    if title_words[: len(slug_words)] == slug_words:
        return HeadlineEdit(slug, title)
    overlap = bias.slug_overlap(slug_words, title_words)
    if overlap < bias.SLUG_OVERLAP:
        return HeadlineEdit(slug, title, overlap=overlap)
    slug_only: list[str] = []
    title_only: list[str] = []
    ops = SequenceMatcher(a=slug_words, b=title_words, autojunk=False).get_opcodes()
    for tag, a0, a1, b0, b1 in ops:
        if tag == "equal" or (tag == "insert" and a1 == len(slug_words)):
            continue
        cut = tag == "replace" and a1 == len(slug_words) and a1 - a0 == 1
        if cut and title_words[b0].startswith(slug_words[a0]):
            continue
        slug_only.extend(slug_words[a0:a1])
        title_only.extend(title_words[b0:b1])
    in_title, in_slug = bias._Words(title_words), bias._Words(slug_words)
    slug_only = [w for w in slug_only if w not in bias._FUNCTION_WORDS and not in_title.akin(w)]
    title_only = [w for w in title_only if w not in bias._FUNCTION_WORDS and not in_slug.akin(w)]
    return HeadlineEdit(slug, title, tuple(slug_only), tuple(title_only), overlap)


def test_headline_edit_matches_the_full_comparison() -> None:
    rnd = random.Random(7)
    for _ in range(3000):
        slug = "-".join(rnd.choice(WORDS) for _ in range(rnd.randint(0, 7)))
        title = " ".join(rnd.choice(WORDS).title() for _ in range(rnd.randint(1, 8)))
        url = f"https://example.org/news/{slug}{rnd.choice(['', '.html', '/', '%C3%A9'])}"
        assert headline_edit(url, title) == _reference_edit(url, title), (url, title)


LEXICON = {
    "raid": ["raid", "raids", "air raid"],
    "quoted": ["'Israel'", "“Israel”", '"Israel"'],
    "doubt": ["so-called", "claimed"],
    "marks": ["--"],
    "israel": ["re:(?<!['‘\"“])\\bIsrael\\b"],
}
PIECES = ["An air raid.", "raids", "so-called", "so called", "'Israel'", "“Israel”", "Israel"]
PIECES += ["airraid", "raid_x", "x--y", "a -- b", "claimed", "İstanbul", "raid's", '"Israel"']


def _reference_counts(lexicon: Lexicon, joined: list[str]) -> list[list[int]]:
    """Every phrase of every label counted in every group, without looking first."""
    counts = [[0] * len(lexicon.labels) for _ in joined]
    for row, text in zip(counts, joined, strict=True):
        for label, (phrases, pattern) in enumerate(
            zip(lexicon.phrases, lexicon.patterns, strict=True)
        ):
            if pattern is None:
                row[label] = _count_phrases(text.lower(), phrases)
            else:
                row[label] = len(pattern.findall(text))
    return counts


def test_lexicon_counts_match_counting_everything() -> None:
    lexicon = Lexicon.from_mapping(LEXICON)
    rnd = random.Random(3)
    for _ in range(2000):
        groups = [
            [" ".join(rnd.choice(PIECES) for _ in range(rnd.randint(0, 5)))] for _ in range(3)
        ]
        joined = [bias.join_pieces(g) for g in groups]
        assert lexicon.count_joined(joined) == _reference_counts(lexicon, joined), joined


def _reference_add(table: OutletTable, rows: pa.Table, kinds: list[str]) -> None:
    """:meth:`OutletTable.add` record by record, as it read before."""
    for row, kind in zip(rows.to_pylist(), kinds, strict=True):
        stats = table.get(row["publisher"])
        stats.records += 1
        stats.words += row["word_count"]
        stats.languages[row["language"]] += 1
        time = row["published_at"]
        if time is not None:
            stats.months[time.strftime("%Y-%m")] += 1
            lo, hi = stats.published
            stats.published = (min(lo or time, time), max(hi or time, time))  # datetimes
            bound = row["captured_at"].date() if row["captured_at"] else row["captured_after"]
            if bound is not None:
                lag = (bound - time.date()).days
                stats.lags[lag_bin(lag)] += 1
                lo, hi = stats.lag_days
                lo, hi = (lag if lo is None else lo), (lag if hi is None else hi)
                stats.lag_days = (min(lo, lag), max(hi, lag))
        stats.bylines[kind] += 1


def _rows(rnd: random.Random, n: int) -> pa.Table:
    start = datetime(2023, 1, 1, tzinfo=UTC)
    published = [start + timedelta(hours=rnd.randint(0, 20000)) for _ in range(n)]
    return pa.table(
        {
            "publisher": [rnd.choice("ABCDEFG") for _ in range(n)],
            "word_count": [rnd.randint(0, 900) for _ in range(n)],
            "language": [rnd.choice(["en", "ar", "fr"]) for _ in range(n)],
            "authors": [[rnd.choice(["X", "Y"])] for _ in range(n)],
            "published_at": pa.array(
                [p if rnd.random() > 0.1 else None for p in published], pa.timestamp("us", "UTC")
            ),
            "captured_at": pa.array(
                [
                    p + timedelta(days=rnd.randint(0, 900)) if rnd.random() > 0.5 else None
                    for p in published
                ],
                pa.timestamp("us", "UTC"),
            ),
            "captured_after": pa.array(
                [date(2026, 1, 1) if rnd.random() > 0.3 else None for _ in published], pa.date32()
            ),
        }
    )


def _figures(table: OutletTable) -> list[tuple[str, dict[str, Any]]]:
    return [
        (name, {k: list(v.items()) if isinstance(v, Counter) else v for k, v in vars(row).items()})
        for name, row in table.rows.items()
    ]


def test_outlet_table_matches_the_record_by_record_fold() -> None:
    rnd = random.Random(5)
    for keep in (1, 2, 500):  # folding publishers into '(others)' midway, or not
        fast, slow = OutletTable(3, keep=keep), OutletTable(3, keep=keep)
        for _ in range(6):
            rows = _rows(rnd, rnd.randint(1, 60))
            kinds = [rnd.choice(["personal", "institutional", "none"]) for _ in range(len(rows))]
            fast.add(rows, (), kinds)
            _reference_add(slow, rows, kinds)
            assert _figures(fast) == _figures(slow)
            assert fast.pruned == slow.pruned
