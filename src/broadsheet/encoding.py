"""Bytes to text: BOM, declared charset (HTTP header or <meta charset>), then detection."""

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


def charset_from_content_type(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header, if any."""
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return match.group(1) if match else None


def _known(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(data: bytes, content_type: str | None = None) -> str:
    """Decode page bytes to text, never crashing on a wrong declaration.

    Order: byte-order mark, the declared charset (HTTP header, then <meta charset> in the
    first 4 KB), then strict UTF-8, then charset-normalizer's detection.
    Raises ``PageError('undecodable')`` when nothing yields text.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data.decode(name, errors="replace")
    declared = [charset_from_content_type(content_type)]
    meta = _META_CHARSET.search(data[:4096])
    if meta:
        declared.append(meta.group(1).decode("ascii", "ignore"))
    for name in declared:
        codec = _known(name)
        if codec:
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                continue  # a wrong declaration: fall through to detection
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None or best.encoding is None:
        raise PageError(
            "undecodable",
            f"could not decode {len(data)} bytes: not UTF-8 and no encoding could be detected",
        )
    return str(best)
