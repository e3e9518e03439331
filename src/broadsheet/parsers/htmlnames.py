"""Who made an HTML page: its authors (structured data first, then the printed byline)
and its publisher.

Sources, the first that yields a name wins:

1. JSON-LD ``author`` of the article (Person or Organization names, strings, lists,
   @id references);
2. ``<meta name=author>`` and its kin (``article:author``, ``parsely-author``, ...);
3. ``itemprop=author`` and ``rel=author`` elements;
4. a printed byline near the headline: a short text starting "By" ("By Ann Lee and Bo
   Kim", "Written by ..."), from 500 characters of text before the ``<h1>`` to 2,500 after;
5. a short element whose class names an author or byline ("author-name", "byline"),
   outside sidebars, teasers, comments and the footer.

Bylines are cleaned and split by :func:`broadsheet.parsers.names.split_names`; names read
from the page's text (4 and 5) must be capitalised as names are, and a text that reads as
prose ("By clicking to watch ...") is no byline. A name equal to the site's name
(``og:site_name``, JSON-LD publisher, host) is not an author unless the page prints it as
its byline ("By Euronews with Agencies" on euronews.com) or it reads as a person's name (a
site named after its author): a site that names itself as the author in its metadata
states that no person signed the piece.

The publisher is the JSON-LD publisher's name, ``og:site_name``, ``application-name`` or
``twitter:site`` (a tagline after a separator dropped), else the host; never a person (a
JSON-LD publisher of @type Person, or a name equal to one of the authors).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from lxml.etree import XPath
from lxml.html import HtmlElement

from broadsheet.parsers.jsonld import JsonLd, ld_text, ld_types, person_name
from broadsheet.parsers.names import (
    byline_names,
    dedupe,
    host_name,
    is_name,
    is_personal,
    is_prose,
    key,
    looks_like_name,
    norm,
    split_names,
)

AUTHOR_META_KEYS = (
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "cxenseparse:author",
    "dc.creator",
    "byl",
)
#: a printed byline: 'By ...', 'BY ...', 'Written by ...'; a lone 'by' before a name link
_BY_LEAD = re.compile(
    r"^(?:By|BY)\b|^(?:[Ww]ritten|[Ww]ords|[Rr]eporting|[Ss]tory|[Tt]ext|[Pp]osted)\s+by\b"
    r"|^by$|^by\s+(?=[A-Z])"
)
_AUTHOR_CLASS = re.compile(r"author(?!i[sz]|ity)|byline|writer|contributor", re.I)
_NOT_AUTHOR_CLASS = re.compile(
    r"comment|avatar|image|img|photo|picture|bio|desc|about|social|share|follow|more|related"
    r"|list|popup|modal|label",
    re.I,
)
_SKIP_TAGS = frozenset({"script", "style", "title", "noscript", "template", "head", "option"})
_MAX_BYLINE_CHARS = 100
_MAX_ELEMENTS = 40
_MAX_NODES_BEFORE = 40
_MAX_NODES_AFTER = 400
#: elements whose class or id may name an author (narrowed by _AUTHOR_CLASS after)
_AUTHOR_ELEMENTS = XPath(
    "//body//*[@class][contains(@class, 'uthor') or contains(@class, 'yline') or "
    "contains(@class, 'riter') or contains(@class, 'ontributor')]"
)
_MARKED_AUTHORS = XPath("//*[@itemprop='author' or @rel='author']")
#: text nodes before a headline (nearest last), from it on, and from the start of a body
_TEXTS_BEFORE = XPath(f"preceding::text()[position() <= {_MAX_NODES_BEFORE}]")
_TEXTS_FROM = XPath(f"descendant::text() | following::text()[position() <= {_MAX_NODES_AFTER}]")
_FIRST_TEXTS = XPath(f"descendant::text()[position() <= {_MAX_NODES_AFTER}]")
_SEPARATOR = re.compile(r"\s+(?:\||-|–|—|::|·|•|»|/)\s+")
_MAX_SITE_WORDS = 6
_ASIDE_TAGS = frozenset({"aside", "nav", "footer"})
_ASIDE_CLASS = re.compile(
    r"related|teaser|recommend|sidebar|popular|comment|newsletter|footer|trending|more-stor",
    re.I,
)
#: a byline is read from this many characters of text before the headline to this many after
_WINDOW_BEFORE = 500
_WINDOW_AFTER = 2500


def read_authors(
    tree: HtmlElement,
    ld: JsonLd,
    metas: dict[str, list[str]],
    sites: set[str],
    title: str | None = None,
) -> list[str]:
    """The page's authors, in the order it gives them, site names dropped (see module)."""
    page = _Bylines(tree, title)
    organisations = {key(name) for name in ld.names("author", kind="organization")}
    sources: list[Callable[[], list[str]]] = [
        lambda: ld.names("author"),
        lambda: _meta_authors(metas),
        lambda: _marked_authors(tree),
        page.printed,
        page.elements,
    ]
    for source in sources:
        names = [n for n in dedupe(source()) if not _self_named(n, sites, page, organisations)]
        if names:
            return names
    return []


def _self_named(name: str, sites: set[str], page: _Bylines, organisations: set[str]) -> bool:
    """A site's name given as the author, not printed as the byline nor a person's name
    (a site named after its author: 'Polly Barks' on pollybarks.com)."""
    if key(name) not in sites:
        return False
    if is_personal(name) and key(name) not in organisations:
        return False
    return key(name) not in {key(n) for n in page.printed() + page.elements()}


def _meta_authors(metas: dict[str, list[str]]) -> list[str]:
    for meta_key in AUTHOR_META_KEYS:
        values = [v for v in metas.get(meta_key, ()) if is_name(v)]
        found = [name for value in values for name in split_names(value)]
        if found:
            return found
    return []


def _marked_authors(tree: HtmlElement) -> list[str]:
    """Names of itemprop=author and rel=author elements."""
    found: list[str] = []
    for el in _MARKED_AUTHORS(tree)[:5]:
        if el.tag in _SKIP_TAGS:
            continue
        named = el.xpath(".//*[@itemprop='name']")
        node = named[0] if named else el
        text = norm(str(node.get("content") or node.text_content()))
        if text and len(text) <= _MAX_BYLINE_CHARS and is_name(text):
            found.extend(split_names(text))
    return found


def _strict_names(text: str) -> list[str]:
    """Names of a byline read from the page's text; none when the text reads as prose
    ('The Russian and Syrian defense ministries')."""
    names = split_names(_undoubled(text))
    if any(is_prose(n) for n in names):
        return []
    return [n for n in names if looks_like_name(n, strict=True)]


def _undoubled(text: str) -> str:
    """'Ann LeeAnn Lee' (a name printed twice, for screen readers and eyes) -> 'Ann Lee'."""
    half = len(text) // 2
    return text[:half] if len(text) % 2 == 0 and text[:half] == text[half:] else text


class _Bylines:
    """The bylines a page prints, read once when first asked for.

    A "By" line counts only from a little before the headline to a stretch after it: one
    further down belongs to a teaser of another article, a comment or the footer. An
    element classed as an author or byline counts anywhere outside sidebars, teasers,
    comments and the footer (author boxes often close the article).
    """

    def __init__(self, tree: HtmlElement, title: str | None) -> None:
        self.tree = tree
        self.title = title
        self._printed: list[str] | None = None
        self._elements: list[str] | None = None

    def printed(self) -> list[str]:
        """Names of the first short 'By A and B' line near the headline."""
        if self._printed is None:
            self._printed = next(
                (names for text in self._by_texts() if (names := _strict_names(text))), []
            )
        return self._printed

    def _by_texts(self) -> Iterator[str]:
        for holder, own in _texts_near_headline(self.tree, self.title):
            if not _BY_LEAD.match(own):
                continue
            text = own
            while not byline_names(text) and holder is not None:  # 'By' alone: its line
                text = norm(holder.text_content())
                holder = holder.getparent()
                if len(text) > _MAX_BYLINE_CHARS:
                    break
            if text and len(text) <= _MAX_BYLINE_CHARS:
                yield text

    def elements(self) -> list[str]:
        """Names in the first short element whose class or id names an author or a byline,
        outside sidebars, teasers, comments and the footer."""
        if self._elements is None:
            self._elements = []
            for el in _AUTHOR_ELEMENTS(self.tree)[:_MAX_ELEMENTS]:
                marks = el.get("class") or ""
                if el.tag in _SKIP_TAGS or not _AUTHOR_CLASS.search(marks):
                    continue
                if _NOT_AUTHOR_CLASS.search(marks):
                    continue
                text = norm(el.text_content())
                if text and len(text) <= _MAX_BYLINE_CHARS and not _aside(el):
                    self._elements = _strict_names(text)
                    if self._elements:
                        break
        return self._elements


def _aside(el: HtmlElement) -> bool:
    """Whether an element sits in a sidebar, a teaser list, comments or the footer."""
    for parent in el.iterancestors():
        if parent.tag in ("article", "main"):
            return False  # inside the article: what wraps it does not matter
        if parent.tag in _ASIDE_TAGS:
            return True
        if _ASIDE_CLASS.search(f"{parent.get('class') or ''} {parent.get('id') or ''}"):
            return True
    return False


def _texts_near_headline(tree: HtmlElement, title: str | None) -> Iterator[tuple[HtmlElement, str]]:
    """(element holding it, text) of the body's text nodes from a little before the
    headline (the <h1> holding the title, else the first <h1>) to a stretch after it; from
    the start of the body when there is no <h1>."""
    body = tree.find("body")
    if body is None:
        return
    headline = _headline(body, title)
    if headline is None:
        before, after = [], _FIRST_TEXTS(body)
    else:
        before, after = _TEXTS_BEFORE(headline), _TEXTS_FROM(headline)
    kept: list[Any] = []
    length = 0
    for node in reversed(before):
        length += len(node)
        if length > _WINDOW_BEFORE:
            break
        kept.append(node)
    kept.reverse()
    length = 0
    for node in after:
        kept.append(node)
        length += len(node)
        if length > _WINDOW_AFTER:
            break
    for node in kept:
        holder = node.getparent()
        if holder is not None and node.is_tail:
            holder = holder.getparent()
        text = norm(str(node))
        if holder is not None and text and holder.tag not in _SKIP_TAGS:
            yield holder, text


def _headline(body: HtmlElement, title: str | None) -> HtmlElement | None:
    headings = list(body.iter("h1"))
    title_key = key(title)
    for heading in headings:
        if key(heading.text_content()) == title_key:
            return heading
    return headings[0] if headings else None


def read_publisher(
    ld: JsonLd, metas: dict[str, list[str]], page_url: str | None, authors: list[str]
) -> str | None:
    """The site's name: the JSON-LD publisher, ``og:site_name``, ``application-name``,
    ``twitter:site``, else the host; never a person (a JSON-LD publisher of @type Person,
    or a name equal to one of the authors)."""
    publisher = ld.resolve(ld.get("publisher"))
    if isinstance(publisher, list):
        publisher = next((ld.resolve(p) for p in publisher if isinstance(p, dict | str)), None)
    ld_name = None
    if isinstance(publisher, dict) and "person" not in ld_types(publisher):
        ld_name = person_name(publisher)
    elif isinstance(publisher, str):
        ld_name = publisher
    candidates = [
        ld_name,
        *metas.get("og:site_name", ()),
        *metas.get("application-name", ()),
        *(v.removeprefix("@") for v in metas.get("twitter:site", ())),
    ]
    author_keys = {key(a) for a in authors}
    for candidate in candidates:
        name = _site_name(candidate)
        if name and key(name) not in author_keys:
            return name
    return host_name(page_url) or None


def _site_name(value: str | None) -> str | None:
    """A stated site name, its tagline dropped: 'Pastore - A leader in law' -> 'Pastore'."""
    name = ld_text(value) if value else ""
    if not key(name):
        return None
    name = _SEPARATOR.split(name)[0]
    return name if len(name.split()) <= _MAX_SITE_WORDS else None
