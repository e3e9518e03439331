"""Scoring rules of the extraction benchmarks (``benchmarks/metrics.py``, ``benchmarks/wcxb.py``
and the answers of the two tools in ``benchmarks/harness.py``), on hand-made cases."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from harness import Result, trafilatura_result
from metrics import (
    author_found,
    body_figures,
    day_match,
    expected_names,
    score_body,
    score_word_bag,
    shingles,
    snippet_share,
    title_equal,
    word_bag,
)
from wcxb import article_figures, confusion, headline, score_article

# ---------------------------------------------------------------- aeb shingles


def test_shingles_are_token_four_grams_and_a_short_text_is_one() -> None:
    assert shingles("a b, c d; e") == {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}
    assert shingles("a b c") == {("a", "b", "c"): 1}
    assert shingles("  ...  ") == {}


def test_body_shares_precision_over_predicted_pages_recall_over_all() -> None:
    # 2 predicted shingles, 1 true: tp 1, fp 1, fn 0 -> shares 1/2, 1/2, 0.
    extra = score_body("a b c d e", "a b c d")
    assert (extra.tp, extra.fp, extra.fn) == (0.5, 0.5, 0.0)
    assert (extra.precision, extra.recall) == (0.5, 1.0)
    missing = score_body(None, "x y")  # nothing predicted: only misses
    assert (missing.predicted, missing.recall) == (False, 0.0)
    figures = body_figures([extra, missing])
    # precision: the predicted page only (0.5); recall: (1 + 0) / 2; F1 of 0.5 and 0.5.
    assert (figures.precision, figures.recall, figures.f1) == (0.5, 0.5, 0.5)
    assert figures.accuracy == 0.0
    assert body_figures([score_body("A b!", "a b")]).accuracy == 0.0  # tokens are case-exact
    assert body_figures([score_body("a, b", "a b")]).accuracy == 1.0


# ---------------------------------------------------------------- wcxb word bags


def test_word_bag_lowercases_word_runs() -> None:
    assert word_bag("The cat, the HAT!") == {"the": 2, "cat": 1, "hat": 1}
    assert word_bag(None) == {}


def test_word_bag_scores_from_the_multiset_overlap() -> None:
    # predicted a b b c (4 words), truth b b d (3): overlap b b = 2.
    score = score_word_bag("a b b c", "B, b. d")
    assert score.precision == pytest.approx(2 / 4)
    assert score.recall == pytest.approx(2 / 3)
    assert score.f1 == pytest.approx(4 / 7)  # 2 * 1/2 * 2/3 / (1/2 + 2/3)
    repeated = score_word_bag("b b b", "b")  # one b of three is matched
    assert (repeated.precision, repeated.recall) == pytest.approx((1 / 3, 1.0))
    assert repeated.f1 == pytest.approx(0.5)


def test_no_output_scores_zero() -> None:
    for nothing in (None, "", "— !"):
        score = score_word_bag(nothing, "some words")
        assert (score.precision, score.recall, score.f1) == (0.0, 0.0, 0.0)
    disjoint = score_word_bag("other words", "some text")
    assert (disjoint.precision, disjoint.recall, disjoint.f1) == (0.0, 0.0, 0.0)


def test_snippets_are_case_insensitive_substrings() -> None:
    text = "Hello World. Sign in to read on."
    assert snippet_share(text, ["hello world", "Subscribe", "SIGN IN"]) == pytest.approx(2 / 3)
    assert snippet_share(text, []) is None
    assert snippet_share(None, ["Home", "Login"]) == 0.0
    # a snippet broken over two lines is not found (substrings, no normalisation)
    assert snippet_share("Sign\nin", ["sign in"]) == 0.0


def test_title_equal_after_whitespace_and_case() -> None:
    assert title_equal("  Breaking:\n News ", "breaking: news")
    assert not title_equal("Breaking News", "Breaking: News")
    assert not title_equal(None, "A title")


def test_author_matches_one_expected_name() -> None:
    assert expected_names("Paul Frew, Home and Digital Security Expert") == [
        "Paul Frew",
        "Home and Digital Security Expert",
    ]
    assert author_found(["Paul Frew", "Home"], "Paul Frew, Home and Digital Security Expert")
    assert author_found(["jane  DOE"], "Jane Doe")
    assert author_found(["Ann Lee", "Jennifer Huberty"], "Jennifer Huberty, Jeni Green")
    assert not author_found(["Andrew Huberman"], "Dr. Andrew Huberman")
    assert not author_found([], "Jane Doe")


def test_day_is_a_local_date_between_utc_minus_12_and_plus_14() -> None:
    late = datetime(2025, 9, 4, 23, 30, tzinfo=UTC)  # 09-04 11:30 to 09-05 13:30 locally
    assert day_match(late, date(2025, 9, 4))
    assert day_match(late, date(2025, 9, 5))
    assert not day_match(late, date(2025, 9, 3))
    early = datetime(2025, 9, 4, 11, 0, tzinfo=UTC)  # 09-03 23:00 to 09-05 01:00
    assert day_match(early, date(2025, 9, 3))
    assert day_match(early, date(2025, 9, 5))
    assert not day_match(early, date(2025, 9, 6))
    india = datetime(2025, 9, 5, 1, 0, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    # 09-04 19:30 UTC: 09-04 07:30 to 09-05 09:30
    assert day_match(india, date(2025, 9, 4))
    assert not day_match(india, date(2025, 9, 3))
    naive = datetime(2025, 9, 4, 0, 0)  # taken as UTC: 09-03 12:00 to 09-04 14:00
    assert day_match(naive, date(2025, 9, 3))
    assert not day_match(naive, date(2025, 9, 5))


def test_a_stated_day_must_be_the_day() -> None:
    assert day_match(date(2025, 9, 4), date(2025, 9, 4))
    assert not day_match(date(2025, 9, 4), date(2025, 9, 3))
    assert not day_match(None, date(2025, 9, 4))


# ---------------------------------------------------------------- wcxb pages and tables

GOLD = {
    "page_type": "article",
    "main_content": "One two three.\n\nFour five.",
    "title": "A Title",
    "author": "Jane Doe, Editor",
    "publish_date": "2025-01-31",
    "with": ["two three", "four five"],
    "without": ["Sign in"],
}


def test_article_page_figures() -> None:
    result = Result(
        body="One two three. Sign in",  # 5 words, 3 of the 5 true ones
        title="a title",
        authors=["Jane Doe"],
        date=datetime(2025, 2, 1, 8, 0, tzinfo=UTC),  # 01-31 20:00 to 02-01 22:00
    )
    scores = score_article(result, GOLD)
    assert scores["body precision"] == pytest.approx(3 / 5)
    assert scores["body recall"] == pytest.approx(3 / 5)
    assert scores["body F1"] == pytest.approx(3 / 5)
    assert scores["with found"] == 0.5
    assert scores["boilerplate left"] == 1.0
    assert (scores["title"], scores["author"], scores["date"]) == (1.0, 1.0, 1.0)


def test_refused_article_and_unannotated_fields() -> None:
    gold = GOLD | {"title": None, "author": None, "publish_date": None}
    scores = score_article(Result(code="no_body"), gold)
    assert scores["body F1"] == 0.0
    assert (scores["with found"], scores["boilerplate left"]) == (0.0, 0.0)
    assert (scores["title"], scores["author"], scores["date"]) == (None, None, None)
    # a figure is averaged over the pages annotated for it only
    pages = [scores, score_article(Result(body="x", title="A Title"), GOLD)]
    figures = article_figures(pages)
    assert figures["title"] == 1.0
    assert figures["author"] == 0.0
    assert figures["body F1"] == 0.0


def test_confusion_and_headline_shares() -> None:
    types = {"1": "listing", "2": "article", "3": "listing", "4": "article", "5": "forum"}
    outcomes = {"1": "not_article", "2": "record", "3": "record", "4": "no_body", "5": "empty"}
    assert confusion(types, outcomes) == {
        "article": {"pages": 2, "record": 1, "no_body": 1},
        "forum": {"pages": 1, "record": 0, "empty": 1},
        "listing": {"pages": 2, "record": 1, "not_article": 1},
    }
    assert list(confusion(types, outcomes)) == ["article", "forum", "listing"]
    shares = headline(types, outcomes)
    assert shares["articles accepted"] == 0.5
    assert shares["non-articles refused"] == pytest.approx(2 / 3)


# ---------------------------------------------------------------- trafilatura's answers


def _document(**fields: object) -> SimpleNamespace:
    base: dict[str, object] = {"text": "Body.", "title": "T", "author": None, "date": None}
    return SimpleNamespace(**(base | {"tags": None} | fields))


def test_trafilatura_answer() -> None:
    day = trafilatura_result(_document(date="2025-09-04", author="Ann Lee; Bo Chen"))
    assert day.date == date(2025, 9, 4)
    assert day.authors == ["Ann Lee", "Bo Chen"]
    assert day.code is None
    timed = trafilatura_result(_document(date="2025-09-04T10:00:00+0200", tags=["a, b", "c"]))
    assert timed.date == datetime(2025, 9, 4, 8, 0, tzinfo=UTC)
    assert timed.tags == ["a", "b", "c"]
    assert trafilatura_result(_document(text="")).code == "no_text"  # counts as refused
    assert trafilatura_result(None).code == "no_extraction"
