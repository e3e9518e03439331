"""Body blocks of an HTML article: trafilatura's main-content extraction mapped to Blocks.

trafilatura returns its own XML tree (``p``, ``head``, ``list``/``item``, ``quote``,
``table``/``row``/``cell``, ``code``); each top-level element becomes one or more
:class:`~broadsheet.records.Block`. A few general rules then drop what is not the
article's prose: the headline and standfirst repeated at the top, one-line page chrome
(share, comment and newsletter prompts) and the teaser lists that follow a
"You may also like" style heading near the end.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml.etree import XPath, _Element
from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura.settings import Extractor

from broadsheet.parsers.htmlmeta import absolute_url
from broadsheet.parsers.names import norm
from broadsheet.records import Block, Related

try:  # the extraction cascade itself, so that the tree is not copied once more
    from trafilatura.core import trafilatura_sequence as _SEQUENCE
except ImportError:  # pragma: no cover - older or newer trafilatura: the public call
    _SEQUENCE = None  # type: ignore[assignment]

_OPTIONS = Extractor(output_format="python", fast=True, comments=False, tables=True)

# One-line prompts that frame an article on many sites, never part of its prose.
_CHROME = re.compile(
    r"^(?:(?:click|tap) here\b.*|(?:share|like) this (?:story|article|post)\b.*"
    r"|share(?: this| on \w+)?|comments?|\d+ comments?|(?:leave|post|add) a (?:comment|reply)\b.*"
    r"|tell us what you think\b.*|sign up\b.*newsletter.*|subscribe\b.{0,60}"
    r"|(?:get|join) (?:our|the) \w+ newsletter\b.*|thanks for signing up!?"
    r"|advertisement|sponsored(?: content)?|(?:photo|image)s?: [^.]{1,40}"
    r"|follow us on\b.*|(?:all rights reserved|copyright\b).{0,80}|©.{0,80})$",
    re.I,
)
# Headings after which only teasers of other pages follow.
_TEASER_HEADING = re.compile(
    r"^(?:you (?:may|might) (?:also )?(?:like|enjoy)"
    r"|related(?: articles| stories| news| posts| coverage| content| reading)?"
    r"|more (?:stories|news|articles|from \S.*)|recommended(?: for you)?"
    r"|(?:most )?(?:popular|read)(?: now| stories)?|trending(?: now| stories)?|read next"
    r"|what to read next|(?:editors?'?s? )?picks?(?: for you)?|don't miss)\s*[.:…!]*$",
    re.I,
)
_RELATED = re.compile(
    r"^(?P<label>read more|read also|also read|more|see also|further reading|related"
    r"(?: articles?| stories| story| coverage| news)?|recommended|read)"
    r"\s*[:：|»›>–—-]\s*(?P<rest>\S.*)$",
    re.I,
)
_LABEL_BEFORE = re.compile(
    r"(?:read|more|also|see|reading|related|articles?|stor(?:y|ies)|coverage|news|recommended)"
    r"\s*[:：|»›>–—-]?\s*$",
    re.I,
)
_READ_MORE_LABELS = frozenset({"read more", "read also", "also read", "more", "read", "see also"})
_MAX_CHROME_WORDS = 14


def _text(el: _Element) -> str:
    return norm("".join(el.itertext()))


def _blocks_of(el: _Element) -> Iterator[Block]:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag == "list":
        for child in el:
            if child.tag == "item":
                nested = [c for c in child if c.tag == "list"]
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
        for row in el.iter("row"):
            cells = [_text(cell) for cell in row if cell.tag == "cell"]
            text = " | ".join(c for c in cells if c)
            if text:
                yield Block(kind="paragraph", text=text)
    else:
        text = _text(el)
        if text:
            kind: Any = {"head": "heading", "quote": "quote"}.get(tag, "paragraph")
            yield Block(kind=kind, text=text)
    tail = norm(el.tail)
    if tail:
        yield Block(kind="paragraph", text=tail)


def _main_content(tree: HtmlElement) -> _Element | None:
    """trafilatura's main-content tree; ``tree`` is consumed (pruned in place)."""
    try:
        if _SEQUENCE is not None:
            body, text, _comments, _comments_text = _SEQUENCE(tree, _OPTIONS, None)
            return body if text else None
        document = bare_extraction(tree, options=_OPTIONS)
    except (TypeError, ValueError):
        return None
    return getattr(document, "body", None)


def extract_blocks(tree: HtmlElement, marks: Landmarks | None = None) -> list[Block]:
    """The main content as blocks in reading order (empty when nothing is found).

    ``tree`` is handed to trafilatura without a copy, which prunes comment sections and
    appended follow-up articles from it in place: read everything else from it first.
    """
    body = _main_content(tree)
    blocks: list[Block] = []
    if body is not None:
        for br in body.iter("lb"):
            br.tail = " " + (br.tail or "")
        loose = norm(body.text)
        if loose:
            blocks.append(Block(kind="paragraph", text=loose))
        for child in body:
            blocks.extend(_blocks_of(child))
    chars = sum(len(b.text) for b in blocks)
    scope = _article_scope(marks or landmarks(tree))
    if scope is not None and chars < _RESCUE_SHARE * len(scope.text_content()):
        rescue = _scope_blocks(scope)
        if sum(len(b.text) for b in rescue) > _RESCUE_GAIN * chars:
            return rescue
    return blocks


# When the extraction holds under this share of the single <article>'s text and the
# article's own paragraphs hold this many times more, the extraction stopped early
# (an article split over several containers) and the paragraphs are used instead.
_RESCUE_SHARE = 0.4
_RESCUE_GAIN = 2.0
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
    for el in _LANDMARKS(tree):
        if el.get("itemprop") == "articleBody":
            marks.article_body.append(el)
        elif el.tag == "article":
            marks.articles.append(el)
        elif el.tag == "figure":
            marks.figures.append(el)
        else:
            marks.mains.append(el)
    return marks


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


def _key(text: str | None) -> str:
    return re.sub(r"\W+", " ", (text or "").casefold()).strip()


def clean_blocks(
    blocks: list[Block],
    tree: HtmlElement,
    *,
    title: str | None,
    description: str | None,
    related: list[Related],
) -> tuple[list[Block], bool]:
    """Drop headline, standfirst, chrome, teaser tails and Read-more lines from the body.

    The opening block equal to ``description`` is dropped only when the page prints it as
    a standfirst; a lede paragraph that the description merely repeats stays. Returns the
    kept blocks and whether a standfirst was dropped.
    """
    title_key, desc_key = _key(title), _key(description)
    related_keys = {_key(r.title) for r in related}
    kept: list[Block] = []
    standfirst = False
    for index, block in enumerate(blocks):
        key = _key(block.text)
        if not key:
            continue
        if index < 3 and not kept:
            if key == title_key:
                continue
            if desc_key and key == desc_key and printed_as_standfirst(tree, block.text):
                standfirst = True
                continue
        if block.kind == "heading" and _TEASER_HEADING.match(block.text) and _late(blocks, index):
            break
        if len(block.text.split()) <= _MAX_CHROME_WORDS and _CHROME.match(block.text):
            continue
        if related_keys and _related_line(block.text, related_keys):
            continue
        kept.append(block)
    return kept, standfirst


_STANDFIRST_CLASS = re.compile(
    r"standfirst|dek\b|deck|sub-?title|sub-?head|summary|lede|intro|excerpt|description|teaser"
    r"|strap|abstract|kicker|header|headline",
    re.I,
)


def printed_as_standfirst(tree: HtmlElement, text: str) -> bool:
    """Whether the element printing ``text`` is a standfirst rather than a body paragraph.

    It is when it is not a ``<p>`` (a subheading or a styled box), sits in a ``<header>``,
    or it or one of its three nearest ancestors has a standfirst-like class.
    """
    wanted = norm(text)
    needle = wanted.split()[0] if wanted else ""
    for node in _TEXT_CONTAINING(tree, needle=needle):
        el = node.getparent()
        while el is not None and len(norm(el.text_content())) < len(wanted):
            el = el.getparent()
        if el is None or norm(el.text_content()) != wanted:
            continue
        chain = [el, *list(el.iterancestors())[:3]]
        return (
            el.tag != "p"
            or any(a.tag == "header" for a in el.iterancestors())
            or any(_STANDFIRST_CLASS.search(a.get("class") or "") for a in chain)
        )
    return False


_TEXT_CONTAINING = XPath("//body//text()[contains(., $needle)]")


def _late(blocks: list[Block], index: int) -> bool:
    """Whether at least half of the body's words come before ``index``."""
    before = sum(len(b.text.split()) for b in blocks[:index])
    after = sum(len(b.text.split()) for b in blocks[index:])
    return before >= after


def _related_line(text: str, related_keys: set[str]) -> bool:
    match = _RELATED.match(text)
    return bool(match and _key(match.group("rest")) in related_keys)


_INLINE = frozenset({"strong", "b", "em", "i", "span", "u", "small"})


def _text_before(anchor: HtmlElement) -> str:
    """The text printed just before a link, looking out through inline wrappers."""
    node = anchor
    while True:
        prev = node.getprevious()
        if prev is not None:
            own = prev.text_content() if prev.tag in _INLINE else ""
            return own + (prev.tail or "")
        parent = node.getparent()
        if parent is None:
            return ""
        if (parent.text or "").strip() or parent.tag not in _INLINE:
            return parent.text or ""
        node = parent


def find_related(tree: HtmlElement, base: str | None) -> list[Related]:
    """Links printed in the text as 'Read more: <a>Title</a>' or 'Related: <a>Title</a>'."""

    out: list[Related] = []
    seen: set[str] = set()
    for anchor in tree.iter("a"):
        if not _LABEL_BEFORE.search(_text_before(anchor)):
            continue
        parent = anchor.getparent()
        while parent is not None and parent.tag in _INLINE:
            parent = parent.getparent()
        if parent is None or parent.tag not in ("p", "li", "div", "h3", "h4", "h5", "h6"):
            continue
        text = norm(parent.text_content())
        if len(text) > 300:
            continue
        match = _RELATED.match(text)
        title = norm(anchor.text_content())
        if not match or not title or title.casefold() not in match.group("rest").casefold():
            continue
        url = absolute_url(base, anchor.get("href"))
        key = url or title
        if key in seen:
            continue
        seen.add(key)
        label = match.group("label").lower()
        kind: Any = "read_more" if label in _READ_MORE_LABELS else "related"
        out.append(Related(title=title, url=url, kind=kind))
    return out


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
