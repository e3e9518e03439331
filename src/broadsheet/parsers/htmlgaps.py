"""Subheadings and lists that an extraction of paragraphs alone left out of the text.

When trafilatura finds no article container it falls back to the page's loose paragraphs:
the text then has no subheading and no list, though the page prints them between those
very paragraphs. :func:`fill_gaps` finds the element that holds most of the extracted
paragraphs and puts back, at their place, the subheadings (``h2`` to ``h6``) and list
items it prints between the first and the last of them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from lxml.html import HtmlElement

from broadsheet.parsers.htmlrelated import key
from broadsheet.parsers.names import norm
from broadsheet.records.model import Block

_SUBHEADINGS = ("h2", "h3", "h4", "h5", "h6")
_LISTS = ("ul", "ol")
# The container holds at least this share of the matched paragraphs' text.
_CONTAINER_SHARE = 0.7
# Gaps are filled only in a text with at least this many paragraphs found in the page.
_MIN_MATCHED = 3
# Nothing inside these is put back: they are not the article's prose (a table's cells
# would come apart; a heading inside a link is another page's teaser).
_SKIP_TAGS = frozenset(
    {"nav", "aside", "footer", "header", "form", "figure", "button", "select", "table", "a"}
)
_BLOCKS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr", "td", "th",
     "section", "article", "blockquote", "pre", "figure", "h1", "h2", "h3", "h4", "h5", "h6"}
)  # fmt: skip
# A list item of more link text than this share of its text is a teaser or a menu entry.
_LINK_SHARE = 0.5
_SILENT = frozenset({"script", "style", "noscript", "template"})


def _hidden(el: HtmlElement) -> bool:
    style = (el.get("style") or "").replace(" ", "").lower()
    return (
        el.get("hidden") is not None
        or el.get("aria-hidden") == "true"
        or "display:none" in style
        or "visibility:hidden" in style
    )


def _excluded(el: HtmlElement, container: HtmlElement) -> bool:
    """Whether ``el`` is hidden or sits in chrome, a table or a script inside the container."""
    node: HtmlElement | None = el
    while node is not None and node is not container:
        if node.tag in _SKIP_TAGS or node.tag in _SILENT or _hidden(node):
            return True
        node = node.getparent()
    return False


def _text(el: HtmlElement, skip: frozenset[str] = frozenset()) -> str:
    """The printed text of ``el``: scripts, styles and ``skip`` children left out, block
    children kept apart by a space."""
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and child.tag not in _SILENT and child.tag not in skip:
            apart = " " if child.tag in _BLOCKS else ""
            parts.append(f"{apart}{_text(child)}{apart}")
        parts.append(child.tail or "")
    return norm("".join(parts))


def _matched_paragraphs(body: HtmlElement, blocks: Sequence[Block]) -> dict[HtmlElement, int]:
    """The page's ``<p>`` elements that print an extracted paragraph, with its index."""
    wanted: dict[str, int] = {}
    for index, block in enumerate(blocks):
        if block.kind == "paragraph":
            wanted.setdefault(key(block.text), index)
    found: dict[HtmlElement, int] = {}
    for p in body.iter("p"):
        index = wanted.pop(key(p.text_content()), -1)
        if index >= 0:
            found[p] = index
    return found


def _container(matched: dict[HtmlElement, int]) -> HtmlElement | None:
    """The deepest element holding at least ``_CONTAINER_SHARE`` of the matched text."""
    weight: dict[HtmlElement, int] = {}
    total = 0
    for p in matched:
        chars = len(p.text_content())
        total += chars
        for ancestor in p.iterancestors():
            weight[ancestor] = weight.get(ancestor, 0) + chars
    held = [el for el, chars in weight.items() if chars >= _CONTAINER_SHARE * total]
    if not held:
        return None
    return max(held, key=lambda el: sum(1 for _ in el.iterancestors()))


def _is_contents(lst: HtmlElement) -> bool:
    """A table of contents: every item is a link to a place in the page."""
    items = list(lst.iter("li"))
    links = [a for a in lst.iter("a") if (a.get("href") or "").startswith("#")]
    return bool(items) and len(links) >= len(items)


def _mostly_links(el: HtmlElement) -> bool:
    """Whether most of the text of ``el`` is link text (another page's teaser or a menu)."""
    chars = len(_text(el))
    return bool(chars) and sum(len(_text(a)) for a in el.iter("a")) > _LINK_SHARE * chars


def _items(lst: HtmlElement) -> Iterator[str]:
    """The texts of a list's items, a nested list's items after their parent's own text."""
    for li in lst.iterchildren("li"):
        text = _text(li, skip=frozenset(_LISTS))
        if text and not _mostly_links(li):
            yield text
        for sub in li.iterchildren(*_LISTS):
            yield from _items(sub)


def fill_gaps(tree: HtmlElement, blocks: list[Block]) -> list[Block]:
    """``blocks`` with the subheadings and list items they skipped put back in place.

    Only a text of paragraphs alone (no subheading, no list item) is filled, only with
    what the element holding most of its paragraphs prints between the first and the last
    of them, and only with what the text does not already hold. Tables of contents,
    hidden elements and what sits in a ``<nav>``, ``<aside>``, ``<footer>``, ``<header>``,
    ``<form>``, ``<figure>`` or ``<table>`` are left out.
    """
    if any(b.kind in ("heading", "list_item") for b in blocks):
        return blocks
    body = tree.find("body")
    if body is None:
        return blocks
    matched = _matched_paragraphs(body, blocks)
    if len(matched) < _MIN_MATCHED:
        return blocks
    container = _container(matched)
    if container is None:
        return blocks
    known = {key(b.text) for b in blocks}
    inserts: dict[int, list[Block]] = {}
    last = -1  # the index of the latest extracted paragraph passed in the page
    pending: list[Block] = []
    for el in container.iter("p", *_SUBHEADINGS, *_LISTS):
        if el in matched:
            if last >= 0 and pending:
                inserts.setdefault(last, []).extend(pending)
            pending = []
            last = max(last, matched[el])
        elif last < 0 or _excluded(el, container):
            continue
        elif el.tag in _LISTS:
            if _is_contents(el) or any(a.tag in _LISTS for a in el.iterancestors()):
                continue  # a nested list's items come with its parent's
            pending.extend(
                Block(kind="list_item", text=text) for text in _items(el) if key(text) not in known
            )
        elif el.tag in _SUBHEADINGS:
            text = _text(el)
            if text and key(text) not in known:
                pending.append(Block(kind="heading", text=text))
    if not inserts:
        return blocks
    out: list[Block] = []
    for index, block in enumerate(blocks):
        out.append(block)
        out.extend(inserts.get(index, []))
    return out
