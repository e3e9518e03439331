"""Scale benchmark: end-to-end build throughput, memory and where a worker's time goes.

    python benchmarks/scale.py                       # 20k pages; memory at 10k and 40k
    python benchmarks/scale.py --huge 200000         # and one 200k-page build's memory
    python benchmarks/scale.py --pages 2000 --memory ''   # quick run, about a minute

One run measures, on synthetic corpora from ``benchmarks/corpus.py``:
- pages/s of ``broadsheet.build.run.build_release`` end to end on text renderings with 1 worker
  (serial), 2 worker processes and Dask (local cluster, 2 workers), and on a mixed corpus
  (20% HTML) with 1 worker; the 2-worker speed-up and Dask against processes;
- the highest 2-worker speed-up this machine allows (:func:`speedup_ceiling`: its cores
  over the cores the serial build keeps busy);
- the floor of the same work (reading, decoding and hashing the same bytes) and the build's
  time as a multiple of it;
- peak memory of the whole process tree (build process, fork server and workers) at the
  ``--memory`` sizes (serial and 2 processes) and at ``--huge``, as summed RSS (a page shared
  by several processes counted in each) and summed PSS (shared pages divided among their
  processes: the physical memory the tree holds, which the ``--huge`` floor is judged on;
  sampled once a second, RSS every 250 ms);
  the build process's own peak RSS and CPU seconds;
- ``broadsheet validate`` on the largest release; whether the serial, process and Dask
  releases are byte-identical;
- a per-stage cost breakdown of one worker on text pages and its top functions (cProfile).

Builds run without the recipe's ``[corpus]`` passes unless ``--corpus-passes`` is given.
Every build runs in a subprocess so its memory is its own; broadsheet's byte code is written
first, as installing the package does (``endtoend.compile_packages``). Figures are printed as
a table and written as JSON (``--json``); ratios are against references measured in the same
run.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import logging
import os
import platform
import pstats
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psutil  # type: ignore[import-untyped]  # installed with dask.distributed

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402  (the sibling generator script)
from endtoend import compile_packages  # noqa: E402  (the sibling end-to-end benchmark)

ENGINE_RUNS = ("serial", "processes-2", "dask-2")
ENGINES = {"serial": ("serial", 1), "processes-2": ("processes", 2), "dask-2": ("dask", 2)}
FLOORS = {
    "text_pages_per_s": 3000.0,  # 1 worker (serial), at --pages
    "speedup_2": 1.8,  # 2 worker processes against 1 worker, at --pages
    "dask_vs_processes": 0.9,  # Dask local cluster against processes, 2 workers each
    "rss_ratio": 1.3,  # peak RSS at the last --memory size against the first
    "rss_huge_mb": 1536.0,  # peak memory (PSS, summed over the tree) of the --huge build
}


def ensure_corpus(work: Path, pages: int, seed: int, html_share: float) -> Path:
    """A corpus folder for these arguments, written once and reused by later runs."""
    folder = work / f"corpus-{pages}-s{seed}-h{html_share:g}"
    stamp = folder / ".complete"
    if not stamp.exists():
        shutil.rmtree(folder, ignore_errors=True)
        started = time.perf_counter()
        corpus.write_corpus(folder, pages, seed, html_share)
        stamp.write_text(f"{time.perf_counter() - started:.1f}\n")
        print(f"  wrote {folder.name} ({pages:,} pages)", file=sys.stderr)
    return folder


def page_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".txt", ".html"))


def floor(folder: Path) -> dict[str, float]:
    """Read, decode and hash every page: the least any pipeline does with the same bytes.

    Best of two passes, so that the files are in the page cache as they are for the builds.
    """
    files = page_files(folder)
    best = float("inf")
    for _ in range(2):
        started = time.perf_counter()
        for path in files:
            data = path.read_bytes()
            data.decode("utf-8", errors="replace")
            hashlib.sha256(data).hexdigest()
        best = min(best, time.perf_counter() - started)
    return {"pages": len(files), "seconds": best, "pages_per_s": len(files) / best}


class TreeRSS:
    """Samples the memory of this process and all its descendants; keeps the peaks, and the
    last CPU time seen of each descendant (workers of a fork server are not our children
    for ``getrusage``).

    Two peaks of the whole tree: the summed RSS, which counts a page that processes share
    (the fork server's imports, copy-on-write in its workers) once in every process, and
    the summed PSS (proportional set size: each shared page divided among the processes
    sharing it), which adds up to the physical memory the tree holds. Also the peak RSS of
    the build process alone. RSS is read every ``interval`` seconds, PSS (the kernel walks
    every page of a process to count it) every ``pss_interval``. The sampler is a thread of
    the build process and takes the interpreter lock at each sample, from the pages' work in
    a serial build: sampling every 50 ms made a serial build a fifth slower, every 250 ms
    costs about 2%."""

    def __init__(self, interval: float = 0.25, pss_interval: float = 1.0) -> None:
        self.peak = 0
        self.peak_pss = 0
        self.peak_self = 0
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._interval = interval
        self._pss_interval = pss_interval
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        pss_due = 0.0
        while not self._stop.is_set():
            with_pss = time.monotonic() >= pss_due
            if with_pss:
                pss_due = time.monotonic() + self._pss_interval
            total = pss = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    if with_pss:
                        full = proc.memory_full_info()
                        rss = full.rss
                        pss += getattr(full, "pss", full.rss)  # PSS is Linux-only
                    else:
                        rss = proc.memory_info().rss
                    total += rss
                    if proc.pid != me.pid:
                        times = proc.cpu_times()
                        self.cpu[proc.pid] = times.user + times.system
                    else:
                        self.peak_self = max(self.peak_self, rss)
                except psutil.Error:
                    continue  # a worker that just exited
            self.peak = max(self.peak, total)
            if with_pss:
                self.peak_pss = max(self.peak_pss, pss)
            self._stop.wait(self._interval)

    def __enter__(self) -> TreeRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def child(spec: dict[str, Any]) -> dict[str, Any]:
    """One build, in this (fresh) process: time, counts and peak memory of the tree."""
    import resource

    from broadsheet.build.engines import make_engine
    from broadsheet.build.run import build_release
    from broadsheet.recipe import load_recipe

    recipe = load_recipe(REPO / "recipe.toml")
    if not spec.get("corpus_passes", False):  # the build without the corpus passes
        off = recipe.corpus.model_copy(update={"boilerplate": False, "near_duplicates": False})
        recipe = recipe.model_copy(update={"corpus": off})
    source, out = Path(spec["corpus"]), Path(spec["out"])
    phases: dict[str, float] = {}

    class Laps(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if hasattr(record, "phase"):
                phases[record.phase] = round(getattr(record, "seconds", 0.0), 3)

    build_log = logging.getLogger("broadsheet.build.run")
    build_log.setLevel(logging.DEBUG)
    build_log.addHandler(Laps())
    before = resource.getrusage(resource.RUSAGE_SELF)  # (the imports above left out)
    with TreeRSS() as rss:
        started = time.perf_counter()
        result = build_release(
            [source],
            out_dir=out / "dist",
            recipe=recipe,
            engine=make_engine(spec["engine"], spec["workers"]),
            batch_size=spec["batch_size"],
            root=source,
            work_dir=out / "build",
        )
        seconds = time.perf_counter() - started
    own, kids = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    cpu = own.ru_utime + own.ru_stime + sum(rss.cpu.values())  # descendants as last sampled
    return {
        "seconds": seconds,
        "phases_s": phases,
        "inputs": result.inputs,
        "accepted": result.accepted,
        "quarantined": result.quarantined,
        "reasons": result.reasons,
        "pages_per_s": result.inputs / seconds,
        "peak_rss_tree_mb": rss.peak / 2**20,
        "peak_pss_tree_mb": rss.peak_pss / 2**20,
        "peak_rss_build_process_mb": rss.peak_self / 2**20,
        "cpu_seconds": cpu,
        "cpu_seconds_timed": cpu - (before.ru_utime + before.ru_stime),
        "cpu_seconds_build_process": own.ru_utime + own.ru_stime,
        "pages_per_cpu_s": result.inputs / cpu,
        "maxrss_self_mb": own.ru_maxrss / 1024,
        "maxrss_largest_child_mb": kids.ru_maxrss / 1024,
        "release": str(result.release_dir),
    }


def speedup_ceiling(
    serial_seconds: float, serial_cpu_seconds: float, cores: int, workers: int = 2
) -> float:
    """The highest speed-up ``workers`` workers can reach over the serial build on ``cores``
    cores: their build does at least the serial build's CPU work (it also starts workers and
    passes results), and at best keeps ``min(workers, cores)`` cores busy all the time. A
    serial build that already uses more than one core (Arrow's threads, the shards phase's
    two threads) lowers it below the worker count."""
    if serial_seconds <= 0 or serial_cpu_seconds <= 0 or cores < 1 or workers < 1:
        raise ValueError("times, cores and workers must be positive")
    return min(workers, cores) * serial_seconds / serial_cpu_seconds


def run_build(label: str, folder: Path, engine: str, workers: int, args: Any) -> dict[str, Any]:
    """The build, ``args.repeat`` times, each in a fresh process: the fastest run, with every
    run's time and the highest peak memory of them all (timings on a shared machine vary)."""
    runs = []
    for attempt in range(args.repeat):
        out = args.work / "runs" / label
        shutil.rmtree(out, ignore_errors=True)
        spec = {"corpus": str(folder), "out": str(out), "engine": engine, "workers": workers}
        spec["batch_size"] = args.batch_size
        spec["corpus_passes"] = args.corpus_passes
        print(
            f"  build {label} ({engine}, {workers} worker(s), {folder.name}), "
            f"run {attempt + 1} of {args.repeat}",
            file=sys.stderr,
        )
        proc = subprocess.run(
            [sys.executable, __file__, "--child", json.dumps(spec)],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            raise SystemExit(f"build {label} failed:\n{proc.stderr[-3000:]}")
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    best: dict[str, Any] = min(runs, key=lambda r: r["seconds"])
    best["runs_seconds"] = [round(r["seconds"], 2) for r in runs]
    for key in ("peak_rss_tree_mb", "peak_pss_tree_mb", "peak_rss_build_process_mb"):
        best[key] = max(r[key] for r in runs)
    return {"label": label, "engine": engine, "workers": workers, **best}


def validate_time(release: str) -> dict[str, Any]:
    """Wall time of ``broadsheet validate`` on a release (a separate process, as in CI)."""
    exe = Path(sys.executable).with_name("broadsheet")
    help_ = subprocess.run([exe, "validate", "--help"], capture_output=True, check=False)
    if help_.returncode != 0:
        return {"seconds": None, "note": "this broadsheet has no validate command"}
    started = time.perf_counter()
    proc = subprocess.run([exe, "validate", release], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "exit_code": proc.returncode, "output": proc.stdout[-500:]}


def same_bytes(releases: list[str]) -> bool:
    """Whether every release has the same SHA256SUMS (so the same bytes in every file)."""
    sums = {(Path(r) / "SHA256SUMS").read_bytes() for r in releases}
    return len(sums) == 1


def stage_costs(folder: Path, limit: int, batch_size: int) -> dict[str, Any]:
    """CPU time per page of each stage of one worker, on the first ``limit`` pages."""
    from broadsheet.build.engines import warm_worker
    from broadsheet.build.pipeline import process_batch
    from broadsheet.checks.table import split_failing
    from broadsheet.errors import BroadsheetError
    from broadsheet.parsers import load_document, select_parser
    from broadsheet.parsers.common import detect_language
    from broadsheet.recipe import load_recipe
    from broadsheet.records.arrow import records_to_table
    from broadsheet.records.model import DERIVED_HERE, Article
    from broadsheet.release.fingerprint import record_digests_of
    from broadsheet.sources.items import Page, SourceItem

    warm_worker()
    recipe = load_recipe(REPO / "recipe.toml")
    settings = recipe.check_settings()
    pages: list[SourceItem] = [Page(p.name, p.read_bytes()) for p in page_files(folder)[:limit]]
    costs: dict[str, float] = {}

    def timed(name: str, fn: Any) -> Any:
        started = time.process_time()
        out = fn()
        costs[name] = costs.get(name, 0.0) + time.process_time() - started
        return out

    def attempt(fn: Any, *a: Any) -> Any:
        try:
            return fn(*a)
        except BroadsheetError:
            return None

    docs = timed("decode", lambda: [attempt(load_document, p) for p in pages])  # all Pages
    docs = [d for d in docs if d is not None]
    parsers = timed("select_parser", lambda: [attempt(select_parser, d) for d in docs])
    pairs = [(d, p) for d, p in zip(docs, parsers, strict=True) if p is not None]
    records = timed("parse_total", lambda: [attempt(p.parse, d) for d, p in pairs])
    records = [r for r in records if isinstance(r, Article)]
    timed("language_id", lambda: [detect_language(r.text) for r in records])
    # as build_article validates: field values (blocks already models), derived fields trusted
    fields = [dict(r) for r in records]
    timed(
        "pydantic_article",
        lambda: [Article.model_validate(f, context=DERIVED_HERE) for f in fields],
    )
    tables = timed(
        "arrow_conversion",
        lambda: [
            records_to_table(records[i : i + batch_size])
            for i in range(0, len(records), batch_size)
        ],
    )
    checked = timed("pandera_checks", lambda: [split_failing(t, settings)[0] for t in tables])
    timed("record_digests", lambda: [record_digests_of(t) for t in checked])
    try:  # the card's statistics of one row group (a task on a worker, after ingestion)
        from broadsheet.card.stats import CardStats

        card = CardStats(recipe)

        def fold() -> None:
            for t in tables:
                card.add(t)

        timed("card_stats_fold", fold)
    except ImportError:
        pass
    batches = [pages[i : i + batch_size] for i in range(0, len(pages), batch_size)]
    started = time.process_time()
    for batch in batches:
        process_batch(batch, settings)
    whole = time.process_time() - started
    profile = cProfile.Profile()  # a second pass, for the functions' shares
    profile.runcall(lambda: [process_batch(b, settings) for b in batches])
    costs["parser_own"] = costs["parse_total"] - costs["language_id"] - costs["pydantic_article"]
    n = len(pages)
    stats = pstats.Stats(profile)
    top = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:15]  # type: ignore[attr-defined]
    return {
        "pages": n,
        "process_batch_ms_per_page": 1000 * whole / n,
        "pages_per_s_one_worker_cpu": n / whole,
        "stage_ms_per_page": {k: round(1000 * v / n, 3) for k, v in sorted(costs.items())},
        "top_self_time": [
            {
                "function": f"{Path(f).name}:{line}({fn})",
                "self_ms_per_page_profiled": 1000 * s[2] / n,
            }
            for (f, line, fn), s in top
        ],
    }


def table(results: dict[str, Any]) -> str:
    rows = [
        ("run", "pages", "s", "pages/s", "pages/CPU-s", "x floor", "peak RSS MB", "peak PSS MB",
         "build RSS MB", "runs s")
    ]  # fmt: skip
    fl = results["floor"]["pages_per_s"]
    for r in results["builds"]:
        rows.append(
            (r["label"], f"{r['inputs']:,}", f"{r['seconds']:.1f}", f"{r['pages_per_s']:,.0f}",
             f"{r['pages_per_cpu_s']:,.0f}", f"{fl / r['pages_per_s']:,.0f}",
             f"{r['peak_rss_tree_mb']:,.0f}", f"{r['peak_pss_tree_mb']:,.0f}",
             f"{r['peak_rss_build_process_mb']:,.0f}",
             " ".join(f"{x:.1f}" for x in r.get("runs_seconds", [r["seconds"]])))
        )  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    s = results["summary"]
    lines += [
        f"floor (read + decode + sha256): {fl:,.0f} pages/s",
        f"at {s['rates_at_pages']:,} pages: 1 worker {s['serial_pages_per_s']:,.0f} pages/s "
        f"(floor {FLOORS['text_pages_per_s']:,.0f}); 2 workers {s['speedup_2']:.2f}x one "
        f"(floor {FLOORS['speedup_2']}x); Dask {s['dask_vs_processes']:.2f}x processes "
        f"(floor {FLOORS['dask_vs_processes']}x)",
        f"serial build time = {s['serial_x_floor']:,.0f} x the floor",
        f"the serial build keeps {s['serial_cores_used']:.2f} cores busy: 2 workers on "
        f"{results['machine']['cpus']} cores can reach at most {s['speedup_2_ceiling']:.2f}x "
        "one worker (its CPU work on every core, all the time)",
        f"identical release bytes (serial, processes, dask): {s['identical_bytes']}",
    ]
    for label, ratio in (s.get("rss_ratio") or {}).items():
        lines.append(f"peak RSS last/first memory size, {label}: {ratio:.2f} "
                     f"(floor {FLOORS['rss_ratio']})")  # fmt: skip
    if s.get("rss_huge_mb") is not None:
        lines.append(f"peak memory of the --huge build: {s['rss_huge_mb']:,.0f} MB PSS, "
                     f"{s['rss_huge_rss_sum_mb']:,.0f} MB summed RSS "
                     f"(floor {FLOORS['rss_huge_mb']:,.0f}, on PSS)")  # fmt: skip
    v = results["validate"]
    if v.get("seconds") is not None:
        lines.append(
            f"broadsheet validate on {v['pages']:,} pages: {v['seconds']:.1f} s "
            f"(exit code {v['exit_code']})"
        )
    else:
        lines.append(f"broadsheet validate: {v['note']}")
    stages = results["profile"]["stage_ms_per_page"]
    lines.append("one worker, ms/page (CPU): " + ", ".join(f"{k} {v}" for k, v in stages.items()))
    for r in results["builds"]:
        laps = ", ".join(f"{k} {v:.1f}" for k, v in r.get("phases_s", {}).items())
        lines.append(f"{r['label']} phases (s): {laps}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=20_000, help="corpus of the engine runs")
    parser.add_argument(
        "--memory", default="10000,40000",
        help="sizes of the memory runs, comma-separated (serial and 2 processes; '': none)",
    )  # fmt: skip
    parser.add_argument(
        "--huge", type=int, default=0, help="one more memory run at this size (0: none)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument(
        "--corpus-passes", action="store_true",
        help="build with the recipe's [corpus] passes (default: without them)",
    )  # fmt: skip
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of each build; the fastest is reported"
    )
    parser.add_argument(
        "--profile-pages", type=int, default=None,
        help="pages for the per-stage profile (default a quarter of --pages, 200 to 1,000)",
    )  # fmt: skip
    parser.add_argument("--work", type=Path, default=HERE / "out" / "scale")
    parser.add_argument("--json", type=Path, default=None, help="result file (default in --work)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return 0
    memory = [int(n) for n in args.memory.split(",") if n.strip()]
    args.work.mkdir(parents=True, exist_ok=True)
    compile_packages(("broadsheet",))
    text = ensure_corpus(args.work, args.pages, args.seed, 0.0)
    mixed = ensure_corpus(args.work, max(200, args.pages // 5), args.seed, 0.2)
    results: dict[str, Any] = {
        "machine": {"cpus": psutil.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(), "load_before": os.getloadavg()},
        "args": {"pages": args.pages, "memory": memory, "huge": args.huge, "seed": args.seed,
                 "batch_size": args.batch_size, "repeat": args.repeat,
                 "corpus_passes": args.corpus_passes},
        "floor": floor(text),
    }  # fmt: skip
    builds = [run_build(label, text, *ENGINES[label], args) for label in ENGINE_RUNS]
    builds.append(run_build("mixed-serial", mixed, "serial", 1, args))
    for size in memory:
        folder = ensure_corpus(args.work, size, args.seed, 0.0)
        for label in ("serial", "processes-2"):
            builds.append(run_build(f"{label}-{size}", folder, *ENGINES[label], args))
    if args.huge:
        folder = ensure_corpus(args.work, args.huge, args.seed, 0.0)
        builds.append(run_build(f"processes-2-{args.huge}", folder, "processes", 2, args))
    results["builds"] = builds
    results["machine"]["load_after"] = os.getloadavg()
    by = {b["label"]: b for b in builds}
    validated = by.get(f"processes-2-{args.huge}", by["processes-2"])
    results["validate"] = {"pages": validated["inputs"], **validate_time(validated["release"])}
    serial = by["serial"]
    summary: dict[str, Any] = {
        "rates_at_pages": serial["inputs"],
        "serial_pages_per_s": serial["pages_per_s"],
        "speedup_2": by["processes-2"]["pages_per_s"] / serial["pages_per_s"],
        "dask_vs_processes": by["dask-2"]["pages_per_s"] / by["processes-2"]["pages_per_s"],
        "dask_vs_serial": by["dask-2"]["pages_per_s"] / serial["pages_per_s"],
        "serial_x_floor": results["floor"]["pages_per_s"] / serial["pages_per_s"],
        "serial_cores_used": serial["cpu_seconds_timed"] / serial["seconds"],
        "speedup_2_ceiling": speedup_ceiling(
            serial["seconds"], serial["cpu_seconds_timed"], psutil.cpu_count() or 1
        ),
        "identical_bytes": same_bytes([by[k]["release"] for k in ENGINE_RUNS]),
        "rss_ratio": None,
    }  # fmt: skip
    if len(memory) >= 2:
        first, last = memory[0], memory[-1]
        summary["rss_ratio"] = {
            label: by[f"{label}-{last}"]["peak_rss_tree_mb"]
            / by[f"{label}-{first}"]["peak_rss_tree_mb"]
            for label in ("serial", "processes-2")
        }
    if args.huge:
        summary["rss_huge_mb"] = by[f"processes-2-{args.huge}"]["peak_pss_tree_mb"]
        summary["rss_huge_rss_sum_mb"] = by[f"processes-2-{args.huge}"]["peak_rss_tree_mb"]
    print("  profiling one worker", file=sys.stderr)
    profile_pages = args.profile_pages or min(1000, max(200, args.pages // 4))
    results["profile"] = stage_costs(text, profile_pages, args.batch_size)
    ratios = summary["rss_ratio"] or {}
    summary["floors"] = {
        "text_pages_per_s": summary["serial_pages_per_s"] >= FLOORS["text_pages_per_s"],
        "speedup_2": summary["speedup_2"] >= FLOORS["speedup_2"],
        "dask_vs_processes": summary["dask_vs_processes"] >= FLOORS["dask_vs_processes"],
        "rss_ratio": None if not ratios else max(ratios.values()) <= FLOORS["rss_ratio"],
        "rss_huge": None if not args.huge else summary["rss_huge_mb"] < FLOORS["rss_huge_mb"],
    }  # fmt: skip
    results["summary"] = summary
    out = args.json or args.work / "scale-results.json"
    out.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(table(results))
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
