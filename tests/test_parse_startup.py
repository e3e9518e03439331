"""What ``broadsheet parse`` loads: only what parsing a page needs.

A parse is a whole process per call, so what it imports is part of its cost: the table,
Arrow, Dask and plotting libraries of ``broadsheet build`` and the WARC reader (warcio and
the fsspec it loads) of WARC inputs have no part in parsing a folder of HTML pages. The
imports are read in a fresh interpreter, since this test process may hold them already.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from fresh_interpreter import modules_after, packages

#: Packages a parse of HTML pages must not import (top-level names).
NOT_FOR_A_PARSE = frozenset(
    {"pandas", "polars", "pyarrow", "pandera", "matplotlib", "dask", "warcio", "fsspec"}
)

PAGE = (
    "<html lang='en'><head><title>Harbour reopens after storm</title>"
    "<link rel='canonical' href='https://news.example.com/2024/05/06/harbour-reopens-after-storm'>"
    '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Harbour reopens'
    ' after storm", "datePublished": "2024-05-06T07:08:09Z", "author": {"@type": "Person",'
    ' "name": "Ada Byron"}}</script></head><body><article>'
    "<h1>Harbour reopens after storm</h1>"
    + "<p>The harbour reopened on Monday after a week of repairs to the sea wall.</p>" * 6
    + "</article></body></html>"
)


def _loaded_after(code: str) -> set[str]:
    """Top-level names of the modules a fresh interpreter holds after running ``code``."""
    return packages(modules_after(code))


def test_importing_the_parse_command_loads_no_build_or_warc_library() -> None:
    loaded = _loaded_after("import broadsheet.cli.main, broadsheet.cli.parse")
    assert "broadsheet" in loaded and "trafilatura" in loaded  # (the probe itself works)
    assert not loaded & NOT_FOR_A_PARSE


def test_parsing_a_folder_of_pages_loads_no_build_or_warc_library(tmp_path: Path) -> None:
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(PAGE.encode()))
    (tmp_path / "other.html").write_text(PAGE, encoding="utf-8")
    code = (
        "import contextlib, io\n"
        "from pathlib import Path\n"
        "from broadsheet.cli.parse import parse_command\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    failed = parse_command([Path({str(tmp_path)!r})], url=None, pretty=False,"
        " workers=1)\n"
        "assert not failed and out.getvalue().count('\\n') == 2, out.getvalue()"
    )
    assert not _loaded_after(code) & NOT_FOR_A_PARSE


@pytest.mark.parametrize("name", ["archive.warc", "archive.warc.gz"])
def test_a_warc_input_is_still_read(tmp_path: Path, name: str) -> None:
    """The WARC reader, imported only when a WARC is read, still reads one."""
    from broadsheet.sources.files import iter_sources
    from broadsheet.sources.items import Page

    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + PAGE.encode()
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
        "WARC-Date: 2024-05-06T07:08:09Z\r\nWARC-Target-URI: https://example.com/harbour\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n"
        "\r\n"
    ).encode()
    record = head + http + b"\r\n\r\n"
    path = tmp_path / name
    path.write_bytes(gzip.compress(record) if name.endswith(".gz") else record)
    items = list(iter_sources([str(path)]))
    assert len(items) == 1 and isinstance(items[0], Page)
    assert items[0].url == "https://example.com/harbour"
    assert items[0].data == PAGE.encode()


# ------------------------------------------------------- chrome pruning, per element cost


def test_chrome_inside_removed_chrome_is_removed_once_and_later_chrome_still_goes() -> None:
    """An element inside one already removed is not counted again; the walk goes on after
    it (to a second, separate share bar) and keeps the prose between them."""
    from lxml.html import fromstring

    from broadsheet.parsers.htmlchrome import prune_chrome

    tree = fromstring(
        "<html><body><article><h1>T</h1>"
        "<div class='share-bar'><ul class='share-list'><li class='share-item'>"
        "<a>Facebook</a></li></ul></div>"
        "<p>Text of the story.</p>"
        "<div id='sharing-bottom'><span class='promo'>Sign up</span></div>"
        "</article></body></html>"
    )
    assert prune_chrome(tree) == 2
    assert [el.tag for el in tree.find(".//article")] == ["h1", "p"]


@pytest.mark.parametrize(
    ("names", "chrome"),
    [
        ("article-share-bar", True),  # a word between dashes
        ("relatedPosts", True),  # a lower-case word before a capital
        ("postRelated", True),  # a capitalised word after lower-case letters
        ("c-newsletter__box", True),
        ("navbar navbar-dark", True),
        ("nav-item", True),
        ("commentary", False),  # inside a longer word
        ("canvas", False),  # 'nav' after a letter
        ("navigator", False),  # 'navigation' is not a prefix of it, 'nav' goes on in letters
        ("menus-x", False),  # 'menu' followed by a lower-case letter
        ("MenuBar", True),
        ("subscribed", False),
        ("ad-cta", True),
    ],
)
def test_class_names_that_name_chrome(names: str, chrome: bool) -> None:
    from lxml.html import fromstring

    from broadsheet.parsers.htmlchrome import prune_chrome

    tree = fromstring(
        f"<html><body><div class='{names}'><a>Home</a></div><p>Story.</p></body></html>"
    )
    assert prune_chrome(tree) == (1 if chrome else 0)
