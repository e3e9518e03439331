"""Placeholder: the generic HTML news parser."""

from __future__ import annotations

from broadsheet.errors import PageError
from broadsheet.parsers.base import Document, Parser
from broadsheet.records import Article


class GenericHTML(Parser):
    name = "html_generic"
    version = "0.1"

    def claims(self, doc: Document) -> bool:
        return doc.is_html

    def parse(self, doc: Document) -> Article:
        raise PageError("not_article", "not implemented")


PARSER = GenericHTML()
