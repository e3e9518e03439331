"""What a parsing worker computes per record for the corpus passes: block hashes and MinHashes.

A body block is normalised before it is hashed (:func:`normalise`): Unicode NFKC, case folded,
every run of digits replaced by one ``0`` (so "© 2025" and "© 2026", "3 hours ago" and "5 hours
ago" are the same chrome), whitespace collapsed. Its key is the first 8 bytes of its BLAKE2b
digest, read as an unsigned 64-bit integer.

Near-duplicates compare the word shingles of ``text``: each prose block's normalised words taken
``shingle_words`` at a time (a block with fewer words is one shingle). Shingles never span two
blocks, so the shingle set of a text is the union of the sets of its blocks, and the MinHash of
the text is the element-wise minimum of its blocks' MinHashes. Workers therefore store one
signature per block, and the build takes the minimum over the blocks that survive the
boilerplate decision, without reading any text again. Signatures are rensa's full-set R-MinHash
(32-bit slots, a fixed seed: the same tokens give the same signature in any process, order or
batch); embeds, which are not part of ``text``, get the empty signature (every slot at its
maximum, the identity of the minimum).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import numpy.typing as npt
import rensa

from broadsheet.records.model import PROSE_KINDS, count_words

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]

#: Signature slots are 32-bit: an empty set has every slot at this value.
EMPTY_SLOT = np.uint32(0xFFFFFFFF)

_DIGITS = re.compile(r"\d+")
#: The MinHash implementation and its algorithm version, recorded in the build report.
MINHASH_IMPLEMENTATION = f"rensa R-MinHash (algorithm {rensa.RMinHash.ALGORITHM_VERSION})"


def normalise(text: str) -> str:
    """The form of a block that is hashed and shingled (see the module's docstring)."""
    folded = text.lower() if text.isascii() else unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_DIGITS.sub("0", folded).split())


def hash64(text: str) -> int:
    """First 8 bytes of the BLAKE2b digest of ``text`` (UTF-8), as an unsigned integer."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


def site_key(publisher: str | None, url: str | None) -> str:
    """The site a record belongs to: its publisher, else its URL's host, else ''."""
    if publisher and publisher.strip():
        return " ".join(publisher.split()).casefold()
    if url:
        host = urlsplit(url).hostname or ""
        return host.removeprefix("www.")
    return ""


def shingles(words: Sequence[str], size: int) -> list[str]:
    """The ``size``-word shingles of a block's words (fewer words: the block is one shingle)."""
    if len(words) <= size:
        return [" ".join(words)] if words else []
    return [" ".join(gram) for gram in zip(*(words[i:] for i in range(size)), strict=False)]


@dataclass(frozen=True, slots=True)
class BatchFeatures:
    """The corpus features of a batch of records, flat: record ``i`` owns blocks
    ``offsets[i]:offsets[i + 1]``, in body order."""

    offsets: I64  # (records + 1,)
    hashes: U64  # (blocks,) hash64 of the normalised block
    words: I32  # (blocks,) words of the block as printed (records.count_words)
    prose: npt.NDArray[np.bool_]  # (blocks,) the block is part of text (not an embed)
    signatures: U32  # (blocks, num_perm); (blocks, 0) when near-duplicates are off

    @property
    def records(self) -> int:
        return len(self.offsets) - 1

    def record(self, index: int) -> BatchFeatures:
        """Record ``index``'s features alone (offsets rebased to 0)."""
        start, end = int(self.offsets[index]), int(self.offsets[index + 1])
        return BatchFeatures(
            offsets=np.array([0, end - start], dtype=np.int64),
            hashes=self.hashes[start:end],
            words=self.words[start:end],
            prose=self.prose[start:end],
            signatures=self.signatures[start:end],
        )


def batch_features(
    bodies: Sequence[Sequence[tuple[str, str]]],
    *,
    num_perm: int,
    shingle_words: int,
    seed: int,
    signatures: bool = True,
) -> BatchFeatures:
    """Features of the records whose bodies (``(kind, text)`` blocks) are given, in one call.

    With ``signatures`` false (near-duplicates off) only hashes and word counts are computed.
    """
    offsets = np.zeros(len(bodies) + 1, dtype=np.int64)
    hashes: list[int] = []
    words: list[int] = []
    prose: list[bool] = []
    rows: list[int] = []  # block -> row of the distinct token sets (-1: no prose)
    row_of: dict[int, int] = {}
    token_sets: list[list[str]] = []
    for i, body in enumerate(bodies):
        for kind, text in body:
            norm = normalise(text)
            key = hash64(norm)
            hashes.append(key)
            words.append(count_words(text))
            prose.append(kind in PROSE_KINDS)
            if not (signatures and prose[-1]):
                rows.append(-1)
            elif key in row_of:  # the same block again (site chrome): one MinHash per batch
                rows.append(row_of[key])
            else:
                row_of[key] = len(token_sets)
                rows.append(len(token_sets))
                token_sets.append(shingles(norm.split(), shingle_words))
        offsets[i + 1] = len(hashes)
    width = num_perm if signatures else 0
    distinct = np.full((len(token_sets) + 1, width), EMPTY_SLOT, dtype=np.uint32)
    if token_sets:
        matrix = rensa.RMinHash.digest_matrix_from_token_sets(token_sets, num_perm, seed)
        distinct[:-1] = np.array(matrix.to_rows(), dtype=np.uint32)
    return BatchFeatures(
        offsets=offsets,
        hashes=np.array(hashes, dtype=np.uint64),
        words=np.array(words, dtype=np.int32),
        prose=np.array(prose, dtype=np.bool_),
        signatures=distinct[np.array(rows, dtype=np.intp)],
    )


def concat(parts: Sequence[BatchFeatures], num_perm: int) -> BatchFeatures:
    """Several batches' features as one, records in the order given."""
    if not parts:
        return BatchFeatures(
            offsets=np.zeros(1, dtype=np.int64),
            hashes=np.zeros(0, dtype=np.uint64),
            words=np.zeros(0, dtype=np.int32),
            prose=np.zeros(0, dtype=np.bool_),
            signatures=np.zeros((0, num_perm), dtype=np.uint32),
        )
    bases = np.cumsum([0] + [len(p.hashes) for p in parts[:-1]])
    offsets = np.concatenate(
        [np.zeros(1, dtype=np.int64)]
        + [p.offsets[1:] + b for p, b in zip(parts, bases, strict=True)]
    )
    return BatchFeatures(
        offsets=offsets.astype(np.int64),
        hashes=np.concatenate([p.hashes for p in parts]),
        words=np.concatenate([p.words for p in parts]),
        prose=np.concatenate([p.prose for p in parts]),
        signatures=np.concatenate([p.signatures for p in parts]),
    )


def features_of(records: Sequence[Any], **settings: Any) -> BatchFeatures:
    """:func:`batch_features` of records with a ``body`` of blocks (``kind``, ``text``)."""
    return batch_features([[(b.kind, b.text) for b in r.body] for r in records], **settings)
