"""The card's text measures taken apart from the fold: ``measure_text`` and ``add_text``.

Expected numbers are counted by hand from the sentences below; the equivalence tests
compare two ways of feeding the same records.
"""

from __future__ import annotations

import pickle
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from article_factory import built_article
from broadsheet.card.render import CardStats, render_card_body
from broadsheet.card.stats import CappedRows, TopCounter
from broadsheet.card.text import TEXT_COLUMNS, TextTally, measure_text
from broadsheet.parsers import parse_page
from broadsheet.recipe import Recipe, load_recipe
from broadsheet.records.arrow import records_to_table
from broadsheet.records.model import Article, BlockKind
from broadsheet.sources.items import Page

ROOT = Path(__file__).resolve().parents[1]
RECIPE = load_recipe(ROOT / "recipe.toml")
REPORT: dict[str, Any] = {
    "fingerprint": "0f" * 32,
    "inputs": 6,
    "accepted": 6,
    "quarantined": 0,
    "skipped": {},
    "reasons": {},
    "checks": {},
    "command": "broadsheet build --source pages --out dist",
    "broadsheet_version": "0.1.0",
    "versions": {"pyarrow": "99.0", "python": "3.11.0"},
    "shards": ["train-00000-of-00001.parquet"],
}
NO_CHANGES: dict[str, Any] = {"previous": None, "added": [], "removed": [], "changed": []}


def article(name: str, title: str, blocks: list[tuple[BlockKind, str]], **extra: Any) -> Article:
    published = datetime(2024, 2, 1, 12, 0, tzinfo=UTC)
    return built_article(name, title, blocks, published_at=published, **extra)


# narration: 5 + 5 = 10 words; quoted: 7 words; headlines: 4 + 5 = 9 words
TOLD = article(
    "told.txt",
    "Residents describe the siege",
    [
        ("paragraph", "A mother from Jabalia told"),  # 'told' ends the block: no outlet
        ("paragraph", 'Al Mayadeen reporters heard her. "We have nothing left, not even water."'),
    ],
    description="The occupation tightens the siege.",
)
# narration: 8 + 4 = 12 words; 'Israel' in narration twice (dotless i, dotted capital I)
TWINS = article(
    "twins.txt",
    "Talks stall",
    [
        ("paragraph", "Officials in ısrael said the talks had stalled."),
        ("paragraph", "İsrael denied the report."),
    ],
    url="https://english.almayadeen.net/news/politics/talks-stall",
)


def seed_articles() -> list[Article]:
    found: list[Article] = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        result = parse_page(Page(f"seeds/{path.name}", path.read_bytes()))
        assert isinstance(result, Article)
        found.append(result)
    return found


def table() -> pa.Table:
    records = [*seed_articles(), TOLD, TWINS]
    return records_to_table(sorted(records, key=lambda r: r.id))


def state(stats: CardStats) -> dict[str, Any]:
    """Every figure, dictionaries with their order (ties in the card follow it)."""

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return [(k, plain(v)) for k, v in value.items()]
        if hasattr(value, "__dict__"):
            return plain(vars(value))
        return value

    return {k: plain(v) for k, v in vars(stats).items() if k != "lexicon"}


def card(stats: CardStats, recipe: Recipe = RECIPE) -> str:
    return render_card_body(recipe=recipe, stats=stats, report=REPORT, changes=NO_CHANGES)


def test_measure_text_counts_by_voice_and_keeps_speakers_per_record() -> None:
    stats = CardStats(RECIPE)
    tally = measure_text(records_to_table([TOLD]), stats.lexicon, ("Al Mayadeen",))
    assert tally.records == 1
    assert (tally.narration_words, tally.quoted_words, tally.headline_words) == (10, 7, 9)
    occupation = stats.lexicon.labels.index("occupation")
    assert tally.in_headlines[occupation] == 1 and tally.records_with[occupation] == 1
    assert sum(tally.in_narration) == 0 and sum(tally.in_quotes) == 0
    # 'told' at the end of a block does not reach the outlet named in the next block
    assert tally.speakers == ((),)
    twins = measure_text(records_to_table([TWINS]), stats.lexicon, ("Al Mayadeen",))
    israel = stats.lexicon.labels.index("Israel, unquoted (contrast)")
    assert twins.in_narration[israel] == 2 and twins.narration_words == 12
    assert twins.speakers == ((),)  # 'Officials in ...' is no name


def test_measure_text_reads_only_its_columns() -> None:
    # the build's text tasks copy only TEXT_COLUMNS out of the spill: the measures of those
    # columns are the measures of the whole rows (a column read but not listed is a KeyError)
    stats = CardStats(RECIPE)
    rows = table()
    whole = measure_text(rows, stats.lexicon, ("Al Mayadeen",))
    assert whole.narration_words > 0 and any(whole.records_with)
    assert measure_text(rows.select(TEXT_COLUMNS), stats.lexicon, ("Al Mayadeen",)) == whole


def test_tallies_of_slices_fed_in_order_give_the_figures_of_the_whole_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import broadsheet.card.stats as cardstats

    rows = table()
    assert rows.num_rows == 4
    for sample in (4, 3):  # the whole table, or a sample that ends inside it
        monkeypatch.setattr(cardstats, "TEXT_SAMPLE", sample)
        whole = CardStats(RECIPE)
        whole.add(rows)
        sliced = CardStats(RECIPE)
        measured = sliced.text_rows(rows.num_rows)
        assert measured == sample
        outlets = tuple(sliced.outlets)
        tallies = [
            measure_text(rows.slice(start, stop - start), sliced.lexicon, outlets)
            for start, stop in ((0, 2), (2, measured))
        ]
        sent = [pickle.loads(pickle.dumps(t)) for t in tallies]  # as from a worker process
        sliced.add(rows, sent)
        assert state(sliced) == state(whole)
        assert card(sliced) == card(whole)
        assert whole.records_with_speaker > 0 and sum(whole.in_narration) > 0


def test_tallies_that_do_not_fit_the_sample_are_refused() -> None:
    rows = table()
    stats = CardStats(RECIPE)
    short = measure_text(rows.slice(0, 3), stats.lexicon, tuple(stats.outlets))
    with pytest.raises(ValueError, match="measure 3 records"):
        stats.add(rows, [short])
    assert stats.rows == 0
    other = CardStats(
        RECIPE.model_copy(update={"lexicon": {"occupation": ["occupation"]}}, deep=True)
    )
    with pytest.raises(ValueError, match="labels"):
        other.add_text(short)


def test_a_full_sample_takes_no_tally() -> None:
    rows = table()
    stats = CardStats(RECIPE)
    stats.add(rows, [measure_text(rows, stats.lexicon, tuple(stats.outlets))])
    assert stats.text_rows(10) == 10  # the sample is far from full
    stats.text_sampled = 5000
    assert stats.text_rows(10) == 0
    stats.add(rows, [])
    assert stats.rows == 8 and stats.text_sampled == 5000


def test_top_counter_update_is_add_key_by_key() -> None:
    keys = [f"k{i % 7}" for i in range(40)] + [f"new{i}" for i in range(9)]
    one, many = TopCounter(keep=3), TopCounter(keep=3)
    for key in keys:
        one.add(key)
    many.update(keys)
    assert list(one.counts.items()) == list(many.counts.items()) and one.pruned and many.pruned


def test_text_tally_is_a_plain_value() -> None:
    tally = TextTally(1, 2, 3, 4, (1,), (0,), (0,), (1,), ((("A B", "name_verb"),),))
    assert pickle.loads(pickle.dumps(tally)) == tally
    lexicon = CardStats(RECIPE).lexicon
    assert pickle.loads(pickle.dumps(lexicon)) == lexicon


def test_capped_rows_keep_the_smallest_rows_whatever_is_skipped() -> None:
    rng = random.Random(7)
    rows = [(f"pages/{rng.randrange(5000):05d}.txt", rng.choice("ab")) for _ in range(9000)]
    capped = CappedRows(100)
    for row in rows:
        if capped.admits(row[0]):
            capped.add(row)
        else:
            capped.skip()
    assert capped.rows() == sorted(rows)[:100]
    assert capped.total == 9000
    assert not capped.admits("pages/99999.txt")  # past the largest row kept
    assert capped.admits(sorted(rows)[0][0])
