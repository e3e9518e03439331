"""One page to its outcome: a validated record or a quarantine entry, never an exception.

Kept apart from :mod:`broadsheet.build.pipeline` (batches, Arrow tables, the table
checks) so that ``broadsheet parse`` imports only what parsing a page needs.
"""

from __future__ import annotations

from broadsheet.build.timelimit import TimeLimitExceeded, time_limit
from broadsheet.errors import BroadsheetError
from broadsheet.parsers import parse_page
from broadsheet.records.model import Article
from broadsheet.records.quarantine import Quarantined
from broadsheet.sources.items import BatchItem, Page, Skipped, SourceFailure
from broadsheet.sources.limits import DEFAULT_LIMITS, Limits
from broadsheet.sources.refs import read_item

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
    item: BatchItem, timeout: float | None = None, limits: Limits = DEFAULT_LIMITS
) -> Article | Quarantined | Skipped:
    """A source item to its outcome (source failures become quarantine entries); a page
    listed but not read yet (a :class:`PageRef` or :class:`RecordRef`) is read here first."""
    item = read_item(item, limits)
    if isinstance(item, Page):
        return process_page(item, timeout, limits)
    if isinstance(item, SourceFailure):
        return Quarantined(item.source_file, item.source_sha256, item.code, item.message, "source")
    return item
