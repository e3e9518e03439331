"""Text functions of the HTML parser: whitespace, site names, bylines into names, tags.

A byline is cleaned before it is split: the "By" lead, a trailing date or time, an
"| Updated ..." tail, the section after " in " and roles after a comma ("Staff Writer")
are dropped; what is left is split at commas, semicolons, "|", "&" and "and". A part is a
name only when it looks like one: not an e-mail, URL or @handle, not a single lowercase
word ("in", "and"), not initials alone, not a role, not a template placeholder
("undefined", "page.head.author"), at most six words.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import urlsplit

from broadsheet.parsers.common import clean

_BY = re.compile(
    r"^(?:(?:written|words|reporting|story|text|posted|published|edited|article|photos?)"
    r"\s+)?by\b\s*:?\s*|^(?:authors?|author\(s\)|byline|writer)\s*:\s*",
    re.I,
)
_NAME_SPLIT = re.compile(r"\s*(?:,|;|\||&|\band\b|\bwith\b)\s*", re.I)
#: link texts around a name: 'More about Ann Lee', 'View all posts by Ann Lee'
_LINK_LEAD = re.compile(
    r"^(?:(?:see|view|read)\s+)?(?:all|more)?\s*(?:posts|articles|stories|news|about|from)?"
    r"\s*(?:by|about|from)\s+(?=\S)",
    re.I,
)
_GLUED_BY = re.compile(r"^(?:Written\s*)?By(?=[A-Z][a-z])")  # 'ByAnn Lee': markup removed
#: a job title written after the name, as Korean, Japanese and Chinese bylines do
_TRAILING_ROLE = re.compile(
    r"\s+(?:기자|특파원|논설위원|객원기자|記者|记者|特派員|特派员|編集委員|编辑)$"
)
_TAG_SPLIT = re.compile(r"\s*[,;]\s*")
_MAX_NAME_WORDS = 6
_URLISH = re.compile(r"^(?:https?:|www\.|//)|\.(?:com|org|net)(?:/|$)", re.I)
_WORD = re.compile(r"\w+")
_MONTH = (
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
    r"(?=\s*\d)"  # a month only when a day or year follows: 'May 3', 'March 2024'
)
#: where the name part of a byline ends: a date, a time, 'Updated', a bullet, ' in Section'
_BYLINE_END = re.compile(
    r"\s+(?:on\s+)?(?:" + _MONTH + r"|\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}|\d{1,2}:\d{2}|\d+\s+"
    r"(?:min|mins|minutes?|hours?|days?)\b)"
    r"|\s*(?:[|•·]|\s[-–—]\s)\s*(?:updated|published|posted|last|modified|\d)"
    r"|\s+(?:updated|published|posted)\b"
    r"|\s*[|•·»›(]|\s*[|•·]\s*$"
    r"|\s+in\s+(?=[A-Z])"
    r"|,?\s+(?:mon|tues|wednes|thurs|fri|satur|sun)day\b"
    r"|(?<=[^\W\d_])(?=\d{1,4}[/.\-]\d{1,2}[/.\-]\d)",  # a date glued on: 'Ann Lee3/4/2025'
    re.I,
)
#: a date a byline starts with: 'Dec 17, 2025 Ann Lee', '2025-12-17 - Ann Lee'
_LEADING_DATE = re.compile(
    r"^(?:" + _MONTH + r"\s*\d{1,2},?\s*\d{4}|\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4})\s*[-–—|•·]?\s*",
    re.I,
)
#: words of a job title: a part made of them is a role, not a name
_ROLE_WORDS = frozenset(
    {
        "senior",
        "staff",
        "chief",
        "contributing",
        "associate",
        "assistant",
        "deputy",
        "managing",
        "executive",
        "political",
        "science",
        "health",
        "tech",
        "technology",
        "business",
        "sports",
        "news",
        "digital",
        "home",
        "security",
        "expert",
        "experts",
        "writer",
        "writers",
        "editor",
        "editors",
        "reporter",
        "reporters",
        "correspondent",
        "contributor",
        "columnist",
        "journalist",
        "producer",
        "author",
        "analyst",
        "director",
        "manager",
        "specialist",
        "officer",
        "founder",
        "ceo",
        "intern",
        "photographer",
        "fact",
        "checker",
        "checked",
        "reviewed",
        "medically",
        "professor",
        "lead",
        "head",
        "of",
        "the",
        "at",
        "for",
        "and",
        "ai",
        "agencies",
        "wires",
    }
)
#: words no name holds: page chrome around a byline ('Topic Author', 'Visit the Store')
_NOT_NAME_WORDS = frozenset(
    {"author", "authors", "visit", "store", "dealer", "category", "categories", "topic",
     "posted", "comments", "reply", "share", "follow", "menu", "login", "subscribe",
     "newsletter", "read", "view", "profile", "click", "clicking", "http", "https"}
)  # fmt: skip
#: job titles: a part holding one is a role, or a name run into its role
_JOB_TITLES = frozenset(
    {"writer", "editor", "reporter", "correspondent", "columnist", "journalist", "producer",
     "analyst", "director", "manager", "specialist", "officer", "founder", "co-founder", "ceo",
     "cto", "cfo", "vp", "president", "intern", "photographer", "owner", "professor", "expert"}
)  # fmt: skip
#: a byline that is only one of these words is institutional and kept as printed
_INSTITUTIONAL = frozenset({"staff", "editors", "editorial", "newsroom"})
_PLACEHOLDER = re.compile(
    r"^(?:undefined|null|none|nan|unknown|admin|administrator|anonymous user|author|by)$"
    r"|\{\{|\}\}|%[a-z_]+%|^\w+(?:\.\w+){2,}$",
    re.I,
)
_INITIALS = re.compile(r"^(?:[^\W\d_](?:\.\s*|\s+|$)){1,4}$")
#: letters after a name that are degrees or credentials: 'Ann Lee, MS, RDN'
_CREDENTIALS = frozenset(
    {"md", "phd", "rn", "rd", "rdn", "ld", "ms", "ma", "mba", "mph", "msc", "bsc", "dds",
     "dmd", "np", "pa", "cpa", "cfa", "cfp", "esq", "jr", "sr", "ii", "iii", "lcsw", "cscs"}
)  # fmt: skip
#: lowercase words a name may hold: 'Nick van Mead', 'Fouzia Van Der Fort', 'Ana de Souza'
_PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "da", "das", "do", "dos", "di", "du", "del", "della",
     "la", "le", "bin", "ibn", "al", "el", "ter", "ten", "y", "e", "st"}
)  # fmt: skip
#: words organisations (sites, companies, institutions) are named with
_ORG_WORDS = frozenset(
    {"news", "media", "times", "post", "press", "daily", "weekly", "magazine", "journal",
     "group", "inc", "llc", "ltd", "corp", "corporation", "company", "co", "clinic",
     "hospital", "university", "college", "school", "institute", "lab", "labs", "studio",
     "studios", "team", "blog", "official", "services", "service", "solutions", "financial",
     "bank", "network", "tv", "radio", "channel", "online", "digital", "agency", "associates",
     "partners", "foundation", "center", "centre", "society", "council", "club", "store",
     "shop", "health", "insider", "tribune", "herald", "gazette", "review", "report", "today",
     "world", "international", "global", "the", "of", "and", "editorial", "staff", "desk"}
)  # fmt: skip
#: lower-case words a byline may hold: particles of names, roles ('The Currency editors')
_LOWER_OK = _PARTICLES | _ROLE_WORDS | {"team"}
#: second-level labels under which a country registers names (bbc.co.uk, abc.net.au)
_SECOND_LEVEL = frozenset({"co", "com", "net", "org", "gov", "ac", "edu", "go", "or", "ne"})


def norm(text: str | None) -> str:
    """NFC, every run of whitespace (NBSP and other Unicode spaces too) to one space, stripped."""
    return " ".join(unicodedata.normalize("NFC", text).split()) if text else ""


def key(text: str | None) -> str:
    """Letters and digits only, case-folded: 'The Hill' and 'TheHill' have the same key."""
    return "".join(_WORD.findall((text or "").casefold())).replace("_", "")


def host_name(url: str | None) -> str:
    """The host of a URL without 'www.'; '' for none or a malformed URL ('http://[::1')."""
    try:
        host = (urlsplit(url).hostname or "") if url else ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def site_keys(names: Iterable[str | None], page_url: str | None) -> set[str]:
    """Keys of a site's names: the names it states, its host and the host's main label."""
    keys = {key(n) for n in names}
    host = host_name(page_url)
    if host:
        keys.add(key(host))
        labels = host.split(".")
        if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL:
            keys.add(key(labels[-3]))
        elif len(labels) >= 2:
            keys.add(key(labels[-2]))
    return {k for k in keys if len(k) >= 2}


def names_site(part: str, sites: set[str]) -> bool:
    """Whether a title part is the site's name: 'TheHill', 'Garnix Blog', 'Move.org'."""
    part_key = key(part)
    if not part_key:
        return False
    for site in sites:
        if part_key == site or (len(part_key) >= 3 and part_key in site):
            return True
        if len(site) >= 4 and site in part_key and len(part.split()) <= 4:
            return True
    return False


def is_name(value: str) -> bool:
    """Whether a byline value is a name rather than a profile URL or an e-mail address."""
    return bool(value) and not _URLISH.search(value) and "@" not in value


def dedupe(values: list[str]) -> list[str]:
    """Values in order, later case-insensitive repeats dropped."""
    seen: set[str] = set()
    out: list[str] = []
    for value in values:
        k = value.casefold()
        if value and k not in seen:
            seen.add(k)
            out.append(value)
    return out


def byline_names(text: str) -> str:
    """The names part of a byline: 'By Ann Lee | Updated May 3, 2024' -> 'Ann Lee'."""
    text = _GLUED_BY.sub("", clean(" ".join(text.split())))
    previous = None
    while previous != text:  # 'Written by: By Ann Lee' has two leads, a date may come first
        previous, text = text, _LEADING_DATE.sub("", _LINK_LEAD.sub("", _BY.sub("", text)))
        text = text.strip()
    end = _BYLINE_END.search(text)
    return text[: end.start()].strip() if end else text


def split_names(text: str | None) -> list[str]:
    """'By Ann Lee and Bo Kim' -> ['Ann Lee', 'Bo Kim']; parts that are not names dropped."""
    if not text:
        return []
    names: list[str] = []
    for part in _NAME_SPLIT.split(byline_names(text)):
        part = _BY.sub("", part.strip(" .:-–—()[]'\"")).strip()  # 'Ann Lee, edited by Bo Kim'
        part = _TRAILING_ROLE.sub("", part)  # '김철수 기자' (reporter Kim Cheol-su)
        if looks_like_name(part):
            names.append(part)
    return names


def looks_like_name(part: str, *, strict: bool = False) -> bool:
    """Whether one part of a byline can be a name (``strict``: every word capitalised,
    as a name printed in running text is).

    Kept: 'Ann Lee', 'Associated Press', 'Staff', 'TPN', 'kirstin boatto'. Dropped: '',
    'in', 'By', 'J. K.', 'Staff Writer', 'ann@x.org', '@ann', 'undefined', a URL.
    """
    words = part.split()
    if not words or len(words) > _MAX_NAME_WORDS or not any(c.isalpha() for c in part):
        return False
    if not is_name(part) or part.startswith("@") or _PLACEHOLDER.search(part):
        return False
    if len(words) == 1 and part.islower() and part.casefold() not in _INSTITUTIONAL:
        return False  # a fragment ('in', 'and') or a login name, not a byline
    if _INITIALS.match(part) or any(c.isdigit() for c in part):
        return False  # initials alone ('J. K.'), a credential number, a date
    if part.casefold().replace(".", "") in _CREDENTIALS:
        return False
    lowered = [w.casefold().strip(".,") for w in words]
    if any(w in _NOT_NAME_WORDS or w in _JOB_TITLES for w in lowered):
        return False  # chrome, or a name with its job title glued on ('AP Auto Writer')
    if all(w in _ROLE_WORDS for w in lowered):
        return len(words) == 1 and lowered[0] in _INSTITUTIONAL
    if strict:
        return not words[0][0].islower() and all(  # caseless scripts (Hangul, Han) pass
            not w[0].islower() or w in _LOWER_OK for w in words
        )
    return True


def is_prose(part: str) -> bool:
    """Whether a byline part reads as running text: a word after the first in lower case
    that no name holds ('Syrian defense ministries', 'clicking to watch')."""
    words = part.split()
    return len(words) > 1 and any(w[0].islower() and w not in _LOWER_OK for w in words)


def is_personal(name: str) -> bool:
    """Whether a name reads as a person's ('Polly Barks'), not an organisation's
    ('Cleveland Clinic', 'BBC News', 'ServiceTitan'): two to four capitalised words, none
    of them a word organisations are named with."""
    words = name.split()
    return (
        2 <= len(words) <= 4
        and looks_like_name(name, strict=True)
        and not any(w.casefold().strip(".,") in _ORG_WORDS for w in words)
        and not any(w.isupper() and len(w) > 1 for w in words)
    )


def split_tags(text: str | None) -> list[str]:
    """'Politics, Economy; Gaza' -> ['Politics', 'Economy', 'Gaza'], machine codes dropped.

    Keyword fields also carry a CMS's internal entries: ids, host names and 'Key: value'
    taxonomy codes ('Category: News', 'RSBI:HUMAN-RIGHTS'); those are not topic tags.
    """
    if not text:
        return []
    # An entity escaped twice by the site ('&amp;quot' in the markup) reaches here as '&quot';
    # once unescaped, a tag with no letter or digit is punctuation, not a topic.
    parts = (clean(html.unescape(p)) for p in _TAG_SPLIT.split(text))
    return [t for t in parts if t and not _MACHINE_TAG.search(t) and _WORDY.search(t)]


_WORDY = re.compile(r"[^\W_]")
_MACHINE_TAG = re.compile(
    r":|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|^[\w-]+(?:\.[\w-]+)+$|^.{61,}$",
    re.I,
)
