"""`broadsheet build` end to end on a WARC capture and on a JSONL dump."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from broadsheet.cli.main import app
from source_factory import MARKET_HTML, MARKET_URL, STORM_HTML, STORM_URL, Rec, build_warc

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "004_d3f374cc0d616932.txt"


def _build(source: str, tmp_path: Path) -> tuple[dict[str, object], list[dict[str, object]], Path]:
    result = CliRunner().invoke(
        app,
        [
            "build",
            "--source",
            source,
            "--out",
            "out",
            "--name",
            "harbour",
            "--version",
            "0.1.0",
            "--workers",
            "1",
            "--no-progress",
        ],
    )
    assert result.exit_code == 0, result.output
    release = tmp_path / "out" / "harbour" / "0.1.0"
    report = json.loads((release / "build-report.json").read_text(encoding="utf-8"))
    rows = [r for s in sorted((release / "data").iterdir()) for r in pq.read_table(s).to_pylist()]
    return report, rows, release


def _quarantine(release: Path) -> list[dict[str, object]]:
    text = (release / "quarantine.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def test_build_from_a_warc_archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    records = [
        Rec("warcinfo"),
        Rec("request"),
        Rec("response"),  # the storm story: 65 words, accepted
        Rec("response", url=STORM_URL + "?amp=1", status="404 Not Found", body=b"gone"),
        Rec("response", url=MARKET_URL, body=MARKET_HTML),  # 44 words: under the bound of 50
        Rec("metadata"),
    ]
    data, offsets = build_warc(records, gzip=True)
    (tmp_path / "crawl.warc.gz").write_bytes(data)
    monkeypatch.chdir(tmp_path)

    report, rows, release = _build("crawl.warc.gz", tmp_path)

    assert (report["inputs"], report["accepted"], report["quarantined"]) == (2, 1, 1)
    assert report["skipped"] == {
        "http_404": 1,
        "warc_metadata": 1,
        "warc_request": 1,
        "warc_warcinfo": 1,
    }
    [row] = rows
    assert row["url"] == STORM_URL
    assert row["source_file"] == f"crawl.warc.gz#{offsets[2]}"
    assert row["captured_at"] == datetime(2024, 3, 5, 14, 30, tzinfo=UTC)
    assert row["published_at"] == datetime(2024, 3, 5, 7, 12, tzinfo=UTC)
    assert row["title"] == "Storm closes the harbour for a second day"
    assert row["authors"] == ["Leila Haddad"]
    assert row["word_count"] == 65
    assert row["parser"] == "html_generic@1.0"
    [entry] = _quarantine(release)
    assert entry["source_file"] == f"crawl.warc.gz#{offsets[4]}"
    assert entry["code"] == "text_word_count"


def test_build_from_a_jsonl_dump(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seed_url = "https://english.almayadeen.net/news/politics/sayyed-nasrallah-meets-hamas-leaders"
    lines = [
        json.dumps(
            {"url": STORM_URL, "html": STORM_HTML.decode(), "captured_at": "2024-03-05T15:00Z"}
        ),
        json.dumps(
            {
                "url": seed_url,
                "text": SEED.read_text(encoding="utf-8"),
                "captured_at": "2025-08-20T10:00:00+03:00",
            }
        ),
        "{not json",
    ]
    (tmp_path / "pages.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    report, rows, release = _build("pages.jsonl", tmp_path)

    assert (report["inputs"], report["accepted"], report["quarantined"]) == (3, 2, 1)
    by_file = {row["source_file"]: row for row in rows}
    assert set(by_file) == {"pages.jsonl#L1", "pages.jsonl#L2"}
    storm, seed = by_file["pages.jsonl#L1"], by_file["pages.jsonl#L2"]
    assert storm["captured_at"] == datetime(2024, 3, 5, 15, 0, tzinfo=UTC)
    assert seed["url"] == seed_url and seed["section"] == "Politics"
    assert seed["title"] == "Sayyed Nasrallah meets Hamas leaders, discuss ongoing collaboration"
    assert seed["captured_at"] == datetime(2025, 8, 20, 7, 0, tzinfo=UTC)
    assert seed["parser"] == "almayadeen_text@1.0"
    [entry] = _quarantine(release)
    assert (entry["source_file"], entry["code"]) == ("pages.jsonl#L3", "invalid_jsonl")
