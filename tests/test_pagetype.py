"""Page type: real pages of each kind (tests/fixtures/html/pagetype/) decided as what they are,
the refusal's message and page type, and the type's way into the quarantine and the report."""

from __future__ import annotations

import gzip
import json
import pickle
from pathlib import Path

import pytest

from broadsheet.build.pipeline import process_page
from broadsheet.build.report import not_article_section, not_article_types
from broadsheet.build.staging import QuarantineLog
from broadsheet.errors import PageError
from broadsheet.parsers.pagetype import PAGE_TYPES, decide
from broadsheet.parsers.pagetype_features import Feature, features
from broadsheet.parsers.pagetype_model import load_model
from broadsheet.parsers.pagetype_signals import DomSignals, read_url
from broadsheet.records.model import Article
from broadsheet.records.quarantine import Quarantined
from broadsheet.sources.items import Page

FIXTURES = Path(__file__).parent / "fixtures" / "html" / "pagetype"

# file -> (URL, type decided by looking at the page); see the README beside the pages
PAGES = {
    "0001": (
        "https://scratchculinary.com/2025/09/04/top-nutrition-trends-for-fall-2025-what-"
        "fitness-experts-are-eating-and-how-scratch-makes-it-easy/",
        "article",
    ),
    "2825": ("https://cassidoo.co/post/dot-github", "article"),
    "4500": (
        "https://www.bgr.com/2084383/best-noise-cancelling-headphones-consumer-reports/",
        "article",
    ),
    "0659": ("https://jococups.com/shop/", "collection"),
    "2864": ("https://www.postgresql.org/docs/current/indexes.html", "documentation"),
    "0536": ("https://forums.virtualbox.org/viewtopic.php?t=112320", "forum"),
    "0082": ("https://nssa.stanford.edu/news", "listing"),
    "0610": ("https://www.ghostwares.com.au/shop/p/white-speckle-mug", "product"),
    "0088": ("https://academics.lmu.edu/extension/programs/digitalmarketing/", "service"),
    "2900": ("https://blog.golang.org/", "home"),
}


def fixture_page(key: str) -> Page:
    url, _kind = PAGES[key]
    data = gzip.decompress((FIXTURES / f"{key}.html.gz").read_bytes())
    return Page(source_file=f"{key}.html", data=data, url=url)


@pytest.mark.parametrize("key", sorted(k for k, (_, kind) in PAGES.items() if kind == "article"))
def test_articles_are_accepted(key: str) -> None:
    outcome = process_page(fixture_page(key))
    assert isinstance(outcome, Article), outcome


@pytest.mark.parametrize("key", sorted(k for k, (_, kind) in PAGES.items() if kind != "article"))
def test_each_page_type_is_decided(key: str) -> None:
    kind = PAGES[key][1]
    outcome = process_page(fixture_page(key))
    assert isinstance(outcome, Quarantined), f"{key} ({kind}) was accepted"
    assert outcome.code == "not_article"
    assert outcome.page_type == kind
    assert f"{key}.html is a {kind} page, not an article: " in outcome.message
    assert outcome.to_json_dict()["page_type"] == kind


def test_message_names_the_deciding_signals() -> None:
    outcome = process_page(fixture_page("0610"))  # a product page: price, add to cart
    assert isinstance(outcome, Quarantined)
    signals = outcome.message.split("not an article: ", 1)[1]
    assert "article likelihood" in signals
    # the signals are phrases of the page's own features, not a fixed text
    feats = {f.phrase for f in _page_features("0610")}
    named = [p for p in feats if p in signals]
    assert len(named) >= 2, (signals, feats)


def _page_features(key: str) -> list[Feature]:
    from broadsheet.parsers import load_document
    from broadsheet.parsers.html_generic import parse_tree
    from broadsheet.parsers.htmlmeta import read_meta
    from broadsheet.parsers.pagetype import page_features

    page = fixture_page(key)
    tree = parse_tree(load_document(page).text)
    assert tree is not None
    meta = read_meta(tree, page.url)
    return page_features(tree, page.url, meta)


def test_product_page_signals_are_read_from_the_page() -> None:
    # the mug page: og:type product, one price ($60.00), a /shop/p/<item> URL; its "Add To
    # Cart" button is drawn by a script, so it is not in the markup
    by_name = {f.name: f for f in _page_features("0610")}
    assert by_name["og_product"].value == 1.0
    assert by_name["prices"].phrase == "1 prices"
    assert by_name["url_product"].value == 1.0
    assert by_name["buy"].value == 0.0


def test_forum_and_docs_signals() -> None:
    forum = {f.name: f for f in _page_features("0536")}
    assert forum["url_forum"].value == 1.0  # forums. host, viewtopic.php
    docs = {f.name: f for f in _page_features("2864")}
    assert docs["url_docs"].value == 1.0  # /docs/
    assert docs["author"].value == 0.0


def _features(url: str, og_type: str | None = None, **counts: int) -> list[Feature]:
    dom = DomSignals(og_type=og_type)
    for name, value in counts.items():
        setattr(dom, name, value)
    return features(dom, read_url(url), set(), has_author=False, has_date=False)


def test_home_page_rule() -> None:
    verdict = decide(_features("https://example.org/", words=40, p_words=10, og_type="website"))
    assert verdict.page_type == "home"
    assert verdict.signals == ("the site's home page (an empty URL path)", "og:type website")


def test_error_page_rule() -> None:
    feats = _features("https://example.org/some/thing", words=12, p_words=6)
    verdict = decide(feats, titles=("404 Not Found", None))
    assert verdict.page_type == "error"
    assert "404 Not Found" in verdict.signals[0]
    assert decide(feats, titles=("Rust's error handling, explained",)).page_type != "error"
    prose = _features("https://example.org/some/thing", words=900, p_words=800, long_paragraphs=9)
    assert decide(prose, titles=("Not found: the lost city",)).page_type != "error"


def test_decided_types_are_known() -> None:
    model = load_model()
    assert set(model.classes) - {"article"} <= set(PAGE_TYPES)
    assert len(model.names) == len(_features("https://example.org/a"))


def test_flag_phrases_say_absence() -> None:
    by_name = {f.name: f for f in _features("https://example.org/a-b-c")}
    assert by_name["author"].phrase == "no byline"
    assert by_name["date"].phrase == "no publication date"
    assert by_name["url_slug"].phrase == "3-word URL slug"


def test_page_error_keeps_its_page_type_through_pickling() -> None:
    error = PageError("not_article", "x.html is a forum page", page_type="forum")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.code, copy.message, copy.page_type) == ("not_article", error.message, "forum")
    plain = pickle.loads(pickle.dumps(PageError("no_body", "no text")))
    assert plain.page_type is None


def test_page_type_reaches_quarantine_and_report(tmp_path: Path) -> None:
    log = QuarantineLog(tmp_path / "q.jsonl")
    assert not_article_section(log) == {}  # no refusal: the report keeps its layout
    for key in ("0610", "0536", "0082"):
        outcome = process_page(fixture_page(key))
        assert isinstance(outcome, Quarantined)
        log.add(outcome)
    log.add(Quarantined("other.html", None, "not_article", "no text", "parse"))
    log.add(Quarantined("empty.html", None, "empty", "empty page", "parse"))
    assert not_article_types(log) == {"forum": 1, "listing": 1, "product": 1, "unknown": 1}
    assert not_article_section(log) == {
        "not_article_types": {"forum": 1, "listing": 1, "product": 1, "unknown": 1}
    }
    entries = {e.source_file: e for e in log.sorted_entries()}
    assert entries["0610.html"].page_type == "product"
    assert entries["other.html"].page_type is None
    lines = [json.loads(line) for line in (tmp_path / "q.jsonl").read_text().splitlines()]
    assert [line.get("page_type") for line in lines] == ["product", "forum", "listing", None, None]
