"""Links an article prints as 'Read more: <a>Title</a>' or 'Related: <a>Title</a>'.

They become the record's ``related`` entries, and the body drops the lines that print them.
"""

from __future__ import annotations

import re
from typing import Any

from lxml.html import HtmlElement

from broadsheet.parsers.htmlmeta import absolute_url
from broadsheet.parsers.names import norm
from broadsheet.records.model import Related

RELATED = re.compile(
    r"^(?P<label>read more|read also|also read|more|see also|further reading|related"
    r"(?: articles?| stories| story| coverage| news| reading)?|recommended|read)"
    r"\s*[:：|»›>–—-]\s*(?P<rest>\S.*)$",
    re.I,
)
_LABEL_BEFORE = re.compile(
    r"(?:read|more|also|see|reading|related|articles?|stor(?:y|ies)|coverage|news|recommended)"
    r"\s*[:：|»›>–—-]?\s*$",
    re.I,
)
_READ_MORE_LABELS = frozenset({"read more", "read also", "also read", "more", "read", "see also"})
_INLINE = frozenset({"strong", "b", "em", "i", "span", "u", "small"})
_MAX_LINE_CHARS = 300
_NON_WORD = re.compile(r"\W+")


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


def key(text: str | None) -> str:
    """Case-folded words of ``text`` joined by single spaces (punctuation dropped)."""
    return _NON_WORD.sub(" ", (text or "").casefold()).strip()


def related_line(text: str, related_keys: set[str]) -> bool:
    """Whether a body line prints one of the related links ('Read more: <its title>')."""
    match = RELATED.match(text)
    return bool(match and key(match.group("rest")) in related_keys)


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
        if len(text) > _MAX_LINE_CHARS:
            continue
        match = RELATED.match(text)
        title = norm(anchor.text_content())
        if not match or not title or title.casefold() not in match.group("rest").casefold():
            continue
        url = absolute_url(base, anchor.get("href"))
        found = url or title
        if found in seen:
            continue
        seen.add(found)
        label = match.group("label").lower()
        kind: Any = "read_more" if label in _READ_MORE_LABELS else "related"
        out.append(Related(title=title, url=url, kind=kind))
    return out
