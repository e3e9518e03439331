"""The one-pass reading paths of the Al Mayadeen text parser: searches by offset and line runs.

The parser finds the byline block by searching the page text (it never splits the chrome
above the article into lines) and reads the article region in one loop that stops at the
first chrome label. These tests pin both to the line-by-line rules.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from broadsheet.errors import PageError
from broadsheet.parsers import parse_page
from broadsheet.parsers.almayadeen_layout import (
    line_starts_holding,
    read_body,
    read_line,
    read_lines,
    read_rows,
    split_tail,
    to_lines,
)
from broadsheet.parsers.almayadeen_text import PARSER
from broadsheet.parsers.base import Document
from broadsheet.records.model import Article, Image, Related
from broadsheet.sources.items import Page

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_d3aa1e9182096810.txt"
_LABELS = frozenset({"Most Read", "Read Next", "All Rights Reserved"})


@pytest.mark.parametrize(
    ("text", "starts"),
    [
        ("menu\nChannel 12: news\n\n  • By A\n  • 5 Nov 2023 09:05\n", [5, 23, 32]),
        ("By the sea: a line holding both\nplain\n", [0]),
        ("plain\nno hits at all", []),
        ("first\n\nlast line By", [7]),
        ("", []),
    ],
)
def test_line_starts_holding_gives_where_the_lines_start(text: str, starts: list[int]) -> None:
    assert list(line_starts_holding(text, ("By", ":"))) == starts
    assert all(at == 0 or text[at - 1] == "\n" for at in starts)


_RAWS = [
    "Headline",
    "  • By Hiba Morad",
    "\u00a0• bullet after a no-break space",
    "\t2) second point",
    "3. not indented, so not numbered",
    "    ",
    "",
    "Caf\u0065\u0301 in  Beirut",
    "    A caption line (AP)",
]


def test_read_lines_reads_every_line_as_read_line_does() -> None:
    assert read_lines(_RAWS) == [read_line(raw) for raw in _RAWS]
    assert [line.text for line in read_lines(_RAWS)][-2:] == [
        "Caf\u00e9 in Beirut",
        "A caption line (AP)",
    ]


@pytest.mark.parametrize(
    ("label", "stops"),
    [
        ("Most Read", True),
        ("Most\u00a0Read  ", True),  # cleans to the label
        ("\u200bAll Rights Reserved", True),
        ("  Most Read", False),  # indented: a quote, not chrome
        ("\tRead Next", False),
        ("  • Most Read", False),
        ("Most Read today", False),
    ],
)
def test_read_lines_stops_at_the_first_chrome_label(label: str, stops: bool) -> None:
    raws = ["A paragraph.", "", label, "Chrome after the label."]
    lines = read_lines(raws, _LABELS)
    assert len(lines) == (2 if stops else 4)
    assert len(read_lines(raws)) == 4  # no labels given: every line is read


_BODY = (
    "Traffic resumed on Sunday at the main border crossing between the two countries.\n"
    "\n"
    "Trucks carrying fuel and flour were the first to cross, officials said.\n"
    "\n"
    "  • Lebanon\n"
    "  • Syria\n"
    "Border Crossings\n"
    "\n"
    "Border Crossings\n"
    "\n"
)


def _parse(text: str) -> Article:
    return PARSER.parse(Document(page=Page("head.txt", text.encode()), text=text, is_html=False))


def test_headline_on_the_first_line_and_page_ending_with_the_coverage_name_twice() -> None:
    record = _parse(
        "Lebanon and Syria reopen the Masnaa crossing\n"
        "  • By Zeinab Hassan\n"
        "  • 5 Nov 2023 09:05\n"
        "\n" + _BODY.rstrip("\n")
    )
    assert record.title == "Lebanon and Syria reopen the Masnaa crossing"
    assert record.authors == ["Zeinab Hassan"]
    assert record.published_at == datetime(2023, 11, 5, 7, 5, tzinfo=UTC)  # 09:05 in Beirut
    assert record.description == (
        "Traffic resumed on Sunday at the main border crossing between the two countries."
    )
    assert [block.text for block in record.body] == [
        "Trucks carrying fuel and flour were the first to cross, officials said."
    ]
    assert record.tags == ["Lebanon", "Syria"]
    assert record.coverage == "Border Crossings"
    assert record.captured_after is None


def test_byline_block_read_upwards_from_the_first_byline_bullet() -> None:
    data = SEED.read_bytes()
    header = "  • By Al Mayadeen English\n  • Source: Al Mayadeen\n"
    assert header.encode() in data
    reference = parse_page(Page(SEED.name, data)).to_json_dict()
    swapped = data.replace(
        header.encode(),
        b"  \xe2\x80\xa2 Source: Al Mayadeen\n  \xe2\x80\xa2 By Al Mayadeen English\n",
    )
    record = parse_page(Page(SEED.name, swapped)).to_json_dict()
    assert (record["title"], record["authors"], record["source_credit"]) == (
        reference["title"],
        ["Al Mayadeen English"],
        "Al Mayadeen",
    )


@pytest.mark.parametrize("end", ["", "\n"])
def test_page_ending_with_the_byline_block_is_truncated(end: str) -> None:
    text = "Al Mayadeen English\n\n  • Ar\n\nA headline of its own\n\n  • By Hiba Morad" + end
    doc = Document(page=Page("cut.txt", text.encode()), text=text, is_html=False)
    assert PARSER.claims(doc)
    with pytest.raises(PageError, match="ends inside the article") as caught:
        PARSER.parse(doc)
    assert caught.value.code == "truncated"


def test_rows_are_the_lines_as_plain_tuples() -> None:
    rows = read_rows(_RAWS, _LABELS)
    assert rows == [tuple(line) for line in read_lines(_RAWS, _LABELS)]
    assert all(type(row) is tuple for row in rows)
    assert rows[1] == ("• By Hiba Morad", 2, "bullet", "By Hiba Morad")
    assert rows[5] == ("", 4, None, "")  # spaces only: blank, its indent kept


_REGION = (
    "The standfirst of the piece.\n"
    "\n"
    "  • x\n"
    "  • Rubble in Khan Younis\n"
    "    Rubble in Khan Younis, 12 March 2024 (AFP)\n"
    "\n"
    "The first paragraph of the body.\n"
    "\n"
    "Related News\n"
    "\n"
    "Talks resume in Cairo\n"
    "\n"
    "Read more: Aid convoy reaches the north\n"
    "\n"
    "The closing paragraph.\n"
    "\n"
    "  • Gaza\n"
    "  • Aid\n"
    "War on Gaza\n"
)


def test_split_tail_reads_rows_and_named_lines_alike() -> None:
    rows = read_rows(_REGION.split("\n"))
    body, tags, coverage = split_tail(rows)
    assert (tags, coverage) == (["Gaza", "Aid"], "War on Gaza")
    assert split_tail(to_lines(_REGION)) == (body, tags, coverage)
    assert [row[0] for row in body if row[0]][-1] == "The closing paragraph."


def test_body_gives_images_and_links_as_record_fields() -> None:
    body, _, _ = split_tail(read_rows(_REGION.split("\n")))
    parts = read_body(body)
    assert parts.description == "The standfirst of the piece."
    assert parts.images == [
        {
            "url": None,
            "alt": "Rubble in Khan Younis",
            "caption": "Rubble in Khan Younis, 12 March 2024 (AFP)",
            "credit": "AFP",
        }
    ]
    assert parts.related == [
        {"title": "Talks resume in Cairo", "url": None, "kind": "related"},
        {"title": "Aid convoy reaches the north", "url": None, "kind": "read_more"},
    ]
    assert [(block.kind, block.text) for block in parts.blocks] == [
        ("paragraph", "The first paragraph of the body."),
        ("paragraph", "The closing paragraph."),
    ]
    # The fields are exactly those of the record's models: validated once, in the record.
    assert [Image.model_validate(image).credit for image in parts.images] == ["AFP"]
    assert [Related.model_validate(link).kind for link in parts.related] == [
        "related",
        "read_more",
    ]


def test_invalid_link_fields_fail_the_record() -> None:
    text = SEED.read_text(encoding="utf-8")
    record = parse_page(Page(SEED.name, text.encode())).model_dump()
    record["related"] = [{"title": "", "url": None, "kind": "related"}]
    with pytest.raises(ValueError, match="related"):
        Article.model_validate(record)


# --- the shortcuts the parser takes on every page ---------------------------------------


def test_the_first_time_in_the_byline_block_is_the_publication_time() -> None:
    record = _parse(
        "Lebanon and Syria reopen the Masnaa crossing\n"
        "\n"
        "  • By Zeinab Hassan\n"
        "  • 5 Nov 2023 09:05\n"
        "  • 6 Nov 2023 10:00\n"
        "  • 1,204 Shares\n"
        "\n"
        "\n"
        "3 Min Read\n"
        "\n" + _BODY
    )
    assert record.published_at == datetime(2023, 11, 5, 7, 5, tzinfo=UTC)  # 09:05 in Beirut
    assert record.share_count == 1204
    assert record.reading_time_minutes == 3  # found past the blank lines
    assert record.description is not None and record.description.startswith("Traffic")


def test_captured_after_reads_every_most_read_list_and_only_those() -> None:
    record = _parse(
        "Lebanon and Syria reopen the Masnaa crossing\n"
        "\n"
        "  • By Zeinab Hassan\n"
        "  • 5 Nov 2023 09:05\n"
        "\n" + _BODY + "Most Read\n"
        "\n"
        "A headline in the list\n"
        "\n"
        "  • Economy\n"
        "  • 3 Dec 2023\n"
        "Another headline\n"
        "\n"
        "  • 20 Jan 2024\u200b\n"
        "\n"
        "Coverage\n"
        "\n"
        "  • 1 Jan 2030\n"
        "\n"
        "Most\u00a0Read\n"
        "\n"
        "  • 14 Feb 2024\n"
        "\n"
        "All Rights Reserved\n"
        "\n"
        "  • 2 Mar 2031\n"
    )
    # Dates under 'Coverage' and the footer are not in a 'Most Read' list.
    assert record.captured_after == date(2024, 2, 14)
