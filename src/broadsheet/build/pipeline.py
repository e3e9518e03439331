"""The per-page steps, as pure functions over a stream: page in, record or quarantine entry out.

Engines (``broadsheet.build.engines``) run :func:`process_batch` on one process, many
processes or a Dask cluster; everything here is picklable and free of global state,
so the same steps give the same results wherever they run.
"""

from __future__ import annotations

from broadsheet.build.batchresult import BatchResult
from broadsheet.build.pages import PARSE_TIMEOUT, process_item, process_page
from broadsheet.checks.table import failing_rows, without_rows
from broadsheet.corpus.worker import enabled, mark_defaults, part_of
from broadsheet.recipe import CheckSettings, CorpusSettings
from broadsheet.records.arrow import ARTICLE_SCHEMA, rows_to_table
from broadsheet.records.model import Article
from broadsheet.records.quarantine import Quarantined
from broadsheet.release.fingerprint import record_digest
from broadsheet.sources.items import BatchItem
from broadsheet.sources.limits import DEFAULT_LIMITS, Limits

# (the per-page steps live in broadsheet.build.pages, which parsing alone imports)
__all__ = ["PARSE_TIMEOUT", "BatchResult", "process_batch", "process_item", "process_page"]


def process_batch(
    items: list[BatchItem],
    settings: CheckSettings,
    parse_timeout: float | None = None,
    limits: Limits = DEFAULT_LIMITS,
    corpus: CorpusSettings | None = None,
) -> BatchResult:
    """Parse a batch and run the row-level table checks on it (runs on any worker).

    Rows that fail a check move to the quarantine with the check's name as their code.
    Uniqueness and duplicates need the whole table and are settled by the build.
    ``parse_timeout`` limits the parse of each page (seconds; None: no limit), ``limits``
    its markup (the recipe's ``[limits]``). With ``corpus`` (the recipe's ``[corpus]``) the
    rows get their corpus fields and the result their corpus features.
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
        mark_defaults(rows, corpus)
        table = rows_to_table(rows)
        digests = [record_digest(row) for row in rows]
        failing, failed = failing_rows(table, settings)
        if failing:
            dropped = set(failing)
            table = without_rows(table, failing)
            digests = [d for i, d in enumerate(digests) if i not in dropped]
            rows = [row for i, row in enumerate(rows) if i not in dropped]
        result.table, result.digests = table, digests
        if corpus is not None and enabled(corpus) and rows:
            result.corpus = part_of(rows, corpus)
        result.quarantined.extend(failed)
    return result
