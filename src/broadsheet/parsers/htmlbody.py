"""Body blocks of an HTML article: trafilatura's main-content extraction mapped to Blocks.

Chrome named by class, id or role is pruned from the page first
(:func:`~broadsheet.parsers.htmlchrome.prune_chrome`). trafilatura's fast extraction, through
its public ``bare_extraction``, is the first candidate. When it is short against the page's
article container, other candidates are tried in turn (the article container's own
paragraphs, then, for a page that declares an article, trafilatura's full cascade with its
fallback extractors) and the first that holds clearly more text and is not a menu is kept.
When it reads like a navigation menu, those and trafilatura's precision, recall and
baseline extractions are tried, and the first that is not a menu is kept; a page whose
every candidate is a menu is refused as ``boilerplate_body``.

trafilatura returns its own XML tree (``p``, ``head``, ``list``/``item``, ``quote``,
``table``/``row``/``cell``, ``code``) and its fallback extractors return HTML; both become
:class:`~broadsheet.records.model.Block` objects. The block-level rules are in
:mod:`broadsheet.parsers.htmlclean`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from lxml.etree import Element, XPath, _Element
from lxml.html import HtmlElement
from trafilatura import bare_extraction, baseline
from trafilatura.settings import Extractor

from broadsheet.errors import PageError
from broadsheet.parsers.htmlchrome import (
    anchor_texts,
    menu_evidence,
    prune_chrome,
    text_chars,
    whole_page,
)
from broadsheet.parsers.htmlclean import clean_blocks
from broadsheet.parsers.htmlgaps import fill_gaps
from broadsheet.parsers.htmlmeta import absolute_url
from broadsheet.parsers.htmlrelated import find_related
from broadsheet.parsers.names import norm
from broadsheet.records.model import Block, Related

__all__ = [
    "Landmarks",
    "clean_blocks",
    "extract_blocks",
    "extract_body",
    "figure_images",
    "find_related",
    "landmarks",
]


def _options(*, fast: bool, precision: bool = False, recall: bool = False) -> Extractor:
    # Only the extracted tree (``.body``) is read: the "python" format would also print it
    # as text, a walk of the whole tree per extraction; "txt" leaves that to ``extract``.
    return Extractor(
        output_format="txt",
        comments=False,
        tables=True,
        fast=fast,
        precision=precision,
        recall=recall,
    )


_FAST = _options(fast=True)
_FULL = _options(fast=False)
_PRECISION = _options(fast=True, precision=True)
_RECALL = _options(fast=True, recall=True)

_HEADINGS = frozenset({"head", "h1", "h2", "h3", "h4", "h5", "h6"})
_QUOTES = frozenset({"quote", "blockquote"})
_LISTS = frozenset({"list", "ul", "ol", "dl"})
_ITEMS = frozenset({"item", "li", "dd", "dt"})
_ROWS = ("row", "tr")
_CELLS = frozenset({"cell", "td", "th"})
_BLOCK_TAGS = frozenset(
    {"p", "div", "section", "article", "main", "table", "row", "cell", "tr", "td", "th",
     "code", "pre", "figure", "header", "footer", "aside", "body", "center", "details",
     "summary", "form", "fieldset", "hr", "br", "lb"}
) | _HEADINGS | _QUOTES | _LISTS | _ITEMS  # fmt: skip
_CONTAINERS = frozenset({"div", "section", "article", "main", "body", "center", "details"})


def _text(el: _Element) -> str:
    """The element's text; block elements nested in it are kept apart by a space."""
    for inner in el.iterdescendants(*_BLOCK_TAGS):
        inner.text = " " + (inner.text or "")
        inner.tail = " " + (inner.tail or "")
    return norm("".join(el.itertext()))


def _has_blocks(el: _Element) -> bool:
    return any(isinstance(c.tag, str) and c.tag in _BLOCK_TAGS - {"br", "lb"} for c in el)


def _blocks_of(el: _Element) -> Iterator[Block]:
    """The blocks of one element of trafilatura's XML or of an HTML fragment, then its tail."""
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in _LISTS:
        for child in el:
            if child.tag in _ITEMS:
                nested = [c for c in child if c.tag in _LISTS]
                for sub in nested:
                    child.remove(sub)
                text = _text(child)
                if text:
                    yield Block(kind="list_item", text=text)
                for sub in nested:
                    yield from _blocks_of(sub)
            else:
                yield from _blocks_of(child)
    elif tag == "table":
        for row in el.iter(*_ROWS):
            cells = [_text(cell) for cell in row if cell.tag in _CELLS]
            text = " | ".join(c for c in cells if c)
            if text:
                yield Block(kind="paragraph", text=text)
    elif tag in _CONTAINERS and _has_blocks(el):
        yield from _children(el)
    elif tag not in ("br", "lb", "hr"):
        text = _text(el)
        if text:
            kind: Any = "heading" if tag in _HEADINGS else "quote" if tag in _QUOTES else None
            yield Block(kind=kind or "paragraph", text=text)
    tail = norm(el.tail)
    if tail:
        yield Block(kind="paragraph", text=tail)


def _children(el: _Element) -> Iterator[Block]:
    """The blocks of a container: its loose text, then each child's blocks."""
    loose = norm(el.text)
    if loose:
        yield Block(kind="paragraph", text=loose)
    for child in el:
        yield from _blocks_of(child)


def body_blocks(body: _Element | None) -> list[Block]:
    """Blocks of an extracted body (trafilatura XML or HTML) in reading order."""
    if body is None:
        return []
    for br in body.iter("lb", "br"):
        br.tail = " " + (br.tail or "")
    return list(_children(body))


def _extract(tree: HtmlElement, options: Extractor) -> _Element | None:
    """trafilatura's main content of a copy of ``tree`` (None when it finds none)."""
    try:
        document = bare_extraction(tree, options=options)
    except (TypeError, ValueError):
        return None
    return getattr(document, "body", None)


def _main_content(tree: HtmlElement) -> _Element | None:
    """trafilatura's fast extraction: the first candidate."""
    return _extract(tree, _FAST)


def _baseline(tree: HtmlElement) -> _Element | None:
    body, _, _ = baseline(tree)
    return body


# When the first extraction holds under this share of the article container's text, other
# candidates are tried; one replaces it only when it holds this many times more text.
_SHORT_SHARE = 0.4
_GAIN = 2.0
# With no article container the page's text is the reference: it holds the menus, footers
# and teasers too, so the share is smaller.
_PAGE_SHARE = 0.15
_MIN_CHARS = 200
# trafilatura's full cascade (its fallback extractors) is tried on a short extraction of an
# article only under this many characters: on the benchmark pages it never added to a
# longer one, and it costs a second extraction.
_FULL_MAX_CHARS = 1500


def _is_short(chars: int, tree: HtmlElement, scope: HtmlElement | None) -> bool:
    """Whether an extraction of ``chars`` characters is short against the page's article."""
    if scope is not None:
        return chars < _SHORT_SHARE * len(norm(scope.text_content()))
    body = tree.find("body")
    page_chars = len(norm(body.text_content())) if body is not None else 0
    return chars < max(_MIN_CHARS, _PAGE_SHARE * page_chars)


def extract_body(
    tree: HtmlElement,
    marks: Landmarks,
    *,
    article: bool,
    title: str | None,
    description: str | None,
    related: list[Related],
) -> tuple[list[Block], bool]:
    """:func:`extract_blocks` then :func:`clean_blocks`, the page's link texts read once.

    Returns the kept blocks and whether a standfirst was dropped.
    """
    blocks, anchors = _extract_blocks(tree, marks, article=article)
    return clean_blocks(
        blocks, tree, title=title, description=description, related=related, anchors=anchors
    )


def extract_blocks(
    tree: HtmlElement, marks: Landmarks | None = None, *, article: bool = True
) -> list[Block]:
    """The main content as blocks in reading order (empty when nothing is found).

    ``article`` says whether the page declares an article: only then is a short extraction
    under ``_FULL_MAX_CHARS`` replaced by trafilatura's full cascade (on a listing, forum
    or home page that would fill the body with teasers). ``tree`` loses its chrome
    elements (see :func:`prune_chrome`): read anything else from it first. Raises
    ``PageError("boilerplate_body")`` when the extraction reads like a navigation menu and
    no other candidate gives text that does not.
    """
    return _extract_blocks(tree, marks or landmarks(tree), article=article)[0]


def _extract_blocks(
    tree: HtmlElement, marks: Landmarks, *, article: bool
) -> tuple[list[Block], frozenset[str]]:
    """:func:`extract_blocks`, and the link texts of the page once its chrome is pruned."""
    prune_chrome(tree, _containers(marks))
    anchors = anchor_texts(tree)
    first = fill_gaps(tree, body_blocks(_main_content(tree)))
    menu = menu_evidence(first, anchors)
    scope = _article_scope(marks)
    chars = text_chars(first)
    if menu is None and not _is_short(chars, tree, scope):
        return first, anchors
    full = article and chars < _FULL_MAX_CHARS
    candidates: list[Callable[[], list[Block]]] = [
        lambda: _scope_blocks(scope) if scope is not None else [],
        lambda: body_blocks(_extract(tree, _FULL)) if menu or full else [],
    ]
    if menu is None:  # short: a candidate with clearly more text that is not a menu
        for make in candidates:
            blocks = make()
            if text_chars(blocks) > _GAIN * chars and not menu_evidence(blocks, anchors):
                return blocks, anchors
        return first, anchors
    candidates += [
        lambda: body_blocks(_extract(tree, _PRECISION)),
        lambda: body_blocks(_extract(tree, _RECALL)),
        lambda: body_blocks(_baseline(tree)),
    ]
    for make in candidates:  # a menu: the first candidate with text that is not one
        blocks = make()
        if text_chars(blocks) >= _MIN_CHARS and not menu_evidence(blocks, anchors):
            return blocks, anchors
    raise PageError(
        "boilerplate_body",
        f"the extracted body reads like a navigation menu ({menu}) and no other extraction "
        f"(article container, full, precision, recall, baseline) gave {_MIN_CHARS} "
        "characters of text that is not a menu",
    )


_SCOPE_SKIP = frozenset({"aside", "nav", "footer", "form", "figure", "header", "script", "style"})
_SCOPE_SKIP_CLASS = re.compile(
    r"comment|related|share|social|newsletter|promo|advert|subscribe|recommend|tags?\b|caption",
    re.I,
)
_SCOPE_KINDS: dict[str, Any] = {"p": "paragraph", "h2": "heading", "h3": "heading"}


_LANDMARKS = XPath(
    "//*[self::article or self::main or self::figure or @itemprop='articleBody' or @role='main']"
)


@dataclass(frozen=True, slots=True)
class Landmarks:
    """The page's article containers and figures, found in one pass over the tree."""

    article_body: list[HtmlElement]
    articles: list[HtmlElement]
    mains: list[HtmlElement]
    figures: list[HtmlElement]


def landmarks(tree: HtmlElement) -> Landmarks:
    """Elements with itemprop=articleBody, <article>, <main> (or role=main) and <figure>."""
    marks = Landmarks([], [], [], [])
    # a whole page is walked in Python: faster than libxml2's search with its predicates
    found = tree.iter(Element) if whole_page(tree) else _LANDMARKS(tree)
    for el in found:
        if el.get("itemprop") == "articleBody":
            marks.article_body.append(el)
        elif el.tag == "article":
            marks.articles.append(el)
        elif el.tag == "figure":
            marks.figures.append(el)
        elif el.tag == "main" or el.get("role") == "main":
            marks.mains.append(el)
    return marks


def _containers(marks: Landmarks) -> list[HtmlElement]:
    """The article containers among the landmarks (a ``<figure>`` only with role=main)."""
    figures = [f for f in marks.figures if f.get("role") == "main"]
    return [*marks.article_body, *marks.articles, *marks.mains, *figures]


def _article_scope(marks: Landmarks) -> HtmlElement | None:
    """The page's one articleBody or <article> element, if it has exactly one."""
    for found in (marks.article_body, marks.articles):
        if found:
            return found[0] if len(found) == 1 else None
    return None


def _skipped(el: HtmlElement, scope: HtmlElement) -> bool:
    node = el.getparent()
    while node is not None and node is not scope:
        if node.tag in _SCOPE_SKIP or _SCOPE_SKIP_CLASS.search(node.get("class") or ""):
            return True
        node = node.getparent()
    return False


def _scope_blocks(scope: HtmlElement) -> list[Block]:
    """Paragraphs and subheadings of the article element, page chrome inside it skipped."""
    blocks: list[Block] = []
    for el in scope.iter("p", "h2", "h3"):
        text = norm(el.text_content())
        if text and not _skipped(el, scope):
            inside_quote = any(a.tag == "blockquote" for a in el.iterancestors())
            kind = "quote" if inside_quote else _SCOPE_KINDS[el.tag]
            blocks.append(Block(kind=kind, text=text))
    return blocks


_LAZY_SRC = ("data-src", "data-lazy-src", "data-original", "data-url", "src")


def _img_src(img: HtmlElement) -> str | None:
    for attr in _LAZY_SRC:
        value = (img.get(attr) or "").strip()
        if value and not value.startswith("data:"):
            return value
    srcset = (img.get("srcset") or img.get("data-srcset") or "").strip()
    return srcset.split(",")[0].split()[0] if srcset else None


def figure_images(marks: Landmarks, base: str | None) -> list[tuple[str, str | None, str | None]]:
    """``<figure><img>`` of the article (its articleBody, <article> or <main>, else the page).

    Each image is (absolute URL, alt text, figcaption text).
    """
    scopes = marks.article_body or marks.articles or marks.mains
    scope = scopes[0] if scopes else None
    out: list[tuple[str, str | None, str | None]] = []
    for figure in marks.figures:
        if scope is not None and scope not in figure.iterancestors():
            continue
        img = next(figure.iter("img"), None)
        if img is None:
            continue
        url = absolute_url(base, _img_src(img))
        if not url:
            continue
        caption_el = next(figure.iter("figcaption"), None)
        caption = norm(caption_el.text_content()) if caption_el is not None else ""
        out.append((url, norm(img.get("alt")) or None, caption or None))
    return out
