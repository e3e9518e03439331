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
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pyarrow.compute as pc

from broadsheet.build.keys import Keys
from broadsheet.build.keys import RecordKey as RecordKey

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


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


def find_duplicates(keys: Keys | Sequence[RecordKey]) -> list[Duplicate]:
    """The copies to drop, by the rules of this module; sorted by (source_file, id).

    Of :class:`Keys`, only the rows that share an id or a story with another row are looked
    at (made into :class:`RecordKey` objects): every group of copies is among them whole.
    """
    if isinstance(keys, Keys):
        keys = list(_candidates(keys))
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


def _candidates(keys: Keys) -> Keys:
    """The rows that share their id or their story with another row."""
    if not len(keys):
        return keys
    ids, stories = keys.repeated("id"), keys.repeated("story")
    table = keys.table
    mask = pc.or_(
        pc.is_in(table.column("id"), value_set=ids),
        pc.is_in(table.column("story"), value_set=stories),
    )
    return Keys(table.filter(mask))
