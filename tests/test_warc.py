"""WARC archives: pages, skip reasons, damaged records and archives, digests."""

from __future__ import annotations

import gzip
import zlib
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from broadsheet.build.pipeline import process_item
from broadsheet.records.quarantine import Quarantined
from broadsheet.sources.files import iter_sources
from broadsheet.sources.items import Page, Skipped, SourceFailure, SourceItem
from source_factory import (
    MARKET_HTML,
    MARKET_URL,
    STORM_HTML,
    STORM_URL,
    Rec,
    build_warc,
    hand_record,
    http_block,
)


def read(path: Path) -> list[SourceItem]:
    return list(iter_sources([path], root=path.parent))


def members(data: bytes) -> list[bytes]:
    """The decompressed gzip members of a record-per-member .warc.gz."""
    out = []
    while data:
        inflater = zlib.decompressobj(31)
        out.append(inflater.decompress(data))
        data = inflater.unused_data
    return out


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_response_200_becomes_a_page_with_what_the_archive_says(tmp_path: Path, gz: bool) -> None:
    data, offsets = build_warc([Rec("warcinfo"), Rec("request"), Rec("response")], gzip=gz)
    name = "capture.warc.gz" if gz else "capture.warc"
    (tmp_path / name).write_bytes(data)

    items = read(tmp_path / name)

    pages = [item for item in items if isinstance(item, Page)]
    assert len(pages) == 1
    page = pages[0]
    assert page.source_file == f"{name}#{offsets[2]}"
    assert page.data == STORM_HTML
    assert page.url == STORM_URL
    assert page.captured_at == datetime(2024, 3, 5, 14, 30, tzinfo=UTC)
    assert page.content_type == "text/html; charset=utf-8"
    assert offsets[2] > offsets[1] > 0  # offsets are real positions in the file
    assert data[offsets[2] : offsets[2] + 2] == (b"\x1f\x8b" if gz else b"WA")


def test_records_that_are_not_pages_are_skipped_with_countable_reasons(tmp_path: Path) -> None:
    records = [
        Rec("warcinfo"),
        Rec("request"),
        Rec("response"),
        Rec("metadata", body=b"outlink: https://www.harbourgazette.example/\r\n"),
        Rec("revisit"),
        Rec("response", url=STORM_URL + "?page=9", status="404 Not Found", body=b"gone"),
        Rec("response", status="301 Moved Permanently", body=b"", headers=[("Location", "/")]),
        Rec("response", url="dns:www.harbourgazette.example", body=b"20240305 A 192.0.2.7"),
        Rec("resource", url="file:///notes.txt", body=b"crawl notes"),
        Rec("response", url=MARKET_URL, body=MARKET_HTML),
    ]
    data, offsets = build_warc(records, gzip=True)
    (tmp_path / "mixed.warc.gz").write_bytes(data)

    items = read(tmp_path / "mixed.warc.gz")

    assert [type(i).__name__ for i in items].count("Page") == 2
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert Counter(s.reason for s in skipped) == {
        "warc_warcinfo": 1,
        "warc_request": 1,
        "warc_metadata": 1,
        "warc_revisit": 1,
        "http_404": 1,
        "http_301": 1,
        "warc_non_http": 1,
        "warc_resource": 1,
    }
    assert [i.source_file for i in items] == [f"mixed.warc.gz#{o}" for o in offsets]
    assert not any(isinstance(i, SourceFailure) for i in items)


def test_wrong_content_length_fails_that_record_and_reading_continues(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = hand_record(STORM_URL, http_block(STORM_HTML))
    short = hand_record(MARKET_URL, http_block(MARKET_HTML), content_length=120)
    long_block = http_block(b"<html><body><p>Short item</p></body></html>")
    long = hand_record(STORM_URL + "?v=2", long_block, content_length=len(long_block) + 40)
    last = hand_record(MARKET_URL + "?v=2", http_block(MARKET_HTML))
    archive = first + short + long + last
    (tmp_path / "hand.warc").write_bytes(archive)

    items = read(tmp_path / "hand.warc")

    at_short, at_long, at_last = len(first), len(first + short), len(first + short + long)
    assert [(type(i).__name__, i.source_file) for i in items] == [
        ("Page", "hand.warc#0"),
        ("SourceFailure", f"hand.warc#{at_short}"),
        ("SourceFailure", f"hand.warc#{at_long}"),
        ("Page", f"hand.warc#{at_last}"),
    ]
    for failure in items[1:3]:
        assert isinstance(failure, SourceFailure)
        assert failure.code == "corrupt_archive"
        assert "Content-Length" in failure.message
    assert "(120)" in items[1].message  # type: ignore[union-attr]
    assert isinstance(items[3], Page) and items[3].data == MARKET_HTML
    assert capsys.readouterr().err == ""  # reported as failures, not printed


@pytest.mark.parametrize("into", [20, 0.5, 0.9], ids=["gzip-header", "midway", "near-end"])
def test_truncated_warc_gz_keeps_the_records_before_the_damage(tmp_path: Path, into: float) -> None:
    records = [Rec("response"), Rec("response", url=MARKET_URL, body=MARKET_HTML)] * 2
    data, offsets = build_warc(records, gzip=True)
    size = offsets[3] - offsets[2]
    cut = offsets[2] + int(into if into >= 1 else size * into)  # inside the third member
    (tmp_path / "cut.warc.gz").write_bytes(data[:cut])

    items = read(tmp_path / "cut.warc.gz")

    assert [type(i).__name__ for i in items] == ["Page", "Page", "SourceFailure"]
    failure = items[2]
    assert isinstance(failure, SourceFailure)
    assert failure.code == "corrupt_archive"
    assert failure.source_file == f"cut.warc.gz#{offsets[2]}"
    assert str(offsets[2]) in failure.message


def test_truncated_plain_warc_names_the_record_cut_short(tmp_path: Path) -> None:
    data, offsets = build_warc([Rec("response"), Rec("response", url=MARKET_URL)], gzip=False)
    (tmp_path / "cut.warc").write_bytes(data[:-200])

    items = read(tmp_path / "cut.warc")

    assert isinstance(items[0], Page)
    assert isinstance(items[1], SourceFailure)
    assert items[1].code == "corrupt_archive"
    assert items[1].source_file == f"cut.warc#{offsets[1]}"
    assert "truncated" in items[1].message
    assert len(items) == 2


def test_a_corrupt_member_midway_costs_only_its_record(tmp_path: Path) -> None:
    records = [Rec("response"), Rec("response", url=MARKET_URL, body=MARKET_HTML), Rec("response")]
    data, offsets = build_warc(records, gzip=True)
    damaged = bytearray(data)
    middle = (offsets[1] + offsets[2]) // 2
    damaged[middle : middle + 6] = b"\x00\xff\x00\xff\x00\xff"
    (tmp_path / "bad.warc.gz").write_bytes(bytes(damaged))

    items = read(tmp_path / "bad.warc.gz")

    assert [(type(i).__name__, i.source_file) for i in items] == [
        ("Page", f"bad.warc.gz#{offsets[0]}"),
        ("SourceFailure", f"bad.warc.gz#{offsets[1]}"),
        ("Page", f"bad.warc.gz#{offsets[2]}"),
    ]
    assert items[1].code == "corrupt_archive"  # type: ignore[union-attr]


def test_garbage_is_one_failure_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "notes.warc").write_bytes(b"These are crawl notes, not an archive.\n" * 5)

    items = read(tmp_path / "notes.warc")

    assert len(items) == 1
    assert isinstance(items[0], SourceFailure)
    assert items[0].code == "corrupt_archive"
    assert items[0].source_file == "notes.warc#0"


def test_a_warc_gzipped_as_one_stream_is_still_read(tmp_path: Path) -> None:
    records = [Rec("warcinfo"), Rec("response"), Rec("response", url=MARKET_URL, body=MARKET_HTML)]
    plain, offsets = build_warc(records, gzip=False)
    (tmp_path / "whole.warc.gz").write_bytes(gzip.compress(plain, mtime=0))

    items = read(tmp_path / "whole.warc.gz")

    assert [(type(i).__name__, i.source_file) for i in items] == [
        ("Skipped", f"whole.warc.gz#{offsets[0]}"),
        ("Page", f"whole.warc.gz#{offsets[1]}"),  # offsets in the decompressed stream
        ("Page", f"whole.warc.gz#{offsets[2]}"),
    ]
    assert isinstance(items[2], Page) and items[2].data == MARKET_HTML


def test_a_record_whose_bytes_fail_its_digest_is_not_trusted(tmp_path: Path) -> None:
    data, offsets = build_warc([Rec("response"), Rec("response", url=MARKET_URL)], gzip=False)
    at = data.index(b"second day", offsets[0])  # in the first page's payload
    tampered = data[:at] + b"SECOND DAY" + data[at + 10 :]
    (tmp_path / "tampered.warc").write_bytes(tampered)

    items = read(tmp_path / "tampered.warc")

    assert isinstance(items[0], SourceFailure)
    assert items[0].code == "checksum_mismatch"
    assert items[0].source_file == f"tampered.warc#{offsets[0]}"
    assert "digest" in items[0].message
    assert isinstance(items[1], Page)


def test_content_encoding_is_undone(tmp_path: Path) -> None:
    headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")]
    rec = Rec("response", body=gzip.compress(STORM_HTML, mtime=0), headers=headers)
    data, _ = build_warc([rec], gzip=True)
    (tmp_path / "encoded.warc.gz").write_bytes(data)

    (page,) = read(tmp_path / "encoded.warc.gz")

    assert isinstance(page, Page)
    assert page.data == STORM_HTML


def test_binary_payload_with_a_text_type_is_a_page_the_parser_rejects(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256))
    data, _ = build_warc([Rec("response", body=png)], gzip=True)
    (tmp_path / "image.warc.gz").write_bytes(data)

    (page,) = read(tmp_path / "image.warc.gz")

    assert isinstance(page, Page)
    assert page.content_type == "text/html; charset=utf-8"
    outcome = process_item(page)
    assert isinstance(outcome, Quarantined)
    assert outcome.code == "binary"
    assert outcome.stage == "parse"
    assert outcome.source_file == page.source_file


def test_missing_warc_is_unreadable(tmp_path: Path) -> None:
    (failure,) = read(tmp_path / "absent.warc.gz")

    assert isinstance(failure, SourceFailure)
    assert failure.code == "unreadable"
    assert failure.source_file == "absent.warc.gz"
