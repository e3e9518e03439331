"""What a parser is: a name, a version, a claim on a page, and a parse into an Article."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from broadsheet.records.model import Article
from broadsheet.sources.items import Page
from broadsheet.sources.limits import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:
    from bs4 import BeautifulSoup


@dataclass(frozen=True, slots=True)
class Document:
    """A page decoded once: the raw page, its text, whether that text is HTML, and the
    limits its parse must keep (the recipe's ``[limits]``).

    :attr:`soup` is the page as a BeautifulSoup tree (``lxml`` tree builder), built the first
    time a parser asks for it: the built-in parsers read lxml trees and never pay for it.
    """

    page: Page
    text: str
    is_html: bool
    limits: Limits = DEFAULT_LIMITS
    _soup: list[BeautifulSoup] = field(default_factory=list, init=False, repr=False, compare=False)

    @property
    def soup(self) -> BeautifulSoup:
        """The text parsed by BeautifulSoup with lxml, once per document (CSS selectors:
        ``doc.soup.select("article h1")``). Check the page's size against ``limits``
        first if the parser reads untrusted pages of any size."""
        if not self._soup:
            from bs4 import BeautifulSoup

            self._soup.append(BeautifulSoup(self.text, "lxml"))
        return self._soup[0]


class Parser(ABC):
    """One site and format. Subclasses set ``name`` and ``version`` and implement two methods.

    ``generic`` marks a parser that takes any page of its format (asked after the site
    parsers); ``description`` says what it claims, for ``broadsheet parsers``.
    """

    name: ClassVar[str]
    version: ClassVar[str]
    generic: ClassVar[bool] = False
    description: ClassVar[str] = ""

    @property
    def ident(self) -> str:
        """``name@version``, recorded in every record's ``parser`` field."""
        return f"{self.name}@{self.version}"

    @property
    def summary(self) -> str:
        """What the parser claims: ``description``, else its class docstring's first line."""
        text = self.description or (type(self).__doc__ or "").strip()
        return text.splitlines()[0].strip() if text else ""

    @abstractmethod
    def claims(self, doc: Document) -> bool:
        """Whether this parser is the one for ``doc`` (cheap: host, signature lines)."""

    @abstractmethod
    def parse(self, doc: Document) -> Article:
        """The record, or a :class:`broadsheet.errors.PageError` with a reason code."""
