"""The parser registry: site parsers first, generic parsers (the HTML one) last.

The registry holds the built-in parsers and those that installed packages declare in the
``broadsheet.parsers`` entry-point group (:data:`ENTRY_POINT_GROUP`): a site parser is one
module, one entry point and golden fixtures, with no change to broadsheet. Plugins are
loaded once per process, the first time a page is parsed or :func:`registry` is called, so
every engine (the build process, process workers, Dask workers) reads the same registry from
the same installed packages. :func:`parse_page` is the single entry point that decodes a
page once, picks its parser and returns a validated :class:`Article`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import metadata
from typing import Literal

from pydantic import ValidationError

from broadsheet import __version__
from broadsheet.errors import PageError, UsageError
from broadsheet.parsers.base import Document, Parser
from broadsheet.records.model import Article
from broadsheet.sources.encoding import decode
from broadsheet.sources.items import Page
from broadsheet.sources.limits import DEFAULT_LIMITS, Limits

ENTRY_POINT_GROUP = "broadsheet.parsers"
"""The entry-point group in which a package declares its parsers (a Parser or its class)."""

REGISTRY: list[Parser] = []
"""Parsers in the order they are asked to claim a page."""

Origin = Literal["builtin", "entry_point", "runtime"]


@dataclass(frozen=True, slots=True)
class ParserInfo:
    """Where a registered parser comes from (shown by ``broadsheet parsers``)."""

    name: str
    version: str
    distribution: str
    """The installed distribution that declares it ("broadsheet" for the built-in ones)."""
    distribution_version: str
    origin: Origin
    generic: bool
    summary: str


_INFO: dict[str, ParserInfo] = {}
_plugins_loaded = False
_NAME = re.compile(r"[a-z0-9_.-]+")
_VERSION = re.compile(r"\d+\.\d+(\.\d+)?")


def _check(parser: object, where: str) -> Parser:
    if isinstance(parser, type) and issubclass(parser, Parser):
        parser = parser()
    if not isinstance(parser, Parser):
        raise UsageError(
            "parser_plugin",
            f"{where} gives {parser!r}, not a broadsheet.parsers.base.Parser (or its class)",
        )
    name, version = getattr(parser, "name", None), getattr(parser, "version", None)
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise UsageError(
            "parser_plugin", f"{where}: parser name {name!r} is not lower-case [a-z0-9_.-]+"
        )
    if not isinstance(version, str) or not _VERSION.fullmatch(version):
        raise UsageError(
            "parser_plugin", f"{where}: parser {name} has version {version!r}, expected X.Y"
        )
    if name in _INFO:
        other = _INFO[name]
        raise UsageError(
            "parser_plugin",
            f"{where}: a parser named {name!r} is already registered "
            f"(from {other.distribution}, {other.origin})",
        )
    return parser


def _add(parser: Parser, distribution: str, dist_version: str, origin: Origin) -> None:
    """Put ``parser`` after the site parsers already there (a generic one at the end)."""
    _INFO[parser.name] = ParserInfo(
        parser.name,
        parser.version,
        distribution,
        dist_version,
        origin,
        parser.generic,
        parser.summary,
    )
    if parser.generic:
        REGISTRY.append(parser)
        return
    first_generic = next((i for i, p in enumerate(REGISTRY) if p.generic), len(REGISTRY))
    REGISTRY.insert(first_generic, parser)


def register(parser: Parser) -> Parser:
    """Add a parser to this process's registry, at run time.

    Only the serial engine sees such a parser: a build with worker processes or Dask refuses
    to start (``runtime_parser``) rather than parse with another registry on its workers.
    Declare the parser in the ``broadsheet.parsers`` entry-point group for every engine.
    """
    _add(_check(parser, "register()"), parser.__module__, "", "runtime")
    return parser


def load_plugins(reload: bool = False) -> None:
    """Add the parsers of the ``broadsheet.parsers`` entry points (once per process;
    ``reload`` reads the entry points again, e.g. after installing a plugin).

    Sorted by parser name, site parsers before the generic ones; a plugin that fails to
    load or gives no valid parser is a :class:`UsageError` (``parser_plugin``) naming it.
    """
    global _plugins_loaded
    if reload:
        for name in [n for n, info in _INFO.items() if info.origin == "entry_point"]:
            del _INFO[name]
            REGISTRY[:] = [p for p in REGISTRY if p.name != name]
        _plugins_loaded = False
    if _plugins_loaded:
        return
    _plugins_loaded = True
    found: list[tuple[Parser, str, str]] = []
    for point in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        dist = point.dist
        dist_name = dist.name if dist is not None else "unknown"
        dist_version = dist.version if dist is not None else ""
        where = f"entry point {point.name!r} = {point.value!r} of {dist_name}"
        try:
            loaded = point.load()
        except Exception as exc:
            raise UsageError(
                "parser_plugin", f"{where} failed to load: {type(exc).__name__}: {exc}"
            ) from exc
        found.append((_check(loaded, where), dist_name, dist_version))
    for parser, dist_name, dist_version in sorted(found, key=lambda f: f[0].name):
        _add(parser, dist_name, dist_version, "entry_point")


def registry() -> list[Parser]:
    """Every registered parser, in the order they are asked (plugins loaded first)."""
    load_plugins()
    return REGISTRY


def parser_infos() -> list[ParserInfo]:
    """Where each registered parser comes from, in registry order."""
    return [
        _INFO.get(p.name) or ParserInfo(p.name, p.version, "unknown", "", "runtime", p.generic, "")
        for p in registry()
    ]


def parser_info(ident: str) -> ParserInfo | None:
    """The registered parser that wrote ``name@version`` in a record, if it is that version."""
    name, _, version = ident.partition("@")
    info = _INFO.get(name)
    return info if info is not None and info.version == version else None


def unshared_parsers() -> list[str]:
    """Parsers of this process's registry that worker processes would not load: registered
    at run time (:func:`register`, or the list changed by hand), as ``name@version``."""
    return [
        p.ident
        for p in registry()
        if (info := _INFO.get(p.name)) is None or info.origin == "runtime"
    ]


def registry_idents() -> list[str]:
    """``name@version`` of each parser a fresh process loads (run on a worker to compare)."""
    return [p.ident for p in registry()]


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
        # Every signature opens with '<': a text rendering (none) is told at C speed.
        is_html=declared_html or ("<" in sample and _HTML_SIGNATURE.search(sample) is not None),
        limits=limits,
    )


def select_parser(doc: Document) -> Parser:
    """The first registered parser that claims the document, else ``no_parser``."""
    load_plugins()
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

    for parser in (almayadeen_text.PARSER, html_generic.PARSER):
        _add(parser, "broadsheet", __version__, "builtin")


_register_builtin()
