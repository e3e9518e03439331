"""Workers do the work: they read their inputs, spill their rows, write the shards and fold
the card statistics; the build process sends descriptors and merges small results."""

from __future__ import annotations

import pickle
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from broadsheet.build import pipeline, shards
from broadsheet.build.daskengine import DaskEngine
from broadsheet.build.engines import BatchFn, SerialEngine
from broadsheet.build.pipeline import BatchResult
from broadsheet.build.run import build_release
from broadsheet.recipe import load_recipe
from broadsheet.sources import files
from broadsheet.sources.items import BatchItem, PageRef
from fresh_interpreter import modules_after, packages

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"


def corpus(root: Path) -> Path:
    """The seed pages, under their names and again as copies (duplicates to settle)."""
    shutil.copytree(SEEDS, root / "seeds")
    for seed in sorted(SEEDS.glob("*.txt")):
        shutil.copy(seed, root / f"again-{seed.name}")
    (root / "blank.txt").write_bytes(b"\n\n")
    return root


def release_files(release: Path) -> dict[str, bytes]:
    return {
        p.relative_to(release).as_posix(): p.read_bytes()
        for p in sorted(release.rglob("*"))
        if p.is_file()
    }


class Watched:
    """An engine wrapper that keeps every batch it is given."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.name = engine.name
        self.batches: list[list[BatchItem]] = []

    def __enter__(self) -> Watched:
        if hasattr(self.engine, "__enter__"):
            self.engine.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if hasattr(self.engine, "__exit__"):
            self.engine.__exit__(*exc)

    def map(self, fn: BatchFn, batches: Iterable[list[BatchItem]]) -> Iterator[BatchResult]:
        def kept() -> Iterator[list[BatchItem]]:
            for batch in batches:
                self.batches.append(batch)
                yield batch

        return self.engine.map(fn, kept())

    def run_tasks(self, fn: Any, items: Iterable[Any]) -> list[Any]:
        return list(self.engine.run_tasks(fn, items))


def refuse(what: str) -> Any:
    def refused(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"the build process {what}")

    return refused


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A ``distributed`` local cluster of two worker processes: its scheduler's address."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local:
        yield local.scheduler_address


def test_a_dask_cluster_build_reads_spills_and_writes_on_the_workers(
    tmp_path: Path, cluster: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = corpus(tmp_path / "corpus")
    recipe = load_recipe(REPO / "recipe.toml")
    reference = build_release(
        [root], out_dir=tmp_path / "serial", recipe=recipe, engine=SerialEngine(), root=root,
        work_dir=tmp_path / "serial-work",
    )  # fmt: skip

    # In the build process, reading a page, parsing, writing a part or a shard now fails:
    # the workers (other processes, which these patches do not reach) must do all of it.
    monkeypatch.setattr(files, "_read_file", refuse("read a page"))
    monkeypatch.setattr(pipeline, "process_batch", refuse("parsed a batch"))
    monkeypatch.setattr(shards, "ShardWriter", refuse("wrote a shard"))
    engine = Watched(DaskEngine(cluster))
    staging = tmp_path / "shared-staging"
    result = build_release(
        [root], out_dir=tmp_path / "dask", recipe=recipe, engine=engine, root=root,
        work_dir=staging,
    )  # fmt: skip

    pages = [item for batch in engine.batches for item in batch]
    seeds = sorted(SEEDS.glob("*.txt"))
    assert len(pages) == 2 * len(seeds) + 1  # every page file, as a path to read
    assert all(isinstance(item, PageRef) for item in pages)
    largest = max(len(pickle.dumps(batch)) for batch in engine.batches)
    smallest_page = min(p.stat().st_size for p in seeds)
    assert largest < smallest_page  # a whole batch weighs less than one page's bytes
    assert result.accepted == reference.accepted == len(seeds)
    assert result.reasons == reference.reasons
    assert result.reasons["duplicate"] == len(seeds) and result.reasons["empty"] == 1
    assert release_files(result.release_dir) == release_files(reference.release_dir)
    assert not list(staging.iterdir())  # the staging area is cleaned up after the build


def test_a_listed_page_file_reads_as_the_same_item_wherever_it_is_read(tmp_path: Path) -> None:
    """``iter_sources(refs=True)`` lists page files as :class:`PageRef`; reading one with
    ``read_ref`` gives exactly the item that reading at listing time gives."""
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
    (folder / "archive.jsonl").write_text('{"data": "a page in a line"}\n', encoding="utf-8")
    (folder / "manifest.csv").write_text(
        "file,url,sha256,captured_at,notes\n"
        f"plain.txt,https://example.org/a,{hashlib.sha256(page).hexdigest()},"
        "2025-01-02T03:04:05Z,\n"
        f"changed.txt,https://example.org/b,{'0' * 64},,\n",
        encoding="utf-8",
    )
    limits = Limits(page_bytes=4096)
    read = list(files.iter_sources([folder], root=tmp_path, limits=limits))
    listed = list(files.iter_sources([folder], root=tmp_path, limits=limits, refs=True))
    refs = [item for item in listed if isinstance(item, PageRef)]
    assert {ref.source_file for ref in refs} == {
        f"pages/{name}"
        for name in ("plain.txt", "packed.html.gz", "bomb.txt.gz", "broken.txt.gz", "changed.txt")
    }  # not the archive (streamed by the build) nor the file over the limit (refused at once)
    assert all(ref.path.startswith(str(tmp_path)) for ref in refs)  # absolute: readable anywhere
    resolved = [
        files.read_ref(pickle.loads(pickle.dumps(item)), limits)
        if isinstance(item, PageRef)
        else item
        for item in listed
    ]
    assert resolved == read
    codes = {getattr(item, "source_file", ""): getattr(item, "code", "page") for item in read}
    assert codes["pages/plain.txt"] == "page" and codes["pages/changed.txt"] == "checksum_mismatch"
    assert codes["pages/bomb.txt.gz"] == "too_large" == codes["pages/huge.txt"]
    assert codes["pages/broken.txt.gz"] == "corrupt_archive"


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
