"""End to end in whole processes, start-up included: ``broadsheet parse FOLDER`` against
``benchmarks/trafilatura_parse.py`` running trafilatura's reference call of the set on the
same files.

    python benchmarks/endtoend.py [--bench ../shared/bench] [--only aeb-dev,wcxb-dev]
        [--rounds 3] [--json FILE]

The reference call is the one each set is scored with: on aeb-dev
``extract(html, include_comments=False)`` (``--body-only``), on meta-dev and wcxb-dev
``bare_extraction(html, url=..., with_metadata=True)``. The pages are copied into a temporary
folder as they are stored (``.html.gz``) with a ``manifest.csv`` giving each file's URL, so
that both tools see the same bytes and URLs. Each command writes one JSON line per page to a
file; the two alternate for ``rounds`` rounds and the best round of each counts. Both
packages' byte code is written first (``compile_packages``), as an installed package has
it. Wall-clock time is what a user waits; CPU time (user + system of the child process) is
what other load on a shared machine disturbs less. The ratios are broadsheet's pages/s over
trafilatura's, both measured in the same run.
"""

from __future__ import annotations

import argparse
import compileall
import csv
import importlib.util
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SETS = ("aeb-dev", "meta-dev", "wcxb-dev")
#: The annotation file of each set (its keys are the page names).
TRUTH = {"aeb-dev": "ground-truth.json", "meta-dev": "expected.json", "wcxb-dev": "expected.json"}
#: Sets whose reference is trafilatura's body text alone (``extract``).
BODY_ONLY = frozenset({"aeb-dev"})
SPEEDS = ("pages/s (wall)", "pages/CPU-s")


def commands(folder: Path, *, body_only: bool = False) -> dict[str, list[str]]:
    """The two commands, run with the interpreter (and its environment) running this."""
    broadsheet = Path(sys.executable).with_name("broadsheet")
    reference = [sys.executable, str(HERE / "trafilatura_parse.py")]
    if body_only:
        reference.append("--body-only")
    return {
        "broadsheet": [str(broadsheet), "parse", str(folder)],
        "trafilatura": [*reference, str(folder)],
    }


def stage(bench_set: Path, truth: dict[str, Any], folder: Path) -> int:
    """Copy the set's pages into ``folder`` with a manifest of their URLs; the page count."""
    rows = []
    for key in sorted(truth):
        name = f"{key}.html.gz"
        shutil.copyfile(bench_set / "html" / name, folder / name)
        rows.append({"file": name, "url": truth[key].get("url") or ""})
    with (folder / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["file", "url"])
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def run_once(command: list[str], out: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds of the child and output lines of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with out.open("wb") as fh:
        done = subprocess.run(command, stdout=fh, stderr=subprocess.PIPE, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):  # 1: some page gave no record, as expected here
        raise RuntimeError(
            f"{command[0]} exited with {done.returncode}: {done.stderr.decode()[-2000:]}"
        )
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    with out.open("rb") as fh:
        lines = sum(1 for _ in fh)
    return wall, cpu, lines


def compile_packages(names: tuple[str, ...] = ("broadsheet", "trafilatura")) -> None:
    """Write the byte code of both tools' modules, as installing a package does: a source
    checkout installed in editable mode (or an environment with
    ``PYTHONDONTWRITEBYTECODE``) would otherwise compile its modules at every start."""
    for name in names:
        spec = importlib.util.find_spec(name)
        for folder in spec.submodule_search_locations or [] if spec else []:
            compileall.compile_dir(folder, quiet=1)


def end_to_end(bench: Path, set_name: str, rounds: int) -> dict[str, dict[str, float]]:
    """Pages per wall-clock second and per CPU second of each whole process, best round,
    and under ``ratio`` broadsheet's figures over trafilatura's."""
    compile_packages()
    truth = json.loads((bench / set_name / TRUTH[set_name]).read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="broadsheet-e2e-") as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        pages = stage(bench / set_name, truth, folder)
        best: dict[str, dict[str, float]] = {}
        for _ in range(max(rounds, 1)):
            for tool, command in commands(folder, body_only=set_name in BODY_ONLY).items():
                wall, cpu, lines = run_once(command, Path(tmp) / f"{tool}.jsonl")
                if lines != pages:
                    raise RuntimeError(f"{tool} printed {lines} results for {pages} pages")
                kept = best.setdefault(tool, {"wall s": wall, "cpu s": cpu})
                kept["wall s"], kept["cpu s"] = min(kept["wall s"], wall), min(kept["cpu s"], cpu)
    figures = {
        tool: {
            "pages": float(pages),
            "wall s": times["wall s"],
            "pages/s (wall)": pages / times["wall s"],
            "pages/CPU-s": pages / times["cpu s"],
        }
        for tool, times in best.items()
    }
    ours, reference = figures["broadsheet"], figures["trafilatura"]
    figures["ratio"] = {name: ours[name] / reference[name] for name in SPEEDS}
    return figures


def report_end_to_end(set_name: str, figures: dict[str, dict[str, float]]) -> None:
    call = "extract" if set_name in BODY_ONLY else "bare_extraction with metadata"
    print(f"\n{set_name} end to end, whole processes (start-up included; trafilatura {call})")
    tools = [tool for tool in figures if tool != "ratio"]
    print(f"  {'':26}" + "".join(f"{tool:>13}" for tool in tools) + f"{'ratio':>13}")
    for name in ("wall s", *SPEEDS):
        ratio = figures["ratio"].get(name)
        print(
            f"  {name:26}"
            + "".join(f"{figures[tool][name]:>13.1f}" for tool in tools)
            + (f"{ratio:>12.2f}x" if ratio is not None else "")
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bench", type=Path, default=HERE.parent.parent / "shared" / "bench")
    ap.add_argument("--only", default="aeb-dev", help=f"comma-separated sets, of {','.join(SETS)}")
    ap.add_argument("--rounds", type=int, default=3, help="rounds (best one counts)")
    ap.add_argument("--json", type=Path, help="write the figures to this JSON file")
    args = ap.parse_args(argv)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in SETS]
    if unknown or not chosen:
        print(f"unknown set {unknown or args.only!r}; expected some of {SETS}", file=sys.stderr)
        return 2
    figures: dict[str, Any] = {}
    for name in chosen:
        figures[name] = end_to_end(args.bench, name, args.rounds)
        report_end_to_end(name, figures[name])
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
