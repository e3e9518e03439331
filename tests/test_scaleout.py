"""Workers do the work: they read their inputs, spill their rows, write the shards and fold
the card statistics; the build process sends descriptors and merges small results."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path
from typing import Any

import pytest

from broadsheet.build import pipeline, shards
from broadsheet.build.daskengine import DaskEngine
from broadsheet.build.engines import SerialEngine
from broadsheet.build.run import BuildResult, build_release
from broadsheet.recipe import load_recipe
from broadsheet.sources import files, jsonl, warc
from broadsheet.sources.items import Page, PageRef, RecordRef, SourceFailure
from broadsheet.sources.refs import read_item
from engine_watch import Watched, refuse
from fresh_interpreter import modules_after, packages
from source_factory import MARKET_HTML, MARKET_URL, Rec, build_warc, hand_record, http_block

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
FIXTURES = REPO / "tests" / "fixtures"


def corpus(root: Path) -> Path:
    """The seed pages, under their names and again as copies (duplicates to settle)."""
    shutil.copytree(SEEDS, root / "seeds")
    for seed in sorted(SEEDS.glob("*.txt")):
        shutil.copy(seed, root / f"again-{seed.name}")
    (root / "blank.txt").write_bytes(b"\n\n")
    return root


def archives(root: Path) -> Path:
    """A crawl as archives: a record-per-member ``.warc.gz`` (two pages, a request, a 404),
    a plain ``.warc`` (one page) and a JSONL dump (two pages, one line cut short)."""
    root.mkdir(parents=True)
    members, _ = build_warc(
        [Rec("response"), Rec("request"), Rec("response", MARKET_URL, MARKET_HTML),
         Rec("response", status="404 Not Found")],
        gzip=True,
    )  # fmt: skip
    (root / "crawl.warc.gz").write_bytes(members)
    plain, _ = build_warc([Rec("response", MARKET_URL + "?again", MARKET_HTML)], gzip=False)
    (root / "again.warc").write_bytes(plain)
    shutil.copy(FIXTURES / "sources" / "dump.jsonl", root / "dump.jsonl")
    return root


def release_files(release: Path) -> dict[str, bytes]:
    return {
        p.relative_to(release).as_posix(): p.read_bytes()
        for p in sorted(release.rglob("*"))
        if p.is_file()
    }


def serial_then_dask(
    root: Path, tmp_path: Path, cluster: str, refused: dict[Any, str]
) -> tuple[BuildResult, BuildResult, Watched]:
    """The release built serially, then on the cluster with each ``refused`` attribute
    (``(module, name)``) failing in the build process: the workers (other processes, which
    these patches do not reach) must do that part, and the two releases are the same."""
    recipe = load_recipe(REPO / "recipe.toml")
    reference = build_release(
        [root], out_dir=tmp_path / "serial", recipe=recipe, engine=SerialEngine(), root=root,
        work_dir=tmp_path / "serial-work",
    )  # fmt: skip
    engine = Watched(DaskEngine(cluster))
    with pytest.MonkeyPatch.context() as patch:
        for (module, name), what in refused.items():
            patch.setattr(module, name, refuse(what))
        result = build_release(
            [root], out_dir=tmp_path / "dask", recipe=recipe, engine=engine, root=root,
            work_dir=tmp_path / "shared-staging",
        )  # fmt: skip
    assert result.reasons == reference.reasons and result.skipped == reference.skipped
    assert result.accepted == reference.accepted
    assert release_files(result.release_dir) == release_files(reference.release_dir)
    return reference, result, engine


def test_a_dask_cluster_build_reads_spills_and_writes_on_the_workers(
    tmp_path: Path, cluster: str
) -> None:
    root = corpus(tmp_path / "corpus")
    # In the build process, reading a page, parsing, writing a part or a shard fails.
    _, result, engine = serial_then_dask(
        root, tmp_path, cluster, {
            (files, "_read_file"): "read a page",
            (pipeline, "process_batch"): "parsed a batch",
            (shards, "ShardWriter"): "wrote a shard",
        },
    )  # fmt: skip
    staging = tmp_path / "shared-staging"

    pages = [item for batch in engine.batches for item in batch]
    seeds = sorted(SEEDS.glob("*.txt"))
    assert len(pages) == 2 * len(seeds) + 1  # every page file, as a path to read
    assert all(isinstance(item, PageRef) for item in pages)
    largest = max(len(pickle.dumps(batch)) for batch in engine.batches)
    smallest_page = min(p.stat().st_size for p in seeds)
    assert largest < smallest_page  # a whole batch weighs less than one page's bytes
    assert result.accepted == len(seeds)
    assert result.reasons["duplicate"] == len(seeds) and result.reasons["empty"] == 1
    assert not list(staging.iterdir())  # the staging area is cleaned up after the build


def test_dask_workers_read_archive_records_and_jsonl_lines_themselves(
    tmp_path: Path, cluster: str
) -> None:
    root = archives(tmp_path / "crawl")
    # The build process lists the records (their headers, the JSONL line ends) but never
    # reads a page's body nor parses a line: the workers do.
    _, result, engine = serial_then_dask(
        root, tmp_path, cluster, {
            (warc, "read_body"): "read a WARC page body",
            (jsonl, "jsonl_item"): "parsed a JSONL line",
            (pipeline, "process_batch"): "parsed a batch",
        },
    )  # fmt: skip

    items = [item for batch in engine.batches for item in batch]
    refs = sorted(item.source_file for item in items if isinstance(item, RecordRef))
    assert refs == [
        "again.warc#0",
        *(f"crawl.warc.gz#{n}" for n in _page_offsets(root / "crawl.warc.gz")),
        "dump.jsonl#L1", "dump.jsonl#L2", "dump.jsonl#L3",
    ]  # fmt: skip
    assert not any(isinstance(item, Page) for item in items)  # no page travels as bytes
    assert result.skipped == {"http_404": 1, "warc_request": 1}
    assert result.accepted + sum(result.reasons.values()) == 6  # each record and line once


def test_dask_workers_read_the_pages_of_a_url_source_themselves(
    tmp_path: Path, cluster: str
) -> None:
    """A crawl given as an fsspec URL (a zip archive, which every worker opens for itself):
    the build process lists it, the workers read its pages, records and lines, and the rows
    and quarantine are those of the same files built from a local folder."""
    import zipfile

    root = archives(tmp_path / "crawl")
    seed = sorted(SEEDS.glob("*.txt"))[0]
    shutil.copy(seed, root / seed.name)
    archive = tmp_path / "crawl.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in sorted(root.rglob("*")):
            out.write(path, path.relative_to(tmp_path).as_posix())
    recipe = load_recipe(REPO / "recipe.toml")
    reference = build_release(
        [root], out_dir=tmp_path / "serial", recipe=recipe, engine=SerialEngine(),
        root=tmp_path, work_dir=tmp_path / "serial-work",
    )  # fmt: skip
    url = f"zip://crawl::file://{archive}"
    engine = Watched(DaskEngine(cluster))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(files, "_read_file", refuse("read a page"))
        patch.setattr(warc, "read_body", refuse("read a WARC page body"))
        patch.setattr(jsonl, "jsonl_item", refuse("parsed a JSONL line"))
        result = build_release(
            [url], out_dir=tmp_path / "dask", recipe=recipe, engine=engine,
            work_dir=tmp_path / "shared-staging",
        )  # fmt: skip

    items = [item for batch in engine.batches for item in batch]
    refs = [item for item in items if isinstance(item, PageRef | RecordRef)]
    assert not any(isinstance(item, Page) for item in items)  # no page travels as bytes
    assert len(refs) == 7  # the page file, three WARC pages, three JSONL lines
    assert all(i.path.startswith("zip://crawl/") and i.path.endswith(str(archive)) for i in refs)
    assert result.accepted == reference.accepted > 0 and result.reasons == reference.reasons
    mine, theirs = release_files(reference.release_dir), release_files(result.release_dir)
    for name in [n for n in mine if n.startswith("data/")] + ["quarantine.jsonl"]:
        assert mine[name] == theirs[name], name


def _page_offsets(path: Path) -> list[int]:
    """Offsets of the 200 responses of a ``.warc.gz``, read with warcio directly."""
    from warcio.archiveiterator import ArchiveIterator

    with path.open("rb") as fh:
        it = ArchiveIterator(fh)
        return [
            it.offset
            for record in it
            if record.rec_type == "response" and record.http_headers.get_statuscode() == "200"
        ]


def test_a_listed_page_reads_as_the_same_item_wherever_it_is_read(tmp_path: Path) -> None:
    """``iter_sources(refs=True)`` lists page files as :class:`PageRef` and archive records
    and JSONL lines as :class:`RecordRef`; reading one with ``read_item`` gives exactly the
    item that reading at listing time gives, damaged inputs included."""
    import gzip
    import hashlib

    from broadsheet.sources.limits import Limits

    folder = tmp_path / "pages"
    folder.mkdir()
    page = b"Headline\n\nA paragraph of text.\n"
    (folder / "plain.txt").write_bytes(page)
    (folder / "packed.html.gz").write_bytes(gzip.compress(b"<html><p>packed</p></html>"))
    (folder / "bomb.txt.gz").write_bytes(gzip.compress(b"x" * 5000))  # over the limit unpacked
    (folder / "broken.txt.gz").write_bytes(b"\x1f\x8b not gzip at all")
    (folder / "changed.txt").write_bytes(b"not what the manifest hashed")
    (folder / "huge.txt").write_bytes(b"y" * 5000)  # over the limit as stored
    (folder / "archive.jsonl").write_bytes(
        b'\xef\xbb\xbf{"text": "a page after a byte order mark"}\n\n'
        b'{"data": "no page field"}\n{"html": "' + b"z" * 5000 + b'"}\n'
        b'{"text": "after the long line"}\n{"text": "cut sh'
    )
    small, _ = build_warc([Rec("response", body=b"<p>small</p>")], gzip=False)
    lying = hand_record("https://example.org/lie", http_block(b"<p>lie</p>"), content_length=3)
    big = hand_record("https://example.org/big", http_block(b"<p>" + b"w" * 5000 + b"</p>"))
    (folder / "damaged.warc").write_bytes(small + lying + small + big + small[:-40])
    stream, _ = build_warc([Rec("response", body=b"<p>one</p>")] * 3, gzip=False)
    (folder / "one-stream.warc.gz").write_bytes(gzip.compress(stream, mtime=0))
    (folder / "manifest.csv").write_text(
        "file,url,sha256,captured_at,notes\n"
        f"plain.txt,https://example.org/a,{hashlib.sha256(page).hexdigest()},"
        "2025-01-02T03:04:05Z,\n"
        f"changed.txt,https://example.org/b,{'0' * 64},,\n",
        encoding="utf-8",
    )
    limits = Limits(page_bytes=4096, line_bytes=4096)
    read = list(files.iter_sources([folder], root=tmp_path, limits=limits))
    listed = list(files.iter_sources([folder], root=tmp_path, limits=limits, refs=True))
    refs = {item.source_file for item in listed if isinstance(item, PageRef | RecordRef)}
    after = len(small) + len(lying)
    assert refs == {
        *(f"pages/{n}" for n in ("plain.txt", "packed.html.gz", "bomb.txt.gz", "broken.txt.gz")),
        "pages/changed.txt",
        "pages/archive.jsonl#L1", "pages/archive.jsonl#L3", "pages/archive.jsonl#L5",
        "pages/archive.jsonl#L6",  # not the blank line 2 nor line 4, too long to list
        # reading resumes at the record after the one that lies about its length; the big
        # page is listed (its size is the reader's to check), the cut record at the end not
        "pages/damaged.warc#0", f"pages/damaged.warc#{after}",
        f"pages/damaged.warc#{after + len(small)}",
        "pages/one-stream.warc.gz#0",  # its first record; the rest cannot be entered midway
    }  # fmt: skip
    read_here = [item.source_file for item in listed if isinstance(item, Page)]
    assert read_here == [f"pages/one-stream.warc.gz#{n * len(stream) // 3}" for n in (1, 2)]
    assert all(ref.path.startswith(str(tmp_path)) for ref in listed if hasattr(ref, "path"))
    resolved = [read_item(pickle.loads(pickle.dumps(item)), limits) for item in listed]
    assert resolved == read
    codes = {getattr(item, "source_file", ""): getattr(item, "code", "page") for item in read}
    assert codes["pages/plain.txt"] == "page" and codes["pages/changed.txt"] == "checksum_mismatch"
    assert codes["pages/bomb.txt.gz"] == "too_large" == codes["pages/huge.txt"]
    assert codes["pages/broken.txt.gz"] == "corrupt_archive"
    assert codes["pages/archive.jsonl#L1"] == "page" == codes["pages/archive.jsonl#L5"]
    assert codes["pages/archive.jsonl#L3"] == "invalid_jsonl" == codes["pages/archive.jsonl#L6"]
    assert codes["pages/archive.jsonl#L4"] == "too_large"
    assert codes["pages/damaged.warc#0"] == "page" == codes[f"pages/damaged.warc#{after}"]
    assert codes[f"pages/damaged.warc#{len(small)}"] == "corrupt_archive"
    assert codes[f"pages/damaged.warc#{after + len(small)}"] == "too_large"
    assert codes[f"pages/damaged.warc#{after + len(small) + len(big)}"] == "corrupt_archive"


def test_a_record_read_after_its_archive_changed_is_quarantined(tmp_path: Path) -> None:
    archive = tmp_path / "crawl.warc"
    first, _ = build_warc([Rec("response", body=b"<p>first</p>")] * 2, gzip=False)
    archive.write_bytes(first)
    dump = tmp_path / "dump.jsonl"
    dump.write_bytes(b'{"text": "one"}\n{"text": "two"}\n')
    listed = [
        item
        for item in files.iter_sources([archive, dump], root=tmp_path, refs=True)
        if isinstance(item, RecordRef)
    ]
    assert len(listed) == 4  # two records, two lines
    archive.write_bytes(first[: listed[1].offset + 10])  # cut inside the second record
    dump.write_bytes(b'{"text": "one"}\n')
    items = [read_item(item) for item in listed]
    assert isinstance(items[0], Page) and isinstance(items[2], Page)
    cut, gone = items[1], items[3]
    assert isinstance(cut, SourceFailure) and cut.code == "corrupt_archive"
    assert cut.source_file == f"crawl.warc#{listed[1].offset}"
    assert isinstance(gone, SourceFailure) and gone.code == "unreadable"
    assert "changed after it was listed" in gone.message


def test_the_build_process_loads_the_checks_and_plots_only_when_it_needs_them() -> None:
    # A build process with workers only lists, schedules and merges: the table checks
    # (pandera, polars, pandas) and the plots (matplotlib) load at the report, not before,
    # so they take no memory while the workers ingest and write shards.
    heavy = {"pandas", "polars", "pandera", "matplotlib", "dask", "distributed"}
    loaded = modules_after("import broadsheet.build.run, broadsheet.build.engines")
    assert "broadsheet.build.run" in loaded and not packages(loaded) & heavy
    assert "broadsheet.build.pipeline" not in loaded


def test_the_report_libraries_load_on_a_thread_while_the_workers_write_shards() -> None:
    imported = "from broadsheet.build.run import _load_report_libraries"
    before = modules_after(imported)
    assert not packages(before) & {"pandera", "matplotlib"}
    after = modules_after(imported + "\n_load_report_libraries().join()")
    assert {"broadsheet.checks.table", "broadsheet.card.figures"} <= after
