"""Manifests: what the crawler knew about the files of a folder (URL, capture time, checksum).

A folder of pages may hold a ``manifest.csv`` (columns ``file,url,sha256,captured_at,notes``)
or a ``manifest.jsonl`` (one object per line with the same keys). ``file`` names a file of
that folder; empty cells mean "not recorded". A row that cannot be used is reported as a
:class:`ManifestProblem` and the other rows still apply; a row whose URL cannot be used
(:func:`broadsheet.sources.sanitize.clean_url`) is reported and still applies without its URL.
Lines are read with at most ``line_bytes`` held and JSON nesting is measured before it is
parsed (:mod:`broadsheet.sources.limits`).
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from broadsheet.sources.items import SourceFailure
from broadsheet.sources.limits import (
    DEFAULT_LIMITS,
    Limits,
    LongLine,
    capped_lines,
    json_depth,
    size_text,
)
from broadsheet.sources.location import open_input
from broadsheet.sources.sanitize import clean_url, parse_capture_time

MANIFEST_NAMES = ("manifest.csv", "manifest.jsonl")
"""File names read as manifests (never as pages)."""

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_FIELDS = ("url", "sha256", "captured_at")


parse_timestamp = parse_capture_time
"""A capture time (the name sources have exported): see
:func:`broadsheet.sources.sanitize.parse_capture_time`."""


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

    path: Path | str
    """The manifest file: a local path, or a URL (:mod:`broadsheet.sources.location`)."""
    entries: dict[str, ManifestEntry] = field(default_factory=dict)
    problems: list[ManifestProblem] = field(default_factory=list)


def find_manifest(folder: Path) -> Path | None:
    """The manifest of a folder (``manifest.csv`` before ``manifest.jsonl``), if any."""
    for name in MANIFEST_NAMES:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def _entry(raw: dict[str, Any], where: str) -> tuple[str, ManifestEntry, str | None]:
    """One row to (file name, entry, problem with its URL); raises ValueError with what is
    wrong when the row cannot be used at all."""
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
        when = parse_capture_time(captured) if captured else None
    except ValueError as exc:
        raise ValueError(f"captured_at of {name!r}: {exc}") from None
    url, problem = values["url"], None
    if url is not None:
        try:
            url = clean_url(url)
        except ValueError as exc:
            url, problem = None, f"url of {name!r}: {exc}; the file is read without it"
    return name, ManifestEntry(url=url, sha256=sha, captured_at=when), problem


def _lines(path: Path | str, limits: Limits) -> Iterator[tuple[int, str]]:
    """(number, text) of the lines of a manifest, each held with at most ``line_bytes``;
    raises ValueError on a longer line or one that is not UTF-8."""
    with open_input(os.fspath(path), sequential=True) as fh:
        for number, line in capped_lines(fh, limits.line_bytes):
            if isinstance(line, LongLine):
                raise ValueError(
                    f"line {number} is {size_text(line.length)} long, more than the "
                    f"{size_text(limits.line_bytes)} a line may have ([limits] line_bytes)"
                )
            yield number, line.decode("utf-8-sig" if number == 1 else "utf-8")


def _rows(
    path: Path | str, file_name: str, limits: Limits
) -> list[tuple[str, dict[str, Any] | str]]:
    """(where, row) pairs; a row that is not an object comes as the error text."""
    rows: list[tuple[str, dict[str, Any] | str]] = []
    if file_name.endswith(".csv"):
        reader = csv.DictReader(text for _, text in _lines(path, limits))
        if reader.fieldnames is None or "file" not in reader.fieldnames:
            raise ValueError(f"the header is {reader.fieldnames!r}, expected a 'file' column")
        for row in reader:
            rows.append((f"#L{reader.line_num}", dict(row)))
        return rows
    for number, line in _lines(path, limits):
        if not line.strip():
            continue
        depth = json_depth(line.encode("utf-8"), limits.json_depth)
        if depth is not None:
            rows.append(
                (
                    f"#L{number}",
                    f"line {number} nests {depth} levels deep, more than the "
                    f"{limits.json_depth} allowed ([limits] json_depth)",
                )
            )
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


def load_manifest(
    path: Path | str, limits: Limits = DEFAULT_LIMITS, file_name: str | None = None
) -> Manifest:
    """Read a manifest (a local path or a URL, whose ``file_name`` is then given); never
    raises: unusable rows become problems."""
    manifest = Manifest(path)
    file_name = file_name or os.path.basename(path)
    try:
        rows = _rows(path, file_name, limits)
    except (OSError, UnicodeDecodeError, ValueError, csv.Error) as exc:
        manifest.problems.append(ManifestProblem("", f"cannot read {file_name}: {exc}"))
        return manifest
    for where, row in rows:
        if isinstance(row, str):
            manifest.problems.append(ManifestProblem(where, row))
            continue
        try:
            name, entry, problem = _entry(row, where)
        except ValueError as exc:
            manifest.problems.append(ManifestProblem(where, str(exc)))
            continue
        if problem is not None:
            manifest.problems.append(ManifestProblem(where, problem))
        if name in manifest.entries:
            manifest.problems.append(
                ManifestProblem(where, f"{name!r} is listed twice; the first row is kept")
            )
            continue
        manifest.entries[name] = entry
    return manifest


def checksum_mismatch(name: str, expected: str, actual: str) -> SourceFailure:
    """The quarantine entry of a file whose bytes are not those its manifest lists."""
    return SourceFailure(
        name,
        "checksum_mismatch",
        f"{name}: sha256 is {actual} but the manifest says {expected}; "
        "the file changed since it was listed",
        source_sha256=actual,
    )
