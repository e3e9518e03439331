"""``broadsheet validate``: re-check a release folder with no configuration.

Everything needed is in the release itself: the checksums in ``SHA256SUMS``, the check
settings stored in ``build-report.json``, the schema in :data:`~broadsheet.arrow.ARTICLE_SCHEMA`
and the card's own claims. Parquet is read a row group at a time; only the ``id`` and
``url`` columns of all rows are kept, for the uniqueness checks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import ValidationError
from rich.console import Console

from broadsheet.arrow import ARTICLE_SCHEMA
from broadsheet.checks import CHECK_ORDER, run_checks, unique_failures
from broadsheet.errors import BroadsheetError, UsageError
from broadsheet.recipe import CheckSettings
from broadsheet.records import Article
from broadsheet.release import sha256_file
from broadsheet.reports import (
    CHECKS,
    Findings,
    Outcome,
    ValidationReport,
    print_summary,
    write_json,
    write_junit,
    write_markdown,
)
from broadsheet.validatemeta import REPORT, check_card, check_report

__all__ = ["CHECKS", "Outcome", "ValidationReport", "validate_command", "validate_release"]

SUMS = "SHA256SUMS"
REQUIRED = ("README.md", "croissant.json", REPORT, "quarantine.jsonl", SUMS)
_SHARD = re.compile(r"^train-(\d{5})-of-(\d{5})\.parquet$")
_SUM_LINE = re.compile(r"^([0-9a-f]{64})  (\S(?:.*\S)?)$")
_BATCH_ROWS = 10_000


def _check_files(root: Path, found: Findings) -> None:
    for name in REQUIRED:
        if not (root / name).is_file():
            found.fail("release_files", name, None, f"{name} is missing")
    if not (root / "data").is_dir():
        found.fail("release_files", "data", None, "the data/ folder is missing")
    sums = root / SUMS
    if not sums.is_file():
        found.skip(["checksums_match", "no_unlisted_files"], "SHA256SUMS is missing")
        return
    listed: set[str] = set()
    for number, line in enumerate(
        sums.read_text(encoding="utf-8", errors="replace").splitlines(), 1
    ):
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
        path = root / name
        inside = not Path(name).is_absolute() and ".." not in Path(name).parts
        if not inside or not path.is_file():
            found.fail("checksums_match", name, None, f"{name} is listed but not in the release")
        elif (actual := sha256_file(path)) != expected:
            found.fail(
                "checksums_match",
                name,
                actual,
                f"{name} has sha256 {actual}; SHA256SUMS lists {expected}",
            )
    for path in sorted(root.rglob("*")):
        name = path.relative_to(root).as_posix()
        if path.is_file() and name != SUMS and name not in listed:
            found.fail("no_unlisted_files", name, None, f"{name} is not listed in SHA256SUMS")


def _shards(root: Path, found: Findings) -> tuple[list[Path], list[str]]:
    """The shards whose schemas are right, and the names of all shards, in shard order."""
    data = root / "data"
    files = sorted(p for p in data.iterdir() if p.is_file()) if data.is_dir() else []
    named: dict[int, Path] = {}
    totals: set[int] = set()
    for path in files:
        match = _SHARD.match(path.name)
        if not match:
            found.fail(
                "shard_names",
                f"data/{path.name}",
                path.name,
                f"data/{path.name} is not named train-k-of-N.parquet",
            )
            continue
        named[int(match.group(1))] = path
        totals.add(int(match.group(2)))
    if len(totals) > 1:
        found.fail("shard_names", "data", sorted(totals), f"shards disagree on N: {sorted(totals)}")
    total = max(totals) if totals else 0
    if total == 0 and not files:
        found.fail("shard_names", "data", None, "the release has no shard")
    for k in range(total):
        if k not in named:
            found.fail("shard_names", "data", k, f"shard {k} of {total} is missing")
    for k in sorted(named):
        if k >= total:
            found.fail(
                "shard_names", f"data/{named[k].name}", k, f"shard index {k} is not below N={total}"
            )
    good = []
    for k in sorted(named):
        path = named[k]
        try:
            schema = pq.read_schema(path)
        except (OSError, pa.ArrowException) as exc:
            found.fail(
                "shard_schema",
                f"data/{path.name}",
                None,
                f"data/{path.name} is not readable Parquet: {str(exc).strip()}",
            )
            continue
        if _schema_failures(schema, f"data/{path.name}", found):
            good.append(path)
    return good, [named[k].name for k in sorted(named)]


def _schema_failures(schema: pa.Schema, where: str, found: Findings) -> bool:
    schema = schema.remove_metadata()
    if schema.equals(ARTICLE_SCHEMA):
        return True
    if schema.names != ARTICLE_SCHEMA.names:
        found.fail(
            "shard_schema",
            where,
            schema.names,
            f"{where} has columns {schema.names}; expected {ARTICLE_SCHEMA.names}",
        )
        return False
    for actual, expected in zip(schema, ARTICLE_SCHEMA, strict=True):
        if not actual.equals(expected):
            found.fail(
                "shard_schema",
                where,
                f"{actual.name}: {actual.type}{'' if actual.nullable else ' not null'}",
                f"{where} column {actual.name} is {actual.type} (nullable "
                f"{actual.nullable}); expected {expected.type} (nullable {expected.nullable})",
            )
    return False


def _read_report(root: Path, found: Findings) -> tuple[dict[str, Any] | None, CheckSettings | None]:
    path = root / REPORT
    if not path.is_file():
        return None, None
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(report, dict):
            raise ValueError("the top level is not an object")
    except (UnicodeDecodeError, ValueError) as exc:
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


def _contract(table: pa.Table, found: Findings) -> None:
    for row in table.to_pylist():
        try:
            Article.model_validate(row)
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(part) for part in error["loc"]) or "record"
            found.fail(
                "article_contract",
                where,
                error.get("input"),
                f"{where}: {error['msg']}"
                + (f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""),
                record_id=row.get("id"),
            )


def _row_tables(
    shards: list[Path], settings: CheckSettings | None, found: Findings, seen: dict[str, Any]
) -> Iterator[pa.Table]:
    """Every row group of the shards, checked as it passes (row checks, contract, order)."""
    last: str | None = None
    for path in shards:
        try:
            batches = pq.ParquetFile(path).iter_batches(batch_size=_BATCH_ROWS)
            for batch in batches:
                table = pa.Table.from_batches([batch]).replace_schema_metadata(None)
                last = _check_table(table, settings, found, seen, last)
                yield table
        except (OSError, ValueError, pa.ArrowException) as exc:
            found.fail(
                "shard_schema",
                f"data/{path.name}",
                None,
                f"data/{path.name} could not be read to the end: {str(exc).strip()}",
            )
            seen["complete"] = False


def _check_table(
    table: pa.Table,
    settings: CheckSettings | None,
    found: Findings,
    seen: dict[str, Any],
    last: str | None,
) -> str | None:
    seen["rows"] += table.num_rows
    seen["ids"].append(table.column("id"))
    seen["urls"].append(table.column("url"))
    for record_id in table.column("id").to_pylist():
        if last is not None and record_id < last:
            found.fail(
                "rows_sorted_by_id",
                "id",
                record_id,
                f"id {record_id} comes after {last}",
                record_id=record_id,
            )
        last = record_id
    if settings is not None:
        df = pl.from_arrow(table)
        assert isinstance(df, pl.DataFrame)
        for failure in run_checks(df, settings, scope="rows"):
            found.add(failure)
    _contract(table, found)
    return last


def _check_rows(
    shards: list[Path],
    settings: CheckSettings | None,
    found: Findings,
    complete: bool,
    stored: Any = None,
) -> tuple[int, str | None]:
    """Row count and recomputed fingerprint (None when some shard could not be read).

    A release built by broadsheet 0.1.0 stores the fingerprint of that version (a sha256
    over the canonical lines themselves); when ``stored`` is that value, it is the one
    returned, so older releases still validate.
    """
    from broadsheet.release import Fingerprint

    if settings is None:
        found.skip(list(CHECK_ORDER), "the check settings of build-report.json are unreadable")
    seen: dict[str, Any] = {"rows": 0, "ids": [], "urls": [], "complete": complete}
    fp = Fingerprint(legacy=True)
    for table in _row_tables(shards, settings, found, seen):
        for _ in fp.add(table):
            pass
    digest = fp.hexdigest()
    if stored is not None and stored == fp.legacy_hexdigest():
        digest = stored
    ids = pa.chunked_array(seen["ids"], pa.string()).combine_chunks()
    urls = pa.chunked_array(seen["urls"], pa.string()).combine_chunks()
    for failure in unique_failures(pl.DataFrame({"id": ids, "url": urls})):
        found.add(failure)
    return seen["rows"], digest if seen["complete"] else None


def validate_release(release_dir: Path, *, max_samples: int = 5) -> ValidationReport:
    """Re-check a release; raises ``UsageError("not_a_release")`` for any other folder."""
    root = Path(release_dir)
    markers = [root / SUMS, root / REPORT, root / "data"]
    if not root.is_dir() or not any(p.exists() for p in markers):
        raise UsageError(
            "not_a_release",
            f"{release_dir} is not a release folder (expected "
            "SHA256SUMS, build-report.json and data/train-*.parquet)",
        )
    found = Findings(max_samples)
    _check_files(root, found)
    shards, names = _shards(root, found)
    report, settings = _read_report(root, found)
    stored = report.get("fingerprint") if isinstance(report, dict) else None
    rows, digest = _check_rows(shards, settings, found, len(shards) == len(names), stored)
    known = rows if digest is not None else None
    check_card(root, known, digest, found)
    check_report(root, report, known, names, digest, found)
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
