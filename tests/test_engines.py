"""Engines give the same outcomes as the serial reference, stream with a bounded window,
survive pages that kill or break their worker, and report progress."""

from __future__ import annotations

import io
import os
import shutil
import sys
import time
from collections import Counter
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from broadsheet.build.daskengine import LOCAL_CLUSTER_CONFIG
from broadsheet.build.engines import (
    WORKER_FAILED,
    DaskEngine,
    Engine,
    ProcessEngine,
    SerialEngine,
    make_engine,
)
from broadsheet.build.interpreter import (
    POOL_BACKEND,
    SWITCH_INTERVAL,
    YOUNG_OBJECTS,
    collect_less_often,
    use_build_pool,
)
from broadsheet.build.pipeline import BatchResult, process_batch, process_page
from broadsheet.build.progress import LogProgress, NullProgress, RichProgress, track
from broadsheet.errors import REASONS, UsageError
from broadsheet.recipe import CheckSettings
from broadsheet.records.model import Article
from broadsheet.release.fingerprint import record_digests_of
from broadsheet.sources.items import BatchItem, Page, Skipped, SourceFailure, SourceItem

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
CRASH = b"CRASH-THIS-WORKER"
RAISE = b"RAISE-IN-THIS-WORKER"

# Batch functions used by the tests. They live at module level so that spawned worker
# processes can import them by name.


def crash_on_marked(items: list[SourceItem]) -> BatchResult:
    """process_batch, except that a page starting with CRASH kills the worker process."""
    if any(isinstance(i, Page) and i.data.startswith(CRASH) for i in items):
        os._exit(3)
    return process_batch(items, CheckSettings())


def raise_on_marked(items: list[SourceItem]) -> BatchResult:
    """process_batch, except that a page starting with RAISE makes the whole batch raise."""
    if any(isinstance(i, Page) and i.data.startswith(RAISE) for i in items):
        raise RuntimeError("checker blew up on a marked page")
    return process_batch(items, CheckSettings())


def slow_batch(items: list[SourceItem]) -> BatchResult:
    time.sleep(0.05)
    return process_batch(items, CheckSettings())


# Inputs


@pytest.fixture(scope="module")
def pages_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pages")
    for seed in sorted(SEEDS.glob("*.txt")):
        shutil.copy(seed, folder / seed.name)
    (folder / "empty.txt").write_bytes(b"  \n\n")
    (folder / "photo.jpg.txt").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(300))
    return folder


def read_pages(folder: Path) -> list[Page]:
    return [Page(p.name, p.read_bytes()) for p in sorted(folder.iterdir())]


def mixed_batches(folder: Path, copies: int = 3) -> list[list[SourceItem]]:
    """Seed pages (several copies under other names), an empty page, a binary page,
    an unreadable input and a skipped container record, in batches of two."""
    items: list[SourceItem] = []
    for k in range(copies):
        for page in read_pages(folder):
            items.append(Page(f"copy{k}/{page.source_file}", page.data))
    items.append(SourceFailure("archive.warc.gz", "corrupt_archive", "gzip stream ends early"))
    items.append(Skipped("archive.warc.gz#120", "warc_request"))
    return [items[i : i + 2] for i in range(0, len(items), 2)]


def outcomes(results: list[BatchResult]) -> dict[str, Any]:
    """Everything a build keeps from the results, independent of their order."""
    rows = [row for r in results for row in r.table.to_pylist()]
    for r in results:  # each row's content digest travels with it, whichever the engine
        assert r.digests == record_digests_of(r.table)
    skipped: Counter[str] = Counter()
    for r in results:
        skipped.update(r.skipped)
    return {
        "inputs": sum(r.inputs for r in results),
        "rows": sorted(rows, key=lambda row: (row["id"], row["source_file"])),
        "quarantined": sorted(
            (q.source_file, q.code, q.stage, q.message) for r in results for q in r.quarantined
        ),
        "skipped": dict(skipped),
    }


def run(engine: Engine, fn: Any, batches: list[list[SourceItem]]) -> dict[str, Any]:
    return outcomes(list(engine.map(fn, batches)))


SETTINGS = CheckSettings()
BATCH_FN = partial(process_batch, settings=SETTINGS)


def test_serial_reference_accounts_for_every_input(pages_dir: Path) -> None:
    batches = mixed_batches(pages_dir)
    got = run(SerialEngine(), BATCH_FN, batches)
    assert got["inputs"] == sum(len(b) for b in batches) == 14
    codes = Counter(code for _f, code, _s, _m in got["quarantined"])
    assert codes["empty"] == 3 and codes["binary"] == 3 and codes["corrupt_archive"] == 1
    assert got["skipped"] == {"warc_request": 1}
    assert len(got["rows"]) == 6  # three copies of each seed article
    assert len(got["rows"]) + len(got["quarantined"]) + 1 == 14


def test_batch_digests_belong_to_the_rows_that_pass_the_checks(pages_dir: Path) -> None:
    seeds = [p for p in read_pages(pages_dir) if p.source_file[:3].isdigit()]
    parsed = [process_page(p) for p in seeds]
    assert len(seeds) == 2 and all(isinstance(r, Article) for r in parsed)
    shorter, longer = sorted(parsed, key=lambda r: r.word_count if isinstance(r, Article) else 0)
    assert isinstance(shorter, Article) and isinstance(longer, Article)
    by_file = {p.source_file: p for p in seeds}
    batch: list[SourceItem] = [by_file[shorter.source_file], by_file[longer.source_file]]
    result = process_batch(batch, CheckSettings(text_min_words=shorter.word_count + 1))
    assert [q.code for q in result.quarantined] == ["text_word_count"]
    assert result.table.column("id").to_pylist() == [longer.id]
    assert result.digests == record_digests_of(result.table)
    assert len(result.digests) == 1 and len(result.digests[0]) == 32


@pytest.mark.parametrize("start_method", [None, "spawn"])  # default: a fork server
def test_process_engine_matches_serial(pages_dir: Path, start_method: str | None) -> None:
    batches = mixed_batches(pages_dir)
    expected = run(SerialEngine(), BATCH_FN, batches)
    assert run(ProcessEngine(2, start_method=start_method), BATCH_FN, batches) == expected


def worker_pid(items: list[SourceItem]) -> BatchResult:
    """A batch result that says which process made it (in its skip counts)."""
    return BatchResult(
        table=process_batch([], CheckSettings()).table,
        inputs=len(items),
        skipped=Counter({str(os.getpid()): len(items)}),
    )


def test_started_workers_are_the_ones_that_map_uses() -> None:
    engine = ProcessEngine(2, initializer=None)
    engine.start()
    assert engine._starting is not None  # launching on a thread while the caller goes on
    started = engine._take()
    assert started is not None and engine._starting is None
    pids = set(started._processes)  # launched by start(), before any batch
    assert len(pids) == 2
    results = list(engine.map(worker_pid, [[Skipped("x", "r")] for _ in range(6)]))
    used = {int(pid) for r in results for pid in r.skipped}
    assert used and used <= pids
    assert engine._started is None  # map took the pool over and shut it down
    later = list(engine.map(worker_pid, [[Skipped("x", "r")]]))  # a fresh pool
    assert {int(pid) for r in later for pid in r.skipped}.isdisjoint(pids)


def pid_of(_item: object) -> int:
    return os.getpid()


def test_workers_are_kept_between_calls_inside_a_with_block() -> None:
    batches = [[Skipped("x", "r")] for _ in range(4)]
    with ProcessEngine(2, initializer=None) as engine:
        first = {int(p) for r in engine.map(worker_pid, batches) for p in r.skipped}
        tasks = engine.run_tasks(pid_of, range(8))
        second = {int(p) for r in engine.map(worker_pid, batches) for p in r.skipped}
        assert set(tasks) | first | second <= set(engine._started._processes)  # type: ignore[union-attr]
        assert engine.run_tasks(abs, [-3, 1, -2]) == [3, 1, 2]  # in input order
        with pytest.raises(ValueError, match="invalid literal"):
            engine.run_tasks(int, ["7", "seven"])
        assert engine.run_tasks(str.upper, ["a"]) == ["A"]  # a failed call costs its pool only
    assert engine._started is None  # the outermost block stopped the workers


def test_process_engine_reads_input_only_as_fast_as_workers_take_it(pages_dir: Path) -> None:
    pages = read_pages(pages_dir)
    consumed = 0

    def batches() -> Iterator[list[SourceItem]]:
        nonlocal consumed
        for k in range(16):
            consumed += 1
            yield [Page(f"b{k}/{pages[0].source_file}", pages[0].data)]

    engine = ProcessEngine(2, window=3, initializer=None)
    seen: list[int] = []
    for _result in engine.map(slow_batch, batches()):
        seen.append(consumed)
    assert len(seen) == 16
    # When the k-th result arrives, at most `window` batches beyond the k-1 already
    # returned have been taken from the input.
    assert all(c <= k + 3 for k, c in enumerate(seen)), seen
    assert seen[0] <= 3


def test_a_page_that_kills_its_worker_is_quarantined_and_the_rest_completes(
    pages_dir: Path,
) -> None:
    batches = mixed_batches(pages_dir, copies=1)
    killer = Page("bad/killer.txt", CRASH + b" a page that takes its worker down")
    batches[1] = [batches[1][0], killer, batches[1][1]]
    got = run(ProcessEngine(2, window=2, initializer=None), crash_on_marked, batches)

    failed = [q for q in got["quarantined"] if q[1] == WORKER_FAILED]
    assert [q[0] for q in failed] == ["bad/killer.txt"]
    assert "worker process died" in failed[0][3] and "run alone" in failed[0][3]
    assert failed[0][2] == "parse"
    # Everything else, including the killer's batch mates, has its normal outcome.
    without = [[i for i in b if i is not killer] for b in batches]
    expected = run(SerialEngine(), BATCH_FN, without)
    got["quarantined"] = [q for q in got["quarantined"] if q[1] != WORKER_FAILED]
    got["inputs"] -= 1
    assert got == expected


def test_a_batch_that_raises_is_rerun_page_by_page(pages_dir: Path) -> None:
    batches = mixed_batches(pages_dir, copies=1)
    poison = Page("bad/poison.txt", RAISE + b" a page the checks cannot digest")
    batches[0] = [*batches[0], poison]
    got = run(ProcessEngine(2, initializer=None), raise_on_marked, batches)
    failed = [q for q in got["quarantined"] if q[1] == WORKER_FAILED]
    assert len(failed) == 1 and failed[0][0] == "bad/poison.txt"
    assert "RuntimeError" in failed[0][3] and "checker blew up on a marked page" in failed[0][3]
    # The poison's batch mates were run again one by one and kept their normal outcome.
    without = [[i for i in b if i is not poison] for b in batches]
    expected = run(SerialEngine(), BATCH_FN, without)
    got["quarantined"] = [q for q in got["quarantined"] if q[1] != WORKER_FAILED]
    got["inputs"] -= 1
    assert got == expected


@pytest.fixture(scope="module")
def dask_engine() -> Iterator[DaskEngine]:
    """One local cluster (2 worker processes) shared by the Dask tests: it takes seconds."""
    with DaskEngine(None, 2) as engine:
        yield engine


def test_dask_local_cluster_matches_serial_and_isolates_failures(
    pages_dir: Path, dask_engine: DaskEngine
) -> None:
    batches = mixed_batches(pages_dir)
    expected = run(SerialEngine(), BATCH_FN, batches)
    assert run(dask_engine, BATCH_FN, batches) == expected

    poison = Page("bad/poison.txt", RAISE + b" a page the checks cannot digest")
    with_poison = [*batches[:2], [poison, *batches[2]], *batches[3:]]
    got = run(dask_engine, raise_on_marked, with_poison)
    failed = [q for q in got["quarantined"] if q[1] == WORKER_FAILED]
    assert [q[0] for q in failed] == ["bad/poison.txt"]
    assert "RuntimeError" in failed[0][3] and "checker blew up" in failed[0][3]
    got["quarantined"] = [q for q in got["quarantined"] if q[1] != WORKER_FAILED]
    got["inputs"] -= 1
    assert got == expected


HEADLINES = (  # as printed on the seed pages
    "Ziyad al-Nakhalah: Israeli captives for all Palestinian prisoners",
    "Sayyed Nasrallah meets Hamas leaders, discuss ongoing collaboration",
)


def test_dask_runs_tasks_in_order_and_raises_their_errors(dask_engine: DaskEngine) -> None:
    assert dask_engine.run_tasks(abs, list(range(-5, 5))) == [5, 4, 3, 2, 1, 0, 1, 2, 3, 4]
    with pytest.raises(ValueError, match="invalid literal"):
        dask_engine.run_tasks(int, ["seven"])
    with dask_engine:  # nested in the fixture's block: leaving it keeps the client
        pass
    assert dask_engine.run_tasks(len, ["ab"]) == [2]


def _worker_settings(key: str) -> object:
    import dask

    return dask.config.get(key)


def test_a_local_cluster_runs_its_workers_with_the_quiet_settings(
    dask_engine: DaskEngine,
) -> None:
    # The settings reach the worker processes, where the pages are parsed.
    keys = sorted(LOCAL_CLUSTER_CONFIG)
    assert dask_engine.run_tasks(_worker_settings, keys) == [LOCAL_CLUSTER_CONFIG[k] for k in keys]


def _nap(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def test_a_local_cluster_queues_no_task_behind_a_long_one(dask_engine: DaskEngine) -> None:
    # One task at a time per worker: the short tasks all go to the worker that is free,
    # none waits behind the long one (the shard task) while the other worker runs dry
    pids = dask_engine.run_tasks(_nap, [1.0] + [0.05] * 6)
    assert len(set(pids)) == 2
    assert pids[0] not in pids[1:]


def test_an_unreachable_scheduler_is_a_usage_error() -> None:
    engine = DaskEngine("tcp://127.0.0.1:9", 2, connect_timeout=1.0)  # the discard port
    with pytest.raises(UsageError) as err:
        list(engine.map(BATCH_FN, [[Skipped("a.warc#0", "warc_request")]]))
    assert err.value.code == "no_scheduler"
    assert "tcp://127.0.0.1:9" in err.value.message


def test_a_scheduler_connected_to_while_batches_are_listed_reports_its_failure() -> None:
    # entering the engine starts connecting on a thread; what that raised comes out where
    # the first batches are sent, and leaving the block still closes cleanly
    listed: list[int] = []

    def batches() -> Iterator[list[BatchItem]]:
        for n in range(3):
            listed.append(n)
            yield [Skipped(f"a.warc#{n}", "warc_request")]

    engine = DaskEngine("tcp://127.0.0.1:9", 2, connect_timeout=1.0)
    with pytest.raises(UsageError) as err, engine:
        list(engine.map(BATCH_FN, batches()))
    assert err.value.code == "no_scheduler"
    assert listed == [0, 1, 2]  # listed while connecting, before the failure was known


def release_files(release: Path) -> dict[str, bytes]:
    return {
        p.relative_to(release).as_posix(): p.read_bytes()
        for p in sorted(release.rglob("*"))
        if p.is_file()
    }


def test_release_bytes_do_not_depend_on_the_engine_or_batch_size(
    tmp_path: Path, dask_engine: DaskEngine
) -> None:
    # Imported here: worker processes import this module, and need none of the build.
    from broadsheet.build.run import build_release
    from broadsheet.recipe import load_recipe

    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus / "seeds")
    for k in range(3):  # the same articles again under other names: duplicates to settle
        for seed in sorted(SEEDS.glob("*.txt")):
            shutil.copy(seed, corpus / f"again-{k}-{seed.name}")
    for k in range(12):  # follow-ups under new headlines: distinct records across batches
        for seed in sorted(SEEDS.glob("*.txt")):
            text = seed.read_text(encoding="utf-8")
            for title in HEADLINES:
                text = text.replace(f"\n{title}\n", f"\n{title}, update {k + 1}\n")
            (corpus / f"update-{k:02d}-{seed.name}").write_text(text, encoding="utf-8")
    (corpus / "blank.txt").write_bytes(b"\n\n")
    (corpus / "scan.pdf.txt").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4)
    recipe = load_recipe(REPO / "recipe.toml")
    runs = [
        ("serial", SerialEngine(), 5),
        ("processes", ProcessEngine(2), 1),
        ("dask", dask_engine, 3),
    ]
    releases = {}
    for name, engine, batch_size in runs:
        result = build_release(
            [corpus],
            out_dir=tmp_path / name / "dist",
            recipe=recipe,
            engine=engine,
            batch_size=batch_size,
            root=corpus,
            work_dir=tmp_path / name / "build",
        )
        assert result.inputs == 34 and result.accepted == 26
        assert result.reasons == {"duplicate": 6, "empty": 1, "binary": 1}
        releases[name] = release_files(result.release_dir)
    assert "SHA256SUMS" in releases["serial"] and "quarantine.jsonl" in releases["serial"]
    assert any(name.startswith("data/train-") for name in releases["serial"])
    assert releases["processes"] == releases["serial"]
    assert releases["dask"] == releases["serial"]


def test_worker_failed_is_a_documented_reason() -> None:
    assert WORKER_FAILED in REASONS


def test_make_engine_picks_by_name_and_worker_count() -> None:
    assert isinstance(make_engine("auto", workers=1), SerialEngine)
    auto = make_engine("auto", workers=2)
    assert isinstance(auto, ProcessEngine) and auto.workers == 2 and auto.window == 4
    assert isinstance(make_engine("serial", workers=4), SerialEngine)
    dask = make_engine("dask", workers=2, scheduler="tcp://10.0.0.5:8786")
    assert isinstance(dask, DaskEngine) and dask.scheduler == "tcp://10.0.0.5:8786"
    assert isinstance(make_engine("auto", scheduler="tcp://10.0.0.5:8786"), DaskEngine)
    default = make_engine("processes")
    assert isinstance(default, ProcessEngine) and default.workers == (os.cpu_count() or 1)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"name": "threads"}, "unknown engine 'threads'"),
        ({"name": "processes", "workers": 0}, "workers must be at least 1, got 0"),
        ({"name": "serial", "scheduler": "tcp://h:8786"}, "needs the dask engine"),
    ],
)
def test_make_engine_refuses_bad_choices(kwargs: dict[str, Any], fragment: str) -> None:
    with pytest.raises(UsageError) as err:
        make_engine(**kwargs)
    assert err.value.code == "bad_usage" and fragment in err.value.message


# Progress


def results_of(pages_dir: Path) -> list[BatchResult]:
    return list(SerialEngine().map(BATCH_FN, mixed_batches(pages_dir)))


def test_progress_prints_plain_lines_when_not_a_terminal(
    pages_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    stream = io.StringIO()  # not a TTY
    results = results_of(pages_dir)
    # 14 inputs, one of them a skipped WARC request record: 13 pages, as the report counts
    with track(13, True, stream=stream, every_pages=4, every_seconds=3600) as progress:
        assert isinstance(progress, LogProgress)
        for result in results:
            progress.advance(result)
    lines = stream.getvalue().splitlines()
    assert "\x1b[" not in stream.getvalue()
    assert [line.split(":")[0] for line in lines] == ["progress"] * 3 + ["done"]
    assert lines[0].startswith("progress: 4/13 pages (31%)")
    expected = outcomes(results)
    last = lines[-1]
    assert last.startswith("done: 13/13 pages (100%)")
    assert f"parsed {len(expected['rows'])}," in last
    assert f"quarantined {len(expected['quarantined'])}," in last
    assert "skipped 1;" in last and "pages/s" in last


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_plain_under_ci_even_on_a_terminal(
    pages_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    stream = FakeTerminal()
    with track(None, True, stream=stream, every_pages=1000, every_seconds=3600) as progress:
        progress.advance(results_of(pages_dir)[0])
    assert stream.getvalue().startswith("done: 2 pages, ")


def test_progress_draws_a_bar_on_a_terminal(
    pages_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    stream = FakeTerminal()
    with track(13, True, stream=stream) as progress:
        assert isinstance(progress, RichProgress)
        for result in results_of(pages_dir):
            progress.advance(result)
    shown = stream.getvalue()
    assert "13/13" in shown and "pages/s" in shown and "quarantined" in shown


def test_progress_disabled_shows_nothing_but_counts(pages_dir: Path) -> None:
    stream = io.StringIO()
    with track(14, False, stream=stream) as progress:
        assert isinstance(progress, NullProgress)
        for result in results_of(pages_dir):
            progress.advance(result)
    assert stream.getvalue() == ""
    assert progress.counts.pages == 13 and progress.counts.skipped == 1


def test_the_heap_is_settled_during_a_build_and_released_after(pages_dir: Path) -> None:
    import gc

    from broadsheet.build.interpreter import settle_heap
    from broadsheet.build.run import build_release
    from broadsheet.recipe import DatasetInfo, Recipe

    settle_heap()
    assert gc.get_freeze_count() > 0  # what was alive is out of the collector's sight
    gc.unfreeze()
    seen: list[int] = []
    thresholds: list[tuple[int, int, int]] = []
    intervals: list[float] = []
    pools: list[str] = []
    before, interval = gc.get_threshold(), sys.getswitchinterval()
    pool = pa.default_memory_pool().backend_name

    class Watching(SerialEngine):
        def map(self, fn: Any, batches: Any) -> Iterator[BatchResult]:
            for result in super().map(fn, batches):
                yield result
                seen.append(gc.get_freeze_count())
                thresholds.append(gc.get_threshold())
                intervals.append(sys.getswitchinterval())
                pools.append(pa.default_memory_pool().backend_name)

    recipe = Recipe(dataset=DatasetInfo(name="heap", version="1.0.0", pretty_name="Heap"))
    out = pages_dir.parent / "heap-out"
    build_release([pages_dir], out_dir=out, recipe=recipe, engine=Watching(), batch_size=1,
                  root=pages_dir, work_dir=out / "build")  # fmt: skip
    assert len(seen) == 4 and all(count > 0 for count in seen)
    assert gc.get_freeze_count() == 0
    # the youngest generation is collected less often while pages are parsed, then as before
    assert thresholds == [(YOUNG_OBJECTS, *before[1:])] * 4
    assert gc.get_threshold() == before
    # threads waiting for the interpreter lock (spill writer, card statistics) get it sooner
    assert intervals == [SWITCH_INTERVAL] * 4 != [interval] * 4
    assert sys.getswitchinterval() == interval
    # Arrow allocates from the build's pool (it keeps freed memory for the next buffers)
    assert pools == [BUILD_POOL] * 4 and pa.default_memory_pool().backend_name == pool


BUILD_POOL = POOL_BACKEND if POOL_BACKEND in pa.supported_memory_backends() else "mimalloc"


def test_a_pool_the_user_chose_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "system")
    pool = pa.default_memory_pool()
    use_build_pool()()
    assert pa.default_memory_pool().backend_name == pool.backend_name  # untouched
    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL")
    restore = use_build_pool()
    assert pa.default_memory_pool().backend_name == BUILD_POOL
    restore()
    assert pa.default_memory_pool().backend_name == pool.backend_name


def test_a_worker_collects_less_often_and_can_be_restored() -> None:
    import gc

    old = gc.get_threshold()
    try:
        assert collect_less_often() == old
        assert gc.get_threshold() == (YOUNG_OBJECTS, *old[1:])
    finally:
        gc.set_threshold(*old)
    with ProcessEngine(1) as engine:  # its workers start through warm_worker
        assert engine.run_tasks(_youngest_threshold, [0]) == [YOUNG_OBJECTS]
        assert engine.run_tasks(_pool_backend, [0]) == [BUILD_POOL]


def _youngest_threshold(_: int) -> int:
    import gc

    return gc.get_threshold()[0]


def _pool_backend(_: int) -> str:
    return pa.default_memory_pool().backend_name


def _loaded(names: tuple[str, ...]) -> list[bool]:
    return [name in sys.modules for name in names]


@pytest.mark.skipif(
    "forkserver" not in __import__("multiprocessing").get_all_start_methods(),
    reason="workers start from a fork server only where there is one",
)
def test_a_worker_starts_with_what_every_batch_imports() -> None:
    # Arrow imports pandas on the first array it builds from Python objects, which every
    # batch does: the fork server has imported it once, so no worker pays for it on its
    # first batch (nor holds a copy of its own)
    wanted = ("pandas", "broadsheet.build.pipeline", "broadsheet.build.shards")
    with ProcessEngine(1, initializer=None) as engine:
        assert engine.run_tasks(_loaded, [wanted]) == [[True, True, True]]
