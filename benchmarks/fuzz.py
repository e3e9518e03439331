"""Fuzz benchmark: many hostile inputs through the sources and parsers, outcomes counted.

    python benchmarks/fuzz.py [--cases 100000] [--sources-share 0.1] [--workers 2]
                              [--timeout 10] [--start 0] [--json FILE]

Each case is one seed of ``tests/fuzz_inputs.py``: a mutated seed or HTML page parsed
through the batch step (parse, record, Arrow, row checks), or, for ``--sources-share`` of
the cases, a folder of mutated files (gzip, JSONL, WARC, manifest) read by the sources
and parsed. The invariant is that every input becomes a record or a quarantine entry with
a known reason code. Reported: outcomes by code, crashes (an exception escaping, an
unknown code, ``parser_error``/``worker_failed``) and hangs (a case over ``--timeout``
seconds), with their seeds so that each is replayed by ``tests/test_fuzz.py``; the
slowest case and each worker's peak memory.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from broadsheet.build.pipeline import process_batch, process_item  # noqa: E402
from broadsheet.errors import REASONS  # noqa: E402
from broadsheet.recipe import CheckSettings  # noqa: E402
from broadsheet.records.quarantine import Quarantined  # noqa: E402
from broadsheet.sources.files import iter_sources  # noqa: E402
from broadsheet.sources.items import Page  # noqa: E402
from fuzz_inputs import page_case, write_source_folder  # noqa: E402

OUR_FAULT = frozenset({"parser_error", "worker_failed"})
SETTINGS = CheckSettings()


class Hang(Exception):
    """A case ran past the time limit."""


def _alarm(_signum: int, _frame: FrameType | None) -> None:
    raise Hang


def _classify(outcome: object) -> str:
    if isinstance(outcome, Quarantined):
        if outcome.code not in REASONS:
            return f"crash:unknown code {outcome.code}"
        if outcome.code in OUR_FAULT:
            return f"crash:{outcome.code}: {outcome.message[:200]}"
        return outcome.code
    return type(outcome).__name__.lower()


def _page(seed: int) -> list[str]:
    case = page_case(random.Random(seed))
    page = Page(f"fuzz-{seed}.html", case.data, case.url, case.captured_at, case.content_type)
    result = process_batch([page], SETTINGS)
    outcomes = ["record"] * result.table.num_rows + [_classify(q) for q in result.quarantined]
    if len(outcomes) != 1:
        outcomes.append(f"crash:{len(outcomes)} outcomes for one page")
    return outcomes


def _sources(seed: int) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "inputs"
        write_source_folder(folder, random.Random(seed))
        outcomes = [
            _classify(process_item(item)) for item in iter_sources([folder], root=Path(tmp))
        ]
    return outcomes or ["crash:no entry for a folder of inputs"]


def _kind(outcome: str) -> str:
    """A crash's kind: the exception and where, or the code and the exception it names."""
    what = outcome.removeprefix("crash:")
    if what.startswith(("parser_error", "worker_failed")):
        return " ".join(what.split()[:4]).rstrip(":")
    return what.split(": ", 1)[0]


def run_case(seed: int, sources: bool, timeout: float) -> tuple[int, bool, list[str], float, int]:
    """One case in a worker: its outcomes, its time and the worker's peak RSS in KB."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    start = time.perf_counter()
    try:
        outcomes = _sources(seed) if sources else _page(seed)
    except Hang:
        outcomes = ["hang"]
    except Exception as exc:  # the invariant broken: an exception escaped
        tb = traceback.extract_tb(exc.__traceback__)[-1]
        outcomes = [f"crash:{type(exc).__name__} at {Path(tb.filename).name}:{tb.lineno}: {exc}"]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    elapsed = time.perf_counter() - start
    if elapsed > timeout and "hang" not in outcomes:
        outcomes.append("hang")
    return seed, sources, outcomes, elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--start", type=int, default=0, help="first seed")
    ap.add_argument("--sources-share", type=float, default=0.1)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds before a case is a hang")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    every = max(1, round(1 / args.sources_share)) if args.sources_share > 0 else 0
    seeds = range(args.start, args.start + args.cases)
    kinds = [bool(every) and seed % every == 0 for seed in seeds]
    counts: Counter[str] = Counter()
    crashes: dict[str, list[dict[str, Any]]] = {}
    slowest = (0.0, -1, False)
    peak_kb = 0
    started = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        results = pool.map(run_case, seeds, kinds, [args.timeout] * len(seeds), chunksize=64)
        for done, (seed, sources, outcomes, elapsed, rss) in enumerate(results, 1):
            slowest = max(slowest, (elapsed, seed, sources))
            peak_kb = max(peak_kb, rss)
            for outcome in outcomes:
                if outcome.startswith("crash:") or outcome == "hang":
                    kind = "hang" if outcome == "hang" else _kind(outcome)
                    counts["crash" if outcome != "hang" else "hang"] += 1
                    crashes.setdefault(kind, []).append(
                        {"seed": seed, "sources": sources, "what": outcome[:300]}
                    )
                else:
                    counts[outcome] += 1
            if done % 5000 == 0:
                print(f"{done:,} cases, {time.perf_counter() - started:.0f} s", file=sys.stderr)
    wall = time.perf_counter() - started
    report = {
        "cases": args.cases,
        "first_seed": args.start,
        "source_folder_cases": sum(kinds),
        "wall_seconds": round(wall, 1),
        "cases_per_second": round(args.cases / wall, 1),
        "crashes": counts.pop("crash", 0),
        "hangs": counts.pop("hang", 0),
        "outcomes": dict(sorted(counts.items())),
        "slowest_case": {
            "seconds": round(slowest[0], 2),
            "seed": slowest[1],
            "sources": slowest[2],
        },
        "worker_peak_rss_mb": round(peak_kb / 1024),
        "crash_kinds": {
            k: {"count": len(v), "examples": v[:5]} for k, v in sorted(crashes.items())
        },
    }
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 1 if report["crashes"] or report["hangs"] else 0


if __name__ == "__main__":
    sys.exit(main())
