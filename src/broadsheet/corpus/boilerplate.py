"""Site boilerplate: body blocks that recur on many pages of the same site.

Counting: for each site (:func:`broadsheet.corpus.blocks.site_key`) and each normalised block
hash, the number of DISTINCT pages (records) of the site holding the block. Blocks with fewer
than ``min_words`` words are not counted: a short generic line (a dateline, "Advertisement",
a one-word heading) is never boilerplate on its own. Counts are partial per batch
(:func:`count_pages`) and merged by summing (:func:`merge`), so the totals do not depend on how
records were batched or in which order.

Decision (:func:`decide`): a block is boilerplate for its site when it is on at least
``min_pages`` pages and on at least ``min_share`` of the site's pages. Such blocks are removed
from ``body`` (and so from ``text``) of every record of the site, unless they hold more than
``max_removed_share`` of the record's text words: blocks that many pages share and that make
most of a page are the article itself, published several times (updates, copies under other
URLs), not the site's chrome; such a record is left whole.

Report (:class:`BoilerplateReport`): per site, the blocks and words removed and the most
frequent boilerplate blocks, each with the text it has in the record with the smallest id.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from broadsheet.corpus.blocks import I64, U64, BatchFeatures

Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class SiteCounts:
    """One site's counts: its pages, and the distinct pages holding each counted block."""

    pages: int
    hashes: U64  # sorted, unique
    counts: I64  # pages holding hashes[k]


PageCounts = dict[str, SiteCounts]


def count_pages(sites: Sequence[str], features: BatchFeatures, min_words: int) -> PageCounts:
    """The partial counts of a batch: ``sites[i]`` is the site of record ``i`` of ``features``."""
    if len(sites) != features.records:
        raise ValueError(f"{len(sites)} sites for {features.records} records; expected one each")
    per_block = np.repeat(np.arange(features.records), np.diff(features.offsets))
    keep = features.words >= min_words
    by_site: dict[str, list[int]] = {}
    for i, site in enumerate(sites):
        by_site.setdefault(site, []).append(i)
    record_site = np.zeros(features.records, dtype=np.int64)
    names = sorted(by_site)
    for code, name in enumerate(names):
        record_site[by_site[name]] = code
    out: PageCounts = {}
    block_site = record_site[per_block]
    for code, name in enumerate(names):
        chosen = keep & (block_site == code)
        pairs = np.stack([per_block[chosen].astype(np.uint64), features.hashes[chosen]], axis=1)
        distinct = np.unique(pairs, axis=0)[:, 1] if len(pairs) else np.zeros(0, np.uint64)
        hashes, counts = np.unique(distinct, return_counts=True)
        out[name] = SiteCounts(
            len(by_site[name]), hashes.astype(np.uint64), counts.astype(np.int64)
        )
    return out


def merge(parts: Iterable[PageCounts]) -> PageCounts:
    """The sum of partial counts (of disjoint sets of records)."""
    grouped: dict[str, list[SiteCounts]] = {}
    for part in parts:
        for name, site_counts in part.items():
            grouped.setdefault(name, []).append(site_counts)
    out: PageCounts = {}
    for name in sorted(grouped):
        group = grouped[name]
        all_hashes = np.concatenate([g.hashes for g in group])
        all_counts = np.concatenate([g.counts for g in group])
        hashes, inverse = np.unique(all_hashes, return_inverse=True)
        counts = np.bincount(inverse, weights=all_counts, minlength=len(hashes))
        out[name] = SiteCounts(
            sum(g.pages for g in group), hashes.astype(np.uint64), counts.astype(np.int64)
        )
    return out


@dataclass(frozen=True, slots=True)
class Boilerplate:
    """The decided boilerplate blocks of every site."""

    min_words: int
    max_share: float
    site_pages: dict[str, int]
    blocks: dict[str, dict[int, int]]  # site -> block hash -> pages holding it
    _sorted: dict[str, U64] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        sorted_hashes = {
            site: np.array(sorted(chosen), dtype=np.uint64)
            for site, chosen in self.blocks.items()
            if chosen
        }
        object.__setattr__(self, "_sorted", sorted_hashes)

    def mask(self, site: str, hashes: U64, words: npt.NDArray[np.int32]) -> Mask:
        """Which of a record's blocks are boilerplate (all False for a site without any)."""
        known = self._sorted.get(site)
        if known is None:
            return np.zeros(len(hashes), dtype=np.bool_)
        at = np.minimum(np.searchsorted(known, hashes), len(known) - 1)
        mask: Mask = (known[at] == hashes) & (words >= self.min_words)
        return mask

    def removal(self, site: str, features: BatchFeatures) -> Mask:
        """:meth:`mask` of a one-record ``features``, or no removal at all when the blocks
        hold more than ``max_share`` of the words of its text (see :meth:`too_much`)."""
        mask = self.mask(site, features.hashes, features.words)
        if self.too_much(features, mask):
            return np.zeros(len(mask), dtype=np.bool_)
        return mask

    def too_much(self, features: BatchFeatures, mask: Mask) -> bool:
        """Whether ``mask`` holds more than ``max_share`` of a one-record ``features``' text."""
        words = features.words.astype(np.int64) * features.prose
        return bool(words[mask].sum() > self.max_share * words.sum())


def decide(
    counts: PageCounts, min_pages: int, min_share: float, min_words: int, max_share: float
) -> Boilerplate:
    """The boilerplate of every site from the merged counts (rule in the module's docstring)."""
    blocks: dict[str, dict[int, int]] = {}
    for name, site in counts.items():
        need = max(float(min_pages), min_share * site.pages)
        chosen = site.counts >= need
        if chosen.any():
            blocks[name] = {
                int(h): int(c)
                for h, c in zip(site.hashes[chosen], site.counts[chosen], strict=True)
            }
    return Boilerplate(min_words, max_share, {n: c.pages for n, c in counts.items()}, blocks)


@dataclass(slots=True)
class _SiteTally:
    pages_with_removal: int = 0
    blocks_removed: int = 0
    words_removed: int = 0
    examples: dict[int, tuple[str, str]] = field(default_factory=dict)  # hash -> (id, text)


@dataclass(slots=True)
class BoilerplateReport:
    """Accumulates what was removed, record by record (any order), into the per-site report."""

    boilerplate: Boilerplate
    top: int = 5
    left_whole: int = 0  # records whose boilerplate blocks were most of their text
    _sites: dict[str, _SiteTally] = field(default_factory=dict)

    def add(
        self, record_id: str, site: str, features: BatchFeatures, mask: Mask, texts: Sequence[str]
    ) -> None:
        """One record: its one-record ``features``, the removal ``mask`` and its blocks' texts."""
        if not mask.any():
            return
        self.tally(site, int(mask.sum()), int(features.words[mask & features.prose].sum()))
        for k in np.flatnonzero(mask):
            self.example(site, int(features.hashes[k]), record_id, texts[int(k)])

    def tally(self, site: str, blocks: int, words: int) -> None:
        """A record of ``site`` lost ``blocks`` blocks holding ``words`` words of its text."""
        tally = self._sites.setdefault(site, _SiteTally())
        tally.pages_with_removal += 1
        tally.blocks_removed += blocks
        tally.words_removed += words

    def example(self, site: str, key: int, record_id: str, text: str) -> None:
        """The text of boilerplate block ``key`` in a record: the smallest id's is kept."""
        tally = self._sites.setdefault(site, _SiteTally())
        held = tally.examples.get(key)
        if held is None or record_id < held[0]:
            tally.examples[key] = (record_id, text)

    def summary(self) -> list[dict[str, Any]]:
        """Per site with boilerplate (sorted by site): pages, blocks and words removed, and the
        most frequent blocks (pages holding them, then text)."""
        out = []
        for name in sorted(self.boilerplate.blocks):
            pages = self.boilerplate.blocks[name]
            tally = self._sites.get(name, _SiteTally())
            ranked = sorted(
                (
                    (count, tally.examples[h][1])
                    for h, count in pages.items()
                    if h in tally.examples
                ),
                key=lambda item: (-item[0], item[1]),
            )
            out.append(
                {
                    "site": name,
                    "pages": self.boilerplate.site_pages.get(name, 0),
                    "boilerplate_blocks": len(pages),
                    "pages_with_removal": tally.pages_with_removal,
                    "blocks_removed": tally.blocks_removed,
                    "words_removed": tally.words_removed,
                    "most_frequent": [
                        {"text": text, "pages": count} for count, text in ranked[: self.top]
                    ],
                }
            )
        return out
