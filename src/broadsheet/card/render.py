"""The dataset card: the Markdown body of a release's ``README.md``.

Sections follow the Hugging Face dataset card template and answer the Datasheets for
Datasets questions that apply to scraped news. Hand-written narrative comes from the
recipe's ``[card]`` table (keys listed in :data:`NARRATIVE`) and the publishers' ``facts``;
every table is generated from the data (:class:`broadsheet.card.stats.CardStats`) and the
build report. The text is deterministic: no clock, every table in a fixed order.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pyarrow as pa
from pydantic import BaseModel

from broadsheet import __version__
from broadsheet.card.bias_section import bias_section
from broadsheet.card.markdown import (
    LIST_CAP,
    NARRATIVE,
    counted,
    narrative,
    num,
    share,
    table,
    when,
)
from broadsheet.card.stats import PROVENANCE_CAP, CardStats
from broadsheet.errors import REASONS
from broadsheet.recipe import Recipe
from broadsheet.records.arrow import ARTICLE_SCHEMA
from broadsheet.records.model import Article, Block, Image, Related

__all__ = ["NARRATIVE", "CardStats", "render_card_body"]


def _summary(recipe: Recipe, stats: CardStats, report: dict[str, Any]) -> list[str]:
    ds = recipe.dataset
    inputs = report.get("inputs", stats.provenance.total)
    quarantined = report.get("quarantined", sum(stats.quarantine.values()))
    skipped = sum(report.get("skipped", {}).values())
    hosts = sorted({host for p in recipe.publishers for host in p.hosts})
    return [
        f"# Dataset Card for {ds.pretty_name}",
        "",
        ds.summary,
        "",
        "## Dataset Details",
        "",
        "### Dataset Description",
        "",
        f"- **Name and version:** `{ds.name}` {ds.version}, built with broadsheet "
        f"{report.get('broadsheet_version', __version__)}",
        f"- **Records:** {num(stats.rows)} accepted of {num(inputs)} inputs "
        f"({num(quarantined)} quarantined, {num(skipped)} skipped non-pages)",
        f"- **Publishers:** {counted(stats.publishers.most_common())}",
        f"- **Languages (detected):** {counted(stats.languages.most_common())}",
        f"- **Published:** {when(stats.published[0])} to {when(stats.published[1])}",
        f"- **Words of article text:** {num(stats.words)}",
        f"- **Licence:** `{ds.license}` ({ds.license_name}); see *Licence and Copyright* below",
        f"- **Curated by:** {recipe.card.get('curated_by', 'not stated')}",
        "",
        f"Content fingerprint: `{report.get('fingerprint', 'unknown')}`",
        "",
        "The fingerprint is a sha256 over every record as canonical JSON in id order; "
        "`broadsheet validate` recomputes it from the Parquet files.",
        "",
        "### Dataset Sources",
        "",
        f"- **Sites:** {', '.join(hosts) or 'not stated'}",
        f"- **Inputs named by the recipe:** {', '.join(f'`{s}`' for s in ds.sources)}",
        f"- **Homepage:** {ds.homepage or 'none'}",
        "",
    ]


def _uses(recipe: Recipe) -> list[str]:
    return [
        "## Uses",
        "",
        "### Direct Use",
        "",
        *narrative(recipe, "direct_use"),
        "### Out-of-Scope Use",
        "",
        *narrative(recipe, "out_of_scope"),
    ]


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


def _example(stats: CardStats) -> list[str]:
    if stats.example is None:
        return ["No records.", ""]
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
    return ["```json", dumped, "```", ""]


def _structure(recipe: Recipe, stats: CardStats, report: dict[str, Any]) -> list[str]:
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
    name, version = recipe.dataset.name, recipe.dataset.version
    return [
        "## Dataset Structure",
        "",
        f"One split, `train`, of {num(stats.rows)} rows in {len(shards)} Parquet shard(s) "
        "(`data/train-*.parquet`, zstd, rows sorted by `id`). One row is one article as "
        "published, with where it came from. Field types are the Arrow schema; "
        "'empty' is the share of rows where the field is null or an empty list.",
        "",
        *table(["field", "type", "description", "empty"], rows),
        "### Example record (the smallest id, long values shortened)",
        "",
        *_example(stats),
        "### How to load",
        "",
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
        "",
        f"Check a copy before use: `broadsheet validate dist/{name}/{version}` (exit 0 when "
        "checksums, schema, record checks and this card's fingerprint all hold).",
        "",
    ]


def _creation(recipe: Recipe, stats: CardStats, report: dict[str, Any]) -> list[str]:
    versions = report.get("versions", {})
    lines = [
        "## Dataset Creation",
        "",
        "### Curation Rationale",
        "",
        *narrative(recipe, "motivation"),
        "### Source Data",
        "",
        "#### Data Collection and Processing",
        "",
        *narrative(recipe, "collection"),
        f"- Pipeline: broadsheet {report.get('broadsheet_version', __version__)}; "
        f"parsers: {counted(stats.parsers.most_common())}",
        "- Libraries: "
        + (", ".join(f"{k} {v}" for k, v in sorted(versions.items())) or "not recorded"),
        "- Build command:",
        "",
        "```",
        str(report.get("command", "not recorded")),
        "```",
        "",
        "Table checks and the records each one failed (failing records are quarantined):",
        "",
        *_checks(report),
        *_provenance(stats),
        *_quarantine(stats, report),
        "#### Who are the source data producers?",
        "",
        *narrative(recipe, "producers"),
        "### Annotations",
        "",
        "None. Every field is read from the page or derived from it by the pipeline (id, "
        "word count, reading time when the page prints none, section from the URL); "
        "`language` is predicted by a language identifier (CLD2, through pycld2).",
        "",
        "#### Personal and Sensitive Information",
        "",
        *narrative(recipe, "personal_info"),
        f"Measured: the articles quote {num(len(stats.named_speakers()))} distinct named "
        "speakers or "
        "bodies (see *Who is quoted*). The pipeline adds no personal data: besides the "
        "page's own content it records only file names, checksums, parser versions and times.",
        "",
    ]
    return lines


def _checks(report: dict[str, Any]) -> list[str]:
    checks = sorted(report.get("checks", {}).items())
    if not checks:
        return ["No table check results were recorded.", ""]
    rows = [[f"`{c}`", num(n), REASONS.get(c, "no meaning recorded")] for c, n in checks]
    return table(["check", "failures", "meaning"], rows)


def _provenance(stats: CardStats) -> list[str]:
    rows = [list(row) for row in stats.provenance.rows()]
    lines = [
        "#### Provenance",
        "",
        f"Every input file ({num(stats.provenance.total)} in all), sorted by path: its sha256, "
        "the URL it was captured from, the capture time or the bound inferred from dated "
        "page chrome, the parser, and the outcome.",
        "",
        *table(["source file", "sha256", "URL", "captured", "parser", "outcome"], rows),
    ]
    if stats.provenance.total > PROVENANCE_CAP:
        lines += [
            f"The first {num(PROVENANCE_CAP)} of {num(stats.provenance.total)} files are shown; "
            "the full list is `sources` in `build-report.json`.",
            "",
        ]
    return lines


def _quarantine(stats: CardStats, report: dict[str, Any]) -> list[str]:
    reasons: dict[str, int] = dict(report.get("reasons") or stats.quarantine)
    total = sum(reasons.values())
    inputs = stats.rows + total
    rows = [
        [f"`{code}`", num(n), REASONS.get(code, "no meaning recorded")]
        for code, n in sorted(reasons.items())
    ]
    stages = counted(stats.quarantine_stages.most_common())
    return [
        "#### Quarantine",
        "",
        f"{num(total)} of {num(inputs)} pages ({share(total, inputs)}) did not become records "
        f"(by stage: {stages}). Nothing is dropped silently: each is listed in "
        "`quarantine.jsonl` with its reason code.",
        "",
        *(table(["code", "pages", "meaning"], rows) if rows else []),
    ]


def _licence(recipe: Recipe) -> list[str]:
    ds = recipe.dataset
    return [
        "## Licence and Copyright",
        "",
        f"Licence field: `{ds.license}` (`{ds.license_name}`). {ds.license_text}",
        "",
        "Users may:",
        "",
        *narrative(recipe, "licence_may"),
        "Users may not, without the publisher's permission:",
        "",
        *narrative(recipe, "licence_may_not"),
    ]


def _changes(changes: dict[str, Any]) -> list[str]:
    previous = changes.get("previous")
    lines = [
        "## Changes Since the Previous Version",
        "",
        "Releases are immutable: a build with different content needs a new version, and "
        "each version lists here what changed since the one before it.",
        "",
    ]
    if previous is None:
        return [*lines, "This is the first version of this dataset.", ""]
    lines += [f"Compared with version {previous}:", ""]
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
    return [*lines, "", "The full lists are `changes` in `build-report.json`.", ""]


def _citation(recipe: Recipe, report: dict[str, Any]) -> list[str]:
    ds = recipe.dataset
    key = ds.name.replace("-", "_").replace(".", "_")
    own = ds.citation
    if own:
        return [
            "## Citation",
            "",
            "```bibtex",
            own.strip(),
            "```",
            "",
            f"Content fingerprint of this version: `{report.get('fingerprint', 'unknown')}`.",
            "",
            *_tools(recipe),
        ]
    return [
        "## Citation",
        "",
        "```bibtex",
        f"@misc{{{key}_{ds.version.replace('.', '_')},",
        f"  title = {{{ds.pretty_name}}},",
        f"  version = {{{ds.version}}},",
        f"  note = {{Built with broadsheet {report.get('broadsheet_version', __version__)}; "
        f"content fingerprint {report.get('fingerprint', 'unknown')}}}",
        "}",
        "```",
        "",
        *_tools(recipe),
    ]


def _tools(recipe: Recipe) -> list[str]:
    return [
        "Tools and methods:",
        "",
        *narrative(recipe, "tool_citations"),
        "## Dataset Card Contact",
        "",
        *narrative(recipe, "contact"),
    ]


def render_card_body(
    *, recipe: Recipe, stats: CardStats, report: dict[str, Any], changes: dict[str, Any]
) -> str:
    """The Markdown body of the dataset card (the build adds the YAML front matter)."""
    lines = [
        *_summary(recipe, stats, report),
        *_uses(recipe),
        *_structure(recipe, stats, report),
        *_creation(recipe, stats, report),
        *bias_section(recipe, stats, report),
        *_licence(recipe),
        *_changes(changes),
        *_citation(recipe, report),
    ]
    return "\n".join(lines).rstrip("\n") + "\n"
