"""Manifests: what the crawler knew about the files of a folder (URL, capture time, checksum).

A folder of pages may hold a ``manifest.csv`` (columns ``file,url,sha256,captured_at,notes``)
or a ``manifest.jsonl`` (one object per line with the same keys). ``file`` names a file of
that folder; empty cells mean "not recorded". A row that cannot be used is reported as a
:class:`ManifestProblem` and the other rows still apply.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

MANIFEST_NAMES = ("manifest.csv", "manifest.jsonl")
"""File names read as manifests (never as pages)."""

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_FIELDS = ("url", "sha256", "captured_at")


def parse_timestamp(value: str) -> datetime:
    """An ISO 8601 date or date-time, in UTC (a time without a zone is taken as UTC).

    Raises ``ValueError`` naming the value when it is not ISO 8601.
    """
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{value!r} is not an ISO 8601 date-time") from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    """What a manifest says about one file."""

    url: str | None = None
    sha256: str | None = None
    captured_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ManifestProblem:
    """A manifest row (or the whole manifest) that could not be used."""

    where: str  # "#L<line>" of the manifest, or "" for the whole file
    message: str


@dataclass(slots=True)
class Manifest:
    """The entries of one folder's manifest, keyed by file name."""

    path: Path
    entries: dict[str, ManifestEntry] = field(default_factory=dict)
    problems: list[ManifestProblem] = field(default_factory=list)


def find_manifest(folder: Path) -> Path | None:
    """The manifest of a folder (``manifest.csv`` before ``manifest.jsonl``), if any."""
    for name in MANIFEST_NAMES:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def _entry(raw: dict[str, Any], where: str) -> tuple[str, ManifestEntry]:
    """One row to (file name, entry); raises ValueError with what is wrong."""
    name = raw.get("file")
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"row {where} has no 'file' (got {name!r})")
    name = name.strip()
    if name.startswith("./"):
        name = name[2:]
    if "/" in name or "\\" in name or name in (".", ".."):
        raise ValueError(f"file {name!r} is not a file name in the manifest's folder")
    values: dict[str, str | None] = {}
    for key in _FIELDS:
        value = raw.get(key)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{key} of {name!r} must be a string, got {value!r}")
        values[key] = value.strip() if value and value.strip() else None
    sha = values["sha256"]
    if sha is not None:
        sha = sha.lower()
        if not _SHA256.match(sha):
            raise ValueError(f"sha256 of {name!r} is {sha!r}, expected 64 hex digits")
    captured = values["captured_at"]
    try:
        when = parse_timestamp(captured) if captured else None
    except ValueError as exc:
        raise ValueError(f"captured_at of {name!r}: {exc}") from None
    return name, ManifestEntry(url=values["url"], sha256=sha, captured_at=when)


def _rows(path: Path) -> list[tuple[str, dict[str, Any] | str]]:
    """(where, row) pairs; a row that is not an object comes as the error text."""
    rows: list[tuple[str, dict[str, Any] | str]] = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        if path.suffix == ".csv":
            reader = csv.DictReader(fh)
            if reader.fieldnames is None or "file" not in reader.fieldnames:
                raise ValueError(f"the header is {reader.fieldnames!r}, expected a 'file' column")
            for row in reader:
                rows.append((f"#L{reader.line_num}", dict(row)))
            return rows
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                rows.append((f"#L{number}", f"line {number} is not JSON: {exc.msg}"))
                continue
            if isinstance(obj, dict):
                rows.append((f"#L{number}", obj))
            else:
                rows.append((f"#L{number}", f"line {number} is {type(obj).__name__}, not object"))
    return rows


def load_manifest(path: Path) -> Manifest:
    """Read a manifest; never raises: unusable rows become problems."""
    manifest = Manifest(path)
    try:
        rows = _rows(path)
    except (OSError, UnicodeDecodeError, ValueError, csv.Error) as exc:
        manifest.problems.append(ManifestProblem("", f"cannot read {path.name}: {exc}"))
        return manifest
    for where, row in rows:
        if isinstance(row, str):
            manifest.problems.append(ManifestProblem(where, row))
            continue
        try:
            name, entry = _entry(row, where)
        except ValueError as exc:
            manifest.problems.append(ManifestProblem(where, str(exc)))
            continue
        if name in manifest.entries:
            manifest.problems.append(
                ManifestProblem(where, f"{name!r} is listed twice; the first row is kept")
            )
            continue
        manifest.entries[name] = entry
    return manifest
