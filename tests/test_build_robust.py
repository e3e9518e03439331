"""A build survives hostile pages: per-page time limits and HTML size caps; internal errors
exit with a one-line message; immutability is decided by content (kill -9: test_build_crash)."""

from __future__ import annotations

import json
import shutil
import sys
import threading
import time
from functools import partial
from pathlib import Path

import pytest
from typer.testing import CliRunner

from broadsheet.build.engines import DaskEngine, ProcessEngine, SerialEngine
from broadsheet.build.pipeline import BatchResult
from broadsheet.build.report import versions
from broadsheet.build.result import BuildResult, summary
from broadsheet.build.run import build_release
from broadsheet.build.timelimit import TimeLimitExceeded, time_limit
from broadsheet.cli.main import app
from broadsheet.errors import REASONS, PageError, UsageError
from broadsheet.parsers import REGISTRY, parse_page
from broadsheet.parsers.htmlsize import MAX_ATTRIBUTES, MAX_ELEMENTS, check_markup_size
from broadsheet.recipe import CheckSettings, DatasetInfo, Recipe
from broadsheet.sources.items import Page, SourceItem
from broadsheet.sources.limits import Limits
from slow_pages import SlowParser, batch_with_slow_parser, slow_page

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
OTHER = b"Harbour Gazette\n\nCouncil approves new ferry timetable\n\nThe council voted.\n"


def _recipe(timeout: float = 30.0) -> Recipe:
    info = DatasetInfo(name="robust", version="1.0.0", pretty_name="Robust")
    return Recipe(dataset=info, limits=Limits(parse_timeout_seconds=timeout))


# -- the time limit ---------------------------------------------------------------------


def test_time_limit_stops_a_sleep_in_the_main_thread() -> None:
    start = time.monotonic()
    with pytest.raises(TimeLimitExceeded), time_limit(0.3):
        time.sleep(20)
    assert time.monotonic() - start < 5
    time.sleep(0.5)  # the timer is disarmed: no late SIGALRM


def test_time_limit_stops_python_code_in_another_thread() -> None:
    outcome: list[str] = []

    def spin() -> None:
        try:
            with time_limit(0.3):
                end = time.monotonic() + 20
                while time.monotonic() < end:
                    sum(range(1000))
            outcome.append("finished")
        except TimeLimitExceeded:
            outcome.append("stopped")

    worker = threading.Thread(target=spin)
    start = time.monotonic()
    worker.start()
    worker.join(10)
    assert outcome == ["stopped"]
    assert time.monotonic() - start < 5


def test_work_within_the_limit_is_never_interrupted_later() -> None:
    errors: list[BaseException] = []

    def many() -> None:
        try:
            for _ in range(200):
                with time_limit(0.05):
                    sum(range(100))
            time.sleep(0.3)  # any stray exception would land here
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=many)
    worker.start()
    worker.join(10)
    assert errors == []


def test_a_sleeping_parser_is_quarantined_as_parse_timeout_and_the_build_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("broadsheet.parsers.REGISTRY", [SlowParser(), *REGISTRY])
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a_slow.txt").write_bytes(b"SLOW 60\n\nA page that never ends.\n")
    (corpus / "b_quick.txt").write_bytes(b"SLOW 0.01\n\nA page that ends at once.\n")
    (corpus / "c_other.txt").write_bytes(OTHER)
    start = time.monotonic()
    result = build_release(
        [corpus],
        out_dir=tmp_path / "dist",
        recipe=_recipe(timeout=1.0),
        root=tmp_path,
        work_dir=tmp_path / "build",
        engine=SerialEngine(),
    )
    assert time.monotonic() - start < 30
    assert result.inputs == 3
    entries = {
        e["source_file"]: e
        for e in map(
            json.loads, (result.release_dir / "quarantine.jsonl").read_text().split("\n")[:-1]
        )
    }
    assert entries["corpus/a_slow.txt"]["code"] == "parse_timeout"
    assert "limit of 1 s" in entries["corpus/a_slow.txt"]["message"]
    assert "parse_timeout_seconds" in entries["corpus/a_slow.txt"]["message"]
    assert entries["corpus/b_quick.txt"]["code"] == "not_article"  # in time: its own outcome
    assert entries["corpus/c_other.txt"]["code"] == "no_parser"
    assert "parse_timeout" in REASONS


def _run_slow_batches(engine: ProcessEngine | DaskEngine, kind: str) -> list[BatchResult]:
    fn = partial(batch_with_slow_parser, settings=CheckSettings(), parse_timeout=1.0)
    batches: list[list[SourceItem]] = [
        [slow_page("b0/endless.txt", kind, 60), Page("b0/other.txt", OTHER)],
        [slow_page("b1/quick.txt", kind, 0.01)],
    ]
    return list(engine.map(fn, batches))


@pytest.mark.parametrize("kind", ["SLOW", "SPIN"])
def test_process_workers_enforce_the_limit(kind: str) -> None:
    start = time.monotonic()
    results = _run_slow_batches(ProcessEngine(2), kind)
    codes = {q.source_file: q.code for r in results for q in r.quarantined}
    assert codes == {
        "b0/endless.txt": "parse_timeout",
        "b0/other.txt": "no_parser",
        "b1/quick.txt": "not_article",
    }
    assert time.monotonic() - start < 40


def test_dask_worker_threads_enforce_the_limit_on_python_code() -> None:
    """Dask runs tasks on threads: the limit stops Python code there (a single blocking C
    call, such as one long sleep, is stopped only when it returns)."""
    start = time.monotonic()
    results = _run_slow_batches(DaskEngine(workers=1), "SPIN")
    codes = {q.source_file: q.code for r in results for q in r.quarantined}
    assert codes == {
        "b0/endless.txt": "parse_timeout",
        "b0/other.txt": "no_parser",
        "b1/quick.txt": "not_article",
    }
    assert time.monotonic() - start < 50


# -- size caps on HTML ---------------------------------------------------------------------


def _html(body: str) -> str:
    return f"<!doctype html><html><head><title>A page</title></head><body>{body}</body></html>"


def test_an_element_with_200000_attributes_is_too_large_before_lxml_sees_it() -> None:
    attributes = " ".join(f'data-a{i}="v{i}"' for i in range(200_000))
    page = Page("huge.html", _html(f"<div {attributes}><p>Hello.</p></div>").encode())
    start = time.monotonic()
    with pytest.raises(PageError) as caught:
        parse_page(page)
    assert time.monotonic() - start < 5  # lxml alone takes about a minute on it
    assert caught.value.code == "too_large"
    assert (
        "<div>" in caught.value.message and f"{MAX_ATTRIBUTES:,} attributes" in caught.value.message
    )


def test_quoted_angle_brackets_do_not_hide_attributes() -> None:
    crowded = " ".join(f'a{i}="<>"' for i in range(MAX_ATTRIBUTES + 1))
    with pytest.raises(PageError) as caught:
        check_markup_size(_html(f"<span {crowded}>x</span>"), "crowded.html")
    assert caught.value.code == "too_large" and "<span>" in caught.value.message
    busy = " ".join(f'a{i}="<>"' for i in range(MAX_ATTRIBUTES))  # at the cap: allowed
    check_markup_size(_html(f"<span {busy}>x</span>"), "busy.html")


def test_too_many_elements_is_too_large_and_many_text_brackets_are_not() -> None:
    with pytest.raises(PageError) as caught:
        check_markup_size(_html("<i>x</i>" * (MAX_ELEMENTS + 1)), "many.html")
    assert caught.value.code == "too_large"
    # html, head, title, body and the <i> elements (the doctype is not an element)
    assert f"{MAX_ELEMENTS + 1 + 4:,} HTML elements" in caught.value.message
    # "a < b" in text is not an element: under the cap once counted exactly
    check_markup_size(_html("<p>" + "a < b " * (MAX_ELEMENTS + 10) + "</p>"), "maths.html")


# -- exit codes ---------------------------------------------------------------------------


def _boom(**_: object) -> None:
    raise RuntimeError("the spill file vanished\nhalfway")


def test_an_internal_error_is_one_line_and_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("broadsheet.cli.build.build_command", _boom)
    result = CliRunner().invoke(
        app, ["build", "--source", "x", "--name", "n", "--version", "1.0.0"]
    )
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert lines == [
        "error [internal_error]: RuntimeError: the spill file vanished halfway (this is a bug "
        "in broadsheet; rerun with --debug for the traceback)"
    ]
    assert "Traceback" not in result.output


def test_debug_shows_the_internal_errors_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("broadsheet.cli.build.build_command", _boom)
    args = ["--debug", "build", "--source", "x", "--name", "n", "--version", "1.0.0"]
    result = CliRunner().invoke(app, args)
    assert isinstance(result.exception, RuntimeError)
    assert result.exit_code != 0


def test_a_missing_file_is_an_io_error_with_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(**_: object) -> None:
        raise FileNotFoundError(2, "No such file or directory", "/gone/spill-000001.arrow")

    monkeypatch.setattr("broadsheet.cli.build.build_command", missing)
    result = CliRunner().invoke(
        app, ["build", "--source", "x", "--name", "n", "--version", "1.0.0"]
    )
    assert result.exit_code == 2
    assert result.output.startswith("error [io_error]: FileNotFoundError:")
    assert "/gone/spill-000001.arrow" in result.output


def test_version_prints_and_exits_0() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("broadsheet ")


# -- immutability decided by content ---------------------------------------------------------


def _small_corpus(tmp_path: Path) -> None:
    shutil.copytree(REPO / "tests" / "fixtures" / "html", tmp_path / "corpus")


def test_the_same_inputs_spelled_differently_are_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _small_corpus(tmp_path)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    base = ["build", "--name", "same", "--version", "1.0.0", "--workers", "1", "--no-progress"]
    first = runner.invoke(app, [*base, "--source", "corpus"])
    assert first.exit_code == 0, first.output
    report = json.loads((tmp_path / "dist/same/1.0.0/build-report.json").read_text())
    assert report["command"] == "broadsheet build --source corpus --name same --version 1.0.0"
    before = {p: p.read_bytes() for p in (tmp_path / "dist").rglob("*") if p.is_file()}

    second = runner.invoke(app, [*base, "--source", str(tmp_path / "corpus")])
    assert second.exit_code == 0, second.output
    assert "unchanged (same content)" in second.output
    assert "differs" not in second.output  # the command is recorded relative: no difference
    third = runner.invoke(app, [*base, "--source", "./corpus/../corpus/"])
    assert third.exit_code == 0, third.output
    after = {p: p.read_bytes() for p in (tmp_path / "dist").rglob("*") if p.is_file()}
    assert after == before  # the release on disk is kept as it was


def _build(tmp_path: Path, command: str | None = None) -> BuildResult:
    return build_release(
        [tmp_path / "corpus"],
        out_dir=tmp_path / "dist",
        recipe=_recipe(),
        root=tmp_path,
        work_dir=tmp_path / "build",
        command=command,
    )


def test_a_library_patch_release_is_unchanged_and_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _small_corpus(tmp_path)
    first = _build(tmp_path, "broadsheet build --source corpus")
    real = versions()
    bumped = {**real, "pyarrow": real["pyarrow"] + ".post1", "polars": "0.0.1"}
    monkeypatch.setattr("broadsheet.build.run.versions", lambda: bumped)
    second = _build(tmp_path, "broadsheet build --source ./corpus")
    assert second.status == "unchanged" and second.fingerprint == first.fingerprint
    notes = "\n".join(second.provenance)
    assert f"pyarrow: {real['pyarrow']} then, {real['pyarrow']}.post1 now" in notes
    assert f"polars: {real['polars']} then, 0.0.1 now" in notes
    assert "'broadsheet build --source corpus' then, 'broadsheet build --source ./corpus' now" in (
        notes
    )
    lines = summary(second)
    assert any("only how it was built differs" in line for line in lines)
    stored = json.loads((first.release_dir / "build-report.json").read_text())
    assert stored["versions"] == real  # the release on disk is not rewritten


def test_other_content_under_the_same_version_is_still_refused(tmp_path: Path) -> None:
    _small_corpus(tmp_path)
    first = _build(tmp_path)
    (tmp_path / "corpus" / "listing.html").unlink()
    with pytest.raises(UsageError) as caught:
        _build(tmp_path)
    assert caught.value.code == "release_exists"
    assert first.fingerprint in caught.value.message


def test_the_same_records_with_another_card_are_refused_and_said_so(tmp_path: Path) -> None:
    _small_corpus(tmp_path)
    first = _build(tmp_path)
    recipe = _recipe().model_copy(update={"card": {"motivation": "A new account of why."}})
    with pytest.raises(UsageError) as caught:
        build_release(
            [tmp_path / "corpus"],
            out_dir=tmp_path / "dist",
            recipe=recipe,
            root=tmp_path,
            work_dir=tmp_path / "build",
        )
    assert caught.value.code == "release_exists"
    message = caught.value.message
    assert f"the same records (fingerprint {first.fingerprint})" in message
    assert "README.md" in message and "bump the version" in message
