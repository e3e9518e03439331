"""The card's account of the corpus passes: site boilerplate, near-duplicates, syndication.

Every figure here is read from the build report's ``corpus`` section (written by the corpus
passes, ``broadsheet.corpus``), so the card, ``publishers.csv`` and ``build-report.json``
state the same numbers: the per-site blocks and words removed, the clusters of
near-duplicates, and per publisher the share of its records in clusters that span
publishers, the agencies its records credit and which outlet published first. A build
without the passes (or without the near-duplicate pass) says so instead of a figure.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from broadsheet.card.markdown import block, counted, num, share, table

BLOCKS_SHOWN = 3
"""Most frequent removed blocks shown per site."""
BLOCK_CHARS = 80
"""Characters of a removed block's text shown in the card."""


@dataclass(slots=True)
class Syndication:
    """One publisher's (or several folded publishers') syndication figures from the report."""

    records: int = 0
    in_cross_publisher_clusters: int = 0
    agencies: Counter[str] = field(default_factory=Counter)
    published_first: int = 0
    first_elsewhere: Counter[str] = field(default_factory=Counter)

    @property
    def clusters(self) -> int:
        """Cross-publisher clusters the publisher is part of."""
        return self.published_first + sum(self.first_elsewhere.values())

    def add(self, other: Syndication) -> None:
        self.records += other.records
        self.in_cross_publisher_clusters += other.in_cross_publisher_clusters
        self.agencies.update(other.agencies)
        self.published_first += other.published_first
        self.first_elsewhere.update(other.first_elsewhere)

    def cells(self) -> list[str]:
        """The publishers table's cells: in cross-publisher clusters, agencies, first."""
        first = "—"
        if self.clusters:
            first = f"{num(self.published_first)} of {num(self.clusters)}"
            if self.first_elsewhere:
                first += f"; first elsewhere: {counted(self.first_elsewhere.items(), 3)}"
        return [
            f"{num(self.in_cross_publisher_clusters)} "
            f"({share(self.in_cross_publisher_clusters, self.records)})",
            counted(self.agencies.items(), 3),
            first,
        ]


SYNDICATION_HEADER = ["in clusters across publishers", "agencies credited", "published first"]
"""The publishers table's syndication columns (see :meth:`Syndication.cells`)."""


def _n(count: int, word: str, plural: str | None = None) -> str:
    """'1 record', '2 records'."""
    return f"{num(count)} {word if count == 1 else plural or word + 's'}"


def corpus_of(report: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The build report's ``corpus`` section, or None when the passes did not run."""
    section = report.get("corpus")
    return section if isinstance(section, Mapping) else None


def syndication(report: Mapping[str, Any]) -> dict[str, Syndication] | None:
    """Per publisher, its syndication figures; None without the near-duplicate pass."""
    section = corpus_of(report)
    if section is None or "syndication" not in section:
        return None
    return {
        str(entry["publisher"]): Syndication(
            records=int(entry["records"]),
            in_cross_publisher_clusters=int(entry["in_cross_publisher_clusters"]),
            agencies=Counter({str(k): int(v) for k, v in entry["agencies"].items()}),
            published_first=int(entry["published_first"]),
            first_elsewhere=Counter({str(k): int(v) for k, v in entry["first_elsewhere"].items()}),
        )
        for entry in section["syndication"]
    }


def folded(figures: Mapping[str, Syndication], names: Iterable[str]) -> Syndication:
    """The figures of ``names`` (those present) added up into one row."""
    total = Syndication()
    for name in sorted(set(names)):
        if name in figures:
            total.add(figures[name])
    return total


def syndication_note(report: Mapping[str, Any]) -> str:
    """What the publishers table's syndication columns mean, or why they are empty."""
    section = corpus_of(report)
    if section is None:
        return (
            "The syndication columns are empty: the corpus passes did not run for this "
            "release (`[corpus]` in the recipe). "
        )
    if "syndication" not in section:
        return (
            "The syndication columns are empty: the near-duplicate pass was off "
            "(`[corpus] near_duplicates = false`). "
        )
    return (
        "In clusters across publishers: the publisher's records that are near-duplicates of "
        "another publisher's (see *Site boilerplate and near-duplicates*). Agencies credited: "
        "records naming a news agency in their 'Source:' credit, a byline or a dateline "
        "(AP, Reuters, AFP, ...). Published first: of the cross-publisher clusters it is "
        "part of, those whose earliest record is its own, and which outlets were first in "
        "the others. "
    )


def _agencies_sentence(figures: Mapping[str, Syndication] | None) -> str:
    if figures is None:
        return ""
    total = folded(figures, figures)
    return (
        f"- News agencies credited (in a 'Source:' credit, a byline or a dateline), by "
        f"records: {counted(total.agencies.items())}."
    )


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= BLOCK_CHARS else text[: BLOCK_CHARS - 1].rstrip() + "…"


def _boilerplate(settings: Mapping[str, Any], found: Mapping[str, Any]) -> list[str]:
    if not settings.get("boilerplate", True):
        return ["- Site boilerplate: not looked for (`[corpus] boilerplate = false`).", ""]
    lines = [
        f"- Site boilerplate: a body block of at least {settings['min_words']} words that "
        f"recurs on at least {settings['min_pages']} pages of its site, and on at least "
        f"{settings['min_share']:.0%} of them, is site chrome and leaves the body (`text` and "
        "`word_count` are counted again without it; `boilerplate_blocks_removed` says how "
        f"many blocks went), unless that would take more than "
        f"{settings['max_removed_share']:.0%} of the record's words: then the record is "
        "left whole.",
    ]
    sites = list(found.get("by_site", []))
    if not found.get("blocks_removed"):
        whole = int(found.get("records_left_whole", 0))
        why = (
            f"the recurring blocks were most of each record's text ({num(whole)} records "
            "left whole)"
            if whole
            else "no block recurs often enough on any site"
        )
        return [*lines, f"  Nothing was removed: {why}.", ""]
    lines += [
        f"  Removed: {_n(found['blocks_removed'], 'block')} "
        f"({_n(found['words_removed'], 'word')}) from {_n(found['records_changed'], 'record')} "
        f"of {_n(len(sites), 'site')}; {_n(found.get('records_left_whole', 0), 'record')} "
        "left whole.",
        "",
    ]
    rows = [
        [
            site["site"],
            num(site["pages"]),
            num(site["pages_with_removal"]),
            num(site["blocks_removed"]),
            num(site["words_removed"]),
            "; ".join(
                f"“{_shorten(b['text'])}” ({num(b['pages'])} pages)"
                for b in site["most_frequent"][:BLOCKS_SHOWN]
            ),
        ]
        for site in sites
    ]
    header = ["site", "pages", "records changed", "blocks removed", "words removed"]
    lines += table([*header, "most frequent removed blocks"], rows)
    return lines


def _near_duplicates(section: Mapping[str, Any], rows: int) -> list[str]:
    settings = section["settings"]
    near = section.get("near_duplicates")
    if not settings.get("near_duplicates", True) or near is None:
        return ["- Near-duplicates: not looked for (`[corpus] near_duplicates = false`).", ""]
    keep_one = settings["policy"] == "keep_one"
    policy = (
        "only each cluster's canonical record is kept; the others are quarantined as "
        "`near_duplicate`"
        if keep_one
        else "every record is kept"
    )
    lines = [
        f"- Near-duplicates: two records are near-duplicates when the Jaccard similarity of "
        f"their sets of {settings['shingle_words']}-word shingles, estimated from "
        f"{settings['num_perm']}-slot MinHash signatures ({near['lsh_bands']} LSH bands of "
        f"{near['lsh_rows']} rows), is at least {settings['threshold']}; a cluster's canonical "
        "record is the earliest published (then the smallest id), named by "
        f"`near_duplicate_cluster`. Policy `{settings['policy']}`: {policy}.",
    ]
    if not near["clusters"]:
        return [
            *lines,
            f"  Nothing was clustered: no two of the {num(rows)} records are near-duplicates "
            f"({num(near['pairs_checked'])} candidate pairs checked).",
            "",
        ]
    dropped = int(section.get("quarantined", {}).get("near_duplicate", 0))
    return [
        *lines,
        f"  Found: {_n(near['clusters'], 'cluster')} holding "
        f"{_n(near['records_in_clusters'], 'record')} (the largest "
        f"{num(near['largest_cluster'])}); {num(near['cross_publisher_clusters'])} "
        f"{'spans' if near['cross_publisher_clusters'] == 1 else 'span'} publishers."
        + (
            f" {_n(dropped, 'record was', 'records were')} quarantined as near-duplicates."
            if dropped
            else ""
        ),
        "",
    ]


def corpus_block(report: Mapping[str, Any], rows: int) -> str:
    """The card's "Site boilerplate and near-duplicates" part (``rows``: records kept)."""
    section = corpus_of(report)
    if section is None:
        return (
            "The corpus passes did not run for this release: site boilerplate was not "
            "removed and near-duplicates were not looked for (`[corpus]` in the recipe)."
        )
    lines = [
        "Passes over the whole set of records, after exact duplicates are removed (settings: "
        "`[corpus]` in the recipe; figures: `corpus` in `build-report.json`).",
        "",
        *_boilerplate(section["settings"], section.get("boilerplate", {})),
        *_near_duplicates(section, rows),
    ]
    short = int(section.get("quarantined", {}).get("text_word_count", 0))
    if short:
        lines += [
            "- Quarantined as too short once their boilerplate was removed "
            f"(`text_word_count`): {_n(short, 'record')}.",
        ]
    lines.append(_agencies_sentence(syndication(report)))
    return block(*lines)


def measures_note(report: Mapping[str, Any]) -> str:
    """Whether the text measures count each cluster of near-duplicates once."""
    section = corpus_of(report)
    near = None if section is None else section.get("near_duplicates")
    if section is None or near is None:
        return (
            "These measures count every record: near-duplicates were not looked for, so a "
            "story published in several copies counts once per copy."
        )
    if section["settings"]["policy"] == "keep_one":
        return (
            "These measures count each cluster of near-duplicates once: the release keeps "
            'only the canonical record of each (`[corpus] policy = "keep_one"`).'
        )
    if not near["clusters"]:
        return (
            "These measures count every record; no two records are near-duplicates, so no "
            "story is counted twice through a copy."
        )
    return (
        "These measures count every record, near-duplicates included: "
        f"{_n(near['records_in_clusters'], 'record')} of the release are in "
        f"{_n(near['clusters'], 'cluster')} of near-duplicates "
        f"({num(near['cross_publisher_clusters'])} spanning publishers), so a story "
        "published in several copies counts once per copy (`near_duplicate_cluster` "
        "tells the copies apart)."
    )
