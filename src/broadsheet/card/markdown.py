"""Markdown building blocks of the dataset card: tables, numbers, times, recipe narrative."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from broadsheet.recipe import Recipe

NARRATIVE: dict[str, str] = {
    "curated_by": "who assembles and maintains the dataset",
    "direct_use": "what the dataset is for",
    "out_of_scope": "uses it does not support (list)",
    "motivation": "curation rationale",
    "collection": "how the pages were collected and processed",
    "producers": "who wrote the source pages",
    "editorial_line": "the outlet's editorial line, stated neutrally",
    "framing_method": "how the framing vocabulary is measured and why",
    "personal_info": "personal and sensitive information",
    "limitations": "known limitations (list)",
    "recommendations": "recommendations to users (list)",
    "licence_may": "what users may do with the content (list)",
    "licence_may_not": "what users may not do without the publisher's permission (list)",
    "tool_citations": "references for the tools and methods (list)",
    "contact": "where to report problems",
}
"""Keys of the recipe's ``[card]`` table that hold hand-written text, and what each says.

Besides these, ``[card]`` may set ``institutional_bylines`` (names counted as institutional
bylines besides the publishers), ``outlet_names`` (names in ``X told <outlet>``),
``text_languages`` (the languages the lexicon and speaker measures read, default ``["en"]``)
and ``template`` (the card's Jinja2 template, a path relative to the recipe).
"""

TOP_K = 20
"""Rows of a top-k table."""
LIST_CAP = 50
"""Ids listed inline before the card points to ``build-report.json``."""


def escape(text: str) -> str:
    """Text from the data made safe for Markdown: '<' and '>' as entities outside code spans.

    (A renderer would otherwise take '<outlet>' for an HTML tag and hide it.)
    """
    parts = re.split(r"(`[^`]*`)", text)
    return "".join(
        part if i % 2 else part.replace("<", "&lt;").replace(">", "&gt;")
        for i, part in enumerate(parts)
    )


def cell(value: Any) -> str:
    """A value fit for a Markdown table cell ('—' for nothing; pipes, newlines, tags escaped)."""
    text = "—" if value is None or value == "" else str(value)
    return escape(text).replace("|", "\\|").replace("\n", " ")


def table(header: list[str], rows: Iterable[list[Any]]) -> list[str]:
    """A Markdown table and the blank line after it."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return [*lines, ""]


def num(value: int) -> str:
    """An integer with thousands separators."""
    return f"{value:,}"


def share(part: int, whole: int) -> str:
    """A percentage with one decimal, '—' when the whole is zero."""
    return f"{100 * part / whole:.1f}%" if whole else "—"


def rate(count: int, words: int) -> str:
    """Occurrences per 1,000 words, two decimals, '—' when there are no words."""
    return f"{1000 * count / words:.2f}" if words else "—"


def when(value: datetime | None) -> str:
    """A time in UTC to the minute, or 'unknown'."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if value else "unknown"


def day(value: date | None) -> str:
    """A date, or 'unknown'."""
    return value.isoformat() if value else "unknown"


def block(*lines: str) -> str:
    """Lines of Markdown as one block, without blank lines at either end."""
    return "\n".join(lines).strip("\n")


def narrative(recipe: Recipe, key: str) -> list[str]:
    """A ``[card]`` entry as Markdown lines: a string as a paragraph, a list as bullets.

    A missing entry is shown as such, so a gap in the recipe is visible in the card.
    """
    value = recipe.card.get(key)
    if not value:
        return [f"_Not stated in the recipe (`[card].{key}`: {NARRATIVE.get(key, key)})._", ""]
    if isinstance(value, list):
        return [*(f"- {str(item).strip()}" for item in value), ""]
    return [str(value).strip(), ""]


def counted(items: Iterable[tuple[str, int]], k: int = TOP_K) -> str:
    """'a (3), b (1)': the k most common, by count then key."""
    ranked = sorted(items, key=lambda kv: (-kv[1], kv[0]))[:k]
    return ", ".join(f"{escape(key)} ({num(n)})" for key, n in ranked) or "none"
