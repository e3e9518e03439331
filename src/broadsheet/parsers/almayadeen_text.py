"""The Al Mayadeen English parser for plain-text renderings of article pages.

Page layout (a terminal browser's rendering of english.almayadeen.net)::

    Al Mayadeen English / • Ar / • Es / • x      site chrome: language links, menus,
    ... BREAKING + ticker lines ...               region list, breaking-news ticker
    <headline>
      • By <names> | • Source: <credit> | • 24 Nov 2023 13:38 | • 2 Shares
    4 Min Read
    <standfirst>
      • x                                         image block: close button, then per image
      • <alt text>                                the alt text and the indented caption
        <caption (Credit)>
    <body: paragraphs, subheadings, lists, quoted social posts,
           "Related News" + headlines, "Read more: <headline>">
      • <tag> ...                                 the tag list (final bullet block)
    <coverage name, printed twice or once>
    Most Read / Coverage / Read Next / footer     chrome again

Rules:

* The byline block is the first run of bullets holding a "By ..." byline or a
  "D Mon YYYY HH:MM" time; the headline is the line above it. Times are local
  Beirut time (``Asia/Beirut``) and stored in UTC.
* A text rendering carries no link targets, so a headline printed inside the body (an
  inline link to another article) cannot be told from a subheading. Every short
  standalone line without sentence-ending punctuation (at most 20 words, not a list
  item) is therefore a ``heading`` block: its words stay in reading order and are never
  lost. The exceptions are the headlines after a "Related News" label (up to the next
  real paragraph), which become ``related`` links, and "Read more: X" lines, which
  become ``read_more`` links; neither reaches the body or the text.
* A social post (its text line, then a "— Name (@handle) Month D, YYYY" line) is one
  ``embed`` block; lines indented like captions outside an image block are ``quote``
  blocks; "  1. x" and "  • x" inside the body are ``list_item`` blocks.
* The first paragraph after "N Min Read" is the standfirst (``description``).
* ``captured_after`` is the newest date printed in the "Most Read" chrome.
* A body that ends in a bulleted list with no tag list after it cannot be told from a
  tag list; the final bullet run before the coverage name is always read as the tags.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from broadsheet.errors import PageError
from broadsheet.parsers.almayadeen_layout import (
    Row,
    clean_line,
    line_starts_holding,
    read_body,
    read_rows,
    split_lines,
    split_tail,
    unify_newlines,
)
from broadsheet.parsers.base import Document, Parser
from broadsheet.parsers.common import build_article
from broadsheet.records.model import Article

PUBLISHER = "Al Mayadeen English"
BEIRUT = ZoneInfo("Asia/Beirut")

_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTHS: dict[str, int] = {}
for _number, _name in enumerate(_MONTH_NAMES, start=1):
    _MONTHS[_name] = _MONTHS[_name[:3]] = _number
_MONTHS["sept"] = 9

_DATE = r"(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})"
_DATETIME = re.compile(rf"^{_DATE},?\s+(\d{{1,2}}):(\d{{2}})$")
_DAY = re.compile(rf"^{_DATE}$")
_BYLINE = re.compile(r"^By\s+(\S.*)$")
_SOURCE = re.compile(r"^Source\s*:\s*(.*)$", re.I)
_SHARES = re.compile(r"^(\d[\d,]*)\s+Shares?$", re.I)
_MIN_READ = re.compile(r"^(\d{1,3})\s+Min(?:ute)?s?\.?\s+Read$", re.I)
_NAME_SEPARATORS = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*")
_LANGUAGE_LINKS = frozenset({"• Ar", "• Es", "• Fr"})
_CHROME_AFTER = frozenset({"Most Read", "Read Next", "All Rights Reserved"})
_MOST_READ_END = frozenset({"Coverage", "Read Next", "All Rights Reserved"})
#: First letters of the chrome labels above.
_LABEL_INITIALS = frozenset(label[0] for label in _CHROME_AFTER | _MOST_READ_END)


def _month(name: str) -> int | None:
    return _MONTHS.get(name.lower())


def parse_local_time(text: str) -> datetime | None:
    """'24 Nov 2023 13:38' (Beirut local time) as an aware datetime; None if not a time.

    Raises ``PageError('invalid_record')`` for a time-shaped value that is no real time.
    """
    match = _DATETIME.match(text)
    if not match or _month(match.group(2)) is None:
        return None
    day, month_name, year, hour, minute = match.groups()
    try:
        return datetime(
            int(year), _month(month_name) or 0, int(day), int(hour), int(minute), tzinfo=BEIRUT
        )
    except ValueError as exc:
        raise PageError(
            "invalid_record",
            f"publication time {text!r} is not a valid 'D Mon YYYY HH:MM' time: {exc}",
        ) from exc


@lru_cache(maxsize=4096)
def parse_day(text: str) -> date | None:
    """'9 Sep 2025' as a date; None when the text is not such a date.

    Memoised: the pages of one crawl print the same few dates in their 'Most Read' lists.
    """
    match = _DAY.match(text)
    if not match:
        return None
    day, month_name, year = match.groups()
    month = _month(month_name)
    if month is None:
        return None
    try:
        return date(int(year), month, int(day))
    except ValueError:
        return None


def split_names(byline: str) -> list[str]:
    """'A, B and C' -> ['A', 'B', 'C']; an institutional byline stays whole."""
    byline = byline.strip()
    if "," not in byline and "&" not in byline and "and" not in byline:
        return [byline] if byline else []  # no separator to split on
    return [name for name in _NAME_SEPARATORS.split(byline) if name]


def _bullet_text(raw: str) -> str | None:
    """The text after the '•' of a bullet line; None for any other line."""
    if "•" not in raw:
        return None
    text = clean_line(raw)
    return text[1:].strip() if text[:1] == "•" else None


def _is_blank(raw: str) -> bool:
    return not clean_line(raw)


def _line_at(text: str, start: int) -> tuple[str, int]:
    """The raw line starting at ``start`` and the start of the next one."""
    end = text.find("\n", start)
    if end < 0:
        return text[start:], len(text) + 1
    return text[start:end], end + 1


def _lines_before(text: str, start: int) -> Iterator[str]:
    """The raw lines above the line starting at ``start``, nearest first."""
    while start > 0:
        above = text.rfind("\n", 0, start - 1) + 1
        yield text[above : start - 1]
        start = above


def _find_header(text: str, source: str) -> tuple[int, list[str], list[str]]:
    """The byline block: the offset where its first line starts, the texts of its
    bullets (byline, time, shares) and the raw lines after it.

    A byline or a time holds 'By' or ':', so only the lines holding one of them and a
    bullet are read, and the page is never split into lines up to there: the chrome
    above the article is a third of it. From the byline down it is split once.
    """
    for at in line_starts_holding(text, ("By", ":")):
        raw, end = _line_at(text, at)
        content = _bullet_text(raw)
        if content is not None and (_BYLINE.match(content) or _DATETIME.match(content)):
            bullets = [content]
            start = at
            for raw in _lines_before(text, at):
                if (content := _bullet_text(raw)) is None:
                    break
                bullets.insert(0, content)
                start -= len(raw) + 1
            lines = text[end:].split("\n") if end <= len(text) else []
            below = 0  # the lines under the byline that are bullets of the block
            while below < len(lines) and (content := _bullet_text(lines[below])) is not None:
                bullets.append(content)
                below += 1
            return start, bullets, lines[below:]
    raise PageError(
        "not_article",
        f"{source} has no headline and byline block (a '• By ...' or '• D Mon YYYY HH:MM' "
        "bullet under a headline): an index or listing page",
    )


def _headline(text: str, start: int, source: str) -> str:
    """The headline: a line of its own (blank lines around it) right above the byline."""
    above = _lines_before(text, start)
    raw = next((raw for raw in above if not _is_blank(raw)), None)
    alone = raw is not None and _is_blank(next(above, ""))  # the first line is alone too
    if alone and raw is not None:
        line, _, marker, _ = read_rows((raw,))[0]
        if marker is None and line != "BREAKING":
            return line
    raise PageError(
        "not_article",
        f"{source} has a byline block but no headline line of its own above it",
    )


class _Meta:
    """The fields of the byline block."""

    def __init__(self, bullets: list[str]) -> None:
        self.authors: list[str] = []
        self.source_credit: str | None = None
        self.published_at: datetime | None = None
        self.share_count: int | None = None
        self.reading_time: int | None = None
        for text in bullets:
            self._read(text)

    def _read(self, text: str) -> None:
        if text[:1].isdigit():  # share count, minutes to read or publication time
            if text[-1:].isdigit():  # only a time ends in a digit: no other pattern to try
                if self.published_at is None:
                    self.published_at = parse_local_time(text)
            elif match := _SHARES.match(text):
                self.share_count = int(match.group(1).replace(",", ""))
            elif match := _MIN_READ.match(text):
                self.reading_time = int(match.group(1))
            elif self.published_at is None:
                self.published_at = parse_local_time(text)
        elif match := _BYLINE.match(text):
            self.authors.extend(split_names(match.group(1)))
        elif match := _SOURCE.match(text):
            self.source_credit = match.group(1) or None


def _ends_with_coverage(rows: list[Row]) -> bool:
    """Whether the rows end in a tag list and a coverage name printed twice."""
    kept = [(text, marker) for text, _, marker, _ in rows if text]
    return (
        len(kept) >= 3
        and kept[-1][1] is None
        and kept[-1][0] == kept[-2][0]
        and kept[-3][1] == "bullet"
    )


def _article_region(raw: list[str], begin: int, title: str, source: str) -> list[Row]:
    """The rows from ``begin`` to the first chrome line; ``truncated`` when none follows."""
    region = read_rows(raw[begin:], _CHROME_AFTER)
    if begin + len(region) < len(raw):  # stopped at a chrome label
        return region
    if _ends_with_coverage(region):
        return region
    raise PageError(
        "truncated",
        f"{source} ends inside the article {title!r}: no tag list, coverage name, "
        "'Most Read' or footer after the byline",
    )


def captured_after(raw: list[str]) -> date | None:
    """The newest date printed in the 'Most Read' list (the page was captured after it).

    ``raw`` holds the raw lines after the article; only dated bullets in the list are read.
    """
    days: list[date] = []
    inside = False
    for i, text in enumerate(raw):
        if not text:
            continue  # a blank line (two in five) is neither a label nor a dated bullet
        # A label starts with its first letter or with an odd space that cleaning removes
        # (those are not printable); a plain space or a tab would indent it.
        first = text[:1]
        if first in _LABEL_INITIALS or (first != "\t" and not first.isprintable()):
            label = clean_line(text)
            if label == "Most Read":
                inside = True
                continue
            if label in _MOST_READ_END:
                inside = False
                if "Most" not in "\n".join(raw[i + 1 :]):
                    break  # no later line can open another 'Most Read' list
                continue
        if inside and "•" in text:
            # Cleaning strips what ``rstrip`` strips and zero-width spaces besides: a line
            # whose last character is neither cannot end in a date, and is not cleaned.
            last = text.rstrip()[-1:]
            if not (last.isdigit() or last == "\u200b"):
                continue
            bullet = clean_line(text)
            content = bullet[1:].strip()
            if bullet[:1] == "•" and content[:1].isdigit() and (day := parse_day(content)):
                days.append(day)
    return max(days, default=None)


def _is_almayadeen(text: str) -> bool:
    if PUBLISHER not in text[:300]:
        return False  # cheap refusal before splitting lines
    seen = 0  # the first line must be the name, then a language link among the first 8
    for raw in split_lines(text[:400]):
        if line := clean_line(raw):
            if (seen == 0 and line != PUBLISHER) or seen == 8:
                return False
            if line in _LANGUAGE_LINKS:
                return True
            seen += 1
    return False


class AlMayadeenText(Parser):
    """Text renderings of english.almayadeen.net article pages."""

    name = "almayadeen_text"
    version = "1.0"

    def claims(self, doc: Document) -> bool:
        return not doc.is_html and _is_almayadeen(doc.text)

    def parse(self, doc: Document) -> Article:
        source = doc.page.source_file
        text = unify_newlines(doc.text)
        start, bullets, raw = _find_header(text, source)  # raw: the lines after the block
        title = _headline(text, start, source)
        meta = _Meta(bullets)
        begin = 0
        for following, line in enumerate(raw):
            if first_text := clean_line(line):  # the first line with text, cleaned once
                if match := _MIN_READ.match(first_text):
                    meta.reading_time = int(match.group(1))
                    begin = following + 1
                break
        article = _article_region(raw, begin, title, source)
        stop = begin + len(article)
        region, tags, coverage = split_tail(article)
        parts = read_body(region)
        if not any(block.kind != "embed" for block in parts.blocks):
            raise PageError(
                "no_body",
                f"{source}: the article {title!r} has a headline and byline but no body "
                "paragraphs before its tags",
            )
        return build_article(
            page=doc.page,
            parser=self.ident,
            publisher=PUBLISHER,
            title=title,
            body=parts.blocks,
            description=parts.description,
            authors=meta.authors,
            source_credit=meta.source_credit,
            published_at=meta.published_at,
            published_at_source="visible_text",
            published_at_precision="minute",
            coverage=coverage,
            tags=tags,
            images=parts.images,
            related=parts.related,
            reading_time_minutes=meta.reading_time,
            share_count=meta.share_count,
            captured_after=captured_after(raw[stop:]),
        )


PARSER = AlMayadeenText()
