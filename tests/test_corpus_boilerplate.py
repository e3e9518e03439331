"""Site boilerplate: counting distinct pages per block and site, the decision rule, the report."""

from __future__ import annotations

import random

import numpy as np
import pytest

from broadsheet.corpus import CorpusSettings, blocks, boilerplate
from broadsheet.corpus.passes import analyse, stripped
from corpus_records import Rec, prose, rec

CHROME = "Subscribe to our newsletter for the day's top stories."  # 9 words
SHORT = "Advertisement"  # one word: never boilerplate on its own
SETTINGS = CorpusSettings(min_pages=5, min_share=0.1, min_words=4, near_duplicates=False)


def site(publisher: str, pages: int, first: int = 0) -> list[Rec]:
    """``pages`` distinct articles, each with the chrome line and the short line."""
    out = []
    for n in range(first, first + pages):
        paras = prose(1000 + n)
        out.append(rec(publisher, n, [paras[0], SHORT, *paras[1:], CHROME]))
    return out


def removed_texts(records: list[Rec], settings: CorpusSettings) -> dict[str, list[str]]:
    outcome = analyse(records, settings)
    by_id = {r.id: r for r in records}
    return {
        i: [b.text for b, gone in zip(by_id[i].body, m.tolist(), strict=True) if gone]
        for i, m in outcome.removed.items()
    }


def test_normalise_folds_case_digits_and_spaces() -> None:
    assert blocks.normalise("© 2025  Example\tNews,\nAll RIGHTS") == "© 0 example news, all rights"
    assert blocks.normalise("Updated 3 hours ago") == blocks.normalise("updated 15 hours ago")
    assert blocks.normalise("ＡＢＣ") == "abc"  # NFKC: full-width letters


def test_site_key_is_publisher_else_host() -> None:
    assert blocks.site_key("The  Daily News", "https://x.example/a") == "the daily news"
    assert blocks.site_key("", "https://www.daily.example/a/1") == "daily.example"
    assert blocks.site_key(None, None) == ""


def test_recurring_block_is_removed_and_short_line_kept() -> None:
    records = site("Daily News", 10)
    removed = removed_texts(records, SETTINGS)
    assert sorted(removed) == sorted(r.id for r in records)
    assert all(texts == [CHROME] for texts in removed.values())


def test_removed_block_leaves_body_text_and_word_count() -> None:
    records = site("Daily News", 6)
    outcome = analyse(records, SETTINGS)
    first = records[0]
    body, text, words = stripped(first.body, outcome.removed[first.id])
    assert [b.text for b in body] == [b.text for b in first.body[:-1]]
    assert CHROME not in text and SHORT in text
    assert words == len(first.text.split()) - 9


def test_min_pages_is_required() -> None:
    records = site("Daily News", 4)  # the chrome is on all 4 pages, fewer than 5
    assert removed_texts(records, SETTINGS) == {}


def test_min_share_is_required() -> None:
    with_chrome = site("Daily News", 6)
    without = [rec("Daily News", 100 + n, prose(2000 + n)) for n in range(60)]
    # 6 of 66 pages is 9%, under the 10% share
    assert removed_texts(with_chrome + without, SETTINGS) == {}
    # 6 of 56 pages is 10.7%
    assert len(removed_texts(with_chrome + without[:50], SETTINGS)) == 6


def test_short_lines_never_count_alone() -> None:
    records = site("Daily News", 10)
    texts = removed_texts(records, CorpusSettings(min_words=10, near_duplicates=False))
    assert texts == {}  # the 9-word chrome line is now short too


def test_counts_are_per_site() -> None:
    daily = site("Daily News", 10)
    other = site("Other Post", 3, first=50)  # same chrome text, but only 3 pages of that site
    removed = removed_texts(daily + other, SETTINGS)
    assert sorted(removed) == sorted(r.id for r in daily)


def test_varying_years_count_as_one_block() -> None:
    records = []
    for n in range(8):
        line = f"© {2018 + n} Daily News Group. All rights reserved."
        records.append(rec("Daily News", n, [*prose(3000 + n), line]))
    removed = removed_texts(records, SETTINGS)
    assert len(removed) == 8
    assert removed[records[3].id] == ["© 2021 Daily News Group. All rights reserved."]


def test_copies_of_one_article_are_not_boilerplate() -> None:
    # Six copies of one article under other URLs: every block is on every page of the site,
    # but removing them would take the whole text: they are the article, left whole.
    article = prose(77)
    copies = [rec("Daily News", n, [*article, CHROME]) for n in range(6)]
    others = site("Daily News", 6, first=10)
    outcome = analyse(copies + others, SETTINGS)
    assert sorted(outcome.left_whole) == sorted(c.id for c in copies)
    assert all(c.id not in outcome.removed for c in copies)
    assert sorted(outcome.removed) == sorted(r.id for r in others)


def test_removal_share_is_a_setting() -> None:
    records = [rec("Daily News", n, [prose(500 + n)[0][:60], CHROME]) for n in range(6)]
    kept = analyse(records, SETTINGS.model_copy(update={"max_removed_share": 0.1}))
    assert kept.removed == {}
    cut = analyse(records, SETTINGS.model_copy(update={"max_removed_share": 0.9}))
    assert sorted(cut.removed) == sorted(r.id for r in records)


def test_partial_counts_merge_to_the_whole() -> None:
    records = site("Daily News", 9) + site("Other Post", 7, first=40)
    rng = random.Random(3)
    rng.shuffle(records)

    def counts(part: list[Rec]) -> boilerplate.PageCounts:
        feats = blocks.features_of(part, num_perm=16, shingle_words=5, seed=1)
        sites = [blocks.site_key(r.publisher, r.url) for r in part]
        return boilerplate.count_pages(sites, feats, 4)

    whole = boilerplate.merge([counts(records)])
    parts = boilerplate.merge([counts(records[:5]), counts(records[5:11]), counts(records[11:])])
    assert sorted(whole) == sorted(parts) == ["daily news", "other post"]
    for name in whole:
        assert whole[name].pages == parts[name].pages
        assert np.array_equal(whole[name].hashes, parts[name].hashes)
        assert np.array_equal(whole[name].counts, parts[name].counts)
    chrome = blocks.hash64(blocks.normalise(CHROME))
    daily = whole["daily news"]
    assert daily.pages == 9
    assert int(daily.counts[list(daily.hashes).index(chrome)]) == 9


def test_a_block_repeated_on_one_page_counts_once() -> None:
    records = [rec("Daily News", n, [*prose(10 + n), CHROME, CHROME]) for n in range(4)]
    feats = blocks.features_of(records, num_perm=16, shingle_words=5, seed=1)
    counts = boilerplate.count_pages(["d"] * 4, feats, 4)["d"]
    chrome = blocks.hash64(blocks.normalise(CHROME))
    assert int(counts.counts[list(counts.hashes).index(chrome)]) == 4


def test_report_per_site() -> None:
    records = site("Daily News", 10)
    outcome = analyse(records, SETTINGS)
    (report,) = outcome.report
    assert report["site"] == "daily news"
    assert report["pages"] == 10
    assert report["boilerplate_blocks"] == 1
    assert report["blocks_removed"] == 10
    assert report["words_removed"] == 90
    assert report["most_frequent"] == [{"text": CHROME, "pages": 10}]


def test_invalid_settings_name_the_value() -> None:
    with pytest.raises(ValueError, match=r"min_share\n.*less than or equal to 1"):
        CorpusSettings(min_share=1.5)
    with pytest.raises(ValueError, match=r"policy\n.*'mark' or 'keep_one'"):
        CorpusSettings(policy="drop")  # type: ignore[arg-type]
