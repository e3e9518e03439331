"""The build report's per-input entries are written exactly as ``json.dumps`` would."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from broadsheet.build.report import SourcesAhead, source_entry_text, write_report

TRICKY = [
    "pages/0001.txt",
    'quote " and backslash \\ and slash /',
    "tab\tnewline\nreturn\rbell\x07 nul\x00 del\x7f",
    "Bayrūt, بيروت, 北京, emoji 🗞️, nbsp\u00a0and line sep\u2028",
    "",
]


def expected(entry: dict[str, Any]) -> str:
    """json.dumps's text, each of its lines indented (at "\n" only: U+2028 and the other
    characters ``str.splitlines`` breaks at stay inside their JSON string)."""
    text = json.dumps(entry, indent=2, sort_keys=True, ensure_ascii=False)
    return "\n".join("    " + line for line in text.split("\n"))


@pytest.mark.parametrize("value", TRICKY)
def test_entry_text_is_what_json_dumps_writes(value: str) -> None:
    entry = {
        "source_file": value,
        "source_sha256": "ab" * 32,
        "url": None,
        "captured_at": "2024-01-31T11:38:00Z",
        "captured_after": None,
        "parser": value or None,
        "outcome": "accepted",
    }
    assert source_entry_text(entry) == expected(entry)


def test_every_code_point_is_escaped_like_json() -> None:
    chunk = "".join(chr(c) for c in range(0x0, 0x3000) if not 0xD800 <= c <= 0xDFFF)
    entry = {"z": chunk, "a": 7, "m": True, "n": None, "f": 1.5}
    assert source_entry_text(entry) == expected(entry)


def test_empty_entry() -> None:
    assert source_entry_text({}) == expected({})


def test_report_file_is_json_dumps_of_the_whole(tmp_path: Path) -> None:
    report = {"dataset": {"name": "x", "version": "1.0.0"}, "rows": 2, "shards": ["a"]}
    sources = [
        {"source_file": "b.txt", "outcome": "accepted", "url": "https://e.com/ä"},
        {"source_file": "a\n.txt", "outcome": "empty", "url": None},
    ]
    path = tmp_path / "build-report.json"
    write_report(path, report, iter(sources))
    whole = {**report, "sources": sources}
    text = json.dumps(whole, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert path.read_text(encoding="utf-8") == text
    write_report(path, report, iter([]))
    empty = json.dumps({**report, "sources": []}, indent=2, sort_keys=True, ensure_ascii=False)
    assert path.read_text(encoding="utf-8") == empty + "\n"


@pytest.mark.parametrize("background", [False, True], ids=["at once", "on a thread"])
@pytest.mark.parametrize("count", [0, 2])
def test_sources_rendered_ahead_give_the_same_report(
    tmp_path: Path, background: bool, count: int
) -> None:
    report = {"rows": count, "shards": ["a"]}
    sources = [
        {"source_file": f"{n}.txt", "outcome": "accepted", "url": f"https://e.com/{n}"}
        for n in range(count)
    ]
    streamed, copied = tmp_path / "streamed.json", tmp_path / "copied.json"
    write_report(streamed, report, iter(sources))
    ahead = SourcesAhead(tmp_path / "sources.json", iter(sources), background)
    write_report(copied, report, ahead.result())
    write_report(copied, {**report, "again": 1}, ahead.result())  # the file serves twice
    assert json.loads(copied.read_text(encoding="utf-8")) == {
        **json.loads(streamed.read_text(encoding="utf-8")),
        "again": 1,
    }
    write_report(copied, report, ahead.result())
    assert copied.read_bytes() == streamed.read_bytes()


def test_sources_rendered_on_a_thread_raise_where_they_are_used(tmp_path: Path) -> None:
    def entries() -> Any:
        yield {"source_file": "a.txt", "outcome": "accepted"}
        raise OSError("the disk went away")

    ahead = SourcesAhead(tmp_path / "sources.json", entries(), background=True)
    with pytest.raises(OSError, match="disk went away"):
        ahead.result()


def test_line_separators_inside_values_stay_values(tmp_path: Path) -> None:
    """U+2028, U+0085 and friends end lines for ``str.splitlines``, not for JSON: a value
    holding one is written unchanged and reads back equal."""
    name = "a\u2028b\x85c\x1cd\x0be\x0cf.txt"
    path = tmp_path / "build-report.json"
    write_report(path, {"rows": 1}, iter([{"source_file": name, "outcome": "accepted"}]))
    assert json.loads(path.read_text(encoding="utf-8"))["sources"][0]["source_file"] == name
