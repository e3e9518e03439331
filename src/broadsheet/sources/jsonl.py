"""JSONL dumps (``.jsonl``, ``.jsonl.gz``): one page per line, streamed with bounded memory.

Each line is read with at most ``line_bytes`` held (a longer one is ``too_large``, and
reading goes on at the next line), its nesting is measured before it is parsed (deeper than
``json_depth``: ``too_deep``), and a ``.jsonl.gz`` is decompressed as it is read, so a
compression bomb costs time, never memory. A line's ``url`` that cannot be used is dropped
and the page kept (:func:`broadsheet.sources.sanitize.clean_url`); a ``captured_at`` that is not a
possible capture time makes the line ``invalid_jsonl``.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from broadsheet.sources.items import Page, RecordRef, SourceFailure, SourceItem
from broadsheet.sources.limits import (
    GZIP_ERRORS,
    Limits,
    LongLine,
    capped_lines,
    json_depth,
    size_text,
)
from broadsheet.sources.location import open_input, read_range
from broadsheet.sources.sanitize import kept_url, parse_capture_time, shorten

log = logging.getLogger(__name__)


def jsonl_lines(
    path: str | Path, name: str, limits: Limits
) -> Iterator[tuple[int, bytes, int] | SourceFailure]:
    """(line number, line, byte offset) of a JSONL file's lines that may be parsed, or a
    failure for one that may not (too long, too deep) or for damage that ends the file
    (offsets are positions in the decompressed text of a ``.jsonl.gz``)."""
    try:
        fh = _open_binary(os.fspath(path), name)
    except OSError as exc:
        yield SourceFailure(name, "unreadable", f"cannot read {name}: {exc.strerror or exc}")
        return
    number = 0
    with fh:
        try:
            for number, raw in capped_lines(fh, limits.line_bytes):
                if isinstance(raw, LongLine):
                    yield SourceFailure(
                        f"{name}#L{number}",
                        "too_large",
                        f"{name} line {number} is {size_text(raw.length)} long, more than the "
                        f"{size_text(limits.line_bytes)} a line may have ([limits] line_bytes); "
                        f"it starts {raw.head[:40]!r}",
                    )
                    continue
                if not raw.strip():
                    continue
                depth = json_depth(raw, limits.json_depth)
                if depth is not None:
                    yield SourceFailure(
                        f"{name}#L{number}",
                        "too_deep",
                        f"{name} line {number} nests arrays or objects {depth} levels deep, "
                        f"more than the {limits.json_depth} allowed ([limits] json_depth)",
                    )
                    continue
                yield number, raw, fh.tell() - len(raw)
        except GZIP_ERRORS as exc:
            read = f"after line {number}" if number else "before its first line"
            if isinstance(exc, OSError) and not isinstance(exc, gzip.BadGzipFile):
                what, code = f"cannot be read {read}: {exc.strerror or exc}", "unreadable"
            else:
                what, code = f"is damaged {read}: {exc}", "corrupt_archive"
            yield SourceFailure(
                f"{name}#L{number + 1}", code, f"{name} {what}; the lines before were read"
            )


def _open_binary(path: str, name: str) -> IO[bytes] | gzip.GzipFile:
    """A file's bytes (a local path or a URL), gunzipped on the fly when its name (``name``:
    the file's own, not a URL's) ends in .gz."""
    fh = open_input(path, sequential=True)
    if name.lower().endswith(".gz"):
        return _Gunzipped(fh)
    return fh


class _Gunzipped(gzip.GzipFile):
    """A gzip stream that closes the file it reads when it is closed."""

    def __init__(self, fh: IO[bytes]) -> None:
        super().__init__(fileobj=fh, mode="rb")
        self._file = fh

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._file.close()


def iter_jsonl(
    path: str | Path, name: str, limits: Limits, refs: bool = False
) -> Iterator[SourceItem | RecordRef]:
    """One page per line of a JSONL file (a local path or a URL; gunzipped when ``name``
    ends in .gz), streamed; with ``refs``, the lines of a plain ``.jsonl`` are listed (where
    each starts), not parsed."""
    path = os.fspath(path)
    listed = refs and not name.lower().endswith(".gz")
    for line in jsonl_lines(path, name, limits):
        if isinstance(line, SourceFailure):
            yield line
        elif listed:
            yield RecordRef(path, name, "jsonl", line[2], len(line[1]), line[0])
        else:
            yield checked_item(line[1], name, line[0], limits)


def read_jsonl_line(ref: RecordRef, limits: Limits) -> SourceItem:
    """The page (or failure) of the line a :class:`RecordRef` lists, read wherever this
    runs: the item that reading the file through gives for it."""
    try:
        raw = read_range(ref.path, ref.offset, ref.size)
    except OSError as exc:
        return SourceFailure(
            ref.source_file, "unreadable", f"cannot read {ref.container}: {exc.strerror or exc}"
        )
    if len(raw) < ref.size:
        return SourceFailure(
            ref.source_file,
            "unreadable",
            f"{ref.container} line {ref.line} is cut short: the file changed after it was listed",
        )
    return checked_item(raw, ref.container, ref.line, limits)


def checked_item(raw: bytes, name: str, number: int, limits: Limits) -> SourceItem:
    """:func:`jsonl_item`, with a page over ``page_bytes`` refused."""
    item = jsonl_item(raw, name, number)
    if isinstance(item, Page) and len(item.data) > limits.page_bytes:
        return too_large_page(item, limits.page_bytes)
    return item


def too_large_page(page: Page, limit: int) -> SourceFailure:
    """The failure of a page of a line that holds more than ``page_bytes``."""
    return SourceFailure(
        page.source_file,
        "too_large",
        f"{page.source_file}: the page is {size_text(len(page.data))}, more than the "
        f"{size_text(limit)} a page may have ([limits] page_bytes)",
        source_sha256=page.sha256,
    )


def jsonl_item(raw: bytes, name: str, number: int) -> SourceItem:
    """The page of one line, or why it is not one."""
    where = f"{name}#L{number}"

    def invalid(what: str) -> SourceFailure:
        return SourceFailure(where, "invalid_jsonl", f"{name} line {number}: {what}")

    try:
        obj = json.loads(raw.decode("utf-8-sig" if number == 1 else "utf-8"))
    except UnicodeDecodeError as exc:
        return invalid(f"not UTF-8 (byte {raw[exc.start : exc.start + 1]!r} at {exc.start})")
    except json.JSONDecodeError as exc:
        return invalid(f"not JSON ({exc})")
    except RecursionError:  # (the depth scan is passed first: a safety net only)
        return invalid("nested too deeply to parse")
    if not isinstance(obj, dict):
        return invalid(f"a JSON {type(obj).__name__}, expected an object with 'html' or 'text'")
    kind = "html" if obj.get("html") is not None else "text"
    body = obj.get(kind)
    if not isinstance(body, str):
        if body is None:
            keys = ", ".join(shorten(str(k), 40) for k in sorted(obj)[:20])
            return invalid(f"no 'html' or 'text' field (keys: {keys or 'none'})")
        return invalid(f"'{kind}' is a {type(body).__name__}, expected a string")
    for key in ("url", "captured_at", "content_type"):
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            text = repr(value)
            text = text if len(text) <= 80 else text[:80] + "..."
            return invalid(f"'{key}' is {text}, expected a string")
    try:
        captured = parse_capture_time(obj["captured_at"]) if obj.get("captured_at") else None
    except ValueError as exc:
        return invalid(f"captured_at {exc}")
    url = kept_url(obj.get("url") or None, where, log)
    # The text is stored as UTF-8 whatever charset the original page had.
    media = (obj.get("content_type") or "").split(";")[0].strip()
    if _has_bad_text(media):
        media = ""
    media = media or ("text/html" if kind == "html" else "text/plain")
    return Page(
        where,
        body.encode("utf-8", errors="replace"),
        url=url,
        captured_at=captured,
        content_type=f"{media}; charset=utf-8",
    )


def _has_bad_text(value: str) -> bool:
    """A media type no HTTP header can carry (controls, surrogates, not ASCII, too long)."""
    return len(value) > 200 or not value.isascii() or not value.isprintable()
