"""WARC archives (``.warc``, ``.warc.gz``) to pages, one record at a time.

Only ``response`` records with an HTTP 2xx status are pages. Every other record is a
:class:`Skipped` with a countable reason: ``warc_<type>`` for ``request``, ``metadata``,
``revisit``, ``warcinfo``, ``resource`` ... records, ``warc_non_http`` for a response
that carries no HTTP message (``dns:`` lookups), and ``http_<status>`` (``http_404``,
``http_301``) for responses that are not 2xx.

Damage never costs more than it must:

- a record whose ``Content-Length`` disagrees with the record block (the block is not
  followed by the blank lines that end a record, or the file ends inside it) becomes one
  ``corrupt_archive`` failure named after that record, and reading resumes at the next
  record start found after it (a ``WARC/1.x`` line followed by a header field, wherever
  it is: damage may end mid-line; or a gzip member for ``.warc.gz``); so does a record
  whose header runs into the start of another record (a field holding ``WARC/1.``, a
  record type that is no WARC type);
- bytes that cannot be read as a record at all (corrupt gzip, garbage, truncation
  between records, headers that do not end within ``HEADER_BYTES``) become one
  ``corrupt_archive`` failure naming the offsets the damaged stretch runs between, and
  reading resumes the same way; further unreadable candidates in the same damaged stretch
  are not reported again;
- a record whose ``WARC-Block-Digest`` or ``WARC-Payload-Digest`` does not match its bytes
  is a ``checksum_mismatch`` (payload digests of chunked responses are not checked: WARC
  writers disagree on whether they cover the chunked or the decoded body).

Reads are bounded (:mod:`broadsheet.sources.limits`): the HTTP body of a page is read, de-chunked
and decompressed (``Content-Encoding: gzip`` or ``deflate``) as a stream, never past the
recipe's ``page_bytes`` (a larger body is ``too_large``); a body in an encoding with no
bounded decoder here (``br``) is ``unreadable``. Other records are read through in pieces,
never held. ``WARC-Target-URI`` values that are not usable http(s) URLs are dropped and the
page kept; a ``WARC-Date`` that is not a possible capture time is dropped likewise.

Offsets are byte offsets in the archive file (for the usual record-per-member
``.warc.gz``, the offset of the record's gzip member). A ``.warc.gz`` compressed as one
gzip stream is read through a decompressor; its offsets are positions in the
decompressed stream.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import re
import zlib
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from broadsheet.sources.items import Page, RecordRef, Skipped, SourceFailure, SourceItem
from broadsheet.sources.limits import DEFAULT_LIMITS, Limits
from broadsheet.sources.location import open_input, stream_size
from broadsheet.sources.sanitize import kept_url, parse_capture_time
from broadsheet.sources.warcbounds import (
    HEADER_BYTES,
    HeaderBudget,
    HeaderTooLong,
    Stream,
    read_body,
)

log = logging.getLogger(__name__)

_CHUNK = 1 << 20
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_START = re.compile(rb"WARC/1\.[01]\r?\n[A-Za-z][A-Za-z0-9-]*:")
"""A record's first line and the name of its first header field: where reading resumes
after damage, wherever it is (damage may end in the middle of a line)."""
_REC_TYPE = re.compile(r"[a-z][a-z0-9_-]*")
_READ_ERRORS = (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error)


class _Iterator(ArchiveIterator):  # type: ignore[misc]
    # warcio prints a warning when a record is not followed by blank lines; that case is
    # reported as a SourceFailure instead (detected through ``err_count``).
    INC_RECORD = ""


@dataclass(frozen=True, slots=True)
class _Damage:
    offset: int
    message: str
    reported: bool  # already yielded as a record-level failure
    resume: int | None = None  # where reading resumes (known when reported)


class _NotChunked(Exception):
    """The .warc.gz is one gzip stream, not one gzip member per record."""


def iter_warc(
    path: str | Path, name: str, limits: Limits = DEFAULT_LIMITS, refs: bool = False
) -> Iterator[SourceItem | RecordRef]:
    """Pages, skips and failures of one WARC file, in archive order.

    With ``refs``, a page record is listed, not read: it comes as a :class:`RecordRef` (its
    offset) once its headers and length have been checked, for :func:`read_warc_record` to
    read wherever it runs. A ``.warc.gz`` that is one gzip stream cannot be entered at a
    record's offset: its pages are read here whatever ``refs`` says.
    """
    path = os.fspath(path)  # a local path or a URL (broadsheet.sources.location)
    try:
        fh, size, members = _opened(path, sequential=True)
    except OSError as exc:
        yield SourceFailure(name, "unreadable", f"cannot read {name}: {exc.strerror or exc}")
        return
    with fh:
        reader = _Reader(name, fh, size, members, limits, listed=path if refs else None)
        try:
            yield from reader.run()
            return
        except _NotChunked:
            done = reader.records
    try:
        raw = open_input(path, sequential=True)
    except OSError as exc:
        yield SourceFailure(name, "unreadable", f"cannot read {name}: {exc.strerror or exc}")
        return
    with raw, gzip.open(raw, "rb") as stream:
        yield from _Reader(name, _ShortReads(stream), None, False, limits, skip=done).run()


def read_warc_record(ref: RecordRef, limits: Limits = DEFAULT_LIMITS) -> SourceItem:
    """The page (or failure) of the record a :class:`RecordRef` lists, read wherever this
    runs: the item that reading the archive through gives for it."""
    name = ref.container
    try:
        fh, size, members = _opened(ref.path)
    except OSError as exc:
        return SourceFailure(
            ref.source_file, "unreadable", f"cannot read {name}: {exc.strerror or exc}"
        )
    with fh:
        return _Reader(name, fh, size, members, limits).one(ref.offset)


def _opened(path: str, sequential: bool = False) -> tuple[IO[bytes], int, bool]:
    """An archive open, its size, and whether it starts as gzip does (raises ``OSError``)."""
    fh = open_input(path, sequential=sequential)
    try:
        return fh, stream_size(fh), fh.read(2) == _GZIP_MAGIC[:2]
    except OSError:
        fh.close()
        raise


class _ShortReads:
    """A gzip stream read one decompressed piece at a time.

    ``GzipFile.read(n)`` raises on a truncated file and drops the ``n`` bytes it had
    gathered; ``read1`` hands them over, so the records before the damage are kept.
    """

    def __init__(self, stream: gzip.GzipFile) -> None:
        self.stream = stream

    def read(self, size: int = -1, /) -> bytes:
        return self.stream.read1(size if size > 0 else _CHUNK)

    def seek(self, offset: int, whence: int = 0, /) -> int:
        return self.stream.seek(offset, whence)

    def tell(self) -> int:
        return self.stream.tell()


class _Reader:
    """One pass over an archive, resynchronising after damage."""

    def __init__(
        self,
        name: str,
        fh: Stream,
        size: int | None,
        members: bool,
        limits: Limits,
        skip: int = 0,
        listed: str | None = None,
    ) -> None:
        self.name = name
        self.listed = listed  # the archive's path when page records are listed, not read
        self.limit = limits.page_bytes
        self.fh = fh
        self.size = size  # known for files read as they are; None for a decompressed stream
        self.members = members
        self.skip = skip
        self.records = 0  # records read so far (to resume a one-stream .warc.gz)
        self.quiet = False  # inside a damaged stretch that was already reported

    def run(self) -> Iterator[SourceItem | RecordRef]:
        start: int | None = 0
        while start is not None:
            damage = yield from self._segment(start)
            if damage is None:
                return
            if damage.reported:
                resume = damage.resume
            else:
                resume = self._next_start(max(damage.offset, start) + 1)  # always forward
                if not self.quiet:
                    where = f"{self.name}#{damage.offset}"
                    message = damage.message + _stretch(damage.offset, resume)
                    yield SourceFailure(where, "corrupt_archive", message)
            self.quiet = True
            start = resume

    def _segment(self, start: int) -> Generator[SourceItem | RecordRef, None, _Damage | None]:
        """Read records from ``start`` until the end (None) or damage (returned)."""
        budget = HeaderBudget(self.fh)
        try:
            self.fh.seek(start)
            budget.left = HEADER_BYTES
            it = _Iterator(budget, check_digests=True)
        except (*_READ_ERRORS, HeaderTooLong) as exc:
            return _Damage(start, f"cannot read {self.name} at offset {start}: {exc}", False)
        while True:
            offset = it.offset
            budget.left = HEADER_BYTES
            try:
                record = next(it)
            except StopIteration:
                return self._check_end(it.offset)
            except Exception as exc:  # warcio on damaged bytes: any error means "unreadable"
                if self.members and start == 0 and "non-chunked" in str(exc):
                    raise _NotChunked from exc
                return _Damage(offset, _unreadable(self.name, offset, exc), False)
            finally:
                budget.left = None
            where = f"{self.name}#{offset}"
            try:
                item, problem = self._record(it, record, offset)
            except Exception as exc:
                item, problem = None, f"{where}: the record cannot be read: {_text(exc)}"
            if problem is not None:
                resume = self._next_start(offset + 1)
                yield SourceFailure(where, "corrupt_archive", problem + _stretch(offset, resume))
                return _Damage(offset, problem, True, resume)
            self.quiet = False
            self.records += 1
            if self.records > self.skip and item is not None:
                yield item

    def one(self, offset: int) -> SourceItem:
        """The item of the one record at ``offset`` (a page's, as :meth:`run` found it)."""
        where = f"{self.name}#{offset}"
        problem: str | None
        budget = HeaderBudget(self.fh)
        try:
            self.fh.seek(offset)
            budget.left = HEADER_BYTES
            it = _Iterator(budget, check_digests=True)
            record = next(it)
        except StopIteration:
            message = (
                f"{where}: no record starts here any more: the archive changed after it was listed"
            )
            return SourceFailure(where, "corrupt_archive", message)
        except Exception as exc:  # warcio on damaged bytes: any error means "unreadable"
            problem = _unreadable(self.name, offset, exc)
        else:
            budget.left = None
            try:
                item, problem = self._record(it, record, offset)
            except Exception as exc:
                item, problem = None, f"{where}: the record cannot be read: {_text(exc)}"
            if problem is None and item is not None and not isinstance(item, RecordRef):
                return item
        resume = self._next_start(offset + 1)
        return SourceFailure(where, "corrupt_archive", (problem or "") + _stretch(offset, resume))

    def _record(
        self, it: Any, record: Any, offset: int
    ) -> tuple[SourceItem | RecordRef | None, str | None]:
        """The record's item, or the problem with its length."""
        where = f"{self.name}#{offset}"
        declared = record.rec_headers.get_header("Content-Length")
        if record.length is None or declared is None or not declared.strip().isdigit():
            return None, (
                f"{where}: the record header has no valid Content-Length (got {declared!r}): "
                "the header is damaged or cut short"
            )
        rec_type = (record.rec_type or "unknown").lower()
        merged = [n for n, v in record.rec_headers.headers if "WARC/1." in v or "WARC/1." in n]
        if merged or not _REC_TYPE.fullmatch(rec_type):
            what = f"the field {merged[0]!r}" if merged else f"its type {rec_type[:40]!r}"
            return None, (
                f"{where}: the record header is damaged ({what} runs into the start of "
                "another record, or is not a WARC field): the record was cut short"
            )
        http = record.http_headers
        status = http.get_statuscode() if http is not None else None
        is_page = rec_type == "response" and status is not None and status.startswith("2")
        body = read_body(record, self.limit, where) if is_page and not self.listed else b""
        while record.raw_stream.read(_CHUNK):
            pass  # the rest of the block: needed for the length and digest checks
        before = it.err_count
        it.read_to_end()
        if record.raw_stream.limit > 0:
            got = int(declared) - record.raw_stream.limit
            return None, (
                f"{where}: the file ends inside the record ({got} of the {declared} bytes its "
                "Content-Length announces): truncated archive"
            )
        if it.err_count > before:
            return None, (
                f"{where}: the record is not followed by the blank lines that end a record: "
                f"its Content-Length ({declared}) does not match its block"
            )
        if rec_type != "response":
            return Skipped(where, f"warc_{_slug(rec_type)}"), None
        if http is None or status is None:
            return Skipped(where, "warc_non_http"), None
        if not is_page:
            return Skipped(where, f"http_{status if status.isdigit() else 'invalid'}"), None
        if self.listed is not None:
            return RecordRef(self.listed, self.name, "warc", offset, int(declared)), None
        if isinstance(body, SourceFailure):
            return body, None
        data = body
        digest = _digest_problem(record)
        if digest is not None:
            failure = SourceFailure(
                where,
                "checksum_mismatch",
                f"{where}: {digest}; the record's bytes are not the bytes that were archived",
                source_sha256=hashlib.sha256(data).hexdigest(),
            )
            return failure, None
        return _page(record, data, where), None

    def _check_end(self, end: int) -> _Damage | None:
        """warcio stops quietly at data it cannot read: make sure the archive really ended."""
        if self.size is not None:
            if end >= self.size:
                return None
            rest = f"the {self.size - end} bytes from offset {end}"
        else:
            try:
                if not self.fh.read(1):
                    return None
                rest = f"the data from offset {end}"
            except _READ_ERRORS as exc:
                rest = f"the compressed stream after offset {end} ({exc})"
        message = f"{self.name}: {rest} cannot be read as WARC records (truncated or corrupt)"
        return _Damage(end, message, False)

    def _next_start(self, position: int) -> int | None:
        """Offset of the first plausible record start at or after ``position``."""
        pos = position
        carry = b""
        try:
            self.fh.seek(pos)
            while True:
                chunk = self.fh.read(_CHUNK)
                if not chunk:
                    return None
                buf = carry + chunk
                base = pos - len(carry)
                if self.members:
                    found = buf.find(_GZIP_MAGIC)
                    if found >= 0:
                        return base + found
                else:
                    match = _WARC_START.search(buf)
                    if match:
                        return base + match.start()
                carry = buf[-64:]
                pos += len(chunk)
        except (OSError, EOFError, ValueError):
            return None  # a damaged one-stream gzip cannot be read past the damage


def _page(record: Any, data: bytes, where: str) -> Page:
    headers = record.rec_headers
    target = (headers.get_header("WARC-Target-URI") or "").strip().strip("<>").strip() or None
    url = kept_url(target, where, log, "WARC-Target-URI: ")
    date = headers.get_header("WARC-Date")
    try:
        captured = parse_capture_time(date) if date else None
    except ValueError as exc:
        log.warning("%s: WARC-Date: %s; the page is kept without it", where, exc)
        captured = None
    content_type = record.http_headers.get_header("Content-Type")
    if content_type is not None and (len(content_type) > 200 or not content_type.isprintable()):
        content_type = None  # (a header no server sends; the bytes decide the charset)
    return Page(where, data, url=url, captured_at=captured, content_type=content_type)


def _digest_problem(record: Any) -> str | None:
    """The first digest the record's bytes fail, if any."""
    problems = list(record.digest_checker.problems) if record.digest_checker else []
    chunked = (record.http_headers.get_header("Transfer-Encoding") or "").lower() == "chunked"
    if chunked:
        problems = [p for p in problems if not p.startswith("payload")]
    return str(problems[0]) if problems else None


def _stretch(offset: int, resume: int | None) -> str:
    """Where a damaged stretch ends, for a message."""
    if resume is None:
        return f"; no record start follows offset {offset}"
    return f"; the damaged bytes run from offset {offset} to {resume}, where reading resumes"


def _text(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__


def _unreadable(name: str, offset: int, exc: BaseException) -> str:
    return f"{name}: no readable WARC record at offset {offset} ({_text(exc)})"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_") or "unknown"
