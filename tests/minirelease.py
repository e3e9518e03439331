"""Lay out a small release folder exactly as the release contract describes it.

Used by the validate tests to start from a known-good release and then damage it one
way at a time (a byte, a row, a count), resealing SHA256SUMS when the damage should
get past the checksums.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from article_factory import SETTINGS
from broadsheet.recipe import CheckSettings, DatasetInfo, Recipe
from broadsheet.records.arrow import records_to_table
from broadsheet.records.model import Article
from broadsheet.records.quarantine import Quarantined
from broadsheet.release.croissant import DataFacts, croissant_metadata
from broadsheet.release.fingerprint import fingerprint
from broadsheet.release.layout import hf_features, sha256_file

NAME, VERSION = "mini-news", "1.0.0"

UNPARSED = Quarantined(
    source_file="pages/home.txt",
    source_sha256="9" * 64,
    code="not_article",
    message="the page is a home page, not an article",
    stage="parse",
)


def shard_names(count: int) -> list[str]:
    return [f"train-{k:05d}-of-{count:05d}.parquet" for k in range(count)]


def write_shards(release: Path, table: pa.Table, count: int = 1, row_group_rows: int = 2) -> None:
    """Rows sorted by id, split into ``count`` shards of about equal size (zstd)."""
    data = release / "data"
    for old in data.glob("*.parquet"):
        old.unlink()
    data.mkdir(parents=True, exist_ok=True)
    table = table.sort_by("id").replace_schema_metadata(None)
    per = -(-table.num_rows // count) if table.num_rows else 0
    for k, name in enumerate(shard_names(count)):
        part = table.slice(k * per, per)
        pq.write_table(part, data / name, compression="zstd", row_group_size=row_group_rows)


def read_rows(release: Path) -> pa.Table:
    return pa.concat_tables(
        pq.read_table(p).replace_schema_metadata(None) for p in sorted(release.glob("data/*"))
    )


def card_text(rows: int, digest: str) -> str:
    header: dict[str, Any] = {
        "pretty_name": "Mini news",
        "license": "other",
        "license_name": "all-rights-reserved",
        "language": ["en"],
        "size_categories": ["n<1K"],
        "task_categories": ["text-classification"],
        "configs": [
            {
                "config_name": "default",
                "data_files": [{"split": "train", "path": "data/train-*.parquet"}],
            }
        ],
        "dataset_info": {
            "features": hf_features(),
            "splits": [{"name": "train", "num_bytes": 1000, "num_examples": rows}],
            "download_size": 1000,
            "dataset_size": 1000,
        },
    }
    front = yaml.safe_dump(header, sort_keys=False, allow_unicode=True)
    return (
        f"---\n{front}---\n\n# Mini news\n\nThree short articles.\n\n"
        f"Content fingerprint: `{digest}`\n"
    )


def reseal(release: Path) -> None:
    """Rewrite SHA256SUMS for the files as they are now."""
    lines = []
    for path in sorted(p for p in release.rglob("*") if p.is_file()):
        name = path.relative_to(release).as_posix()
        if name != "SHA256SUMS":
            lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {name}\n")
    (release / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")


def lay_out(
    out: Path,
    records: list[Article],
    *,
    shards: int = 1,
    settings: CheckSettings = SETTINGS,
    quarantined: tuple[Quarantined, ...] = (UNPARSED,),
) -> Path:
    """A complete release of ``records`` under ``out/NAME/VERSION``."""
    release = out / NAME / VERSION
    table = records_to_table(records)
    write_shards(release, table, shards)
    sorted_table = table.sort_by("id")
    digest = fingerprint([sorted_table])
    names = shard_names(shards)
    report = {
        "dataset": {"name": NAME, "version": VERSION, "license": "other"},
        "broadsheet_version": "0.1.0",
        "command": f"broadsheet build --name {NAME} --version {VERSION}",
        "inputs": len(records) + len(quarantined),
        "accepted": len(records),
        "quarantined": len(quarantined),
        "skipped": {},
        "reasons": {q.code: sum(1 for x in quarantined if x.code == q.code) for q in quarantined},
        "checks": {},
        "check_settings": settings.model_dump(mode="json"),
        "fingerprint": digest,
        "rows": len(records),
        "shards": names,
        "sources": [],
        "versions": {},
        "changes": {"previous": None, "added": [], "removed": [], "changed": []},
    }
    write_json(release / "build-report.json", report)
    (release / "quarantine.jsonl").write_text(
        "".join(json.dumps(q.to_json_dict(), sort_keys=True) + "\n" for q in quarantined),
        encoding="utf-8",
    )
    (release / "README.md").write_text(card_text(len(records), digest), encoding="utf-8")
    write_json(release / "croissant.json", croissant(release, records, names, quarantined))
    reseal(release)
    return release


def croissant(
    release: Path, records: list[Article], names: list[str], quarantined: tuple[Quarantined, ...]
) -> dict[str, Any]:
    """croissant.json as the build writes it, from the facts of ``records`` and the shards."""
    info = DatasetInfo(name=NAME, version=VERSION, pretty_name="Mini news")
    shards = [f"data/{name}" for name in names]
    facts = DataFacts(
        rows=len(records),
        shards=[(p, sha256_file(release / p), (release / p).stat().st_size) for p in shards],
        languages=sorted({r.language.split("-")[0] for r in records}),
        without_url=sum(1 for r in records if r.url is None),
        without_capture=sum(1 for r in records if r.captured_at is None),
        quarantined={q.code: sum(1 for x in quarantined if x.code == q.code) for q in quarantined},
    )
    return croissant_metadata(Recipe(dataset=info), facts)


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def edit_report(release: Path, change: Callable[[dict[str, Any]], None]) -> None:
    path = release / "build-report.json"
    report = json.loads(path.read_text(encoding="utf-8"))
    change(report)
    write_json(path, report)


def rewrite_rows(release: Path, change: Callable[[pa.Table], pa.Table], shards: int = 1) -> None:
    """Replace the rows (the card and report keep their old claims), then reseal."""
    write_shards(release, change(read_rows(release)), shards)
    reseal(release)


def replace_column(table: pa.Table, name: str, values: list[Any]) -> pa.Table:
    index = table.schema.get_field_index(name)
    field = table.schema.field(index)
    return table.set_column(index, field, pa.array(values, field.type))
