"""Per-publisher figures of the card: mergeable partials in bounded memory.

:class:`OutletStats` holds one publisher's counters (records, words, languages, months,
capture lag, bylines, quarantine, prose measures); :class:`OutletTable` keeps
them by publisher. Both have ``merge``: partials folded on other processes add up to the
figures of one fold. Memory stays bounded: past ``2 * keep`` publishers the table folds
those with the fewest records (ties: the later name) into one :data:`OTHERS` row; a folded
publisher seen again starts a new row (its counts are then lower bounds, and ``pruned``
says so).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from broadsheet.card.bias import byline_kind
from broadsheet.card.text import OutletText

OTHERS = "(others)"
"""The row that publishers beyond the kept ones are folded into."""
UNKNOWN = "(unknown)"
"""The publisher of a quarantined input whose record was never made."""
PUBLISHERS_KEEP = 500
"""Publishers a table keeps apart before folding the smallest into :data:`OTHERS`."""
LAG_BINS: tuple[tuple[str, int | None], ...] = (
    ("same day", 0),
    ("1 day", 1),
    ("2-7 days", 7),
    ("8-30 days", 30),
    ("31-365 days", 365),
    ("over a year", None),
)
"""Capture-lag bins: label and the largest lag in days it holds (None: no bound)."""

AGENCIES = (
    "Agencies",
    "AFP",
    "Agence France-Presse",
    "AP",
    "Associated Press",
    "Reuters",
    "dpa",
    "EFE",
    "ANSA",
    "Xinhua",
    "TASS",
    "Kyodo",
    "Yonhap",
    "Anadolu Agency",
    "PTI",
    "IANS",
    "ANI",
    "PA Media",
    "Press Association",
)
"""Wire agencies whose name as a byline counts as an institutional byline (the recipe's
``[card].institutional_bylines`` replaces the list). The agencies a record credits are found
by the corpus passes (``broadsheet.corpus.agencies``) and read from the build report."""


def lag_bin(days: int) -> str:
    """The :data:`LAG_BINS` label of a capture lag in days."""
    for label, top in LAG_BINS:
        if top is None or days <= top:
            return label
    return LAG_BINS[-1][0]  # pragma: no cover - the last bin has no bound


def _add_lists(mine: list[int], theirs: Iterable[int]) -> None:
    mine[:] = [a + b for a, b in zip(mine, theirs, strict=True)]


def _lo(a: Any, b: Any) -> Any:
    return b if a is None or (b is not None and b < a) else a


def _hi(a: Any, b: Any) -> Any:
    return b if a is None or (b is not None and b > a) else a


@dataclass
class OutletStats:
    """One publisher's counters (or the :data:`OTHERS` row's)."""

    labels: int
    records: int = 0
    words: int = 0
    languages: Counter[str] = field(default_factory=Counter)
    months: Counter[str] = field(default_factory=Counter)
    published: tuple[datetime | None, datetime | None] = (None, None)
    lags: Counter[str] = field(default_factory=Counter)
    lag_days: tuple[int | None, int | None] = (None, None)
    bylines: Counter[str] = field(default_factory=Counter)
    quarantined: Counter[str] = field(default_factory=Counter)
    text_records: int = 0
    text_skipped: int = 0
    narration_words: int = 0
    quoted_words: int = 0
    headline_words: int = 0
    in_narration: list[int] = field(default_factory=list)
    in_quotes: list[int] = field(default_factory=list)
    in_headlines: list[int] = field(default_factory=list)
    attributions: int = 0
    records_with_speaker: int = 0

    def __post_init__(self) -> None:
        for name in ("in_narration", "in_quotes", "in_headlines"):
            if not getattr(self, name):
                setattr(self, name, [0] * self.labels)

    @property
    def text_measured(self) -> int:
        return self.text_records - self.text_skipped

    def add_text(self, text: OutletText) -> None:
        self.text_records += text.records
        self.text_skipped += text.skipped
        self.narration_words += text.narration_words
        self.quoted_words += text.quoted_words
        self.headline_words += text.headline_words
        _add_lists(self.in_narration, text.in_narration)
        _add_lists(self.in_quotes, text.in_quotes)
        _add_lists(self.in_headlines, text.in_headlines)
        self.attributions += text.attributions
        self.records_with_speaker += text.records_with_speaker

    def merge(self, other: OutletStats) -> None:
        """Add another partial of the same publisher (or fold one into :data:`OTHERS`)."""
        for name in ("records", "words", "text_records", "text_skipped"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("languages", "months", "lags", "bylines", "quarantined"):
            getattr(self, name).update(getattr(other, name))
        self.published = (
            _lo(self.published[0], other.published[0]),
            _hi(self.published[1], other.published[1]),
        )
        self.lag_days = (
            _lo(self.lag_days[0], other.lag_days[0]),
            _hi(self.lag_days[1], other.lag_days[1]),
        )
        self.add_text(
            OutletText(
                0,
                0,
                other.narration_words,
                other.quoted_words,
                other.headline_words,
                tuple(other.in_narration),
                tuple(other.in_quotes),
                tuple(other.in_headlines),
                other.attributions,
                other.records_with_speaker,
            )
        )


class OutletTable:
    """:class:`OutletStats` by publisher, at most ``2 * keep`` of them plus :data:`OTHERS`."""

    def __init__(self, labels: int, keep: int = PUBLISHERS_KEEP) -> None:
        self.labels = labels
        self.keep = keep
        self.rows: dict[str, OutletStats] = {}
        self.pruned = False

    def get(self, publisher: str) -> OutletStats:
        row = self.rows.get(publisher)
        if row is None:
            if len(self.rows) - (OTHERS in self.rows) >= 2 * self.keep:
                self._prune()
            row = self.rows[publisher] = OutletStats(self.labels)
        return row

    def _prune(self) -> None:
        named = [(k, v) for k, v in self.rows.items() if k != OTHERS]
        ranked = sorted(named, key=lambda kv: (-kv[1].records, kv[0]))
        others = self.rows.get(OTHERS) or OutletStats(self.labels)
        for name, row in ranked[self.keep :]:
            others.merge(row)
            del self.rows[name]
        self.rows[OTHERS] = others
        self.pruned = True

    def merge(self, other: OutletTable) -> None:
        """Add another table's partials, publisher by publisher."""
        self.pruned = self.pruned or other.pruned
        for name, row in sorted(other.rows.items()):
            self.get(name).merge(row)

    def ranked(self) -> list[tuple[str, OutletStats]]:
        """Publishers by records (descending), then name; :data:`OTHERS` last."""
        named = [(k, v) for k, v in self.rows.items() if k != OTHERS]
        ranked = sorted(named, key=lambda kv: (-kv[1].records, kv[0]))
        if OTHERS in self.rows:
            ranked.append((OTHERS, self.rows[OTHERS]))
        return ranked

    # ------------------------------------------------------------------ feeding

    def add(
        self,
        table: pa.Table,
        institutional: tuple[str, ...],
        kinds: Sequence[str] | None = None,
    ) -> None:
        """Fold one table (``ARTICLE_SCHEMA``), record by record; ``kinds`` are the rows'
        :func:`byline_kind` when the caller has them already.

        The rows are taken publisher by publisher (in order of first appearance, each
        publisher's rows in table order), which gives every counter the same keys in the
        same order as a row-by-row fold, unless the new publishers could fold the table's
        smallest rows into :data:`OTHERS` midway: then it goes row by row."""
        published = table.column("published_at")
        bound = pc.coalesce(
            utc_days(table.column("captured_at")), utc_days(table.column("captured_after"))
        )
        lags = pc.subtract(bound, utc_days(published)).to_pylist()
        months = pc.strftime(published, format="%Y-%m").to_pylist()
        publishers, words, languages = (
            table.column(c).to_pylist() for c in ("publisher", "word_count", "language")
        )
        if kinds is None:
            known = {p: (*institutional, p) for p in set(publishers)}
            authors = table.column("authors").to_pylist()
            kinds = [byline_kind(a, known[p]) for p, a in zip(publishers, authors, strict=True)]
        groups: dict[str, list[int]] = {}
        for index, publisher in enumerate(publishers):
            groups.setdefault(publisher, []).append(index)
        named = len(self.rows) - (OTHERS in self.rows)
        if named + sum(p not in self.rows for p in groups) > 2 * self.keep:
            times = published.to_pylist()
            rows = zip(publishers, words, languages, times, months, lags, kinds, strict=True)
            for publisher, n, language, time, month, lag, kind in rows:
                self._add_rows(publisher, (time, time), [n], [language], [month], [lag], [kind])
            return
        spans = _time_spans(table.select(["publisher", "published_at"]))
        for publisher, indices in groups.items():
            columns: tuple[Sequence[Any], ...] = (words, languages, months, lags, kinds)
            if len(indices) < len(publishers):  # not the table's only publisher
                columns = tuple([column[i] for i in indices] for column in columns)
            self._add_rows(publisher, spans[publisher], *columns)

    def _add_rows(
        self,
        publisher: str,
        span: tuple[datetime | None, datetime | None],
        words: Sequence[int],
        languages: Sequence[str],
        months: Sequence[str | None],
        lags: Sequence[int | None],
        kinds: Sequence[str],
    ) -> None:
        """Fold rows of one publisher, given column by column, in order; ``span`` is the
        earliest and latest ``published_at`` of the rows."""
        row = self.get(publisher)
        row.records += len(words)
        row.words += sum(words)
        row.languages.update(languages)
        row.months.update(month for month in months if month is not None)
        row.published = (_lo(row.published[0], span[0]), _hi(row.published[1], span[1]))
        known = [lag for lag in lags if lag is not None]
        if known:
            bins = {lag: lag_bin(lag) for lag in set(known)}
            row.lags.update(map(bins.__getitem__, known))
            row.lag_days = (_lo(row.lag_days[0], min(known)), _hi(row.lag_days[1], max(known)))
        row.bylines.update(kinds)

    def add_quarantined(self, publisher: str | None, code: str) -> None:
        self.get(publisher or UNKNOWN).quarantined[code] += 1


def _time_spans(table: pa.Table) -> dict[str, tuple[datetime | None, datetime | None]]:
    """The earliest and latest ``published_at`` of each publisher of a table."""
    spans = table.group_by("publisher").aggregate(
        [("published_at", "min"), ("published_at", "max")]
    )
    return {
        row["publisher"]: (row["published_at_min"], row["published_at_max"])
        for row in spans.to_pylist()
    }


def utc_days(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Days since 1970-01-01 of a UTC timestamp or date column (the UTC calendar day)."""
    return pc.cast(pc.cast(column, pa.date32()), pa.int32())
