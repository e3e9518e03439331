"""``broadsheet parse``: what it imports, and the same output on worker processes as in one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import broadsheet.cli.parse as parsecmd
from broadsheet.build.pages import process_item
from broadsheet.cli.main import app
from source_factory import MARKET_HTML, STORM_HTML

#: Libraries of ``broadsheet build`` and ``validate`` that parsing a page does not need.
TABLE_LIBRARIES = ("pandas", "polars", "pandera", "dask", "datasets", "mlcroissant", "pyarrow")


def imported_by(args: list[str], cwd: Path) -> tuple[set[str], str]:
    """Top-level packages imported by ``python -m broadsheet ARGS``, and its output."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "broadsheet", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert done.returncode in (0, 1), done.stderr[-2000:]
    names = {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    }
    return names, done.stdout


def test_parse_imports_no_table_library(tmp_path: Path) -> None:
    (tmp_path / "storm.html").write_bytes(STORM_HTML)
    names, out = imported_by(["parse", "--jsonl", "storm.html"], tmp_path)
    assert json.loads(out)["source_file"] == "storm.html"  # it did parse the page
    assert {"broadsheet", "lxml", "trafilatura"} <= names  # (the trace lists imports)
    assert names.isdisjoint(TABLE_LIBRARIES), sorted(names & set(TABLE_LIBRARIES))


def run_parse(args: list[str]) -> list[dict[str, Any]]:
    result = CliRunner().invoke(app, ["parse", "--jsonl", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def write_pages(folder: Path) -> list[str]:
    """Enough pages for the workers: two articles in turn, and a page with no text."""
    names = []
    for n in range(parsecmd.PARALLEL_MIN_PAGES + 4):
        name = f"page{n:02d}.html"
        data = b"<html><body></body></html>" if n == 5 else (STORM_HTML, MARKET_HTML)[n % 2]
        (folder / name).write_bytes(data)
        names.append(name)
    return names


def test_parse_on_workers_prints_what_one_process_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = write_pages(tmp_path)
    monkeypatch.chdir(tmp_path)
    alone = run_parse(["--workers", "1", "."])
    shared = run_parse(["--workers", "2", "."])
    assert [line["source_file"] for line in shared] == names
    assert shared == alone
    assert shared[0]["title"] == shared[2]["title"] == "Storm closes the harbour for a second day"
    assert shared[5]["error"]["code"] == "not_article"  # no text, no article metadata


def crash_on_page07(item: Any, timeout: float | None = None, limits: Any = None) -> Any:
    """``process_item``, but the worker parsing ``page07.html`` dies."""
    if item.source_file == "page07.html":
        os._exit(3)
    return process_item(item, timeout, limits)


def test_a_page_that_kills_its_worker_is_reported_and_the_rest_go_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = write_pages(tmp_path)
    monkeypatch.chdir(tmp_path)
    alone = run_parse(["--workers", "1", "."])
    monkeypatch.setattr(parsecmd, "process_item", crash_on_page07)
    shared = run_parse(["--workers", "2", "."])
    assert [line["source_file"] for line in shared] == names
    assert shared[7]["error"]["code"] == "worker_failed"
    assert shared[:7] == alone[:7] and shared[8:] == alone[8:]


def test_parse_refuses_zero_workers(tmp_path: Path) -> None:
    (tmp_path / "storm.html").write_bytes(STORM_HTML)
    result = CliRunner().invoke(app, ["parse", "--workers", "0", str(tmp_path / "storm.html")])
    assert result.exit_code == 2
    assert "--workers must be at least 1, got 0" in result.output


@pytest.mark.parametrize("pages", ["all", "articles"])
def test_the_command_ends_with_every_line_printed_and_its_exit_status(
    tmp_path: Path, pages: str
) -> None:
    # The process ends without the interpreter's teardown once a parse has finished: the
    # output must still be complete in a pipe, and the status say whether a page failed.
    names = write_pages(tmp_path)
    if pages == "articles":  # the same article in every file: no page fails
        for name in names:
            (tmp_path / name).write_bytes(STORM_HTML)
    done = subprocess.run(
        [sys.executable, "-m", "broadsheet", "parse", "--workers", "2", "."],
        capture_output=True,
        cwd=tmp_path,
        check=False,
    )
    lines = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [line["source_file"] for line in lines] == names
    assert any("error" in line for line in lines) == (pages == "all")
    assert done.returncode == (1 if pages == "all" else 0), done.stderr.decode()[-2000:]
