"""The per-page steps, as pure functions over a stream: page in, record or quarantine entry out.

Engines (``broadsheet.build.engines``) run :func:`process_batch` on one process, many
processes or a Dask cluster; everything here is picklable and free of global state,
so the same steps give the same results wherever they run.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pyarrow as pa

from broadsheet.build.timelimit import TimeLimitExceeded, time_limit
from broadsheet.checks.table import failing_rows, without_rows
from broadsheet.errors import BroadsheetError
from broadsheet.parsers import parse_page
from broadsheet.recipe import CheckSettings
from broadsheet.records.arrow import ARTICLE_SCHEMA, rows_to_table
from broadsheet.records.model import Article
from broadsheet.records.quarantine import Quarantined
from broadsheet.release.fingerprint import record_digest
from broadsheet.sources.items import Page, Skipped, SourceFailure, SourceItem
from broadsheet.sources.limits import DEFAULT_LIMITS, Limits

PARSE_TIMEOUT = "parse_timeout"
"""Reason code of a page whose parsing ran past the recipe's ``[limits] parse_timeout_seconds``."""


def process_page(
    page: Page, timeout: float | None = None, limits: Limits = DEFAULT_LIMITS
) -> Article | Quarantined:
    """Parse one page; every failure becomes a quarantine entry, never an exception.

    ``timeout`` is the wall-clock limit of the parse in seconds (None: no limit); a page
    over it becomes a ``parse_timeout`` entry. ``limits`` bound the page's markup.
    """
    try:
        with time_limit(timeout):
            return parse_page(page, limits)
    except TimeLimitExceeded:
        return Quarantined(
            page.source_file,
            page.sha256,
            PARSE_TIMEOUT,
            f"parsing took longer than the limit of {timeout:g} s (recipe [limits] "
            "parse_timeout_seconds) and was stopped; raise the limit if such pages are expected",
            "parse",
        )
    except BroadsheetError as exc:
        return Quarantined(
            page.source_file,
            page.sha256,
            exc.code,
            exc.message,
            "parse",
            page_type=getattr(exc, "page_type", None),
        )
    except Exception as exc:  # a parser bug must not lose the page or stop the build
        return Quarantined(
            page.source_file,
            page.sha256,
            "parser_error",
            f"unexpected {type(exc).__name__} while parsing: {exc}",
            "parse",
        )


def process_item(
    item: SourceItem, timeout: float | None = None, limits: Limits = DEFAULT_LIMITS
) -> Article | Quarantined | Skipped:
    """A source item to its outcome (source failures become quarantine entries)."""
    if isinstance(item, Page):
        return process_page(item, timeout, limits)
    if isinstance(item, SourceFailure):
        return Quarantined(item.source_file, item.source_sha256, item.code, item.message, "source")
    return item


@dataclass(slots=True)
class BatchResult:
    """What one batch of inputs became: accepted rows, quarantine entries, skip counts."""

    table: pa.Table
    quarantined: list[Quarantined] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    inputs: int = 0
    digests: list[bytes] = field(default_factory=list)
    """Content digest of each row of ``table`` (:func:`broadsheet.release.layout.record_digest`)."""


def process_batch(
    items: list[SourceItem],
    settings: CheckSettings,
    parse_timeout: float | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> BatchResult:
    """Parse a batch and run the row-level table checks on it (runs on any worker).

    Rows that fail a check move to the quarantine with the check's name as their code.
    Uniqueness and duplicates need the whole table and are settled by the build.
    ``parse_timeout`` limits the parse of each page (seconds; None: no limit), ``limits``
    its markup (the recipe's ``[limits]``).
    """
    records: list[Article] = []
    result = BatchResult(table=ARTICLE_SCHEMA.empty_table(), inputs=len(items))
    for item in items:
        outcome = process_item(item, parse_timeout, limits)
        if isinstance(outcome, Article):
            records.append(outcome)
        elif isinstance(outcome, Quarantined):
            result.quarantined.append(outcome)
        else:
            result.skipped[outcome.reason] += 1
    if records:
        rows = [record.model_dump(mode="python") for record in records]
        table = rows_to_table(rows)
        digests = [record_digest(row) for row in rows]
        failing, failed = failing_rows(table, settings)
        if failing:
            dropped = set(failing)
            table = without_rows(table, failing)
            digests = [d for i, d in enumerate(digests) if i not in dropped]
        result.table, result.digests = table, digests
        result.quarantined.extend(failed)
    return result
