"""Publication and modification times of an HTML page, and where each was read.

The publication time is the first of, in this order:

1. the page's structured metadata: JSON-LD ``datePublished`` / ``dateCreated``, then the
   ``<meta>`` tags of :data:`DATE_KEYS`;
2. a ``<time datetime>`` element (one marked as the publication time first);
3. a date in the URL path (``/2025/09/04/``, ``/2025-12-17-slug``);
4. the date printed on the page: first a line of text that is only a date (a dateline
   under the headline, "Published: ...", :func:`dateline`), then htmldate's ``find_date``
   in its fast mode (:func:`printed_date`), which also reads dates in bylines and in the
   attributes of date-like elements.

Metadata come first because they state a time to the minute or second where text and
URLs give a day. On the WCXB development pages the text search found more right days
with the dateline first; htmldate's extensive search then adds none and calls dateparser,
which takes up to seconds on a page, so it is not used (figures in CHANGELOG.md, 1.1.0).
A bare year (a copyright line) is never read as a date. Every value carries its source
and what it states (:class:`Dated`): a value that states only a day is midnight UTC of
that day.

A structured publication time more than :data:`MODIFIED_SLACK` after the page's stated
modification time is not plausible and is passed over; the text search stops at that
bound too. A structured day later than the modification time (:func:`restamped`) gives
way to an earlier date line printed on the page. :meth:`PageMeta.dates` then takes the
first time not later than the page's capture (:meth:`Dated.after`).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypedDict

from dateutil import parser as dateparser
from htmldate import find_date
from lxml.html import HtmlElement

from broadsheet.records.model import EASTERNMOST, DatePrecision, DateSource

DATE_KEYS = (
    "article:published_time",
    "og:published_time",
    "published_time",
    "datepublished",
    "date_published",
    "publish-date",
    "publish_date",
    "publishdate",
    "pubdate",
    "publication_date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dcterms.created",
    "date",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
    "article_date_original",
    "cxenseparse:recs:publishtime",
    "citation_publication_date",
    "dc.date.created",
)
MODIFIED_KEYS = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "dcterms.modified",
    "last-modified",
)
#: How long before its publication a page may say it was last modified. A post scheduled
#: ahead is saved before it appears (measured: up to 2.6 days on the benchmark pages); a
#: publication time further after the modification time is not the page's.
MODIFIED_SLACK = timedelta(days=7)
#: Upper bound handed to htmldate when the page states no modification time. A fixed
#: bound, not today: the same page gives the same date whenever it is parsed.
LATEST = datetime(2100, 12, 31)
_DEFAULT_DAY = datetime(2000, 1, 1)
_STATED_CHARS = 64  # longer <meta> values are text, not dates
# Unambiguous zone abbreviations printed in dates, as UTC offsets in seconds.
_ZONES: dict[str, int] = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "EST": -5 * 3600,
    "EDT": -4 * 3600,
    "CST": -6 * 3600,
    "CDT": -5 * 3600,
    "MST": -7 * 3600,
    "MDT": -6 * 3600,
    "PST": -8 * 3600,
    "PDT": -7 * 3600,
    "BST": 3600,
    "CET": 3600,
    "CEST": 2 * 3600,
    "EET": 2 * 3600,
    "EEST": 3 * 3600,
    "AEST": 10 * 3600,
    "AEDT": 11 * 3600,
}
_OFFSET = re.compile(r"(?:Z|[+-]\d{2}(?::?\d{2})?)$")
_SECONDS = re.compile(r"\d:\d{2}:\d{2}|T\d{6}")
_MINUTES = re.compile(r"\d:\d{2}|T\d{2}(?:\d{2})?(?!\d)|\d\s*[ap]\.?m\b", re.I)
# A date in a URL path: /2025/09/04/, /2025-12-17-slug, /20250904/ is not one (an id).
_URL_DATE = re.compile(
    r"/((?:19|20)\d{2})([/-])(0?[1-9]|1[0-2])\2(0?[1-9]|[12]\d|3[01])(?=[/_.-]|$)"
)


@dataclass(frozen=True, slots=True)
class Dated:
    """A time read from a page, where it was read, and what it states."""

    value: datetime
    source: DateSource
    precision: DatePrecision

    @classmethod
    def day(cls, day: date, source: DateSource) -> Dated:
        """A day: midnight UTC of that day."""
        return cls(datetime(day.year, day.month, day.day, tzinfo=UTC), source, "day")

    def after(self, instant: datetime | None) -> bool:
        """Later than ``instant``; a day is later only when it has not begun anywhere yet."""
        if instant is None:
            return False
        if self.precision == "day":
            try:
                begun = (instant.astimezone(UTC) + EASTERNMOST).date()
            except OverflowError:  # an instant at the end of time: nothing is later
                return False
            return self.value.date() > begun
        return self.value > instant


def parse_datetime(value: Any) -> datetime | None:
    """An aware datetime: the stated offset kept, else UTC (a bare date is midnight UTC)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if re.fullmatch(r"\d{1,4}", text):  # a bare year is not a publication date
        return None
    try:
        parsed = dateparser.isoparse(text)
    except (ValueError, OverflowError):
        try:
            with warnings.catch_warnings():  # an unknown zone name: no offset, so UTC below
                warnings.simplefilter("ignore", dateparser.UnknownTimezoneWarning)
                parsed = dateparser.parse(text, default=_DEFAULT_DAY, tzinfos=_ZONES)
        except (ValueError, OverflowError, TypeError):
            return None
        if parsed is None or not re.search(r"\d{4}", text):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:  # an offset no zone has ("+99:00") fails only when the time is used: refuse it now
        offset = parsed.utcoffset()
    except ValueError:
        return None
    if offset is None or abs(offset) > EASTERNMOST or not 1990 <= parsed.year <= 2100:
        return None
    return parsed


def read_dated(value: Any, source: DateSource) -> Dated | None:
    """A stated time with its precision: a value with no time of day is a day."""
    parsed = parse_datetime(value)
    if parsed is None:
        return None
    text = _OFFSET.sub("", str(value).strip())  # "+05:00" is no time of day
    if _SECONDS.search(text):
        return Dated(parsed, source, "second")
    if _MINUTES.search(text):
        return Dated(parsed, source, "minute")
    return Dated.day(parsed.date(), source)


def first_date(values: Iterator[Any]) -> datetime | None:
    for value in values:
        parsed = parse_datetime(value)
        if parsed is not None:
            return parsed
    return None


def time_element(tree: HtmlElement) -> Dated | None:
    """The first ``<time datetime>``, one marked as the publication time first."""
    times = tree.xpath("//time[@datetime]")
    marked = [t for t in times if t.get("itemprop") == "datePublished" or "pubdate" in t.attrib]
    for element in marked + times:
        found = read_dated(element.get("datetime"), "time_element")
        if found is not None:
            return found
    return None


def url_date(url: str | None) -> Dated | None:
    """A year-month-day in the URL's path (``/2025/09/04/``, ``/2025-12-17-slug``)."""
    if not url:
        return None
    path = re.sub(r"^[a-z][a-z0-9+.-]*://[^/]*", "", url, flags=re.I).split("?")[0]
    for match in _URL_DATE.finditer(path):
        year, _, month, day = match.groups()
        try:
            return Dated.day(date(int(year), int(month), int(day)), "url")
        except ValueError:
            continue
    return None


def printed_date(
    tree: HtmlElement, latest: datetime | None, stated: Iterable[tuple[DateSource, Any]] = ()
) -> Dated | None:
    """The publication day printed on the page, by htmldate's ``find_date`` (fast mode).

    htmldate also reads markup (``<meta>``) the readers before it pass over; a day equal
    to one of the ``stated`` (source, raw value) pairs is given that source.
    """
    # url="": the URL was read before (url_date); htmldate would read the canonical link.
    try:
        text = find_date(
            tree,
            extensive_search=False,  # its extensive search costs up to seconds a page
            original_date=True,
            url="",
            max_date=(latest or LATEST).replace(tzinfo=None),
            outputformat="%Y-%m-%d",
        )
    except (ValueError, OverflowError, TypeError):  # an odd value it met (an offset of 99 h)
        return None
    if not text:
        return None
    found = date.fromisoformat(text)
    year = str(found.year)
    for source, value in stated:
        text = str(value)
        if len(text) <= _STATED_CHARS and year in text:
            known = read_dated(text, source)
            if known is not None and known.value.date() == found:
                return Dated.day(found, source)
    return Dated.day(found, "visible_text")


_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
#: A line that is only a date, after an optional label and before an optional reading time:
#: "October 3, 2024", "3 Oct 2024", "Published: 2024-10-03", "Posted on Dec 26, 2025",
#: "February 4, 2025 - 11 minutes".
_DATELINE = re.compile(
    r"(?:(?:published|posted|date|dated|first published)(?:\s+on)?\s*[:\-–]?\s*|on\s+)?"
    rf"(?P<date>{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2})"
    r"(?:\s+[-–—|·•]\s+\d{1,3}\s+min(?:ute)?s?(?:\s+read)?)?",  # "- 11 minutes", "· 5 min read"
    re.I,
)
_DATELINE_CHARS = 64
_NOT_TEXT = {"script", "style", "noscript", "template", "title", "option", "textarea"}


def dateline(tree: HtmlElement, latest: datetime | None) -> Dated | None:
    """The first line of the page's text that is only a date (after a 'Published' label).

    A line labelled "Updated" or "Modified" is a later date, not the publication.
    """
    bound = (latest or LATEST).date()
    for node in tree.xpath("//body//text()"):
        text = " ".join(str(node).split())
        if not 8 <= len(text) <= _DATELINE_CHARS or not any(c.isdigit() for c in text):
            continue
        match = _DATELINE.fullmatch(text)
        parent = node.getparent()
        if match is None or parent is None or parent.tag in _NOT_TEXT:
            continue
        parsed = parse_datetime(match.group("date"))
        if parsed is not None and parsed.date() <= bound:
            return Dated.day(parsed.date(), "visible_text")
    return None


def plausible(candidate: Dated, modified: datetime | None) -> bool:
    """Not later than the stated modification time (with :data:`MODIFIED_SLACK`)."""
    return modified is None or not candidate.after(modified + MODIFIED_SLACK)


def publication(
    tree: HtmlElement,
    structured: Iterable[tuple[DateSource, Any]],
    modified: datetime | None,
    url: str | None,
    other_stated: Iterable[tuple[DateSource, Any]] = (),
) -> list[Dated]:
    """The page's plausible publication times, best first (see the module's docstring).

    ``structured`` are (source, raw value) pairs of JSON-LD and ``<meta>`` in order;
    ``other_stated`` are further dated markup values (any ``<meta>``) that name the source
    of a day htmldate finds. The text search runs only when nothing before it is found.
    """
    found: list[Dated] = []
    for source, value in structured:
        dated = read_dated(value, source)
        if dated is not None and plausible(dated, modified):
            found.append(dated)
    latest = modified + MODIFIED_SLACK if modified is not None else None
    if found and restamped(found[0], modified):
        printed = dateline(tree, latest)
        if printed is not None and printed.value < found[0].value:
            found.insert(0, printed)
    for dated in (time_element(tree), url_date(url)):
        if dated is not None and plausible(dated, modified):
            found.append(dated)
    if not found:
        printed = dateline(tree, latest) or printed_date(tree, latest, other_stated)
        if printed is not None:
            found.append(printed)
    return found


def restamped(stated: Dated, modified: datetime | None) -> bool:
    """A structured publication day later than the page's last modification.

    A publication precedes every modification; a day stated after it is the day the site
    last re-published the page (some site builders stamp it on every re-publication), so
    a date line printed on the page that is earlier is the publication. A time stated to
    the second or minute is kept: it is a post scheduled ahead (:data:`MODIFIED_SLACK`).
    """
    return (
        modified is not None
        and stated.precision == "day"
        and stated.source in ("json_ld", "meta")
        and stated.value.date() > modified.date()
    )


class DateFields(TypedDict):
    """The date arguments of :func:`broadsheet.parsers.common.build_article`."""

    published_at: datetime | None
    published_at_source: DateSource | None
    published_at_precision: DatePrecision | None
    modified_at: datetime | None


def date_fields(
    candidates: Iterable[Dated], modified_at: datetime | None, captured_at: datetime | None
) -> DateFields:
    """The first candidate not later than the capture, with the modification time."""
    chosen = next((c for c in candidates if not c.after(captured_at)), None)
    return DateFields(
        published_at=chosen.value if chosen else None,
        published_at_source=chosen.source if chosen else None,
        published_at_precision=chosen.precision if chosen else None,
        modified_at=modified_at,
    )
