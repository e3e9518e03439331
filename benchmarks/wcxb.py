"""wcxb-dev: 480 pages of 2025-26 (articles and six other page types), both tools side by side.

Scored as the benchmark data's README defines it. On the 120 article pages: word-bag F1,
precision and recall of the text (per page, averaged; no output scores 0), the share of
must-include (``with``) snippets found and of boilerplate (``without``) snippets left in, per
page and averaged; title, author and day. On all pages: which became records and which were
refused, and why. Throughput: broadsheet from raw HTML bytes to a validated record,
trafilatura's ``bare_extraction(with_metadata=True)`` (body and metadata, the README's
reference call), timed as the other sets are.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from harness import (
    TOOLS,
    Result,
    broadsheet_result,
    load,
    mean,
    run_broadsheet,
    run_trafilatura_reference,
    timed,
    trafilatura_result,
)
from metrics import author_found, day_match, score_word_bag, snippet_share, title_equal

SET = "wcxb-dev"
ARTICLE = "article"
#: Figures over the article pages, in the order they are printed.
ARTICLE_FIGURES = (
    "body F1",
    "body precision",
    "body recall",
    "with found",
    "boilerplate left",
    "title",
    "author",
    "date",
)
#: The flagged pages: trafilatura's body F1 above the first, broadsheet's under the second.
FLAG_ABOVE, FLAG_UNDER = 0.9, 0.5
RECORD = "record"


def score_article(result: Result, gold: dict[str, Any]) -> dict[str, float | None]:
    """One article page's figures; None where the page is not annotated for one."""
    bag = score_word_bag(result.body, gold["main_content"])
    title, author, day = gold.get("title"), gold.get("author"), gold.get("publish_date")
    return {
        "body F1": bag.f1,
        "body precision": bag.precision,
        "body recall": bag.recall,
        "with found": snippet_share(result.body, gold.get("with") or []),
        "boilerplate left": snippet_share(result.body, gold.get("without") or []),
        "title": None if title is None else float(title_equal(result.title, title)),
        "author": None if author is None else float(author_found(result.authors, author)),
        "date": None if day is None else float(day_match(result.date, date.fromisoformat(day))),
    }


def outcome_of(result: Result) -> str:
    """'record', or why the page was refused."""
    return RECORD if result.code is None else result.code


def article_figures(scores: list[dict[str, float | None]]) -> dict[str, float]:
    """Each figure averaged over the pages annotated for it."""
    return {
        name: mean([value for s in scores if (value := s[name]) is not None])
        for name in ARTICLE_FIGURES
    }


def confusion(types: dict[str, str], outcomes: dict[str, str]) -> dict[str, dict[str, int]]:
    """For each page type: pages that became records and pages refused, by reason."""
    table: dict[str, Counter[str]] = {}
    for key, page_type in types.items():
        table.setdefault(page_type, Counter())[outcomes[key]] += 1
    order = sorted(table, key=lambda t: (t != ARTICLE, t))
    return {
        t: {"pages": sum(table[t].values()), RECORD: table[t][RECORD]}
        | {code: n for code, n in sorted(table[t].items()) if code != RECORD}
        for t in order
    }


def headline(types: dict[str, str], outcomes: dict[str, str]) -> dict[str, float]:
    """Share of articles accepted and of other pages refused."""
    articles = [k for k, t in types.items() if t == ARTICLE]
    others = [k for k, t in types.items() if t != ARTICLE]
    return {
        "articles accepted": mean([float(outcomes[k] == RECORD) for k in articles]),
        "non-articles refused": mean([float(outcomes[k] != RECORD) for k in others]),
    }


def wcxb(bench: Path, rounds: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Every figure of the set, and one row per page for ``--dump``."""
    pages, truth = load(bench, SET, "expected.json")
    urls = {key: truth[key].get("url") for key in pages}
    results, speed = timed(
        {
            "broadsheet": lambda k, h: run_broadsheet(k, h, urls[k]),
            "trafilatura": lambda k, h: run_trafilatura_reference(h, urls[k]),
        },
        {"broadsheet": broadsheet_result, "trafilatura": trafilatura_result},
        pages,
        rounds,
    )
    types = {key: truth[key]["page_type"] for key in pages}
    scores: dict[str, dict[str, dict[str, float | None]]] = {tool: {} for tool in TOOLS}
    rows: list[dict[str, Any]] = []
    for key in pages:
        row: dict[str, Any] = {"set": SET, "page": key, "url": urls[key], "page_type": types[key]}
        for tool in TOOLS:
            result = results[tool][key]
            page_scores = score_article(result, truth[key]) if types[key] == ARTICLE else {}
            if page_scores:
                scores[tool][key] = page_scores
            row[tool] = result.to_json_dict() | {"scores": page_scores}
        rows.append(row)
    figures: dict[str, Any] = {"pages": len(pages), "articles": len(scores["broadsheet"])}
    for tool in TOOLS:
        outcomes = {key: outcome_of(results[tool][key]) for key in pages}
        figures[tool] = {
            "article pages": article_figures(list(scores[tool].values())),
            "page types": headline(types, outcomes) | {"pages/s": speed[tool]},
            "confusion": confusion(types, outcomes),
        }
    figures["flagged"] = [
        {"page": key, "url": urls[key], "trafilatura body F1": theirs, "broadsheet body F1": ours}
        for key in scores["trafilatura"]
        if (theirs := scores["trafilatura"][key]["body F1"] or 0.0) > FLAG_ABOVE
        and (ours := scores["broadsheet"][key]["body F1"] or 0.0) < FLAG_UNDER
    ]
    return figures, rows


def report_wcxb(figures: dict[str, Any]) -> None:
    """The set's tables: article figures, headline shares and speed, confusion, flagged."""
    print(f"\n{SET} ({figures['pages']} pages, {figures['articles']} articles)")
    print(f"  {'article pages':26}" + "".join(f"{tool:>13}" for tool in TOOLS))
    for section in ("article pages", "page types"):
        for name in figures["broadsheet"][section]:
            values = [figures[tool][section][name] for tool in TOOLS]
            lower_is_better = name == "boilerplate left"
            ok = values[0] <= values[1] if lower_is_better else values[0] >= values[1]
            fmt = ">13.1f" if name == "pages/s" else ">13.3f"
            row = "".join(f"{v:{fmt}}" for v in values)
            print(f"  {name:26}{row}   {'ok' if ok else 'BELOW'}")
    for tool in TOOLS:
        print(f"\n  {tool}: page type -> records / refused (by reason)")
        for page_type, counts in figures[tool]["confusion"].items():
            refused = {k: v for k, v in counts.items() if k not in ("pages", RECORD)}
            why = ", ".join(f"{code} {n}" for code, n in refused.items()) or "-"
            print(
                f"    {page_type:14}{counts['pages']:>4} pages {counts[RECORD]:>4} records "
                f"{sum(refused.values()):>4} refused  ({why})"
            )
    flagged = figures["flagged"]
    print(
        f"\n  article pages where trafilatura's body F1 > {FLAG_ABOVE} and broadsheet's "
        f"< {FLAG_UNDER}: {len(flagged)}"
    )
    for item in flagged:
        print(
            f"    {item['page']}  trafilatura {item['trafilatura body F1']:.3f}  "
            f"broadsheet {item['broadsheet body F1']:.3f}  {item['url']}"
        )
