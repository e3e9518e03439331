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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple
from unicodedata import is_normalized

from pydantic import TypeAdapter

from broadsheet.parsers.common import caption_credit, clean
from broadsheet.records.model import Block, BlockKind

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


#: One line read: (clean text, indent, list marker, content). The content is the text
#: after a list marker, else the text itself; a blank line has an empty text. Plain
#: tuples: a page reads dozens of lines, and a tuple costs a fraction of an object.
Row = tuple[str, int, Marker | None, str]
_TEXT, _MARKER = 0, 2  # fields of a row


class Line(NamedTuple):
    """One line of the rendering (a :data:`Row` with names): clean text, indentation and
    list marker."""

    text: str
    indent: int
    marker: Marker | None
    content: str


#: Every empty line is this one row: rows are never modified once read.
_EMPTY: Row = ("", 0, None, "")


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
    return Line._make(read_rows((raw,))[0])


def read_lines(raws: Iterable[str], until: frozenset[str] = frozenset()) -> list[Line]:
    """:func:`read_rows` as named :class:`Line` tuples."""
    return [Line._make(row) for row in read_rows(raws, until)]


def read_rows(raws: Iterable[str], until: frozenset[str] = frozenset()) -> list[Row]:
    """Raw lines (:func:`split_lines`) read up to the first unindented line whose clean
    text is one of ``until`` (a chrome label), which is not read.

    One loop for all the lines of a region, with the plain-line case of
    :func:`clean_line` inline: a page reads dozens of lines, and a call per line costs
    more than reading a plain one. Empty lines (two in five) are passed at once.
    """
    rows: list[Row] = []
    append = rows.append
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
            append((text, indent, "bullet", text[1:].strip()))
        elif not indent:
            if len(text) <= longest and text in until:
                break
            append((text, 0, None, text))
        elif text[:1].isdigit() and (match := _NUMBERED.match(text)):
            append((text, indent, "number", match.group(1)))
        else:
            append((text, indent, None, text))
    return rows


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


def _text_before(rows: Sequence[Row], index: int) -> int:
    """Index of the last row with text before ``index``; -1 when there is none."""
    index -= 1
    while index >= 0 and not rows[index][_TEXT]:
        index -= 1
    return index


def split_tail(rows: Sequence[Row]) -> tuple[Sequence[Row], list[str], str | None]:
    """Separate the tag list and the coverage name from the end of the article region.

    The coverage (dossier) name closes the region: printed twice, or once right under
    the tags. The tags are the final run of bullet lines before it. A region that ends
    in prose has no tag list. Returns (body rows, tags, coverage).
    """
    coverage: str | None = None
    last_kept = _text_before(rows, len(rows))  # index of the last row with text
    if (previous := _text_before(rows, last_kept)) >= 0:
        text, indent, marker, _ = rows[last_kept]
        before_text, _, before_marker, _ = rows[previous]
        plain = marker is None and indent < 2 and headline_like(text)
        if plain and before_marker is None and before_text == text:
            coverage, last_kept = text, _text_before(rows, previous)
        elif plain and before_marker == "bullet" and previous == last_kept - 1:
            coverage, last_kept = text, previous
    if last_kept < 0:
        return [], [], coverage
    end = last_kept + 1
    if rows[last_kept][_MARKER] != "bullet":
        return rows[:end], [], coverage  # the region ends in prose: no tag list
    start = last_kept
    while start > 0 and rows[start - 1][_MARKER] == "bullet":
        start -= 1
    run = [content for _, _, _, content in rows[start:end]]
    if run[0].lower() in _CLOSE_BUTTONS:  # an image block, not a tag list
        return rows[:end], [], coverage
    return rows[:start], [content for content in run if content], coverage


@dataclass(slots=True)
class BodyParts:
    """What the article region holds once the tags are cut off.

    Images and related links are plain field dicts: the record validates them once, as
    part of the whole (:func:`broadsheet.parsers.common.build_article`).
    """

    description: str | None = None
    images: list[dict[str, str | None]] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    related: list[dict[str, str | None]] = field(default_factory=list)


def _image(alt: str | None, parts: list[str]) -> dict[str, str | None]:
    """The fields of an image from its alt text and caption lines."""
    caption = " ".join(parts) or None
    return {"url": None, "alt": alt, "caption": caption, "credit": caption_credit(caption)}


def _is_standfirst(text: str, indent: int, marker: Marker | None) -> bool:
    """Whether the first line of the region is plain prose (the standfirst)."""
    return (
        marker is None
        and indent < 2
        and read_more_title(text) is None
        and not is_related_label(text)
        and not is_attribution(text)
    )


def read_body(rows: Sequence[Row]) -> BodyParts:
    """Standfirst, images, body blocks and related links of the article region.

    Blank lines separate paragraphs. The first line is the standfirst when it is plain
    prose. A paragraph opening with a close button ('• x') is an image gallery: per image
    a '• alt' bullet and indented caption lines; its first other line starts the body
    again. Every other line is a body block (see the module's rules), except that a
    'Related News' label opens a box of linked headlines that the next body block
    closes, and a social post's attribution line joins the block right before it (the
    post's text) into one ``embed``. One pass over the rows, no list per paragraph.
    """
    parts = BodyParts()
    blocks: list[dict[str, str]] = []
    related = parts.related
    found: list[tuple[str | None, list[str]]] = []  # gallery images: alt text, caption lines
    first = True  # no line with text seen yet
    opening = True  # the next line with text opens a paragraph
    gallery = False  # inside an image gallery
    gallery_start = 0  # the first image of the current gallery in ``found``
    in_related = False  # inside a Related News box
    after_block = False  # the previous line became the last body block
    kind: BlockKind
    for text, indent, marker, content in rows:
        if not text:
            opening, gallery = True, False
            continue
        if first:
            first = False
            if _is_standfirst(text, indent, marker):
                parts.description = text
                continue  # the next line still opens its paragraph
        if opening:
            opening = False
            if marker == "bullet" and content.lower() in _CLOSE_BUTTONS:
                gallery, gallery_start = True, len(found)
                continue
        if gallery:
            if marker == "bullet":
                found.append((content or None, []))
                continue
            if indent >= 2 and marker is None:
                if len(found) == gallery_start:  # a caption before any alt text
                    found.append((None, []))
                found[-1][1].append(text)
                continue
            gallery = False
        special = text[:1] in _LINK_OR_POST_INITIALS
        if marker is not None:
            if not content:
                continue  # an empty bullet carries nothing to keep
            kind, text = "list_item", content
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
        elif indent >= 2:
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
    parts.images = [_image(alt, lines) for alt, lines in found]
    # One validation call for the list: the same records as one model call per block.
    parts.blocks = _BLOCKS.validate_python(blocks)
    return parts
