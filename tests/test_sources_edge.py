"""Values from outside the sources: file names, links and FIFOs, URLs and capture times,
and the recipe's ``[limits]`` table.

Every fixture is made here, in tmp_path.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from broadsheet.build.batching import batched
from broadsheet.errors import REASONS
from broadsheet.recipe import Recipe, load_recipe
from broadsheet.sources.items import Page
from broadsheet.sources.limits import Limits
from broadsheet.sources.sanitize import clean_url, parse_capture_time, readable_name
from source_factory import MARKET_HTML, STORM_HTML, STORM_URL, hand_record, http_block
from test_sources_hostile import MIB, read, summary

BAD_URLS = [
    "http://[::1",
    "javascript:alert(1)",
    "ftp://example.org/a",
    "http://exa\x01mple.org/",
    "https://example.org/\ud800",  # a lone surrogate, as JSON can escape one
    "news/2024/storm.html",
]


# --- names, links, FIFOs -------------------------------------------------------------------


def test_a_file_name_that_is_not_utf8_keeps_a_readable_exact_name(tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path)
    with open(os.path.join(folder, b"caf\xe9 \xff.html"), "wb") as fh:
        fh.write(STORM_HTML)

    by_folder = read(tmp_path, tmp_path)
    by_bytes = read(os.path.join(folder, b"caf\xe9 \xff.html"), tmp_path)

    for items in (by_folder, by_bytes):
        (page,) = items
        assert isinstance(page, Page) and page.data == STORM_HTML
        assert page.source_file == "caf%E9 %FF.html"
        page.source_file.encode("utf-8")  # valid UTF-8 text


def test_readable_name_keeps_valid_names_and_marks_only_undecodable_bytes() -> None:
    assert readable_name("news/été.html") == "news/été.html"
    assert readable_name(os.fsdecode(b"a\xe9b\xc3\xa9.html")) == "a%E9bé.html"


def test_a_link_to_a_folder_is_followed_once(tmp_path: Path) -> None:
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "one.html").write_bytes(STORM_HTML)
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "a.html").write_bytes(MARKET_HTML)
    (tmp_path / "pages" / "more").symlink_to(tmp_path / "other")
    (tmp_path / "pages" / "same").symlink_to(tmp_path / "other")

    items = read(tmp_path / "pages", tmp_path)

    assert summary(items) == [
        ("Page", "pages/a.html", ""),
        ("Page", "pages/more/one.html", ""),
        ("SourceFailure", "pages/same", "symlink_loop"),
    ]
    assert "already read" in items[2].message  # type: ignore[union-attr]
    assert "pages/more" in items[2].message  # type: ignore[union-attr]


def test_link_loops_are_refused_and_globs_over_them_end(tmp_path: Path) -> None:
    (tmp_path / "crawl" / "a").mkdir(parents=True)
    (tmp_path / "crawl" / "a" / "p.html").write_bytes(STORM_HTML)
    (tmp_path / "crawl" / "a" / "up").symlink_to(tmp_path / "crawl")
    (tmp_path / "crawl" / "a" / "here").symlink_to(tmp_path / "crawl" / "a")
    (tmp_path / "crawl" / "self").symlink_to(tmp_path / "crawl" / "self")

    expected = [
        ("SourceFailure", "crawl/a/here", "symlink_loop"),
        ("Page", "crawl/a/p.html", ""),
        ("SourceFailure", "crawl/a/up", "symlink_loop"),
        ("SourceFailure", "crawl/self", "symlink_loop"),
    ]
    assert summary(read(tmp_path / "crawl", tmp_path)) == expected
    pattern = str(tmp_path / "crawl" / "**" / "*.html")  # two loops: glob.glob never ends
    # (crawl/self is no folder, and its name does not match the pattern)
    assert summary(read(pattern.encode(), tmp_path)) == expected[:3]


def test_dangling_links_and_fifos_in_a_folder_are_entries(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_bytes(STORM_HTML)
    (tmp_path / "b.html").symlink_to(tmp_path / "gone.html")
    os.mkfifo(tmp_path / "c.html")

    items = read(tmp_path, tmp_path)

    assert summary(items) == [
        ("Page", "a.html", ""),
        ("SourceFailure", "b.html", "unreadable"),
        ("SourceFailure", "c.html", "unreadable"),
    ]
    assert "a symbolic link to" in items[1].message  # type: ignore[union-attr]
    assert "gone.html, which does not exist" in items[1].message  # type: ignore[union-attr]
    assert "not a regular file" in items[2].message  # type: ignore[union-attr]


# --- values from outside -------------------------------------------------------------------


@pytest.mark.parametrize("url", BAD_URLS)
def test_a_bad_url_in_a_manifest_is_reported_and_the_page_kept(tmp_path: Path, url: str) -> None:
    (tmp_path / "a.html").write_bytes(STORM_HTML)
    row = {"file": "a.html", "url": url, "captured_at": "2024-03-05T14:30:00Z"}
    (tmp_path / "manifest.jsonl").write_text(json.dumps(row) + "\n")

    items = read(tmp_path, tmp_path)

    assert summary(items) == [
        ("SourceFailure", "manifest.jsonl#L1", "invalid_manifest"),
        ("Page", "a.html", ""),
    ]
    assert "read without it" in items[0].message  # type: ignore[union-attr]
    page = items[1]
    assert isinstance(page, Page) and page.url is None
    assert page.captured_at == datetime(2024, 3, 5, 14, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("manifest.jsonl", "[" * 5000 + "]" * 5000 + "\n", "nests 5000 levels deep"),
        ("manifest.jsonl", json.dumps({"file": "a.html", "notes": "x" * MIB}) + "\n", "line 1 is"),
        ("manifest.csv", "file,url\na.html," + "x" * MIB + "\n", "line 2 is 1.0 MiB long"),
    ],
    ids=["deep", "long-jsonl", "long-csv"],
)
def test_a_hostile_manifest_is_reported_and_the_pages_read(
    tmp_path: Path, name: str, text: str, expected: str
) -> None:
    (tmp_path / "a.html").write_bytes(STORM_HTML)
    (tmp_path / name).write_text(text)

    items = read(tmp_path, tmp_path)

    assert [code for _, _, code in summary(items)] == ["invalid_manifest", ""]
    assert expected in items[0].message  # type: ignore[union-attr]
    assert isinstance(items[1], Page) and items[1].source_file == "a.html"


@pytest.mark.parametrize("url", BAD_URLS)
def test_a_bad_url_in_jsonl_is_dropped_and_the_page_kept(tmp_path: Path, url: str) -> None:
    (tmp_path / "dump.jsonl").write_text(json.dumps({"url": url, "html": "<p>a</p>"}) + "\n")

    (page,) = read(tmp_path / "dump.jsonl", tmp_path)

    assert isinstance(page, Page) and page.url is None and page.data == b"<p>a</p>"


@pytest.mark.parametrize(
    "url", ["http://[::1", "http://exa\x01mple.org/", "https://example.org:99999/"]
)
def test_a_bad_http_url_in_a_warc_is_dropped_and_the_page_kept(tmp_path: Path, url: str) -> None:
    # (a record whose target is not http or https has no HTTP message for warcio:
    # it is skipped and counted as warc_non_http)
    (tmp_path / "crawl.warc").write_bytes(hand_record(url, http_block(STORM_HTML)))

    (page,) = read(tmp_path / "crawl.warc", tmp_path)

    assert isinstance(page, Page) and page.url is None and page.data == STORM_HTML
    assert page.captured_at == datetime(2024, 3, 5, 14, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0001-01-01T00:00:00+01:00", "not a possible capture time"),
        ("9999-12-31T23:59:59-01:00", "not a possible capture time"),
        ("1970-01-01", "not a possible capture time"),
        ("2024-02-30", "not an ISO 8601 date-time"),
        ("2024-03-05T10:00:00+25:00", "not an ISO 8601 date-time"),
        ("2024-03-05\x00", "control character"),
        ("2024-03-05\ud800", "surrogate"),
    ],
)
def test_impossible_capture_times_are_refused(value: str, expected: str) -> None:
    with pytest.raises(ValueError, match=expected):
        parse_capture_time(value)


def test_an_impossible_capture_time_in_jsonl_and_warc(tmp_path: Path) -> None:
    line = {"url": STORM_URL, "html": "<p>a</p>", "captured_at": "9999-12-31T23:59:59-01:00"}
    (tmp_path / "dump.jsonl").write_text(json.dumps(line) + "\n")
    (tmp_path / "crawl.warc").write_bytes(
        hand_record(STORM_URL, http_block(STORM_HTML)).replace(
            b"2024-03-05T14:30:00Z", b"0000-00-00T00:00:00Z"
        )
    )

    items = read(tmp_path, tmp_path)

    assert summary(items) == [
        ("Page", "crawl.warc#0", ""),
        ("SourceFailure", "dump.jsonl#L1", "invalid_jsonl"),
    ]
    assert isinstance(items[0], Page) and items[0].captured_at is None
    assert items[0].url == STORM_URL


def test_clean_url_keeps_good_urls_as_given() -> None:
    assert clean_url("  https://example.org/a?b=1#c ") == "https://example.org/a?b=1#c"
    assert clean_url("http://[::1]:8080/x") == "http://[::1]:8080/x"
    with pytest.raises(ValueError, match=r"(?i)port"):
        clean_url("http://example.org:99999/")
    with pytest.raises(ValueError, match="characters long"):
        clean_url("https://example.org/" + "a" * 9000)


# --- the recipe and the build --------------------------------------------------------------


def test_limits_come_from_the_recipe_with_defaults(tmp_path: Path) -> None:
    info = {"name": "n", "version": "1.0.0", "pretty_name": "N"}
    default = Recipe.model_validate({"dataset": info})
    assert default.limits == Limits()
    assert default.limits.page_bytes == 16 * MIB and default.limits.json_depth == 64
    set_ = Recipe.model_validate({"dataset": info, "limits": {"page_bytes": 1000}})
    assert set_.limits.page_bytes == 1000 and set_.limits.line_bytes == 64 * MIB
    with pytest.raises(ValueError, match="page_byte"):
        Recipe.model_validate({"dataset": info, "limits": {"page_byte": 1000}})
    with pytest.raises(ValueError, match="greater than 0"):
        Recipe.model_validate({"dataset": info, "limits": {"json_depth": 0}})
    repo_recipe = load_recipe(Path(__file__).resolve().parents[1] / "recipe.toml")
    assert isinstance(repo_recipe.limits, Limits)  # the repository's recipe loads as it is


def test_batches_end_at_the_byte_budget() -> None:
    sizes = [5, 5, 20, 1, 1, 1]
    got = list(batched(sizes, 4, max_bytes=10, weigh=lambda n: n))
    assert got == [[5, 5], [20], [1, 1, 1]]


def test_new_reason_codes_are_documented() -> None:
    for code in ("too_large", "too_deep", "symlink_loop"):
        assert code in REASONS
