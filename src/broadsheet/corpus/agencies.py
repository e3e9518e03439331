"""News agencies credited by a record, and the per-publisher syndication figures of the card.

An agency is credited when it is named in the record's ``source_credit``, in one of its
``authors``, or in a dateline at the start of ``text`` ("BEIRUT (AP) —", "LONDON, May 2
(Reuters) -"). Acronyms match in capitals only ("AP", not "ap"); names match in any case.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from broadsheet.corpus.neardup import Clusters

#: Agency -> pattern naming it in a credit or byline.
AGENCIES: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern)
    for name, pattern in {
        "AP": r"\bAP\b|(?i:\bassociated press\b)",
        "Reuters": r"(?i:\breuters\b)",
        "AFP": r"\bAFP\b|(?i:\bagence france[- ]presse\b)",
        "dpa": r"\b(?:dpa|DPA)\b|(?i:\bdeutsche presse-agentur\b)",
        "Xinhua": r"(?i:\bxinhua\b)",
        "EFE": r"\bEFE\b",
        "ANSA": r"\bANSA\b",
        "Kyodo": r"(?i:\bkyodo\b)",
        "Yonhap": r"(?i:\byonhap\b)",
        "UPI": r"\bUPI\b|(?i:\bunited press international\b)",
        "PA Media": r"(?i:\bPA media\b|\bpress association\b)",
        "TASS": r"\bTASS\b",
        "Anadolu": r"(?i:\banadolu\b)",
        "IRNA": r"\bIRNA\b",
        "SANA": r"\bSANA\b",
        "WAFA": r"\bWAFA\b",
        "ANI": r"\bANI\b",
        "PTI": r"\bPTI\b",
        "Bernama": r"(?i:\bbernama\b)",
    }.items()
}
_AGENCY_NAMES = "|".join(p.pattern for p in AGENCIES.values())
#: A dateline: a place in capitals (with an optional date), the agency in parentheses, a dash.
_DATELINE = re.compile(
    r"^\s*[A-Z][A-Z.'’/ -]{1,40}(?:,[^()\n]{1,40})?\s*\((?P<agency>"
    + _AGENCY_NAMES
    + r")\)\s*[—–-]"
)


def agencies_credited(source_credit: str | None, authors: Iterable[str], text: str) -> list[str]:
    """The agencies a record credits, in the order of :data:`AGENCIES`."""
    places = [source_credit or "", *authors]
    dateline = _DATELINE.match(text[:160])
    if dateline:
        places.append(dateline.group("agency"))
    found = []
    for name, pattern in AGENCIES.items():
        if any(pattern.search(place) for place in places if place):
            found.append(name)
    return found


@dataclass(frozen=True, slots=True)
class SyndicationRecord:
    """What the syndication figures need of one record."""

    id: str
    publisher: str
    agencies: tuple[str, ...] = ()


@dataclass(slots=True)
class PublisherSyndication:
    """One publisher's syndication figures."""

    publisher: str
    records: int = 0
    in_cross_publisher_clusters: int = 0
    agencies: dict[str, int] = field(default_factory=dict)  # records crediting each agency
    published_first: int = 0  # cross-publisher clusters whose canonical record is its own
    first_elsewhere: dict[str, int] = field(default_factory=dict)  # other outlet first -> clusters

    @property
    def share_cross_publisher(self) -> float:
        return self.in_cross_publisher_clusters / self.records if self.records else 0.0


def syndication(
    records: Sequence[SyndicationRecord], clusters: Clusters
) -> list[PublisherSyndication]:
    """Per publisher (sorted by name): share of its records in clusters that span publishers,
    agencies credited, and which outlet published first (the canonical record is the earliest
    published) in the cross-publisher clusters it is part of."""
    by_id = {r.id: r for r in records}
    canon_of = dict(zip(clusters.ids, clusters.cluster, strict=True))
    members: dict[str, list[SyndicationRecord]] = {}
    for record in records:
        members.setdefault(canon_of.get(record.id, record.id), []).append(record)
    figures: dict[str, PublisherSyndication] = {}
    agency_counts: dict[str, Counter[str]] = {}
    for record in records:
        fig = figures.setdefault(record.publisher, PublisherSyndication(record.publisher))
        fig.records += 1
        agency_counts.setdefault(record.publisher, Counter()).update(record.agencies)
    for canon, group in members.items():
        publishers = {r.publisher for r in group}
        if len(publishers) < 2:
            continue
        first = by_id[canon].publisher if canon in by_id else None
        for record in group:
            figures[record.publisher].in_cross_publisher_clusters += 1
        for publisher in publishers:
            fig = figures[publisher]
            if publisher == first:
                fig.published_first += 1
            elif first is not None:
                fig.first_elsewhere[first] = fig.first_elsewhere.get(first, 0) + 1
    out = []
    for name in sorted(figures):
        fig = figures[name]
        fig.agencies = dict(sorted(agency_counts[name].items(), key=lambda kv: (-kv[1], kv[0])))
        fig.first_elsewhere = dict(
            sorted(fig.first_elsewhere.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        out.append(fig)
    return out
