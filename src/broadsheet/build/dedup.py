"""Duplicates across the whole corpus, settled from small per-record keys.

Two records are the same article when they share an ``id`` (ids derive from the canonical
URL, else from publisher + title + published time), or when they share publisher, title
and published time and one of them lacks a URL.

Which one is kept (the rule is part of the release contract):

1. Same id: the latest capture wins: the latest ``captured_at``, then the latest
   ``captured_after``, records without them last; ties go to the smallest ``source_file``,
   then the smallest ``source_sha256``.
2. Same publisher + title + published time: a record with a URL is kept over the ones
   without (it carries more: a stable URL-derived id, the section); among several with
   a URL, the rule of 1 picks the one the URL-less copies point to. Records with different
   URLs are different articles and are all kept.

Every other copy is quarantined with code ``duplicate`` and ``duplicate_of`` = the kept id.
"""

from __future__ import annotations

import hashlib
import sys
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow as pa

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class RecordKey:
    """What the build keeps in memory of one accepted row (the row itself is spilled to disk)."""

    id: str
    url: str | None
    story: int  # hash of publisher, whitespace-normalised title and published time
    published_at: int | None  # microseconds since the epoch, UTC
    captured_at: int | None  # microseconds since the epoch, UTC
    captured_after: int | None  # days since the epoch
    source_file: str
    source_sha256: str
    parser: str
    language: str
    nbytes: int  # estimated Arrow bytes of the row
    ref: int  # where the row is spilled: (spill file number << 32) | row number

    def rank(self) -> tuple[bool, int, bool, int, str, str]:
        """Sort key: the record to keep comes first (latest capture, then smallest source)."""
        return (
            self.captured_at is None,
            -(self.captured_at or 0),
            self.captured_after is None,
            -(self.captured_after or 0),
            self.source_file,
            self.source_sha256,
        )


def story_key(publisher: str, title: str, published_at: int | None) -> int:
    """Publisher + title + published time as ``make_id`` normalises them, hashed to 64 bits."""
    text = "\n".join([publisher.strip(), " ".join(title.split()), str(published_at)])
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


def iso_timestamp(micros: int | None) -> str | None:
    """Microseconds since the epoch as ISO 8601 UTC, as records serialise it ('...T11:38:00Z')."""
    if micros is None:
        return None
    moment = _EPOCH + timedelta(microseconds=micros)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if moment.microsecond else "%Y-%m-%dT%H:%M:%SZ")


def iso_date(days: int | None) -> str | None:
    return None if days is None else (_EPOCH + timedelta(days=days)).date().isoformat()


def keys_of(keys: pa.Table, numbers: dict[str, int]) -> list[RecordKey]:
    """RecordKeys of a batch's accepted rows, from their keys as the worker that spilled them
    sent them (``broadsheet.build.parts.KEYS_SCHEMA``); ``numbers`` numbers the part files."""

    def column(name: str) -> list[Any]:
        values: list[Any] = keys.column(name).to_pylist()
        return values

    names = (
        "id", "url", "story", "published_at", "captured_at", "captured_after",
        "source_file", "source_sha256", "nbytes", "row",
    )  # fmt: skip

    def repeated(name: str, value: Callable[[str], Any]) -> list[Any]:
        """A column of few distinct values, each made once (no string per row to free)."""
        encoded = keys.column(name).combine_chunks().dictionary_encode()
        values = [value(str(v)) for v in encoded.dictionary.to_pylist()]
        return [values[i] for i in encoded.indices.to_pylist()]

    parsers = repeated("parser", sys.intern)
    languages = repeated("language", sys.intern)
    parts = repeated("part", lambda name: numbers[name] << 32)
    return [
        RecordKey(id_, url, story, pub, cap, after, src, sha, parser, lang, nbytes, part | row)
        for (id_, url, story, pub, cap, after, src, sha, nbytes, row), parser, lang, part in zip(
            zip(*(column(n) for n in names), strict=True), parsers, languages, parts, strict=True
        )
    ]


@dataclass(frozen=True, slots=True)
class Duplicate:
    """A dropped copy: which record was kept instead, and why they are the same article."""

    dropped: RecordKey
    kept: RecordKey
    reason: str

    def message(self) -> str:
        return (
            f"duplicate of {self.kept.id} ({self.kept.source_file}): {self.reason}; "
            "kept by the rule: latest captured_at, then latest captured_after, then "
            "smallest source_file (a record with a URL over copies without one)"
        )


def find_duplicates(keys: list[RecordKey]) -> list[Duplicate]:
    """The copies to drop, by the rules of this module; sorted by (source_file, id)."""
    by_id: dict[str, list[RecordKey]] = defaultdict(list)
    for key in keys:
        by_id[key.id].append(key)
    dropped: list[Duplicate] = []
    survivors: list[RecordKey] = []
    for group in by_id.values():
        group.sort(key=RecordKey.rank)
        survivors.append(group[0])
        for other in group[1:]:
            same = f"same URL {other.url}" if other.url else "same id"
            dropped.append(Duplicate(other, group[0], same))

    by_story: dict[int, list[RecordKey]] = defaultdict(list)
    replaced: dict[int, RecordKey] = {}
    for key in survivors:
        by_story[key.story].append(key)
    for story_group in by_story.values():
        if len(story_group) < 2:
            continue
        with_url = sorted((k for k in story_group if k.url), key=RecordKey.rank)
        without = sorted((k for k in story_group if not k.url), key=RecordKey.rank)
        if not without:
            continue  # different URLs: different articles
        kept = with_url[0] if with_url else without[0]
        reason = (
            f"same publisher, title and published time as a record with URL {kept.url}"
            if kept.url
            else "same publisher, title and published time"
        )
        for key in without:
            if key is not kept:
                dropped.append(Duplicate(key, kept, reason))
                replaced[key.ref] = kept
    # A copy dropped in favour of a record that was itself dropped points to the final one.
    dropped = [
        Duplicate(d.dropped, replaced[d.kept.ref], d.reason) if d.kept.ref in replaced else d
        for d in dropped
    ]
    dropped.sort(key=lambda d: (d.dropped.source_file, d.dropped.id, d.dropped.rank()))
    return dropped
