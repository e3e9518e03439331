"""Sources given as fsspec URLs: listed and read like the same files on a local disk.

The trees are written twice, to a temporary folder and to fsspec's in-memory file system
(or a zip archive opened through a ``zip://...::file://...`` chain, which other processes
can open too), and the two listings must give the same items in the same order.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import uuid
import zipfile
from dataclasses import replace
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from fsspec.implementations.memory import MemoryFileSystem
from typer.testing import CliRunner

from broadsheet.build.engines import SerialEngine
from broadsheet.build.progress import count_inputs
from broadsheet.build.run import build_release
from broadsheet.cli.main import app
from broadsheet.recipe import load_recipe
from broadsheet.sources import files
from broadsheet.sources.files import iter_sources
from broadsheet.sources.items import Page, PageRef, RecordRef, SourceFailure
from broadsheet.sources.location import RemoteError, is_url, read_many, remote
from broadsheet.sources.refs import read_ahead, read_item
from fake_fs import counting_memory, failing_memory
from source_factory import MARKET_HTML, MARKET_URL, STORM_HTML, STORM_URL, Rec, build_warc

REPO = Path(__file__).resolve().parents[1]
SEED = sorted((REPO / "seeds").glob("*.txt"))[0]
DUMP = REPO / "tests" / "fixtures" / "sources" / "dump.jsonl"


def crawl_tree() -> dict[str, bytes]:
    """A crawl folder's files by relative path: pages, a gzipped page, a manifest (one row
    for a file that is not there, one row that cannot be used), a hidden file, a WARC
    archive and a JSONL dump."""
    storm_sha = hashlib.sha256(STORM_HTML).hexdigest()
    warc, _ = build_warc(
        [Rec("response"), Rec("request"), Rec("response", MARKET_URL, MARKET_HTML)], gzip=True
    )
    return {
        "storm.html": STORM_HTML,
        "market.html.gz": gzip.compress(MARKET_HTML, mtime=0),
        "manifest.csv": (
            "file,url,sha256,captured_at,notes\n"
            f"storm.html,{STORM_URL},{storm_sha},2024-03-05T14:30:00Z,\n"
            f"market.html.gz,{MARKET_URL},,not a time,\n"
            "gone.html,https://www.harbourgazette.example/gone,,,\n"
        ).encode(),
        ".hidden.html": b"<html>not read</html>",
        "desk/seed.txt": SEED.read_bytes(),
        "desk/.drafts/draft.html": b"<html>not read either</html>",
        "archive/crawl.warc.gz": warc,
        "archive/dump.jsonl": DUMP.read_bytes(),
    }


def write_local(root: Path, tree: dict[str, bytes]) -> Path:
    for name, data in tree.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def write_memory(tree: dict[str, bytes]) -> str:
    """The tree in the in-memory file system, under a folder of its own: its URL."""
    folder = f"/t{uuid.uuid4().hex}/crawl"
    fs = MemoryFileSystem()
    for name, data in tree.items():
        fs.pipe(f"{folder}/{name}", data)
    return f"memory://{folder}"


def write_zip(path: Path, tree: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in sorted(tree.items()):
            archive.writestr(zipfile.ZipInfo(f"crawl/{name}", (2024, 3, 5, 0, 0, 0)), data)
    return path


@pytest.mark.parametrize("refs", [False, True])
def test_a_url_folder_gives_the_items_of_the_same_local_folder(tmp_path: Path, refs: bool) -> None:
    tree = crawl_tree()
    local = list(iter_sources([write_local(tmp_path / "crawl", tree)], root=tmp_path, refs=refs))
    url = write_memory(tree)
    remote_items = list(iter_sources([url], refs=refs))

    names = [item.source_file for item in remote_items]
    assert names == [item.source_file for item in local]
    assert not any("hidden" in n or "draft" in n for n in names)
    assert "crawl/gone.html" in names  # listed by the manifest, not in the folder
    if refs:  # listed as the URLs the workers open, read as the same items
        pages = [item for item in remote_items if isinstance(item, PageRef | RecordRef)]
        assert {type(item) for item in pages} == {PageRef, RecordRef}
        assert all(item.path.startswith(url + "/") for item in pages)
        remote_items = [read_item(item) for item in remote_items]
        local = [read_item(item) for item in local]
    assert remote_items == local

    by_name = {item.source_file: item for item in remote_items}
    storm = by_name["crawl/storm.html"]
    assert isinstance(storm, Page) and storm.url == STORM_URL  # the manifest applies
    assert storm.captured_at is not None and storm.captured_at.isoformat().startswith("2024-03-05")
    market = by_name["crawl/market.html.gz"]
    assert isinstance(market, Page) and market.data == MARKET_HTML  # gunzipped
    problem = by_name["crawl/manifest.csv#L3"]
    assert isinstance(problem, SourceFailure) and problem.code == "invalid_manifest"
    assert "not a time" in problem.message
    jsonl = [n for n in names if n.startswith("crawl/archive/dump.jsonl#L")]
    warc = [n for n in names if n.startswith("crawl/archive/crawl.warc.gz#")]
    assert len(jsonl) == 3 and len(warc) == 3  # two pages and a skipped request


def test_a_glob_url_and_a_single_file_url_are_named_like_local_ones(tmp_path: Path) -> None:
    tree = crawl_tree()
    write_local(tmp_path / "crawl", tree)
    url = write_memory(tree)
    pattern = list(iter_sources([f"{url}/**/*.txt", f"{url}/*.html"]))
    names = [item.source_file for item in pattern]
    assert names == ["desk/seed.txt", "manifest.csv#L3", "storm.html"]  # the manifest applies
    assert isinstance(pattern[2], Page) and pattern[2].url == STORM_URL
    local = list(iter_sources([str(tmp_path / "crawl/**/*.txt"), str(tmp_path / "crawl/*.html")]))
    assert pattern == local  # the same names (relative to the pattern's folder), same pages
    single = list(iter_sources([f"{url}/desk/seed.txt"]))
    assert single == [Page("seed.txt", SEED.read_bytes())]


def test_a_file_given_twice_as_a_url_is_read_once() -> None:
    url = write_memory({"a.html": STORM_HTML})
    items = list(iter_sources([url, f"{url}/a.html", url]))
    assert [item.source_file for item in items] == ["crawl/a.html"]
    assert count_inputs([url]) is None  # the progress bar does not list a URL a second time


@pytest.mark.parametrize(
    ("source", "code", "words"),
    [
        ("nope://bucket/pages", "unreadable", "Protocol not known"),
        ("memory:///no/such/folder", "unreadable", "no such file or folder"),
        ("memory:///no/such/*.html", "unreadable", "no file matches the pattern"),
    ],
)
def test_a_url_that_cannot_be_listed_is_one_clear_entry(source: str, code: str, words: str) -> None:
    (item,) = list(iter_sources([source]))
    assert isinstance(item, SourceFailure)
    assert item.code == code and words in item.message and source in item.message


def test_an_empty_url_folder_is_reported() -> None:
    folder = f"/t{uuid.uuid4().hex}/empty"
    MemoryFileSystem().mkdir(folder)
    (item,) = list(iter_sources([f"memory://{folder}"]))
    assert isinstance(item, SourceFailure) and "holds no files" in item.message


def test_a_listed_url_that_vanished_is_quarantined_where_it_is_read() -> None:
    url = write_memory({"a.html": STORM_HTML, "b.jsonl": DUMP.read_bytes()})
    refs = list(iter_sources([url], refs=True))
    MemoryFileSystem().rm(url.removeprefix("memory://"), recursive=True)
    for ref in refs:
        item = read_item(ref)
        assert isinstance(item, SourceFailure) and item.code == "unreadable", item
        assert "cannot read" in item.message


def test_an_error_of_a_protocols_package_becomes_an_unreadable_page() -> None:
    with pytest.raises(RemoteError, match="RuntimeError: boom"):
        remote(lambda: (_ for _ in ()).throw(RuntimeError("boom")))
    flaky = failing_memory("flaky", reads=True, error=RuntimeError)
    flaky().pipe("/site/a.html", STORM_HTML)
    (item,) = list(iter_sources(["flaky:///site"]))
    assert isinstance(item, SourceFailure) and item.code == "unreadable"
    assert "the service refused" in item.message and item.source_file == "site/a.html"


def test_what_is_a_url() -> None:
    assert is_url("s3://bucket/crawl") and is_url("gs://b/k") and is_url("memory:///x")
    assert is_url("zip://crawl::file:///tmp/crawl.zip") and is_url("simplecache::s3://b/k")
    assert not is_url("file:///tmp/crawl")  # a local path
    assert not is_url("seeds") and not is_url("/tmp/a::b") and not is_url("crawl/*.html")


def test_a_file_url_reads_the_local_path(tmp_path: Path) -> None:
    write_local(tmp_path / "crawl", {"a.html": STORM_HTML})
    items = list(iter_sources([f"file://{tmp_path}/crawl"], root=tmp_path))
    assert items == [Page("crawl/a.html", STORM_HTML)]


def test_a_build_from_a_zip_url_writes_the_rows_of_the_local_build(tmp_path: Path) -> None:
    tree = crawl_tree()
    local = write_local(tmp_path / "local" / "crawl", tree)
    archive = write_zip(tmp_path / "crawl.zip", tree)
    recipe = load_recipe(REPO / "recipe.toml")
    reference = build_release(
        [local], out_dir=tmp_path / "a", recipe=recipe, engine=SerialEngine(),
        root=local.parent, work_dir=tmp_path / "wa",
    )  # fmt: skip
    url = f"zip://crawl::file://{archive}"
    with pytest.MonkeyPatch.context() as patch:
        refused = AssertionError("a page was read from the local disk")
        patch.setattr(files, "_read_page", lambda *a, **k: (_ for _ in ()).throw(refused))
        patch.setattr(files, "_read_gz_page", lambda *a, **k: (_ for _ in ()).throw(refused))
        with pytest.raises(AssertionError, match="local disk"):
            build_release(
                [local], out_dir=tmp_path / "x", recipe=recipe, engine=SerialEngine(),
                root=local.parent, work_dir=tmp_path / "wx",
            )  # fmt: skip
    result = build_release(
        [url], out_dir=tmp_path / "b", recipe=recipe, engine=SerialEngine(),
        work_dir=tmp_path / "wb",
    )  # fmt: skip
    assert result.accepted == reference.accepted > 0
    assert result.reasons == reference.reasons and result.skipped == reference.skipped
    written = [*sorted((reference.release_dir / "data").iterdir()), Path("quarantine.jsonl")]
    assert len(written) > 1
    for name in written:
        mine = (reference.release_dir / name).read_bytes()
        assert mine == (result.release_dir / name).read_bytes(), name  # rows and names alike
    report = (result.release_dir / "build-report.json").read_text()
    assert url in report  # the command recorded names the URL as given


def test_the_cli_refuses_a_url_no_installed_package_reads(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["build", "--source", "nope://bucket/crawl", "--out", str(tmp_path / "out")]
    )
    assert result.exit_code != 0
    assert "unsupported_url" in result.output and "nope://bucket/crawl" in result.output
    assert not (tmp_path / "out").exists()


def test_the_cli_builds_from_a_url(tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "crawl.zip", {"storm.html": STORM_HTML})
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["build", "--source", f"zip://crawl::file://{archive}", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    (release,) = [p.parent for p in out.rglob("build-report.json")]
    rows = pq.read_table(release / "data").to_pylist()
    assert [(r["source_file"], r["url"]) for r in rows] == [("crawl/storm.html", None)]
    report = json.loads((release / "build-report.json").read_text())
    assert f"--source zip://crawl::file://{archive}" in report["command"]  # not a local path


def test_parse_reads_a_url() -> None:
    url = write_memory({"storm.html": STORM_HTML, "desk/seed.txt": SEED.read_bytes()})
    result = CliRunner().invoke(app, ["parse", "--workers", "1", "--jsonl", url])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [r["source_file"] for r in records] == ["crawl/desk/seed.txt", "crawl/storm.html"]
    assert records[1]["title"] == "Storm closes the harbour for a second day"


def test_a_pattern_url_reads_the_folders_it_matches_but_no_hidden_one(tmp_path: Path) -> None:
    tree = {"a/x.html": STORM_HTML, "b/y.html": MARKET_HTML, ".git/z.html": b"<p>no</p>"}
    url = write_memory(tree)
    local = write_local(tmp_path / "crawl", tree)
    items = list(iter_sources([f"{url}/*"]))
    assert [item.source_file for item in items] == ["a/x.html", "b/y.html"]
    assert items == list(iter_sources([f"{local}/*"]))


def test_a_file_url_source_is_recorded_as_the_local_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_local(tmp_path / "crawl", {"storm.html": STORM_HTML})
    monkeypatch.chdir(tmp_path)
    args = ["build", "--engine", "serial", "--out", "out", "--name", "n", "--version", "1.0.0"]
    by_url = CliRunner().invoke(app, [*args, "--source", f"file://{tmp_path}/crawl"])
    assert by_url.exit_code == 0, by_url.output
    report = json.loads((tmp_path / "out/n/1.0.0/build-report.json").read_text())
    assert "--source crawl " in report["command"]  # as `--source crawl` would record it
    assert report["accepted"] == 1


def test_an_error_while_a_url_is_read_is_an_unreadable_entry() -> None:
    broken = failing_memory("broken", reads=True, error=TimeoutError, when="read")
    for name in ("a.html", "b.jsonl", "c.warc"):
        broken().pipe(f"/site/{name}", b"x")
    items = list(iter_sources(["broken:///site"]))
    assert [(i.source_file, i.code) for i in items if isinstance(i, SourceFailure)] == [
        ("site/a.html", "unreadable"), ("site/b.jsonl#L1", "unreadable"),
        ("site/c.warc", "unreadable"),
    ]  # fmt: skip
    assert all("the service refused" in i.message for i in items if isinstance(i, SourceFailure))


def test_a_batch_reads_its_page_files_at_a_url_in_one_call() -> None:
    counted = counting_memory("counted")
    tree = {k: v for k, v in crawl_tree().items() if not k.startswith("archive/")}
    tree["desk/changed.html"] = STORM_HTML + b"<!-- edited -->"
    tree["desk/manifest.csv"] = (
        f"file,url,sha256,captured_at,notes\nchanged.html,,{'0' * 64},,\n".encode()
    )
    for name, data in tree.items():
        counted().pipe(f"/crawl/{name}", data)
    refs = [i for i in iter_sources(["counted:///crawl"], refs=True) if isinstance(i, PageRef)]
    refs.append(replace(refs[0], path="counted:///crawl/vanished.html", source_file="gone"))
    counted.calls.clear()

    ahead = read_ahead(list(refs))

    assert len(counted.calls) == 1 and len(counted.calls[0]) == len(refs)  # one call
    assert ahead == [read_item(ref) for ref in refs]  # the items reading each one gives
    codes = {i.source_file: i.code for i in ahead if isinstance(i, SourceFailure)}
    assert codes == {"crawl/desk/changed.html": "checksum_mismatch", "gone": "unreadable"}
    assert any(isinstance(i, Page) and i.data == MARKET_HTML for i in ahead)  # gunzipped
    local = [Page("a.txt", b"x")]
    assert read_ahead(local) is local  # nothing at a URL: the batch as it is


def test_read_many_keeps_the_order_and_each_error() -> None:
    url = write_memory({"a.html": b"A", "b.html": b"B"})
    got = read_many([f"{url}/b.html", f"{url}/missing.html", "nope://x/y", f"{url}/a.html"])
    assert got[0] == b"B" and got[3] == b"A"
    assert isinstance(got[1], FileNotFoundError)
    assert isinstance(got[2], OSError) and "Protocol not known" in str(got[2])
