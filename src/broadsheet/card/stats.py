"""The card's figures, accumulated shard by shard in bounded memory.

:class:`CardStats` is fed the final shards (tables in ``ARTICLE_SCHEMA``) and the quarantine
entries. It keeps counts, minima and maxima, top-k counters and capped lists of rows (the
provenance table, the headline edits); the full per-file list lives in ``build-report.json``.
Counters are pruned record by record, never per table, so the figures do not depend on how
the rows were split into shards.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from broadsheet.card.bias import UNNAMED, Lexicon, byline_kind, headline_edit, merge_surnames
from broadsheet.card.outlets import AGENCIES, OutletTable, utc_days
from broadsheet.card.text import TEXT_LANGUAGES, TextTally, measure_text
from broadsheet.recipe import Recipe
from broadsheet.records.quarantine import Quarantined

PROVENANCE_CAP = 1000
"""Provenance rows kept for the card (the smallest source files); the rest are counted."""
EDITS_CAP = 10
"""Headline-edit examples kept for the card (the smallest ids)."""
TOP_KEEP = 5000
"""Distinct keys a top-k counter keeps exactly before pruning its tail."""
TEXT_SAMPLE = 5000
"""Records whose prose is read for the vocabulary and speaker measures: the first ones fed,
which are the smallest ids because the build feeds shards in id order. Ids are hashes, so
these form a uniform sample, and the card's cost stays bounded on large corpora."""


class TopCounter:
    """A counter that keeps at most ``2 * keep`` keys, pruning its tail to ``keep``.

    Exact until the first prune; after that the counts of rare keys are lower bounds
    (``pruned`` says so).
    """

    def __init__(self, keep: int = TOP_KEEP) -> None:
        self.keep = keep
        self.counts: dict[str, int] = {}
        self.pruned = False

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n
        if len(self.counts) > 2 * self.keep:
            self.counts = dict(self.most_common(self.keep))
            self.pruned = True

    def update(self, keys: Iterable[str]) -> None:
        """:meth:`add` each key once, in order."""
        counts, limit = self.counts, 2 * self.keep
        for key in keys:
            if key in counts:
                counts[key] += 1
                continue
            counts[key] = 1
            if len(counts) > limit:
                self.counts = counts = dict(self.most_common(self.keep))
                self.pruned = True

    def most_common(self, k: int | None = None) -> list[tuple[str, int]]:
        """Keys by count (descending), ties by key: a deterministic order."""
        ranked = sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return ranked if k is None else ranked[:k]

    def __len__(self) -> int:
        return len(self.counts)


class CappedRows:
    """The ``cap`` smallest rows seen (by their natural order) and how many there were.

    Once ``cap`` rows are known to be kept, a row not smaller than the largest of them can
    never be: it is only counted (and :meth:`admits` lets a caller skip making it at all).
    """

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.total = 0
        self._rows: list[tuple[Any, ...]] = []
        self._limit: tuple[Any, ...] | None = None  # the largest row kept, once cap are

    def add(self, row: tuple[Any, ...]) -> None:
        self.total += 1
        if self._limit is not None and row >= self._limit:
            return
        self._rows.append(row)
        if len(self._rows) > 2 * self.cap:
            self._rows = sorted(self._rows)[: self.cap]
            self._limit = self._rows[-1]

    def admits(self, first: Any) -> bool:
        """Whether a row whose first value is ``first`` may still be kept; when not, count
        it with :meth:`skip` instead of making it."""
        return self._limit is None or first <= self._limit[0]

    def skip(self, rows: int = 1) -> None:
        """Count rows that :meth:`admits` refused."""
        self.total += rows

    def rows(self) -> list[tuple[Any, ...]]:
        return sorted(self._rows)[: self.cap]


def _capture_text(captured_at: datetime | str | None, captured_after: date | str | None) -> str:
    """A capture time in UTC, else the inferred bound 'after YYYY-MM-DD', else 'unknown'.

    Accepts the Python values of a table row or the ISO strings of a JSON record.
    """
    if isinstance(captured_at, str):
        text = captured_at
        try:
            captured_at = datetime.fromisoformat(text)
        except ValueError:
            return text
    if captured_at is not None:
        if captured_at.tzinfo is None:
            captured_at = captured_at.replace(tzinfo=UTC)
        return captured_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    if captured_after is not None:
        after = captured_after if isinstance(captured_after, str) else captured_after.isoformat()
        return f"after {after}"
    return "unknown"


def _lo(old: Any, new: Any) -> Any:
    return new if new is not None and (old is None or new < old) else old


def _hi(old: Any, new: Any) -> Any:
    return new if new is not None and (old is None or new > old) else old


def _widen(span: tuple[Any, Any], column: pa.ChunkedArray | pa.Array) -> tuple[Any, Any]:
    """A (min, max) pair widened by a column's non-null values."""
    extremes = pc.min_max(column)
    return _lo(span[0], extremes["min"].as_py()), _hi(span[1], extremes["max"].as_py())


class CardStats:
    """Bounded aggregates of a release, fed one table at a time."""

    def __init__(self, recipe: Recipe) -> None:
        card = recipe.card
        self.lexicon = Lexicon.from_mapping(recipe.lexicon)
        publishers = [p.name for p in recipe.publishers]
        self.institutional = [*card.get("institutional_bylines", AGENCIES), *publishers]
        self.outlets: list[str] = list(card.get("outlet_names", publishers))
        self.text_languages: tuple[str, ...] = tuple(card.get("text_languages", TEXT_LANGUAGES))
        self.by_publisher = OutletTable(len(self.lexicon.labels))
        self.text_skipped: Counter[str] = Counter()  # records not measured, by language
        self.rows = 0
        self.words = 0
        self.nulls: Counter[str] = Counter()
        self.publishers: Counter[str] = Counter()
        self.languages: Counter[str] = Counter()
        self.parsers: Counter[str] = Counter()
        self.sections = TopCounter()
        self.coverage = TopCounter()
        self.months: Counter[str] = Counter()
        self.tags = TopCounter()
        self.published: tuple[datetime | None, datetime | None] = (None, None)
        self.date_sources: Counter[str] = Counter()  # published_at_source, None: undated
        self.date_precisions: Counter[str] = Counter()  # published_at_precision
        self.captured: tuple[datetime | None, datetime | None] = (None, None)
        self.captured_after: tuple[date | None, date | None] = (None, None)
        self.lag_days: tuple[int | None, int | None] = (None, None)
        self.lag_known = 0
        self.no_url = 0
        self.no_captured_at = 0
        self.no_capture_info = 0
        # framing vocabulary: per label, counts in narration / quoted speech / headlines
        size = len(self.lexicon.labels)
        self.narration_words = 0
        self.quoted_words = 0
        self.headline_words = 0
        self.in_narration = [0] * size
        self.in_quotes = [0] * size
        self.in_headlines = [0] * size
        self.records_with = [0] * size
        # who is quoted
        self.speakers = TopCounter()
        self.patterns: Counter[str] = Counter()
        self.records_with_speaker = 0
        self.text_sampled = 0
        # bylines
        self.byline_kinds: Counter[str] = Counter()
        self.authors = TopCounter()
        self.source_credits = TopCounter()
        # headline edits
        self.with_url = 0
        self.slugs_compared = 0
        self.slugs_unrelated = 0  # slugs not made from the headline
        self.edited = 0
        self.substitutions = TopCounter()
        self.edits = CappedRows(EDITS_CAP)
        # provenance and quarantine
        self.provenance = CappedRows(PROVENANCE_CAP)
        self.quarantine: Counter[str] = Counter()
        self.quarantine_stages: Counter[str] = Counter()
        self.example: dict[str, Any] | None = None

    def named_speakers(self) -> dict[str, int]:
        """Attributions per named speaker, lone surnames folded into the full name."""
        merged = merge_surnames(self.speakers.counts)
        return {name: n for name, n in merged.items() if name != UNNAMED}

    # ------------------------------------------------------------------ feeding

    def text_rows(self, num_rows: int) -> int:
        """How many first rows of the next table fed, of ``num_rows``, are read for the text
        measures (the rest of the :data:`TEXT_SAMPLE`; none once it is full)."""
        return min(num_rows, max(0, TEXT_SAMPLE - self.text_sampled))

    def add(self, table: pa.Table, tallies: Sequence[TextTally] | None = None) -> None:
        """Fold one table (``ARTICLE_SCHEMA``) into the aggregates.

        Work goes column by column; every counter still sees the records one at a time and
        in table order, so the figures are those of a record-by-record fold.

        The text measures of the table's first :meth:`text_rows` rows are taken here, unless
        ``tallies`` brings them: :func:`measure_text` (with :attr:`lexicon` and
        ``tuple(outlets)``) of consecutive slices of exactly those rows, in order, for
        instance computed on other processes. A ``ValueError`` says when they do not add up.
        """
        sample = self.text_rows(table.num_rows)
        if tallies is not None and sum(t.records for t in tallies) != sample:
            raise ValueError(
                f"the tallies measure {sum(t.records for t in tallies)} records; the text "
                f"sample takes the first {sample} rows of this table of {table.num_rows}"
            )
        if table.num_rows == 0:
            return
        for name in table.schema.names:
            column = table.column(name)
            empty = column.null_count
            if pa.types.is_list(column.type):
                filled = pc.sum(pc.greater(pc.list_value_length(column), 0)).as_py() or 0
                empty = table.num_rows - filled
            self.nulls[name] += empty
        self._keep_example(table)
        self.rows += table.num_rows
        self.words += pc.sum(table.column("word_count")).as_py() or 0
        publishers = table.column("publisher").to_pylist()
        self.publishers.update(publishers)
        self.languages.update(table.column("language").to_pylist())
        self.parsers.update(table.column("parser").to_pylist())
        self.sections.update(s or "(none)" for s in table.column("section").to_pylist())
        self.coverage.update(c or "(none)" for c in table.column("coverage").to_pylist())
        self.tags.update(tag for tags in table.column("tags").to_pylist() for tag in tags)
        self._add_times(table)
        if tallies is None and sample:
            tallies = [
                measure_text(
                    table.slice(0, sample), self.lexicon, tuple(self.outlets), self.text_languages
                )
            ]
        for tally in tallies or ():
            self.add_text(tally)
        kinds = self._add_bylines(table, publishers)
        self.by_publisher.add(table, tuple(self.institutional), kinds)
        self._add_headlines(table)
        self._add_provenance(table)

    def _keep_example(self, table: pa.Table) -> None:
        smallest = pc.min(table.column("id")).as_py()
        if self.example is None or smallest < self.example["id"]:
            mask = pc.equal(table.column("id"), smallest)
            self.example = table.filter(mask).slice(0, 1).to_pylist()[0]

    def _add_times(self, table: pa.Table) -> None:
        """Time ranges, months and capture lags, computed on the columns (UTC)."""
        published = table.column("published_at")
        captured = table.column("captured_at")
        after = table.column("captured_after")
        self.published = _widen(self.published, published)
        self.date_sources.update(
            s or "(none)" for s in table.column("published_at_source").to_pylist()
        )
        self.date_precisions.update(
            p or "(none)" for p in table.column("published_at_precision").to_pylist()
        )
        self.captured = _widen(self.captured, captured)
        self.captured_after = _widen(self.captured_after, after)
        months = zip(pc.year(published).to_pylist(), pc.month(published).to_pylist(), strict=True)
        for month, n in Counter((y, m) for y, m in months if y is not None).items():
            self.months[date(month[0], month[1], 1).strftime("%Y-%m")] += n
        self.no_url += table.column("url").null_count
        self.no_captured_at += captured.null_count
        neither = pc.and_(pc.is_null(captured), pc.is_null(after))
        self.no_capture_info += pc.sum(neither).as_py() or 0
        bound = pc.coalesce(utc_days(captured), utc_days(after))
        lags = pc.subtract(bound, utc_days(published))  # null where either end is unknown
        self.lag_days = _widen(self.lag_days, lags)
        self.lag_known += len(lags) - lags.null_count

    def add_text(self, tally: TextTally) -> None:
        """Fold the text measures of the next records of the sample (see :meth:`add`)."""
        size = len(self.lexicon.labels)
        lengths = {len(t) for t in (tally.in_narration, tally.in_quotes, tally.in_headlines)}
        if lengths | {len(tally.records_with)} != {size}:
            raise ValueError(f"the tally counts {sorted(lengths)} labels; the lexicon has {size}")
        self.text_sampled += tally.records
        self.narration_words += tally.narration_words
        self.quoted_words += tally.quoted_words
        self.headline_words += tally.headline_words
        for mine, theirs in (
            (self.in_narration, tally.in_narration),
            (self.in_quotes, tally.in_quotes),
            (self.in_headlines, tally.in_headlines),
            (self.records_with, tally.records_with),
        ):
            mine[:] = map(sum, zip(mine, theirs, strict=True))
        self.speakers.update(speaker for found in tally.speakers for speaker, _ in found)
        self.patterns.update(pattern for found in tally.speakers for _, pattern in found)
        self.records_with_speaker += sum(map(bool, tally.speakers))
        self.text_skipped.update(dict(tally.skipped))
        for publisher, text in tally.by_publisher:
            self.by_publisher.get(publisher).add_text(text)

    @property
    def text_measured(self) -> int:
        """Records of the text sample in a language the measures read."""
        return self.text_sampled - sum(self.text_skipped.values())

    def _add_bylines(self, table: pa.Table, publishers: list[str]) -> list[str]:
        """Count byline kinds, authors and credits; the byline kind of each row."""
        known = {p: (*self.institutional, p) for p in set(publishers)}
        authors = table.column("authors").to_pylist()
        kinds = [byline_kind(a, known[p]) for a, p in zip(authors, publishers, strict=True)]
        self.byline_kinds.update(kinds)
        self.authors.update(name for names in authors for name in names)
        self.source_credits.update(c or "(none)" for c in table.column("source_credit").to_pylist())
        return kinds

    def _add_headlines(self, table: pa.Table) -> None:
        rows = zip(*(table.column(c).to_pylist() for c in ("id", "url", "title")), strict=True)
        for rid, url, title in rows:
            if url is None:
                continue
            self.with_url += 1
            edit = headline_edit(url, title)
            if edit is None:
                continue
            if not edit.from_headline:
                self.slugs_unrelated += 1
                continue
            self.slugs_compared += 1
            if not edit.edited:
                continue
            self.edited += 1
            change = (" ".join(edit.slug_only) or "—", " ".join(edit.title_only) or "—")
            self.substitutions.add(" → ".join(change))
            self.edits.add((rid, url, edit.slug, edit.title, edit.slug_only, edit.title_only))

    def _add_provenance(self, table: pa.Table) -> None:
        provenance = self.provenance
        files = table.column("source_file").to_pylist()
        admitted = [i for i, name in enumerate(files) if provenance.admits(name)]
        if len(admitted) > provenance.cap:  # rows after the cap smallest files are never kept
            last = heapq.nsmallest(provenance.cap, (files[i] for i in admitted))[-1]
            admitted = [i for i in admitted if files[i] <= last]
        provenance.skip(len(files) - len(admitted))  # they sort after every row kept so far
        if len(admitted) < len(files):
            table = table.take(admitted)  # only these rows' values are made
        columns = ("source_file", "source_sha256", "url", "captured_at", "captured_after")
        rows = zip(*(table.column(c).to_pylist() for c in (*columns, "parser")), strict=True)
        for source_file, sha256, url, captured_at, captured_after, parser in rows:
            capture = _capture_text(captured_at, captured_after)
            provenance.add((source_file, sha256, url or "unknown", capture, parser, "accepted"))

    def add_quarantine(self, entries: Iterable[Quarantined]) -> None:
        """Count quarantine entries by code and keep their provenance rows."""
        for entry in entries:
            self.quarantine[entry.code] += 1
            self.quarantine_stages[entry.stage] += 1
            record = entry.record or {}
            self.by_publisher.add_quarantined(record.get("publisher"), entry.code)
            self.provenance.add(
                (
                    entry.source_file,
                    entry.source_sha256 or "unknown",
                    record.get("url") or "unknown",
                    _capture_text(record.get("captured_at"), record.get("captured_after")),
                    record.get("parser") or "—",
                    entry.code,
                )
            )
