"""``broadsheet parse`` over a WARC archive and a JSONL dump."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from broadsheet.cli.main import app
from source_factory import MARKET_HTML, MARKET_URL, STORM_HTML, STORM_URL, Rec, build_warc


def run_parse(args: list[str]) -> tuple[int, list[dict[str, Any]]]:
    result = CliRunner().invoke(app, ["parse", "--jsonl", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return result.exit_code, lines


def is_record_or_error(line: dict[str, Any]) -> bool:
    if "error" in line:
        return set(line["error"]) == {"code", "message"}
    return bool(line.get("id")) and "title" in line


def test_parse_a_warc_gz_prints_one_line_per_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = [
        Rec("warcinfo"),
        Rec("request"),
        Rec("response"),
        Rec("response", url=STORM_URL + "?amp=1", status="404 Not Found", body=b"gone"),
        Rec("response", url=MARKET_URL, body=MARKET_HTML),
    ]
    data, offsets = build_warc(records, gzip=True)
    (tmp_path / "capture.warc.gz").write_bytes(data)
    monkeypatch.chdir(tmp_path)

    code, lines = run_parse(["capture.warc.gz"])

    assert [line["source_file"] for line in lines] == [
        f"capture.warc.gz#{offsets[2]}",
        f"capture.warc.gz#{offsets[4]}",
    ]
    assert all(is_record_or_error(line) for line in lines)
    assert code == (1 if any("error" in line for line in lines) else 0)


def test_parse_a_jsonl_dump_reports_the_bad_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dump = [
        json.dumps({"url": STORM_URL, "html": STORM_HTML.decode()}),
        json.dumps({"url": MARKET_URL, "html": MARKET_HTML.decode(), "captured_at": "2024-03-06"}),
        json.dumps({"url": MARKET_URL + "?print=1"}),
    ]
    (tmp_path / "dump.jsonl").write_text("\n".join(dump) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    code, lines = run_parse(["dump.jsonl"])

    assert [line["source_file"] for line in lines] == [
        "dump.jsonl#L1",
        "dump.jsonl#L2",
        "dump.jsonl#L3",
    ]
    assert all(is_record_or_error(line) for line in lines)
    assert lines[2]["error"]["code"] == "invalid_jsonl"
    assert code == 1


def test_parse_refuses_a_url_option_that_does_not_parse(tmp_path: Path) -> None:
    page = tmp_path / "storm.html"
    page.write_bytes(STORM_HTML)
    result = CliRunner().invoke(app, ["parse", "--url", "http://[::1", str(page)])
    assert result.exit_code == 2
    assert "--url" in result.output and "http://[::1" in result.output


def test_parse_uses_a_url_option_that_parses(tmp_path: Path) -> None:
    page = tmp_path / "storm.html"
    page.write_bytes(STORM_HTML)
    code, lines = run_parse(["--url", STORM_URL, str(page)])
    assert code == 0
    assert lines[0]["url"] == STORM_URL


def test_parse_has_a_time_limit_per_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import broadsheet.cli.parse as parsecmd
    from broadsheet.sources.limits import Limits

    seen: list[tuple[float | None, Any]] = []
    real = parsecmd.process_item

    def spy(item: Any, timeout: float | None = None, limits: Any = None) -> Any:
        seen.append((timeout, limits))
        return real(item, timeout, limits)

    limits = Limits(parse_timeout_seconds=7.5)
    monkeypatch.setattr(parsecmd, "process_item", spy)
    monkeypatch.setattr(parsecmd, "DEFAULT_LIMITS", limits)
    page = tmp_path / "storm.html"
    page.write_bytes(STORM_HTML)
    run_parse([str(page)])
    assert seen == [(7.5, limits)]
