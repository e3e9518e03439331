"""What the corpus passes cost: the same build with each pass off and on.

``python benchmarks/corpus_cost.py [--pages 10000] [--large 100000] [--workers 2]``

Builds the synthetic corpus of ``benchmarks/scale.py`` (``benchmarks/corpus.py``) with the
processes engine: at ``--pages`` four times (both passes off, only site boilerplate, only
near-duplicates, both: the default), at ``--large`` with ``--large-variants``. Each build runs
in its own process; the figures are its wall time, the CPU time of the build process (the
fork server's workers are not its children and are not counted), the time of the build's
``corpus`` phase (the decision, in the build process) and the outcome of the passes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import scale  # noqa: E402

VARIANTS = {
    "off": {"boilerplate": False, "near_duplicates": False},
    "boilerplate": {"boilerplate": True, "near_duplicates": False},
    "near_duplicates": {"boilerplate": False, "near_duplicates": True},
    "both": {"boilerplate": True, "near_duplicates": True},
}

CHILD = """
import json, logging, resource, sys, time
from pathlib import Path
from broadsheet.build.engines import make_engine
from broadsheet.build.run import build_release
from broadsheet.recipe import CorpusSettings, load_recipe

spec = json.loads(sys.argv[1])
recipe = load_recipe(Path(spec["repo"]) / "recipe.toml")
recipe = recipe.model_copy(update={"corpus": CorpusSettings(**spec["corpus"])})
phases = {}

class Laps(logging.Handler):
    def emit(self, record):
        if hasattr(record, "phase"):
            phases[record.phase] = round(record.seconds, 3)

log = logging.getLogger("broadsheet.build.run")
log.setLevel(logging.DEBUG)
log.addHandler(Laps())
start = time.perf_counter()
result = build_release(
    [spec["corpus_dir"]], out_dir=Path(spec["out"]), recipe=recipe,
    engine=make_engine("processes", spec["workers"]), batch_size=1000,
    root=Path(spec["corpus_dir"]), work_dir=Path(spec["out"]) / "build",
)
wall = time.perf_counter() - start
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
corpus = result.report.get("corpus", {})
print(json.dumps({
    "wall_seconds": round(wall, 2), "cpu_seconds": round(cpu, 2), "phases": phases,
    "rows": result.report["rows"], "build_peak_rss_mb": round(me.ru_maxrss / 1024),
    "boilerplate": {k: v for k, v in corpus.get("boilerplate", {}).items() if k != "by_site"},
    "near_duplicates": corpus.get("near_duplicates"),
    "fingerprint": result.fingerprint,
}))
"""


def run(corpus_dir: Path, variant: str, workers: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="corpus-cost-") as out:
        spec = {
            "repo": str(HERE.parent),
            "corpus_dir": str(corpus_dir),
            "out": out,
            "workers": workers,
            "corpus": VARIANTS[variant],
        }
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, json.dumps(spec)],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode:
            raise SystemExit(f"{variant} build failed:\n{proc.stderr[-3000:]}")
        figures: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
        return figures


def worker_cost(folder: Path, pages: int, rounds: int = 2) -> dict[str, float]:
    """CPU seconds per 1,000 pages of the per-batch work (parse, checks) on ``pages`` pages of
    ``folder`` in this process, without and with the corpus features (best of ``rounds``)."""
    import time

    from broadsheet.build.pipeline import process_batch
    from broadsheet.recipe import CorpusSettings, load_recipe
    from broadsheet.sources.files import iter_sources

    recipe = load_recipe(HERE.parent / "recipe.toml")
    items = []
    for item in iter_sources([folder], root=folder, limits=recipe.limits):
        items.append(item)
        if len(items) == pages:
            break
    best = {"without": float("inf"), "with": float("inf")}
    for _ in range(rounds):
        for label, corpus in (("without", None), ("with", CorpusSettings())):
            start = time.process_time()
            for i in range(0, len(items), 1000):
                process_batch(
                    items[i : i + 1000], recipe.check_settings(), None, recipe.limits, corpus
                )
            best[label] = min(best[label], time.process_time() - start)
    per = {k: round(v * 1000 / len(items), 3) for k, v in best.items()}
    return {
        "pages": len(items),
        "cpu_s_per_1000_pages_without": per["without"],
        "cpu_s_per_1000_pages_with": per["with"],
        "ratio": round(best["with"] / best["without"], 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=0, help="a second, larger size (0: none)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("build/corpus-cost"))
    parser.add_argument("--json", type=Path, help="write every figure to this file too")
    parser.add_argument(
        "--worker-pages", type=int, default=0, help="also time the per-batch work on N pages"
    )
    parser.add_argument(
        "--large-variants", default="off,both", help="variants built at the --large size"
    )
    args = parser.parse_args(argv)
    results: dict[str, Any] = {}
    for pages in [p for p in (args.pages, args.large) if p]:
        folder = scale.ensure_corpus(args.work, pages, args.seed, 0.2)
        names = list(VARIANTS) if pages == args.pages else args.large_variants.split(",")
        per = {variant: run(folder, variant, args.workers) for variant in names}
        base = per["off"]["wall_seconds"]
        for variant, figures in per.items():
            figures["wall_vs_off"] = round(figures["wall_seconds"] / base, 3)
            print(
                f"{pages:>7} pages  {variant:<16} {figures['wall_seconds']:>8.1f} s wall "
                f"({figures['wall_vs_off']:.2f}x off)  {figures['cpu_seconds']:>8.1f} s CPU  "
                f"corpus phase {figures['phases'].get('corpus', 0):.2f} s",
                flush=True,
            )
        results[str(pages)] = per
        if args.worker_pages and pages == args.pages:
            results["worker"] = worker_cost(folder, args.worker_pages)
            print(f"  per-batch work: {results['worker']}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
