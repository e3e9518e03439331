"""The Al Mayadeen English text parser: claims, every error code, and the command line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from broadsheet.cli.main import app
from broadsheet.errors import PageError
from broadsheet.parsers import count_controls, load_document, parse_page, select_parser
from broadsheet.parsers.almayadeen_text import PARSER
from broadsheet.records.model import Article
from broadsheet.sources.items import Page

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).parent / "fixtures" / "almayadeen"
SEED_NAMES = ["000_d3aa1e9182096810.txt", "004_d3f374cc0d616932.txt"]


def _page(path: Path, data: bytes | None = None) -> Page:
    return Page(path.name, path.read_bytes() if data is None else data)


def _error(page: Page) -> PageError:
    with pytest.raises(PageError) as caught:
        parse_page(page)
    return caught.value


def test_claims() -> None:
    for name in SEED_NAMES:
        assert PARSER.claims(load_document(_page(SEEDS / name)))
    assert PARSER.claims(load_document(_page(FIXTURES / "listing_page.txt")))
    assert not PARSER.claims(load_document(_page(FIXTURES / "other_site.txt")))
    html = b"<!doctype html><html><body><p>Al Mayadeen English</p></body></html>"
    assert not PARSER.claims(load_document(Page("a.html", html)))


def test_empty_pages() -> None:
    assert _error(Page("empty.txt", b"")).code == "empty"
    assert _error(Page("blank.txt", b" \r\n\t\n")).code == "empty"


def test_binary_page() -> None:
    error = _error(Page("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4))
    assert error.code == "binary"


def test_page_of_control_characters_is_binary() -> None:
    # No NUL byte and no magic number: the decoded text itself gives it away.
    noise = bytes([0x01, 0x02, 0x1C, 0x41, 0x0E, 0x7F, 0x1A, 0x42]) * 300
    error = _error(Page("dump.txt", noise))
    assert error.code == "binary"
    assert error.message == "dump.txt decodes to control characters, not text"


def test_a_few_control_characters_do_not_make_a_page_binary() -> None:
    data = (
        (SEEDS / SEED_NAMES[0])
        .read_bytes()
        .replace(b"Al Mayadeen English\n", b"Al Mayadeen English\x1b[0m\x01\x02\x03\n", 1)
    )
    assert load_document(Page("tinted.txt", data)).text.count("\x01") == 1


@pytest.mark.parametrize(
    "text",
    [
        "",
        "plain text\twith\ttabs\r\nand lines\x0b\x0c",
        "\x00\x01\x08\x0e\x1a\x1b\x1c\x1f\x7f",
        "Beyrouth\u00a0: l\u2019\u00e9t\u00e9 \u0628\u064a\u0631\u0648\u062a \x02 \U0001f4f0\x1e",
        "a lone surrogate \udc80 and \x05",
    ],
)
def test_control_characters_are_counted_like_the_character_class(text: str) -> None:
    expected = len(re.findall(r"[\x00-\x08\x0e-\x1a\x1c-\x1f]", text))
    assert count_controls(text) == expected


def test_undecodable_page() -> None:
    error = _error(Page("garbage.txt", bytes(range(0x80, 0x100)) * 4))
    assert error.code == "undecodable"


def test_other_site_is_no_parser() -> None:
    error = _error(_page(FIXTURES / "other_site.txt"))
    assert error.code == "no_parser"
    assert "other_site.txt" in error.message


def test_listing_page_is_not_article() -> None:
    error = _error(_page(FIXTURES / "listing_page.txt"))
    assert error.code == "not_article"
    assert "byline" in error.message


def test_headline_missing_is_not_article() -> None:
    path = SEEDS / SEED_NAMES[1]
    title = b"Sayyed Nasrallah meets Hamas leaders, discuss ongoing collaboration\n"
    data = path.read_bytes()
    assert title in data
    error = _error(_page(path, data.replace(b"\n\n" + title, b"\n")))
    assert error.code == "not_article"
    assert "headline" in error.message


@pytest.mark.parametrize(
    "cut_before", [b"Related News", b"  \xe2\x80\xa2 Gaza Strip", b"4 Min Read"]
)
def test_truncated_page(cut_before: bytes) -> None:
    path = SEEDS / SEED_NAMES[0]
    data = path.read_bytes()
    error = _error(_page(path, data[: data.index(cut_before)]))
    assert error.code == "truncated"
    assert "Ziyad al-Nakhalah: Israeli captives for all Palestinian prisoners" in error.message


def test_page_ending_after_tags_and_coverage_is_complete() -> None:
    path = SEEDS / SEED_NAMES[0]
    data = path.read_bytes()
    record = parse_page(_page(path, data[: data.index(b"Most Read")]))
    assert record.coverage == "War on Gaza"
    assert record.tags[-1] == "truce"
    assert record.captured_after is None


def test_header_without_body_is_no_body() -> None:
    error = _error(_page(FIXTURES / "no_body.txt"))
    assert error.code == "no_body"
    assert "Sanaa rally marks 200 weeks of solidarity with Gaza" in error.message


def test_every_fixture_page_is_selected_by_the_right_parser() -> None:
    doc = load_document(_page(FIXTURES / "several_authors.txt"))
    assert select_parser(doc) is PARSER


# --- command line -------------------------------------------------------------------------


def test_cli_parses_both_seeds() -> None:
    result = CliRunner().invoke(app, ["parse", "--jsonl", *(str(SEEDS / n) for n in SEED_NAMES)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().split("\n")
    assert len(lines) == 2
    records = [json.loads(line) for line in lines]
    assert [r["title"] for r in records] == [
        "Ziyad al-Nakhalah: Israeli captives for all Palestinian prisoners",
        "Sayyed Nasrallah meets Hamas leaders, discuss ongoing collaboration",
    ]
    for record in records:
        Article.model_validate(record)


def test_cli_reports_a_bad_file_and_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    result = CliRunner().invoke(app, ["parse", "--jsonl", str(SEEDS / SEED_NAMES[0]), str(bad)])
    assert result.exit_code == 1
    first, second = (json.loads(line) for line in result.stdout.strip().split("\n"))
    assert first["parser"] == "almayadeen_text@1.0"
    assert second["error"]["code"] == "empty"
    assert second["source_file"].endswith("empty.txt")


@pytest.mark.parametrize("name", SEED_NAMES)
def test_every_line_prefix_is_a_record_or_a_known_error(name: str) -> None:
    lines = (SEEDS / name).read_bytes().split(b"\n")
    body_start = lines.index(b"Related News")
    tags_start = next(i for i, x in enumerate(lines) if x.startswith(b"  \xe2\x80\xa2 Gaza Strip"))
    codes = []
    for end in range(1, len(lines) + 1):
        page = Page(name, b"\n".join(lines[:end]))
        try:
            parse_page(page)
            codes.append("ok")
        except PageError as exc:
            codes.append(exc.code)
    assert set(codes) <= {"ok", "empty", "no_parser", "not_article", "truncated"}
    assert set(codes[body_start:tags_start]) == {"truncated"}
    assert codes[-1] == "ok"
