"""What a parser is: a name, a version, a claim on a page, and a parse into an Article."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from broadsheet.records.model import Article
from broadsheet.sources.items import Page
from broadsheet.sources.limits import DEFAULT_LIMITS, Limits


@dataclass(frozen=True, slots=True)
class Document:
    """A page decoded once: the raw page, its text, whether that text is HTML, and the
    limits its parse must keep (the recipe's ``[limits]``)."""

    page: Page
    text: str
    is_html: bool
    limits: Limits = DEFAULT_LIMITS


class Parser(ABC):
    """One site and format. Subclasses set ``name`` and ``version`` and implement two methods."""

    name: ClassVar[str]
    version: ClassVar[str]

    @property
    def ident(self) -> str:
        """``name@version``, recorded in every record's ``parser`` field."""
        return f"{self.name}@{self.version}"

    @abstractmethod
    def claims(self, doc: Document) -> bool:
        """Whether this parser is the one for ``doc`` (cheap: host, signature lines)."""

    @abstractmethod
    def parse(self, doc: Document) -> Article:
        """The record, or a :class:`broadsheet.errors.PageError` with a reason code."""
