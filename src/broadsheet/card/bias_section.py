"""The card's "Bias, Risks, and Limitations" section, measured from the records.

Each subsection pairs the recipe's hand-written statement (where there is one) with figures
from :class:`broadsheet.card.stats.CardStats`: the outlet and its editorial line, the time
window against capture times, who is quoted, framing vocabulary split by voice, bylines,
headline edits and what is missing.
"""

from __future__ import annotations

from typing import Any

from broadsheet.card.bias import PATTERNS, SCARE_MAX_WORDS, merge_surnames
from broadsheet.card.markdown import TOP_K, counted, day, narrative, num, rate, share, table, when
from broadsheet.card.stats import EDITS_CAP, CardStats
from broadsheet.recipe import Recipe

MOSTLY_EMPTY = 0.5
"""A field empty in at least this share of rows is listed under 'What is missing'."""


def _outlet(recipe: Recipe, stats: CardStats) -> list[str]:
    publishers = stats.publishers.most_common()
    if len(publishers) == 1:
        measured = f"Every record ({num(stats.rows)}) comes from one outlet, {publishers[0][0]}."
    else:
        measured = f"Records by publisher: {counted(publishers)}."
    lines = ["### One outlet and its editorial line", "", measured, ""]
    lines += narrative(recipe, "editorial_line")
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
    return lines


def _time_window(stats: CardStats) -> list[str]:
    rows = stats.rows
    recorded = rows - stats.no_captured_at
    bounded = rows - stats.no_capture_info - recorded
    lines = [
        "### Time window",
        "",
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
    lines += ["", "Records by month of publication (UTC):", ""]
    lines += table(["month", "records"], [[m, num(n)] for m, n in sorted(stats.months.items())])
    return lines


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


def _topics(stats: CardStats) -> list[str]:
    return [
        "### Topics covered",
        "",
        "Which stories were captured is itself a selection: the sections, dossiers and tags "
        "of the records show what the release is about.",
        "",
        f"- Sections (from the URL): {counted(stats.sections.most_common(TOP_K))}.",
        f"- Dossiers: {counted(stats.coverage.most_common(TOP_K))}.",
        f"- Most frequent tags: {counted(stats.tags.most_common(TOP_K))}.",
        "",
    ]


def _sample_note(stats: CardStats) -> list[str]:
    if stats.text_sampled >= stats.rows:
        return []
    return [
        f"The vocabulary and speaker measures read {num(stats.text_sampled)} of "
        f"{num(stats.rows)} records: those with the smallest ids. Ids are hashes of the URL "
        "(or of publisher, title and time), so these records are a uniform sample of the "
        "release.",
        "",
    ]


def _speakers(stats: CardStats) -> list[str]:
    merged = merge_surnames(stats.speakers.counts)
    ranked = sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))
    total = sum(stats.patterns.values())
    lines = [
        "### Who is quoted",
        "",
        *_sample_note(stats),
        f"{num(total)} attributions of speech found in the prose of "
        f"{num(stats.records_with_speaker)} of {num(stats.text_sampled)} records, "
        "by pattern matching "
        "(a capitalised name before a speech verb, 'according to X', 'X: \"...\"', "
        "'X told' + the outlet's name, '\"...,\" said X'; pronouns are skipped and a lone "
        "surname is folded into the one full name ending with it). It misses speakers "
        "described only by their role and can mistake a place or body for a person: read it "
        "as a profile "
        "of whose words the outlet reports, not as a census.",
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
    return lines


def _vocabulary(recipe: Recipe, stats: CardStats) -> list[str]:
    body = stats.narration_words + stats.quoted_words
    lines = [
        "### Framing vocabulary",
        "",
        *narrative(recipe, "framing_method"),
        *_sample_note(stats),
        f"Words measured: {num(stats.narration_words)} in the outlet's narration, "
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
    if rows:
        header = ["term", "forms counted", "narration", "quoted speech", "headlines", "records"]
        lines += table(header, rows)
    else:
        lines += ["The recipe's `[lexicon]` is empty: no terms were counted.", ""]
    return lines


def _bylines(stats: CardStats) -> list[str]:
    kinds = stats.byline_kinds
    names = sorted({*stats.institutional, *stats.publishers})
    return [
        "### Bylines",
        "",
        f"- Institutional bylines (the outlet or an agency): {num(kinds['institutional'])} "
        f"records ({share(kinds['institutional'], stats.rows)}); personal: "
        f"{num(kinds['personal'])} ({share(kinds['personal'], stats.rows)}); none: "
        f"{num(kinds['none'])} ({share(kinds['none'], stats.rows)}).",
        f"- Names counted as institutional: {', '.join(names) or 'none'}.",
        f"- Most frequent bylines: {counted(stats.authors.most_common(TOP_K))}.",
        f"- 'Source:' credits: {counted(stats.source_credits.most_common(TOP_K))}.",
        "",
    ]


def _headlines(stats: CardStats) -> list[str]:
    lines = [
        "### Headline edits",
        "",
        f"{num(stats.with_url)} of {num(stats.rows)} records have a URL; for "
        f"{num(stats.slugs_compared)} the URL slug has words to compare, and "
        f"{num(stats.edited)} differ from the printed title (a slug cut short is not counted). "
        "A slug is usually made from the headline when the page is first published, so a "
        "difference shows a headline written or changed separately from the address.",
        "",
    ]
    rows = [
        [f"`{rid}`", f"`{slug}`", title, " ".join(s_only) or "—", " ".join(t_only) or "—"]
        for rid, _url, slug, title, s_only, t_only in stats.edits.rows()
    ]
    if rows:
        lines += table(["id", "URL slug", "printed title", "slug only", "title only"], rows)
    if stats.edited > EDITS_CAP:
        lines += [f"The first {num(EDITS_CAP)} of {num(stats.edited)} are shown.", ""]
        subs = stats.substitutions.most_common(TOP_K)
        lines += table(["slug words → title words", "records"], [[s, num(n)] for s, n in subs])
    return lines


def _missing(stats: CardStats, report: dict[str, Any]) -> list[str]:
    quarantined = report.get("quarantined", sum(stats.quarantine.values()))
    inputs = report.get("inputs", stats.rows + quarantined)
    empty = [
        f"`{name}` ({share(n, stats.rows)})"
        for name, n in sorted(stats.nulls.items())
        if stats.rows and n / stats.rows >= MOSTLY_EMPTY
    ]
    return [
        "### What is missing",
        "",
        f"- Records without a URL: {num(stats.no_url)} ({share(stats.no_url, stats.rows)}); "
        "their ids derive from publisher, title and publication time.",
        f"- Records without a capture time: {num(stats.no_captured_at)} "
        f"({share(stats.no_captured_at, stats.rows)}); without a time or an inferred bound: "
        f"{num(stats.no_capture_info)}.",
        f"- Inputs quarantined: {num(quarantined)} of {num(inputs)} "
        f"({share(quarantined, inputs)}).",
        f"- Fields empty in at least {MOSTLY_EMPTY:.0%} of records: {', '.join(empty) or 'none'}.",
        "",
    ]


def bias_section(recipe: Recipe, stats: CardStats, report: dict[str, Any]) -> list[str]:
    """The whole section as Markdown lines."""
    return [
        "## Bias, Risks, and Limitations",
        "",
        "The figures in this section are measured from this release's records; they "
        "describe the text, not the events it reports.",
        "",
        *_outlet(recipe, stats),
        *_time_window(stats),
        *_topics(stats),
        *_speakers(stats),
        *_vocabulary(recipe, stats),
        *_bylines(stats),
        *_headlines(stats),
        *_missing(stats, report),
        "### Known limitations",
        "",
        *narrative(recipe, "limitations"),
        "### Recommendations",
        "",
        *narrative(recipe, "recommendations"),
    ]
