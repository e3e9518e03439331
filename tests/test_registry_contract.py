"""Contract every registered parser honours, whatever site or format it reads.

It runs over every installed parser: the built-in ones, those of installed plugins, and the
example plugin (examples/broadsheet-example-parser), installed here for the run.
"""

from __future__ import annotations

import pickle
import re
import tempfile
from pathlib import Path

import pytest

from broadsheet.errors import REASONS, PageError
from broadsheet.parsers import load_document, parse_page, registry
from broadsheet.parsers.base import Document, Parser
from broadsheet.records.model import Article
from broadsheet.sources.items import Page
from plugin_install import FIXTURES as PLUGIN_FIXTURES
from plugin_install import example_plugin

ROOT = Path(__file__).resolve().parents[1]
SEED_PAGES = sorted((ROOT / "seeds").glob("*.txt"))
FIXTURE_PAGES = sorted((Path(__file__).parent / "fixtures").rglob("*.txt"))
FIXTURE_PAGES += sorted((Path(__file__).parent / "fixtures").rglob("*.html"))
FIXTURE_PAGES += sorted(PLUGIN_FIXTURES.glob("*.html"))


def _installed_parsers() -> list[Parser]:
    with tempfile.TemporaryDirectory() as site, example_plugin(Path(site)):
        return list(registry())


REGISTRY = _installed_parsers()

_HTML_ARTICLE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Council approves harbour plan</title></head>
<body><article><h1>Council approves harbour plan</h1>
<p class="byline">By Ellen Marsh</p>
<p>The harbour board voted on Thursday to approve a second container terminal on the quay.</p>
<p>The project will double the port's capacity by 2029, the board said in a statement.</p>
</article></body></html>
"""


def _odd_documents() -> list[Document]:
    page = Page("odd.txt", b"x")
    texts = {
        "empty": ("", False),
        "whitespace": ("\n \t\r\n", False),
        "binary-ish": ("\x00\x01\x02\ufffd\ufffd\x7f" * 200, False),
        "html": (_HTML_ARTICLE, True),
        "html-as-text": (_HTML_ARTICLE, False),
        "text": ("Al Mayadeen English\n\n  • Ar\n", False),
        "lone bullets": ("•\n•\n  •\n", False),
        "long line": ("By " + "word " * 50_000, False),
        "crlf only": ("\r\n" * 100, False),
    }
    return [Document(page=page, text=t, is_html=h) for t, h in texts.values()]


def _sample_documents() -> list[Document]:
    docs = [load_document(Page(p.name, p.read_bytes())) for p in SEED_PAGES + FIXTURE_PAGES]
    docs.append(load_document(Page("article.html", _HTML_ARTICLE.encode())))
    return docs


@pytest.fixture(scope="module")
def sample_documents() -> list[Document]:
    return _sample_documents()


def test_registry_is_not_empty() -> None:
    assert REGISTRY
    assert all(isinstance(p, Parser) for p in REGISTRY)
    assert "harbour_gazette" in [p.name for p in REGISTRY]  # the example plugin


def test_site_parsers_are_asked_before_generic_ones() -> None:
    generic = [p.generic for p in REGISTRY]
    assert generic == sorted(generic), [p.name for p in REGISTRY]
    assert REGISTRY[-1].name == "html_generic"


def test_parser_names_are_unique() -> None:
    names = [p.name for p in REGISTRY]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("parser", REGISTRY, ids=lambda p: p.name)
def test_name_and_version_format(parser: Parser) -> None:
    assert re.fullmatch(r"[a-z0-9_.-]+", parser.name)
    assert re.fullmatch(r"\d+\.\d+", parser.version)
    assert parser.ident == f"{parser.name}@{parser.version}"


@pytest.mark.parametrize("parser", REGISTRY, ids=lambda p: p.name)
def test_claims_is_a_bool_and_never_raises(parser: Parser) -> None:
    for doc in _odd_documents():
        assert isinstance(parser.claims(doc), bool)


@pytest.mark.parametrize("parser", REGISTRY, ids=lambda p: p.name)
def test_parse_gives_a_picklable_article_or_a_known_error(
    parser: Parser, sample_documents: list[Document]
) -> None:
    for doc in sample_documents:
        if not parser.claims(doc):
            continue
        try:
            record = parser.parse(doc)
        except PageError as exc:
            assert exc.code in REASONS, exc.code
            assert exc.message
            continue
        assert isinstance(record, Article)
        assert record.parser == parser.ident
        assert pickle.loads(pickle.dumps(record)) == record


def test_some_parser_turns_each_seed_into_an_article() -> None:
    for path in SEED_PAGES:
        record = parse_page(Page(path.name, path.read_bytes()))
        assert isinstance(record, Article)
        assert pickle.loads(pickle.dumps(record)) == record


def test_odd_documents_never_crash_parse_page() -> None:
    for data in (b"", b"\x00" * 64, b"<html><body></body></html>", b"Al Mayadeen English\n"):
        with pytest.raises(PageError) as caught:
            parse_page(Page("odd.bin", data))
        assert caught.value.code in REASONS
