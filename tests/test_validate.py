"""broadsheet validate: a good release passes; each kind of damage fails with a clear finding."""

from __future__ import annotations

import hashlib
import json
import shutil
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from article_factory import PUBLISHER, article
from broadsheet.build.engines import SerialEngine
from broadsheet.build.run import build_release
from broadsheet.cli.main import app
from broadsheet.recipe import CheckSettings, DatasetInfo, Publisher, Recipe
from broadsheet.release.fingerprint import canonical_json
from broadsheet.validate.reports import CHECKS
from broadsheet.validate.run import validate_release
from minirelease import (
    edit_report,
    lay_out,
    read_rows,
    replace_column,
    reseal,
    rewrite_rows,
    write_shards,
)

REPO = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture
def release(tmp_path: Path) -> Path:
    return lay_out(tmp_path / "dist", [article("port"), article("harvest"), article("library")])


def failures(release: Path, check: str) -> list[tuple[str | None, str, object]]:
    report = validate_release(release)
    assert not report.ok
    return [(s.record_id, s.field, s.value) for s in report.outcome(check).samples]


def test_a_good_release_passes(release: Path) -> None:
    report = validate_release(release)
    assert [o.check for o in report.outcomes if o.status != "passed"] == []
    assert report.ok and report.rows == 3
    assert [o.check for o in report.outcomes] == list(CHECKS)
    result = runner.invoke(app, ["validate", str(release)])
    assert result.exit_code == 0, result.output
    assert f"all {len(CHECKS)} checks hold (3 rows)" in result.output


def test_a_changed_byte_fails_the_checksums(release: Path) -> None:
    card = release / "README.md"
    card.write_bytes(card.read_bytes().replace(b"Three short", b"Three shorT"))
    assert [(f[1]) for f in failures(release, "checksums_match")] == ["README.md"]
    result = runner.invoke(app, ["validate", str(release)])
    assert result.exit_code == 1
    assert "checksums_match" in result.output and "README.md" in result.output


def test_a_damaged_shard_fails_without_crashing(release: Path) -> None:
    shard = release / "data" / "train-00000-of-00001.parquet"
    data = shard.read_bytes()
    assert data.endswith(b"PAR1")
    shard.write_bytes(data[:-1] + b"X")  # the closing magic bytes
    report = validate_release(release)
    assert report.outcome("checksums_match").samples[0].field == "data/train-00000-of-00001.parquet"
    [unreadable] = report.outcome("shard_schema").samples
    assert "is not readable Parquet" in unreadable.message
    for check in ("card_num_examples", "card_fingerprint", "report_fingerprint"):
        assert report.outcome(check).status == "skipped"
    assert report.outcome("report_counts").status == "passed"
    assert runner.invoke(app, ["validate", str(release)]).exit_code == 1


def test_unlisted_and_missing_files_fail(release: Path) -> None:
    (release / "notes.txt").write_text("scratch\n", encoding="utf-8")
    (release / "croissant.json").unlink()
    report = validate_release(release)
    assert [s.field for s in report.outcome("no_unlisted_files").samples] == ["notes.txt"]
    assert [s.field for s in report.outcome("release_files").samples] == ["croissant.json"]
    assert "croissant.json is listed but not in the release" in [
        s.message for s in report.outcome("checksums_match").samples
    ]


def test_a_title_too_long_names_record_field_and_check(release: Path) -> None:
    harvest = article("harvest")
    long_title = "Wheat harvest " + "begins early " * 30

    def retitle(table: pa.Table) -> pa.Table:
        titles = [
            long_title if i == harvest.id else t
            for i, t in zip(
                table.column("id").to_pylist(), table.column("title").to_pylist(), strict=True
            )
        ]
        return replace_column(table, "title", titles)

    rewrite_rows(release, retitle)
    report = validate_release(release)
    outcome = report.outcome("title_length")
    assert outcome.failures == 1
    [sample] = outcome.samples
    assert (sample.record_id, sample.field) == (harvest.id, "title")
    assert sample.value == long_title[:199] + "…"
    assert f"has {len(long_title)} characters; expected 8 to 300" in sample.message
    assert report.outcome("checksums_match").status == "passed"
    # the data no longer matches what the card and the report recorded
    assert report.outcome("card_fingerprint").status == "failed"
    assert report.outcome("report_fingerprint").status == "failed"
    result = runner.invoke(app, ["validate", str(release)])
    assert result.exit_code == 1
    assert "title_length" in result.output and harvest.id in result.output


def test_a_duplicate_id_across_shards_fails(tmp_path: Path) -> None:
    records = sorted([article("port"), article("harvest"), article("library")], key=lambda a: a.id)
    release = lay_out(tmp_path / "dist", records, shards=2)
    middle = records[1]  # rows x, y, y, z split into shards [x, y] and [y, z]

    def duplicate(table: pa.Table) -> pa.Table:
        return pa.concat_tables([table, table.filter(pc.equal(table.column("id"), middle.id))])

    rewrite_rows(release, duplicate, shards=2)
    shards = [pq.read_table(p).column("id").to_pylist() for p in sorted(release.glob("data/*"))]
    assert middle.id in shards[0] and middle.id in shards[1]
    assert failures(release, "unique_id") == [(middle.id, "id", middle.id)] * 2
    assert [f[0] for f in failures(release, "unique_url")] == [middle.id, middle.id]
    report = validate_release(release)
    assert report.outcome("card_num_examples").samples[0].value == 3
    assert {s.field for s in report.outcome("report_counts").samples} == {"accepted", "rows"}


def test_row_contract_and_word_count_failures(release: Path) -> None:
    library = article("library")

    def miscount(table: pa.Table) -> pa.Table:
        counts = [
            c + 5 if i == library.id else c
            for i, c in zip(
                table.column("id").to_pylist(), table.column("word_count").to_pylist(), strict=True
            )
        ]
        return replace_column(table, "word_count", counts)

    rewrite_rows(release, miscount)
    assert failures(release, "word_count_matches_text") == [(library.id, "word_count", 71)]
    [(record_id, field, _value)] = failures(release, "article_contract")
    assert (record_id, field) == (library.id, "record")


def test_rows_out_of_id_order_fail(release: Path) -> None:
    table = read_rows(release).sort_by([("id", "descending")])
    pq.write_table(table, release / "data" / "train-00000-of-00001.parquet", compression="zstd")
    reseal(release)
    ids = sorted(table.column("id").to_pylist())
    assert failures(release, "rows_sorted_by_id") == [
        (ids[1], "id", ids[1]),
        (ids[0], "id", ids[0]),
    ]


def test_shard_schema_and_names(release: Path) -> None:
    table = read_rows(release)
    index = table.schema.get_field_index("word_count")
    narrow = table.set_column(
        index,
        pa.field("word_count", pa.int32(), nullable=False),
        table.column("word_count").cast(pa.int32()),
    )
    shard = release / "data" / "train-00000-of-00001.parquet"
    pq.write_table(narrow, shard, compression="zstd")
    shard.rename(release / "data" / "train-00000-of-00002.parquet")
    reseal(release)
    report = validate_release(release)
    [schema] = report.outcome("shard_schema").samples
    assert schema.value == "word_count: int32 not null"
    assert "expected int64" in schema.message
    assert [s.message for s in report.outcome("shard_names").samples] == ["shard 1 of 2 is missing"]
    assert report.outcome("card_fingerprint").status == "skipped"


def test_nullability_is_part_of_the_schema(release: Path) -> None:
    table = read_rows(release)
    loose = pa.schema([f.with_nullable(True) for f in table.schema])
    write_shards(release, table.cast(loose))
    reseal(release)
    values = [s.value for s in validate_release(release).outcome("shard_schema").samples]
    assert "id: string" in values


def test_report_counts_must_add_up(release: Path) -> None:
    def miscount(report: dict[str, object]) -> None:
        report["inputs"] = 7
        report["quarantined"] = 2

    edit_report(release, miscount)
    reseal(release)
    found = failures(release, "report_counts")
    assert ("inputs", 7) in [(f[1], f[2]) for f in found]
    assert ("quarantine.jsonl", 1) in [(f[1], f[2]) for f in found]
    assert ("reasons", 1) in [(f[1], f[2]) for f in found]


def test_card_must_match_the_data(release: Path) -> None:
    card = release / "README.md"
    text = card.read_text(encoding="utf-8")
    text = text.replace("dtype: date32", "dtype: string").replace(
        "num_examples: 3", "num_examples: 4"
    )
    card.write_text(text, encoding="utf-8")
    reseal(release)
    report = validate_release(release)
    assert report.outcome("card_features").failures == 1
    assert report.outcome("card_num_examples").samples[0].value == 4
    assert report.outcome("card_fingerprint").status == "passed"
    card.write_text("# no front matter\n", encoding="utf-8")
    reseal(release)
    report = validate_release(release)
    assert report.outcome("card_header").failures == 1
    assert report.outcome("card_features").status == "skipped"


def test_a_release_fingerprinted_by_broadsheet_0_1_still_validates(release: Path) -> None:
    # broadsheet 0.1.0 stored a sha256 over the canonical lines, each followed by a newline.
    lines = [canonical_json(row) for row in read_rows(release).to_pylist()]
    legacy = hashlib.sha256("".join(line + "\n" for line in lines).encode("utf-8")).hexdigest()
    current = json.loads((release / "build-report.json").read_text())["fingerprint"]
    assert legacy != current

    def store(digest: str) -> None:
        edit_report(release, lambda report: report.update(fingerprint=digest))
        card = release / "README.md"
        text = card.read_text(encoding="utf-8").replace(current, digest)
        card.write_text(text, encoding="utf-8")
        reseal(release)

    store(legacy)
    report = validate_release(release)
    assert report.ok, [o for o in report.outcomes if o.status != "passed"]
    current, other = legacy, "0" * 64
    store(other)
    report = validate_release(release)
    assert report.outcome("report_fingerprint").status == "failed"
    assert report.outcome("card_fingerprint").status == "failed"


def test_settings_come_from_the_build_report(release: Path) -> None:
    def stricter(report: dict[str, object]) -> None:
        settings = report["check_settings"]
        assert isinstance(settings, dict)
        settings["title_max_chars"] = 56  # the port and library headlines have 57 characters

    edit_report(release, stricter)
    reseal(release)
    port, library = article("port"), article("library")
    assert sorted(failures(release, "title_length")) == sorted(
        [
            (port.id, "title", "Tyre port reopens to fishing boats after weeks of closure"),
            (library.id, "title", "Tripoli's old municipal library reopens after restoration"),
        ]
    )


def test_an_unreadable_report_skips_the_row_checks(release: Path) -> None:
    (release / "build-report.json").write_text("{not json", encoding="utf-8")
    reseal(release)
    report = validate_release(release)
    assert report.outcome("report_readable").failures == 1
    assert report.outcome("title_length").status == "skipped"
    assert report.outcome("article_contract").status == "passed"
    assert runner.invoke(app, ["validate", str(release)]).exit_code == 1


def test_a_folder_that_is_not_a_release_exits_2(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello\n", encoding="utf-8")
    for target in (tmp_path, tmp_path / "missing", tmp_path / "notes.txt"):
        result = runner.invoke(app, ["validate", str(target)])
        assert result.exit_code == 2, result.output
        assert "not_a_release" in result.output


def test_json_junit_and_markdown_reports(release: Path, tmp_path: Path) -> None:
    rewrite_rows(release, lambda t: replace_column(t, "language", ["ar", "en", "en"]))
    first_id = read_rows(release).column("id")[0].as_py()
    out = tmp_path / "reports"
    out.mkdir()
    args = ["validate", str(release), "--json", str(out / "v.json"), "--junit", str(out / "v.xml")]
    result = runner.invoke(app, [*args, "--markdown", str(out / "v.md"), "--max-samples", "1"])
    assert result.exit_code == 1, result.output

    data = json.loads((out / "v.json").read_text(encoding="utf-8"))
    assert data["ok"] is False and data["rows"] == 3
    language = next(c for c in data["checks"] if c["check"] == "language_matches_publisher")
    assert language["status"] == "failed" and language["failures"] == 1
    assert language["samples"] == [
        {
            "record_id": first_id,
            "field": "language",
            "value": "ar",
            "message": f"language 'ar' differs from the language 'en' of {PUBLISHER}",
        }
    ]

    suite = ET.parse(out / "v.xml").getroot().find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == list(CHECKS)
    failed = {c.get("name"): c.find("failure") for c in cases if c.find("failure") is not None}
    assert "language_matches_publisher" in failed
    assert first_id in (failed["language_matches_publisher"].text or "")
    assert suite.get("failures") == str(len(failed))

    markdown = (out / "v.md").read_text(encoding="utf-8")
    assert markdown.startswith("## broadsheet validate: ")
    assert "### `language_matches_publisher` (failed)" in markdown
    assert f'| {first_id} | language | `"ar"` |' in markdown


def test_samples_are_capped_but_failures_counted(release: Path) -> None:
    rewrite_rows(release, lambda t: replace_column(t, "tags", [["A", "A"]] * 3))
    report = validate_release(release, max_samples=2)
    outcome = report.outcome("tags_unique")
    assert outcome.failures == 3 and len(outcome.samples) == 2


def test_a_release_built_from_the_seeds_passes(tmp_path: Path) -> None:
    publisher = Publisher(
        name="Al Mayadeen English",
        hosts=["english.almayadeen.net"],
        timezone="Asia/Beirut",
        language="en",
        launched=date(2021, 7, 1),
        chrome_markers=["BREAKING", "Most Read", "Read Next", "All Rights Reserved"],
    )
    info = DatasetInfo(name="seed-news", version="1.0.0", pretty_name="Seed news")
    recipe = Recipe(dataset=info, publishers=[publisher], checks=CheckSettings())
    seeds = tmp_path / "seeds"
    shutil.copytree(REPO / "seeds", seeds)
    result = build_release(
        [seeds],
        out_dir=tmp_path / "dist",
        recipe=recipe,
        engine=SerialEngine(),
        root=tmp_path,
        work_dir=tmp_path / "work",
    )
    report = validate_release(result.release_dir)
    assert [o.check for o in report.outcomes if o.status != "passed"] == []
    assert report.rows == result.accepted
