"""Both passes over records held in memory: the reference the build's streamed form must equal.

The build runs the same steps spread over workers and spilled batches (features in the workers,
counts merged, signatures reduced when the batches are read back); :func:`analyse` runs them in
one process over a list of records and is what tests and benchmarks call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from broadsheet.corpus import blocks, boilerplate, neardup
from broadsheet.corpus.agencies import SyndicationRecord, agencies_credited
from broadsheet.corpus.boilerplate import Boilerplate, BoilerplateReport, Mask
from broadsheet.corpus.neardup import Clusters
from broadsheet.corpus.settings import CorpusSettings
from broadsheet.records.model import PROSE_KINDS

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def micros(moment: datetime | None) -> int | None:
    """Microseconds since the epoch (UTC), the publication-time key of the canonical rule."""
    return None if moment is None else (moment - _EPOCH) // timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the passes decided for a set of records."""

    boilerplate: Boilerplate
    removed: dict[str, Mask]  # record id -> blocks removed (only records with a removal)
    left_whole: list[str]  # ids of records whose boilerplate blocks are most of their text
    clusters: Clusters
    report: list[dict[str, Any]]  # per-site boilerplate summary

    def near_duplicates_dropped(self) -> list[tuple[str, str, float]]:
        """(id, canonical id, similarity) of the records ``keep_one`` quarantines."""
        return self.clusters.dropped()


def stripped(body: Sequence[Any], mask: Mask) -> tuple[list[Any], str, int]:
    """A body without its ``mask``-ed blocks, and the text and word count derived from it."""
    kept = [b for b, gone in zip(body, mask.tolist(), strict=True) if not gone]
    text = "\n\n".join(b.text for b in kept if b.kind in PROSE_KINDS)
    return kept, text, len(text.split())


def analyse(records: Sequence[Any], settings: CorpusSettings) -> Outcome:
    """Both passes over records with ``id``, ``publisher``, ``url``, ``published_at`` and
    ``body`` (blocks with ``kind`` and ``text``); ids must be unique."""
    feats = blocks.features_of(
        records,
        num_perm=settings.num_perm,
        shingle_words=settings.shingle_words,
        seed=settings.seed,
    )
    sites = [blocks.site_key(r.publisher, r.url) for r in records]
    counts = boilerplate.merge([boilerplate.count_pages(sites, feats, settings.min_words)])
    if settings.boilerplate:
        decided = boilerplate.decide(
            counts,
            settings.min_pages,
            settings.min_share,
            settings.min_words,
            settings.max_removed_share,
        )
    else:
        pages = {n: c.pages for n, c in counts.items()}
        decided = Boilerplate(settings.min_words, settings.max_removed_share, pages, {})
    report = BoilerplateReport(decided)
    removed: dict[str, Mask] = {}
    left_whole: list[str] = []
    signatures = np.zeros((len(records), settings.num_perm), dtype=np.uint32)
    for i, record in enumerate(records):
        one = feats.record(i)
        if decided.too_much(one, decided.mask(sites[i], one.hashes, one.words)):
            left_whole.append(record.id)
        mask = decided.removal(sites[i], one)
        if mask.any():
            removed[record.id] = mask
            report.add(record.id, sites[i], one, mask, [b.text for b in record.body])
        signatures[i] = neardup.record_signature(one, mask)
    if settings.near_duplicates:
        clusters = neardup.cluster(
            [r.id for r in records],
            [micros(r.published_at) for r in records],
            signatures,
            threshold=settings.threshold,
        )
    else:
        ids = [r.id for r in records]
        clusters = Clusters(ids, list(ids), [1.0] * len(ids), 0, 0)
    return Outcome(decided, removed, sorted(left_whole), clusters, report.summary())


def syndication_records(records: Sequence[Any]) -> list[SyndicationRecord]:
    """The syndication view of records (id, publisher, agencies credited)."""
    return [
        SyndicationRecord(
            r.id, r.publisher, tuple(agencies_credited(r.source_credit, r.authors, r.text))
        )
        for r in records
    ]
