"""Page chrome around and inside an article's body, found by structure.

Two stages:

* :func:`prune_chrome` removes, before extraction, the elements whose class, id or ARIA
  role names them as chrome (share bars, newsletter boxes, related-story rails, comment
  sections, hover cards, author boxes, menus ...). An element that holds the article
  container, the headline or several long paragraphs is never removed.
* :func:`menu_evidence` tells when an extracted body is a menu rather than prose: most of
  its text is link texts of the page, in many short blocks.

The block-level rules (headline and standfirst repeated at the top, one-line prompts,
teaser lists) are in :mod:`broadsheet.parsers.htmlclean`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from lxml.etree import Element, XPath
from lxml.html import HtmlElement

from broadsheet.parsers.htmlrelated import key
from broadsheet.records.model import Block

# Words that name chrome in class and id values: matched as whole words of a class such as
# "article-share-bar", "relatedPosts" or "c-newsletter__box" (not inside "commentary").
_HINT_WORDS = (
    "share", "sharing", "sharedaddy", "social", "related", "newsletter", "newsletters",
    "subscribe", "subscription", "signup", "sign-up", "promo", "promos", "comment",
    "comments", "poll", "polls", "hovercard", "hover-card", "tooltip", "popover",
    "author-bio", "authorbio", "author-box", "about-author", "recommended",
    "recommendations", "outbrain", "taboola", "advert", "advertisement", "cookie", "consent",
    "breadcrumb", "breadcrumbs", "nav", "navbar", "navigation", "menu", "megamenu", "tags",
    "trending", "most-popular", "more-stories", "read-next", "cta",
)  # fmt: skip


def _trie(words: Iterable[str]) -> str:
    """A regular expression matching exactly ``words``, as a tree of shared prefixes.

    Python's ``re`` tries the branches of a flat alternation one by one at every position
    of the text; with the branches grouped by their first letters it tries a few, about
    three times as fast on class and id values (most of them are seen once).
    """
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here

    def pattern(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + pattern(node[char]) for char in sorted(node) if char]
        if not branches:
            return ""
        group = "|".join(branches)
        if "" in node:  # a word ends here, and longer ones go on
            return f"(?:{group})?"
        return group if len(branches) == 1 else f"(?:{group})"

    return pattern(tree)


_CAPITALISED = [w[0].upper() + w[1:] for w in _HINT_WORDS]
_CHROME_HINT = re.compile(rf"(?:(?<![A-Za-z]){_trie(_HINT_WORDS)}|{_trie(_CAPITALISED)})(?![a-z])")
_CHROME_ROLES = frozenset(
    {"navigation", "menu", "menubar", "complementary", "banner", "contentinfo", "search",
     "dialog", "alertdialog", "tooltip"}
)  # fmt: skip
# Headings are never chrome by class alone ("navigation-heading" marks a section title).
_KEEP_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_HINTED = XPath("//body//*[@class or @id or @role]")
_PROTECT = XPath(
    "//*[self::h1 or self::article or self::main or @itemprop='articleBody' or @role='main']"
)
# An element with this many paragraphs of this many words is content, whatever its class;
# so is one of more than _SMALL_CHARS characters of which links print under _LINK_SHARE.
_LONG_PARAGRAPHS = 3
_LONG_WORDS = 25
_SMALL_CHARS = 400
_LINK_SHARE = 0.5
_WRAPPER_SHARE = 0.5


@lru_cache(maxsize=8192)
def _names_chrome(hints: str) -> bool:
    """Whether a class or id value names chrome (pages repeat the same values many times).

    (No hint word holds a space, so a class and an id name chrome together exactly when
    one of them does.)"""
    return bool(_CHROME_HINT.search(hints))


def _is_hinted(el: HtmlElement) -> bool:
    role = el.get("role")
    if role and role.strip().lower() in _CHROME_ROLES:
        return True
    names, ident = el.get("class"), el.get("id")
    return bool(names and _names_chrome(names)) or bool(ident and _names_chrome(ident))


def _chars(el: HtmlElement) -> int:
    """Characters of the element's text, each run of whitespace counted as one."""
    return len(" ".join(el.text_content().split()))


def _is_chrome_sized(el: HtmlElement, page_chars: int) -> bool:
    """Whether a hinted element is small, or mostly links, and holds no run of prose.

    A share bar, newsletter box or hover card is small; a menu or a related-story rail is
    mostly link text. A large element of plain text is content whatever its class says,
    and so is a wrapper of most of the page.
    """
    chars = _chars(el)
    if chars > _WRAPPER_SHARE * page_chars:
        return False
    if chars > _SMALL_CHARS:
        links = sum(_chars(a) for a in el.iter("a"))
        if links < _LINK_SHARE * chars:
            return False
    long = 0
    for p in el.iter("p"):
        if len(p.text_content().split()) >= _LONG_WORDS:
            long += 1
            if long >= _LONG_PARAGRAPHS:
                return False
    return True


def whole_page(tree: HtmlElement) -> bool:
    """Whether ``tree`` is the root of its document with nothing beside it, so that walking
    it meets every element that a search of the document (``//*``) finds."""
    return (
        tree.getparent() is None
        and next(tree.itersiblings(), None) is None
        and next(tree.itersiblings(preceding=True), None) is None
    )


def _inside_body(tree: HtmlElement) -> Iterable[HtmlElement]:
    """The elements that :data:`_HINTED` picks from, in page order: for a whole page with one
    ``<body>``, the elements inside it, walked rather than searched (twice as fast)."""
    bodies = list(tree.iter("body"))
    if len(bodies) == 1 and whole_page(tree):
        walk: Iterable[HtmlElement] = bodies[0].iterdescendants(Element)
        return walk
    found: list[HtmlElement] = _HINTED(tree)
    return found


def prune_chrome(tree: HtmlElement, containers: Iterable[HtmlElement] | None = None) -> int:
    """Remove chrome elements named by their class, id or role; the number removed.

    The text after a removed element (its tail) stays. Elements that contain the headline
    or an article container (``<article>``, ``<main>``, ``itemprop=articleBody``,
    ``role=main``) are kept, and so are large elements that are not mostly links,
    elements holding several long paragraphs and elements holding most of the page's text.
    ``containers`` are the page's article containers when they are known already (they
    are looked up otherwise).
    """
    marks = _PROTECT(tree) if containers is None else [*containers, *tree.iter("h1")]
    protected: set[HtmlElement] = set()
    for mark in marks:
        protected.add(mark)
        protected.update(mark.iterancestors())
    page_chars = -1  # counted when a first element needs it
    removed: list[HtmlElement] = []
    # The walk is in page order and never removes an element inside a removed one, so an
    # element can only be inside the last one removed, and once the walk has left that
    # one nothing after it is: a few short climbs instead of one to the root per element.
    last: HtmlElement | None = None
    for el in _inside_body(tree):
        if not isinstance(el, HtmlElement):
            continue
        if not _is_hinted(el) or el.tag in _KEEP_TAGS or el in protected:
            continue
        if last is not None:
            if any(a is last for a in el.iterancestors()):
                continue
            last = None
        if page_chars < 0:
            body = tree.find("body")
            page_chars = _chars(body) if body is not None else 0
        if not _is_chrome_sized(el, page_chars):
            continue
        removed.append(el)
        last = el
    for el in removed:
        el.drop_tree()
    return len(removed)


def anchor_texts(tree: HtmlElement) -> frozenset[str]:
    """The keys (see :func:`~broadsheet.parsers.htmlrelated.key`) of the page's link texts.

    Links to a place in a page (``href`` with a ``#``, a table of contents) are left out.
    """
    return frozenset(
        k
        for a in tree.iter("a")
        if "#" not in (a.get("href") or "") and (k := key(a.text_content()))
    )


def is_link_text(block: Block, anchors: frozenset[str]) -> bool:
    """Whether the whole block is the text of one link of the page."""
    return key(block.text) in anchors


# A body is a menu when at least this many blocks are mostly short link texts.
_MENU_MIN_BLOCKS = 6
_MENU_LINK_SHARE = 0.5
_MENU_SHORT_SHARE = 0.6
_MENU_SHORT_WORDS = 5


def menu_evidence(blocks: Sequence[Block], anchors: frozenset[str]) -> str | None:
    """Why ``blocks`` look like a navigation menu rather than an article, or None.

    A menu is many blocks, most of its text is link texts of the page, and most blocks
    are a few words long.
    """
    if len(blocks) < _MENU_MIN_BLOCKS:
        return None
    chars = text_chars(blocks)
    link_chars = sum(len(b.text) for b in blocks if is_link_text(b, anchors))
    short = sum(1 for b in blocks if len(b.text.split()) <= _MENU_SHORT_WORDS)
    if link_chars < _MENU_LINK_SHARE * chars or short < _MENU_SHORT_SHARE * len(blocks):
        return None
    return (
        f"{link_chars / chars:.0%} of its {chars} characters are link texts and "
        f"{short} of its {len(blocks)} blocks have {_MENU_SHORT_WORDS} words or fewer"
    )


def text_chars(blocks: Iterable[Block]) -> int:
    """Characters of text in ``blocks``."""
    return sum(len(b.text) for b in blocks)
