"""Hostile inputs at the source layer: every read bounded, nothing lost, values checked.

Every fixture is made here, in tmp_path: gzip bombs of a few MB (read with low limits),
deep and long JSONL lines, WARC records with bomb bodies or damaged stretches; and a build
over a folder that holds all of them with a name that is not UTF-8, links, a loop and a
FIFO. File names, links and values one by one: ``test_sources_edge.py``.
"""

from __future__ import annotations

import gzip
import json
import os
import zlib
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from broadsheet.build.run import build_release
from broadsheet.recipe import DatasetInfo, Recipe
from broadsheet.sources.files import iter_sources
from broadsheet.sources.items import Page, SourceFailure, SourceItem
from broadsheet.sources.limits import Limits, json_depth
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

MIB = 1024 * 1024
SMALL = Limits(page_bytes=MIB, line_bytes=MIB, json_depth=32)


def read(path: Path | bytes, root: Path, limits: Limits = SMALL) -> list[SourceItem]:
    return list(iter_sources([path], root=root, limits=limits))


def summary(items: list[SourceItem]) -> list[tuple[str, str, str]]:
    """(kind, source_file, code) of each item: code is '' for a page."""
    return [
        (type(i).__name__, i.source_file, i.code if isinstance(i, SourceFailure) else "")
        for i in items
    ]


def zeros_gzip(size: int) -> bytes:
    return gzip.compress(b"\0" * size, compresslevel=9, mtime=0)


# --- limits ------------------------------------------------------------------------------


def test_a_gzip_bomb_is_too_large_and_the_pages_around_it_are_read(tmp_path: Path) -> None:
    bomb = zeros_gzip(8 * MIB)  # 8 MiB of zeros in about 8 KB: eight times the limit
    assert len(bomb) < 20_000
    (tmp_path / "a.html").write_bytes(STORM_HTML)
    (tmp_path / "bomb.html.gz").write_bytes(bomb)
    (tmp_path / "c.html.gz").write_bytes(gzip.compress(MARKET_HTML, mtime=0))
    (tmp_path / "d.html").write_bytes(b"<p>" + b"x" * MIB + b"</p>")  # 1 MiB + 7 bytes stored

    items = read(tmp_path, tmp_path)

    assert summary(items) == [
        ("Page", "a.html", ""),
        ("SourceFailure", "bomb.html.gz", "too_large"),
        ("Page", "c.html.gz", ""),
        ("SourceFailure", "d.html", "too_large"),
    ]
    assert isinstance(items[2], Page) and items[2].data == MARKET_HTML
    bomb_failure, stored = items[1], items[3]
    assert isinstance(bomb_failure, SourceFailure) and isinstance(stored, SourceFailure)
    assert "decompresses to more than 1 MiB" in bomb_failure.message
    assert "page_bytes" in bomb_failure.message
    assert "is 1.0 MiB" in stored.message


def test_a_page_of_exactly_the_limit_is_read(tmp_path: Path) -> None:
    (tmp_path / "full.html.gz").write_bytes(gzip.compress(b"a" * MIB, mtime=0))

    (page,) = read(tmp_path / "full.html.gz", tmp_path)

    assert isinstance(page, Page) and len(page.data) == MIB


def test_a_jsonl_gz_bomb_line_is_too_large_and_the_next_line_is_read(tmp_path: Path) -> None:
    good = json.dumps({"url": STORM_URL, "html": STORM_HTML.decode()}).encode()
    endless = b'{"html": "' + b"A" * (6 * MIB) + b'"}'  # one line six times the limit
    (tmp_path / "dump.jsonl.gz").write_bytes(gzip.compress(endless + b"\n" + good + b"\n"))

    items = read(tmp_path / "dump.jsonl.gz", tmp_path)

    assert summary(items) == [
        ("SourceFailure", "dump.jsonl.gz#L1", "too_large"),
        ("Page", "dump.jsonl.gz#L2", ""),
    ]
    assert isinstance(items[0], SourceFailure)
    assert "6.0 MiB long" in items[0].message and "line_bytes" in items[0].message


def test_a_deep_jsonl_line_is_too_deep_without_a_recursion_error(tmp_path: Path) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    nested = json.dumps({"html": "<p>a</p>", "meta": {"a": {"b": {"c": [1, [2]]}}}})
    braces_in_text = json.dumps({"html": "<p>" + "[{" * 5000 + "</p>"})  # in a string
    lines = [deep.decode(), nested, braces_in_text, '{"html": ' + "[" * 40 + "]" * 40 + "}"]
    (tmp_path / "deep.jsonl").write_text("\n".join(lines) + "\n")

    items = read(tmp_path / "deep.jsonl", tmp_path)

    assert summary(items) == [
        ("SourceFailure", "deep.jsonl#L1", "too_deep"),
        ("Page", "deep.jsonl#L2", ""),
        ("Page", "deep.jsonl#L3", ""),
        ("SourceFailure", "deep.jsonl#L4", "too_deep"),  # 41 levels: more than 32
    ]
    assert isinstance(items[0], SourceFailure)
    assert "100000 levels deep" in items[0].message and "json_depth" in items[0].message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b'{"a": [1, 2]}', None),
        (b"[" * 5 + b"]" * 5, 5),
        (b'{"a": "[[[[[[[[[["}', None),  # brackets in a string do not nest
        (b'{"a": "\\"[[[[[[[[[[\\""}', None),  # nor after an escaped quote
        (b"[[[[[[" + b'"]]]]]]"' + b"]]]]]]", 6),
    ],
)
def test_json_depth_counts_nesting_outside_strings(text: bytes, expected: int | None) -> None:
    assert json_depth(text, 3) == (expected if expected is not None and expected > 3 else None)


def test_a_long_plain_jsonl_line_is_too_large(tmp_path: Path) -> None:
    long = json.dumps({"html": "x" * (MIB + 10)})
    short = json.dumps({"html": STORM_HTML.decode(), "url": STORM_URL})
    (tmp_path / "long.jsonl").write_text(f"{short}\n{long}\n{short}\n")

    items = read(tmp_path / "long.jsonl", tmp_path)

    assert [code for _, _, code in summary(items)] == ["", "too_large", ""]
    assert [i.source_file for i in items] == ["long.jsonl#L1", "long.jsonl#L2", "long.jsonl#L3"]


def test_a_jsonl_page_over_page_bytes_is_too_large(tmp_path: Path) -> None:
    big = json.dumps({"url": STORM_URL, "text": "word " * 300})  # a page of 1,500 bytes
    (tmp_path / "dump.jsonl").write_text(big + "\n" + json.dumps({"text": "word"}) + "\n")
    limits = Limits(page_bytes=1000, line_bytes=MIB)

    items = read(tmp_path / "dump.jsonl", tmp_path, limits)

    assert [code for _, _, code in summary(items)] == ["too_large", ""]
    assert "1.5 KiB" in items[0].message and "page_bytes" in items[0].message  # type: ignore[union-attr]


def test_a_gzip_bomb_as_http_body_of_a_warc_record_is_too_large(tmp_path: Path) -> None:
    encoded = [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")]
    deflated = [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "deflate")]
    brotli = [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "br")]
    records = [
        Rec("response", body=zeros_gzip(8 * MIB), headers=encoded),
        Rec("response", url=MARKET_URL, body=zlib.compress(MARKET_HTML), headers=deflated),
        Rec("response", url=MARKET_URL + "?br", body=b"\x1b\x03\x00\xf8", headers=brotli),
        Rec("response"),
    ]
    data, offsets = build_warc(records, gzip=True)
    (tmp_path / "crawl.warc.gz").write_bytes(data)

    items = read(tmp_path / "crawl.warc.gz", tmp_path)

    assert summary(items) == [
        ("SourceFailure", f"crawl.warc.gz#{offsets[0]}", "too_large"),
        ("Page", f"crawl.warc.gz#{offsets[1]}", ""),
        ("SourceFailure", f"crawl.warc.gz#{offsets[2]}", "unreadable"),
        ("Page", f"crawl.warc.gz#{offsets[3]}", ""),
    ]
    assert isinstance(items[1], Page) and items[1].data == MARKET_HTML
    assert isinstance(items[3], Page) and items[3].data == STORM_HTML
    assert "once decoded is more than 1 MiB" in items[0].message  # type: ignore[union-attr]
    assert "'br'" in items[2].message  # type: ignore[union-attr]


def test_a_warc_header_that_never_ends_is_damage_not_memory(tmp_path: Path) -> None:
    # A header line of 32 MiB in 146 KB: more than the 64 KiB read for headers.
    endless = gzip.compress(b"WARC/1.0\r\nWARC-Type: " + b"x" * (32 * MIB), 1, mtime=0)
    assert len(endless) > 64 * 1024
    good, _ = build_warc([Rec("response")], gzip=True)
    (tmp_path / "odd.warc.gz").write_bytes(endless + good)

    items = read(tmp_path / "odd.warc.gz", tmp_path)

    assert summary(items) == [
        ("SourceFailure", "odd.warc.gz#0", "corrupt_archive"),
        ("Page", f"odd.warc.gz#{len(endless)}", ""),
    ]
    assert "64 KiB" in items[0].message  # type: ignore[union-attr]


# --- WARC resynchronisation ----------------------------------------------------------------


@pytest.mark.parametrize(
    "damage",
    [b"garbage " * 30, bytes(range(256)) * 3, b"WARC/1.0\r\nWARC-Type: resp"],
    ids=["text", "binary", "cut-header"],
)
def test_an_intact_record_after_a_damaged_stretch_is_read(tmp_path: Path, damage: bytes) -> None:
    first = hand_record(STORM_URL, http_block(STORM_HTML))
    last = hand_record(MARKET_URL, http_block(MARKET_HTML))
    (tmp_path / "hand.warc").write_bytes(first + damage + last)

    items = read(tmp_path / "hand.warc", tmp_path)

    at_damage, at_last = len(first), len(first + damage)
    assert summary(items) == [
        ("Page", "hand.warc#0", ""),
        ("SourceFailure", f"hand.warc#{at_damage}", "corrupt_archive"),
        ("Page", f"hand.warc#{at_last}", ""),
    ]
    assert isinstance(items[2], Page) and items[2].data == MARKET_HTML
    assert f"from offset {at_damage} to {at_last}" in items[1].message  # type: ignore[union-attr]


def test_a_record_cut_short_by_the_next_one_is_named_and_the_next_one_read(
    tmp_path: Path,
) -> None:
    first = hand_record(STORM_URL, http_block(STORM_HTML))
    last = hand_record(MARKET_URL, http_block(MARKET_HTML))
    cut = last[:400]  # the record's header and part of its block, then the whole record
    (tmp_path / "cut.warc").write_bytes(first + cut + last)

    items = read(tmp_path / "cut.warc", tmp_path)

    assert summary(items) == [
        ("Page", "cut.warc#0", ""),
        ("SourceFailure", f"cut.warc#{len(first)}", "corrupt_archive"),
        ("Page", f"cut.warc#{len(first + cut)}", ""),
    ]


def test_a_build_over_hostile_inputs_accounts_for_every_one(tmp_path: Path) -> None:
    crawl = tmp_path / "crawl"
    (crawl / "sub").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "storm.html").write_bytes(STORM_HTML)
    (crawl / "linked").symlink_to(tmp_path / "elsewhere")
    (crawl / "sub" / "loop").symlink_to(crawl)
    (crawl / "dangling.html").symlink_to(tmp_path / "gone.html")
    os.mkfifo(crawl / "pipe.html")
    (crawl / "bomb.html.gz").write_bytes(zeros_gzip(8 * MIB))
    with open(os.path.join(os.fsencode(crawl), b"caf\xe9.html"), "wb") as fh:
        fh.write(b"<html><body><p>Menu</p></body></html>")
    lines = [
        "[" * 50_000 + "]" * 50_000,
        json.dumps({"html": "x" * (2 * MIB)}),
        json.dumps({"url": "http://[::1", "html": MARKET_HTML.decode()}),
    ]
    (crawl / "dump.jsonl.gz").write_bytes(gzip.compress("\n".join(lines).encode(), mtime=0))
    encoded = [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]
    warc, _ = build_warc([Rec("response", body=zeros_gzip(4 * MIB), headers=encoded)], gzip=False)
    good = hand_record(STORM_URL + "?warc", http_block(STORM_HTML.replace(b"storm", b"gale")))
    (crawl / "crawl.warc").write_bytes(warc + b"damaged stretch" * 9 + good)
    recipe = Recipe(
        dataset=DatasetInfo(name="hostile", version="0.1.0", pretty_name="Hostile"),
        limits=Limits(page_bytes=MIB, line_bytes=MIB, json_depth=32, batch_bytes=MIB),
    )

    result = build_release(
        [crawl], out_dir=tmp_path / "out", recipe=recipe, root=tmp_path, work_dir=tmp_path / "b"
    )

    quarantine = [
        json.loads(line)
        for line in (result.release_dir / "quarantine.jsonl").read_text("utf-8").splitlines()
    ]
    codes = {q["source_file"]: q["code"] for q in quarantine}
    rows = pq.read_table(result.release_dir / "data").to_pylist()
    accepted = {row["source_file"] for row in rows}
    at_good = len(warc) + 15 * 9
    expected_codes = {
        "crawl/bomb.html.gz": "too_large",
        "crawl/crawl.warc#0": "too_large",
        f"crawl/crawl.warc#{len(warc)}": "corrupt_archive",
        "crawl/dangling.html": "unreadable",
        "crawl/dump.jsonl.gz#L1": "too_deep",
        "crawl/dump.jsonl.gz#L2": "too_large",
        "crawl/pipe.html": "unreadable",
        "crawl/sub/loop": "symlink_loop",
    }
    for name, code in expected_codes.items():
        assert codes.get(name) == code, name
    every = set(codes) | accepted
    assert every == set(expected_codes) | {
        "crawl/caf%E9.html",  # not an article: quarantined by the parser
        f"crawl/crawl.warc#{at_good}",
        "crawl/dump.jsonl.gz#L3",
        "crawl/linked/storm.html",
    }
    assert len(quarantine) + len(rows) == len(every)  # each input once
    assert result.inputs == len(every) == result.accepted + result.quarantined


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("dump.jsonl", b"", "JSONL line"),
        ("dump.jsonl", b"\n  \n\n", "JSONL line"),
        ("dump.jsonl.gz", gzip.compress(b"", mtime=0), "JSONL line"),
        ("crawl.warc", b"", "WARC record"),
    ],
)
def test_an_archive_of_nothing_is_an_empty_entry(
    tmp_path: Path, name: str, data: bytes, kind: str
) -> None:
    (tmp_path / name).write_bytes(data)
    items = read(tmp_path / name, tmp_path)
    assert summary(items) == [("SourceFailure", name, "empty")]
    failure = items[0]
    assert isinstance(failure, SourceFailure)
    assert failure.message == f"{name} holds no {kind} at all"
