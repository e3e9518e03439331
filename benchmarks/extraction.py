"""Extraction benchmark: broadsheet's generic HTML parser against trafilatura, side by side.

    python benchmarks/extraction.py [--bench ../shared/bench] [--rounds 3]
        [--only aeb-dev,meta-dev,wcxb-dev] [--json FILE] [--dump FILE] [--pages]

aeb-dev: body F1 / precision / recall / accuracy under the Article Extraction Benchmark's
shingle metric. meta-dev: title, author set, publication time to the minute (UTC), tag F1
and body F1. wcxb-dev (``wcxb.py``): body word-bag F1, snippets, title, author and day on
articles; records and refusals by page type; and the end-to-end comparison of whole
processes (``endtoend.py``). Throughput is raw HTML bytes to a result in this one process:
for broadsheet a validated record (decoding, parsing, metadata, body, language id,
pydantic), for trafilatura its extraction. Each tool is timed over every page for
``--rounds`` rounds, the two tools alternating, and the best round counts.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import trafilatura
from dateutil import parser as dateparser

from endtoend import end_to_end, report_end_to_end
from harness import (
    REPO,
    TOOLS,
    Result,
    broadsheet_result,
    load,
    mean,
    run_broadsheet,
    run_trafilatura_body,
    run_trafilatura_meta,
    timed,
    trafilatura_result,
)
from metrics import (
    PageScore,
    author_set_match,
    body_figures,
    date_match,
    score_body,
    set_f1,
    title_match,
)
from wcxb import report_wcxb, wcxb

SETS = ("aeb-dev", "meta-dev", "wcxb-dev")
Rows = list[dict[str, Any]]


def _shingle_scores(score: PageScore) -> dict[str, float]:
    return {"body precision": score.precision, "body recall": score.recall}


def aeb(bench: Path, rounds: int, show_pages: bool) -> tuple[dict[str, dict[str, float]], Rows]:
    pages, truth = load(bench, "aeb-dev", "ground-truth.json")
    urls = {k: truth[k].get("url") for k in pages}
    answers, speed = timed(
        {
            "broadsheet": lambda k, h: run_broadsheet(k, h, urls[k]),
            "trafilatura": lambda k, h: run_trafilatura_body(h),
        },
        {
            "broadsheet": broadsheet_result,
            "trafilatura": lambda text: Result(body=text if isinstance(text, str) else None),
        },
        pages,
        rounds,
    )
    scores: dict[str, list[PageScore]] = {tool: [] for tool in TOOLS}
    rows: Rows = []
    for key in pages:
        results: dict[str, Result] = {tool: answers[tool][key] for tool in TOOLS}
        row: dict[str, Any] = {"set": "aeb-dev", "page": key, "url": urls[key], "page_type": None}
        for tool, res in results.items():
            scores[tool].append(score_body(res.body, truth[key]["articleBody"]))
            row[tool] = res.to_json_dict() | {"scores": _shingle_scores(scores[tool][-1])}
        rows.append(row)
        if show_pages:
            a, b = scores["broadsheet"][-1], scores["trafilatura"][-1]
            print(
                f"  {key[:16]} broadsheet P {a.precision:.3f} R {a.recall:.3f}  "
                f"trafilatura P {b.precision:.3f} R {b.recall:.3f}  "
                f"{results['broadsheet'].error or ''}"
            )
    out: dict[str, dict[str, float]] = {}
    for tool, tool_scores in scores.items():
        figures = body_figures(tool_scores)
        out[tool] = {
            "body F1": figures.f1,
            "body precision": figures.precision,
            "body recall": figures.recall,
            "body accuracy": figures.accuracy,
            "pages/s": speed[tool],
        }
    return out, rows


def _as_time(value: datetime | date | None) -> datetime | None:
    """A stated day as midnight UTC of that day (never equal to the minute of a real time
    unless that time is midnight UTC)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def _meta_scores(res: Result, gold: dict[str, Any]) -> dict[str, float]:
    """One meta-dev page's figures (only those the page is annotated for)."""
    scores: dict[str, float] = {}
    if "title" in gold:
        scores["title"] = float(title_match(res.title, gold["title"]))
    if "authors" in gold:
        scores["authors"] = float(author_set_match(res.authors, gold["authors"]))
    if gold.get("publishing_date"):
        when = dateparser.parse(gold["publishing_date"])
        scores["date"] = float(date_match(_as_time(res.date), when))
    if "topics" in gold:
        scores["tags F1"] = set_f1(res.tags, gold["topics"])
    return scores


def meta(bench: Path, rounds: int, show_pages: bool) -> tuple[dict[str, dict[str, float]], Rows]:
    pages, truth = load(bench, "meta-dev", "expected.json")
    urls = {k: truth[k].get("url") for k in pages}
    answers, speed = timed(
        {
            "broadsheet": lambda k, h: run_broadsheet(k, h, urls[k]),
            "trafilatura": lambda k, h: run_trafilatura_meta(h, urls[k]),
        },
        {
            "broadsheet": lambda outcome: (
                broadsheet_result(outcome),
                broadsheet_result(outcome, with_description=True),
            ),
            "trafilatura": trafilatura_result,
        },
        pages,
        rounds,
    )
    text_only: list[PageScore] = []
    tallies: dict[str, dict[str, list[float]]] = {
        tool: {"title": [], "authors": [], "date": [], "tags F1": []} for tool in TOOLS
    }
    bodies: dict[str, list[PageScore]] = {tool: [] for tool in TOOLS}
    rows: Rows = []
    for key in pages:
        gold = truth[key]
        plain, described = answers["broadsheet"][key]
        if "body_text" in gold:
            text_only.append(score_body(plain.body, gold["body_text"]))
        results = {"broadsheet": described, "trafilatura": answers["trafilatura"][key]}
        row: dict[str, Any] = {"set": "meta-dev", "page": key, "url": urls[key], "page_type": None}
        for tool, res in results.items():
            page_scores = _meta_scores(res, gold)
            for name, value in page_scores.items():
                tallies[tool][name].append(value)
            if "body_text" in gold:
                bodies[tool].append(score_body(res.body, gold["body_text"]))
                page_scores |= _shingle_scores(bodies[tool][-1])
            row[tool] = res.to_json_dict() | {"scores": page_scores}
        rows.append(row)
        if show_pages:
            ours = results["broadsheet"]
            print(f"  {key}: {ours.error or ''}")
            print(f"    title   {ours.title!r} | {gold.get('title')!r}")
            print(f"    authors {ours.authors} | {gold.get('authors')}")
            print(f"    date    {ours.date} | {gold.get('publishing_date')}")
            print(f"    tags    {ours.tags} | {gold.get('topics')}")
    out: dict[str, dict[str, float]] = {}
    for tool, tally in tallies.items():
        out[tool] = {name: mean(values) for name, values in tally.items()}
        out[tool]["body F1"] = body_figures(bodies[tool]).f1
        out[tool]["body F1, text"] = body_figures(
            text_only if tool == "broadsheet" else bodies[tool]
        ).f1
        out[tool]["pages/s"] = speed[tool]
    return out, rows


def tree_costs(bench: Path) -> None:
    """Milliseconds per page to parse with lxml, to load with trafilatura, to copy a tree."""
    from copy import copy

    from trafilatura.utils import load_html

    from broadsheet.parsers.html_generic import parse_tree

    pages, _truth = load(bench, "aeb-dev", "ground-truth.json")
    texts = [html.decode("utf-8") for html in pages.values()]
    trees = [parse_tree(text) for text in texts]
    steps: dict[str, Callable[[], object]] = {
        "lxml parse (broadsheet)": lambda: [parse_tree(t) for t in texts],
        "trafilatura load_html": lambda: [load_html(t) for t in texts],
        "copy of a parsed tree": lambda: [copy(t) for t in trees],
    }
    print("\ntree costs on aeb-dev (CPU ms per page, best of 3)")
    for name, step in steps.items():
        best = float("inf")
        for _ in range(3):
            start = time.process_time()
            step()
            best = min(best, time.process_time() - start)
        print(f"  {name:28}{1000 * best / len(texts):8.2f}")


def report(title: str, figures: dict[str, dict[str, float]]) -> None:
    print(f"\n{title}")
    names = list(next(iter(figures.values())))
    print(f"  {'':16}" + "".join(f"{tool:>13}" for tool in figures))
    for name in names:
        row = "".join(f"{figures[tool][name]:>13.3f}" for tool in figures)
        ok = figures["broadsheet"][name] >= figures["trafilatura"][name]
        print(f"  {name:16}{row}   {'ok' if ok else 'BELOW'}")


def page_sets(value: str) -> list[str]:
    """``--only``: a comma-separated list of page sets."""
    chosen = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in SETS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(
            f"unknown page set {', '.join(unknown) or repr(value)}; expected a comma-separated "
            f"list of {', '.join(SETS)}"
        )
    return chosen


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bench", type=Path, default=REPO.parent / "shared" / "bench")
    ap.add_argument("--rounds", type=int, default=3, help="timing rounds (best one counts)")
    ap.add_argument(
        "--e2e-rounds", type=int, default=1, help="rounds of the end-to-end processes (0: none)"
    )
    ap.add_argument("--pages", action="store_true", help="print per-page results")
    ap.add_argument(
        "--only", type=page_sets, default=list(SETS), help=f"page sets, of {','.join(SETS)}"
    )
    ap.add_argument("--json", type=Path, help="write every figure to this JSON file")
    ap.add_argument("--dump", type=Path, help="write per-page outputs of both tools (JSONL)")
    args = ap.parse_args(argv)
    missing = [name for name in args.only if not (args.bench / name).is_dir()]
    if missing:
        print(f"no benchmark data for {', '.join(missing)} under {args.bench}", file=sys.stderr)
        return 2
    print(f"trafilatura {trafilatura.__version__}; timing: best of {args.rounds} rounds")
    figures: dict[str, Any] = {
        "measured": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "trafilatura": trafilatura.__version__,
        "rounds": args.rounds,
    }
    rows: Rows = []
    if "aeb-dev" in args.only:
        figures["aeb-dev"], set_rows = aeb(args.bench, args.rounds, args.pages)
        rows += set_rows
        report("aeb-dev (88 pages): body text", figures["aeb-dev"])
        tree_costs(args.bench)
        if args.e2e_rounds > 0:
            figures["aeb-dev end to end"] = end_to_end(args.bench, "aeb-dev", args.e2e_rounds)
            report_end_to_end("aeb-dev", figures["aeb-dev end to end"])
    if "meta-dev" in args.only:
        figures["meta-dev"], set_rows = meta(args.bench, args.rounds, args.pages)
        rows += set_rows
        report(
            "meta-dev (47 pages): metadata; broadsheet body = description + text",
            figures["meta-dev"],
        )
    if "wcxb-dev" in args.only:
        figures["wcxb-dev"], set_rows = wcxb(args.bench, args.rounds)
        rows += set_rows
        report_wcxb(figures["wcxb-dev"])
        if args.e2e_rounds > 0:
            figures["wcxb-dev end to end"] = end_to_end(args.bench, "wcxb-dev", args.e2e_rounds)
            report_end_to_end("wcxb-dev", figures["wcxb-dev end to end"])
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    if args.dump:
        with args.dump.open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
