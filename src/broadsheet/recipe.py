"""The dataset recipe: a TOML file naming the dataset, its sources, publishers, checks and card.

``broadsheet build`` with no arguments reads ``recipe.toml`` at the repository root.
Everything a release needs that is not in the pages lives here: thresholds for the
table checks, facts about each publisher, the hand-written narrative of the card, and the
``[limits]`` on what one input may hold (all optional, with defaults)::

    [limits]
    page_bytes = 16777216   # one page, as stored and once decompressed (too_large beyond)
    line_bytes = 67108864   # one JSONL or manifest.jsonl line (too_large beyond)
    json_depth = 64         # nesting of one JSONL line (too_deep beyond)
    batch_bytes = 33554432  # page bytes in one batch handed to a worker
    parse_timeout_seconds = 30  # wall-clock time to parse one page (parse_timeout beyond)
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from broadsheet.errors import UsageError
from broadsheet.sources.limits import Limits


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DatasetInfo(_Section):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    pretty_name: str
    summary: str = ""
    license: str = "other"
    license_name: str = "all-rights-reserved"
    license_text: str = ""
    task_categories: list[str] = Field(default_factory=lambda: ["text-classification"])
    sources: list[str] = Field(default_factory=lambda: ["seeds"])
    manifest: str | None = None
    shard_max_bytes: int = Field(default=256 * 1024 * 1024, gt=0)
    row_group_rows: int = Field(default=10_000, gt=0)
    homepage: str | None = None
    citation: str | None = None
    released: date | None = None


class Publisher(_Section):
    name: str
    hosts: list[str] = Field(default_factory=list)
    timezone: str = "UTC"
    language: str = "en"
    launched: date | None = None
    chrome_markers: list[str] = Field(default_factory=list)
    facts: list[dict[str, str]] = Field(default_factory=list)


class CheckSettings(_Section):
    """Thresholds of the table checks (also stored in every release's build report)."""

    title_min_chars: int = 8
    title_max_chars: int = 300
    text_min_words: int = 50
    text_max_words: int = 20_000
    earliest_published: date = date(1990, 1, 1)
    chrome_markers: list[str] = Field(default_factory=list)
    publishers: dict[str, Publisher] = Field(default_factory=dict)


class Recipe(_Section):
    dataset: DatasetInfo
    publishers: list[Publisher] = Field(default_factory=list)
    checks: CheckSettings = Field(default_factory=CheckSettings)
    limits: Limits = Field(default_factory=Limits)
    """``[limits]``: how much one input may hold (:class:`broadsheet.sources.limits.Limits`)."""
    lexicon: dict[str, list[str]] = Field(default_factory=dict)
    card: dict[str, Any] = Field(default_factory=dict)
    root: Path = Field(default=Path("."), exclude=True)

    def check_settings(self) -> CheckSettings:
        """Check thresholds with the publishers' facts attached."""
        return self.checks.model_copy(update={"publishers": {p.name: p for p in self.publishers}})


def load_recipe(path: Path) -> Recipe:
    """Read and validate a recipe; a clear ``UsageError`` when it is missing or wrong."""
    if not path.is_file():
        raise UsageError("no_recipe", f"no recipe at {path}: pass --source or create recipe.toml")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        recipe = Recipe.model_validate(data)
    except (tomllib.TOMLDecodeError, ValueError) as exc:
        raise UsageError("bad_recipe", f"{path} is not a valid recipe: {exc}") from exc
    return recipe.model_copy(update={"root": path.parent.resolve()})
