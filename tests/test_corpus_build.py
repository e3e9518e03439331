"""The corpus passes inside ``broadsheet build``: rows rewritten, report, keep_one, engines."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from broadsheet.cli.main import app

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import corpus_truth

RECIPE = """[dataset]
name = "corpus-test"
version = "1.0.0"
pretty_name = "Corpus test"
summary = "A generated corpus with site chrome and syndicated stories."
license = "cc-by-4.0"
sources = ["pages.jsonl"]
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, corpus_truth.Truth]:
    folder = tmp_path_factory.mktemp("corpus")
    truth = corpus_truth.generate(seed=21, sites=4, stories=60)
    corpus_truth.write_pages(truth, str(folder / "pages.jsonl"))
    return folder, truth


def build(folder: Path, out: Path, *extra: str, corpus: str = "") -> Path:
    (folder / "recipe.toml").write_text(RECIPE + corpus, encoding="utf-8")
    args = ["build", "--recipe", str(folder / "recipe.toml"), "--out", str(out), *extra]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return out / "corpus-test" / "1.0.0"


def test_rows_lose_site_chrome_and_get_clusters(
    corpus: tuple[Path, corpus_truth.Truth], tmp_path: Path
) -> None:
    folder, truth = corpus
    release = build(folder, tmp_path / "a", "--engine", "serial")
    figures = corpus_truth.score_release(truth, str(release))
    assert figures["rows"] == len(truth.records)
    assert figures["removed_blocks"]["precision"] >= 0.95
    assert figures["removed_blocks"]["recall"] >= 0.95
    assert figures["clusters"]["precision"] >= 0.95
    # 90 true pairs here: a small sample (test_corpus_neardup checks 0.95 on 6,900 pairs)
    assert figures["clusters"]["recall"] >= 0.9
    rows = pq.read_table(release / "data").to_pylist()
    for row in rows:
        assert row["word_count"] == len(row["text"].split())
        assert row["near_duplicate_cluster"] is not None
        if row["near_duplicate_cluster"] == row["id"]:
            assert row["near_duplicate_similarity"] == 1.0
    assert sum(r["boilerplate_blocks_removed"] for r in rows) > 0
    report = json.loads((release / "build-report.json").read_text(encoding="utf-8"))
    section = report["corpus"]
    assert section["settings"]["policy"] == "mark"
    assert section["boilerplate"]["blocks_removed"] == sum(
        r["boilerplate_blocks_removed"] for r in rows
    )
    assert {s["site"] for s in section["boilerplate"]["by_site"]} == {
        r.publisher.casefold() for r in truth.records
    }
    assert section["near_duplicates"]["cross_publisher_clusters"] > 0
    result = CliRunner().invoke(app, ["validate", str(release)])
    assert result.exit_code == 0, result.output


def test_same_bytes_whatever_the_engine_and_batch_size(
    corpus: tuple[Path, corpus_truth.Truth], tmp_path: Path
) -> None:
    folder, _ = corpus
    serial = build(folder, tmp_path / "s", "--engine", "serial", "--batch-size", "7")
    processes = build(
        folder, tmp_path / "p", "--engine", "processes", "--workers", "2", "--batch-size", "50"
    )
    assert (serial / "SHA256SUMS").read_bytes() == (processes / "SHA256SUMS").read_bytes()


def test_keep_one_quarantines_the_other_members(
    corpus: tuple[Path, corpus_truth.Truth], tmp_path: Path
) -> None:
    folder, truth = corpus
    release = build(
        folder, tmp_path / "k", "--engine", "serial", corpus='[corpus]\npolicy = "keep_one"\n'
    )
    rows = pq.read_table(release / "data").to_pylist()
    kept = {r["id"] for r in rows}
    entries = [
        json.loads(line)
        for line in (release / "quarantine.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    near = [e for e in entries if e["code"] == "near_duplicate"]
    assert near and len(rows) + len(entries) == len(truth.records)
    for entry in near:
        assert entry["duplicate_of"] in kept
        assert entry["stage"] == "corpus"
    # every row kept is the canonical record of its cluster
    assert all(r["near_duplicate_cluster"] == r["id"] for r in rows)
    # one record per story
    by_url = {r.url: truth.story[r.id] for r in truth.records}
    stories = [by_url[r["url"]] for r in rows]
    assert len(stories) - len(set(stories)) <= 0.05 * len(stories)
