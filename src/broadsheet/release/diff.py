"""Whether a new build of an existing version changes its content or only how it was made.

Releases are immutable, and what decides is content: the records (the fingerprint), the
quarantine, the card and the metadata. A build of the same inputs may still differ from
the release on disk in its provenance alone: the recorded command (paths spelled another
way, another working folder), the library versions (a patch release of pyarrow writes other
Parquet bytes for the same rows) or broadsheet's own version. Such a build is "unchanged":
the release on disk is kept, and what differed is said.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from broadsheet.release.fingerprint import fingerprint
from broadsheet.release.layout import differing_files, load_report, shard_paths

PROVENANCE = ("command", "broadsheet_version", "versions")
"""Build report fields that say how a release was made, not what it holds."""


def _provenance_notes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    notes: list[str] = []
    if old.get("command") != new.get("command"):
        notes.append(f"command: {old.get('command')!r} then, {new.get('command')!r} now")
    if old.get("broadsheet_version") != new.get("broadsheet_version"):
        notes.append(
            f"broadsheet: {old.get('broadsheet_version')} then, {new.get('broadsheet_version')} now"
        )
    before, after = old.get("versions") or {}, new.get("versions") or {}
    for name in sorted(set(before) | set(after)):
        if before.get(name) != after.get(name):
            notes.append(
                f"{name}: {before.get(name, 'absent')} then, {after.get(name, 'absent')} now"
            )
    return notes


def _same_records(a: Path, b: Path) -> bool:
    """Two Parquet shards hold the same records, in the same order, with the same schema."""
    try:
        if not pq.read_schema(a).equals(pq.read_schema(b)):
            return False
        return fingerprint([pq.read_table(a)]) == fingerprint([pq.read_table(b)])
    except (OSError, ValueError):
        return False


def provenance_only(
    staged: Path,
    final: Path,
    report: dict[str, Any],
    describe: Callable[[dict[str, Any]], None],
) -> list[str] | None:
    """What differs between the staged build and the release at ``final`` when it is only
    provenance (one line each), or None when the content differs.

    ``describe(report)`` writes the staged release's report, card and checksums for a
    report; it is called with the old release's provenance to compare the rest.
    """
    old = load_report(final)
    if old is None or old.get("fingerprint") != report.get("fingerprint"):
        return None
    notes = _provenance_notes(old, report)
    describe({**report, **{key: old[key] for key in PROVENANCE if key in old}})
    shards: list[str] = []
    for name in differing_files(staged, final):
        if name == "SHA256SUMS":
            continue  # the checksums of the files below
        if not (name.startswith("data/") and (staged / name).is_file()):
            return None
        if not ((final / name).is_file() and _same_records(staged / name, final / name)):
            return None
        shards.append(name)
    if shards:
        notes.append(
            f"{', '.join(shards)}: other Parquet bytes (another writer version), the same records"
        )
    return notes


def column_changes(previous_dir: Path, columns: list[str]) -> dict[str, list[str]]:
    """Columns of this release that the previous version lacks, and the other way round.

    Read from the previous release's first shard (its Parquet schema); a release whose
    shards cannot be read counts as having the same columns.
    """
    shards = shard_paths(previous_dir)
    try:
        before = pq.read_schema(shards[0]).names if shards else columns
    except (OSError, ValueError):
        before = columns
    return {
        "columns_added": [c for c in columns if c not in before],
        "columns_removed": [c for c in before if c not in columns],
    }
