"""``broadsheet diff``: two releases compared by record id.

The releases here are written by hand (a shard, a build report, a quarantine), so every
expected change is the one put in; the last test compares two built releases.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from broadsheet.cli.main import app
from broadsheet.errors import UsageError
from broadsheet.release.changes import diff_releases

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "fixtures" / "outlets" / "seeds"


def write_release(
    folder: Path,
    version: str,
    rows: list[dict[str, Any]],
    *,
    schema: pa.Schema | None = None,
    checks: dict[str, int] | None = None,
    quarantine: list[tuple[str, str]] = (),  # type: ignore[assignment]
    shards: int = 1,
) -> Path:
    release = folder / version
    (release / "data").mkdir(parents=True)
    table = pa.Table.from_pylist(sorted(rows, key=lambda r: r["id"]), schema=schema)
    step = -(-table.num_rows // shards)
    for i in range(shards):
        name = f"train-{i:05d}-of-{shards:05d}.parquet"
        pq.write_table(table.slice(i * step, step), release / "data" / name)
    report = {
        "dataset": {"name": "news", "version": version},
        "fingerprint": f"fp-{version}",
        "checks": checks or {},
    }
    (release / "build-report.json").write_text(json.dumps(report), encoding="utf-8")
    lines = [json.dumps({"source_file": f, "code": c}) + "\n" for f, c in quarantine]
    (release / "quarantine.jsonl").write_text("".join(lines), encoding="utf-8")
    return release


def row(rid: str, title: str, words: int = 100, **extra: Any) -> dict[str, Any]:
    return {"id": rid, "title": title, "word_count": words, **extra}


OLD_ROWS = [
    row("a1", "Talks stall"),
    row("b2", "Markets calm"),
    row("c3", "Storm nears coast", 250),
    row("d4", "Old story"),
]
NEW_ROWS = [
    row("a1", "Talks stall"),  # unchanged
    row("b2", "Markets calm again"),  # title changed
    row("c3", "Storm hits coast", 260),  # title and word count changed
    row("e5", "New story"),  # added; d4 removed
]


def test_records_added_removed_and_changed_field_by_field(tmp_path: Path) -> None:
    old = write_release(tmp_path, "1.0.0", OLD_ROWS, shards=2)
    new = write_release(tmp_path, "1.1.0", NEW_ROWS)
    changes = diff_releases(old, new)
    assert (changes.old, changes.new) == ("news 1.0.0", "news 1.1.0")
    assert changes.added == ["e5"] and changes.removed == ["d4"]
    assert changes.changed == ["b2", "c3"] and changes.unchanged == 1
    assert changes.fields == {"title": 2, "word_count": 1}
    assert changes.examples["word_count"] == [{"id": "c3", "old": 250, "new": 260}]
    assert changes.examples["title"][0] == {
        "id": "b2",
        "old": "Markets calm",
        "new": "Markets calm again",
    }
    assert changes.added_titles == [("e5", "New story")]
    assert changes.changed_anything
    data = changes.to_json()
    assert data["records"] == {
        "added": 1,
        "removed": 1,
        "changed": 2,
        "unchanged": 1,
        "added_ids": ["e5"],
        "removed_ids": ["d4"],
        "changed_ids": ["b2", "c3"],
    }
    json.dumps(data)  # plain JSON
    text = changes.to_markdown()
    assert text.startswith("## Changes from news 1.0.0 to news 1.1.0\n")
    assert "- 1 records added, 1 removed, 2 changed, 1 unchanged" in text
    assert "| `title` | 2 | `b2`: Markets calm → Markets calm again |" in text


def test_schema_changes_are_reported_and_retyped_columns_not_compared(tmp_path: Path) -> None:
    old = write_release(tmp_path, "1.0.0", [row("a1", "T", section="World")])
    schema = pa.schema([("id", pa.string()), ("title", pa.string()), ("word_count", pa.float64())])
    schema = schema.append(pa.field("share_count", pa.int64()))
    new = write_release(tmp_path, "2.0.0", [row("a1", "T", 100.0, share_count=3)], schema=schema)
    changes = diff_releases(old, new)
    assert changes.columns_added == ["share_count"]
    assert changes.columns_removed == ["section"]
    assert changes.columns_retyped == [("word_count", "int64", "double")]
    # a1 loses its section with the removed column and gains a share count with the added
    # one; its word count is not compared across types
    assert changes.changed == ["a1"] and changes.unchanged == 0
    assert changes.fields == {"section": 1, "share_count": 1}
    assert changes.examples["section"] == [{"id": "a1", "old": "World", "new": None}]
    text = changes.to_markdown()
    assert "- columns added: `share_count`" in text
    assert "- column `word_count` changed type: int64 → double" in text


def test_checks_and_quarantine_changes(tmp_path: Path) -> None:
    old = write_release(
        tmp_path,
        "1.0.0",
        OLD_ROWS,
        checks={"title_length": 0, "unique_id": 0},
        quarantine=[("pages/x.html", "empty"), ("pages/y.html", "not_article")],
    )
    new = write_release(
        tmp_path,
        "1.1.0",
        OLD_ROWS,
        checks={"title_length": 2, "unique_id": 0},
        quarantine=[("pages/y.html", "not_article"), ("pages/z.html", "not_article")],
    )
    changes = diff_releases(old, new)
    assert not (changes.added or changes.removed or changes.changed)
    assert changes.checks == {"title_length": (0, 2)}
    assert changes.quarantine == {"empty": (1, 0), "not_article": (1, 2)}
    assert changes.quarantined_now == ["pages/z.html"]
    assert changes.quarantined_before == ["pages/x.html"]
    text = changes.to_markdown()
    assert "| `title_length` | 0 | 2 |" in text
    assert "- 1 newly quarantined: `pages/z.html`" in text


def test_the_same_release_has_no_changes(tmp_path: Path) -> None:
    old = write_release(tmp_path, "1.0.0", OLD_ROWS)
    changes = diff_releases(old, old)
    assert not changes.changed_anything and changes.unchanged == 4
    assert "No changes" in changes.to_markdown()


def test_a_folder_that_is_no_release_is_a_usage_error(tmp_path: Path) -> None:
    old = write_release(tmp_path, "1.0.0", OLD_ROWS)
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="is not a release"):
        diff_releases(old, tmp_path / "empty")
    result = CliRunner().invoke(app, ["diff", str(old), str(tmp_path / "empty")])
    assert result.exit_code == 2 and "not_a_release" in result.output


def test_the_command_prints_markdown_or_json_and_fails_on_change_when_asked(
    tmp_path: Path,
) -> None:
    old = write_release(tmp_path, "1.0.0", OLD_ROWS)
    new = write_release(tmp_path, "1.1.0", NEW_ROWS)
    runner = CliRunner()
    shown = runner.invoke(app, ["diff", str(old), str(new)])
    assert shown.exit_code == 0 and "## Changes from news 1.0.0" in shown.output
    failed = runner.invoke(app, ["diff", str(old), str(new), "--fail-on-change", "--json"])
    assert failed.exit_code == 1
    assert json.loads(failed.output)["fields"] == {"title": 2, "word_count": 1}
    same = runner.invoke(app, ["diff", str(old), str(old), "--fail-on-change"])
    assert same.exit_code == 0
    summary = tmp_path / "summary.md"
    runner.invoke(app, ["diff", str(old), str(new), "--markdown", str(summary)])
    assert summary.read_text(encoding="utf-8").startswith("## Changes from news 1.0.0")


def test_built_releases_and_the_card_section(tmp_path: Path) -> None:
    """Two builds of the seed pages: the second's manifest gives one page a capture time."""
    from broadsheet.build.engines import SerialEngine
    from broadsheet.build.run import build_release
    from broadsheet.recipe import load_recipe

    recipe = load_recipe(ROOT / "recipe.toml")
    out = tmp_path / "out"
    for version, captured in (("1.0.0", ""), ("1.1.0", "2025-09-20T10:00:00Z")):
        pages = tmp_path / version
        shutil.copytree(SEEDS, pages)
        manifest = (pages / "manifest.csv").read_text(encoding="utf-8").splitlines()
        fields = manifest[1].split(",")
        fields[3] = captured  # captured_at of 000_d3aa1e9182096810.txt
        manifest[1] = ",".join(fields)
        (pages / "manifest.csv").write_text("\n".join(manifest) + "\n", encoding="utf-8")
        info = recipe.dataset.model_copy(update={"version": version})
        build_release(
            [pages],
            out_dir=out,
            recipe=recipe.model_copy(update={"dataset": info}),
            engine=SerialEngine(),
            root=pages,
            work_dir=tmp_path / "work",
        )
    name = recipe.dataset.name
    changes = diff_releases(out / name / "1.0.0", out / name / "1.1.0")
    assert changes.fields == {"captured_at": 1}
    assert changes.examples["captured_at"][0]["new"] == "2025-09-20T10:00:00Z"
    card = (out / name / "1.1.0" / "README.md").read_text(encoding="utf-8")
    assert "Compared with version 1.0.0:" in card
    assert "| `captured_at` | 1 |" in card
