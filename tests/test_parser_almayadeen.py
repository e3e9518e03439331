"""The Al Mayadeen English text parser: golden seeds, layout variants, errors and the CLI."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from broadsheet.errors import PageError
from broadsheet.parsers import parse_page
from broadsheet.parsers.almayadeen_layout import (
    headline_like,
    is_attribution,
    split_tail,
    to_lines,
)
from broadsheet.parsers.almayadeen_text import PARSER, parse_local_time, split_names
from broadsheet.parsers.base import Document
from broadsheet.records.model import Article
from broadsheet.sources.items import Page

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).parent / "fixtures" / "almayadeen"
SEED_NAMES = ["000_d3aa1e9182096810.txt", "004_d3f374cc0d616932.txt"]


def _manifest_urls() -> dict[str, str | None]:
    with (SEEDS / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        return {row["file"]: row["url"] or None for row in csv.DictReader(handle)}


def _page(path: Path, data: bytes | None = None, url: str | None = None) -> Page:
    return Page(path.name, path.read_bytes() if data is None else data, url=url)


def _parse(path: Path, data: bytes | None = None, url: str | None = None) -> Article:
    return parse_page(_page(path, data, url))


def _error(page: Page) -> PageError:
    with pytest.raises(PageError) as caught:
        parse_page(page)
    return caught.value


def _without_provenance(record: Article) -> dict[str, Any]:
    data = record.to_json_dict()
    del data["source_sha256"]
    return data


# --- golden seeds ---------------------------------------------------------------------


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_matches_hand_written_record(name: str) -> None:
    expected = json.loads((FIXTURES / "expected" / name.replace(".txt", ".json")).read_text())
    expected["text"] = "\n\n".join(b["text"] for b in expected["body"] if b["kind"] != "embed")
    record = _parse(SEEDS / name, url=_manifest_urls()[name])
    actual = record.to_json_dict()
    assert sorted(actual) == sorted(expected)
    for key, value in expected.items():
        assert actual[key] == value, key


def test_seed_000_uses_manifest_url_for_id_and_section() -> None:
    url = _manifest_urls()["000_d3aa1e9182096810.txt"]
    with_url = _parse(SEEDS / "000_d3aa1e9182096810.txt", url=url)
    without = _parse(SEEDS / "000_d3aa1e9182096810.txt")
    assert (with_url.url, with_url.section) == (url, "Politics")
    assert (without.url, without.section) == (None, None)
    assert with_url.id != without.id


def _chrome_lines(text: str, title: str) -> list[str]:
    """Page lines outside the article: everything above the headline and from Most Read on."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    head = lines.index(title)
    tail = lines.index("Most Read")
    return [line for line in lines[:head] + lines[tail:] if len(line.split()) >= 4]


@pytest.mark.parametrize(
    "path",
    [SEEDS / n for n in SEED_NAMES]
    + [FIXTURES / "personal_byline.txt", FIXTURES / "several_authors.txt"],
)
def test_no_chrome_reaches_any_field(path: Path) -> None:
    record = _parse(path)
    chrome = _chrome_lines(path.read_text(encoding="utf-8"), record.title)
    assert len(chrome) > 10
    prose = [record.text, record.description or "", *record.tags, *(b.text for b in record.body)]
    for line in chrome:
        assert not any(line in field for field in prose), line
    for word in ("BREAKING", "Most Read", "Read Next", "All Rights Reserved", "Related News"):
        assert word not in record.text
    for link in record.related:
        assert link.title not in record.text
    for tag in record.tags:
        assert f"\n\n{tag}\n\n" not in f"\n\n{record.text}\n\n"


def test_seed_004_subheadings_are_headings() -> None:
    record = _parse(SEEDS / "004_d3f374cc0d616932.txt")
    assert [b.text for b in record.body if b.kind == "heading"] == [
        "Hamas announces 4-day truce agreement, prisoners exchange deal",
        "In Detail",
        "On the military level",
        "On the humanitarian level",
        "On the prisoner exchange deal",
    ]
    assert "Hamas announces 4-day truce agreement, prisoners exchange deal" in record.text


@pytest.mark.parametrize("name", SEED_NAMES)
def test_no_headline_inside_the_body_is_lost(name: str) -> None:
    record = _parse(SEEDS / name)
    raw = (SEEDS / name).read_text(encoding="utf-8").splitlines()
    lines = [" ".join(x.split()) if not x.startswith(" ") else "" for x in raw]  # not indented
    article = lines[lines.index(record.title) : lines.index("Most Read")]
    headings = {b.text for b in record.body if b.kind == "heading"}
    links = {r.title for r in record.related if r.kind == "related"}
    read_more = {r.title for r in record.related if r.kind == "read_more"}
    standalone = [x for x in article[1:] if headline_like(x) and not is_attribution(x)]
    assert len(standalone) >= 4
    for line in standalone:
        if line.startswith("Read more: "):
            assert line.removeprefix("Read more: ") in read_more
        elif line not in {"Related News", record.coverage} and not line.endswith("Min Read"):
            assert line in headings | links, line


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One hour after taking effect, Israeli forces violate temporary truce", True),
        ("In Detail", True),
        ("Smotrich claims France and allies undermine 'Israel'", True),
        ('WHO: Health system in Gaza "on its knees"', True),
        ("Hamas said that the agreement was reached following negotiations.", False),
        ('He said "we will continue to fight."', False),
        ("The operations announced on Wednesday were:", False),
        (" ".join(["word"] * 21), False),
        ("", False),
    ],
)
def test_headline_like(text: str, expected: bool) -> None:
    assert headline_like(text) is expected


# --- layout variants --------------------------------------------------------------------


def test_personal_byline_agencies_no_image_no_shares_no_coverage() -> None:
    record = _parse(FIXTURES / "personal_byline.txt")
    assert record.title == "Gaza hospitals run out of fuel as siege tightens"
    assert record.authors == ["Hiba Morad"]
    assert record.source_credit == "Agencies"
    # 5 Nov 2023 09:05 in Beirut: winter time (UTC+2) since 29 Oct 2023.
    assert record.published_at == datetime(2023, 11, 5, 7, 5, tzinfo=UTC)
    assert record.share_count is None
    assert record.reading_time_minutes == 3
    assert record.images == []
    assert record.coverage is None
    assert record.tags == ["Gaza", "Hospitals", "Al-Shifa", "fuel", "siege"]
    assert record.captured_after == date(2025, 10, 3)
    assert record.description == (
        "Health officials in Gaza warn that the last generators at the Strip's main hospitals "
        "will stop within days unless fuel is allowed in."
    )
    assert [(r.kind, r.title) for r in record.related] == [
        ("read_more", "UN agencies call for immediate humanitarian ceasefire in Gaza"),
        ("related", "UNRWA: Schools sheltering displaced families hit for the third time"),
        ("related", "Jordan airdrops medical aid to its field hospital in Gaza"),
        ("related", 'WHO: Health system in Gaza "on its knees"'),
    ]
    assert " ".join(b.kind for b in record.body) == (
        "paragraph paragraph heading paragraph list_item list_item list_item paragraph "
        "paragraph paragraph"
    )
    assert record.body[0].text.endswith("leaving intensive care units on backup power.")
    assert [b.text for b in record.body if b.kind == "list_item"] == [
        "fuel for generators and ambulances;",
        "oxygen cylinders and anaesthetics;",
        "blood units and surgical supplies.",
    ]
    assert record.body[-1].text == "Agencies contributed to this report."


def test_nbsp_and_trailing_spaces_are_normalised() -> None:
    raw = (FIXTURES / "personal_byline.txt").read_text(encoding="utf-8")
    assert "\u00a0" in raw and " \n" in raw  # the fixture really has both
    record = _parse(FIXTURES / "personal_byline.txt")
    fields = [record.title, record.text, record.description or "", *record.tags]
    for value in fields:
        assert "\u00a0" not in value
        assert all(line == line.strip() for line in value.split("\n"))


def test_several_authors_images_lists_quote_and_social_post() -> None:
    record = _parse(FIXTURES / "several_authors.txt")
    assert record.authors == ["Ali Haidar", "Maya Saleh", "Karim Nasr"]
    assert record.source_credit == "Al Mayadeen"
    # Full month name; July is summer time in Beirut (UTC+3).
    assert record.published_at == datetime(2024, 7, 17, 18, 40, tzinfo=UTC)
    assert (record.share_count, record.reading_time_minutes) == (12, 6)
    assert [(i.url, i.alt, i.caption, i.credit) for i in record.images] == [
        (
            None,
            "Smoke rises from an Israeli position near the Lebanese border",
            "Smoke rises from an Israeli military position in the occupied Shebaa Farms, "
            "July 17, 2024 (Al Mayadeen)",
            "Al Mayadeen",
        ),
        (
            None,
            "Resistance fighters in south Lebanon",
            "A screengrab from footage released by the Islamic Resistance in Lebanon, "
            "July 17, 2024 (Military Media)",
            "Military Media",
        ),
        (None, "Map of southern Lebanon", None, None),
    ]
    assert " ".join(b.kind for b in record.body) == (
        "paragraph paragraph paragraph list_item list_item list_item paragraph quote "
        "heading embed paragraph"
    )
    assert record.body[3].text == "A rocket barrage on the Ruwaisat al-Alam site."
    assert record.body[7].text == (
        "“We will not stand idly by while our people in Gaza are being slaughtered,” "
        "a field commander told Al Mayadeen."
    )
    embed = record.body[9].text
    assert embed == (
        "The Islamic Resistance in Lebanon targets the Ruwaisat al-Alam site in the occupied "
        "Kfarshouba hills. https://t.co/Xq7fK2LmPa\n"
        "— Al Mayadeen English (@MayadeenEnglish) July 17, 2024"
    )
    assert "t.co" not in record.text and "@MayadeenEnglish" not in record.text
    assert [(r.kind, r.title) for r in record.related] == [
        (
            "read_more",
            "Hezbollah official: The front in the south will remain open "
            "as long as Gaza is attacked",
        ),
        ("related", "Israeli drone strike kills two in south Lebanon"),
        (
            "related",
            "Sayyed Nasrallah: The southern front is a support front, and it will continue",
        ),
    ]
    assert record.tags == [
        "Hezbollah",
        "Islamic Resistance in Lebanon",
        "South Lebanon",
        "Israeli occupation",
    ]
    assert record.coverage == "Lebanon Under Attack"
    assert record.captured_after == date(2024, 7, 21)


def test_seed_social_post_is_one_embed_out_of_text() -> None:
    record = _parse(SEEDS / "000_d3aa1e9182096810.txt")
    embeds = [b.text for b in record.body if b.kind == "embed"]
    assert len(embeds) == 1
    post, attribution = embeds[0].split("\n")
    assert post.endswith("https://t.co/bMuDdymNQg")
    assert attribution == "— Al Mayadeen English (@MayadeenEnglish) November 24, 2023"
    assert "bMuDdymNQg" not in record.text


@pytest.mark.parametrize("name", ["personal_byline.txt", "several_authors.txt", SEED_NAMES[0]])
def test_crlf_and_bom_give_the_same_record(name: str) -> None:
    path = FIXTURES / name if (FIXTURES / name).exists() else SEEDS / name
    data = path.read_bytes()
    reference = _without_provenance(_parse(path))
    for variant in (
        data.replace(b"\n", b"\r\n"),
        b"\xef\xbb\xbf" + data,
        b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n"),
    ):
        assert variant != data
        assert _without_provenance(_parse(path, variant)) == reference


def test_leftover_bom_and_carriage_returns_in_decoded_text() -> None:
    path = FIXTURES / "several_authors.txt"
    text = path.read_text(encoding="utf-8")
    page = _page(path)
    doc = Document(page=page, text="\ufeff" + text.replace("\n", "\r\n"), is_html=False)
    assert PARSER.claims(doc)
    assert _without_provenance(PARSER.parse(doc)) == _without_provenance(_parse(path))


def test_windows_1252_bytes_are_detected() -> None:
    path = FIXTURES / "several_authors.txt"
    data = path.read_text(encoding="utf-8").encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    record = _parse(path, data)
    assert _without_provenance(record) == _without_provenance(_parse(path))
    assert "“We will not stand idly by" in record.text
    assert "occupation’s Home Front Command" in record.text


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("Al Mayadeen English", ["Al Mayadeen English"]),
        ("Hiba Morad", ["Hiba Morad"]),
        ("Ali Haidar and Maya Saleh", ["Ali Haidar", "Maya Saleh"]),
        ("Ali Haidar, Maya Saleh and Karim Nasr", ["Ali Haidar", "Maya Saleh", "Karim Nasr"]),
        ("Ali Haidar, Maya Saleh, and Karim Nasr", ["Ali Haidar", "Maya Saleh", "Karim Nasr"]),
        ("Ali Haidar & Maya Saleh", ["Ali Haidar", "Maya Saleh"]),
    ],
)
def test_split_names(byline: str, names: list[str]) -> None:
    assert split_names(byline) == names


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("24 Nov 2023 13:38", datetime(2023, 11, 24, 11, 38, tzinfo=UTC)),
        ("5 Nov 2023 09:05", datetime(2023, 11, 5, 7, 5, tzinfo=UTC)),
        ("05 November 2023 09:05", datetime(2023, 11, 5, 7, 5, tzinfo=UTC)),
        ("1 Sept 2024 08:00", datetime(2024, 9, 1, 5, 0, tzinfo=UTC)),
        ("9 Sep 2025", None),
        ("Politics", None),
        ("24 Nov 2023 13:38 extra", None),
    ],
)
def test_parse_local_time(text: str, utc: datetime | None) -> None:
    parsed = parse_local_time(text)
    assert (parsed.astimezone(UTC) if parsed else None) == utc
    if parsed is not None:
        assert parsed.tzinfo is not None


def test_impossible_publication_time_is_reported() -> None:
    path = SEEDS / SEED_NAMES[0]
    data = path.read_bytes().replace(b"24 Nov 2023 13:38", b"31 Nov 2023 13:38")
    error = _error(_page(path, data))
    assert error.code == "invalid_record"
    assert "31 Nov 2023 13:38" in error.message


def test_coverage_printed_once_under_the_tags() -> None:
    region = to_lines("Body text here.\n\n  • Gaza\n  • truce\nWar on Gaza\n")
    body, tags, coverage = split_tail(region)
    assert (tags, coverage) == (["Gaza", "truce"], "War on Gaza")
    assert [line.text for line in body if line.text] == ["Body text here."]


def test_region_ending_in_prose_has_no_tags() -> None:
    region = to_lines("First paragraph.\n\n  • a list item\n\nA closing paragraph.\n")
    body, tags, coverage = split_tail(region)
    assert (tags, coverage) == ([], None)
    assert len([line for line in body if line.text]) == 3
