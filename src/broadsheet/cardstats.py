"""The card's figures, accumulated shard by shard in bounded memory.

:class:`CardStats` is fed the final shards (tables in ``ARTICLE_SCHEMA``) and the quarantine
entries. It keeps counts, minima and maxima, top-k counters and capped lists of rows (the
provenance table, the headline edits); the full per-file list lives in ``build-report.json``.
Counters are pruned record by record, never per table, so the figures do not depend on how
the rows were split into shards.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from broadsheet.bias import (
    UNNAMED,
    Lexicon,
    byline_kind,
    count_words,
    find_speakers,
    headline_edit,
    merge_surnames,
    split_voices,
)
from broadsheet.pipeline import Quarantined
from broadsheet.recipe import Recipe

PROVENANCE_CAP = 1000
"""Provenance rows kept for the card (the smallest source files); the rest are counted."""
EDITS_CAP = 200
"""Headline-edit rows kept for the card (the smallest ids)."""
TOP_KEEP = 5000
"""Distinct keys a top-k counter keeps exactly before pruning its tail."""
TEXT_SAMPLE = 5000
"""Records whose prose is read for the vocabulary and speaker measures: the first ones fed,
which are the smallest ids because the build feeds shards in id order. Ids are hashes, so
these form a uniform sample, and the card's cost stays bounded on large corpora."""
"""Distinct keys a top-k counter keeps exactly before pruning its tail."""

_COLUMNS = (
    "id",
    "url",
    "publisher",
    "language",
    "title",
    "description",
    "authors",
    "source_credit",
    "published_at",
    "captured_at",
    "captured_after",
    "section",
    "coverage",
    "tags",
    "body",
    "word_count",
    "source_file",
    "source_sha256",
    "parser",
)


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

    def most_common(self, k: int | None = None) -> list[tuple[str, int]]:
        """Keys by count (descending), ties by key: a deterministic order."""
        ranked = sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return ranked if k is None else ranked[:k]

    def __len__(self) -> int:
        return len(self.counts)


class CappedRows:
    """The ``cap`` smallest rows seen (by their natural order) and how many there were."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.total = 0
        self._rows: list[tuple[Any, ...]] = []

    def add(self, row: tuple[Any, ...]) -> None:
        self.total += 1
        self._rows.append(row)
        if len(self._rows) > 2 * self.cap:
            self._rows = sorted(self._rows)[: self.cap]

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


class CardStats:
    """Bounded aggregates of a release, fed one table at a time."""

    def __init__(self, recipe: Recipe) -> None:
        card = recipe.card
        self.lexicon = Lexicon.from_mapping(recipe.lexicon)
        publishers = [p.name for p in recipe.publishers]
        self.institutional = [*card.get("institutional_bylines", []), *publishers]
        self.outlets: list[str] = list(card.get("outlet_names", publishers))
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

    def add(self, table: pa.Table) -> None:
        """Fold one table (``ARTICLE_SCHEMA``) into the aggregates."""
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
        for batch in table.select(list(_COLUMNS)).to_batches(max_chunksize=512):
            for row in batch.to_pylist():
                self._add_row(row)

    def _keep_example(self, table: pa.Table) -> None:
        smallest = pc.min(table.column("id")).as_py()
        if self.example is None or smallest < self.example["id"]:
            mask = pc.equal(table.column("id"), smallest)
            self.example = table.filter(mask).slice(0, 1).to_pylist()[0]

    def _add_row(self, row: dict[str, Any]) -> None:
        self.rows += 1
        self.words += row["word_count"]
        self.publishers[row["publisher"]] += 1
        self.languages[row["language"]] += 1
        self.parsers[row["parser"]] += 1
        self.sections.add(row["section"] or "(none)")
        self.coverage.add(row["coverage"] or "(none)")
        for tag in row["tags"]:
            self.tags.add(tag)
        self._add_times(row)
        if self.text_sampled < TEXT_SAMPLE:
            self.text_sampled += 1
            self._add_vocabulary(row)
            self._add_speakers(row)
        kind = byline_kind(row["authors"], [*self.institutional, row["publisher"]])
        self.byline_kinds[kind] += 1
        for author in row["authors"]:
            self.authors.add(author)
        self.source_credits.add(row["source_credit"] or "(none)")
        self._add_headline(row)
        self.provenance.add(
            (
                row["source_file"],
                row["source_sha256"],
                row["url"] or "unknown",
                _capture_text(row["captured_at"], row["captured_after"]),
                row["parser"],
                "accepted",
            )
        )

    def _add_times(self, row: dict[str, Any]) -> None:
        published: datetime | None = row["published_at"]
        captured: datetime | None = row["captured_at"]
        after: date | None = row["captured_after"]
        self.published = (_lo(self.published[0], published), _hi(self.published[1], published))
        self.captured = (_lo(self.captured[0], captured), _hi(self.captured[1], captured))
        self.captured_after = (
            _lo(self.captured_after[0], after),
            _hi(self.captured_after[1], after),
        )
        if published is not None:
            self.months[published.astimezone(UTC).strftime("%Y-%m")] += 1
        self.no_url += row["url"] is None
        self.no_captured_at += captured is None
        self.no_capture_info += captured is None and after is None
        bound = captured.astimezone(UTC).date() if captured is not None else after
        if published is not None and bound is not None:
            lag = (bound - published.astimezone(UTC).date()).days
            self.lag_days = (_lo(self.lag_days[0], lag), _hi(self.lag_days[1], lag))
            self.lag_known += 1

    def _add_vocabulary(self, row: dict[str, Any]) -> None:
        narration: list[str] = []
        quoted: list[str] = []
        for block in row["body"]:
            if block["kind"] == "embed":
                continue
            voices = split_voices(block["text"], kind=block["kind"])
            narration.extend(voices.narration)
            quoted.extend(voices.quoted)
        headlines = [row["title"], *([row["description"]] if row["description"] else [])]
        self.narration_words += sum(count_words(p) for p in narration)
        self.quoted_words += sum(count_words(p) for p in quoted)
        self.headline_words += sum(count_words(p) for p in headlines)
        counts = zip(
            self.lexicon.count(narration),
            self.lexicon.count(quoted),
            self.lexicon.count(headlines),
            strict=True,
        )
        for i, (n, q, h) in enumerate(counts):
            self.in_narration[i] += n
            self.in_quotes[i] += q
            self.in_headlines[i] += h
            self.records_with[i] += bool(n or q or h)

    def _add_speakers(self, row: dict[str, Any]) -> None:
        found = False
        for block in row["body"]:
            if block["kind"] == "embed":
                continue
            for speaker, pattern in find_speakers(block["text"], self.outlets):
                self.speakers.add(speaker)
                self.patterns[pattern] += 1
                found = True
        self.records_with_speaker += found

    def _add_headline(self, row: dict[str, Any]) -> None:
        if row["url"] is None:
            return
        self.with_url += 1
        edit = headline_edit(row["url"], row["title"])
        if edit is None:
            return
        self.slugs_compared += 1
        if not edit.edited:
            return
        self.edited += 1
        self.substitutions.add(f"{' '.join(edit.slug_only)} → {' '.join(edit.title_only)}")
        self.edits.add(
            (row["id"], row["url"], edit.slug, edit.title, edit.slug_only, edit.title_only)
        )

    def add_quarantine(self, entries: Iterable[Quarantined]) -> None:
        """Count quarantine entries by code and keep their provenance rows."""
        for entry in entries:
            self.quarantine[entry.code] += 1
            self.quarantine_stages[entry.stage] += 1
            record = entry.record or {}
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
