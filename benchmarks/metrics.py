"""Scoring rules of the extraction benchmarks (body shingles, titles, author sets, dates, tags)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

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
