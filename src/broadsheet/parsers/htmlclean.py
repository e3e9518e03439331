"""Block-level rules that drop what is not the article's prose from an extracted body.

The headline and standfirst repeated at the top, one-line page chrome (share, comment and
newsletter prompts), teaser lists that follow a "You may
also like" style heading, runs of link texts that end the body, and the lines that print
the page's "Read more:" links.
"""

from __future__ import annotations

import re

from lxml.etree import XPath
from lxml.html import HtmlElement

from broadsheet.parsers.htmlchrome import anchor_texts, is_link_text
from broadsheet.parsers.htmlrelated import key, related_line
from broadsheet.parsers.names import norm
from broadsheet.records.model import Block, Related

# One-line prompts that frame an article on many sites, never part of its prose.
_CHROME = re.compile(
    r"^(?:(?:click|tap) here\b.*|(?:share|like) this (?:story|article|post)\b.*"
    r"|share(?: this| on \w+)?|comments?|\d+ comments?|(?:leave|post|add) a (?:comment|reply)\b.*"
    r"|tell us what you think\b.*|sign up\b.*newsletter.*|subscribe\b.{0,60}"
    r"|(?:get|join) (?:our|the) \w+ (?:newsletter|forum|community)\b.*|thanks for signing up!?"
    r"|advertisement|sponsored(?: content)?|(?:photo|image)s?: [^.]{1,40}"
    r"|follow us on\b.*|(?:all rights reserved|copyright\b).{0,80}|©.{0,80}"
    r"|\d+ min(?:ute)?s? read|(?:log|sign) ?in|already have an account\b.*)$",
    re.I,
)
# Headings after which only teasers of other pages follow.
_TEASER_HEADING = re.compile(
    r"^(?:you (?:may|might) (?:also )?(?:like|enjoy|be interested in\b.*)"
    r"|(?:browse |see |view )?related(?: articles| stories| news| posts| coverage| content"
    r"| reading)?"
    r"|more (?:stories|news|articles|from \S.*)|recommended(?: for you)?"
    r"|(?:most )?(?:popular|read)(?: now| stories)?|trending(?: now| stories)?|read next"
    r"|what to read next|(?:editors?'?s? )?picks?(?: for you)?|don't miss)\s*[.:…!]*$",
    re.I,
)
_MAX_CHROME_WORDS = 14
_SENTENCE_END = re.compile(r"[.!?…\"'”’)\]]$")
# At least this many link texts in a row end the body: a list of other pages.
_TAIL_LINKS = 3
_TEASER_WORDS = 12
_LABEL = re.compile(r"^\w+(?: \w+){0,2}\s*:$")


def _teaser(block: Block, anchors: frozenset[str]) -> bool:
    """A link to another page: a link text, a list item, or a short line that is not a
    sentence (a headline, a date, a category)."""
    return (
        is_link_text(block, anchors)
        or block.kind == "list_item"
        or (len(block.text.split()) <= _TEASER_WORDS and not _SENTENCE_END.search(block.text))
    )


def _late(blocks: list[Block], index: int) -> bool:
    """Whether at least half of the body's words come before ``index``."""
    before = sum(len(b.text.split()) for b in blocks[:index])
    after = sum(len(b.text.split()) for b in blocks[index:])
    return before >= after


def _skip_teasers(blocks: list[Block], index: int, anchors: frozenset[str]) -> int:
    """Where the body resumes after the teaser heading at ``index`` (len(blocks): never).

    A heading followed by prose was left alone (its teasers were already removed); one
    followed by teasers in the second half of the body ends it; otherwise the teasers
    that follow it are skipped.
    """
    following = index + 1
    if following < len(blocks) and not _teaser(blocks[following], anchors):
        return following
    if _late(blocks, index):
        return len(blocks)
    while following < len(blocks) and _teaser(blocks[following], anchors):
        following += 1
    return following


def _body_end(blocks: list[Block], anchors: frozenset[str]) -> int:
    """Where the body ends: before closing labels that introduce nothing ("Tags:",
    "Share:") and a closing run of link texts (teasers of other pages)."""
    end = _before_labels(blocks, len(blocks))
    start = end
    while start > 0 and is_link_text(blocks[start - 1], anchors):
        start -= 1
    return _before_labels(blocks, start) if end - start >= _TAIL_LINKS else end


def _before_labels(blocks: list[Block], end: int) -> int:
    while end > 0 and _LABEL.match(blocks[end - 1].text):
        end -= 1
    return end


def clean_blocks(
    blocks: list[Block],
    tree: HtmlElement,
    *,
    title: str | None,
    description: str | None,
    related: list[Related],
    anchors: frozenset[str] | None = None,
) -> tuple[list[Block], bool]:
    """Drop headline, standfirst, chrome, teaser runs and Read-more lines from the body.

    A block equal to the headline is dropped wherever it is.

    The opening block equal to ``description`` is dropped only when the page prints it as
    a standfirst; a lede paragraph that the description merely repeats stays. Returns the
    kept blocks and whether a standfirst was dropped. ``anchors`` are the page's link texts
    (:func:`~broadsheet.parsers.htmlchrome.anchor_texts` of ``tree``, read when not given).
    """
    if anchors is None:
        anchors = anchor_texts(tree)
    title_key, desc_key = key(title), key(description)
    related_keys = {key(r.title) for r in related}
    kept: list[Block] = []
    standfirst = False
    end = _body_end(blocks, anchors)
    index = 0
    while index < end:
        block = blocks[index]
        index += 1
        block_key = key(block.text)
        if not block_key:
            continue
        if block_key == title_key:
            continue
        if (
            index <= 3
            and not kept
            and desc_key
            and block_key == desc_key
            and printed_as_standfirst(tree, block.text)
        ):
            standfirst = True
            continue
        words = len(block.text.split())
        if (
            block.kind == "heading" or (block.kind == "paragraph" and words <= _MAX_CHROME_WORDS)
        ) and _TEASER_HEADING.match(block.text):
            index = _skip_teasers(blocks, index - 1, anchors)
            continue
        if words <= _MAX_CHROME_WORDS and _CHROME.match(block.text):
            continue
        if related_keys and related_line(block.text, related_keys):
            continue
        kept.append(block)
    return kept, standfirst


_STANDFIRST_CLASS = re.compile(
    r"standfirst|dek\b|deck|sub-?title|sub-?head|summary|lede|intro|excerpt|description|teaser"
    r"|strap|abstract|kicker|header|headline",
    re.I,
)
_TEXT_CONTAINING = XPath("//body//text()[contains(., $needle)]")


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
