"""Limits on what one input may hold, and the bounded readers that enforce them.

A scraped corpus is data from strangers: a 10 MB gzip file can hold 10 GB of zeros, a JSONL
line can nest a hundred thousand arrays, an HTTP body can be a compression bomb. Every read
of the source layer is bounded by a :class:`Limits` (the recipe's ``[limits]`` table): a
page larger than ``page_bytes`` (as stored, or once decompressed) is refused as
``too_large`` after reading at most ``page_bytes + 1`` bytes of it, a JSONL line longer than
``line_bytes`` is ``too_large``, and one nested deeper than ``json_depth`` is ``too_deep``,
measured by a cheap scan before ``json.loads`` ever sees it.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator
from itertools import accumulate
from typing import IO, BinaryIO

from pydantic import BaseModel, ConfigDict, Field

from broadsheet.sources.items import SourceFailure

MIB = 1024 * 1024


class Limits(BaseModel):
    """The recipe's ``[limits]`` table: how much one input may hold (defaults suit news)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    page_bytes: int = Field(
        default=16 * MIB,
        gt=0,
        description="Most bytes of one page: a file as stored and once gunzipped, a WARC "
        "record's HTTP body as stored and once its Content-Encoding is undone, the page of "
        "a JSONL line. A larger page is quarantined as too_large.",
    )
    line_bytes: int = Field(
        default=64 * MIB,
        gt=0,
        description="Most bytes of one line of a JSONL file or manifest.jsonl (too_large beyond).",
    )
    json_depth: int = Field(
        default=64,
        gt=0,
        le=512,
        description="Deepest nesting of arrays and objects in one JSONL line (too_deep beyond; "
        "at most 512, well inside the recursion json.loads can do).",
    )
    batch_bytes: int = Field(
        default=32 * MIB,
        gt=0,
        description="Page bytes in one batch handed to a worker (a batch holds at least one "
        "page); with the workers' in-flight window this bounds the memory a build holds.",
    )
    html_elements: int = Field(
        default=200_000,
        gt=0,
        description="Most HTML elements (start tags) on one page (too_large beyond; large real "
        "pages hold tens of thousands).",
    )
    html_attributes: int = Field(
        default=1_000,
        gt=0,
        description="Most attributes on one HTML element (too_large beyond; lxml's parse grows "
        "with their square, and real elements hold a handful).",
    )
    json_ld_depth: int = Field(
        default=64,
        gt=0,
        le=512,
        description="Deepest nesting of arrays and objects in one JSON-LD block; a deeper "
        "block is passed over (the page is kept, read from its other metadata).",
    )
    parse_timeout_seconds: float = Field(
        default=30.0,
        gt=0,
        description="Most wall-clock seconds spent parsing one page, in every engine; a page "
        "over it is quarantined as parse_timeout and the build goes on.",
    )


DEFAULT_LIMITS = Limits()


def size_text(count: int) -> str:
    """A byte count as a person reads it (``16 MiB``, ``1.5 KiB``, ``300 bytes``)."""
    for unit, size in (("GiB", MIB * 1024), ("MiB", MIB), ("KiB", 1024)):
        if count >= size:
            value = count / size
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{count} bytes"


class TooLarge(Exception):
    """More bytes than the limit (``read`` of them were read before stopping)."""

    def __init__(self, read: int, limit: int) -> None:
        super().__init__(f"more than {size_text(limit)} (read {size_text(read)} before stopping)")
        self.read = read
        self.limit = limit


def gunzip(raw: bytes, limit: int) -> bytes:
    """The decompressed bytes of gzip data (every member), never more than ``limit``.

    Decompression is streamed: at most ``limit + 1`` bytes are ever produced before
    :class:`TooLarge` is raised, whatever the data would expand to. Damaged data raises
    ``zlib.error`` or ``EOFError``, as :func:`gzip.decompress` does; zero bytes after a
    member are padding, as there.
    """
    parts: list[bytes] = []
    held = 0
    data = raw
    while data:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)  # gzip header and CRC checked
        # zlib stops short of the input only when the output is full: past the limit.
        chunk = inflater.decompress(data, limit + 1 - held)
        held += len(chunk)
        parts.append(chunk)
        if held > limit:
            raise TooLarge(held, limit)
        if not inflater.eof:
            raise EOFError("Compressed file ended before the end-of-stream marker was reached")
        data = inflater.unused_data.lstrip(b"\x00")
    return b"".join(parts)


def read_capped(stream: BinaryIO | io.BufferedIOBase | io.RawIOBase, limit: int) -> bytes:
    """The rest of ``stream`` (any object with ``read(n)``), or :class:`TooLarge` past
    ``limit`` bytes, read in pieces so that no more than ``limit + 1`` bytes are held."""
    parts: list[bytes] = []
    held = 0
    while held <= limit:
        chunk = stream.read(min(MIB, limit + 1 - held))
        if not chunk:
            return b"".join(parts)
        parts.append(chunk)
        held += len(chunk)
    raise TooLarge(held, limit)


class LongLine:
    """A line longer than the limit: its first bytes and its length (all of it was read
    through, in pieces, to reach the next line)."""

    __slots__ = ("head", "length")

    def __init__(self, head: bytes, length: int) -> None:
        self.head = head
        self.length = length


def capped_lines(
    stream: IO[bytes] | io.BufferedIOBase, limit: int
) -> Iterator[tuple[int, bytes | LongLine]]:
    """(line number, line) of a binary stream, each line read with at most ``limit + 1``
    bytes held; a longer line comes as a :class:`LongLine` and reading goes on after it."""
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) <= limit or (len(line) == limit + 1 and line.endswith(b"\n")):
            yield number, line  # (the newline that ends a line is not counted)
            continue
        head, length = line[:200], len(line)
        while not line.endswith(b"\n"):
            line = stream.readline(MIB)
            if not line:
                break
            length += len(line)
        yield number, LongLine(head, length)


_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def json_depth(raw: bytes, limit: int) -> int | None:
    """The nesting depth of a JSON text when it is deeper than ``limit``, else None.

    A cheap scan instead of a parse: with no more than ``limit`` opening brackets the text
    cannot be too deep (one C-speed count); otherwise strings are cut out and the brackets
    left are counted. ``json.loads`` recurses once per level and fails with RecursionError
    on deep input, so it only ever sees text this scan has passed.
    """
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return None
    brackets = _STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    if len(brackets) <= limit:
        return None
    deepest = max(accumulate(1 if b in (0x5B, 0x7B) else -1 for b in brackets))
    return deepest if deepest > limit else None


GZIP_ERRORS = (OSError, EOFError, zlib.error)  # gzip.BadGzipFile is an OSError


def too_large_file(
    name: str, what: str, limit: int, source_sha256: str | None = None
) -> SourceFailure:
    """The quarantine entry of a page file over the ``page_bytes`` limit (``what``: by how
    much, as it follows the file's name)."""
    return SourceFailure(
        name,
        "too_large",
        f"{name} {what}; a page may have at most {size_text(limit)} "
        "([limits] page_bytes in the recipe)",
        source_sha256=source_sha256,
    )
