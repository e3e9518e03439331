"""A staging URL: the workers write their spill parts and shard files at an fsspec URL, the
build process downloads the shards, and the release is the one a local staging folder gives.

These builds run on the serial engine, so fsspec's in-memory file system stands for the
shared store; ``test_s3.py`` runs the same on a Dask cluster against an S3 server.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Any

import pytest
from fsspec.implementations.memory import MemoryFileSystem
from typer.testing import CliRunner

from broadsheet.build import parts, shards
from broadsheet.build.engines import ProcessEngine, SerialEngine
from broadsheet.build.run import build_release
from broadsheet.cli.main import app
from broadsheet.errors import UsageError
from broadsheet.recipe import load_recipe
from fake_fs import failing_memory
from release_corpus import release_bytes

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"


def corpus(root: Path) -> Path:
    """The seed pages and a copy of each (duplicates to settle, read back from the spill)."""
    shutil.copytree(SEEDS, root / "seeds")
    for seed in sorted(SEEDS.glob("*.txt"))[:5]:
        shutil.copy(seed, root / f"again-{seed.name}")
    return root


def test_a_build_staged_at_a_url_writes_the_release_of_a_local_staging(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = corpus(tmp_path / "corpus")
    recipe = load_recipe(REPO / "recipe.toml")
    reference = build_release(
        [root], out_dir=tmp_path / "local", recipe=recipe, engine=SerialEngine(), root=root,
        work_dir=tmp_path / "work-local",
    )  # fmt: skip

    stage = f"memory:///stage-{uuid.uuid4().hex}"
    written: list[str] = []
    uploaded: list[str] = []
    open_output, upload = parts.open_output, shards.upload
    monkeypatch.setattr(parts, "open_output", lambda url: written.append(url) or open_output(url))
    monkeypatch.setattr(shards, "upload", lambda a, b: uploaded.append(b) or upload(a, b))
    result = build_release(
        [root], out_dir=tmp_path / "url", recipe=recipe, engine=SerialEngine(), root=root,
        work_dir=tmp_path / "work-url", staging_url=stage,
    )  # fmt: skip

    assert release_bytes(result.release_dir) == release_bytes(reference.release_dir)
    # the duplicates' rows are read back from the parts at the URL for their entries
    assert result.reasons["duplicate"] == reference.reasons["duplicate"] > 0
    assert written and all(u.startswith(stage + "/") and "/spill/part-" in u for u in written)
    assert [u.rsplit("/", 2)[1:] for u in uploaded] == [["data", "train-00000-of-00001.parquet"]]
    assert MemoryFileSystem().ls(stage.removeprefix("memory://")) == []  # removed at the end
    assert not list((tmp_path / "work-url").iterdir())


def test_a_staging_url_that_refuses_writes_stops_the_build_before_it_starts(
    tmp_path: Path,
) -> None:
    failing_memory("readonly", reads=False, error=PermissionError)
    root = corpus(tmp_path / "corpus")
    with pytest.raises(UsageError) as caught:
        build_release(
            [root], out_dir=tmp_path / "out", recipe=load_recipe(REPO / "recipe.toml"),
            engine=SerialEngine(), root=root, work_dir=tmp_path / "work",
            staging_url="readonly:///stage",
        )  # fmt: skip
    assert caught.value.code == "staging_unwritable"
    assert "readonly:///stage" in caught.value.message and "refused" in caught.value.message
    assert not list((tmp_path / "work").iterdir())  # the local staging folder is gone too
    assert not (tmp_path / "out").exists()


def test_the_cli_takes_a_staging_folder_or_url(tmp_path: Path) -> None:
    root = corpus(tmp_path / "corpus")
    unknown = CliRunner().invoke(
        app,
        ["build", "--source", str(root), "--out", str(tmp_path / "a"), "--staging", "nope://x"],
    )
    assert unknown.exit_code != 0 and "unsupported_url" in unknown.output
    folder = tmp_path / "my-staging"
    local = CliRunner().invoke(
        app,
        ["build", "--source", str(root), "--out", str(tmp_path / "b"), "--staging", str(folder)],
    )
    assert local.exit_code == 0, local.output
    assert folder.is_dir() and not list(folder.iterdir())  # staged there, then cleaned up
    stage = f"memory:///stage-{uuid.uuid4().hex}"  # (this process's memory: one engine)
    remote = CliRunner().invoke(
        app,
        ["build", "--source", str(root), "--out", str(tmp_path / "c"), "--staging", stage,
         "--engine", "serial"],
    )  # fmt: skip
    assert remote.exit_code == 0, remote.output
    (a,), (b,) = [list((tmp_path / x).glob("*/*")) for x in "bc"]
    assert release_bytes(a) == release_bytes(b)


class Elsewhere:
    """A Dask engine on a remote cluster whose machines do not share ``work_dir``: what this
    process writes there is not in the workers' folder of that name (emptied here before
    each task runs, as a worker on another machine would find it)."""

    name = "dask"
    scheduler = "tcp://cluster.example:8786"
    workers = 2

    def __init__(self, work_dir: Path) -> None:
        self.work_dir = work_dir

    def run_tasks(self, fn: Any, items: Any) -> list[Any]:
        results = []
        for item in items:
            for probe in self.work_dir.glob("*/.probe-*"):
                probe.unlink()
            results.append(fn(item))
        return results

    def map(self, fn: Any, batches: Any) -> Any:
        raise AssertionError("no batch may be sent to workers that cannot reach the staging")


def test_a_remote_cluster_that_cannot_see_the_staging_folder_is_refused_first(
    tmp_path: Path,
) -> None:
    root = corpus(tmp_path / "corpus")
    with pytest.raises(UsageError) as caught:
        build_release(
            [root], out_dir=tmp_path / "out", recipe=load_recipe(REPO / "recipe.toml"),
            engine=Elsewhere(tmp_path / "work"), root=root, work_dir=tmp_path / "work",
        )  # fmt: skip
    assert caught.value.code == "staging_not_shared"
    assert "tcp://cluster.example:8786" in caught.value.message
    assert str(tmp_path / "work") in caught.value.message and "--staging" in caught.value.message
    assert not (tmp_path / "out").exists()


def test_a_staging_url_that_worker_processes_cannot_reach_is_refused_first(
    tmp_path: Path,
) -> None:
    root = corpus(tmp_path / "corpus")
    stage = f"memory:///stage-{uuid.uuid4().hex}"  # this process's memory, not theirs
    with pytest.raises(UsageError) as caught:
        build_release(
            [root], out_dir=tmp_path / "out", recipe=load_recipe(REPO / "recipe.toml"),
            engine=ProcessEngine(2), root=root, work_dir=tmp_path / "work", staging_url=stage,
        )  # fmt: skip
    assert caught.value.code == "staging_not_shared"
    assert stage in caught.value.message and "the workers cannot read" in caught.value.message
    assert "FileNotFoundError" in caught.value.message  # what the workers ran into
    assert not (tmp_path / "out").exists()
