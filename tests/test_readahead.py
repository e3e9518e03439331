"""Read-ahead hints: which files are announced to the kernel, and when."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import broadsheet.sources.files as sources
import broadsheet.sources.readahead as readahead
from broadsheet.sources.files import iter_sources
from broadsheet.sources.items import Page
from broadsheet.sources.readahead import ReadAhead, will_need


def test_files_are_hinted_a_fixed_distance_ahead() -> None:
    hinted: list[str] = []
    paths = ["a.html", "b.warc.gz", "c.html", "d.html", "e.html", "f.html"]
    ahead = ReadAhead(paths, distance=2, wanted=lambda p: not p.endswith(".gz"), hint=hinted.append)
    ahead.reached(0)
    assert hinted == ["c.html"]  # b is an archive, a is being read
    ahead.reached(1)
    assert hinted == ["c.html", "d.html"]
    ahead.reached(1)  # nothing twice
    ahead.reached(4)  # e is read now, not announced
    assert hinted == ["c.html", "d.html", "f.html"]
    ahead.reached(5)
    assert hinted == ["c.html", "d.html", "f.html"]


@pytest.mark.skipif(not hasattr(os, "posix_fadvise"), reason="no posix_fadvise here")
def test_only_regular_files_are_hinted(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(b"<p>hello</p>")
    os.mkfifo(tmp_path / "pipe.html")  # opening it for a hint would wait for a writer
    assert will_need(str(page)) is True
    assert will_need(str(tmp_path / "pipe.html")) is False
    assert will_need(str(tmp_path)) is False
    assert will_need(str(tmp_path / "missing.html")) is False


def test_nothing_is_hinted_where_the_call_does_not_exist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(b"<p>hello</p>")
    monkeypatch.setattr(readahead, "_FADVISE", None)
    assert will_need(str(page)) is False


def test_a_folder_is_hinted_ahead_of_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = [f"{n:03d}.html" for n in range(80)]
    for name in names:
        (tmp_path / name).write_bytes(f"<p>{name}</p>".encode())
    (tmp_path / "crawl.warc.gz").write_bytes(b"")
    events: list[tuple[str, str]] = []
    monkeypatch.setattr(
        readahead, "will_need", lambda path: events.append(("hint", os.path.basename(path)))
    )
    real_read = sources._read_page

    def read(path: str, name: str, entry: object, size: int) -> object:
        events.append(("read", name))
        return real_read(path, name, entry, size)  # type: ignore[arg-type]

    monkeypatch.setattr(sources, "_read_page", read)

    pages = [i for i in iter_sources([tmp_path], root=tmp_path) if isinstance(i, Page)]

    assert [p.source_file for p in pages] == names
    hints = [name for kind, name in events if kind == "hint"]
    assert hints == names[1:]  # each page file once, never the archive or the first page
    for name in names[1:]:
        assert events.index(("hint", name)) < events.index(("read", name))
    # at most 64 files are announced before the one being read
    for index, name in enumerate(names[:16]):
        before = events[: events.index(("read", name))]
        assert sum(kind == "hint" for kind, _ in before) == min(index + 64, len(names) - 1)


def test_a_pattern_is_hinted_ahead_of_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(3):
        (tmp_path / f"{n}.html").write_bytes(b"<p>x</p>")
    hinted: list[str] = []
    monkeypatch.setattr(readahead, "will_need", lambda path: hinted.append(Path(path).name))
    items = list(iter_sources([f"{tmp_path}/*.html"], root=tmp_path))
    assert len(items) == 3 and hinted == ["1.html", "2.html"]
