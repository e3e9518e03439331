"""Bytes to text: BOM, declared charset (HTTP header or <meta charset>), then detection.

Scraped pages lie about their encoding often enough that no single signal can be
trusted, so :func:`decode` tries them in order of reliability:

1. a byte-order mark (it cannot be there by accident);
2. the charset of the HTTP ``Content-Type`` header, then ``<meta charset>`` in the first
   4 KB, with labels mapped as browsers map them (``iso-8859-1`` and ``ascii`` mean
   windows-1252); a declaration the bytes do not satisfy is ignored, and a declared
   single-byte charset loses to bytes that are valid multi-byte UTF-8 (a server default
   of ``ISO-8859-1`` in front of a UTF-8 page is the most common lie on the web), and a
   UTF-16 or UTF-32 label on bytes without a single NUL is ignored;
3. strict UTF-8, then UTF-8 with a few replacement characters when the page is clearly
   UTF-8 with a handful of damaged bytes (a page cut inside a character, a stray byte);
4. charset-normalizer's detection, preferring windows-1252 when it reads the bytes as
   cleanly as the best guess (detectors guess wildly on short Western text).

Nothing here raises anything but ``PageError('undecodable')``.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from broadsheet.errors import PageError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)

# Python codec name -> the codec browsers actually use for that label (WHATWG Encoding).
_BROWSER_CODEC = {
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
}
# A <meta> that says UTF-16 was read as ASCII, so the page cannot be UTF-16.
_META_UTF16 = {"utf-16", "utf-16-le", "utf-16-be"}
_MULTI_BYTE = {
    "utf-8",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "utf-32",
    "utf-32-le",
    "utf-32-be",
    "gb18030",
    "cp932",
    "cp949",
    "big5",
    "big5hkscs",
    "euc_jp",
    "iso2022_jp",
    "utf-7",
}
FALLBACK = "cp1252"
"""Preferred reading of undeclared, non-UTF-8 Western text (the browsers' default)."""

_DAMAGE_RATIO = 10  # a UTF-8 page may have one bad sequence per this many good characters


def charset_from_content_type(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header, if any."""
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return match.group(1) if match else None


def meta_charset(data: bytes) -> str | None:
    """The charset a ``<meta>`` tag declares in the first 4 KB, if any."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii", "ignore") if match else None


def codec_for(label: str | None, *, from_meta: bool = False) -> str | None:
    """The Python codec a browser would use for a charset label; None if unknown or not text."""
    if not label:
        return None
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True):  # base64, rot13, zlib ...
        return None
    if from_meta and info.name in _META_UTF16:
        return "utf-8"
    return _BROWSER_CODEC.get(info.name, info.name)


def _try(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeError, LookupError, ValueError):
        return None


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with replacement characters, when the damage is small next to the valid text."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    non_ascii = len(text) - len(text.encode("ascii", "ignore")) - bad
    return text if bad > 0 and bad * _DAMAGE_RATIO <= non_ascii else None


def _detect(data: bytes) -> str | None:
    best = charset_normalizer.from_bytes(data).best()
    if best is None or best.encoding is None:
        return None
    if best.encoding != FALLBACK and _try(data, FALLBACK) is not None:
        western = charset_normalizer.from_bytes(data, cp_isolation=[FALLBACK]).best()
        if western is not None and western.chaos <= best.chaos + 0.01:
            return str(western)
    return str(best)


def decode(data: bytes, content_type: str | None = None) -> str:
    """Decode page bytes to text, never crashing on a wrong or absurd declaration.

    Order: byte-order mark, the declared charset (HTTP header, then <meta charset>),
    strict UTF-8, lightly damaged UTF-8, then charset-normalizer's detection.
    Raises ``PageError('undecodable')`` when nothing yields text.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data.decode(name, errors="replace")
    utf8 = _try(data, "utf-8")
    declared = (
        codec_for(charset_from_content_type(content_type)),
        codec_for(meta_charset(data), from_meta=True),
    )
    for codec in declared:
        if codec is None:
            continue
        if utf8 is not None and codec not in _MULTI_BYTE and not data.isascii():
            return utf8  # valid multi-byte UTF-8 is no accident; the label is wrong
        if codec.startswith(("utf-16", "utf-32")) and b"\x00" not in data:
            continue  # markup in UTF-16 or UTF-32 always has NUL bytes
        if codec == "utf-8" and utf8 is not None:
            return utf8  # (decoded already: most pages say UTF-8 and are)
        text = _try(data, codec)
        if text is not None:
            return text
    if utf8 is not None:
        return utf8
    text = _mostly_utf8(data) or _detect(data)
    if text is None:
        raise PageError(
            "undecodable",
            f"could not decode {len(data)} bytes (starting {data[:12]!r}): not UTF-8, "
            f"declared charset {declared[0] or declared[1] or 'none'} does not fit, "
            "and no encoding could be detected",
        )
    return text
