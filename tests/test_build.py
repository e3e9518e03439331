"""The streaming build: accounting, duplicates, determinism, immutability, changes, atomicity."""

from __future__ import annotations

import itertools
import json
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from broadsheet.build import run as build_module
from broadsheet.build import shards
from broadsheet.build.batching import batched
from broadsheet.build.dedup import RecordKey, find_duplicates, story_key
from broadsheet.build.engines import BatchFn, SerialEngine
from broadsheet.build.pipeline import BatchResult
from broadsheet.build.run import BuildResult, build_release
from broadsheet.card.stats import CardStats
from broadsheet.cli.main import app
from broadsheet.errors import UsageError
from broadsheet.records.model import make_id
from broadsheet.sources.items import SourceItem
from release_corpus import (
    NAKHALAH,
    NAKHALAH_TITLE,
    NAKHALAH_URL,
    NASRALLAH,
    NASRALLAH_TITLE,
    OTHER_OUTLET,
    REPO,
    PageSpec,
    build,
    make_recipe,
    release_bytes,
    retitled,
    seed,
    write_folder,
)

A = TypeVar("A")
R = TypeVar("R")
URL_ID = make_id(NAKHALAH_URL, "", "", None)


def quarantine_entries(release: Path) -> list[dict[str, object]]:
    lines = (release / "quarantine.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def rows(release: Path) -> list[dict[str, object]]:
    return [
        row
        for shard in sorted((release / "data").iterdir())
        for row in pq.read_table(shard).to_pylist()
    ]


@pytest.fixture
def mixed_corpus(tmp_path: Path) -> Path:
    """A capture and a later recapture of one URL, a URL-less copy, a good page, four failures."""
    root = tmp_path / "corpus"
    write_folder(
        root / "a", [PageSpec(NAKHALAH, seed(NAKHALAH), NAKHALAH_URL, "2025-09-20T08:00:00Z")]
    )
    write_folder(
        root / "b",
        [PageSpec("nakhalah-recapture.txt", seed(NAKHALAH), NAKHALAH_URL, "2025-09-25T08:00:00Z")],
    )
    write_folder(
        root / "c",
        [
            PageSpec("nakhalah-copy.txt", seed(NAKHALAH)),
            PageSpec(NASRALLAH, seed(NASRALLAH)),
            PageSpec("short-headline.txt", retitled(NASRALLAH, NASRALLAH_TITLE, "Gaza")),
            PageSpec("empty.txt", b""),
            PageSpec("harbour-gazette.txt", OTHER_OUTLET),
        ],
    )
    return root


def test_every_input_is_accepted_or_quarantined_with_its_reason(
    mixed_corpus: Path, tmp_path: Path
) -> None:
    result = build(["a", "b", "c", "c/missing.txt"], mixed_corpus, tmp_path / "out")
    release = result.release_dir

    assert result.status == "written"
    assert release == tmp_path / "out" / "test-news" / "1.0.0"
    assert result.inputs == 8
    assert result.accepted == 2
    assert result.quarantined == 6
    assert result.inputs == result.accepted + result.quarantined
    assert result.reasons == {
        "duplicate": 2,
        "empty": 1,
        "no_parser": 1,
        "title_length": 1,
        "unreadable": 1,
    }
    report = json.loads((release / "build-report.json").read_text(encoding="utf-8"))
    assert report["inputs"] == 8 and report["accepted"] == 2 and report["rows"] == 2
    assert report["quarantined"] == 6
    assert report["checks"]["title_length"] == 1
    assert report["checks"]["unique_id"] == 0 and report["checks"]["unique_url"] == 0
    assert report["check_settings"]["title_min_chars"] == 8

    outcomes = {s["source_file"]: s["outcome"] for s in report["sources"]}
    assert len(report["sources"]) == 8
    assert outcomes["b/nakhalah-recapture.txt"] == "accepted"
    assert outcomes[f"c/{NASRALLAH}"] == "accepted"
    assert outcomes[f"a/{NAKHALAH}"] == "duplicate"
    assert outcomes["c/nakhalah-copy.txt"] == "duplicate"
    assert outcomes["c/short-headline.txt"] == "title_length"
    assert outcomes["c/empty.txt"] == "empty"
    assert outcomes["c/harbour-gazette.txt"] == "no_parser"
    assert "unreadable" in outcomes.values()
    assert [s["source_file"] for s in report["sources"]] == sorted(outcomes)

    entries = quarantine_entries(release)
    assert len(entries) == 6
    assert [(e["source_file"], e["code"]) for e in entries] == sorted(
        (e["source_file"], e["code"]) for e in entries
    )
    by_file = {e["source_file"]: e for e in entries}
    assert by_file["c/short-headline.txt"]["stage"] == "check"
    assert by_file["c/empty.txt"]["stage"] == "parse"


def test_same_url_keeps_the_latest_capture(mixed_corpus: Path, tmp_path: Path) -> None:
    release = build(["a", "b", "c"], mixed_corpus, tmp_path / "out").release_dir

    kept = {row["id"]: row for row in rows(release)}
    assert kept[URL_ID]["source_file"] == "b/nakhalah-recapture.txt"
    assert str(kept[URL_ID]["captured_at"]) == "2025-09-25 08:00:00+00:00"
    dup = {e["source_file"]: e for e in quarantine_entries(release)}[f"a/{NAKHALAH}"]
    assert dup["code"] == "duplicate"
    assert dup["stage"] == "dedup"
    assert dup["duplicate_of"] == URL_ID
    assert dup["record"]["url"] == NAKHALAH_URL
    assert dup["record"]["captured_at"] == "2025-09-20T08:00:00Z"
    assert "b/nakhalah-recapture.txt" in dup["message"]


def test_same_publisher_title_and_time_without_url_is_a_duplicate(
    mixed_corpus: Path, tmp_path: Path
) -> None:
    release = build(["b", "c"], mixed_corpus, tmp_path / "out").release_dir

    dup = {e["source_file"]: e for e in quarantine_entries(release)}["c/nakhalah-copy.txt"]
    assert dup["code"] == "duplicate"
    assert dup["duplicate_of"] == URL_ID
    assert dup["record"]["url"] is None
    assert dup["record"]["title"] == NAKHALAH_TITLE
    assert "publisher, title and published time" in dup["message"]
    ids = [row["id"] for row in rows(release)]
    assert URL_ID in ids and dup["record"]["id"] not in ids


def test_two_urls_of_one_story_are_two_articles(tmp_path: Path) -> None:
    other = NAKHALAH_URL + "-2"
    root = write_folder(
        tmp_path / "corpus",
        [
            PageSpec("one.txt", seed(NAKHALAH), NAKHALAH_URL),
            PageSpec("two.txt", seed(NAKHALAH), other),
        ],
    )
    result = build(["."], root, tmp_path / "out")
    assert result.accepted == 2 and result.quarantined == 0


_REFS = itertools.count()


def key(
    source: str, *, id_: str = "a" * 16, url: str | None = "https://x.test/a", **kw: object
) -> RecordKey:
    values: dict[str, object] = {
        "id": id_,
        "url": url,
        "story": story_key("Example Times", "Harbour reopens after storm", 1_700_000_000_000_000),
        "published_at": 1_700_000_000_000_000,
        "captured_at": None,
        "captured_after": None,
        "source_file": source,
        "source_sha256": "0" * 64,
        "parser": "example@1.0",
        "language": "en",
        "nbytes": 100,
        "ref": next(_REFS),
    }
    values.update(kw)
    return RecordKey(**values)  # type: ignore[arg-type]


def test_duplicate_rule_capture_time_then_bound_then_source_file() -> None:
    newest = key("z.txt", captured_at=2_000, captured_after=1)
    older = key("a.txt", captured_at=1_000, captured_after=9)
    unknown = key("0.txt")
    dropped = {
        d.dropped.source_file: d.kept.source_file for d in find_duplicates([unknown, older, newest])
    }
    assert dropped == {"0.txt": "z.txt", "a.txt": "z.txt"}

    later_bound = key("y.txt", captured_after=20_000)
    earlier_bound = key("b.txt", captured_after=19_000)
    assert [d.dropped.source_file for d in find_duplicates([earlier_bound, later_bound])] == [
        "b.txt"
    ]

    tie_b, tie_a = key("b.txt"), key("a.txt")
    assert [d.dropped.source_file for d in find_duplicates([tie_b, tie_a])] == ["b.txt"]


def test_url_less_copies_point_at_the_record_that_is_finally_kept() -> None:
    with_url = key("site.txt", id_="1" * 16, captured_at=5)
    copy_a = key("copy-a.txt", id_="2" * 16, url=None, captured_at=9)
    copy_b = key("copy-b.txt", id_="2" * 16, url=None, captured_at=1)
    found = {d.dropped.source_file: d.kept.id for d in find_duplicates([with_url, copy_a, copy_b])}
    assert found == {"copy-a.txt": "1" * 16, "copy-b.txt": "1" * 16}


class ReversedEngine:
    """Returns the batch results in reverse order: the build must not care."""

    name = "reversed"

    def map(self, fn: BatchFn, batches: Iterable[list[SourceItem]]) -> Iterator[BatchResult]:
        yield from reversed([fn(batch) for batch in batches])


def variants_corpus(root: Path) -> Path:
    headlines = [
        "Ziyad al-Nakhalah: Resistance sets terms for the next exchange",
        "Islamic Jihad leader says truce marks a failure of the occupation",
        "Al-Nakhalah: all prisoners must be freed in any future deal",
        "PIJ chief comments on the temporary truce in Gaza",
    ]
    pages = [
        PageSpec(
            f"variant-{i}.txt",
            retitled(NAKHALAH, NAKHALAH_TITLE, title),
            f"https://english.almayadeen.net/news/politics/variant-{i}",
            f"2025-09-2{i}T10:00:00Z",
        )
        for i, title in enumerate(headlines)
    ]
    pages += [
        PageSpec(NAKHALAH, seed(NAKHALAH), NAKHALAH_URL),
        PageSpec("recapture.txt", seed(NAKHALAH), NAKHALAH_URL, "2025-10-01T00:00:00Z"),
        PageSpec(NASRALLAH, seed(NASRALLAH)),
        PageSpec("empty.txt", b"   \n"),
    ]
    return write_folder(root, pages)


def test_rebuilds_are_byte_identical_across_batch_sizes_and_result_order(tmp_path: Path) -> None:
    root = variants_corpus(tmp_path / "corpus")
    recipe = make_recipe(shard_max_bytes=20_000, row_group_rows=2)
    first = build(["."], root, tmp_path / "one", recipe, batch_size=1)
    second = build_release(
        [root],
        out_dir=tmp_path / "two",
        recipe=recipe,
        engine=ReversedEngine(),
        batch_size=3,
        root=root,
        work_dir=tmp_path / "work",
    )
    one, two = release_bytes(first.release_dir), release_bytes(second.release_dir)
    assert len([n for n in one if n.startswith("data/")]) > 1  # several shards
    assert one.keys() == two.keys()
    for name in one:
        assert one[name] == two[name], f"{name} differs between the builds"
    assert first.accepted == 6 and first.reasons == {"duplicate": 1, "empty": 1}


class TaskRecorder(SerialEngine):
    """The serial engine with "workers" that run tasks in this process; it notes each task
    (its kind and how many rows it reads) and the order of events."""

    def __init__(self, events: list[str]) -> None:
        self.tasks: list[tuple[str, int]] = []
        self.events = events
        self.depth = 0

    def __enter__(self) -> TaskRecorder:
        self.depth += 1
        return self

    def __exit__(self, *exc: object) -> None:
        self.depth -= 1
        if self.depth == 0:
            self.events.append("workers let go")

    def run_tasks(self, fn: Callable[[A], R], items: Iterable[A]) -> list[R]:
        tasks = list(items)
        for task in tasks:
            if isinstance(task, shards.ShardTask):
                self.tasks.append(("shard", sum(len(rows) for rows in task.groups)))
            elif isinstance(task, shards.TextTask):
                self.tasks.append((type(task).__name__, len(task.rows)))
        self.events.append("tasks")
        return [fn(t) for t in tasks]


def test_shards_card_and_text_sample_are_tasks_for_the_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With an engine that has workers, the shards (each folding the card statistics of its
    row groups) and the text sample (in slices that never cross a row group) are tasks that
    read their rows from the spill themselves, run before the workers are let go; the
    release is the same as when the build runs the same tasks itself."""
    root = variants_corpus(tmp_path / "corpus")
    recipe = make_recipe(row_group_rows=4)
    monkeypatch.setattr(shards, "TEXT_SLICE", 3)
    events: list[str] = []
    engine = TaskRecorder(events)
    sliced = build_release(
        [root], out_dir=tmp_path / "a", recipe=recipe, engine=engine, root=root,
        work_dir=tmp_path / "work",
    )  # fmt: skip
    assert sliced.accepted == 6  # 6 rows: one shard, row groups of rows 0-3 and 4-5
    assert engine.tasks == [
        ("shard", 6),
        ("TextTask", 3),  # rows 0-2 and 3 of the first row group, 4-5 of the next
        ("TextTask", 1),
        ("TextTask", 2),
    ]
    assert events == ["tasks", "workers let go"]
    whole = build_release(
        [root], out_dir=tmp_path / "b", recipe=recipe, engine=ReversedEngine(), root=root,
        work_dir=tmp_path / "work",
    )  # fmt: skip
    assert release_bytes(sliced.release_dir) == release_bytes(whole.release_dir)


def test_a_shard_task_encodes_a_row_group_while_it_folds_its_statistics(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parquet encoding (Arrow, outside the interpreter lock) runs on a thread of the shard
    task while the task folds the same rows' card statistics: each write waits until the
    fold of its row group has started, which never happens if the two run one after the
    other. The release is the same as the rows written and folded in turn."""
    root = variants_corpus(tmp_path / "corpus")
    recipe = make_recipe(row_group_rows=4)  # two row groups
    reference = build_release(
        [root], out_dir=tmp_path / "a", recipe=recipe, root=root, work_dir=tmp_path / "work"
    )
    folding = threading.Event()
    seen: list[tuple[str, str, bool]] = []
    write, fold = shards.ShardWriter.write, shards.fold_rows

    def slow_write(self: shards.ShardWriter, table: pa.Table) -> pa.Table:
        overlapped = folding.wait(timeout=5)
        seen.append(("write", threading.current_thread().name, overlapped))
        folding.clear()
        return write(self, table)

    def watched_fold(template: CardStats, table: pa.Table) -> CardStats:
        seen.append(("fold", threading.current_thread().name, True))
        folding.set()
        return fold(template, table)

    monkeypatch.setattr(shards.ShardWriter, "write", slow_write)
    monkeypatch.setattr(shards, "fold_rows", watched_fold)
    overlapped = build_release(
        [root], out_dir=tmp_path / "b", recipe=recipe, root=root, work_dir=tmp_path / "work"
    )
    writes = [(thread, ok) for what, thread, ok in seen if what == "write"]
    folds = [thread for what, thread, _ in seen if what == "fold"]
    assert len(writes) == len(folds) == 2
    assert all(ok for _, ok in writes), "a row group was written before its fold started"
    assert all(thread.startswith("shard-write") for thread, _ in writes)
    assert not any(thread.startswith("shard-write") for thread in folds)
    assert release_bytes(overlapped.release_dir) == release_bytes(reference.release_dir)


def test_a_failed_shard_write_stops_the_build_without_a_release(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error while a shard is written on the shard task's thread reaches the build, which
    publishes nothing."""
    root = variants_corpus(tmp_path / "corpus")
    recipe = make_recipe(row_group_rows=4)

    def full_disk(self: shards.ShardWriter, table: pa.Table) -> pa.Table:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(shards.ShardWriter, "write", full_disk)
    with pytest.raises(OSError, match="No space left"):
        build_release(
            [root], out_dir=tmp_path / "out", recipe=recipe, root=root, work_dir=tmp_path / "w"
        )
    release = tmp_path / "out" / recipe.dataset.name / recipe.dataset.version
    assert not release.exists()
    assert not any(tmp_path.rglob("*.parquet"))  # nor a shard left in the staging


def test_the_build_logs_the_time_of_each_phase(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = variants_corpus(tmp_path / "corpus")
    with caplog.at_level("DEBUG", logger="broadsheet.build.run"):
        build(["."], root, tmp_path / "out")
    laps = [(r.phase, r.seconds) for r in caplog.records if hasattr(r, "phase")]
    phases = ["ingest", "dedup", "corpus", "shards", "report", "publish"]
    assert [phase for phase, _ in laps] == phases
    assert all(seconds >= 0 for _, seconds in laps)
    assert "ingest took" in caplog.text


def test_existing_release_same_content_is_a_no_op(tmp_path: Path) -> None:
    root = variants_corpus(tmp_path / "corpus")
    first = build(["."], root, tmp_path / "out")
    before = release_bytes(first.release_dir)
    again = build(["."], root, tmp_path / "out")
    assert again.status == "unchanged"
    assert again.fingerprint == first.fingerprint
    assert release_bytes(again.release_dir) == before


def test_existing_release_with_other_content_is_refused(tmp_path: Path) -> None:
    root = variants_corpus(tmp_path / "corpus")
    first = build(["."], root, tmp_path / "out")
    before = release_bytes(first.release_dir)
    (root / "variant-0.txt").unlink()
    with pytest.raises(UsageError) as caught:
        build(["."], root, tmp_path / "out")
    error = caught.value
    assert error.code == "release_exists"
    assert "1.0.0" in error.message and "bump the version" in error.message
    assert first.fingerprint in error.message
    assert release_bytes(first.release_dir) == before
    assert not list((tmp_path / "work").iterdir())  # staging cleaned up


def test_cli_refuses_to_overwrite_with_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    variants_corpus(tmp_path / "corpus")
    monkeypatch.chdir(tmp_path)
    args = ["build", "--source", "corpus", "--out", "out", "--name", "cli-news"]
    args += ["--version", "2.0.0", "--workers", "1", "--no-progress"]
    runner = CliRunner()
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "release written to out/cli-news/2.0.0" in first.output
    assert "inputs: 8 = accepted 6 + quarantined 2" in first.output

    same = runner.invoke(app, args)
    assert same.exit_code == 0
    assert "unchanged" in same.output

    (tmp_path / "corpus" / "variant-1.txt").unlink()
    refused = runner.invoke(app, args)
    assert refused.exit_code == 2
    assert "release_exists" in refused.output and "bump the version" in refused.output
    report = json.loads((tmp_path / "out/cli-news/2.0.0/build-report.json").read_text())
    assert report["command"] == "broadsheet build --source corpus --name cli-news --version 2.0.0"


def test_cli_rejects_a_bad_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    variants_corpus(tmp_path / "corpus")
    monkeypatch.chdir(tmp_path)
    args = ["build", "--source", "corpus", "--name", "n", "--version", "1.0", "--workers", "1"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "1.0" in result.output and "X.Y.Z" in result.output


def test_changes_against_the_previous_version(tmp_path: Path) -> None:
    url = "https://english.almayadeen.net/news/politics/"
    root = tmp_path / "corpus"
    write_folder(
        root / "v1",
        [
            PageSpec("gone.txt", seed(NAKHALAH), url + "gone"),
            PageSpec("kept.txt", seed(NAKHALAH), url + "kept", "2025-09-20T00:00:00Z"),
            PageSpec("same.txt", seed(NAKHALAH), url + "same"),
        ],
    )
    write_folder(
        root / "v2",
        [
            PageSpec("kept.txt", seed(NAKHALAH), url + "kept", "2025-09-21T00:00:00Z"),
            PageSpec("same.txt", seed(NAKHALAH), url + "same"),
            PageSpec("new.txt", seed(NAKHALAH), url + "new"),
        ],
    )
    out = tmp_path / "out"
    # Each version's files sit at the root, so unchanged pages give identical records.
    build(["."], root / "v1", out, make_recipe(version="1.0.0"))
    build(["."], root / "v2", out, make_recipe(version="3.0.0"))  # later: not "previous"
    result = build(["."], root / "v2", out, make_recipe(version="1.1.0"))
    assert result.changes == {
        "previous": "1.0.0",
        "added": [make_id(url + "new", "", "", None)],
        "removed": [make_id(url + "gone", "", "", None)],
        "changed": [make_id(url + "kept", "", "", None)],
        "fields": {"captured_at": 1},  # kept.txt: captured a day later
    }
    report = json.loads((result.release_dir / "build-report.json").read_text(encoding="utf-8"))
    assert report["changes"] == result.changes
    first = json.loads((out / "test-news/1.0.0/build-report.json").read_text(encoding="utf-8"))
    assert first["changes"]["previous"] is None


def test_a_failure_mid_build_leaves_no_release(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = variants_corpus(tmp_path / "corpus")

    def broken(*args: object, **kwargs: object) -> dict[str, object]:
        raise OSError("disk full")

    monkeypatch.setattr(build_module, "croissant_metadata", broken)
    with pytest.raises(OSError, match="disk full"):
        build(["."], root, tmp_path / "out")
    assert not (tmp_path / "out" / "test-news" / "1.0.0").exists()
    assert not list((tmp_path / "work").iterdir())


def test_batches_are_read_lazily() -> None:
    consumed: list[int] = []

    def numbers() -> Iterator[int]:
        for n in range(10):
            consumed.append(n)
            yield n

    stream = batched(numbers(), 4)
    assert next(stream) == [0, 1, 2, 3]
    assert consumed == [0, 1, 2, 3]
    assert list(stream) == [[4, 5, 6, 7], [8, 9]]


def test_default_build_writes_dist_and_the_dataset_card(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(REPO / "recipe.toml", project / "recipe.toml")
    shutil.copytree(REPO / "seeds", project / "seeds")
    monkeypatch.chdir(project)
    runner = CliRunner()
    result = runner.invoke(app, ["build", "--workers", "1", "--no-progress"])
    assert result.exit_code == 0, result.output

    releases = list((project / "dist").glob("*/*"))
    assert len(releases) == 1
    release = releases[0]
    report = json.loads((release / "build-report.json").read_text(encoding="utf-8"))
    assert release.parent.name == report["dataset"]["name"]
    assert release.name == report["dataset"]["version"]
    assert report["command"] == "broadsheet build"
    assert {s["source_file"] for s in report["sources"]} == {
        f"seeds/{NAKHALAH}",
        f"seeds/{NASRALLAH}",
    }
    assert report["inputs"] == report["accepted"] + report["quarantined"] == 2
    card = (project / "DATASET_CARD.md").read_text(encoding="utf-8")
    assert card == (release / "README.md").read_text(encoding="utf-8")
    assert f"Content fingerprint: `{report['fingerprint']}`" in card
    assert not list((project / "build").iterdir())

    again = runner.invoke(app, ["build", "--workers", "1", "--no-progress"])
    assert again.exit_code == 0
    assert "unchanged" in again.output


def test_summary_counts_reasons(mixed_corpus: Path, tmp_path: Path) -> None:
    result: BuildResult = build(["c"], mixed_corpus, tmp_path / "out")
    lines = build_module.summary(result)
    assert lines[0] == "inputs: 5 = accepted 2 + quarantined 3"
    assert any(line.startswith("  empty: 1") for line in lines)
    assert lines[-2] == f"release written to {result.release_dir}"


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [("--engine", "threads", "unknown engine 'threads'"), ("--batch-size", "0", "batch size")],
)
def test_cli_rejects_bad_options(
    option: str, value: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    variants_corpus(tmp_path / "corpus")
    monkeypatch.chdir(tmp_path)
    args = ["build", "--source", "corpus", "--name", "n", "--version", "1.0.0"]
    result = CliRunner().invoke(app, [*args, "--workers", "1", option, value])
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "dist").exists()
