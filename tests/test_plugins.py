"""Parser plugins: the example plugin, installed, is used by every engine with the same bytes,
its golden fixtures hold, and the registry is the same in the build and its workers."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from broadsheet import parsers
from broadsheet.build.engines import DaskEngine, Engine, ProcessEngine, SerialEngine
from broadsheet.build.run import build_release
from broadsheet.cli.main import app
from broadsheet.errors import PageError, UsageError
from broadsheet.parsers import (
    REGISTRY,
    load_document,
    parse_page,
    parser_infos,
    register,
    registry,
    select_parser,
)
from broadsheet.parsers.base import Document, Parser
from broadsheet.recipe import DatasetInfo, Recipe
from broadsheet.records.model import Article
from broadsheet.sources.items import Page
from plugin_install import FIXTURES, example_plugin

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(FIXTURES.glob("*.html"))


@pytest.fixture
def plugin(tmp_path: Path) -> Iterator[None]:
    with example_plugin(tmp_path / "site"):
        yield


def _fields(record: Article) -> dict[str, Any]:
    data = record.to_json_dict()
    for key in ("published_at",):
        if data[key] is not None:
            data[key] = datetime.fromisoformat(data[key])
    return data


@pytest.mark.usefixtures("plugin")
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_example_plugin_golden_fixtures(page: Path) -> None:
    expected = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    doc = load_document(Page(page.name, page.read_bytes()))
    assert select_parser(doc).name == "harbour_gazette"
    if "error" in expected:
        with pytest.raises(PageError) as caught:
            parse_page(Page(page.name, page.read_bytes()))
        assert caught.value.code == expected["error"]
        return
    got = _fields(parse_page(Page(page.name, page.read_bytes())))
    if expected["published_at"] is not None:
        expected["published_at"] = datetime.fromisoformat(expected["published_at"])
    assert {key: got[key] for key in expected} == expected


@pytest.mark.usefixtures("plugin")
def test_the_plugin_is_a_site_parser_asked_before_the_generic_one() -> None:
    infos = {info.name: info for info in parser_infos()}
    gazette = infos["harbour_gazette"]
    assert gazette.distribution == "broadsheet-example-parser"
    assert gazette.distribution_version == "0.1.0"
    assert gazette.origin == "entry_point" and not gazette.generic
    names = [p.name for p in registry()]
    assert names == ["almayadeen_text", "harbour_gazette", "html_generic"]


def test_without_the_plugin_its_pages_go_to_the_generic_parser() -> None:
    page = FIXTURES / "ferry-timetable.html"
    assert "harbour_gazette" not in [p.name for p in registry()]
    assert select_parser(load_document(Page(page.name, page.read_bytes()))).name == "html_generic"


@pytest.mark.usefixtures("plugin")
def test_broadsheet_parsers_lists_the_installed_plugin() -> None:
    out = CliRunner().invoke(app, ["parsers"])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    gazette = next(line for line in lines if line.startswith("harbour_gazette@1.0"))
    assert "site" in gazette and "broadsheet-example-parser 0.1.0" in gazette
    assert "The Harbour Gazette" in gazette  # what it claims
    as_json = CliRunner().invoke(app, ["parsers", "--json"])
    rows = [json.loads(line) for line in as_json.output.splitlines()]
    assert [r["name"] for r in rows] == ["almayadeen_text", "harbour_gazette", "html_generic"]


def _build(corpus: Path, out: Path, engine: Engine) -> dict[str, bytes]:
    recipe = Recipe(dataset=DatasetInfo(name="gazette", version="1.0.0", pretty_name="Gazette"))
    result = build_release(
        [corpus],
        out_dir=out / "dist",
        recipe=recipe,
        engine=engine,
        batch_size=1,
        root=corpus.parent,
        work_dir=out / "build",
    )
    return {
        p.relative_to(result.release_dir).as_posix(): p.read_bytes()
        for p in sorted(result.release_dir.rglob("*"))
        if p.is_file()
    }


@pytest.mark.usefixtures("plugin")
def test_every_engine_uses_the_plugin_and_writes_the_same_bytes(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURES, corpus, ignore=shutil.ignore_patterns("*.json", "*.md"))
    serial = _build(corpus, tmp_path / "serial", SerialEngine())
    report = json.loads(serial["build-report.json"])
    assert report["accepted"] == 3 and report["reasons"] == {"not_article": 1}
    assert report["parsers"] == [
        {
            "name": "harbour_gazette",
            "version": "1.0",
            "distribution": "broadsheet-example-parser",
            "records": 3,
        }
    ]
    processes = _build(corpus, tmp_path / "processes", ProcessEngine(2))
    dask = _build(corpus, tmp_path / "dask", DaskEngine(workers=2))
    assert processes == serial
    assert dask == serial


def test_a_release_of_builtin_parsers_only_has_no_parsers_entry() -> None:
    committed = sorted((ROOT / "dist").glob("*/*/build-report.json"))[-1]
    assert "parsers" not in json.loads(committed.read_text(encoding="utf-8"))


class _Shouting(Parser):
    name = "shouting_test"
    version = "1.0"

    def claims(self, doc: Document) -> bool:
        return doc.text.startswith("SHOUT")

    def parse(self, doc: Document) -> Article:
        raise PageError("not_article", "a test page")


def test_a_parser_registered_at_run_time_is_refused_by_engines_with_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parsers, "REGISTRY", list(REGISTRY))
    monkeypatch.setattr(parsers, "_INFO", dict(parsers._INFO))  # (undone after the test)
    register(_Shouting())
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_bytes(b"SHOUT\n\nA page.\n")
    with pytest.raises(UsageError) as refused:
        _build(corpus, tmp_path / "p", ProcessEngine(1))
    assert refused.value.code == "runtime_parser"
    assert "shouting_test@1.0" in refused.value.message
    files = _build(corpus, tmp_path / "s", SerialEngine())  # the serial engine uses it
    assert b'"not_article"' in files["quarantine.jsonl"]
    out = CliRunner().invoke(app, ["parsers"])
    assert "registered at run time" in out.output


def test_a_plugin_that_does_not_load_is_named(tmp_path: Path) -> None:
    site = tmp_path / "site"
    info = site / "broken_plugin-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[broadsheet.parsers]\nbroken = no_such_module:PARSER\n")
    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from broadsheet.parsers import registry\n"
        "from broadsheet.errors import UsageError\n"
        "try:\n    registry()\nexcept UsageError as exc:\n    print(exc.code, exc.message)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(site)], capture_output=True, text=True, check=True
    )
    assert out.stdout.startswith("parser_plugin ")
    assert "'broken'" in out.stdout and "broken-plugin" in out.stdout
    assert "no_such_module" in out.stdout


def test_the_generic_path_never_builds_a_soup() -> None:
    code = (
        "import sys\n"
        "from broadsheet import parse_page\n"
        "data = open(sys.argv[1], 'rb').read()\n"
        "print(parse_page(data).parser, 'bs4' in sys.modules)\n"
    )
    page = ROOT / "tests" / "fixtures" / "html" / "newsarticle_jsonld.html"
    out = subprocess.run(
        [sys.executable, "-c", code, str(page)], capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["html_generic@1.0", "False"]


def test_document_soup_is_built_once_on_demand() -> None:
    doc = load_document(Page("a.html", b"<html><body><p class='x'>Hi</p></body></html>"))
    soup = doc.soup
    assert doc.soup is soup
    assert [p.get_text() for p in soup.select("p.x")] == ["Hi"]
