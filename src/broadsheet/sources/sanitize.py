"""Values from outside, checked at the edge: URLs, capture times and file names.

What a manifest, a WARC header or a JSONL line says about a page is data from strangers.
Each value is checked where it enters, so that nothing downstream meets a URL that
``urlsplit`` cannot read, a time that cannot be converted to UTC, or a name that cannot be
written as UTF-8:

- :func:`clean_url`: an absolute ``http`` or ``https`` URL with a host, no control
  characters, no surrogates, at most :data:`MAX_URL_CHARS` characters; anything else
  raises ``ValueError`` saying what is wrong. The sources drop such a URL and keep the
  page (a record's URL is optional): a manifest row reports it as ``invalid_manifest``, a
  WARC record or JSONL line logs it.
- :func:`parse_capture_time`: an ISO 8601 date-time in UTC between
  :data:`EARLIEST_CAPTURE` and :data:`LATEST_CAPTURE`.
- :func:`readable_name`: a file name as valid UTF-8 text, bytes that are not UTF-8 written
  as ``%XX`` (``caf\\xe9.html`` becomes ``caf%E9.html``).
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

MAX_URL_CHARS = 8192
"""Longest URL kept (browsers and servers refuse far shorter ones)."""

EARLIEST_CAPTURE = datetime(1991, 1, 1, tzinfo=UTC)
"""No web page was captured before the web existed."""

LATEST_CAPTURE = datetime(2100, 1, 1, tzinfo=UTC)
"""Later capture times are placeholders (``9999-12-31``) or errors, never a real capture."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
SURROGATES = re.compile(r"[\ud800-\udfff]")
"""Lone surrogates: not Unicode characters, and not writable as UTF-8."""
_BAD_HOST = re.compile(r"[\s<>\"{}|\\^`]")
_SCHEMES = ("http", "https")


def shorten(value: str, size: int = 80) -> str:
    """``repr`` of a value cut to about ``size`` characters, for messages."""
    text = repr(value[: size + 1])
    return text if len(value) <= size else text[:-1] + "..." + text[-1]


def _check_text(value: str, what: str) -> None:
    if SURROGATES.search(value):
        raise ValueError(f"{what} {shorten(value)} holds a lone surrogate (not valid Unicode)")
    bad = _CONTROL.search(value)
    if bad:
        raise ValueError(
            f"{what} {shorten(value)} holds the control character {bad.group()!r} at {bad.start()}"
        )


def clean_url(value: str) -> str:
    """``value`` stripped, when it is a usable page URL; else ``ValueError`` saying why."""
    url = value.strip()
    if len(url) > MAX_URL_CHARS:
        raise ValueError(
            f"the URL {shorten(url)} is {len(url)} characters long, "
            f"more than the {MAX_URL_CHARS} a URL may have"
        )
    _check_text(url, "the URL")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number in range
    except ValueError as exc:
        raise ValueError(f"the URL {shorten(url)} cannot be read: {exc}") from None
    if parts.scheme.lower() not in _SCHEMES:
        scheme = f"the scheme {parts.scheme!r}" if parts.scheme else "no scheme"
        raise ValueError(f"the URL {shorten(url)} has {scheme}, expected http or https")
    if not host:
        raise ValueError(f"the URL {shorten(url)} has no host")
    if _BAD_HOST.search(host):
        raise ValueError(f"the host of the URL {shorten(url)} holds characters a host cannot")
    return url


def kept_url(value: str | None, where: str, log: logging.Logger, field: str = "") -> str | None:
    """:func:`clean_url` of a page's stated URL, or None with a warning when it is not usable:
    the page itself is kept. ``field`` names where the URL was read (e.g. a WARC header)."""
    if value is None:
        return None
    try:
        return clean_url(value)
    except ValueError as exc:
        log.warning("%s: %s%s; the page is kept without it", where, field, exc)
        return None


def parse_capture_time(value: str) -> datetime:
    """An ISO 8601 date or date-time, in UTC (a time without a zone is taken as UTC),
    between :data:`EARLIEST_CAPTURE` and :data:`LATEST_CAPTURE`.

    Raises ``ValueError`` naming the value and what was expected.
    """
    text = value.strip()
    _check_text(text, "the time")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{shorten(text)} is not an ISO 8601 date-time") from None
    try:
        parsed = parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00 is before the first UTC year
        parsed = EARLIEST_CAPTURE.replace(year=1)
    if not EARLIEST_CAPTURE <= parsed < LATEST_CAPTURE:
        raise ValueError(
            f"{shorten(text)} is not a possible capture time "
            f"(expected from {EARLIEST_CAPTURE:%Y-%m-%d} to before {LATEST_CAPTURE:%Y-%m-%d})"
        )
    return parsed


def readable_name(name: str) -> str:
    """A path from the file system as valid UTF-8 text.

    Names are decoded by Python with ``surrogateescape``: a byte that is not UTF-8 becomes a
    lone surrogate, which no UTF-8 file can hold. Such bytes are written ``%XX`` instead.
    """
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        pass
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that no byte decoded to
        return name.encode("utf-8", "backslashreplace").decode("utf-8")
    out: list[str] = []
    rest = raw
    while rest:
        try:
            out.append(rest.decode("utf-8"))
            break
        except UnicodeDecodeError as exc:
            out.append(rest[: exc.start].decode("utf-8"))
            out.append("".join(f"%{b:02X}" for b in rest[exc.start : exc.end]))
            rest = rest[exc.end :]
    return "".join(out)
