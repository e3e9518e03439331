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
from typing import Any, Literal

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


class CorpusSettings(_Section):
    """``[corpus]``: the corpus passes over all accepted records (``broadsheet.corpus``).

    A body block is site boilerplate when it has at least ``min_words`` words and recurs on at
    least ``min_pages`` distinct pages of its site that are also at least ``min_share`` of the
    site's pages; they are removed from a record unless that would take more than
    ``max_removed_share`` of its text's words (blocks shared by copies of one article are the
    article, not chrome: such a record is left whole). Two records are near-duplicates when the
    Jaccard similarity of their sets of ``shingle_words``-word shingles, estimated from
    ``num_perm``-slot MinHash signatures (seed ``seed``), is at least ``threshold``; ``policy``
    ``mark`` keeps every record and marks its cluster, ``keep_one`` keeps only each cluster's
    canonical record.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    boilerplate: bool = True
    min_pages: int = Field(5, ge=2)
    min_share: float = Field(0.1, gt=0.0, le=1.0)
    min_words: int = Field(4, ge=1)
    max_removed_share: float = Field(0.5, gt=0.0, le=1.0)
    near_duplicates: bool = True
    threshold: float = Field(0.5, gt=0.0, le=1.0)
    num_perm: int = Field(128, ge=16, le=1024)
    shingle_words: int = Field(5, ge=1, le=16)
    seed: int = Field(1, ge=0, lt=2**32)
    policy: Literal["mark", "keep_one"] = "mark"


class Recipe(_Section):
    dataset: DatasetInfo
    publishers: list[Publisher] = Field(default_factory=list)
    checks: CheckSettings = Field(default_factory=CheckSettings)
    limits: Limits = Field(default_factory=Limits)
    """``[limits]``: how much one input may hold (:class:`broadsheet.sources.limits.Limits`)."""
    corpus: CorpusSettings = Field(default_factory=CorpusSettings)
    """``[corpus]``: site boilerplate and near-duplicate passes (:class:`CorpusSettings`)."""
    lexicon: dict[str, list[str]] = Field(default_factory=dict)
    card: dict[str, Any] = Field(default_factory=dict)
    """``[card]``: the card's hand-written texts (``broadsheet.card.markdown.NARRATIVE``) and
    settings; ``template`` names a Jinja2 template for the card's prose (a path relative to
    the recipe; default: the one broadsheet ships, ``card/templates/card.md.j2``)."""
    root: Path = Field(default=Path("."), exclude=True)
    given: bool = Field(default=True, exclude=True)
    """False for the stand-in of a build without a recipe file: the card then states the
    licence as not stated and leaves out what only a recipe could say."""

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
