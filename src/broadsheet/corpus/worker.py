"""The corpus passes' share of the per-batch work, run by the workers that parse.

For a batch's accepted rows (``model_dump(mode="python")`` dicts, in table order) a worker
computes a :class:`CorpusPart`: the block features (:mod:`broadsheet.corpus.blocks`) and the
few per-record values the build's decision needs (a key matching the row to the build's
record keys, the site, the publication time, the word count and the agencies credited). It
also sets the corpus fields of every row to what they are when the passes change nothing (no
block removed, the record its own cluster), so that the row's content digest is final unless
the build rewrites that row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from broadsheet.corpus.agencies import agencies_credited
from broadsheet.corpus.blocks import (
    I64,
    U64,
    BatchFeatures,
    batch_features,
    concat,
    hash64,
    site_key,
)
from broadsheet.recipe import CorpusSettings

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: ``published`` of a record without a publication time (sorts after every real time).
UNDATED = np.iinfo(np.int64).max


def record_key(record_id: str, source_file: str, source_sha256: str) -> int:
    """What matches a row to the build's key of it: id, source and bytes (identical rows,
    e.g. one input given twice, have identical features, so either may stand for both)."""
    return hash64("\n".join([record_id, source_file, source_sha256]))


def enabled(settings: CorpusSettings | None) -> bool:
    return settings is not None and (settings.boilerplate or settings.near_duplicates)


@dataclass(frozen=True, slots=True)
class CorpusPart:
    """The corpus view of a batch's accepted rows, in table row order."""

    keys: U64
    sites: list[str]
    publishers: list[str]
    published: I64  # microseconds since the epoch, UNDATED when unknown
    word_counts: I64
    agencies: list[tuple[str, ...]]
    features: BatchFeatures

    @property
    def records(self) -> int:
        return len(self.keys)


def mark_defaults(rows: Sequence[dict[str, Any]], settings: CorpusSettings | None) -> None:
    """Set the corpus fields of rows to their values when the passes change nothing."""
    near = settings is not None and settings.near_duplicates
    for row in rows:
        row["boilerplate_blocks_removed"] = 0
        row["near_duplicate_cluster"] = row["id"] if near else None
        row["near_duplicate_similarity"] = 1.0 if near else None


def _micros(moment: datetime | None) -> int:
    if moment is None:
        return int(UNDATED)
    return (moment.astimezone(UTC) - _EPOCH) // timedelta(microseconds=1)


def part_of(rows: Sequence[Mapping[str, Any]], settings: CorpusSettings) -> CorpusPart:
    """The corpus part of accepted rows (see the module docstring)."""
    features = batch_features(
        [[(b["kind"], b["text"]) for b in row["body"]] for row in rows],
        num_perm=settings.num_perm,
        shingle_words=settings.shingle_words,
        seed=settings.seed,
        signatures=settings.near_duplicates,
    )
    return CorpusPart(
        keys=np.array(
            [record_key(r["id"], r["source_file"], r["source_sha256"]) for r in rows],
            dtype=np.uint64,
        ),
        sites=[site_key(r["publisher"], r["url"]) for r in rows],
        publishers=[str(r["publisher"]) for r in rows],
        published=np.array([_micros(r["published_at"]) for r in rows], dtype=np.int64),
        word_counts=np.array([r["word_count"] for r in rows], dtype=np.int64),
        agencies=[
            tuple(agencies_credited(r["source_credit"], r["authors"], r["text"])) for r in rows
        ],
        features=features,
    )


def merge_parts(parts: Sequence[CorpusPart]) -> CorpusPart:
    """Several parts (at least one) as one, rows in the order given."""
    return CorpusPart(
        keys=np.concatenate([p.keys for p in parts]),
        sites=[s for p in parts for s in p.sites],
        publishers=[s for p in parts for s in p.publishers],
        published=np.concatenate([p.published for p in parts]),
        word_counts=np.concatenate([p.word_counts for p in parts]),
        agencies=[a for p in parts for a in p.agencies],
        features=concat([p.features for p in parts], parts[0].features.signatures.shape[1]),
    )
