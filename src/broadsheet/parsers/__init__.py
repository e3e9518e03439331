"""The parser registry: site parsers first, the generic HTML parser last.

Adding a site is one module in this package, one line in ``REGISTRY`` and golden
fixtures under ``tests/fixtures/``. :func:`parse_page` is the single entry point that
decodes a page once, picks its parser and returns a validated :class:`Article`.
"""

from __future__ import annotations

import re

from pydantic import ValidationError

from broadsheet.errors import PageError
from broadsheet.parsers.base import Document, Parser
from broadsheet.records.model import Article
from broadsheet.sources.encoding import decode
from broadsheet.sources.items import Page
from broadsheet.sources.limits import DEFAULT_LIMITS, Limits

REGISTRY: list[Parser] = []
"""Parsers in the order they are asked to claim a page."""


def register(parser: Parser) -> Parser:
    """Add a parser to the registry (site parsers before the generic HTML parser)."""
    if any(p.name == parser.name for p in REGISTRY):
        raise ValueError(f"a parser named {parser.name!r} is already registered")
    REGISTRY.append(parser)
    return parser


_HTML_SIGNATURE = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.I)
#: C0 control characters but tab, the line breaks (LF, VT, FF, CR) and escape (colour codes).
CONTROL_CHARACTERS = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20)])
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK\x03\x04", b"\x1f\x8b")


def _looks_binary(data: bytes) -> bool:
    head = data[:4096]
    if head.startswith(_BINARY_MAGIC):
        return True
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    return b"\x00" in head and not utf16


def count_controls(text: str) -> int:
    """How many :data:`CONTROL_CHARACTERS` ``text`` holds.

    Counted on its UTF-8 bytes, where each of them is a byte of its own and no other
    character has such a byte: one C-speed pass instead of a regular expression.
    """
    data = text.encode("utf-8", "surrogatepass")
    return len(data) - len(data.translate(None, CONTROL_CHARACTERS))


def load_document(page: Page, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Decode a page once and tell HTML from a text rendering; refuse empty and binary pages.

    ``limits`` (the recipe's ``[limits]``) travel with the document to its parser."""
    if not page.data.strip():
        raise PageError("empty", f"{page.source_file} is empty ({len(page.data)} bytes)")
    if _looks_binary(page.data):
        raise PageError(
            "binary",
            f"{page.source_file} holds binary data (starts with {page.data[:8]!r}), not a page",
        )
    text = decode(page.data, page.content_type)
    sample = text[:5000]
    if count_controls(sample) > max(8, len(sample) // 100):
        raise PageError("binary", f"{page.source_file} decodes to control characters, not text")
    declared_html = bool(page.content_type and "html" in page.content_type.lower())
    return Document(
        page=page,
        text=text,
        is_html=declared_html or bool(_HTML_SIGNATURE.search(sample)),
        limits=limits,
    )


def select_parser(doc: Document) -> Parser:
    """The first registered parser that claims the document, else ``no_parser``."""
    for parser in REGISTRY:
        if parser.claims(doc):
            return parser
    kind = "HTML page" if doc.is_html else "text rendering"
    raise PageError(
        "no_parser",
        f"no parser recognises {doc.page.source_file} ({kind}); registered: "
        + ", ".join(p.ident for p in REGISTRY),
    )


def parse_page(page: Page, limits: Limits = DEFAULT_LIMITS) -> Article:
    """Page bytes to a validated record, or a :class:`PageError` with a reason code."""
    doc = load_document(page, limits)
    parser = select_parser(doc)
    try:
        return parser.parse(doc)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "record"
        raise PageError(
            "invalid_record",
            f"{parser.ident} produced an invalid record: {where}: {first['msg']} "
            f"(got {str(first.get('input'))[:80]!r}); {exc.error_count()} error(s) in all",
        ) from exc


def _register_builtin() -> None:
    # Imported here so that each parser module can import this package's helpers.
    from broadsheet.parsers import almayadeen_text, html_generic

    register(almayadeen_text.PARSER)
    register(html_generic.PARSER)


_register_builtin()
