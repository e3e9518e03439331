"""Helpers shared by parsers: language id, sections, credits, whitespace and record assembly."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from broadsheet.errors import PageError
from broadsheet.records.model import (
    DERIVED_HERE,
    Article,
    Block,
    DatePrecision,
    DateSource,
    Image,
    Related,
    count_words,
    make_id,
    prose_text,
    reading_minutes,
)
from broadsheet.sources.items import Page
from broadsheet.sources.sanitize import SURROGATES, clean_url

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_ODD_SPACE = re.compile(r"[\t\u00a0\u2000-\u200b\u202f\u205f\u3000]|  ")
_CREDIT = re.compile(r"\(([^()]{1,80})\)\s*\.?\s*$")
_LANGID_CHARS = 1000
_WORD_BREAKS = re.compile(r"[-_]+")
# Lone surrogates (from JSON "\\ud800" escapes) and control characters but tab, LF and CR:
# neither is text, a lone surrogate cannot even be written as UTF-8, and lxml refuses both.
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# The same control characters as UTF-8 bytes (each is a byte of its own there, and no other
# character has such a byte); a lone surrogate makes the text fail to encode at all.
_UNSAFE_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
# Texts longer than this are checked on their bytes: from a few hundred characters on, that
# is faster than the pattern (four times on a 3,000-character body).
_BYTES_CHECK_CHARS = 256


def clean(text: str) -> str:
    """NFC, NBSP and other spaces to one space, stripped."""
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if _ODD_SPACE.search(text):
        text = _SPACES.sub(" ", text)
    return text.strip()


def _is_safe(text: str) -> bool:
    """Whether ``text`` holds none of the characters :func:`safe_text` replaces or removes."""
    if len(text) < _BYTES_CHECK_CHARS:
        return _UNSAFE.search(text) is None
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return len(data.translate(None, _UNSAFE_BYTES)) == len(data)


def safe_text(text: str) -> str:
    """``text`` with lone surrogates replaced by U+FFFD and control characters removed."""
    if _is_safe(text):
        return text
    return _UNSAFE.sub("", SURROGATES.sub("\ufffd", text))


def usable_url(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) URL that parses, else None (never raised)."""
    if not url:
        return None
    try:
        return clean_url(url)
    except ValueError:
        return None


def _safe(value: Any) -> Any:
    """Strings made safe (:func:`safe_text`) in a value, its lists and its sub-records."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, list):
        return [_safe(item) for item in value]
    if isinstance(value, dict):  # images and related links a parser passes as mappings
        return {key: _safe(item) for key, item in value.items()}
    if isinstance(value, Image | Related):
        strings = [v for v in value.__dict__.values() if isinstance(v, str)]
        if not any(_UNSAFE.search(v) for v in strings):
            return value
        return value.model_copy(
            update={k: safe_text(v) for k, v in value.__dict__.items() if isinstance(v, str)}
        )
    return value


def _texts(value: Any, out: list[str]) -> None:
    """Append to ``out`` the strings :func:`_safe` would make safe in ``value``."""
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, list | dict):
        for item in value.values() if isinstance(value, dict) else value:
            if isinstance(item, str):
                out.append(item)
            elif item:  # None and empty lists hold no string
                _texts(item, out)
    elif isinstance(value, Image | Related):
        out.extend(v for v in value.__dict__.values() if isinstance(v, str))


def _all_safe(texts: list[str]) -> bool:
    """Whether every text is safe, by one search over them joined: the unsafe characters are
    single code points, so joining can neither hide nor make one."""
    return _is_safe("".join(texts))


def _safe_body(body: list[Block]) -> list[Block]:
    """Blocks with safe text; a block left with no text is dropped."""
    if _all_safe([b.text for b in body]):
        return body
    out = []
    for block in body:
        text = safe_text(block.text).strip()
        if text:
            out.append(block if text == block.text else Block(kind=block.kind, text=text))
    return out


_TEXT_FIELDS = ("description", "source_credit", "section", "coverage")  # title, publisher: above
_LIST_FIELDS = ("authors", "tags", "images", "related")


def caption_credit(caption: str | None) -> str | None:
    """The trailing '(...)' of a caption: 'Gaza, 2023 (AP)' -> 'AP'."""
    if not caption:
        return None
    match = _CREDIT.search(caption)
    return match.group(1).strip() if match else None


def section_from_url(url: str | None) -> str | None:
    """Site section from the URL path: '/news/politics/slug' -> 'Politics'.

    The section is the last directory before the slug, so '/politics/slug' gives
    'Politics' too; a URL with no directory gives None.
    """
    if not url:
        return None
    parts = [p for p in urlsplit(url).path.split("/") if p]
    if len(parts) < 2:
        return None
    section = parts[-2]
    if section.isdigit() or len(section) > 40:
        return None
    words = _WORD_BREAKS.split(section)
    return " ".join(w.capitalize() if w.islower() else w for w in words if w) or None


# CLD2 names a few languages by withdrawn ISO 639-1 codes and tags text it only knows the
# script of as "xx-<Script>"; records carry current BCP-47 tags ("und" = undetermined).
_CLD2_CODES = {"iw": "he", "jw": "jv", "in": "id", "ji": "yi"}
# What CLD2 refuses as "invalid UTF-8": C0 and C1 controls (but tab, newlines and form feed)
# and the Unicode noncharacters (U+FDD0..U+FDEF and the last two code points of each plane).
_REFUSED = re.compile(
    "[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef"
    + "".join(chr(plane + 0xFFFE) + chr(plane + 0xFFFF) for plane in range(0, 0x110000, 0x10000))
    + "]"
)


def _cld2(sample: str) -> str:
    import pycld2

    try:
        details = pycld2.detect(sample, isPlainText=True)[2]
    except (pycld2.error, UnicodeError):
        # CLD2 refuses controls, noncharacters and lone surrogates; they carry no language.
        data = _REFUSED.sub(" ", sample).encode("utf-8", "replace")
        details = pycld2.detect(data, isPlainText=True)[2]
    return str(details[0][1])


def detect_language(text: str) -> str:
    """BCP-47 tag of ``text`` by CLD2 (pycld2) on its first 1,000 characters.

    CLD2 is the identifier Common Crawl annotates its pages with; it is compiled and takes
    about 0.05 ms on 1,000 characters. Its withdrawn codes are replaced by current ones
    (``iw`` -> ``he``), text it only knows the script of gives ``und-<Script>``, and text it
    cannot place at all (numbers, a few words) gives ``und``.
    """
    sample = text[:_LANGID_CHARS]
    if not sample or sample.isspace():
        raise PageError("no_body", "cannot identify the language of an empty text")
    code = _cld2(sample)
    if code.startswith("xx-"):
        return "und" + code[2:]
    if code in ("un", "xxx") or code.startswith("zz"):
        return "und"
    return _CLD2_CODES.get(code, code)


def build_article(
    *,
    page: Page,
    parser: str,
    publisher: str,
    title: str,
    body: list[Block],
    url: str | None = None,
    language: str | None = None,
    description: str | None = None,
    authors: list[str] | None = None,
    source_credit: str | None = None,
    published_at: datetime | None = None,
    published_at_source: DateSource | None = None,
    published_at_precision: DatePrecision | None = None,
    modified_at: datetime | None = None,
    section: str | None = None,
    coverage: str | None = None,
    tags: list[str] | None = None,
    images: list[Any] | None = None,
    related: list[Any] | None = None,
    reading_time_minutes: int | None = None,
    share_count: int | None = None,
    captured_after: date | None = None,
) -> Article:
    """Assemble a record, deriving id, text, word count, language and provenance.

    The URL and capture time the container gave (manifest, WARC, JSONL) win over
    what the page says about itself. ``published_at_source`` and
    ``published_at_precision`` describe ``published_at`` and are dropped when it is None
    (a parser that reads one kind of date passes them as constants).
    """
    # One check of every string given (title, body, fields): most pages hold no unsafe one.
    given = [title, publisher, *[block.text for block in body]]
    _texts([description, source_credit, section, coverage, authors, tags, images, related], given)
    all_safe = _all_safe(given)
    if not all_safe:
        title, publisher = safe_text(title), safe_text(publisher)
        body = _safe_body(body)
    text = prose_text(body)
    if not text or text.isspace():
        raise PageError("no_body", f"the article {title!r} has no prose in its body")
    url = usable_url(page.url) or usable_url(url)
    words = count_words(text)
    fields = dict(
        id=make_id(url, publisher, title, published_at),
        url=url,
        publisher=publisher,
        language=language or detect_language(text),
        title=title,
        description=description,
        authors=authors or [],
        source_credit=source_credit,
        published_at=published_at,
        published_at_source=published_at_source if published_at is not None else None,
        published_at_precision=published_at_precision if published_at is not None else None,
        modified_at=modified_at,
        section=section if section is not None else section_from_url(url),
        coverage=coverage,
        tags=tags or [],
        images=images or [],
        body=body,
        text=text,
        related=related or [],
        word_count=words,
        reading_time_minutes=reading_time_minutes
        if reading_time_minutes is not None
        else reading_minutes(words),
        share_count=share_count,
        captured_at=page.captured_at,
        captured_after=captured_after,
        source_file=page.source_file,
        source_sha256=page.sha256,
        parser=parser,
    )
    derived = fields["section"] if section is None else None  # not among the strings given
    if not all_safe or (isinstance(derived, str) and not _is_safe(derived)):
        texts: list[str] = []
        _texts([fields[key] for key in _TEXT_FIELDS + _LIST_FIELDS], texts)
        if not _all_safe(texts):  # rare: rebuild only then, as copies with the strings made safe
            for key in _TEXT_FIELDS + _LIST_FIELDS:
                fields[key] = _safe(fields[key])
    return Article.model_validate(fields, context=DERIVED_HERE)
