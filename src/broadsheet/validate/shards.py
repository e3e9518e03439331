"""The shards of a release: their names, footers and schemas, then every row, read once.

Only shards whose footer is plausible (:mod:`broadsheet.validate.parquet`) and whose schema is
exactly ARTICLE_SCHEMA are read, a batch at a time; only the ``id`` and ``url`` columns of
all rows are kept, for the uniqueness checks.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import ValidationError

from broadsheet.checks.table import CHECK_ORDER, run_checks, unique_failures
from broadsheet.recipe import CheckSettings
from broadsheet.records.arrow import ARTICLE_SCHEMA
from broadsheet.records.model import Article
from broadsheet.validate.croissant import DataFacts
from broadsheet.validate.files import Entry, UnsafeFile, open_regular
from broadsheet.validate.parquet import Footer, footer_problems
from broadsheet.validate.reports import Findings

_SHARD = re.compile(r"^train-(\d{5})-of-(\d{5})\.parquet$")
_BATCH_ROWS = 10_000


@dataclass(frozen=True, slots=True)
class Shard:
    """A shard whose footer is plausible and whose schema is right (files are opened one at
    a time, when read, so a release of many shards never holds many open files)."""

    name: str  # data/<file>
    rows: int  # as its footer claims


def _footer(handle: BinaryIO) -> Footer:
    return footer_problems(handle, os.fstat(handle.fileno()).st_size)


def list_shards(
    root: Path, entries: dict[str, Entry], found: Findings
) -> tuple[list[Shard], list[str]]:
    """The shards to read (plausible footer, right schema), and the names of all shards."""
    files = {
        name[5:]: entry
        for name, entry in entries.items()
        if name.startswith("data/") and "/" not in name[5:] and entry.kind != "folder"
    }
    named: dict[int, str] = {}
    totals: set[int] = set()
    for name in sorted(files):
        match = _SHARD.match(name)
        if not match:
            found.fail(
                "shard_names",
                f"data/{name}",
                name,
                f"data/{name} is not named train-k-of-N.parquet",
            )
            continue
        named[int(match.group(1))] = name
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
                "shard_names", f"data/{named[k]}", k, f"shard index {k} is not below N={total}"
            )
    good = []
    for k in sorted(named):
        where = f"data/{named[k]}"
        if not files[named[k]].regular:
            continue  # reported by regular_files, never opened
        try:
            with open_regular(root, where) as handle:
                footer = _footer(handle)
                schema = footer.parquet.schema_arrow if footer.parquet is not None else None
        except UnsafeFile as exc:
            found.fail("shard_schema", where, None, f"{where} is not readable: {exc}")
            continue
        if footer.unreadable is not None:
            found.fail(
                "shard_schema", where, None, f"{where} is not readable Parquet: {footer.unreadable}"
            )
        for problem in footer.implausible:
            found.fail("shard_footer", where, None, f"{where} {problem}; it is not read")
        if (
            footer.parquet is not None
            and schema is not None
            and _schema_failures(schema, where, found)
        ):
            good.append(Shard(where, footer.parquet.metadata.num_rows))
    return good, [named[k] for k in sorted(named)]


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
    root: Path, shards: list[Shard], settings: CheckSettings | None, found: Findings, seen: _Seen
) -> Iterator[pa.Table]:
    """Every batch of the shards, checked as it passes (row checks, contract, order)."""
    last: str | None = None
    for shard in shards:
        rows = 0
        try:
            with open_regular(root, shard.name) as handle:
                footer = _footer(handle)
                parquet = footer.parquet
                if parquet is None or parquet.metadata.num_rows != shard.rows:
                    raise UnsafeFile("it changed while being validated")
                for batch in parquet.iter_batches(batch_size=_BATCH_ROWS):
                    table = pa.Table.from_batches([batch]).replace_schema_metadata(None)
                    rows += table.num_rows
                    last = _check_table(table, settings, found, seen, last)
                    yield table
        except (UnsafeFile, OSError, ValueError, pa.ArrowException) as exc:
            found.fail(
                "shard_schema",
                shard.name,
                None,
                f"{shard.name} could not be read to the end: {str(exc).strip()}",
            )
            seen.complete = False
            continue
        if rows != shard.rows:
            found.fail(
                "shard_footer",
                shard.name,
                rows,
                f"{shard.name} holds {rows:,} rows when read; its footer claims {shard.rows:,}",
            )
            seen.complete = False


@dataclass(slots=True)
class _Seen:
    """What the row pass keeps: the ids and URLs of all rows, and the facts of the data."""

    complete: bool
    facts: DataFacts = field(default_factory=lambda: DataFacts(rows=0))
    ids: list[pa.ChunkedArray] = field(default_factory=list)
    urls: list[pa.ChunkedArray] = field(default_factory=list)


def _check_table(
    table: pa.Table,
    settings: CheckSettings | None,
    found: Findings,
    seen: _Seen,
    last: str | None,
) -> str | None:
    facts = seen.facts
    facts.rows = (facts.rows or 0) + table.num_rows
    facts.without_url += table.column("url").null_count
    facts.without_capture += table.column("captured_at").null_count
    languages = pc.unique(table.column("language")).to_pylist()
    facts.languages.update(str(code).split("-")[0] for code in languages if code is not None)
    seen.ids.append(table.column("id"))
    seen.urls.append(table.column("url"))
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


def check_rows(
    root: Path,
    shards: list[Shard],
    settings: CheckSettings | None,
    found: Findings,
    complete: bool,
    stored: Any = None,
) -> tuple[DataFacts, str | None]:
    """Facts of the data (rows None when some shard could not be read) and the recomputed
    fingerprint (None then too).

    A release built by broadsheet 0.1.0 stores the fingerprint of that version (a sha256
    over the canonical lines themselves); when ``stored`` is that value, it is the one
    returned, so older releases still validate.
    """
    from broadsheet.release.fingerprint import Fingerprint

    if settings is None:
        found.skip(list(CHECK_ORDER), "the check settings of build-report.json are unreadable")
    seen = _Seen(complete)
    fp = Fingerprint(legacy=True)
    for table in _row_tables(root, shards, settings, found, seen):
        for _ in fp.add(table):
            pass
    digest = fp.hexdigest()
    if stored is not None and stored == fp.legacy_hexdigest():
        digest = stored
    ids = pa.chunked_array(seen.ids, pa.string()).combine_chunks()
    urls = pa.chunked_array(seen.urls, pa.string()).combine_chunks()
    for failure in unique_failures(pl.DataFrame({"id": ids, "url": urls})):
        found.add(failure)
    return seen.facts, digest if seen.complete else None
