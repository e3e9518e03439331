"""Publication and modification times from <meta> tags and <time> elements."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from dateutil import parser as dateparser
from lxml.html import HtmlElement

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
)
MODIFIED_KEYS = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "dcterms.modified",
    "last-modified",
)
_DEFAULT_DAY = datetime(2000, 1, 1)
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
    if not 1990 <= parsed.year <= 2100:
        return None
    return parsed


def first_date(values: Iterator[Any]) -> datetime | None:
    for value in values:
        parsed = parse_datetime(value)
        if parsed is not None:
            return parsed
    return None


def time_element(tree: HtmlElement) -> datetime | None:
    times = tree.xpath("//time[@datetime]")
    marked = [t for t in times if t.get("itemprop") == "datePublished" or "pubdate" in t.attrib]
    return first_date(iter([t.get("datetime") for t in marked + times]))
