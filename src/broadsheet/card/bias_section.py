"""The measured blocks of the card's "Bias, Risks, and Limitations" section.

The template pairs each with the recipe's hand-written statement (where there is one):
the outlets (:mod:`broadsheet.card.outlets_section`), the time window against capture
times, topics, who is quoted, framing vocabulary split by voice, bylines, headline edits
and what is missing. Each block is Markdown; measures that read one language say so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from broadsheet.card.bias import PATTERNS, SCARE_MAX_WORDS, SLUG_OVERLAP, merge_surnames
from broadsheet.card.corpus_section import measures_note
from broadsheet.card.markdown import TOP_K, block, counted, day, num, rate, share, table, when
from broadsheet.card.outlets_section import (
    facts,
    figure,
    languages,
    outlets,
    speakers_by_publisher,
    vocabulary_by_publisher,
)
from broadsheet.card.stats import CardStats
from broadsheet.recipe import Recipe

MONTHS_LISTED = 24
"""Months listed in the time window's table; beyond, the table counts years."""
MOSTLY_EMPTY = 0.5
"""A field empty in at least this share of rows is listed under 'What is missing'."""


def _time_window(stats: CardStats, figures: Mapping[str, str]) -> str:
    rows = stats.rows
    recorded = rows - stats.no_captured_at
    bounded = rows - stats.no_capture_info - recorded
    lines = [
        f"- Published: {when(stats.published[0])} to {when(stats.published[1])}.",
        _date_provenance(stats),
        f"- Capture time recorded for {num(recorded)} of {num(rows)} records"
        + (f" ({when(stats.captured[0])} to {when(stats.captured[1])})." if recorded else "."),
        f"- Capture date only bounded from below, by dated page chrome, for {num(bounded)} "
        f"records (bounds from {day(stats.captured_after[0])} to "
        f"{day(stats.captured_after[1])}); neither time nor bound for "
        f"{num(stats.no_capture_info)}.",
    ]
    if stats.lag_known:
        lines.append(
            f"- Where both are known ({num(stats.lag_known)} records), the page was captured at "
            f"least {num(stats.lag_days[0] or 0)} to {num(stats.lag_days[1] or 0)} days after "
            "publication: what the page shows besides the article (share counts, related "
            "links, most-read lists) is from the capture, and the article may have been "
            "edited in between."
        )
    lines += ["", *figure(figures, "capture_lag", "Capture lag by publisher")]
    months = sorted(stats.months.items())
    if len(months) > MONTHS_LISTED:
        years: Counter[str] = Counter()
        for month, n in months:
            years[month[:4]] += n
        lines += ["Records by year of publication (UTC; by month in the figure):", ""]
        lines += table(["year", "records"], [[y, num(n)] for y, n in sorted(years.items())])
    else:
        lines += ["Records by month of publication (UTC):", ""]
        lines += table(["month", "records"], [[m, num(n)] for m, n in months])
    lines += figure(figures, "records_per_month", "Records per month by publisher")
    return block(*lines)


_DATE_SOURCES = {
    "json_ld": "JSON-LD",
    "meta": "<meta> tags",
    "time_element": "<time> elements",
    "visible_text": "the date printed on the page",
    "url": "the URL",
}


def _date_provenance(stats: CardStats) -> str:
    """Where the publication times were read, and how many state only a day."""
    sources = [
        (_DATE_SOURCES.get(name, name), n)
        for name, n in stats.date_sources.items()
        if name != "(none)"
    ]
    precision = stats.date_precisions
    return (
        f"- Publication time read from: {counted(sources)}; no publication time for "
        f"{num(stats.date_sources['(none)'])} records. Only a day is known for "
        f"{num(precision['day'])} records (`published_at_precision` 'day': their midnight UTC "
        f"stands for the day), a time to the minute for {num(precision['minute'])} and to "
        f"the second for {num(precision['second'])}."
    )


def _topics(stats: CardStats) -> str:
    return block(
        f"- Sections (from the URL): {counted(stats.sections.most_common(TOP_K))}.",
        f"- Dossiers: {counted(stats.coverage.most_common(TOP_K))}.",
        f"- Most frequent tags: {counted(stats.tags.most_common(TOP_K))}.",
    )


def _sample_note(stats: CardStats) -> list[str]:
    lines: list[str] = []
    if stats.text_sampled < stats.rows:
        lines += [
            f"The vocabulary and speaker measures read {num(stats.text_sampled)} of "
            f"{num(stats.rows)} records: those with the smallest ids. Ids are hashes of the "
            "URL (or of publisher, title and time), so these records are a uniform sample of "
            "the release.",
            "",
        ]
    if stats.text_skipped:
        covered = ", ".join(f"`{lang}`" for lang in stats.text_languages)
        lines += [
            f"Language: these measures read records in {covered} only (`[card].text_languages`;"
            " the speaker patterns are English), "
            f"{num(stats.text_measured)} of the {num(stats.text_sampled)} read; "
            f"{num(sum(stats.text_skipped.values()))} in other languages were skipped "
            f"({counted(stats.text_skipped.most_common())}).",
            "",
        ]
    return lines


def _speakers(stats: CardStats, voice: str, report: Mapping[str, Any]) -> str:
    merged = merge_surnames(stats.speakers.counts)
    ranked = sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))
    total = sum(stats.patterns.values())
    lines = [
        *_sample_note(stats),
        measures_note(report),
        "",
        f"{num(total)} attributions of speech found in the prose of "
        f"{num(stats.records_with_speaker)} of {num(stats.text_measured)} records, "
        "by pattern matching "
        "(a capitalised name before a speech verb, 'according to X', 'X: \"...\"', "
        "'X told' + the outlet's name, '\"...,\" said X'; pronouns are skipped and a lone "
        "surname is folded into the one full name ending with it). It misses speakers "
        "described only by their role and can mistake a place or body for a person: read it "
        "as a profile "
        f"of whose words {voice}, not as a census.",
        "",
    ]
    if ranked:
        lines += table(["speaker", "attributions"], [[k, num(n)] for k, n in ranked[:TOP_K]])
        lines += table(
            ["pattern", "reads as", "attributions"],
            [[f"`{p}`", PATTERNS[p], num(n)] for p, n in sorted(stats.patterns.items())],
        )
    if stats.speakers.pruned:
        lines += ["Rare speakers were pruned while counting; their counts are lower bounds.", ""]
    lines += speakers_by_publisher(stats)
    return block(*lines)


def _vocabulary(
    recipe: Recipe,
    stats: CardStats,
    voice: str,
    figures: Mapping[str, str],
    report: Mapping[str, Any],
) -> str:
    if not stats.lexicon.labels:
        where = "The recipe's `[lexicon]` is empty" if recipe.given else "There is no recipe"
        return f"{where}: no framing terms were counted."
    body = stats.narration_words + stats.quoted_words
    lines = [
        *_sample_note(stats),
        measures_note(report),
        "",
        f"Words measured: {num(stats.narration_words)} in {voice} narration, "
        f"{num(stats.quoted_words)} in quoted speech ({share(stats.quoted_words, body)} of "
        f"the body), {num(stats.headline_words)} in headlines and standfirsts. Quoted speech "
        "is text inside double quotation marks; a double-quoted span of at most "
        f'{SCARE_MAX_WORDS} words (a scare quote such as "Israel") counts as narration, '
        "and single quotes never mark speech. Embedded social posts are not measured. "
        "Each cell: occurrences (per 1,000 words of that voice). Counts are of surface "
        "forms, case-insensitive, whole words; they do not tell senses apart.",
        "",
    ]

    def cell(count: int, words: int) -> str:
        return f"{num(count)} ({rate(count, words)})"

    rows: list[list[Any]] = []
    for i, label in enumerate(stats.lexicon.labels):
        variants = ", ".join(
            f"pattern `{v[3:]}`" if v.startswith("re:") else v for v in recipe.lexicon[label]
        )
        rows.append(
            [
                label,
                variants,
                cell(stats.in_narration[i], stats.narration_words),
                cell(stats.in_quotes[i], stats.quoted_words),
                cell(stats.in_headlines[i], stats.headline_words),
                num(stats.records_with[i]),
            ]
        )
    header = ["term", "forms counted", "narration", "quoted speech", "headlines", "records"]
    lines += table(header, rows)
    lines += vocabulary_by_publisher(stats)
    lines += figure(figures, "lexicon_by_publisher", "Framing terms per 1,000 words")
    return block(*lines)


def _bylines(stats: CardStats) -> str:
    kinds = stats.byline_kinds
    if len(stats.publishers) <= 1:
        names = ", ".join(sorted({*stats.institutional, *stats.publishers})) or "none"
    else:
        names = "each record's own publisher, and " + ", ".join(
            sorted(set(stats.institutional) - set(stats.publishers))
        )
    return block(
        f"- Institutional bylines (the outlet or an agency): {num(kinds['institutional'])} "
        f"records ({share(kinds['institutional'], stats.rows)}); personal: "
        f"{num(kinds['personal'])} ({share(kinds['personal'], stats.rows)}); none: "
        f"{num(kinds['none'])} ({share(kinds['none'], stats.rows)}).",
        f"- Names counted as institutional: {names}.",
        f"- Most frequent bylines: {counted(stats.authors.most_common(TOP_K))}.",
        f"- 'Source:' credits: {counted(stats.source_credits.most_common(TOP_K))}.",
    )


def _headlines(stats: CardStats) -> str:
    lines = [
        f"{num(stats.with_url)} of {num(stats.rows)} records have a URL; for "
        f"{num(stats.slugs_compared)} the URL slug is made from the headline (at least "
        f"{SLUG_OVERLAP:.0%} of its words are title words"
        + (
            f"; {num(stats.slugs_unrelated)} other slugs are ids or other words"
            if stats.slugs_unrelated
            else ""
        )
        + f"), and {num(stats.edited)} differ from the printed title (a slug cut short is not "
        "counted). A slug is usually made from the headline when the page is first published, "
        "so a difference shows a headline written or changed separately from the address.",
        "",
    ]
    rows = [
        [f"`{rid}`", f"`{slug}`", title, " ".join(s_only) or "—", " ".join(t_only) or "—"]
        for rid, _url, slug, title, s_only, t_only in stats.edits.rows()
    ]
    if stats.edited > len(rows):
        lines += [f"Examples ({num(len(rows))} of {num(stats.edited)}, the smallest ids):", ""]
    if rows:
        lines += table(["id", "URL slug", "printed title", "slug only", "title only"], rows)
    subs = [(s, n) for s, n in stats.substitutions.most_common(TOP_K // 2) if n > 1]
    if stats.edited > len(rows) and subs:
        lines += ["Changes seen in more than one record:", ""]
        lines += table(["slug words → title words", "records"], [[s, num(n)] for s, n in subs])
    return block(*lines)


def _missing(stats: CardStats, report: dict[str, Any]) -> str:
    quarantined = report.get("quarantined", sum(stats.quarantine.values()))
    inputs = report.get("inputs", stats.rows + quarantined)
    empty = [
        f"`{name}` ({share(n, stats.rows)})"
        for name, n in sorted(stats.nulls.items())
        if stats.rows and n / stats.rows >= MOSTLY_EMPTY
    ]
    return block(
        f"- Records without a URL: {num(stats.no_url)} ({share(stats.no_url, stats.rows)}); "
        "their ids derive from publisher, title and publication time.",
        f"- Records without a capture time: {num(stats.no_captured_at)} "
        f"({share(stats.no_captured_at, stats.rows)}); without a time or an inferred bound: "
        f"{num(stats.no_capture_info)}.",
        f"- Inputs quarantined: {num(quarantined)} of {num(inputs)} "
        f"({share(quarantined, inputs)}).",
        f"- Fields empty in at least {MOSTLY_EMPTY:.0%} of records: {', '.join(empty) or 'none'}.",
    )


def bias_blocks(
    recipe: Recipe, stats: CardStats, report: dict[str, Any], figures: Mapping[str, str]
) -> dict[str, str]:
    """The section's measured blocks, by the name the template gives them."""
    one = len(stats.publishers) <= 1
    voice = "the outlet's" if one else "the outlets'"
    return {
        "outlets": outlets(stats, report),
        "facts": facts(recipe),
        "languages": languages(stats),
        "time_window": _time_window(stats, figures),
        "topics": _topics(stats),
        "speakers": _speakers(stats, "the outlet reports" if one else "the outlets report", report),
        "vocabulary": _vocabulary(recipe, stats, voice, figures, report),
        "bylines": _bylines(stats),
        "headlines": _headlines(stats),
        "missing": _missing(stats, report),
    }
