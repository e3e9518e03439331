"""End to end in whole processes, start-up included: ``broadsheet parse FOLDER`` against a
script calling trafilatura's ``bare_extraction(with_metadata=True)`` on the same files
(``benchmarks/trafilatura_parse.py``).

The pages are copied into a temporary folder as they are stored (``.html.gz``) with a
``manifest.csv`` giving each file's URL, so that both tools see the same bytes and URLs.
Each command writes one JSON line per page to a file; the two alternate for ``rounds``
rounds and the best round of each counts. Wall-clock time is what a user waits; CPU time
(user + system of the child process) is what other load on a shared machine disturbs less.
"""

from __future__ import annotations

import csv
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


def commands(folder: Path) -> dict[str, list[str]]:
    """The two commands, run with the interpreter (and its environment) running this."""
    broadsheet = Path(sys.executable).with_name("broadsheet")
    return {
        "broadsheet": [str(broadsheet), "parse", str(folder)],
        "trafilatura": [sys.executable, str(HERE / "trafilatura_parse.py"), str(folder)],
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


def end_to_end(bench: Path, set_name: str, rounds: int) -> dict[str, dict[str, float]]:
    """Pages per wall-clock second and per CPU second of each whole process, best round."""
    truth = json.loads((bench / set_name / "expected.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="broadsheet-e2e-") as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        pages = stage(bench / set_name, truth, folder)
        best: dict[str, dict[str, float]] = {}
        for _ in range(max(rounds, 1)):
            for tool, command in commands(folder).items():
                wall, cpu, lines = run_once(command, Path(tmp) / f"{tool}.jsonl")
                if lines != pages:
                    raise RuntimeError(f"{tool} printed {lines} results for {pages} pages")
                kept = best.setdefault(tool, {"wall s": wall, "cpu s": cpu})
                kept["wall s"], kept["cpu s"] = min(kept["wall s"], wall), min(kept["cpu s"], cpu)
    return {
        tool: {
            "pages": float(pages),
            "wall s": times["wall s"],
            "pages/s (wall)": pages / times["wall s"],
            "pages/CPU-s": pages / times["cpu s"],
        }
        for tool, times in best.items()
    }


def report_end_to_end(set_name: str, figures: dict[str, dict[str, float]]) -> None:
    print(f"\n{set_name} end to end, whole processes (start-up included)")
    names = ["wall s", "pages/s (wall)", "pages/CPU-s"]
    print(f"  {'':26}" + "".join(f"{tool:>13}" for tool in figures))
    for name in names:
        print(f"  {name:26}" + "".join(f"{figures[tool][name]:>13.1f}" for tool in figures))
