"""A parser that takes its time, for the time limit tests (importable by worker processes).

It claims text pages whose first line is ``SLOW <seconds>`` (it sleeps) or ``SPIN <seconds>``
(it runs Python code for that long), then refuses them as ``not_article``: a page that ends
in time never becomes a ``parse_timeout`` entry.
"""

from __future__ import annotations

import time

from broadsheet.build.pipeline import BatchResult, process_batch
from broadsheet.errors import PageError
from broadsheet.parsers import REGISTRY
from broadsheet.parsers.base import Document, Parser
from broadsheet.recipe import CheckSettings
from broadsheet.records.model import Article
from broadsheet.sources.items import Page, SourceItem


class SlowParser(Parser):
    name = "slow_test"
    version = "1.0"

    def claims(self, doc: Document) -> bool:
        return doc.text.startswith(("SLOW ", "SPIN "))

    def parse(self, doc: Document) -> Article:
        kind, seconds = doc.text.split()[:2]
        end = time.monotonic() + float(seconds)
        if kind == "SLOW":
            time.sleep(float(seconds))
        else:
            while time.monotonic() < end:
                sum(range(1000))
        raise PageError(
            "not_article", f"{doc.page.source_file} took {seconds} s and is a test page"
        )


def register_slow_parser() -> None:
    """Put :class:`SlowParser` first in this process's registry (once)."""
    if not any(p.name == SlowParser.name for p in REGISTRY):
        REGISTRY.insert(0, SlowParser())


def slow_page(name: str, kind: str, seconds: float) -> Page:
    """A page the slow parser claims: ``kind`` is SLOW (sleeps) or SPIN (runs code)."""
    return Page(name, f"{kind} {seconds}\n\nA page for the time limit tests.\n".encode())


def batch_with_slow_parser(
    items: list[SourceItem], settings: CheckSettings, parse_timeout: float | None
) -> BatchResult:
    """:func:`process_batch` in a process whose registry has the slow parser."""
    register_slow_parser()
    return process_batch(items, settings, parse_timeout)
