"""The build's side of the corpus passes: collect the workers' parts, then decide.

While batches stream in, :class:`Collector` keeps each part's compact features in memory
(per block: an 8-byte hash, a 4-byte word count and a prose flag; per record: an 8-byte key,
a site code, the publication time, the word count, the agencies credited) and writes the
per-block MinHash signatures (``num_perm`` x 4 bytes a block) to a sidecar file in the
staging folder. :meth:`Collector.finish` then, over the records kept after exact
de-duplication only:

1. sums the per-site page counts of every block and decides the site boilerplate;
2. reads the sidecar files back one at a time, leaves whole the records whose boilerplate
   blocks hold more than ``max_removed_share`` of their text, and reduces each record's
   signature to the minimum over its blocks that are not removed (``num_perm`` x 4 bytes
   a record stay in memory);
3. quarantines the records that the removal takes under the recipe's ``text_min_words``
   (``text_word_count``);
4. clusters the others, and with ``keep_one`` quarantines every non-canonical member
   (``near_duplicate``).

The :class:`broadsheet.corpus.decision.Decision` it returns rewrites the rows it changes when
the shards are written.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from broadsheet.corpus import boilerplate, neardup
from broadsheet.corpus.blocks import EMPTY_SLOT, I64, U32, BatchFeatures
from broadsheet.corpus.boilerplate import Boilerplate, BoilerplateReport
from broadsheet.corpus.decision import Change, Decision, Drop
from broadsheet.corpus.worker import UNDATED, CorpusPart, record_key
from broadsheet.recipe import CheckSettings, CorpusSettings

Bools = npt.NDArray[np.bool_]


class KeptKey(Protocol):
    """What the build keeps of a record after exact de-duplication (``RecordKey``)."""

    @property
    def id(self) -> str: ...
    @property
    def source_file(self) -> str: ...
    @property
    def source_sha256(self) -> str: ...


@dataclass(frozen=True, slots=True)
class _Held:
    part: CorpusPart  # with signatures of shape (blocks, 0): they are in ``path``
    path: Path | None


def _starts(features: BatchFeatures) -> I64:
    return features.offsets[:-1]


def _select(features: BatchFeatures, rows: npt.NDArray[np.intp]) -> BatchFeatures:
    """The features of records ``rows`` (ascending) only."""
    lengths = np.diff(features.offsets)[rows]
    blocks = np.concatenate(
        [np.arange(features.offsets[r], features.offsets[r + 1]) for r in rows.tolist()]
        or [np.zeros(0, np.int64)]
    ).astype(np.intp)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    sigs = features.signatures[blocks] if features.signatures.shape[0] else features.signatures
    return BatchFeatures(
        offsets, features.hashes[blocks], features.words[blocks], features.prose[blocks], sigs
    )


class Collector:
    """Collects the workers' corpus parts during a build (see the module docstring)."""

    def __init__(self, folder: Path, settings: CorpusSettings) -> None:
        self.folder = folder
        self.settings = settings
        self._held: list[_Held] = []

    def add(self, part: CorpusPart) -> None:
        """Keep a batch's part (rows in any order; duplicates are settled by ``finish``)."""
        if not part.records:
            return
        path = None
        feats = part.features
        if self.settings.near_duplicates:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / f"signatures-{len(self._held):06d}.npy"
            np.save(path, feats.signatures)
        light = BatchFeatures(
            feats.offsets,
            feats.hashes,
            feats.words,
            feats.prose,
            np.zeros((len(feats.hashes), 0), dtype=np.uint32),
        )
        part = CorpusPart(
            part.keys,
            [sys.intern(site) for site in part.sites],  # one string per site, not per record
            [sys.intern(name) for name in part.publishers],
            part.published,
            part.word_counts,
            [a if a else () for a in part.agencies],
            light,
        )
        self._held.append(_Held(part, path))

    def finish(self, kept: Sequence[KeptKey], checks: CheckSettings) -> Decision:
        """Decide both passes for the ``kept`` records (see the module docstring)."""
        settings = self.settings
        index = {record_key(k.id, k.source_file, k.source_sha256): i for i, k in enumerate(kept)}
        # Each kept record's row: the first part holding its key (copies are identical).
        chosen: list[tuple[_Held, npt.NDArray[np.intp], list[int]]] = []
        seen: set[int] = set()
        for held in self._held:
            picked: list[int] = []
            at: list[int] = []
            for row, key in enumerate(held.part.keys.tolist()):
                position = index.get(key)
                if position is not None and key not in seen:
                    seen.add(key)
                    picked.append(row)
                    at.append(position)
            if picked:
                chosen.append((held, np.array(picked, dtype=np.intp), at))
        if len(seen) != len(kept):
            raise RuntimeError(f"corpus features found for {len(seen)} of {len(kept)} records")

        counts = boilerplate.merge(
            boilerplate.count_pages(
                [held.part.sites[r] for r in rows.tolist()],
                _select(held.part.features, rows),
                settings.min_words,
            )
            for held, rows, _ in chosen
        )
        share = settings.max_removed_share
        if settings.boilerplate:
            decided = boilerplate.decide(
                counts, settings.min_pages, settings.min_share, settings.min_words, share
            )
        else:
            decided = Boilerplate(
                settings.min_words, share, {n: c.pages for n, c in counts.items()}, {}
            )

        n = len(kept)
        signatures = np.full((n, settings.num_perm), EMPTY_SLOT, dtype=np.uint32)
        removed: dict[int, tuple[int, ...]] = {}
        removed_words = np.zeros(n, dtype=np.int64)
        left_whole = 0
        published = np.full(n, UNDATED, dtype=np.int64)
        words = np.zeros(n, dtype=np.int64)
        sites = [""] * n
        publishers = [""] * n
        agencies: list[tuple[str, ...]] = [()] * n
        report = BoilerplateReport(decided)
        for held, rows, at in chosen:
            feats = _select(_with_signatures(held), rows)
            part_sites = [held.part.sites[r] for r in rows.tolist()]
            mask = _mask(decided, feats, part_sites)
            starts = _starts(feats)
            text_words = feats.words.astype(np.int64) * feats.prose
            gone = np.add.reduceat(text_words * mask, starts)
            whole = gone > share * np.add.reduceat(text_words, starts)  # the article itself
            left_whole += int(whole.sum())
            mask &= ~np.repeat(whole, np.diff(feats.offsets))
            for j, position in enumerate(at):
                row = int(rows[j])
                sites[position] = held.part.sites[row]
                publishers[position] = held.part.publishers[row]
                agencies[position] = held.part.agencies[row]
                published[position] = held.part.published[row]
                words[position] = held.part.word_counts[row]
                lo, hi = int(feats.offsets[j]), int(feats.offsets[j + 1])
                if mask[lo:hi].any():
                    removed[position] = tuple(np.flatnonzero(mask[lo:hi]).tolist())
                    removed_words[position] = int(gone[j])
                    report.tally(sites[position], len(removed[position]), int(gone[j]))
            if settings.near_duplicates:
                blocks_sig = feats.signatures.copy()
                blocks_sig[mask | ~feats.prose] = EMPTY_SLOT
                signatures[np.array(at)] = np.minimum.reduceat(blocks_sig, starts, axis=0)
        report.left_whole = left_whole
        return _decide(kept, settings, checks, signatures, removed, removed_words,
                       published, words, sites, publishers, agencies, report)  # fmt: skip


def _with_signatures(held: _Held) -> BatchFeatures:
    feats = held.part.features
    if held.path is None:
        return feats
    sigs: U32 = np.load(held.path, mmap_mode="r")
    return BatchFeatures(feats.offsets, feats.hashes, feats.words, feats.prose, sigs)


def _mask(decided: Boilerplate, feats: BatchFeatures, sites: list[str]) -> Bools:
    mask = np.zeros(len(feats.hashes), dtype=np.bool_)
    if not decided.blocks:
        return mask
    block_site = np.repeat(np.array(sites, dtype=object), np.diff(feats.offsets))
    for site in sorted(set(sites) & set(decided.blocks)):
        chosen = block_site == site
        mask[chosen] = decided.mask(site, feats.hashes[chosen], feats.words[chosen])
    return mask


def _decide(
    kept: Sequence[KeptKey],
    settings: CorpusSettings,
    checks: CheckSettings,
    signatures: U32,
    removed: dict[int, tuple[int, ...]],
    removed_words: I64,
    published: I64,
    words: I64,
    sites: list[str],
    publishers: list[str],
    agencies: list[tuple[str, ...]],
    report: BoilerplateReport,
) -> Decision:
    drops: list[Drop] = []
    out = np.zeros(len(kept), dtype=np.bool_)
    for i, key in enumerate(kept):
        if i in removed and words[i] - removed_words[i] < checks.text_min_words:
            out[i] = True
            left = int(words[i] - removed_words[i])
            message = _too_short(left, len(removed[i]), checks.text_min_words)
            drops.append(Drop(key.id, "text_word_count", message, None))
    survivors = np.flatnonzero(~out)
    ids = [kept[i].id for i in survivors.tolist()]
    clusters = None
    if settings.near_duplicates:
        clusters = neardup.cluster(
            ids,
            [None if published[i] == UNDATED else int(published[i]) for i in survivors.tolist()],
            signatures[survivors],
            threshold=settings.threshold,
        )
    changes: dict[str, Change] = {}
    for j, i in enumerate(survivors.tolist()):
        canon = None if clusters is None else clusters.cluster[j]
        similarity = None if clusters is None else clusters.similarity[j]
        gone = removed.get(i, ())
        if gone or (canon is not None and canon != ids[j]):
            changes[ids[j]] = Change(gone, canon if canon != ids[j] else None, similarity)
        if settings.policy == "keep_one" and canon is not None and canon != ids[j]:
            message = _near(canon, similarity or 0.0, settings.threshold)
            drops.append(Drop(ids[j], "near_duplicate", message, canon))
    return Decision(
        settings=settings,
        drops=sorted(drops, key=lambda d: d.id),
        changes=changes,
        clusters=clusters,
        boilerplate=report,
        publishers=[publishers[i] for i in survivors.tolist()],
        agencies=[agencies[i] for i in survivors.tolist()],
    )


def _too_short(left: int, blocks: int, minimum: int) -> str:
    return (
        f"the text has {left} words once {blocks} site boilerplate block(s) are removed; "
        f"expected at least {minimum} (recipe [checks] text_min_words)"
    )


def _near(canon: str, similarity: float, threshold: float) -> str:
    return (
        f"near-duplicate of {canon}: estimated similarity {similarity:.3f} of the text's word "
        f"shingles, at least the recipe's [corpus] threshold {threshold}; kept: the earliest "
        "published, then the smallest id"
    )
