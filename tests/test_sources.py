"""Files, folders, globs, gzip pages, JSONL dumps and manifests into pages."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

import broadsheet.sources.files as sources
import broadsheet.sources.jsonl as jsonl_source
from broadsheet.sources.files import iter_sources
from broadsheet.sources.items import Page, SourceFailure, SourceItem
from source_factory import MARKET_HTML, MARKET_URL, STORM_HTML, STORM_URL

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "sources"


def names(items: list[SourceItem]) -> list[str]:
    return [item.source_file for item in items]


def failures(items: list[SourceItem]) -> list[SourceFailure]:
    return [item for item in items if isinstance(item, SourceFailure)]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


# --- files, folders, globs, naming ---------------------------------------------------------


def test_seeds_folder_from_the_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)

    items = list(iter_sources(["seeds"]))

    assert names(items) == ["seeds/000_d3aa1e9182096810.txt", "seeds/004_d3f374cc0d616932.txt"]
    first, second = items
    assert isinstance(first, Page) and isinstance(second, Page)
    assert first.url == (
        "https://english.almayadeen.net/news/politics/"
        "ziyad-al-nakhalah--iof-captives-for-all-palestinian-prisoner"
    )
    assert first.captured_at is None and second.url is None
    assert first.sha256 == "e63cffd12eebefe7e807a6be13728a5805f2f98135d5377d5568c08b58c84793"


def test_folder_walk_is_sorted_recursive_and_skips_hidden_files_and_manifests(
    tmp_path: Path,
) -> None:
    root = tmp_path / "pages"
    for rel in ["b.txt", "a/z.txt", "a/b.txt", "a-b.txt", ".draft.txt", ".git/config", "c/.x"]:
        write(root / rel, f"page {rel}")
    write(root / "manifest.csv", "file,url,sha256,captured_at,notes\n")
    write(root / "a" / "manifest.jsonl", "")

    first = names(list(iter_sources([root], root=tmp_path)))
    second = names(list(iter_sources([root], root=tmp_path)))

    assert first == ["pages/a-b.txt", "pages/a/b.txt", "pages/a/z.txt", "pages/b.txt"]
    assert second == first


def test_glob_matches_are_sorted_and_a_file_is_read_once(tmp_path: Path) -> None:
    stems = ["harbour", "ferry", "market", "storm", "breakwater", "quay", "tide", "crane"]
    for stem in stems:
        write(tmp_path / "in" / f"{stem}.html", f"<p>{stem}</p>")
    write(tmp_path / "in" / "notes.md", "not matched")

    items = list(
        iter_sources(
            [str(tmp_path / "in" / "*.html"), tmp_path / "in" / "tide.html"], root=tmp_path
        )
    )

    assert names(items) == [f"in/{stem}.html" for stem in sorted(stems)]


def test_names_outside_the_root_are_relative_to_the_arguments_folder(tmp_path: Path) -> None:
    write(tmp_path / "crawl" / "pages" / "one.html", "<p>one</p>")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    folder = tmp_path / "crawl" / "pages"

    assert names(list(iter_sources([folder], root=elsewhere))) == ["pages/one.html"]
    assert names(list(iter_sources([folder / "one.html"], root=elsewhere))) == ["one.html"]
    assert names(list(iter_sources([f"{folder}/*.html"], root=elsewhere))) == ["one.html"]
    assert names(list(iter_sources([f"{tmp_path}/crawl/*/one.html"], root=elsewhere))) == [
        "pages/one.html"
    ]
    assert names(list(iter_sources([folder], root=tmp_path))) == ["crawl/pages/one.html"]


@pytest.mark.parametrize(
    ("arg", "expected"),
    [
        ("missing.html", "no such file"),
        ("nothing/*.html", "no file matches"),
        ("empty", "holds no files"),
    ],
)
def test_inputs_that_name_nothing_are_unreadable(tmp_path: Path, arg: str, expected: str) -> None:
    (tmp_path / "empty").mkdir()

    items = list(iter_sources([tmp_path / arg], root=tmp_path))

    (failure,) = items
    assert isinstance(failure, SourceFailure)
    assert failure.code == "unreadable"
    assert expected in failure.message


def test_a_pipe_given_as_a_page_is_not_a_regular_file(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.html")  # opening it would wait for a writer: never opened

    items = list(iter_sources([tmp_path / "pipe.html"], root=tmp_path))

    assert [(f.source_file, f.code, f.message) for f in failures(items)] == [
        ("pipe.html", "unreadable", "cannot read pipe.html: not a regular file"),
    ]


def test_a_page_is_read_whole_whatever_its_listed_size(tmp_path: Path) -> None:
    body = b"<p>" + b"x" * 3_000_000 + b"</p>"
    write(tmp_path / "big.html", body)
    assert sources._read_file(str(tmp_path / "big.html"), 10) == body  # grew since listed
    assert sources._read_file(str(tmp_path / "big.html"), 10**7) == body  # shrank
    assert sources._read_file(str(tmp_path / "big.html"), len(body)) == body


def test_a_broken_link_is_unreadable_and_the_rest_is_read(tmp_path: Path) -> None:
    write(tmp_path / "a.html", "<p>a</p>")
    (tmp_path / "b.html").symlink_to(tmp_path / "gone.html")
    write(tmp_path / "c.html", "<p>c</p>")

    items = list(iter_sources([tmp_path], root=tmp_path))

    assert [type(i).__name__ for i in items] == ["Page", "SourceFailure", "Page"]
    assert failures(items)[0].code == "unreadable"
    assert failures(items)[0].source_file == "b.html"


# --- gzip pages ----------------------------------------------------------------------------


def test_gzipped_page_is_decompressed_and_hashed_as_the_page(tmp_path: Path) -> None:
    write(tmp_path / "storm.html.gz", gzip.compress(STORM_HTML, mtime=0))

    (page,) = iter_sources([tmp_path / "storm.html.gz"], root=tmp_path)

    assert isinstance(page, Page)
    assert page.source_file == "storm.html.gz"
    assert page.data == STORM_HTML
    assert page.sha256 == sha(STORM_HTML)


@pytest.mark.parametrize("damage", ["truncated", "not gzip"])
def test_damaged_gzipped_page_is_a_corrupt_archive(tmp_path: Path, damage: str) -> None:
    packed = gzip.compress(STORM_HTML, mtime=0)
    data = packed[: len(packed) // 2] if damage == "truncated" else b"<p>plain text</p>"
    write(tmp_path / "storm.html.gz", data)
    write(tmp_path / "z.txt", "next file")

    items = list(iter_sources([tmp_path], root=tmp_path))

    assert isinstance(items[0], SourceFailure)
    assert items[0].code == "corrupt_archive"
    assert "storm.html.gz" in items[0].message
    assert isinstance(items[1], Page)


# --- JSONL ---------------------------------------------------------------------------------


def test_jsonl_lines_become_pages_and_a_cut_line_fails_alone() -> None:
    items = list(iter_sources([FIXTURES / "dump.jsonl"], root=FIXTURES))

    assert names(items) == ["dump.jsonl#L1", "dump.jsonl#L2", "dump.jsonl#L3"]
    html, text, cut = items
    assert isinstance(html, Page) and isinstance(text, Page)
    assert html.url == "https://www.harbourgazette.example/news/2024/03/07/breakwater-repairs"
    assert html.captured_at == datetime(2024, 3, 7, 6, 0, tzinfo=UTC)
    assert html.content_type == "text/html; charset=utf-8"
    assert html.data.startswith(b"<!DOCTYPE html>")
    assert text.content_type == "text/plain; charset=utf-8"
    assert text.data.startswith(b"Ferry timetable returns to normal\n\nThe island ferry")
    assert text.captured_at is None
    assert isinstance(cut, SourceFailure)
    assert cut.code == "invalid_jsonl"
    assert "line 3" in cut.message and "not JSON" in cut.message


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('["https://example.org/a", "<p>a</p>"]', "a JSON list, expected an object"),
        ('{"url": "https://example.org/a", "body": "<p>a</p>"}', "no 'html' or 'text' field"),
        ('{"html": ["<p>a</p>"]}', "'html' is a list, expected a string"),
        (
            '{"html": "<p>a</p>", "captured_at": "last Tuesday"}',
            "'last Tuesday' is not an ISO 8601",
        ),
        ('{"html": "<p>a</p>", "url": 42}', "'url' is 42, expected a string"),
    ],
)
def test_invalid_jsonl_lines_say_what_is_wrong(tmp_path: Path, line: str, expected: str) -> None:
    good = json.dumps({"url": STORM_URL, "html": STORM_HTML.decode()})
    write(tmp_path / "pages.jsonl", f"{good}\n\n{line}\n{good}\n")

    items = list(iter_sources([tmp_path / "pages.jsonl"], root=tmp_path))

    assert names(items) == ["pages.jsonl#L1", "pages.jsonl#L3", "pages.jsonl#L4"]
    bad = items[1]
    assert isinstance(bad, SourceFailure) and bad.code == "invalid_jsonl"
    assert "line 3" in bad.message and expected in bad.message
    assert isinstance(items[2], Page)


def test_jsonl_naive_time_is_utc_and_content_type_keeps_its_media_type(tmp_path: Path) -> None:
    line = {
        "url": STORM_URL,
        "html": "<p>Caf\u00e9</p>",
        "captured_at": "2024-03-05T14:30:00",
        "content_type": "application/xhtml+xml; charset=iso-8859-1",
    }
    write(tmp_path / "one.jsonl", "\ufeff" + json.dumps(line) + "\n")

    (page,) = iter_sources([tmp_path / "one.jsonl"], root=tmp_path)

    assert isinstance(page, Page)
    assert page.captured_at == datetime(2024, 3, 5, 14, 30, tzinfo=UTC)
    assert page.content_type == "application/xhtml+xml; charset=utf-8"  # stored as UTF-8
    assert page.data == "<p>Caf\u00e9</p>".encode()


def test_jsonl_gz_is_streamed_and_a_truncated_one_keeps_the_lines_before(tmp_path: Path) -> None:
    lines = [
        json.dumps({"url": f"{STORM_URL}?n={n}", "html": STORM_HTML.decode()}) for n in range(40)
    ]
    packed = gzip.compress("\n".join(lines).encode() + b"\n", mtime=0)
    write(tmp_path / "whole.jsonl.gz", packed)
    write(tmp_path / "cut.jsonl.gz", packed[: len(packed) - 40])

    whole = list(iter_sources([tmp_path / "whole.jsonl.gz"], root=tmp_path))
    cut = list(iter_sources([tmp_path / "cut.jsonl.gz"], root=tmp_path))

    assert len(whole) == 40 and all(isinstance(i, Page) for i in whole)
    assert whole[39].source_file == "whole.jsonl.gz#L40"
    assert all(isinstance(i, Page) for i in cut[:-1]) and len(cut) >= 2
    last = cut[-1]
    assert isinstance(last, SourceFailure) and last.code == "corrupt_archive"
    assert f"after line {len(cut) - 1}" in last.message


def test_reading_is_lazy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = json.dumps({"url": STORM_URL, "html": STORM_HTML.decode()})
    write(tmp_path / "a" / "two.jsonl", good + "\n{not json\n")
    for n in range(5):
        write(tmp_path / "b" / f"{n}.html", f"<p>{n}</p>")
    parsed: list[int] = []
    real_item = jsonl_source.jsonl_item
    monkeypatch.setattr(
        jsonl_source, "jsonl_item", lambda raw, name, n: parsed.append(n) or real_item(raw, name, n)
    )
    read: list[str] = []
    real_page = sources._read_page
    monkeypatch.setattr(
        sources, "_read_page", lambda p, n, e, s: read.append(n) or real_page(p, n, e, s)
    )

    items = iter_sources([tmp_path / "a" / "two.jsonl", tmp_path / "b"], root=tmp_path)
    first = next(items)
    assert isinstance(first, Page) and parsed == [1]
    second = next(items)
    assert isinstance(second, SourceFailure) and second.code == "invalid_jsonl"
    assert next(items).source_file == "b/0.html"
    assert read == ["b/0.html"]


# --- manifests -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "arg", ["harbour", "harbour/*.html*", "harbour/market.html.gz"], ids=["folder", "glob", "file"]
)
def test_manifest_gives_url_and_capture_time(arg: str) -> None:
    items = list(iter_sources([str(FIXTURES / arg)], root=FIXTURES))

    by_name = {item.source_file: item for item in items}
    market = by_name["harbour/market.html.gz"]
    assert isinstance(market, Page)
    assert market.url == MARKET_URL
    assert market.captured_at == datetime(2024, 3, 6, 7, 45, tzinfo=UTC)
    assert market.data == MARKET_HTML
    if arg != "harbour/market.html.gz":
        storm = by_name["harbour/storm.html"]
        assert isinstance(storm, Page)
        assert storm.url == STORM_URL
        assert storm.captured_at == datetime(2024, 3, 5, 14, 30, tzinfo=UTC)
        assert storm.data == STORM_HTML
    assert not failures(items)


def test_a_file_that_differs_from_its_manifest_checksum_is_not_trusted(tmp_path: Path) -> None:
    listed = b"<p>As listed</p>"
    write(tmp_path / "a.html", "<p>Edited after the crawl</p>")
    write(tmp_path / "b.html", listed)
    write(
        tmp_path / "manifest.csv",
        "file,url,sha256,captured_at,notes\n"
        f"a.html,https://example.org/a,{sha(listed)},,\n"
        f"b.html,,{sha(listed).upper()},,\n",
    )

    items = list(iter_sources([tmp_path], root=tmp_path))

    mismatch, page = items
    assert isinstance(mismatch, SourceFailure)
    assert mismatch.code == "checksum_mismatch"
    actual = sha(b"<p>Edited after the crawl</p>")
    assert actual in mismatch.message and sha(listed) in mismatch.message
    assert mismatch.source_sha256 == actual
    assert isinstance(page, Page) and page.url is None and page.captured_at is None


def test_manifest_jsonl_and_checksums_of_gzip_pages_and_archives(tmp_path: Path) -> None:
    packed = gzip.compress(STORM_HTML, mtime=0)
    write(tmp_path / "file.html.gz", packed)
    write(tmp_path / "page.html.gz", packed)
    write(tmp_path / "dump.jsonl", json.dumps({"html": "<p>x</p>"}) + "\n")
    entries = [
        {"file": "file.html.gz", "sha256": sha(packed), "url": STORM_URL},  # hash of the file
        {"file": "page.html.gz", "sha256": sha(STORM_HTML), "captured_at": "2024-03-05"},
        {"file": "dump.jsonl", "sha256": sha(b"something else")},
    ]
    write(tmp_path / "manifest.jsonl", "".join(json.dumps(e) + "\n" for e in entries))

    items = list(iter_sources([tmp_path], root=tmp_path))

    assert names(items) == ["dump.jsonl", "file.html.gz", "page.html.gz"]
    assert isinstance(items[0], SourceFailure) and items[0].code == "checksum_mismatch"
    assert isinstance(items[1], Page) and items[1].url == STORM_URL
    assert isinstance(items[2], Page)
    assert items[2].captured_at == datetime(2024, 3, 5, tzinfo=UTC)


def test_bad_manifest_rows_are_reported_and_good_rows_still_apply(tmp_path: Path) -> None:
    write(tmp_path / "a.html", "<p>a</p>")
    write(tmp_path / "b.html", "<p>b</p>")
    write(
        tmp_path / "manifest.csv",
        "file,url,sha256,captured_at,notes\n"
        "a.html,https://example.org/a,,yesterday,\n"
        "b.html,https://example.org/b,,2024-03-05T10:00:00+01:00,\n"
        "c.html,https://example.org/c,abc123,,\n",
    )

    items = list(iter_sources([tmp_path], root=tmp_path))

    problems = [f for f in failures(items) if f.code == "invalid_manifest"]
    assert [p.source_file for p in problems] == ["manifest.csv#L2", "manifest.csv#L4"]
    assert "'yesterday' is not an ISO 8601" in problems[0].message
    assert "expected 64 hex digits" in problems[1].message
    pages = {i.source_file: i for i in items if isinstance(i, Page)}
    assert pages["a.html"].url is None
    assert pages["b.html"].url == "https://example.org/b"
    assert pages["b.html"].captured_at == datetime(2024, 3, 5, 9, 0, tzinfo=UTC)


def test_files_a_manifest_lists_but_the_folder_lacks_are_reported(tmp_path: Path) -> None:
    write(tmp_path / "pages" / "a.html", "<p>a</p>")
    write(
        tmp_path / "pages" / "manifest.csv",
        "file,url,sha256,captured_at,notes\na.html,,,,\nlost.html,https://example.org/l,,,\n",
    )

    items = list(iter_sources([tmp_path / "pages"], root=tmp_path))

    assert names(items) == ["pages/a.html", "pages/lost.html"]
    missing = items[1]
    assert isinstance(missing, SourceFailure) and missing.code == "unreadable"
    assert "listed in pages/manifest.csv" in missing.message


def test_a_gzip_page_listed_with_another_hash_is_refused_naming_the_file_hash(
    tmp_path: Path,
) -> None:
    packed = gzip.compress(STORM_HTML, mtime=0)
    write(tmp_path / "page.html.gz", packed)
    listed = sha(b"neither the file nor the page")
    write(tmp_path / "manifest.jsonl", json.dumps({"file": "page.html.gz", "sha256": listed}))

    (item,) = list(iter_sources([tmp_path], root=tmp_path))

    assert isinstance(item, SourceFailure) and item.code == "checksum_mismatch"
    assert sha(packed) in item.message and listed in item.message
    assert item.source_sha256 == sha(packed)  # the file as stored, as its entry hashes it
