"""Placeholder: the Al Mayadeen English text-rendering parser."""

from __future__ import annotations

from broadsheet.errors import PageError
from broadsheet.parsers.base import Document, Parser
from broadsheet.records import Article


class AlMayadeenText(Parser):
    name = "almayadeen_text"
    version = "0.1"

    def claims(self, doc: Document) -> bool:
        return not doc.is_html and "Al Mayadeen English" in doc.text[:200]

    def parse(self, doc: Document) -> Article:
        raise PageError("not_article", "not implemented")


PARSER = AlMayadeenText()
