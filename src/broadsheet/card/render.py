"""The dataset card: the Markdown body of a release's ``README.md``.

Sections follow the Hugging Face dataset card template and answer the Datasheets for
Datasets questions that apply to scraped news. The prose is a Jinja2 template
(:mod:`broadsheet.card.template`; the recipe may name its own copy); hand-written narrative
comes from the recipe's ``[card]`` table (keys listed in :data:`NARRATIVE`) and the
publishers' ``facts``; every table, figure and measured sentence is generated from the data
(:class:`broadsheet.card.stats.CardStats`) and the build report, as the template's
``blocks``. The text is deterministic: no clock, every table in a fixed order.
"""

from __future__ import annotations

import itertools
import json
import shlex
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
from pydantic import BaseModel

from broadsheet import __version__
from broadsheet.card.bias_section import bias_blocks
from broadsheet.card.corpus_section import corpus_block
from broadsheet.card.markdown import (
    LIST_CAP,
    NARRATIVE,
    TOP_K,
    block,
    counted,
    num,
    share,
    table,
    when,
)
from broadsheet.card.outlets_section import PUBLISHERS_CSV, figure, publishers_csv
from broadsheet.card.stats import PROVENANCE_CAP, CardStats
from broadsheet.card.template import render_template
from broadsheet.errors import REASONS
from broadsheet.recipe import Recipe
from broadsheet.records.arrow import ARTICLE_SCHEMA
from broadsheet.records.model import Article, Block, Image, Related

__all__ = ["NARRATIVE", "CardStats", "render_card_body", "write_card_files"]


def write_card_files(
    stats: CardStats, release_dir: Path, report: Mapping[str, Any] | None = None
) -> dict[str, str]:
    """Write the card's figures and ``publishers.csv`` into a release; the figures' paths
    (figure key -> path in the release), for :func:`render_card_body`. ``report`` is the
    build report (its ``corpus`` section gives the CSV's syndication columns)."""
    # imported here: plotting loads matplotlib, which a build needs only at its end
    from broadsheet.card.figures import write_figures

    text = publishers_csv(stats, report)
    (release_dir / PUBLISHERS_CSV).write_text(text, encoding="utf-8")
    return write_figures(stats, release_dir)


def _command_inputs(report: dict[str, Any]) -> list[str]:
    """The ``--source`` values of the recorded build command (relative paths)."""
    try:
        words = shlex.split(str(report.get("command", "")))
    except ValueError:
        return []
    return [b for a, b in itertools.pairwise(words) if a == "--source"]


def _description(recipe: Recipe, stats: CardStats, report: dict[str, Any]) -> str:
    ds = recipe.dataset
    inputs = report.get("inputs", stats.provenance.total)
    quarantined = report.get("quarantined", sum(stats.quarantine.values()))
    skipped = sum(report.get("skipped", {}).values())
    publishers = stats.publishers.most_common()
    if len(publishers) > TOP_K:
        shown = counted(publishers)
        listed = (
            f"{num(len(publishers))} publishers: {shown} and {num(len(publishers) - TOP_K)} more "
            "(all under *Outlets and their editorial lines*)"
        )
    elif len(publishers) > 1:
        listed = f"{num(len(publishers))} publishers: {counted(publishers)}"
    else:
        listed = counted(publishers)
    if recipe.given:
        licence = f"`{ds.license}` ({ds.license_name}); see *Licence and Copyright* below"
    else:
        licence = "not stated (built without a recipe); see *Licence and Copyright* below"
    return block(
        f"- **Name and version:** `{ds.name}` {ds.version}, built with broadsheet "
        f"{report.get('broadsheet_version', __version__)}",
        f"- **Records:** {num(stats.rows)} accepted of {num(inputs)} inputs "
        f"({num(quarantined)} quarantined, {num(skipped)} skipped non-pages)",
        f"- **Publishers:** {listed}",
        f"- **Languages (detected):** {counted(stats.languages.most_common())}",
        f"- **Published:** {when(stats.published[0])} to {when(stats.published[1])}",
        f"- **Words of article text:** {num(stats.words)}",
        f"- **Licence:** {licence}",
        f"- **Curated by:** {recipe.card.get('curated_by', 'not stated')}",
    )


def _sources(recipe: Recipe, report: dict[str, Any]) -> str:
    ds = recipe.dataset
    hosts = sorted({host for p in recipe.publishers for host in p.hosts})
    given = _command_inputs(report)
    if given or not recipe.given:
        inputs = f"- **Inputs given on the command line:** {_codes(given)}"
    else:
        inputs = f"- **Inputs named by the recipe:** {_codes(ds.sources)}"
    return block(
        *([f"- **Sites:** {', '.join(hosts)}"] if hosts or recipe.given else []),
        inputs,
        f"- **Homepage:** {ds.homepage or 'none'}",
    )


def _codes(items: list[str]) -> str:
    return ", ".join(f"`{s}`" for s in items) or "not recorded"


def _type_name(kind: pa.DataType) -> str:
    if pa.types.is_list(kind):
        return f"list of {_type_name(kind.value_type)}"
    if pa.types.is_struct(kind):
        return "struct"
    if pa.types.is_timestamp(kind):
        return "timestamp[us, UTC]"
    if pa.types.is_date32(kind):
        return "date32"
    return str(kind)


def _example(stats: CardStats) -> str:
    if stats.example is None:
        return "No records."
    row = dict(stats.example)
    row["text"] = row["text"][:280] + ("…" if len(row["text"]) > 280 else "")
    row["body"] = [
        {**b, "text": b["text"][:160] + ("…" if len(b["text"]) > 160 else "")}
        for b in row["body"][:3]
    ] + ([f"… {len(stats.example['body']) - 3} more blocks"] if len(row["body"]) > 3 else [])
    row["related"] = row["related"][:2]

    def plain(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return value.isoformat() if isinstance(value, date) else str(value)

    dumped = json.dumps(row, indent=2, ensure_ascii=False, default=plain)
    return block("```json", dumped, "```")


def _structure(stats: CardStats, report: dict[str, Any]) -> str:
    rows: list[list[Any]] = []
    nested: dict[str, type[BaseModel]] = {"images": Image, "body": Block, "related": Related}
    for field in ARTICLE_SCHEMA:
        info = Article.model_fields[field.name]
        empty = stats.nulls.get(field.name, 0)
        rows.append(
            [f"`{field.name}`", _type_name(field.type), info.description, share(empty, stats.rows)]
        )
        if field.name in nested:
            for sub, sub_info in nested[field.name].model_fields.items():
                rows.append([f"`{field.name}[].{sub}`", "string", sub_info.description, ""])
    shards = report.get("shards", [])
    return block(
        f"One split, `train`, of {num(stats.rows)} rows in {len(shards)} Parquet shard(s) "
        "(`data/train-*.parquet`, zstd, rows sorted by `id`). One row is one article as "
        "published, with where it came from. Field types are the Arrow schema; "
        "'empty' is the share of rows where the field is null or an empty list.",
        "",
        *table(["field", "type", "description", "empty"], rows),
    )


def _load(recipe: Recipe) -> str:
    name, version = recipe.dataset.name, recipe.dataset.version
    return block(
        "```python",
        f'release = "dist/{name}/{version}"  # the folder holding this card',
        "",
        "import pandas as pd",
        'df = pd.read_parquet(f"{release}/data/")',
        "",
        "import polars as pl",
        'df = pl.read_parquet(f"{release}/data/train-*.parquet")',
        "",
        "import duckdb",
        "duckdb.sql(f\"SELECT id, published_at, title FROM '{release}/data/train-*.parquet' \"",
        '           "ORDER BY published_at").show()',
        "",
        "from datasets import load_dataset",
        'ds = load_dataset(release, split="train")',
        "```",
    )


def _pipeline(stats: CardStats, report: dict[str, Any]) -> str:
    versions = report.get("versions", {})
    return block(
        f"- Pipeline: broadsheet {report.get('broadsheet_version', __version__)}; "
        f"parsers: {counted(stats.parsers.most_common())}",
        "- Libraries: "
        + (", ".join(f"{k} {v}" for k, v in sorted(versions.items())) or "not recorded"),
        "- Build command:",
        "",
        "```",
        str(report.get("command", "not recorded")),
        "```",
    )


def _checks(report: dict[str, Any]) -> str:
    checks = sorted(report.get("checks", {}).items())
    if not checks:
        return "No table check results were recorded."
    rows = [[f"`{c}`", num(n), REASONS.get(c, "no meaning recorded")] for c, n in checks]
    return block(*table(["check", "failures", "meaning"], rows))


def _provenance(stats: CardStats) -> str:
    rows = [list(row) for row in stats.provenance.rows()]
    lines = [
        f"Every input file ({num(stats.provenance.total)} in all), sorted by path: its sha256, "
        "the URL it was captured from, the capture time or the bound inferred from dated "
        "page chrome, the parser, and the outcome.",
        "",
        *table(["source file", "sha256", "URL", "captured", "parser", "outcome"], rows),
    ]
    if stats.provenance.total > PROVENANCE_CAP:
        lines.append(
            f"The first {num(PROVENANCE_CAP)} of {num(stats.provenance.total)} files are shown; "
            "the full list is `sources` in `build-report.json`."
        )
    return block(*lines)


def _quarantine(stats: CardStats, report: dict[str, Any], figures: Mapping[str, str]) -> str:
    reasons: dict[str, int] = dict(report.get("reasons") or stats.quarantine)
    total = sum(reasons.values())
    inputs = stats.rows + total
    rows = [
        [f"`{code}`", num(n), REASONS.get(code, "no meaning recorded")]
        for code, n in sorted(reasons.items())
    ]
    stages = counted(stats.quarantine_stages.most_common())
    return block(
        f"{num(total)} of {num(inputs)} pages ({share(total, inputs)}) did not become records "
        f"(by stage: {stages}). Nothing is dropped silently: each is listed in "
        "`quarantine.jsonl` with its reason code.",
        "",
        *(table(["code", "pages", "meaning"], rows) if rows else []),
        *figure(figures, "quarantine_reasons", "Quarantined pages by reason code"),
    )


def _licence(recipe: Recipe) -> str:
    ds = recipe.dataset
    if not recipe.given:
        return (
            "No licence is stated: the release was built without a recipe, and broadsheet "
            "does not guess one. The article text remains the work of its publishers; find "
            "out the terms of each before reusing it, and state them in a recipe "
            "(`[dataset] license`) for the next version."
        )
    return f"Licence field: `{ds.license}` (`{ds.license_name}`). {ds.license_text}".rstrip()


def _changes(changes: dict[str, Any], changes_text: str | None) -> str:
    previous = changes.get("previous")
    if previous is None:
        return "This is the first version of this dataset."
    if changes_text is not None:
        return block(
            f"Compared with version {previous}:",
            "",
            changes_text.strip("\n"),
            "",
            "The full lists are `changes` in `build-report.json`; `broadsheet diff` compares "
            "any two releases.",
        )
    lines = [f"Compared with version {previous}:", ""]
    for key, meaning in (
        ("added", "records added"),
        ("removed", "records removed"),
        ("changed", "records whose content changed"),
    ):
        ids = sorted(changes.get(key, []))
        shown = ", ".join(f"`{i}`" for i in ids[:LIST_CAP])
        more = f" and {num(len(ids) - LIST_CAP)} more" if len(ids) > LIST_CAP else ""
        lines.append(f"- {num(len(ids))} {meaning}" + (f": {shown}{more}" if ids else ""))
    for key, meaning in (("columns_added", "added"), ("columns_removed", "removed")):
        columns = changes.get(key, [])
        if columns:
            names = ", ".join(f"`{c}`" for c in columns)
            lines.append(f"- columns {meaning}: {names}")
    return block(*lines, "", "The full lists are `changes` in `build-report.json`.")


def _citation(recipe: Recipe, report: dict[str, Any]) -> str:
    ds = recipe.dataset
    fingerprint = report.get("fingerprint", "unknown")
    if ds.citation:
        return block(
            "```bibtex",
            ds.citation.strip(),
            "```",
            "",
            f"Content fingerprint of this version: `{fingerprint}`.",
        )
    key = ds.name.replace("-", "_").replace(".", "_")
    return block(
        "```bibtex",
        f"@misc{{{key}_{ds.version.replace('.', '_')},",
        f"  title = {{{ds.pretty_name}}},",
        f"  version = {{{ds.version}}},",
        f"  note = {{Built with broadsheet {report.get('broadsheet_version', __version__)}; "
        f"content fingerprint {fingerprint}}}",
        "}",
        "```",
    )


def render_card_body(
    *,
    recipe: Recipe,
    stats: CardStats,
    report: dict[str, Any],
    changes: dict[str, Any],
    figures: Mapping[str, str] | None = None,
    changes_text: str | None = None,
) -> str:
    """The Markdown body of the dataset card (the build adds the YAML front matter).

    ``figures`` maps a figure's key (:data:`broadsheet.card.figures.FIGURES`) to its path in
    the release, as :func:`broadsheet.card.figures.write_figures` returns it; ``changes_text``
    is the Markdown of the changes since the previous version, when they were compared.
    """
    figures = figures or {}
    blocks = {
        "description": _description(recipe, stats, report),
        "sources": _sources(recipe, report),
        "structure": _structure(stats, report),
        "example": _example(stats),
        "load": _load(recipe),
        "pipeline": _pipeline(stats, report),
        "checks": _checks(report),
        "provenance": _provenance(stats),
        "quarantine": _quarantine(stats, report, figures),
        "corpus": corpus_block(report, stats.rows),
        **bias_blocks(recipe, stats, report, figures),
        "licence": _licence(recipe),
        "changes": _changes(changes, changes_text),
        "citation": _citation(recipe, report),
    }
    return render_template(
        recipe,
        ds=recipe.dataset,
        blocks=blocks,
        fingerprint=report.get("fingerprint", "unknown"),
        named_speakers=num(len(stats.named_speakers())),
        one_outlet=len(stats.publishers) <= 1,
    )
