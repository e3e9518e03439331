"""The public API (``import broadsheet``): cheap to import, typed, documented in the README,
and the README's examples run."""

from __future__ import annotations

import inspect
import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import broadsheet
from broadsheet.errors import REASONS, PageError, UsageError
from broadsheet.records.model import Article
from broadsheet.records.quarantine import Quarantined
from fresh_interpreter import modules_after, packages

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SEED = sorted((ROOT / "seeds").glob("*.txt"))[0]
FUNCTIONS = ["build_release", "diff_releases", "iter_records", "parse_page", "validate_release"]


def _api_section() -> str:
    start = README.index("## Python API\n")
    return README[start : README.index("\n## ", start + 1)]


def test_all_lists_the_functions_each_typed_and_documented() -> None:
    assert sorted(set(broadsheet.__all__) - {"__version__"}) == FUNCTIONS
    section = _api_section()
    for name in FUNCTIONS:
        fn = getattr(broadsheet, name)
        assert fn.__doc__ and ">>>" in fn.__doc__, name  # a docstring with an example
        signature = inspect.signature(fn)
        assert signature.return_annotation is not inspect.Signature.empty, name
        assert all(
            p.annotation is not inspect.Parameter.empty for p in signature.parameters.values()
        )
        assert f"`{name}(" in section, f"README's Python API lacks {name}"


def test_import_broadsheet_is_cheap() -> None:
    heavy = {"pandas", "polars", "pyarrow", "dask", "distributed", "bs4", "lxml"}
    loaded = modules_after("import broadsheet")
    assert "broadsheet" in loaded and not packages(loaded) & heavy


def test_parse_page_gives_a_record_or_a_coded_error() -> None:
    # the seed's first lines name the site, its headline follows the language links
    record = broadsheet.parse_page(SEED.read_bytes(), source_file=SEED.name)
    assert isinstance(record, Article)
    assert record.parser.startswith("almayadeen_text@") and record.source_file == SEED.name
    with pytest.raises(PageError) as caught:
        broadsheet.parse_page(b"%PDF-1.7 binary")
    assert caught.value.code == "binary" and caught.value.code in REASONS
    with pytest.raises(PageError) as caught:
        broadsheet.parse_page(b"   \n")
    assert caught.value.code == "empty"
    with pytest.raises(ValueError):
        broadsheet.parse_page(SEED.read_bytes(), "ftp://example.org/x")


def test_parse_page_takes_the_url_given() -> None:
    page = ROOT / "tests" / "fixtures" / "html" / "newsarticle_jsonld.html"
    url = "https://news.example.org/world/2026/harbour-plan"
    record = broadsheet.parse_page(page.read_bytes(), url, source_file="a.html")
    assert record.url == url  # the address the caller gives wins over the page's own
    assert record.source_file == "a.html"


def test_iter_records_yields_records_and_quarantine_entries(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / "a.txt")
    (corpus / "b.bin").write_bytes(b"\x89PNG\r\n\x1a\n")
    items = list(broadsheet.iter_records(corpus, root=tmp_path))
    assert [type(i) for i in items] == [Article, Quarantined]
    assert items[0].source_file == "corpus/a.txt"
    assert isinstance(items[1], Quarantined) and items[1].code == "binary"


def test_build_validate_and_diff(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / "a.txt")
    first = broadsheet.build_release(
        [corpus], name="api-news", version="1.0.0", out_dir=tmp_path / "dist", engine="serial"
    )
    assert first.status == "written" and first.accepted == 1 and first.quarantined == 0
    assert first.release_dir == tmp_path / "dist" / "api-news" / "1.0.0"
    assert broadsheet.validate_release(first.release_dir).ok
    (corpus / "b.txt").write_bytes(b"\x00\x01binary")
    second = broadsheet.build_release(
        [corpus], name="api-news", version="1.1.0", out_dir=tmp_path / "dist", engine="serial"
    )
    assert second.reasons == {"binary": 1}
    changes = broadsheet.diff_releases(first.release_dir, second.release_dir)
    assert changes.added == [] and changes.removed == [] and changes.changed == []
    assert changes.quarantine == {"binary": (0, 1)}


def test_build_release_refuses_sources_with_nothing_to_read(tmp_path: Path) -> None:
    for source in (tmp_path / "missing", str(tmp_path / "none-*.html")):
        with pytest.raises(UsageError) as refused:
            broadsheet.build_release([source], name="x", version="1.0.0", out_dir=tmp_path)
        assert refused.value.code == "no_input" and str(source) in refused.value.message
    assert not (tmp_path / "x").exists()


def test_readme_python_examples_run(tmp_path: Path) -> None:
    blocks = re.findall(r"```python\n(.*?)```", _api_section(), re.S)
    assert blocks
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    script = tmp_path / "example.py"
    script.write_text("\n".join(blocks), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[1].startswith("binary ")
    assert any(line.startswith("written ") for line in lines)
    assert lines[-1] == "True []"
    assert (tmp_path / "out" / "my-news" / "1.0.0" / "build-report.json").is_file()


SCRIPT = """
import json
import broadsheet

result = broadsheet.build_release(
    ["corpus"], name="guard", version="1.0.0", out_dir="out", engine="processes", workers=2
)
print(json.dumps(result.reasons))
"""


def test_a_script_without_a_main_guard_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "corpus").mkdir()
    shutil.copy(SEED, tmp_path / "corpus" / "a.txt")
    (tmp_path / "unguarded.py").write_text(SCRIPT, encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "unguarded.py"], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert out.returncode != 0
    assert "unguarded_main" in out.stderr and "unguarded.py, line 5" in out.stderr
    assert 'if __name__ == "__main__":' in out.stderr
    assert "worker_failed" not in out.stdout + out.stderr
    assert not (tmp_path / "out" / "guard").exists()
    guarded = "def main() -> None:\n" + textwrap.indent(SCRIPT, "    ")
    guarded += '\n\nif __name__ == "__main__":\n    main()\n'
    (tmp_path / "guarded.py").write_text(guarded, encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "guarded.py"], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.splitlines()[-1]) == {}
