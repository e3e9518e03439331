"""What a new user meets on the command line: --version, report folders, sources with nothing
to read, a summary that agrees with the report, progress, the recorded command, warnings."""

from __future__ import annotations

import io
import json
import re
import shlex
import shutil
import sys
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

from broadsheet import __version__
from broadsheet.build.engines import SerialEngine
from broadsheet.build.pipeline import process_batch
from broadsheet.build.progress import RichProgress, count_inputs, track
from broadsheet.cli.main import app
from broadsheet.recipe import CheckSettings
from broadsheet.sources.files import iter_sources

sys.path.insert(0, str(Path(__file__).parent))
from source_factory import Rec, build_warc

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Two seed pages, a copy of the first (a duplicate), a binary file and a WARC holding
    a warcinfo, a request and a response record."""
    folder = tmp_path / "my pages"
    folder.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, folder / seed.name)
    shutil.copy(SEEDS[0], folder / "zz_copy.txt")
    (folder / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    data, _ = build_warc([Rec("warcinfo"), Rec("request"), Rec("response")], gzip=False)
    (folder / "crawl.warc").write_bytes(data)
    return folder


def test_version() -> None:
    out = CliRunner().invoke(app, ["--version"])
    assert out.exit_code == 0 and out.output == f"broadsheet {__version__}\n"


def _build(tmp_path: Path, *sources: str) -> tuple[int, str, str]:
    args = ["build", "--name", "polish", "--version", "1.0.0", "--no-progress", "--workers", "1"]
    for source in sources:
        args += ["--source", source]
    out = CliRunner().invoke(app, args)
    return out.exit_code, out.stdout, out.stderr


def test_build_of_a_missing_source_or_an_empty_pattern_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    for source in ("nope", "crawl/*.html", "crawl/**/*.html", "empty"):
        code, stdout, stderr = _build(tmp_path, source)
        assert code == 1, (source, stdout, stderr)
        assert stderr.startswith("error [no_input]: nothing to read at ")
        assert repr(source) in stderr
    assert not (tmp_path / "dist").exists()


def test_summary_lines_agree_with_each_other_and_the_report(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, stdout, _ = _build(tmp_path, corpus.name)
    assert code == 0, stdout
    report = json.loads((tmp_path / "dist/polish/1.0.0/build-report.json").read_text())
    lines = stdout.splitlines()
    # the folder: 2 seeds + their copy + a PNG + the WARC's response = 5 inputs;
    # the copy is a duplicate and the PNG binary; warcinfo and request records are skipped
    assert lines[0] == "inputs: 5 = accepted 3 + quarantined 2"
    assert (report["inputs"], report["accepted"], report["quarantined"]) == (5, 3, 2)
    reasons = dict(re.findall(r"^  ([a-z_]+): (\d+)  \(", stdout, re.M))
    assert {k: int(v) for k, v in reasons.items()} == report["reasons"]
    assert report["reasons"] == {"binary": 1, "duplicate": 1}
    assert sum(report["reasons"].values()) == report["quarantined"]
    assert "skipped (records that are not pages, not inputs): 2 = " in stdout
    assert report["skipped"] == {"warc_request": 1, "warc_warcinfo": 1}


def test_the_recorded_command_is_shell_quoted(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert _build(tmp_path, corpus.name)[0] == 0
    report = json.loads((tmp_path / "dist/polish/1.0.0/build-report.json").read_text())
    assert report["command"] == (
        "broadsheet build --source 'my pages' --name polish --version 1.0.0"
    )
    assert shlex.split(report["command"])[2:4] == ["--source", "my pages"]


def test_validate_makes_the_folders_of_its_report_paths(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert _build(tmp_path, corpus.name)[0] == 0
    args = ["validate", "dist/polish/1.0.0"]
    args += ["--json", "reports/a/v.json", "--junit", "reports/b/v.xml"]
    args += ["--markdown", "reports/c/d/v.md"]
    out = CliRunner().invoke(app, args)
    assert out.exit_code == 0, out.output
    assert json.loads((tmp_path / "reports/a/v.json").read_text())["ok"] is True
    assert (tmp_path / "reports/b/v.xml").read_text().startswith("<?xml")
    assert (tmp_path / "reports/c/d/v.md").is_file()


def test_count_inputs_by_listing(corpus: Path, tmp_path: Path) -> None:
    assert count_inputs([corpus]) is None  # a WARC: its pages are known once read
    (corpus / "crawl.warc").unlink()
    (corpus / "manifest.csv").write_text("file,url,sha256,captured_at,notes\n")
    assert count_inputs([corpus]) == 4  # the manifest is not an input
    assert count_inputs([corpus, corpus / "logo.png"]) == 4  # a file reached twice: once
    assert count_inputs([str(corpus / "*.txt"), tmp_path / "missing"]) == 4
    pages = [i for i in iter_sources([corpus, tmp_path / "missing"])]
    assert len(pages) == count_inputs([corpus, tmp_path / "missing"])


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_bar_shows_the_total_the_rate_and_the_elapsed_time_at_the_end(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    (corpus / "crawl.warc").unlink()
    items = list(iter_sources([corpus]))
    stream = _Terminal()
    with track(None, True, stream=stream) as bar:
        assert isinstance(bar, RichProgress)
        bar.set_total(count_inputs([corpus]))
        for result in SerialEngine().map(
            lambda batch: process_batch(batch, CheckSettings()), [items[:2], items[2:]]
        ):
            bar.advance(result)
    last = stream.getvalue().rsplit("\r", 1)[-1]
    assert "4/4" in last  # the total, counted by listing the folder
    assert re.search(r"[\d,]+ pages/s", last)
    assert re.search(r"\d+:\d\d:\d\d", last)  # elapsed


def test_library_warnings_do_not_reach_the_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PYTHONWARNINGS", raising=False)

    def noisy(*, as_json: bool) -> list[str]:
        warnings.warn("a library changes its default", FutureWarning, stacklevel=1)
        return ["ok"]

    monkeypatch.setattr("broadsheet.cli.parsers.parsers_lines", noisy)
    with warnings.catch_warnings():
        out = CliRunner().invoke(app, ["parsers"])
    assert out.exit_code == 0 and out.stdout == "ok\n"
    assert "FutureWarning" not in out.stderr
    monkeypatch.delenv("PYTHONWARNINGS", raising=False)
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("default")
        CliRunner().invoke(app, ["--debug", "parsers"])
    assert [str(w.message) for w in shown] == ["a library changes its default"]


def test_a_reader_that_goes_away_stops_the_output_quietly() -> None:
    # `broadsheet parse FOLDER | head -c 100`: the records do not fit in the pipe, the reader
    # leaves, and broadsheet stops without an error line about a broken pipe
    import subprocess

    pages = ROOT / "tests" / "fixtures" / "outlets"
    process = subprocess.Popen(
        [sys.executable, "-m", "broadsheet", "parse", "--workers", "1", str(pages)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert len(process.stdout.read(100)) == 100
    process.stdout.close()
    errors = process.stderr.read().decode()
    process.wait(timeout=120)
    assert "error [" not in errors and "Traceback" not in errors, errors
