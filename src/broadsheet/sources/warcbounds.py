"""Bounded reads of WARC records: a budget for a record's headers, and its HTTP body.

warcio reads a header line whole, so a line without end (a compression bomb, a damaged
stretch) would be held in memory entire: :class:`HeaderBudget` stops it after
:data:`HEADER_BYTES` of the archive. A page's HTTP body is read, de-chunked and its
``Content-Encoding`` (gzip or deflate) undone as a stream, never past ``page_bytes``
(:func:`read_body`); a body in an encoding with no bounded decoder here (``br``) is
``unreadable``.
"""

from __future__ import annotations

import hashlib
import zlib
from typing import Any, Protocol

from warcio.bufferedreaders import ChunkedDataReader

from broadsheet.sources.items import SourceFailure
from broadsheet.sources.limits import TooLarge, read_capped, size_text


class Stream(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...
    def seek(self, offset: int, whence: int = 0, /) -> int: ...
    def tell(self) -> int: ...


HEADER_BYTES = 64 * 1024
"""Most archive bytes read while looking for one record's WARC and HTTP headers."""


class HeaderTooLong(Exception):
    def __init__(self) -> None:
        super().__init__(
            f"the record's headers run past {HEADER_BYTES // 1024} KiB of the archive "
            "without ending"
        )


class HeaderBudget:
    """The archive as warcio reads it, with a budget while a record's headers are read:
    warcio reads a header line whole, so a line without end (a compression bomb, a
    damaged stretch) would otherwise be held in memory entire."""

    def __init__(self, fh: Stream) -> None:
        self.fh = fh
        self.left: int | None = None

    def read(self, size: int = -1, /) -> bytes:
        data = self.fh.read(size)
        if self.left is not None:
            self.left -= len(data)
            if self.left < 0:
                raise HeaderTooLong
        return data

    def seek(self, offset: int, whence: int = 0, /) -> int:
        return self.fh.seek(offset, whence)

    def tell(self) -> int:
        return self.fh.tell()


def read_body(record: Any, limit: int, where: str) -> bytes | SourceFailure:
    """The HTTP body of a page record, de-chunked and decoded, at most ``limit`` bytes."""
    http = record.http_headers
    encoding = (http.get_header("Content-Encoding") or "").strip().lower()
    chunked = (http.get_header("Transfer-Encoding") or "").strip().lower() == "chunked"
    stream = ChunkedDataReader(record.raw_stream) if chunked else record.raw_stream
    try:
        raw = read_capped(stream, limit)
        if encoding in ("gzip", "x-gzip", "deflate"):
            return inflate(raw, encoding, limit)
    except TooLarge:
        how = "once decoded " if encoding else ""
        return SourceFailure(
            where,
            "too_large",
            f"{where}: the HTTP body {how}is more than {size_text(limit)}, the most a page "
            "may have ([limits] page_bytes in the recipe)",
        )
    if encoding in ("br", "zstd", "compress"):
        return SourceFailure(
            where,
            "unreadable",
            f"{where}: the HTTP body is compressed with Content-Encoding {encoding!r}, "
            "which is not decoded here (gzip and deflate are)",
            source_sha256=hashlib.sha256(raw).hexdigest(),
        )
    return raw


def inflate(raw: bytes, encoding: str, limit: int) -> bytes:
    """A gzip or deflate body decoded, producing at most ``limit + 1`` bytes
    (:class:`TooLarge` beyond). A body that does not decode from its first byte is taken
    as sent uncompressed (as warcio does); one damaged midway keeps what decoded."""
    modes = (16 + zlib.MAX_WBITS,) if "gzip" in encoding else (zlib.MAX_WBITS, -zlib.MAX_WBITS)
    for wbits in modes:
        inflater = zlib.decompressobj(wbits)
        out = b""
        try:
            # zlib stops short of the input only when the output is full: past the limit
            out = inflater.decompress(raw, limit + 1)
        except zlib.error:
            if not out:
                continue
        if len(out) > limit:
            raise TooLarge(len(out), limit)
        return out
    return raw
