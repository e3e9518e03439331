"""Scoring rules of the extraction benchmarks: body shingles and word bags, snippets, titles,
authors, dates and tags."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

_TOKEN = re.compile(r"\w+")
_SHINGLE = 4


def tokens(text: str) -> list[str]:
    """``\\w+`` runs, the benchmark's tokens."""
    return _TOKEN.findall(text)


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """Token 4-grams as a multiset; a text of 1-3 tokens is one shingle, an empty one none."""
    toks = tokens(text)
    if not toks:
        return Counter()
    if len(toks) < _SHINGLE:
        return Counter([tuple(toks)])
    return Counter(tuple(toks[i : i + _SHINGLE]) for i in range(len(toks) - _SHINGLE + 1))


@dataclass(frozen=True, slots=True)
class PageScore:
    """Shares of matched (tp), extra (fp) and missed (fn) shingles on one page (they sum to 1)."""

    tp: float
    fp: float
    fn: float
    predicted: bool
    exact: bool

    @property
    def precision(self) -> float:
        return 1.0 if self.fp == 0 and self.fn == 0 else _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return 1.0 if self.fp == 0 and self.fn == 0 else _ratio(self.tp, self.tp + self.fn)


def _ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


def score_body(predicted: str | None, truth: str) -> PageScore:
    """One page under the benchmark's rule: shingle TP/FP/FN normalised by their sum."""
    pred = shingles(predicted or "")
    true = shingles(truth)
    tp = sum((pred & true).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    total = tp + fp + fn
    shares = (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)
    return PageScore(
        *shares,
        predicted=bool(pred),
        exact=tokens(predicted or "") == tokens(truth),
    )


@dataclass(frozen=True, slots=True)
class BodyFigures:
    f1: float
    precision: float
    recall: float
    accuracy: float


def body_figures(scores: Sequence[PageScore]) -> BodyFigures:
    """Precision over pages with a prediction, recall over all pages, F1 of the two means."""
    if not scores:
        return BodyFigures(0.0, 0.0, 0.0, 0.0)
    with_pred = [s for s in scores if s.predicted]
    precision = sum(s.precision for s in with_pred) / len(with_pred) if with_pred else 0.0
    recall = sum(s.recall for s in scores) / len(scores)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = sum(s.exact for s in scores) / len(scores)
    return BodyFigures(f1, precision, recall, accuracy)


def normalise_space(text: str | None) -> str:
    return " ".join((text or "").split())


def title_match(predicted: str | None, truth: str) -> bool:
    """Exact match after whitespace normalisation."""
    return normalise_space(predicted) == normalise_space(truth)


def author_set_match(predicted: Iterable[str], truth: Iterable[str]) -> bool:
    """Same set of names, case-insensitively (whitespace normalised)."""
    return {normalise_space(a).casefold() for a in predicted} == {
        normalise_space(a).casefold() for a in truth
    }


def to_minute_utc(value: datetime | None) -> datetime | None:
    """The time in UTC truncated to the minute; a naive time is taken as UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(second=0, microsecond=0)


def date_match(predicted: datetime | None, truth: datetime) -> bool:
    """Equal to the minute in UTC."""
    return to_minute_utc(predicted) == to_minute_utc(truth)


def set_f1(predicted: Iterable[str], truth: Iterable[str]) -> float:
    """F1 of two sets of strings (case-insensitive, whitespace normalised); both empty -> 1."""
    pred = {normalise_space(t).casefold() for t in predicted if normalise_space(t)}
    true = {normalise_space(t).casefold() for t in truth if normalise_space(t)}
    if not pred and not true:
        return 1.0
    hit = len(pred & true)
    if not hit:
        return 0.0
    p, r = hit / len(pred), hit / len(true)
    return 2 * p * r / (p + r)


# ---------------------------------------------------------------- wcxb-dev rules
# Word bags, snippets, titles, authors and days as /work/shared/bench/README.md defines them
# for the WCXB pages.

#: The zones a publication day may be read in: UTC-12 to UTC+14.
_WEST = timedelta(hours=12)
_EAST = timedelta(hours=14)
#: What separates the names of one expected author field ("A, B, C").
_NAME_SEPARATOR = re.compile(r"\s*,\s*")


def word_bag(text: str | None) -> Counter[str]:
    """Lowercased ``\\w+`` runs as a multiset."""
    return Counter(word.lower() for word in _TOKEN.findall(text or ""))


@dataclass(frozen=True, slots=True)
class BagScore:
    """Word-bag precision, recall and F1 of one page (all 0 when there is no output)."""

    precision: float
    recall: float
    f1: float


def score_word_bag(predicted: str | None, truth: str) -> BagScore:
    """Precision and recall from the multiset overlap of the two word bags."""
    pred, true = word_bag(predicted), word_bag(truth)
    if not pred:
        return BagScore(0.0, 0.0, 0.0)
    overlap = sum((pred & true).values())
    precision = overlap / sum(pred.values())
    recall = overlap / sum(true.values()) if true else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return BagScore(precision, recall, f1)


def snippet_share(text: str | None, snippets: Sequence[str]) -> float | None:
    """Share of ``snippets`` found in ``text`` (case-insensitive substrings); None without
    snippets. No text holds no snippet."""
    if not snippets:
        return None
    haystack = (text or "").casefold()
    return sum(s.casefold() in haystack for s in snippets) / len(snippets)


def title_equal(predicted: str | None, truth: str) -> bool:
    """Equal after whitespace and case normalisation."""
    return normalise_space(predicted).casefold() == normalise_space(truth).casefold()


def expected_names(author: str) -> list[str]:
    """The names of an expected author field: comma-separated ("A, B" is two names)."""
    return [name for name in _NAME_SEPARATOR.split(author.strip()) if name]


def author_found(predicted: Iterable[str], truth: str) -> bool:
    """One expected name equals one of the predicted authors (case and whitespace
    normalised)."""
    names = {normalise_space(a).casefold() for a in predicted}
    return any(normalise_space(n).casefold() in names for n in expected_names(truth))


def day_match(predicted: datetime | date | None, truth: date) -> bool:
    """The expected day is the local date of ``predicted`` in some zone from UTC-12 to
    UTC+14. A value that states only a day (a ``date``) must be that day; a naive time is
    taken as UTC."""
    if predicted is None:
        return False
    if not isinstance(predicted, datetime):
        return predicted == truth
    if predicted.tzinfo is None:
        predicted = predicted.replace(tzinfo=UTC)
    instant = predicted.astimezone(UTC).replace(tzinfo=None)
    return (instant - _WEST).date() <= truth <= (instant + _EAST).date()
