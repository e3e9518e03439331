"""Line-level reading of Al Mayadeen English text renderings: lines, tail and body.

A text rendering is the page as a terminal browser prints it: one paragraph per line,
blank lines between blocks, list items and link lists as indented ``•`` bullets and
figure captions indented by four spaces. This module turns the lines of the article
region (after the byline block, before the page chrome) into the standfirst, the
images, the body blocks, the related links, the tags and the coverage name.
See :mod:`broadsheet.parsers.almayadeen_text` for the page layout and the rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from broadsheet.parsers.common import caption_credit, clean
from broadsheet.records import Block, BlockKind, Image, Related

Marker = Literal["bullet", "number"]

_NUMBERED = re.compile(r"^\d{1,3}[.)]\s+(\S.*)$")
_READ_MORE = re.compile(r"^Read more\s*:\s*(\S.*)$", re.I)
_RELATED_NEWS = "related news"
# "— Name (@handle) Month D, YYYY": the attribution line of a quoted social post.
_ATTRIBUTION = re.compile(r"^[—–-]{1,2}\s*\S.*\(@\w{1,50}\)\s+[A-Z][a-z]+\.? \d{1,2}, \d{4}$")
_CLOSE_BUTTONS = frozenset({"x", "×", "✕"})
_SENTENCE_END = frozenset(".!?…:;,")
_CLOSERS = "\"'”’)]»"
#: A headline-like line has at most this many words (headlines run 5 to 15).
HEADLINE_MAX_WORDS = 20


@dataclass(slots=True)  # not frozen: a page makes hundreds, and frozen init costs 3x
class Line:
    """One line of the rendering: normalised text, indentation and list marker."""

    text: str
    indent: int
    marker: Marker | None
    content: str

    @property
    def blank(self) -> bool:
        return not self.text


def to_lines(text: str) -> list[Line]:
    """Split a rendering into lines (CRLF, CR and byte-order marks tolerated)."""
    text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    lines: list[Line] = []
    for raw in text.split("\n"):
        indent = len(raw) - len(raw.lstrip(" \t"))
        cleaned = clean(raw)
        marker: Marker | None = None
        content = cleaned
        if cleaned.startswith("•"):
            marker, content = "bullet", cleaned[1:].strip()
        elif indent and (match := _NUMBERED.match(cleaned)):
            marker, content = "number", match.group(1)
        lines.append(Line(cleaned, indent, marker, content))
    return lines


def headline_like(text: str) -> bool:
    """A short line without sentence-ending punctuation: a subheading or a linked headline."""
    words = text.split()
    if not words or len(words) > HEADLINE_MAX_WORDS:
        return False
    core = text.rstrip(_CLOSERS)
    return bool(core) and core[-1] not in _SENTENCE_END


def is_attribution(text: str) -> bool:
    """Whether ``text`` is a social post's '— Name (@handle) Month D, YYYY' line."""
    return bool(_ATTRIBUTION.match(text))


def split_tail(lines: list[Line]) -> tuple[list[Line], list[str], str | None]:
    """Separate the tag list and the coverage name from the end of the article region.

    The coverage (dossier) name closes the region: printed twice, or once right under
    the tags. The tags are the final run of bullet lines before it. A region that ends
    in prose has no tag list. Returns (body lines, tags, coverage).
    """
    kept = [i for i, line in enumerate(lines) if not line.blank]
    coverage: str | None = None
    if len(kept) >= 2:
        last, before = lines[kept[-1]], lines[kept[-2]]
        plain = last.marker is None and last.indent < 2 and headline_like(last.text)
        if plain and before.marker is None and before.text == last.text:
            coverage, kept = last.text, kept[:-2]
        elif plain and before.marker == "bullet" and kept[-2] == kept[-1] - 1:
            coverage, kept = last.text, kept[:-1]
    if not kept:
        return [], [], coverage
    end = kept[-1] + 1
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


def _chunks(lines: list[Line]) -> list[list[Line]]:
    chunks: list[list[Line]] = [[]]
    for line in lines:
        if line.blank:
            if chunks[-1]:
                chunks.append([])
        else:
            chunks[-1].append(line)
    return [chunk for chunk in chunks if chunk]


def _is_image_block(chunk: list[Line]) -> bool:
    return chunk[0].marker == "bullet" and chunk[0].content.lower() in _CLOSE_BUTTONS


def _read_images(chunk: list[Line]) -> tuple[list[Image], list[Line]]:
    """Images of a gallery block ('• x', then '• alt' + indented caption per image).

    Returns the images and the lines after the block that belong to the body.
    """
    found: list[tuple[str | None, list[str]]] = []
    rest = len(chunk)
    for k, line in enumerate(chunk[1:], start=1):
        if line.marker == "bullet":
            found.append((line.content or None, []))
        elif line.indent >= 2 and line.marker is None:
            if not found:
                found.append((None, []))
            found[-1][1].append(line.text)
        else:
            rest = k
            break
    images = []
    for alt, parts in found:
        caption = " ".join(parts) or None
        images.append(Image(url=None, alt=alt, caption=caption, credit=caption_credit(caption)))
    return images, chunk[rest:]


def _is_plain(line: Line) -> bool:
    text = line.text
    return (
        line.marker is None
        and line.indent < 2
        and not _READ_MORE.match(text)
        and text.lower() != _RELATED_NEWS
        and not is_attribution(text)
    )


class _BodyReader:
    """Classifies body lines one by one, in reading order."""

    def __init__(self, parts: BodyParts) -> None:
        self.parts = parts
        self.in_related = False  # inside a Related News box
        self.after_block = False  # the previous line became the last body block

    def _block(self, kind: BlockKind, text: str) -> None:
        self.parts.blocks.append(Block(kind=kind, text=text))
        self.after_block = True
        self.in_related = False

    def _related(self, title: str, kind: Literal["related", "read_more"]) -> None:
        self.parts.related.append(Related(title=title, url=None, kind=kind))
        self.after_block = False

    def line(self, line: Line) -> None:
        text = line.text
        if line.marker is not None:
            if line.content:  # an empty bullet carries nothing to keep
                self._block("list_item", line.content)
        elif match := _READ_MORE.match(text):
            self._related(match.group(1), "read_more")
            self.in_related = False
        elif text.lower() == _RELATED_NEWS:
            self.after_block = False
            self.in_related = True
        elif is_attribution(text):
            blocks = self.parts.blocks
            if self.after_block and blocks[-1].kind != "embed":
                text = blocks.pop().text + "\n" + text
            self._block("embed", text)
        elif line.indent >= 2:
            self._block("quote", text)
        elif headline_like(text):
            if self.in_related:
                self._related(text, "related")
            else:
                self._block("heading", text)
        else:
            self._block("paragraph", text)


def read_body(lines: list[Line]) -> BodyParts:
    """Standfirst, images, body blocks and related links of the article region."""
    parts = BodyParts()
    chunks = _chunks(lines)
    if chunks and _is_plain(chunks[0][0]):
        parts.description = chunks[0][0].text
        chunks[0] = chunks[0][1:]
    reader = _BodyReader(parts)
    for chunk in chunks:
        if chunk and _is_image_block(chunk):
            images, chunk = _read_images(chunk)
            parts.images.extend(images)
        for line in chunk:
            reader.line(line)
    return parts
