"""The release on disk, as its users read it: Parquet, card header, Croissant, checksums."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from broadsheet.build.run import BuildResult
from broadsheet.build.staging import plan_shards, row_nbytes
from broadsheet.records.arrow import ARTICLE_SCHEMA, table_to_records
from broadsheet.records.model import make_id
from broadsheet.release.fingerprint import (
    canonical_json,
    canonical_lines,
    fingerprint,
    record_digest,
    record_digests_of,
)
from broadsheet.release.layout import hf_features, previous_version, shard_name, size_category
from release_corpus import (
    NAKHALAH,
    NAKHALAH_TITLE,
    NAKHALAH_URL,
    NASRALLAH,
    PageSpec,
    build,
    make_recipe,
    seed,
    write_folder,
)

URL_ID = make_id(NAKHALAH_URL, "", "", None)
SHARD_MAX = 20_000
ROW_GROUP = 2


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    base = tmp_path_factory.mktemp("release")
    pages = [
        PageSpec(
            f"copy-{i}.txt", seed(NAKHALAH), f"https://english.almayadeen.net/news/politics/c{i}"
        )
        for i in range(4)
    ]
    pages += [
        PageSpec(NAKHALAH, seed(NAKHALAH), NAKHALAH_URL, "2025-09-20T08:30:00Z"),
        PageSpec(NASRALLAH, seed(NASRALLAH)),
        PageSpec("empty.txt", b""),
    ]
    root = write_folder(base / "corpus", pages)
    recipe = make_recipe(shard_max_bytes=SHARD_MAX, row_group_rows=ROW_GROUP)
    return build(["."], root, base / "out", recipe)


def shards(release: Path) -> list[Path]:
    return sorted((release / "data").glob("train-*.parquet"))


def front_matter(release: Path) -> dict[str, object]:
    text = (release / "README.md").read_text(encoding="utf-8")
    assert text.startswith("---\n")
    header, _body = text[4:].split("\n---\n", 1)
    data = yaml.safe_load(header)
    assert isinstance(data, dict)
    return data


def test_hf_features_are_what_datasets_writes() -> None:
    from datasets import Features

    expected = Features.from_arrow_schema(ARTICLE_SCHEMA)._to_yaml_list()
    assert hf_features() == expected


def test_shards_are_sorted_zstd_parquet_in_the_exact_schema(built: BuildResult) -> None:
    files = shards(built.release_dir)
    count = len(files)
    assert count >= 2
    assert [f.name for f in files] == [shard_name(k, count) for k in range(count)]
    assert [f.name for f in files] == [
        f"train-{k:05d}-of-{count:05d}.parquet" for k in range(count)
    ]
    ids: list[str] = []
    for path in files:
        parquet = pq.ParquetFile(path)
        assert parquet.schema_arrow.equals(ARTICLE_SCHEMA)
        assert b"pandas" not in (parquet.schema_arrow.metadata or {})
        meta = parquet.metadata
        for g in range(meta.num_row_groups):
            assert meta.row_group(g).num_rows <= ROW_GROUP
            assert meta.row_group(g).column(0).compression == "ZSTD"
        ids += parquet.read().column("id").to_pylist()
    assert ids == sorted(ids) and len(ids) == len(set(ids)) == built.accepted == 6
    report = json.loads((built.release_dir / "build-report.json").read_text(encoding="utf-8"))
    assert report["shards"] == [f.name for f in files]


def test_card_header_describes_the_data(built: BuildResult) -> None:
    header = front_matter(built.release_dir)
    assert header["pretty_name"] == "Test news articles"
    assert header["license"] == "other" and header["license_name"] == "all-rights-reserved"
    assert header["language"] == ["en"]
    assert header["size_categories"] == ["n<1K"]
    assert header["configs"] == [
        {
            "config_name": "default",
            "data_files": [{"split": "train", "path": "data/train-*.parquet"}],
        }
    ]
    info = header["dataset_info"]
    assert isinstance(info, dict)
    assert info["features"] == hf_features()
    assert info["splits"][0]["name"] == "train"
    assert info["splits"][0]["num_examples"] == 6
    assert info["download_size"] == sum(p.stat().st_size for p in shards(built.release_dir))
    assert info["dataset_size"] == info["splits"][0]["num_bytes"] > 0
    readme = (built.release_dir / "README.md").read_text(encoding="utf-8")
    assert f"Content fingerprint: `{built.fingerprint}`" in readme


def test_fingerprint_is_recomputed_from_the_shards(built: BuildResult) -> None:
    tables = [pq.read_table(p) for p in shards(built.release_dir)]
    assert fingerprint(tables) == built.fingerprint
    whole = pa.concat_tables(tables)
    assert fingerprint([whole.slice(0, 1), whole.slice(1)]) == built.fingerprint
    titles = whole.column("title").to_pylist()
    titles[0] = titles[0] + "!"
    edited = whole.set_column(whole.schema.get_field_index("title"), "title", pa.array(titles))
    assert fingerprint([edited]) != built.fingerprint


def test_canonical_lines_match_canonical_json(built: BuildResult) -> None:
    table = pa.concat_tables([pq.read_table(p) for p in shards(built.release_dir)])
    assert table.column("captured_at").null_count < table.num_rows  # some times to format
    fast = [line for _id, line in canonical_lines(table)]
    assert fast == [canonical_json(row) for row in table.to_pylist()]
    # What the workers hash (the records' Python values) is what validation hashes (Arrow).
    from_records = [record_digest(a.model_dump(mode="python")) for a in table_to_records(table)]
    assert from_records == record_digests_of(table)
    assert from_records[0] == hashlib.sha256(fast[0].encode("utf-8")).digest()


def test_canonical_json_is_fixed() -> None:
    row = {
        "b": datetime(2023, 11, 24, 11, 38, tzinfo=UTC),
        "a": date(2025, 9, 12),
        "c": [{"z": "é", "y": None}],
    }
    assert canonical_json(row) == (
        '{"a":"2025-09-12","b":"2023-11-24T11:38:00.000000Z","c":[{"y":null,"z":"é"}]}'
    )


def test_canonical_json_is_the_standard_library_text() -> None:
    every_char = "".join(chr(c) for c in range(0x30000) if not 0xD800 <= c < 0xE000)
    rows = [
        {"text": every_char, "n": 2**63 - 1, "items": [{"q": '"\\', "p": None}], "ok": True},
        {"n": 2**80, "text": "beyond 64 bits"},
        {"text": "lone \udc80 surrogate"},
    ]
    for row in rows:
        expected = json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        assert canonical_json(row) == expected


def test_sha256sums_list_every_other_file(built: BuildResult) -> None:
    release = built.release_dir
    lines = (release / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    listed = {}
    for line in lines:
        digest, name = line.split("  ", 1)
        listed[name] = digest
    files = sorted(p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file())
    assert [line.split("  ", 1)[1] for line in lines] == [f for f in files if f != "SHA256SUMS"]
    for name, digest in listed.items():
        assert hashlib.sha256((release / name).read_bytes()).hexdigest() == digest


def test_report_and_quarantine_are_deterministic_text(built: BuildResult) -> None:
    release = built.release_dir
    text = (release / "build-report.json").read_text(encoding="utf-8")
    report = json.loads(text)
    assert text == json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert str(release.parent.parent.parent) not in text  # no absolute paths
    assert report["dataset"] == {"name": "test-news", "version": "1.0.0", "license": "other"}
    assert set(report["versions"]) == {"python", "pyarrow", "pandera", "pydantic", "polars"}
    source = {s["source_file"]: s for s in report["sources"]}[NAKHALAH]
    assert source["url"] == NAKHALAH_URL
    assert source["captured_at"] == "2025-09-20T08:30:00Z"
    assert source["captured_after"] == "2025-09-12"  # the dated chrome of the page
    assert source["parser"].startswith("almayadeen_text@")
    lines = (release / "quarantine.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == report["quarantined"] == 1
    entry = json.loads(lines[0])
    assert lines[0] == json.dumps(entry, sort_keys=True, ensure_ascii=False)
    assert (entry["source_file"], entry["code"]) == ("empty.txt", "empty")


def test_load_dataset_offline_with_exact_features(
    built: BuildResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    import datasets

    monkeypatch.setattr(datasets.config, "HF_DATASETS_OFFLINE", True, raising=False)
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True, raising=False)
    loaded = datasets.load_dataset(str(built.release_dir), cache_dir=str(tmp_path / "cache"))
    train = loaded["train"]
    assert train.features == datasets.Features.from_arrow_schema(ARTICLE_SCHEMA)
    assert train.num_rows == 6
    assert str(train.data.schema.field("published_at").type) == "timestamp[us, tz=UTC]"
    row = train.filter(lambda r: r["id"] == URL_ID)[0]
    assert row["title"] == NAKHALAH_TITLE
    # Printed "24 Nov 2023 13:38" in Beirut (UTC+2 in November).
    assert row["published_at"] == datetime(2023, 11, 24, 11, 38, tzinfo=UTC)


def test_polars_and_duckdb_read_the_nested_columns(built: BuildResult) -> None:
    import duckdb
    import polars as pl

    pattern = str(built.release_dir / "data" / "*.parquet")
    frame = pl.read_parquet(pattern)
    assert frame.height == 6
    assert frame.schema["published_at"] == pl.Datetime("us", "UTC")
    row = frame.filter(pl.col("id") == URL_ID)
    kinds = row.select(pl.col("body").list.eval(pl.element().struct.field("kind"))).item()
    assert "paragraph" in kinds.to_list()
    credits = row.select(pl.col("images").list.eval(pl.element().struct.field("credit"))).item()
    assert credits.to_list() == ["Screengrab"]  # caption ends "(Screengrab)"

    with duckdb.connect() as con:
        found = con.execute(
            "SELECT unnest(images).credit FROM read_parquet(?) WHERE id = ?", [pattern, URL_ID]
        ).fetchall()
        assert found == [("Screengrab",)]
        (paragraphs,) = con.execute(
            "SELECT count(*) FROM (SELECT unnest(body) AS b FROM read_parquet(?)) "
            "WHERE b.kind = 'paragraph'",
            [pattern],
        ).fetchone() or (0,)
        assert paragraphs > 6
        (published,) = con.execute(
            "SELECT published_at FROM read_parquet(?) WHERE id = ?", [pattern, URL_ID]
        ).fetchone() or (None,)
        assert published == datetime(2023, 11, 24, 11, 38, tzinfo=UTC)


def test_croissant_validates_and_loads_records(built: BuildResult) -> None:
    import mlcroissant as mlc

    path = built.release_dir / "croissant.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["conformsTo"] == "http://mlcommons.org/croissant/1.0"
    objects = [d for d in doc["distribution"] if d["@type"] == "cr:FileObject"]
    for obj in objects:
        data = (built.release_dir / obj["contentUrl"]).read_bytes()
        assert obj["sha256"] == hashlib.sha256(data).hexdigest()
    assert len(objects) == len(shards(built.release_dir))
    assert "rai:dataBiases" in doc and "rai:dataCollection" in doc

    dataset = mlc.Dataset(jsonld=str(path))
    assert not dataset.metadata.ctx.issues.errors
    assert not dataset.metadata.ctx.issues.warnings
    records = list(dataset.records(record_set="train"))
    assert len(records) == 6
    by_id = {r["train/id"].decode(): r for r in records}
    assert by_id.keys() == set(
        pa.concat_tables([pq.read_table(p) for p in shards(built.release_dir)])
        .column("id")
        .to_pylist()
    )
    article = by_id[URL_ID]
    assert article["train/title"].decode() == NAKHALAH_TITLE
    assert article["train/images"][0]["train/images/credit"] == b"Screengrab"
    assert {b["train/body/kind"] for b in article["train/body"]} >= {b"paragraph"}


def test_plan_shards_bounds_bytes() -> None:
    assert plan_shards([5, 5, 5], 10) == [(0, 2), (2, 3)]
    assert plan_shards([4, 30, 4], 10) == [(0, 1), (1, 2), (2, 3)]  # an oversized row alone
    assert plan_shards([], 10) == [(0, 0)]


def test_row_sizes_do_not_depend_on_batching(built: BuildResult) -> None:
    table = pa.concat_tables([pq.read_table(p) for p in shards(built.release_dir)])
    whole = row_nbytes(table).tolist()
    parts = row_nbytes(table.slice(0, 2)).tolist() + row_nbytes(table.slice(2)).tolist()
    assert whole == parts
    text_bytes = [len(t.encode()) for t in table.column("text").to_pylist()]
    assert all(size > 2 * t for size, t in zip(whole, text_bytes, strict=True))  # text + body


def test_size_categories() -> None:
    assert size_category(0) == "n<1K"
    assert size_category(999) == "n<1K"
    assert size_category(1_000) == "1K<n<10K"
    assert size_category(250_000) == "100K<n<1M"


def test_previous_version_is_the_highest_below(tmp_path: Path) -> None:
    for version in ("0.9.0", "1.2.0", "1.10.0", "2.0.0", "notes"):
        (tmp_path / version).mkdir()
        (tmp_path / version / "build-report.json").write_text("{}")
    (tmp_path / "1.11.0").mkdir()  # no report: not a release
    assert previous_version(tmp_path, "1.11.0") == "1.10.0"
    assert previous_version(tmp_path, "1.2.0") == "0.9.0"
    assert previous_version(tmp_path, "0.1.0") is None


def test_croissant_context_is_the_standard_one() -> None:
    from mlcroissant._src.core.rdf import make_context

    from broadsheet.release.croissant import CONTEXT

    assert make_context() == CONTEXT
