"""Publication times of HTML pages: where they are read, what they state, and which are kept.

Real pages whose date is printed only in the text or the URL are under
``tests/fixtures/html/dates/`` (sources and licences in the README there); the expected
days were read off the pages.
"""

from __future__ import annotations

import gzip
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from lxml.html import tostring

from broadsheet.parsers import parse_page
from broadsheet.parsers.html_generic import parse_tree
from broadsheet.parsers.htmldates import Dated, dateline, printed_date, read_dated, url_date
from broadsheet.records.model import Article
from broadsheet.sources.items import Page
from test_parser_html import PARAGRAPHS

FIXTURES = Path(__file__).parent / "fixtures" / "html"


def parse_html(
    head: str,
    body: str = "",
    *,
    url: str | None = None,
    captured_at: datetime | None = None,
) -> Article:
    html = (
        f"<html><head><title>Harbour terminal opens</title>{head}</head><body><article>"
        f"<h1>Harbour terminal opens</h1>{body}{PARAGRAPHS}</article></body></html>"
    )
    return parse_page(
        Page(source_file="inline.html", data=html.encode(), url=url, captured_at=captured_at)
    )


def dates(record: Article) -> tuple[datetime | None, str | None, str | None]:
    return record.published_at, record.published_at_source, record.published_at_precision


# ---------------------------------------------------------------- real pages


@pytest.mark.parametrize(
    ("name", "url", "day", "source"),
    [
        # <div>October 3, 2024</div> right under the <h1>; dated related posts follow later
        (
            "kouzina_kitchen_sink.html.gz",
            "https://www.kouzinafoodtech.com/blog/what-is-kitchen-sink-in-cloud-computing-concept",
            date(2024, 10, 3),
            "visible_text",
        ),
        # <p>Dec 26, 2025 <span>&bull;</span> <img> (author)</p> above the article
        (
            "celoxis_pm_pricing.html.gz",
            "https://www.celoxis.com/article/project-management-software-cost-pricing-models",
            date(2025, 12, 26),
            "visible_text",
        ),
        # a <time> element with no datetime attribute: <time>Dec 19, 2025</time>
        (
            "cassidoo_dot_github.html.gz",
            "https://cassidoo.co/post/dot-github",
            date(2025, 12, 19),
            "visible_text",
        ),
        # "March 30, 2023 |" in <span class="author__meta-date">, found by htmldate
        (
            "enterprisers_remote_work.html.gz",
            "https://enterprisersproject.com/article/2023/3/remote-work-5-tips-maximize-productivity",
            date(2023, 3, 30),
            "visible_text",
        ),
        # no metadata date; the URL is /blog/2025-12-17-minisgl (the byline prints the same)
        (
            "lmsys_minisgl.html.gz",
            "https://lmsys.org/blog/2025-12-17-minisgl",
            date(2025, 12, 17),
            "url",
        ),
    ],
)
def test_a_date_printed_only_on_the_page_or_in_the_url(
    name: str, url: str, day: date, source: str
) -> None:
    data = gzip.decompress((FIXTURES / "dates" / name).read_bytes())
    record = parse_page(Page(source_file=name, data=data, url=url))
    assert dates(record) == (datetime(day.year, day.month, day.day, tzinfo=UTC), source, "day")


@pytest.mark.parametrize(
    ("name", "url", "day"),
    [
        # JSON-LD datePublished "Jun 12, 2025", dateModified "Jun 10, 2025";
        # <p>November 2, 2022</p> under the <h1>
        (
            "huberman_fitness_protocol.html.gz",
            "https://www.hubermanlab.com/newsletter/foundational-fitness-protocol",
            date(2022, 11, 2),
        ),
        # JSON-LD datePublished "Aug 21, 2025", dateModified "Aug 20, 2025";
        # "Published <span>Apr 26, 2023</span>" then "Updated <span>Aug 21, 2025</span>"
        (
            "siteline_electrical_companies.html.gz",
            "https://www.siteline.com/blog/top-electrical-construction-companies",
            date(2023, 4, 26),
        ),
    ],
)
def test_a_structured_day_after_the_modification_gives_way_to_the_printed_date(
    name: str, url: str, day: date
) -> None:
    data = gzip.decompress((FIXTURES / "dates" / name).read_bytes())
    record = parse_page(Page(source_file=name, data=data, url=url))
    assert dates(record) == (
        datetime(day.year, day.month, day.day, tzinfo=UTC),
        "visible_text",
        "day",
    )


# ---------------------------------------------------------------- what a value states


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05T14:30:12+02:00", (datetime(2024, 3, 5, 12, 30, 12, tzinfo=UTC), "second")),
        ("2024-03-05T14:30+02:00", (datetime(2024, 3, 5, 12, 30, tzinfo=UTC), "minute")),
        ("20240305T143012Z", (datetime(2024, 3, 5, 14, 30, 12, tzinfo=UTC), "second")),
        ("Fri, 28 Apr 2023 17:40:08 EST", (datetime(2023, 4, 28, 22, 40, 8, tzinfo=UTC), "second")),
        ("June 12, 2025 3:05 pm", (datetime(2025, 6, 12, 15, 5, tzinfo=UTC), "minute")),
        ("2024-03-05", (datetime(2024, 3, 5, tzinfo=UTC), "day")),
        ("Jun 12, 2025", (datetime(2025, 6, 12, tzinfo=UTC), "day")),
        # a day with an offset stays the day printed: its midnight UTC, not converted
        ("2024-03-05+05:00", (datetime(2024, 3, 5, tzinfo=UTC), "day")),
        ("5th March 2024", (datetime(2024, 3, 5, tzinfo=UTC), "day")),
    ],
)
def test_precision_is_what_the_value_states(value: str, expected: tuple[datetime, str]) -> None:
    found = read_dated(value, "meta")
    assert found is not None
    assert (found.value, found.precision) == expected


def test_a_year_or_text_is_no_date() -> None:
    assert read_dated("2024", "meta") is None
    assert read_dated("Updated daily", "meta") is None


@pytest.mark.parametrize(
    ("url", "day"),
    [
        ("https://example.com/2025/09/04/top-trends/", date(2025, 9, 4)),
        ("https://example.com/news/2025/9/4/top-trends", date(2025, 9, 4)),
        ("https://lmsys.org/blog/2025-12-17-minisgl", date(2025, 12, 17)),
        ("https://example.com/article/2023/3/remote-work", None),  # a month is not a day
        ("https://example.com/2025/02/30/slug", None),  # no such day
        ("https://example.com/story/20250904/slug", None),  # digits without separators: an id
        ("https://example.com/?date=2025-09-04", None),  # the query is not the path
        ("https://2025-09-04.example.com/slug", None),  # nor is the host
    ],
)
def test_dates_in_url_paths(url: str, day: date | None) -> None:
    found = url_date(url)
    assert (found.value.date() if found else None) == day


def test_a_day_is_after_an_instant_only_when_it_has_begun_nowhere() -> None:
    day = Dated.day(date(2023, 11, 28), "visible_text")
    assert not day.after(datetime(2023, 11, 27, 22, 0, tzinfo=UTC))  # 12:00 on 28th at UTC+14
    assert day.after(datetime(2023, 11, 27, 9, 0, tzinfo=UTC))  # 23:00 on the 27th at UTC+14
    assert not day.after(None)


# ---------------------------------------------------------------- which source wins


def test_json_ld_comes_before_meta_time_url_and_text() -> None:
    record = parse_html(
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"datePublished": "2024-03-05T14:30:00+02:00"}</script>'
        '<meta property="article:published_time" content="2024-03-04T08:00:00Z">',
        '<time datetime="2024-03-03">3 March</time><div>Published: March 2, 2024</div>',
        url="https://example.com/2024/03/01/terminal",
    )
    assert dates(record) == (datetime(2024, 3, 5, 12, 30, tzinfo=UTC), "json_ld", "second")


def test_meta_minute_then_time_element_then_url() -> None:
    meta = parse_html('<meta property="article:published_time" content="2024-03-04T08:00Z">')
    assert dates(meta) == (datetime(2024, 3, 4, 8, 0, tzinfo=UTC), "meta", "minute")
    timed = parse_html(
        "", '<time datetime="2024-03-03">3 March</time>', url="https://e.com/2024/03/01/x"
    )
    assert dates(timed) == (datetime(2024, 3, 3, tzinfo=UTC), "time_element", "day")
    from_url = parse_html(
        "", "<div>Published: March 2, 2024</div>", url="https://e.com/2024/03/01/x"
    )
    assert dates(from_url) == (datetime(2024, 3, 1, tzinfo=UTC), "url", "day")


def test_a_dateline_is_read_but_not_an_updated_line() -> None:
    record = parse_html("", "<p>Updated: Dec 4, 2025</p><p>Posted on Nov 2, 2025</p>")
    assert dates(record) == (datetime(2025, 11, 2, tzinfo=UTC), "visible_text", "day")
    timed = parse_html("", "<p>February 4, 2025 - 11 minutes</p>")
    assert dates(timed) == (datetime(2025, 2, 4, tzinfo=UTC), "visible_text", "day")


def test_a_meta_tag_htmldate_knows_is_labelled_meta() -> None:
    # not one of the keys read first, but a <meta> tag all the same
    record = parse_html('<meta property="og:pubdate" content="2024-02-12">')
    assert dates(record) == (datetime(2024, 2, 12, tzinfo=UTC), "meta", "day")


def test_no_date_anywhere_is_none() -> None:
    record = parse_html("", "<p>By Ann Lee</p>", url="https://example.com/news/terminal-opens")
    assert dates(record) == (None, None, None)


# ---------------------------------------------------------------- plausibility


def test_a_publication_long_after_the_modification_is_passed_over() -> None:
    ld = (
        '<script type="application/ld+json">{{"@type": "BlogPosting", '
        '"datePublished": "{published}", "dateModified": "2025-06-10"}}</script>'
    )
    # published 20 days after the last modification: not the page's publication
    stale = parse_html(ld.format(published="2025-06-30"), "<div>Published: May 2, 2025</div>")
    assert dates(stale) == (datetime(2025, 5, 2, tzinfo=UTC), "visible_text", "day")
    # two days after it: a post scheduled ahead, kept
    scheduled = parse_html(ld.format(published="2025-06-12"))
    assert dates(scheduled) == (datetime(2025, 6, 12, tzinfo=UTC), "json_ld", "day")
    # ... unless the page prints an earlier publication day: a re-publication stamp
    stamped = parse_html(ld.format(published="2025-06-12"), "<div>Published: May 2, 2024</div>")
    assert dates(stamped) == (datetime(2024, 5, 2, tzinfo=UTC), "visible_text", "day")
    # a printed day after the stated one is not the publication
    later = parse_html(ld.format(published="2025-06-12"), "<div>Published: June 14, 2025</div>")
    assert dates(later) == (datetime(2025, 6, 12, tzinfo=UTC), "json_ld", "day")


def test_a_time_of_day_after_the_modification_is_kept_over_the_printed_date() -> None:
    # stated to the second: a post scheduled ahead, whatever the page prints
    record = parse_html(
        '<script type="application/ld+json">{"@type": "BlogPosting", '
        '"datePublished": "2025-06-12T09:00:00Z", "dateModified": "2025-06-10"}</script>',
        "<div>Published: May 2, 2024</div>",
    )
    assert dates(record) == (datetime(2025, 6, 12, 9, 0, tzinfo=UTC), "json_ld", "second")


def test_a_publication_after_the_capture_is_passed_over() -> None:
    head = (
        '<meta property="article:published_time" content="2025-06-12T10:00:00Z">'
        '<meta name="date" content="2025-06-01">'
    )
    captured = datetime(2025, 6, 11, 8, 0, tzinfo=UTC)
    record = parse_html(head, captured_at=captured)
    assert dates(record) == (datetime(2025, 6, 1, tzinfo=UTC), "meta", "day")
    # a day printed for the capture's own day is kept even if UTC's midnight is later
    same_day = parse_html('<meta name="date" content="2025-06-11">', captured_at=captured)
    assert dates(same_day) == (datetime(2025, 6, 11, tzinfo=UTC), "meta", "day")
    later = parse_html(head.split("<meta name")[0], captured_at=captured)
    assert dates(later) == (None, None, None)


def test_the_text_parser_reads_the_printed_time_to_the_minute() -> None:
    path = FIXTURES.parent / "almayadeen" / "personal_byline.txt"
    record = parse_page(Page(source_file=path.name, data=path.read_bytes()))
    assert record.published_at is not None
    assert (record.published_at_source, record.published_at_precision) == (
        "visible_text",
        "minute",
    )


def test_reading_the_printed_date_leaves_the_tree_as_it_was() -> None:
    byline = '<p class="meta-date">Posted by Ann Lee on March 30, 2023</p>'
    html = f"<html><body><h1>T</h1>{byline}{PARAGRAPHS}</body></html>"
    tree = parse_tree(html)
    assert tree is not None
    before = tostring(tree)
    assert dateline(tree, None) is None  # not a line that is only a date
    assert printed_date(tree, None) == Dated.day(date(2023, 3, 30), "visible_text")
    assert tostring(tree) == before
