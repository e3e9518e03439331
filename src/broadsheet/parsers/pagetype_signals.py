"""What a page's markup and URL say about its kind, read before the body is extracted.

:func:`read_dom` walks the parsed page once (trafilatura prunes the tree afterwards) and
counts the structures that set articles apart from other pages: text in paragraphs, text
in links, headings that link elsewhere, repeated cards, prices and shopping buttons,
forum posts, code and documentation navigation. :func:`read_url` splits the URL into the
path words that name a kind of page. Both are plain counts, cheap and explainable.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from broadsheet.records.model import count_words

_SKIP = frozenset({"script", "style"})
LONG_PARAGRAPH = 40  # words: a paragraph of prose, not a blurb or a caption
_CTA_WORDS = 6
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_PRICE = re.compile(r"[$€£¥₹]\s?\d|\d\s?[€£]")
_BUY = re.compile(
    r"^\s*(?:add to (?:cart|bag|basket|trolley)|buy (?:it )?now|add to wish ?list"
    r"|shop now|pre-?order)\b",
    re.I,
)


# calls to action of service and marketing pages
_CTA = re.compile(
    r"^\s*(?:get (?:a|an|your|my)? ?(?:free )?(?:quote|estimate|demo|started|consultation|in touch)"
    r"|contact(?: us| sales)?|book (?:now|online|a |an |your )|request (?:a |an )?\w+"
    r"|schedule (?:a |an |your )?\w+|enrol+ now|apply(?: now| today)?|call (?:us|now|today)"
    r"|talk to (?:us|sales|an? \w+)|start (?:free|your|now|today)|try (?:it |for )?free"
    r"|sign up(?: now| today| free)?|learn more|find out more|see pricing|view pricing)\b",
    re.I,
)
# class/id words of forum and Q&A posts, of forum chrome and of shop items, as whole words
# (no two of them are the same word, so each run of letters matches one kind at most)
_CLASS_WORDS = re.compile(
    r"(?<![a-z])(?:(?P<post>posts?|reply|replies|answers?|topic|thread|comment)"
    r"|(?P<forum>username|avatar|postcount|votes?|upvote|userinfo|postbit)"
    r"|(?P<product>products?|price|cart|sku|variant|swatch))(?![a-z])",
    re.I,
)
# the elements the walk counts (any other only gives its text, class, id and itemprop)
_COUNTED = _HEADINGS | {"p", "a", "article", "input", "select", "textarea", "button", "time", "pre"}


@dataclass(slots=True)
class DomSignals:
    """Counts read from the page's markup (see the module docstring)."""

    words: int = 0
    p_words: int = 0
    paragraphs: int = 0
    long_paragraphs: int = 0
    calls_to_action: int = 0
    phone_links: int = 0
    link_words: int = 0
    heading_links: int = 0
    articles: int = 0
    cards: int = 0
    prices: int = 0
    buy_buttons: int = 0
    inputs: int = 0
    times: int = 0
    code_blocks: int = 0
    post_classes: int = 0
    forum_classes: int = 0
    product_classes: int = 0
    itemprops: Counter[str] = field(default_factory=Counter)
    og_type: str | None = None


@lru_cache(maxsize=8192)
def _class_kinds(names: str) -> tuple[bool, bool, bool]:
    """Whether one class or id value names a post, forum chrome, a shop item (pages repeat
    the same values many times)."""
    if _CLASS_WORDS.search(names) is None:  # (most values: one scan, no match objects)
        return False, False, False
    kinds = {match.lastgroup for match in _CLASS_WORDS.finditer(names)}
    return "post" in kinds, "forum" in kinds, "product" in kinds


_CARD_PARENTS = ("div", "ul", "ol", "section", "main", "article")
_CURRENCIES = "$€£¥₹"


def _marked_up(starts: Iterable[HtmlElement], *, include_self: bool) -> set[HtmlElement]:
    """The given elements' ancestors (and themselves, with ``include_self``), each once."""
    marked: set[HtmlElement] = set()
    for el in starts:
        node = el if include_self else el.getparent()
        while node is not None and node not in marked:
            marked.add(node)
            node = node.getparent()
    return marked


def _card_groups(body: HtmlElement) -> int:
    """Size of the largest run of sibling elements built alike that each hold a link and a
    heading or picture: the cards of a listing, a shop grid or a teaser river.

    Which elements hold a link, and which a picture or subheading, is marked once from
    those elements upwards, so the page is walked a fixed number of times.
    """
    linked = _marked_up(body.iter("a"), include_self=True)
    if not linked:
        return 0
    pictured = _marked_up(body.iter("img", "h2", "h3", "h4"), include_self=False)
    best = 0
    for parent in body.iter(*_CARD_PARENTS):
        if parent not in linked or parent not in pictured:
            continue  # no child of it can hold both
        shapes: Counter[tuple[str, str]] = Counter()
        for child in parent:
            if not isinstance(child.tag, str) or child.tag in _SKIP:
                continue
            if child in linked and child in pictured:
                shapes[(child.tag, child.get("class") or "")] += 1
        if shapes:
            best = max(best, max(shapes.values()))
    return best


def _class_counts(out: DomSignals, values: list[str]) -> None:
    """Class and id values that name posts, forum chrome and shop items (one per value)."""
    posts = forums = products = 0
    for names, times in Counter(values).items():
        post, forum, product = _class_kinds(names)
        if post:
            posts += times
        if forum:
            forums += times
        if product:
            products += times
    out.post_classes += posts
    out.forum_classes += forums
    out.product_classes += products


def _count(out: DomSignals, el: HtmlElement, tag: str) -> None:
    """Add one of the :data:`_COUNTED` elements to the counts."""
    if tag == "p":
        count = count_words(el.text_content())
        out.p_words += count
        out.paragraphs += count > 0
        out.long_paragraphs += count >= LONG_PARAGRAPH
    elif tag == "a":
        link_text = el.text_content()
        count = count_words(link_text)
        out.link_words += count
        if count <= _CTA_WORDS:
            if _BUY.match(link_text):
                out.buy_buttons += 1
            elif _CTA.match(link_text):
                out.calls_to_action += 1
        if (el.get("href") or "").startswith("tel:"):
            out.phone_links += 1
    elif tag in _HEADINGS:
        parent = el.getparent()
        if tag != "h1" and (
            el.find(".//a") is not None or (parent is not None and parent.tag == "a")
        ):
            out.heading_links += 1
    elif tag == "article":
        out.articles += 1
    elif tag in ("input", "select", "textarea"):
        if (el.get("type") or "").lower() not in ("hidden", "submit", "button"):
            out.inputs += 1
    elif tag == "button":
        label = el.text_content() or ""
        if _BUY.match(label):
            out.buy_buttons += 1
        elif _CTA.match(label):
            out.calls_to_action += 1
    elif tag == "time":
        out.times += 1
    elif tag == "pre":
        out.code_blocks += 1


def read_dom(tree: HtmlElement) -> DomSignals:
    """Count the page's structures (one walk over the elements of ``<body>``)."""
    out = DomSignals()
    for meta in tree.iter("meta"):
        if (meta.get("property") or meta.get("name") or "").strip().lower() == "og:type":
            out.og_type = (meta.get("content") or "").strip().lower() or None
            break
    body = tree.find("body")
    if body is None:
        body = tree
    classes: list[str] = []
    texts: list[str] = []
    for el in body.iter():
        tag = el.tag
        if el.tail:
            texts.append(el.tail)
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if el.text:
            texts.append(el.text)
        if tag in _COUNTED:
            _count(out, el, tag)
        prop = el.get("itemprop")
        if prop:
            out.itemprops[prop.lower()] += 1
        names = el.get("class")
        if names:
            classes.append(names)
        ident = el.get("id")
        if ident:
            classes.append(ident)
    _class_counts(out, classes)
    text = " ".join(texts)
    out.words = count_words(text)
    # both price shapes hold a currency sign: a page without one is read no further
    if any(sign in text for sign in _CURRENCIES):
        out.prices = len(_PRICE.findall(text))
    out.cards = _card_groups(body)
    return out


@dataclass(frozen=True, slots=True)
class UrlSignals:
    """The URL's shape: path words, depth, a date in the path, the last segment's slug."""

    home: bool = False
    segments: tuple[str, ...] = ()
    words: frozenset[str] = frozenset()
    host_words: frozenset[str] = frozenset()
    dated: bool = False
    slug_words: int = 0
    query: bool = False


_DATE_PATH = re.compile(r"/(?:19|20)\d{2}/(?:0?[1-9]|1[0-2])(?:/|$)|/(?:19|20)\d{6}(?:/|$)")
_SPLIT = re.compile(r"[^a-z0-9]+")


def read_url(url: str | None) -> UrlSignals:
    """The URL's shape (an empty shape when there is no URL)."""
    if not url:
        return UrlSignals()
    try:
        parts = urlsplit(url)
    except ValueError:
        return UrlSignals()
    path = parts.path.lower()
    segments = tuple(s for s in path.split("/") if s)
    last = re.sub(r"\.(?:html?|php|aspx?|jsp)$", "", segments[-1]) if segments else ""
    slug = [w for w in _SPLIT.split(last) if w and not w.isdigit()]
    words = frozenset(w for s in segments for w in _SPLIT.split(s) if w)
    host = (parts.hostname or "").lower()
    return UrlSignals(
        home=not segments and not parts.query,
        segments=segments,
        words=words,
        host_words=frozenset(host.split(".")[:-1]),
        dated=bool(_DATE_PATH.search(path)),
        slug_words=len(slug) if ("-" in last or "_" in last) else (1 if slug else 0),
        query=bool(parts.query),
    )
