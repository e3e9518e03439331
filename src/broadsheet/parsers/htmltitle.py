"""The headline of an HTML page, chosen among the titles the page states.

A page states its headline several times: the JSON-LD ``headline``, ``og:title`` and
``twitter:title`` (the *stated* titles), the ``<title>`` and the visible ``<h1>``. Metadata
titles often carry the site's name ("Headline | Site", "Site: Headline") and are sometimes
rewritten for search engines and social cards. The rules, in order:

1. Every metadata title loses leading and trailing parts naming the site (``og:site_name``,
   the JSON-LD publisher, the host name), split at `` | - – — :: · • » / `` (``｜`` and a
   ``_`` between CJK characters too, and ``:`` after a leading site name), then short
   capitalised trailing chrome ("... - News").
2. An ``<h1>`` naming the site or of one word is not a headline (a logo, a section name);
   a link mark after a heading ("Advanced Usage¶") is not part of it.
3. A stated title equal to an ``<h1>`` (ignoring case and punctuation, quote style
   included), or whose leading or trailing parts are, wins in source order, spelled as
   stated.
4. An ``<h1>`` that agrees with a stated title (shares half the words of the shorter of
   the two) but that no stated title nearly copies (85% of its words in the ``<h1>``) is
   the visible headline, the stated titles a rewording for search or social: it wins.
5. Otherwise the first stated title. With none, an ``<h1>`` equal to the ``<title>`` or to
   its leading parts, or agreeing with it, wins in its own spelling (but not one equal to
   the part where the ``<title>`` names its site: "Chapter - Book"); else the ``<title>``;
   else the first ``<h1>``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from broadsheet.parsers.names import key, names_site, norm

_SEPARATOR = re.compile(
    r"\s+(?:\||-|–|—|::|·|•|»|/)\s+"
    r"|\s*｜\s*|(?<=[^\x00-\x7f])_(?=[^\x00-\x7f])"  # 'Headline｜Site', '标题_新华网'
)
_LEADING_SITE = re.compile(r"^([^:|]{2,60}):\s+(\S.*)$")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
#: the link mark documentation sites put after a heading: 'Advanced Usage¶'
_ANCHOR_MARK = re.compile(r"\s*[¶§#🔗]+$")
_WORD = re.compile(r"\w+")
#: a metadata title and an <h1> agree when this share of the shorter one's words is shared.
_AGREEMENT = 0.5
_MIN_SHARED_WORDS = 2
#: a stated title with this share of its words in the <h1> is the same headline, edited.
_REWORDED = 0.85
MAX_HEADINGS = 5
_MIN_WIDE_HEADLINE = 4
_CHROME_MAX_WORDS = 3
_CHROME_MIN_HEADLINE_WORDS = 4


def strip_site(title: str, sites: set[str]) -> str:
    """'Headline | Site' and 'Site - Headline' -> 'Headline'; a title that is only a site stays."""
    title = _MARKDOWN_HEADING.sub("", norm(title))
    parts = [p for p in _SEPARATOR.split(title) if p.strip()]
    kept = len(parts)
    while len(parts) > 1 and names_site(parts[-1], sites):
        parts.pop()
    while len(parts) > 1 and names_site(parts[0], sites):
        parts.pop(0)
    while len(parts) > 1 and _is_chrome(parts[-1], parts[:-1]):
        parts.pop()
    if len(parts) == 1:
        leading = _LEADING_SITE.match(parts[0])
        if leading and names_site(leading.group(1), sites):
            return leading.group(2).strip()
    if len(parts) == kept:
        return title
    return _span(title, parts)  # the separators between the parts kept stay as written


def _is_chrome(part: str, before: list[str]) -> bool:
    """A short capitalised trailing part after a long headline: '... - News - Coastline'."""
    words = part.split()
    return (
        len(words) <= _CHROME_MAX_WORDS
        and all(w[0].isupper() or not w[0].isalpha() for w in words)
        and sum(len(p.split()) for p in before) >= _CHROME_MIN_HEADLINE_WORDS
    )


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.casefold()) if len(w) > 2 or w.isdigit()}


def _agreement(heading: str, title: str) -> float:
    ours, theirs = _words(heading), _words(title)
    shared = len(ours & theirs)
    if shared < min(_MIN_SHARED_WORDS, len(ours)) or not ours or not theirs:
        return 0.0
    return shared / min(len(ours), len(theirs))


def _covered(title: str, heading: str) -> float:
    """Share of the title's words that the heading holds."""
    theirs = _words(title)
    return len(theirs & _words(heading)) / len(theirs) if theirs else 0.0


def _several_words(text: str) -> bool:
    """More than one word; Chinese and Japanese write a headline without spaces."""
    if len(text.split()) > 1:
        return True
    wide = sum(unicodedata.east_asian_width(c) in "WF" for c in text)
    return wide >= _MIN_WIDE_HEADLINE


def _headings(headings: Sequence[str], sites: set[str]) -> list[str]:
    out = []
    for text in headings[:MAX_HEADINGS]:
        text = _ANCHOR_MARK.sub("", _MARKDOWN_HEADING.sub("", norm(text))).strip()
        if _several_words(text) and not names_site(text, sites):
            out.append(text)
    return out


def _equal_to_heading(titles: list[str], h1s: list[str], *, trailing: bool = True) -> str | None:
    """The first title equal to an <h1>, or its leading (or trailing) parts that are."""
    keys = {key(h) for h in h1s}
    for title in titles:
        if key(title) in keys:
            return title
        parts = _SEPARATOR.split(title)
        for n in range(len(parts) - 1, 0, -1):
            for side in (parts[:n], parts[-n:]) if trailing else (parts[:n],):
                if key(" ".join(side)) in keys:
                    return _span(title, side)
    return None


def _span(title: str, parts: list[str]) -> str:
    """The stretch of the title from its part ``parts[0]`` to ``parts[-1]``."""
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    return title[start:end].strip() if 0 <= start < end else " - ".join(parts)


def choose_title(
    stated: Sequence[str | None],
    html_title: str | None,
    headings: Sequence[str],
    sites: set[str],
) -> str | None:
    """The headline from the stated titles (JSON-LD headline, og:title, twitter:title, in
    that order), the ``<title>`` and the page's ``<h1>`` texts."""
    titles = [t for t in (strip_site(s, sites) for s in stated if s and norm(s)) if t]
    page_title = strip_site(html_title, sites) if html_title and norm(html_title) else None
    h1s = _headings(headings, sites)
    best, best_score = None, 0.0
    for h1 in h1s:
        score = max((_agreement(h1, t) for t in titles or [page_title or ""]), default=0.0)
        if score > best_score:
            best, best_score = h1, score
    if titles:
        same = _equal_to_heading(titles, h1s)
        if same:
            return same
        if (
            best is not None
            and best_score >= _AGREEMENT
            and max(_covered(t, best) for t in titles) < _REWORDED
        ):
            return best  # the stated titles reword the visible headline for search or social
        return titles[0]
    if page_title is None:
        return h1s[0] if h1s else None
    # the <title> is the weaker source: the <h1> keeps its own spelling; an <h1> equal to
    # the part where a <title> names its site ('Chapter - Book') is that name, not the headline
    same = _equal_to_heading([page_title], h1s, trailing=False)
    if same == page_title:
        return next((h for h in h1s if key(h) == key(same)), same)
    if same:
        return same
    site_slot = key(_SEPARATOR.split(page_title)[-1])
    if best is not None and best_score >= _AGREEMENT and key(best) != site_slot:
        return best
    return page_title
