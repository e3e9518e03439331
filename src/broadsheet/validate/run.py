"""``broadsheet validate``: re-check a release folder with no configuration.

Everything needed is in the release itself: the checksums in ``SHA256SUMS``, the check
settings stored in ``build-report.json``, the schema in
:data:`~broadsheet.records.arrow.ARTICLE_SCHEMA`
and the claims of the card and of ``croissant.json``. Nothing is trusted: the folder is
listed without following links and only regular files are opened
(:mod:`~broadsheet.validate.files`), Parquet footers are checked before any data is read
(:mod:`~broadsheet.validate.parquet`), and JSON and YAML are read within size, nesting and
alias limits (:mod:`~broadsheet.validate.croissant`, :mod:`~broadsheet.validate.safe_yaml`).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from rich.console import Console

from broadsheet.errors import BroadsheetError, UsageError
from broadsheet.recipe import CheckSettings
from broadsheet.validate.croissant import JsonError, check_croissant, load_json
from broadsheet.validate.files import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_SUMS_BYTES,
    Entry,
    UnsafeFile,
    describe,
    read_capped,
    sha256_of,
    walk_release,
)
from broadsheet.validate.meta import REPORT, check_card, check_report
from broadsheet.validate.reports import (
    CHECKS,
    Findings,
    Outcome,
    ValidationReport,
    print_summary,
    write_json,
    write_junit,
    write_markdown,
)
from broadsheet.validate.shards import check_rows, list_shards

__all__ = ["CHECKS", "Outcome", "ValidationReport", "validate_command", "validate_release"]

SUMS = "SHA256SUMS"
REQUIRED = ("README.md", "croissant.json", REPORT, "quarantine.jsonl", SUMS)
# build-report.json lists every input (about 400 bytes each: 8 MB for 20,000 pages) besides its
# counts: 512 MiB is some 1.3 million inputs. Parsed, JSON takes about four times its size in
# memory (2 GiB here), so a larger report is refused rather than read.
MAX_REPORT_BYTES = 512 * 1024**2
_SUM_LINE = re.compile(r"^([0-9a-f]{64})  (\S(?:.*\S)?)$")


def _check_entries(entries: dict[str, Entry], found: Findings) -> None:
    for name in REQUIRED:
        entry = entries.get(name)
        if entry is None:
            found.fail("release_files", name, None, f"{name} is missing")
        elif not entry.regular:
            found.fail("release_files", name, entry.kind, f"{describe(name, entry)}, not a file")
    data = entries.get("data")
    if data is None:
        found.fail("release_files", "data", None, "the data/ folder is missing")
    elif data.kind != "folder":
        found.fail("release_files", "data", data.kind, f"{describe('data', data)}, not a folder")
    for name, entry in entries.items():
        if entry.kind not in ("file", "folder"):
            found.fail(
                "regular_files",
                name,
                entry.target,
                f"{describe(name, entry)}; "
                + (
                    "validate never follows a link"
                    if entry.kind == "symlink"
                    else "validate opens regular files only"
                ),
            )
        elif entry.kind == "folder" and name.count("/") + 1 >= MAX_DEPTH:
            found.fail(
                "regular_files",
                name,
                None,
                f"{name} is a folder {MAX_DEPTH} levels deep; a release has two (data/<shard>), "
                "and validate does not look inside it",
            )
        elif entry.size > MAX_FILE_BYTES:
            found.fail(
                "regular_files",
                name,
                entry.size,
                f"{name} has {entry.size:,} bytes; validate reads at most {MAX_FILE_BYTES:,}",
            )


def _check_files(root: Path, entries: dict[str, Entry], found: Findings) -> dict[str, str]:
    """SHA256SUMS against the files; returns the sha256 of every file it hashed."""
    hashes: dict[str, str] = {}
    sums = entries.get(SUMS)
    if sums is None or not sums.regular:
        found.skip(["checksums_match", "no_unlisted_files"], "SHA256SUMS is missing")
        return hashes
    try:
        text = read_capped(root, SUMS, MAX_SUMS_BYTES).decode("utf-8", errors="replace")
    except UnsafeFile as exc:
        found.fail("checksums_match", SUMS, None, str(exc))
        found.skip(["no_unlisted_files"], "SHA256SUMS is unreadable")
        return hashes
    listed: set[str] = set()
    for number, line in enumerate(text.splitlines(), 1):
        match = _SUM_LINE.match(line)
        if not match:
            found.fail(
                "checksums_match",
                SUMS,
                line[:120],
                f"line {number} of SHA256SUMS is not '<sha256>  <path>'",
            )
            continue
        expected, name = match.groups()
        listed.add(name)
        entry = entries.get(name)
        if entry is None:
            found.fail("checksums_match", name, None, f"{name} is listed but not in the release")
            continue
        if not entry.regular:
            found.fail("checksums_match", name, None, f"{name} is listed; {describe(name, entry)}")
            continue
        try:
            actual = hashes[name] = sha256_of(root, name)
        except UnsafeFile as exc:
            found.fail("checksums_match", name, None, str(exc))
            continue
        if actual != expected:
            found.fail(
                "checksums_match",
                name,
                actual,
                f"{name} has sha256 {actual}; SHA256SUMS lists {expected}",
            )
    for name, entry in entries.items():
        if entry.regular and name != SUMS and name not in listed:
            found.fail("no_unlisted_files", name, None, f"{name} is not listed in SHA256SUMS")
    return hashes


def _read_report(
    root: Path, entries: dict[str, Entry], found: Findings
) -> tuple[dict[str, Any] | None, CheckSettings | None]:
    entry = entries.get(REPORT)
    if entry is None or not entry.regular:
        return None, None
    try:
        report = load_json(root, REPORT, MAX_REPORT_BYTES)
    except (JsonError, UnsafeFile) as exc:
        found.fail("report_readable", REPORT, None, f"{REPORT} is not a JSON object: {exc}")
        return None, None
    try:
        settings = CheckSettings.model_validate(report.get("check_settings"))
    except ValidationError as exc:
        found.fail(
            "report_readable",
            "check_settings",
            None,
            f"check_settings cannot be read: {exc.errors()[0]['msg']}",
        )
        return report, None
    from zoneinfo import ZoneInfo

    for name, publisher in settings.publishers.items():
        try:
            ZoneInfo(publisher.timezone)
        except (ValueError, LookupError):
            found.fail(
                "report_readable",
                "check_settings",
                publisher.timezone,
                f"publisher {name!r} has an unknown timezone {publisher.timezone!r}",
            )
            return report, None
    return report, settings


def validate_release(release_dir: Path, *, max_samples: int = 5) -> ValidationReport:
    """Re-check a release; raises ``UsageError("not_a_release")`` for any other folder.

    Nothing inside the folder is followed or opened unless it is a regular file reached
    through real folders (see :mod:`broadsheet.validate.files`).
    """
    root = Path(release_dir)
    markers = [root / SUMS, root / REPORT, root / "data"]
    if not root.is_dir() or not any(os.path.lexists(p) for p in markers):
        raise UsageError(
            "not_a_release",
            f"{release_dir} is not a release folder (expected "
            "SHA256SUMS, build-report.json and data/train-*.parquet)",
        )
    found = Findings(max_samples)
    entries = walk_release(root)
    _check_entries(entries, found)
    hashes = _check_files(root, entries, found)
    shards, names = list_shards(root, entries, found)
    report, settings = _read_report(root, entries, found)
    stored = report.get("fingerprint") if isinstance(report, dict) else None
    complete = len(shards) == len(names)
    facts, digest = check_rows(root, shards, settings, found, complete, stored)
    rows = facts.rows or 0
    if digest is None:
        facts.rows = None
    facts.shard_sizes = {
        f"data/{name}": entries[f"data/{name}"].size
        for name in names
        if entries[f"data/{name}"].regular
    }

    def sha256(name: str) -> str | None:
        if name not in hashes:
            try:
                hashes[name] = sha256_of(root, name)
            except UnsafeFile:
                return None
        return hashes[name]

    check_card(root, entries, facts.rows, digest, found)
    check_report(root, entries, report, facts.rows, names, digest, found)
    check_croissant(root, entries, facts, sha256, found)
    return found.report(str(release_dir), rows)


def validate_command(
    release_dir: Path,
    *,
    json_path: Path | None = None,
    junit: Path | None = None,
    markdown: Path | None = None,
    max_samples: int = 5,
    console: Console | None = None,
) -> bool:
    """Validate, print the summary, write the requested reports; True when every check holds.

    Anything unexpected becomes a ``UsageError`` (exit 2 in the command), never a traceback.
    """
    try:
        report = validate_release(release_dir, max_samples=max_samples)
    except BroadsheetError:
        raise
    except Exception as exc:
        raise UsageError(
            "validate_failed", f"validation stopped on {type(exc).__name__}: {exc}"
        ) from exc
    print_summary(report, console or Console())
    outputs = ((json_path, write_json), (junit, write_junit), (markdown, write_markdown))
    for path, write in outputs:
        if path is None:
            continue
        try:
            write(report, path)
        except OSError as exc:
            raise UsageError("bad_usage", f"cannot write {path}: {exc}") from exc
    return report.ok
