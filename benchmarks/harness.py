"""What the extraction benchmarks share: page sets, the two tools' calls and answers, timing."""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import trafilatura
from dateutil import parser as dateparser

from broadsheet.build.pipeline import process_page
from broadsheet.records.model import Article
from broadsheet.records.quarantine import Quarantined
from broadsheet.sources.items import Page

REPO = Path(__file__).resolve().parent.parent
TOOLS = ("broadsheet", "trafilatura")

Tool = Callable[[str, bytes], object]
#: A publication time, or a day when only the day is stated.
When = datetime | date | None


@dataclass(slots=True)
class Result:
    """One tool's answer for one page, in the benchmark's terms."""

    body: str | None = None
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    date: When = None
    tags: list[str] = field(default_factory=list)
    code: str | None = None  # why the page was refused (broadsheet's reason code)
    error: str | None = None

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "text": self.body,
            "title": self.title,
            "authors": self.authors,
            "date": self.date.isoformat() if self.date is not None else None,
            "tags": self.tags,
            "code": self.code,
            "error": self.error,
        }


def load(bench: Path, name: str, truth_file: str) -> tuple[dict[str, bytes], dict[str, Any]]:
    """The pages of one set (gunzipped, by key in sorted order) and its annotations."""
    truth = json.loads((bench / name / truth_file).read_text(encoding="utf-8"))
    pages = {
        key: gzip.decompress((bench / name / "html" / f"{key}.html.gz").read_bytes())
        for key in sorted(truth)
    }
    return pages, truth


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


# ---------------------------------------------------------------- broadsheet


def run_broadsheet(key: str, html: bytes, url: str | None) -> Article | Quarantined:
    """Raw bytes to a validated record (or the quarantine entry saying why not)."""
    return process_page(Page(source_file=f"{key}.html", data=html, url=url))


def broadsheet_result(outcome: object, *, with_description: bool = False) -> Result:
    """The record's text (the description first when asked and not already in it)."""
    if isinstance(outcome, Quarantined):
        return Result(code=outcome.code, error=f"{outcome.code}: {outcome.message}")
    assert isinstance(outcome, Article)
    body = outcome.text
    if with_description and outcome.description and outcome.description not in body:
        body = f"{outcome.description}\n\n{body}"
    when: When = outcome.published_at
    if outcome.published_at is not None and outcome.published_at_precision == "day":
        when = outcome.published_at.date()  # a stated day (midnight UTC in the record)
    return Result(
        body=body, title=outcome.title, authors=outcome.authors, date=when, tags=outcome.tags
    )


# ---------------------------------------------------------------- trafilatura

#: trafilatura's best settings for times to the minute (its default format is a bare day).
TRAFILATURA_DATE_PARAMS = {
    "extensive_search": True,
    "original_date": True,
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}


def run_trafilatura_body(html: bytes) -> str | None:
    """The aeb-dev reference call."""
    return trafilatura.extract(html, include_comments=False)


def run_trafilatura_meta(html: bytes, url: str | None) -> Any:
    """Body and metadata with times to the minute (meta-dev)."""
    return trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        date_extraction_params=TRAFILATURA_DATE_PARAMS,
    )


def run_trafilatura_reference(html: bytes, url: str | None) -> Any:
    """Body and metadata as the wcxb-dev reference runs it (dates are days)."""
    return trafilatura.bare_extraction(html, url=url, with_metadata=True)


def trafilatura_result(document: Any) -> Result:
    """Authors split on ';' and tags on ',' (trafilatura joins them); a date with no time
    of day is a day."""
    if document is None:
        return Result(code="no_extraction", error="no extraction")
    when: When = None
    if document.date:
        try:
            parsed = dateparser.parse(document.date)
        except (ValueError, OverflowError):
            parsed = None
        if parsed is not None:
            stated_time = len(document.date.strip()) > len("YYYY-MM-DD")
            when = parsed if stated_time else parsed.date()
    tags = [t.strip() for tag in document.tags or [] for t in tag.split(",") if t.strip()]
    authors = [a.strip() for a in (document.author or "").split(";") if a.strip()]
    text = document.text or None
    return Result(
        body=text,
        title=document.title,
        authors=authors,
        date=when,
        tags=tags,
        code=None if text else "no_text",
        error=None if text else "no text",
    )


# ---------------------------------------------------------------- timing


def timed(
    tools: Mapping[str, Tool],
    answers: Mapping[str, Callable[[object], Any]],
    pages: Mapping[str, bytes],
    rounds: int,
) -> tuple[dict[str, dict[str, Any]], dict[str, float]]:
    """Each tool's answers (from the first round) and its pages per CPU second (best round).

    Each round runs every tool over every page, the tools alternating; each call is timed
    on its own. In the first round each output is turned into the benchmark's answer
    (``answers[tool]``) outside the timed call and dropped, so that no tool runs with the
    other's outputs held in memory. CPU time of this process rather than wall-clock time,
    so that other load on a shared machine does not decide the comparison; on an idle
    machine the two agree for this single-threaded work.
    """
    kept: dict[str, dict[str, Any]] = {name: {} for name in tools}
    best = dict.fromkeys(tools, float("inf"))
    clock = time.process_time
    for round_ in range(max(rounds, 1)):
        for name, tool in tools.items():
            answer = answers[name] if round_ == 0 else None
            seconds = 0.0
            for key, html in pages.items():
                start = clock()
                output = tool(key, html)
                seconds += clock() - start
                if answer is not None:
                    kept[name][key] = answer(output)
            best[name] = min(best[name], seconds)
    speed = {name: len(pages) / seconds if seconds else 0.0 for name, seconds in best.items()}
    return kept, speed
