"""Near-duplicates: MinHash signatures, LSH banding, verified clusters and their canonical record.

A record's signature is the element-wise minimum of the MinHashes of its prose blocks that are
not site boilerplate (:func:`record_signature`), i.e. the MinHash of the shingle set of its
``text`` after the boilerplate pass. Candidate pairs come from LSH over the signature matrix:
``bands`` bands of ``rows`` slots (:func:`bands_for`: the most rows per band with which a pair
exactly at the similarity threshold is a candidate with probability at least 0.5; the chance
rises fast above it: 25 bands of 5 rows for 128 slots and a threshold of 0.5 make a pair at
0.6 a candidate with probability 0.87, at 0.7 0.99; more rows per band would bring fewer
chance candidates between unrelated texts). A candidate pair is kept when the
estimated Jaccard similarity (share of equal slots) is at least the threshold; kept pairs are
joined into clusters (connected components). A bucket holding more than ``_ALL_PAIRS`` records
pairs each with its ``_ALL_PAIRS`` predecessors in id order instead of all pairs.

The canonical record of a cluster is the earliest published (records without a publication time
last), then the smallest id. Every record gets a cluster (its canonical's id; a record without
near-duplicate is its own cluster) and its estimated similarity to the canonical (1.0 for the
canonical itself). Records are processed in id order, so the result depends only on the set.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from broadsheet.corpus.blocks import EMPTY_SLOT, U32, BatchFeatures

_ALL_PAIRS = 64
_AT_THRESHOLD = 0.5
_CHUNK = 65536


def record_signature(features: BatchFeatures, removed: npt.NDArray[np.bool_]) -> U32:
    """The signature of a one-record ``features`` without its ``removed`` blocks."""
    num_perm = features.signatures.shape[1]
    kept = features.signatures[features.prose & ~removed]
    if len(kept) == 0:
        return np.full(num_perm, EMPTY_SLOT, dtype=np.uint32)
    out: U32 = kept.min(axis=0)
    return out


def bands_for(num_perm: int, threshold: float) -> tuple[int, int]:
    """(bands, rows) of the LSH for ``num_perm`` slots and a similarity ``threshold``: the most
    rows per band (the fewest chance candidates) with which a pair exactly at the threshold
    is still a candidate with probability at least ``_AT_THRESHOLD``."""
    best = (num_perm, 1)
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        if 1.0 - (1.0 - threshold**rows) ** bands < _AT_THRESHOLD:
            break
        best = (bands, rows)
    return best


def similarity(a: U32, b: U32) -> float:
    """Estimated Jaccard similarity of two signatures: the share of equal slots."""
    return float(np.count_nonzero(a == b)) / len(a)


@dataclass(frozen=True, slots=True)
class Clusters:
    """Per record (in the order of the ids given): its cluster's canonical id and similarity."""

    ids: list[str]
    cluster: list[str]
    similarity: list[float]
    pairs_checked: int
    pairs_similar: int

    def members(self) -> dict[str, list[str]]:
        """Clusters of two or more records: canonical id -> member ids (canonical first)."""
        out: dict[str, list[str]] = {}
        for id_, canon in sorted(zip(self.ids, self.cluster, strict=True)):
            out.setdefault(canon, []).append(id_)
        return {
            c: sorted(m, key=lambda i: (i != c, i)) for c, m in sorted(out.items()) if len(m) > 1
        }

    def dropped(self) -> list[tuple[str, str, float]]:
        """For ``keep_one``: (id, canonical id, similarity) of every non-canonical member."""
        return sorted(
            (i, c, s)
            for i, c, s in zip(self.ids, self.cluster, self.similarity, strict=True)
            if i != c
        )


def _candidate_pairs(
    signatures: U32, usable: npt.NDArray[np.intp], bands: int, rows: int
) -> npt.NDArray[np.int64]:
    """Sorted unique codes ``i * n + j`` (i < j) of the pairs sharing at least one band."""
    n = len(signatures)
    found: list[npt.NDArray[np.int64]] = []
    if len(usable) < 2:
        return np.zeros(0, dtype=np.int64)
    for band in range(bands):
        block = np.ascontiguousarray(signatures[usable, band * rows : (band + 1) * rows])
        keys = block.view(np.dtype((np.void, block.dtype.itemsize * rows))).ravel()
        _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        if counts.max() < 2:
            continue
        order = usable[np.argsort(inverse, kind="stable")]  # by bucket, then record index
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        pairs = starts[counts == 2]  # most buckets: one pair, done at once
        found.append(order[pairs].astype(np.int64) * n + order[pairs + 1])
        for g in np.flatnonzero(counts > 2).tolist():
            group = order[starts[g] : starts[g] + counts[g]]
            size = len(group)
            if size <= _ALL_PAIRS:
                left, right = _triu(size)
            else:
                left = np.concatenate([np.arange(size - d) for d in range(1, _ALL_PAIRS + 1)])
                right = np.concatenate([np.arange(d, size) for d in range(1, _ALL_PAIRS + 1)])
            found.append(group[left].astype(np.int64) * n + group[right])
    return np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)


@functools.lru_cache(maxsize=_ALL_PAIRS + 1)
def _triu(size: int) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    left, right = np.triu_indices(size, 1)
    return left, right


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def cluster(
    ids: Sequence[str],
    published: Sequence[int | None],
    signatures: U32,
    *,
    threshold: float,
) -> Clusters:
    """Near-duplicate clusters of records given by id, publication time (any comparable int,
    e.g. microseconds since the epoch) and signature (one row per record)."""
    if not (len(ids) == len(published) == len(signatures)):
        raise ValueError(
            f"{len(ids)} ids, {len(published)} times and {len(signatures)} signatures; "
            "expected one of each per record"
        )
    if len(set(ids)) != len(ids):
        raise ValueError("record ids must be unique for near-duplicate clustering")
    order = sorted(range(len(ids)), key=lambda i: ids[i])
    sids = [ids[i] for i in order]
    spub = [published[i] for i in order]
    sigs = np.ascontiguousarray(signatures[order]) if len(order) else signatures
    n, num_perm = (
        sigs.shape if len(sigs) else (0, signatures.shape[1] if signatures.ndim == 2 else 0)
    )
    usable = np.flatnonzero(~(sigs == EMPTY_SLOT).all(axis=1)) if n else np.zeros(0, np.intp)
    bands, rows = bands_for(max(num_perm, 1), threshold)
    codes = _candidate_pairs(sigs, usable, bands, rows)
    parent = list(range(n))
    similar = 0
    for start in range(0, len(codes), _CHUNK):
        chunk = codes[start : start + _CHUNK]
        left, right = chunk // max(n, 1), chunk % max(n, 1)
        equal = np.count_nonzero(sigs[left] == sigs[right], axis=1)
        for a, b in zip(
            left[equal >= threshold * num_perm], right[equal >= threshold * num_perm], strict=True
        ):
            similar += 1
            ra, rb = _find(parent, int(a)), _find(parent, int(b))
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    components: dict[int, list[int]] = {}
    for i in range(n):
        components.setdefault(_find(parent, i), []).append(i)
    canon_of = [0] * n
    for members in components.values():
        canon = min(members, key=lambda i: (spub[i] is None, spub[i] or 0, sids[i]))
        for i in members:
            canon_of[i] = canon
    cluster_ids = [""] * len(ids)
    sims = [1.0] * len(ids)
    for pos, original in enumerate(order):
        canon = canon_of[pos]
        cluster_ids[original] = sids[canon]
        if canon != pos:
            sims[original] = similarity(sigs[pos], sigs[canon])
    return Clusters(list(ids), cluster_ids, sims, len(codes), similar)
