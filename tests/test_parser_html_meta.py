"""Metadata readers of the generic HTML parser: names, tags, dates, titles, JSON-LD."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from lxml.html import fromstring

from broadsheet.parsers.htmldates import parse_datetime
from broadsheet.parsers.htmlmeta import read_meta
from broadsheet.parsers.names import split_names, split_tags


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("By Ann Lee and Bo Kim", ["Ann Lee", "Bo Kim"]),
        ("BY: Ann Lee, Bo Kim & Cy Dunn", ["Ann Lee", "Bo Kim", "Cy Dunn"]),
        ("Written by Ann Lee", ["Ann Lee"]),
        ("Associated Press", ["Associated Press"]),
        ("", []),
        ("By , and ", []),
    ],
)
def test_split_names(text: str, names: list[str]) -> None:
    assert split_names(text) == names


def test_split_tags() -> None:
    assert split_tags("Politics, Economy; Gaza ,, ") == ["Politics", "Economy", "Gaza"]


def test_split_tags_drops_entities_escaped_twice_and_keeps_ampersands() -> None:
    # ScienceAlert's keywords read 'titan, &amp;quot, water' in the markup: once parsed,
    # '&quot' is an entity left over from the site's own escaping, not a topic.
    assert split_tags("titan, &quot, water, -- ,Science & Technology, AT&T") == [
        "titan",
        "water",
        "Science & Technology",
        "AT&T",
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "2024-03-05T14:30:00+02:00",
            datetime(2024, 3, 5, 14, 30, tzinfo=timezone(timedelta(hours=2))),
        ),
        ("2024-03-05T14:30:00", datetime(2024, 3, 5, 14, 30, tzinfo=UTC)),
        ("2024-03-05", datetime(2024, 3, 5, tzinfo=UTC)),
        ("Fri, 28 Apr 2023 17:40:08 EST", datetime(2023, 4, 28, 22, 40, 8, tzinfo=UTC)),
        ("2023", None),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_datetime(value: str | None, expected: datetime | None) -> None:
    assert parse_datetime(value) == expected


def test_json_ld_author_strings_and_organisations() -> None:
    html = """<html><head><script type="application/ld+json">[
      {"@type": "BreadcrumbList"},
      {"@type": ["ReportageNewsArticle"], "headline": "Storm &amp; tide",
       "author": ["By Ann Lee and Bo Kim", {"@type": "Organization", "name": "Reuters"},
                  "https://example.com/staff/cy", {"@type": "Person", "name": "ann lee"}],
       "keywords": ["Weather", "Coast, Storms"]}
    ]</script></head><body></body></html>"""
    meta = read_meta(fromstring(html), None)
    assert meta.title == "Storm & tide"
    assert meta.authors == ["Ann Lee", "Bo Kim", "Reuters"]
    assert meta.tags == ["Weather", "Coast", "Storms"]
    assert meta.declares_article


def test_cms_codes_are_not_tags_and_a_host_is_not_a_section() -> None:
    html = """<html><head><script type="application/ld+json">{"@type": "NewsArticle",
      "headline": "Ferry timetable changes", "articleSection": "coastline.example",
      "keywords": "26157981-b4f7-4929-adc1-e860c6f03636, Category: News, coastline.example,
                   Ferries, U.S. Coast Guard"}</script></head><body></body></html>"""
    meta = read_meta(fromstring(html), None)
    assert meta.tags == ["Ferries", "U.S. Coast Guard"]
    assert meta.section is None
