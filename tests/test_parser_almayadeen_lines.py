"""Line reading of the Al Mayadeen text parser: cleaning, markers, searches and page variants.

The parser reads each line only when it needs it and takes cheap paths for plain lines;
these tests pin those paths to the shared cleaning rules and to the records of the
unmodified pages.
"""

from __future__ import annotations

import sys
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from broadsheet.parsers import parse_page
from broadsheet.parsers.almayadeen_layout import (
    clean_line,
    line_starts_holding,
    read_body,
    split_lines,
    split_tail,
    to_lines,
)
from broadsheet.parsers.almayadeen_text import PARSER, parse_day, split_names
from broadsheet.parsers.base import Document
from broadsheet.parsers.common import clean
from broadsheet.records.model import Article
from broadsheet.sources.items import Page

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_d3aa1e9182096810.txt"
FIXTURES = Path(__file__).parent / "fixtures" / "almayadeen"

# Every character that ``common.clean`` turns into a space or that ``str.strip`` removes.
_SPACE_LIKE = sorted(
    {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}
    | {"\t", "\u00a0", "\u200b", "\u202f", "\u205f", "\u3000"}
    | {chr(c) for c in range(0x2000, 0x200C)}
)


def _record(data: bytes, name: str = SEED.name) -> dict[str, Any]:
    record: Article = parse_page(Page(name, data))
    return record.to_json_dict() | {"source_sha256": None}


# --- cleaning ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Gaza Strip", "Gaza Strip"),
        ("   Gaza Strip   ", "Gaza Strip"),
        ("\u00a0Gaza\u00a0\u00a0Strip\u00a0", "Gaza Strip"),
        ("Gaza\tStrip", "Gaza Strip"),
        ("Gaza  \u2009 Strip", "Gaza Strip"),
        ("\u200bGaza Strip\u200b", "Gaza Strip"),
        ("\u3000Gaza\u3000Strip", "Gaza Strip"),
        ("Caf\u0065\u0301 Beirut", "Caf\u00e9 Beirut"),  # decomposed é is composed
        ("\u2001Gaza\u2000Strip", "Gaza Strip"),  # quads: NFC maps them to en/em spaces
        ("\x0cGaza Strip\x85", "Gaza Strip"),  # form feed and NEL are stripped, not collapsed
        ("Gaza\x0cStrip", "Gaza\x0cStrip"),
        ("“Quoted” — text…", "“Quoted” — text…"),
        ("  • Gaza", "• Gaza"),
        ("", ""),
        ("\u00a0 \u200b", ""),
    ],
)
def test_clean_line(raw: str, expected: str) -> None:
    assert clean_line(raw) == expected
    assert clean(raw) == expected


@pytest.mark.parametrize("space", _SPACE_LIKE, ids=lambda c: f"U+{ord(c):04X}")
def test_clean_line_agrees_with_clean_for_every_space(space: str) -> None:
    for raw in (
        f"{space}Gaza",
        f"Gaza{space}",
        f"Ga{space}za",
        f"• Ga{space}za",
        f"“Ga{space}za”",
        f"{space}{space}Gaza {space}Strip{space}",
        f"Gaza {space}",
        f"e\u0301{space}Gaza",
    ):
        assert clean_line(raw) == clean(raw), repr(raw)


def test_clean_line_normalises_only_what_needs_it() -> None:
    decomposed = unicodedata.normalize("NFD", "Beyrouth, été 2024 — “Gaza”")
    assert decomposed != "Beyrouth, été 2024 — “Gaza”"
    assert clean_line(f"  {decomposed}  ") == "Beyrouth, été 2024 — “Gaza”"


# --- lines and markers -------------------------------------------------------------------


def test_to_lines_reads_indent_markers_and_blanks() -> None:
    text = (
        "Headline\n"
        "  • By Hiba Morad\n"
        "\u00a0• bullet after a no-break space\n"
        "\t2) second point\n"
        "  ١. first point\n"
        "3. not indented, so not numbered\n"
        "    \n"
        "    A caption line (AP)\n"
    )
    lines = [(x.text, x.indent, x.marker, x.content) for x in to_lines(text)]
    assert lines == [
        ("Headline", 0, None, "Headline"),
        ("• By Hiba Morad", 2, "bullet", "By Hiba Morad"),
        ("• bullet after a no-break space", 0, "bullet", "bullet after a no-break space"),
        ("2) second point", 1, "number", "second point"),
        ("١. first point", 2, "number", "first point"),
        ("3. not indented, so not numbered", 0, None, "3. not indented, so not numbered"),
        ("", 4, None, ""),
        ("A caption line (AP)", 4, None, "A caption line (AP)"),
        ("", 0, None, ""),
    ]


def test_split_lines_drops_marks_and_reads_every_line_end() -> None:
    assert split_lines("\ufeffone\r\ntwo\rthree\nfo\ufeffur") == ["one", "two", "three", "four"]
    assert split_lines("") == [""]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("menu\nChannel 12: news\n\n  • By A\n  • 5 Nov 2023 09:05\n", [1, 3, 4]),
        ("By the sea: a line holding both\nplain\n", [0]),
        ("plain\nno hits at all", []),
        (":\n:\n:", [0, 1, 2]),
        ("first\n\nlast line By", [2]),
        ("", []),
    ],
)
def test_line_starts_holding_mark_the_lines_holding_a_needle(
    text: str, expected: list[int]
) -> None:
    starts = list(line_starts_holding(text, ("By", ":")))
    assert [text.count("\n", 0, start) for start in starts] == expected
    assert all(start == 0 or text[start - 1] == "\n" for start in starts)
    assert expected == [i for i, line in enumerate(text.split("\n")) if "By" in line or ":" in line]


# --- tail and body -----------------------------------------------------------------------


def test_split_tail_reads_only_the_end_of_the_region() -> None:
    region = to_lines(
        "\n\nBody text here.\n\n\n  • Gaza\n  • truce\n\nWar on Gaza\n\nWar on Gaza\n\n"
    )
    body, tags, coverage = split_tail(region)
    assert (tags, coverage) == (["Gaza", "truce"], "War on Gaza")
    assert [line.text for line in body if line.text] == ["Body text here."]
    assert split_tail(to_lines("\n\n\n")) == ([], [], None)


def test_two_galleries_keep_their_images_apart() -> None:
    region = to_lines(
        "The standfirst of the article.\n"
        "\n"
        "  • x\n"
        "  • Smoke over the border\n"
        "    Smoke over the border, July 17, 2024 (Al Mayadeen)\n"
        "First paragraph after the gallery.\n"
        "\n"
        "  • ×\n"
        "    A caption printed without alt text (AP)\n"
        "  • A second picture\n"
        "\n"
        "Last paragraph.\n"
    )
    parts = read_body(region)
    assert parts.description == "The standfirst of the article."
    assert [(i["alt"], i["caption"], i["credit"]) for i in parts.images] == [
        (
            "Smoke over the border",
            "Smoke over the border, July 17, 2024 (Al Mayadeen)",
            "Al Mayadeen",
        ),
        (None, "A caption printed without alt text (AP)", "AP"),
        ("A second picture", None, None),
    ]
    assert [(b.kind, b.text) for b in parts.blocks] == [
        ("paragraph", "First paragraph after the gallery."),
        ("paragraph", "Last paragraph."),
    ]


def test_gallery_right_under_the_standfirst() -> None:
    parts = read_body(to_lines("The standfirst.\n  • x\n  • Alt text\nA paragraph.\n"))
    assert parts.description == "The standfirst."
    assert [i["alt"] for i in parts.images] == ["Alt text"]
    assert [b.text for b in parts.blocks] == ["A paragraph."]


# --- byline, dates and names -------------------------------------------------------------


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("Sandra Anderson", ["Sandra Anderson"]),  # 'and' inside words splits nothing
        ("  Hiba Morad ", ["Hiba Morad"]),
        ("Brandon Lee and Anna Sands", ["Brandon Lee", "Anna Sands"]),
        ("", []),
    ],
)
def test_split_names_words_holding_and(byline: str, names: list[str]) -> None:
    assert split_names(byline) == names


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("9 Sep 2025", date(2025, 9, 9)),
        ("12 September 2025", date(2025, 9, 12)),
        ("1 Sept. 2024", date(2024, 9, 1)),
        ("31 Feb 2025", None),
        ("9 Foo 2025", None),
        ("Politics", None),
    ],
)
def test_parse_day(text: str, day: date | None) -> None:
    assert parse_day(text) == day
    assert parse_day(text) == day  # a second, memoised answer is the same


# --- page variants give the same record ---------------------------------------------------


def test_header_spelled_with_odd_spaces_gives_the_same_record() -> None:
    data = SEED.read_bytes()
    reference = _record(data)
    header = "  • By Al Mayadeen English\n  • Source: Al Mayadeen\n  • 24 Nov 2023 13:38\n"
    odd = (
        "\t•\u2009By\u00a0Al Mayadeen  English \n"
        "•Source:\u3000Al Mayadeen\n"
        " \u200b• 24 Nov 2023 13:38\n"
    )
    assert header.encode() in data
    assert _record(data.replace(header.encode(), odd.encode())) == reference


def test_chrome_labels_spelled_with_odd_spaces_end_the_article() -> None:
    data = SEED.read_bytes()
    reference = _record(data)
    variant = data.replace(b"\nMost Read\n", "\nMost\u00a0Read  \n".encode())
    variant = variant.replace(b"\nCoverage\n", "\n\u200bCoverage\n".encode())
    assert variant.count("Most\u00a0Read".encode()) == 1
    assert _record(variant) == reference


def test_dates_with_trailing_zero_width_space_are_read() -> None:
    data = SEED.read_bytes()
    variant = data.replace(b"  \xe2\x80\xa2 12 Sep 2025\n", "  • 13 Sep 2025\u200b\n".encode())
    assert _record(variant)["captured_after"] == "2025-09-13"


def test_a_second_most_read_list_counts_and_other_dates_do_not() -> None:
    data = SEED.read_bytes()
    assert _record(data)["captured_after"] == "2025-09-12"
    # A dated bullet after the list ends (in 'Read Next') is no 'Most Read' date ...
    later = data.replace(b"\nRead Next\n", "\nRead Next\n\n  • 20 Sep 2025\n".encode())
    assert _record(later)["captured_after"] == "2025-09-12"
    # ... but one in another 'Most Read' list further down is.
    second = data + "\nMost Read\n\nA headline\n\n  • Politics\n  • 20 Sep 2025\n".encode()
    assert _record(second)["captured_after"] == "2025-09-20"


# --- claims ------------------------------------------------------------------------------


_MENU = "  • Menu\n"


def _doc(text: str) -> Document:
    return Document(page=Page("head.txt", text.encode()), text=text, is_html=False)


@pytest.mark.parametrize(
    ("head", "claimed"),
    [
        ("Al Mayadeen English\n\n  • Ar\n  • Es\n", True),
        ("\u00a0Al Mayadeen English \r\n\r\n  •\u00a0Es\r\n", True),
        ("Al Mayadeen English\n" + _MENU * 6 + "  • Fr\n", True),  # the 8th line
        ("Al Mayadeen English\n" + _MENU * 7 + "  • Fr\n", False),  # the 9th line
        ("Home\nAl Mayadeen English\n  • Ar\n", False),
        ("Al Mayadeen English\n\nNo language links here.\n", False),
    ],
)
def test_claims_wants_the_name_then_a_language_link_in_the_first_8_lines(
    head: str, claimed: bool
) -> None:
    assert PARSER.claims(_doc(head + "\nFiller line.\n" * 40)) is claimed
