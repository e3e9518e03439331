"""The card's per-publisher blocks: outlets side by side, languages, and the full table.

With one publisher the card speaks of "the outlet"; with several it shows a publishers table
(the :data:`~broadsheet.card.markdown.TOP_K` largest by records, then one row for the rest),
the framing vocabulary and who-is-quoted measures per publisher in comparable columns, and
writes every publisher's row to ``publishers.csv`` in the release (:func:`publishers_csv`).
A rate from few occurrences or few words is marked as noise (:data:`NOISE_MARK`).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Mapping
from typing import Any

from broadsheet.card.corpus_section import (
    SYNDICATION_HEADER,
    Syndication,
    folded,
    syndication,
    syndication_note,
)
from broadsheet.card.markdown import TOP_K, block, counted, num, rate, share, table
from broadsheet.card.outlets import LAG_BINS, OTHERS, UNKNOWN, OutletStats
from broadsheet.card.stats import CardStats
from broadsheet.recipe import Recipe

PUBLISHERS_CSV = "publishers.csv"
"""The full publishers table, written into the release beside the card."""
NOISE_COUNT = 5
"""A rate from fewer occurrences than this is marked as noise."""
NOISE_WORDS = 1000
"""A rate over fewer words than this is marked as noise."""
NOISE_MARK = "†"
VOICES = ("narration", "quoted", "headlines")
TERMS_SHOWN = 5
"""Framing terms given a column in the per-publisher table (the most frequent overall)."""


def figure(figures: Mapping[str, str], key: str, alt: str) -> list[str]:
    """A figure's Markdown image line and a blank line, when the figure was drawn."""
    path = figures.get(key)
    return [f"![{alt}]({path})", ""] if path else []


def _named(stats: CardStats) -> list[tuple[str, OutletStats]]:
    return [(k, v) for k, v in stats.by_publisher.ranked() if k not in (OTHERS, UNKNOWN)]


def _rest(rows: list[tuple[str, OutletStats]], stats: CardStats) -> OutletStats | None:
    """The publishers after the shown ones, and the pruned ones, folded into one row."""
    labels = len(stats.lexicon.labels)
    rest = OutletStats(labels)
    for _name, row in rows:
        rest.merge(row)
    if OTHERS in stats.by_publisher.rows:
        rest.merge(stats.by_publisher.rows[OTHERS])
    return rest if rest.records or rest.quarantined else None


def _months(first: Any, last: Any) -> str:
    if first is None or last is None:
        return "—"
    return f"{first:%Y-%m} to {last:%Y-%m}"


def _row(name: str, row: OutletStats, wire: Syndication | None) -> list[Any]:
    kinds = row.bylines
    inputs = row.records + sum(row.quarantined.values())
    quarantined = sum(row.quarantined.values())
    lag = "—" if row.lag_days[0] is None else f"{num(row.lag_days[0])}–{num(row.lag_days[1] or 0)}"
    return [
        name,
        num(row.records),
        num(row.words),
        counted(row.languages.most_common(), 3),
        _months(*row.published),
        lag,
        " / ".join(share(kinds[k], row.records) for k in ("institutional", "personal", "none")),
        *(wire.cells() if wire is not None else ["—"] * len(SYNDICATION_HEADER)),
        f"{num(quarantined)} ({share(quarantined, inputs)})"
        + (f": {counted(row.quarantined.most_common(), 3)}" if quarantined else ""),
    ]


def outlets(stats: CardStats, report: Mapping[str, Any]) -> str:
    """Who the records come from: one sentence for one outlet, else the publishers table
    (with the corpus passes' syndication figures from the build ``report``)."""
    publishers = stats.publishers.most_common()
    if not publishers:
        return "No records."
    if len(publishers) == 1:
        return f"Every record ({num(stats.rows)}) comes from one outlet, {publishers[0][0]}."
    named = _named(stats)
    shown, rest = named[:TOP_K], _rest(named[TOP_K:], stats)
    wire = syndication(report)
    rows = [_row(name, row, None if wire is None else wire.get(name)) for name, row in shown]
    if rest is not None:
        count = len(named) - len(shown)
        at_least = "at least " if stats.by_publisher.pruned else ""
        others = None if wire is None else folded(wire, set(wire) - {n for n, _ in shown})
        rows.append(_row(f"others ({at_least}{num(count)} publishers)", rest, others))
    unknown = stats.by_publisher.rows.get(UNKNOWN)
    if unknown is not None:
        rows.append(_row("(not parsed: publisher unknown)", unknown, None))
    header = [
        "publisher",
        "records",
        "words",
        "languages",
        "published",
        "capture lag (days)",
        "bylines: institutional / personal / none",
        *SYNDICATION_HEADER,
        "quarantined",
    ]
    return block(
        f"The records come from {num(len(publishers))} publishers in "
        f"{num(len(stats.languages))} languages. Figures pooled over the whole release (the "
        "time window, topics, bylines) weigh each publisher by its records; to compare "
        "outlets, read the per-publisher tables and columns below.",
        "",
        *table(header, rows),
        "Capture lag: days from publication to capture (or to its inferred lower bound). "
        + syndication_note(report)
        + "Quarantined: inputs that did not become records, by reason code, of the "
        "publisher's inputs.",
        "",
        f"Every publisher, with each framing term's counts by voice, is in "
        f"`{PUBLISHERS_CSV}` beside this card.",
    )


def facts(recipe: Recipe) -> str:
    """The recipe's attributed statements about each publisher."""
    lines: list[str] = []
    for publisher in recipe.publishers:
        if not publisher.facts:
            continue
        rows = [
            [
                fact.get("fact"),
                fact.get("source", "") + (f" ({fact['url']})" if fact.get("url") else ""),
                fact.get("date"),
                fact.get("cited"),
            ]
            for fact in publisher.facts
        ]
        lines += [
            f"What others say about {publisher.name} (attributed; the dates are those of "
            "the source and of the citation):",
            "",
            *table(["statement", "source", "source date", "cited"], rows),
        ]
    return block(*lines)


def languages(stats: CardStats) -> str:
    """Records and publishers per detected language, and which measures read which."""
    publishers: Counter[str] = Counter()
    for _name, row in stats.by_publisher.rows.items():
        publishers.update(row.languages.keys())
    rows = [
        [f"`{lang}`", num(n), share(n, stats.rows), num(publishers[lang])]
        for lang, n in stats.languages.most_common()
    ]
    covered = ", ".join(f"`{lang}`" for lang in stats.text_languages)
    return block(
        *table(["language", "records", "share", "publishers"], rows),
        "Counts, dates, bylines, quarantine and headline edits cover every language. The "
        f"framing vocabulary and the speaker patterns read only {covered} "
        f"(`[card].text_languages`): {num(stats.text_measured)} records were read and "
        f"{num(sum(stats.text_skipped.values()))} in other languages skipped"
        + (f" ({counted(stats.text_skipped.most_common())})" if stats.text_skipped else "")
        + '. Quoted speech is found inside "...", “...”, «...», „...“ and the corner '
        "brackets 「...」 and 『...』.",
    )


def _noisy(count: int, words: int) -> bool:
    return count < NOISE_COUNT or words < NOISE_WORDS


def _cell(row: OutletStats, i: int) -> str:
    parts = []
    for counts, words in (
        (row.in_narration, row.narration_words),
        (row.in_quotes, row.quoted_words),
        (row.in_headlines, row.headline_words),
    ):
        mark = NOISE_MARK if words and _noisy(counts[i], words) else ""
        parts.append(rate(counts[i], words) + mark)
    return " / ".join(parts)


def _compared(stats: CardStats) -> list[tuple[str, OutletStats]]:
    """Publishers with records read by the text measures, most records read first."""
    rows = [(k, v) for k, v in _named(stats) if v.text_measured]
    if len(rows) < 2:
        return []
    return sorted(rows, key=lambda kv: (-kv[1].text_measured, kv[0]))[:TOP_K]


def vocabulary_by_publisher(stats: CardStats) -> list[str]:
    """The most frequent framing terms per publisher, by voice, per 1,000 words."""
    compared = _compared(stats)
    if not compared:
        return []
    totals = [
        a + b + c
        for a, b, c in zip(stats.in_narration, stats.in_quotes, stats.in_headlines, strict=True)
    ]
    labels = stats.lexicon.labels
    top = sorted((i for i, n in enumerate(totals) if n), key=lambda i: (-totals[i], i))[
        :TERMS_SHOWN
    ]
    rows = [
        [
            name,
            num(row.text_measured),
            f"{num(row.narration_words)} / {num(row.quoted_words)} / {num(row.headline_words)}",
            *(_cell(row, i) for i in top),
        ]
        for name, row in compared
    ]
    header = ["publisher", "records read", "words", *(labels[i] for i in top)]
    return [
        "By publisher (the most frequent terms; each cell per 1,000 words of narration / "
        f"quoted speech / headlines; {NOISE_MARK} marks a rate from fewer than "
        f"{NOISE_COUNT} occurrences or fewer than {num(NOISE_WORDS)} words, which is noise; "
        f"every term is in `{PUBLISHERS_CSV}`):",
        "",
        *table(header, rows),
    ]


def speakers_by_publisher(stats: CardStats) -> list[str]:
    """Attributions per publisher, per 1,000 words of its narration."""
    compared = _compared(stats)
    if not compared:
        return []
    rows = [
        [
            name,
            num(row.text_measured),
            num(row.attributions),
            rate(row.attributions, row.narration_words)
            + (NOISE_MARK if _noisy(row.attributions, row.narration_words) else ""),
            share(row.records_with_speaker, row.text_measured),
        ]
        for name, row in compared
    ]
    header = ["publisher", "records read", "attributions", "per 1,000 words", "records quoting"]
    return [
        f"By publisher ({NOISE_MARK}: fewer than {NOISE_COUNT} attributions or "
        f"{num(NOISE_WORDS)} words of narration, noise):",
        "",
        *table(header, rows),
    ]


def _pairs(counts: Mapping[str, int]) -> str:
    return ";".join(f"{k}:{n}" for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def publishers_csv(stats: CardStats, report: Mapping[str, Any] | None = None) -> str:
    """Every publisher's row (and the folded ones' and the unknown), as CSV text; the
    syndication columns come from the build ``report``'s corpus section (empty without it)."""
    wire = syndication(report or {}) or {}
    labels = stats.lexicon.labels
    header = [
        "publisher", "records", "words", "languages", "published_first", "published_last",
        "capture_lag_min_days", "capture_lag_max_days", *(f"capture_lag {b}" for b, _ in LAG_BINS),
        "bylines_institutional", "bylines_personal", "bylines_none",
        "records_in_cross_publisher_clusters", "agencies_credited",
        "cross_publisher_clusters_first", "cross_publisher_clusters_first_elsewhere",
        "quarantined", "quarantined_by_reason", "text_records_read", "text_records_skipped",
        "narration_words", "quoted_words", "headline_words", "attributions",
        "records_with_speaker",
        *(f"{label} [{voice}]" for label in labels for voice in VOICES),
    ]  # fmt: skip
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for name, row in stats.by_publisher.ranked():
        syn = wire.get(name)
        writer.writerow(
            [
                name, row.records, row.words,
                ";".join(f"{k}:{n}" for k, n in sorted(row.languages.items())),
                row.published[0].isoformat() if row.published[0] else "",
                row.published[1].isoformat() if row.published[1] else "",
                "" if row.lag_days[0] is None else row.lag_days[0],
                "" if row.lag_days[1] is None else row.lag_days[1],
                *(row.lags[b] for b, _ in LAG_BINS),
                row.bylines["institutional"], row.bylines["personal"], row.bylines["none"],
                *(("", "", "", "") if syn is None else (
                    syn.in_cross_publisher_clusters, _pairs(syn.agencies),
                    syn.published_first, _pairs(syn.first_elsewhere))),
                sum(row.quarantined.values()),
                ";".join(f"{k}:{n}" for k, n in sorted(row.quarantined.items())),
                row.text_records - row.text_skipped, row.text_skipped,
                row.narration_words, row.quoted_words, row.headline_words,
                row.attributions, row.records_with_speaker,
                *(c for i in range(len(labels))
                  for c in (row.in_narration[i], row.in_quotes[i], row.in_headlines[i])),
            ]
        )  # fmt: skip
    return out.getvalue()
