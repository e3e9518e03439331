"""The table checks: a pandera schema (polars backend) over article tables.

Every check has a stable snake_case name, which is also the quarantine reason code of a
row that fails it (``errors.REASONS``). Thresholds and publisher facts come from
:class:`~broadsheet.recipe.CheckSettings`, so a release can be re-checked from the
settings stored in its build report alone.

Row checks look at one record at a time and run on every batch of the pipeline
(:func:`split_failing`); the cross-row checks (``unique_id``, ``unique_url``) need the
whole table and run with ``scope="table"``. A batch of the pipeline holds records the
``Article`` model has just validated, so its checks (scope ``"records"``) also skip the
checks of states that model refuses (:data:`RECORD_CHECKS`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import polars as pl
import pyarrow as pa_arrow
from pydantic import TypeAdapter

from broadsheet.checks.rules import (
    CHECK_ORDER,
    RECORD_CHECKS,
    TABLE_CHECKS,
    WORD_PATTERN,
    Rule,
    build_rules,
    related_found,
)
from broadsheet.recipe import CheckSettings

if TYPE_CHECKING:
    import pandera.polars as pa
    from pandera.api.polars.types import PolarsData

    from broadsheet.records.quarantine import Quarantined

__all__ = [
    "CHECK_ORDER",
    "RECORD_CHECKS",
    "TABLE_CHECKS",
    "WORD_PATTERN",
    "CheckFailure",
    "failing_rows",
    "json_ready",
    "run_checks",
    "split_failing",
    "unique_failures",
    "without_rows",
]

Scope = Literal["records", "rows", "table"]
"""Which checks run: all ("table"), all but the cross-row ones ("rows"), or only those a
freshly validated record can fail ("records")."""

_JSON = TypeAdapter(Any)


@dataclass(frozen=True)
class CheckFailure:
    """One record failing one check."""

    check: str
    field: str
    record_id: str | None
    value: Any
    message: str


def _select(found: list[Rule], scope: Scope) -> list[Rule]:
    if scope == "table":
        return found
    skipped = TABLE_CHECKS if scope == "rows" else TABLE_CHECKS | RECORD_CHECKS
    return [r for r in found if r.name not in skipped]


def _schema(rules: list[Rule]) -> pa.DataFrameSchema:
    import pandera.polars as pa  # (see _failing)

    checks: dict[str, list[pa.Check]] = {}
    for rule in rules:
        checks.setdefault(rule.field, []).append(
            pa.Check(_frame_check(rule.passes), name=rule.name, error=rule.name)
        )
    columns = {field: pa.Column(checks=found, nullable=True) for field, found in checks.items()}
    return pa.DataFrameSchema(columns, name="article_table", strict=False)


def _frame_check(passes: pl.Expr) -> Callable[[PolarsData], pl.LazyFrame]:
    def check(data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(passes.fill_null(True).alias("passes"))

    return check


def _prepare(df: pl.DataFrame, rules: list[Rule]) -> pl.DataFrame:
    """The frame pandera validates: the columns the checks read, with derived ones added."""
    if any(rule.name == "no_chrome_in_text" for rule in rules):
        related = related_found(df.lazy()).collect()
        return df.with_columns(related.to_series().alias("_related_in_text"))
    return df


def _failing(df: pl.DataFrame, schema: pa.DataFrameSchema) -> list[tuple[str, str, int]]:
    """(check, field, row index) of every failure; pandera runs lazily so all are kept.

    pandera (and the pandas it loads) is imported here, on the first frame that fails a
    check (:func:`_all_pass`): a worker whose batches all pass never loads it."""
    from pandera.config import ValidationDepth, config_context
    from pandera.errors import SchemaErrors

    try:
        with config_context(
            validation_enabled=True, validation_depth=ValidationDepth.SCHEMA_AND_DATA
        ):
            schema.validate(df, lazy=True)
    except SchemaErrors as exc:
        cases = exc.failure_cases
        if cases.filter(pl.col("index").is_null()).height:
            raise ValueError(f"the table does not have the article columns: {exc}") from exc
        return [
            (str(check), str(field), int(index))
            for check, field, index in cases.select("check", "column", "index").unique().rows()
        ]
    return []


def _all_pass(frame: pl.DataFrame, rules: list[Rule]) -> bool:
    """Whether every row passes every rule: the rules' own expressions in one pass over the
    frame. Most batches pass whole, and pandera's run (a query per check, then its table of
    failure cases) would only confirm it; a frame that fails, or that the expressions cannot
    read, goes to pandera, which says what failed and where."""
    passes = pl.all_horizontal([rule.passes.fill_null(True) for rule in rules])
    try:
        return bool(frame.select(passes.all()).item())
    except pl.exceptions.PolarsError:
        return False  # a missing or mistyped column: pandera reports it


def _failures(df: pl.DataFrame, rules: list[Rule]) -> list[tuple[int, CheckFailure]]:
    """(row index, failure) of every failing check, in check order then row order."""
    if df.height == 0 or not rules:
        return []
    frame = _prepare(df, rules)
    if _all_pass(frame, rules):
        return []
    found = _failing(frame, _schema(rules))
    by_rule: dict[tuple[str, str], list[int]] = {}
    for check, field, index in found:
        by_rule.setdefault((check, field), []).append(index)
    out: list[tuple[int, CheckFailure]] = []
    for rule in rules:
        indices = sorted(by_rule.get((rule.name, rule.field), []))
        if not indices:
            continue
        subset = frame[indices]
        values = subset.select(rule.value.alias("value")).to_series().to_list()
        for index, value, row in zip(indices, values, subset.iter_rows(named=True), strict=True):
            failure = CheckFailure(rule.name, rule.field, row["id"], value, "")
            out.append((index, _with_message(failure, rule, row)))
    return out


def _with_message(failure: CheckFailure, rule: Rule, row: dict[str, Any]) -> CheckFailure:
    value = failure.value
    message = rule.describe(value, row)
    if isinstance(value, dict) and rule.field in value:  # value and its context
        value = value[rule.field]
    return CheckFailure(failure.check, failure.field, failure.record_id, value, message)


def run_checks(
    df: pl.DataFrame, settings: CheckSettings, *, scope: Scope = "table"
) -> list[CheckFailure]:
    """Every failure of every check on ``df`` (scope "rows" skips the cross-row checks).

    ``df`` has the columns of :data:`~broadsheet.records.arrow.ARTICLE_SCHEMA` (a ``ValueError``
    otherwise). Failures come in :data:`CHECK_ORDER`, then in row order.
    """
    found = _failures(df, _select(build_rules(settings), scope))
    return [failure for _index, failure in found]


def unique_failures(df: pl.DataFrame) -> list[CheckFailure]:
    """Only the cross-row checks, on a frame holding just ``id`` and ``url`` of every row."""
    found = [r for r in build_rules(CheckSettings()) if r.name in TABLE_CHECKS]
    return [failure for _index, failure in _failures(df, found)]


def json_ready(value: Any) -> Any:
    """A value as JSON data (datetimes as ISO 8601 strings, as the records serialise them)."""
    return _JSON.dump_python(value, mode="json")


def split_failing(
    table: pa_arrow.Table, settings: CheckSettings
) -> tuple[pa_arrow.Table, list[Quarantined]]:
    """Rows passing every row-level check, and quarantine entries for the others.

    The rows are records the ``Article`` model has validated: :data:`RECORD_CHECKS` are
    not run (scope ``"records"`` of :func:`run_checks`). A row failing several checks
    gets the code of the first one in :data:`CHECK_ORDER`; its message also names the
    others. Kept rows stay in their original order.
    """
    failing, quarantined = failing_rows(table, settings)
    return without_rows(table, failing), quarantined


def failing_rows(
    table: pa_arrow.Table, settings: CheckSettings
) -> tuple[list[int], list[Quarantined]]:
    """The sorted indices of the rows failing a row-level check, and their quarantine
    entries (see :func:`split_failing`; the rows are records the ``Article`` model has
    validated, so :data:`RECORD_CHECKS` are not run)."""
    from broadsheet.records.quarantine import Quarantined

    df = pl.from_arrow(table)
    assert isinstance(df, pl.DataFrame)
    found = _failures(df, _select(build_rules(settings), "records"))
    if not found:
        return [], []
    rank = {name: i for i, name in enumerate(CHECK_ORDER)}
    per_row: dict[int, list[CheckFailure]] = {}
    for index, failure in found:
        per_row.setdefault(index, []).append(failure)
    failing = sorted(per_row)
    records = table.take(failing).to_pylist()
    quarantined = []
    for index, row in zip(failing, records, strict=True):
        failures = sorted(per_row[index], key=lambda f: rank[f.check])
        first = failures[0]
        others = sorted({f.check for f in failures[1:]} - {first.check}, key=rank.__getitem__)
        message = first.message + (f" (also fails: {', '.join(others)})" if others else "")
        quarantined.append(
            Quarantined(
                source_file=row["source_file"],
                source_sha256=row["source_sha256"],
                code=first.check,
                message=message,
                stage="check",
                record=json_ready(row),
            )
        )
    return failing, quarantined


def without_rows(table: pa_arrow.Table, rows: list[int]) -> pa_arrow.Table:
    """``table`` minus the sorted row indices ``rows``, from zero-copy slices."""
    if not rows:
        return table
    pieces = []
    start = 0
    for row in [*rows, table.num_rows]:
        if row > start:
            pieces.append(table.slice(start, row - start))
        start = row + 1
    return pa_arrow.concat_tables(pieces) if pieces else table.slice(0, 0)
