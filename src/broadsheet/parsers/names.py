"""Text functions of the HTML parser: whitespace, bylines into names, keywords into tags."""

from __future__ import annotations

import re
import unicodedata

from broadsheet.parsers.common import clean

_BY = re.compile(
    r"^(?:(?:written|words|reporting|story|text|posted|published)\s+)?by\b\s*:?\s*", re.I
)
_NAME_SPLIT = re.compile(r"\s*(?:,|;|\||&|\band\b)\s*", re.I)
_TAG_SPLIT = re.compile(r"\s*[,;]\s*")
_MAX_NAME_WORDS = 6
_URLISH = re.compile(r"^(?:https?:|www\.|//)|\.(?:com|org|net)(?:/|$)", re.I)


def norm(text: str | None) -> str:
    """NFC, every run of whitespace (NBSP and other Unicode spaces too) to one space, stripped."""
    return " ".join(unicodedata.normalize("NFC", text).split()) if text else ""


def is_name(value: str) -> bool:
    """Whether a byline value is a name rather than a profile URL or an e-mail address."""
    return bool(value) and not _URLISH.search(value) and "@" not in value


def dedupe(values: list[str]) -> list[str]:
    """Values in order, later case-insensitive repeats dropped."""
    seen: set[str] = set()
    out: list[str] = []
    for value in values:
        key = value.casefold()
        if value and key not in seen:
            seen.add(key)
            out.append(value)
    return out


def split_names(text: str | None) -> list[str]:
    """'By Ann Lee and Bo Kim' -> ['Ann Lee', 'Bo Kim']; empty parts and long phrases dropped."""
    if not text:
        return []
    text = _BY.sub("", clean(" ".join(text.split())))
    names: list[str] = []
    for part in _NAME_SPLIT.split(text):
        part = part.strip(" .:-–—")
        if part and len(part.split()) <= _MAX_NAME_WORDS and any(c.isalpha() for c in part):
            names.append(part)
    return names


def split_tags(text: str | None) -> list[str]:
    """'Politics, Economy; Gaza' -> ['Politics', 'Economy', 'Gaza'], machine codes dropped.

    Keyword fields also carry a CMS's internal entries: ids, host names and 'Key: value'
    taxonomy codes ('Category: News', 'RSBI:HUMAN-RIGHTS'); those are not topic tags.
    """
    if not text:
        return []
    return [
        t for t in (clean(p) for p in _TAG_SPLIT.split(text)) if t and not _MACHINE_TAG.search(t)
    ]


_MACHINE_TAG = re.compile(
    r":|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|^[\w-]+(?:\.[\w-]+)+$|^.{61,}$",
    re.I,
)
