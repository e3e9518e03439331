"""Line-level reading of Al Mayadeen English text renderings: lines, tail and body.

A text rendering is the page as a terminal browser prints it: one paragraph per line,
blank lines between blocks, list items and link lists as indented ``•`` bullets and
figure captions indented by four spaces. This module turns the lines of the article
region (after the byline block, before the page chrome) into the standfirst, the
images, the body blocks, the related links, the tags and the coverage name.
See :mod:`broadsheet.parsers.almayadeen_text` for the page layout and the rules.

Most of a page is chrome. The byline block is found by searching the page text
(:func:`line_starts_holding`), only the lines after it are split, and a line is cleaned
(:func:`clean_line`, the same result as :func:`broadsheet.parsers.common.clean`) only
when something reads it: the article region and the few chrome lines that may matter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal
from unicodedata import is_normalized

from pydantic import TypeAdapter

from broadsheet.parsers.common import caption_credit, clean
from broadsheet.records import Block, BlockKind, Image, Related

Marker = Literal["bullet", "number"]

_NUMBERED = re.compile(r"^\d{1,3}[.)]\s+(\S.*)$")
_READ_MORE = re.compile(r"^Read more\s*:\s*(\S.*)$", re.I)
_RELATED_NEWS = "related news"
# "— Name (@handle) Month D, YYYY": the attribution line of a quoted social post.
_ATTRIBUTION = re.compile(r"^[—–-]{1,2}\s*\S.*\(@\w{1,50}\)\s+[A-Z][a-z]+\.? \d{1,2}, \d{4}$")
_DASHES = ("—", "–", "-")
#: First characters of 'Read more: X', 'Related News' and a post's attribution line.
_LINK_OR_POST_INITIALS = frozenset(("R", "r", *_DASHES))
_CLOSE_BUTTONS = frozenset({"x", "×", "✕"})
_SENTENCE_END = frozenset(".!?…:;,")
_CLOSERS = "\"'”’)]»"
#: A headline-like line has at most this many words (headlines run 5 to 15).
HEADLINE_MAX_WORDS = 20
_BLOCKS = TypeAdapter(list[Block])
_RELATED = TypeAdapter(list[Related])


@dataclass(slots=True)  # not frozen: a page makes hundreds, and frozen init costs 3x
class Line:
    """One line of the rendering: clean text, indentation and list marker.

    Lines are never modified once read, so every empty line is the same instance.
    """

    text: str
    indent: int
    marker: Marker | None
    content: str

    @property
    def blank(self) -> bool:
        return not self.text


_EMPTY = Line("", 0, None, "")


def unify_newlines(text: str) -> str:
    """The rendering with byte-order marks dropped and CRLF and CR read as LF."""
    if "\ufeff" in text:
        text = text.replace("\ufeff", "")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def split_lines(text: str) -> list[str]:
    """The raw lines of a rendering (see :func:`unify_newlines`).

    Nothing else is done to them: each line is cleaned (:func:`clean_line`) only when
    it is read, and most chrome lines never are.
    """
    return unify_newlines(text).split("\n")


def line_starts_holding(text: str, needles: tuple[str, ...]) -> Iterator[int]:
    """Offsets at which the lines of ``text`` holding any of ``needles`` start, in order.

    One string search per needle and hit instead of a test on every line: the chrome
    above an article runs to dozens of lines.
    """
    found = [text.find(needle) for needle in needles]
    while True:
        hits = [at for at in found if at >= 0]
        if not hits:
            return
        hit = min(hits)
        yield text.rfind("\n", 0, hit) + 1
        end = text.find("\n", hit)
        if end < 0:
            return
        found = [
            text.find(needle, end) if 0 <= at < end else at
            for needle, at in zip(needles, found, strict=True)
        ]


def clean_line(raw: str) -> str:
    """A raw line as :func:`broadsheet.parsers.common.clean` makes it, most often cheaply.

    When the stripped line is NFC, holds no double space and no tab, NBSP, thin,
    zero-width or other odd space, stripping is all ``clean`` would do: the spaces stripped
    off are never part of a canonical composition. Odd spaces are separators or format
    characters, so a printable text holds none. Any other line goes through ``clean``.
    """
    text = raw.strip()
    return text if _only_stripped(text) else clean(raw)


def _only_stripped(text: str) -> bool:
    """Whether ``clean`` leaves a stripped line as it is (see :func:`clean_line`)."""
    if text.isascii():
        return "\t" not in text and "  " not in text
    return text.isprintable() and "  " not in text and is_normalized("NFC", text)


def read_line(raw: str) -> Line:
    """One raw line (:func:`split_lines`) read: clean text, indent and list marker."""
    return read_lines((raw,))[0]


def read_lines(raws: Iterable[str], until: frozenset[str] = frozenset()) -> list[Line]:
    """Raw lines (:func:`split_lines`) read up to the first unindented line whose clean
    text is one of ``until`` (a chrome label), which is not read.

    One loop for all the lines of a region, with the plain-line case of
    :func:`clean_line` inline: a page reads dozens of lines, and a call per line costs
    more than reading a plain one.
    """
    lines: list[Line] = []
    append = lines.append
    longest = max(map(len, until), default=0)
    for raw in raws:
        if not raw:
            append(_EMPTY)
            continue
        indent = len(raw) - len(raw.lstrip(" \t")) if raw[0] in " \t" else 0
        text = raw.strip()
        if text.isascii():  # as clean_line(raw), inline: see _only_stripped
            if "\t" in text or "  " in text:
                text = clean(raw)
        elif not (text.isprintable() and "  " not in text and is_normalized("NFC", text)):
            text = clean(raw)
        if text[:1] == "•":
            append(Line(text, indent, "bullet", text[1:].strip()))
        elif not indent:
            if len(text) <= longest and text in until:
                break
            append(Line(text, 0, None, text))
        elif text[:1].isdigit() and (match := _NUMBERED.match(text)):
            append(Line(text, indent, "number", match.group(1)))
        else:
            append(Line(text, indent, None, text))
    return lines


def to_lines(text: str) -> list[Line]:
    """Split a rendering into lines (CRLF, CR and byte-order marks tolerated)."""
    return read_lines(split_lines(text))


def headline_like(text: str) -> bool:
    """A short line without sentence-ending punctuation: a subheading or a linked headline."""
    core = text.rstrip(_CLOSERS)
    if not core or core[-1] in _SENTENCE_END:
        return False  # checked first: most body lines are sentences
    return 0 < len(text.split()) <= HEADLINE_MAX_WORDS


def is_attribution(text: str) -> bool:
    """Whether ``text`` is a social post's '— Name (@handle) Month D, YYYY' line."""
    return text[:1] in _DASHES and _ATTRIBUTION.match(text) is not None


def read_more_title(text: str) -> str | None:
    """The linked headline of a 'Read more: X' line; None for any other line."""
    if text[:4].lower() != "read":  # no regex for lines that cannot match
        return None
    match = _READ_MORE.match(text)
    return match.group(1) if match else None


def is_related_label(text: str) -> bool:
    """Whether ``text`` is the 'Related News' label of a box of linked headlines."""
    return text[:1] in ("R", "r") and text.lower() == _RELATED_NEWS


def _text_before(lines: list[Line], index: int) -> int:
    """Index of the last line with text before ``index``; -1 when there is none."""
    index -= 1
    while index >= 0 and not lines[index].text:
        index -= 1
    return index


def split_tail(lines: list[Line]) -> tuple[list[Line], list[str], str | None]:
    """Separate the tag list and the coverage name from the end of the article region.

    The coverage (dossier) name closes the region: printed twice, or once right under
    the tags. The tags are the final run of bullet lines before it. A region that ends
    in prose has no tag list. Returns (body lines, tags, coverage).
    """
    coverage: str | None = None
    last_kept = _text_before(lines, len(lines))  # index of the last line with text
    if (previous := _text_before(lines, last_kept)) >= 0:
        last, before = lines[last_kept], lines[previous]
        plain = last.marker is None and last.indent < 2 and headline_like(last.text)
        if plain and before.marker is None and before.text == last.text:
            coverage, last_kept = last.text, _text_before(lines, previous)
        elif plain and before.marker == "bullet" and previous == last_kept - 1:
            coverage, last_kept = last.text, previous
    if last_kept < 0:
        return [], [], coverage
    end = last_kept + 1
    if lines[end - 1].marker != "bullet":
        return lines[:end], [], coverage  # the region ends in prose: no tag list
    start = end - 1
    while start > 0 and lines[start - 1].marker == "bullet":
        start -= 1
    run = lines[start:end]
    if run[0].content.lower() in _CLOSE_BUTTONS:  # an image block, not a tag list
        return lines[:end], [], coverage
    return lines[:start], [line.content for line in run if line.content], coverage


@dataclass(slots=True)
class BodyParts:
    """What the article region holds once the tags are cut off."""

    description: str | None = None
    images: list[Image] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    related: list[Related] = field(default_factory=list)


def _is_close_button(line: Line) -> bool:
    """Whether ``line`` is the '• x' that opens an image gallery."""
    return line.marker == "bullet" and line.content.lower() in _CLOSE_BUTTONS


def _images(found: list[tuple[str | None, list[str]]]) -> list[Image]:
    """Images from (alt text, caption lines) pairs."""
    images = []
    for alt, parts in found:
        caption = " ".join(parts) or None
        images.append(Image(url=None, alt=alt, caption=caption, credit=caption_credit(caption)))
    return images


def _is_plain(line: Line) -> bool:
    text = line.text
    return (
        line.marker is None
        and line.indent < 2
        and read_more_title(text) is None
        and not is_related_label(text)
        and not is_attribution(text)
    )


def _read_blocks(lines: list[Line]) -> tuple[list[Block], list[Related]]:
    """Body blocks and related links of the body lines, in reading order.

    A 'Related News' label opens a box of linked headlines that the next body block
    closes; a social post's attribution line joins the block right before it (the
    post's text) into one ``embed``.
    """
    blocks: list[dict[str, str]] = []
    related: list[dict[str, str | None]] = []
    in_related = False  # inside a Related News box
    after_block = False  # the previous line became the last body block
    for line in lines:
        text = line.text
        special = text[:1] in _LINK_OR_POST_INITIALS
        kind: BlockKind
        if line.marker is not None:
            if not line.content:
                continue  # an empty bullet carries nothing to keep
            kind, text = "list_item", line.content
        elif special and (title := read_more_title(text)) is not None:
            related.append({"title": title, "url": None, "kind": "read_more"})
            in_related = after_block = False
            continue
        elif special and is_related_label(text):
            in_related, after_block = True, False
            continue
        elif special and is_attribution(text):
            if after_block and blocks[-1]["kind"] != "embed":
                text = blocks.pop()["text"] + "\n" + text
            kind = "embed"
        elif line.indent >= 2:
            kind = "quote"
        elif text[-1:] in _SENTENCE_END or not headline_like(text):  # most lines end a sentence
            kind = "paragraph"
        elif in_related:
            related.append({"title": text, "url": None, "kind": "related"})
            after_block = False
            continue
        else:
            kind = "heading"
        blocks.append({"kind": kind, "text": text})
        in_related, after_block = False, True
    # One validation call per list: the same records as one model call per item, faster.
    links = _RELATED.validate_python(related) if related else []
    return _BLOCKS.validate_python(blocks), links


def read_body(lines: list[Line]) -> BodyParts:
    """Standfirst, images, body blocks and related links of the article region.

    Blank lines separate paragraphs. The first line is the standfirst when it is plain
    prose. A paragraph opening with a close button ('• x') is an image gallery: per image
    a '• alt' bullet and indented caption lines; its first other line starts the body
    again. One pass, no list per paragraph.
    """
    parts = BodyParts()
    body: list[Line] = []
    found: list[tuple[str | None, list[str]]] = []  # gallery images: alt text, caption lines
    first = True  # no line with text seen yet
    opening = True  # the next line with text opens a paragraph
    gallery = False  # inside an image gallery
    gallery_start = 0  # the first image of the current gallery in ``found``
    for line in lines:
        if not line.text:
            opening, gallery = True, False
            continue
        if first:
            first = False
            if _is_plain(line):
                parts.description = line.text
                continue  # the next line still opens its paragraph
        if opening:
            opening = False
            if line.marker == "bullet" and _is_close_button(line):
                gallery, gallery_start = True, len(found)
                continue
        if gallery:
            if line.marker == "bullet":
                found.append((line.content or None, []))
                continue
            if line.indent >= 2 and line.marker is None:
                if len(found) == gallery_start:  # a caption before any alt text
                    found.append((None, []))
                found[-1][1].append(line.text)
                continue
            gallery = False
        body.append(line)
    parts.images = _images(found)
    parts.blocks, parts.related = _read_blocks(body)
    return parts
