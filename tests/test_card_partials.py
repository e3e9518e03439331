"""Per-publisher card statistics as mergeable partials, the language filter of the text
measures, and the noise controls (slugs not made from the headline, sentence openers
taken for names).

Word counts are noted next to each sentence.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pyarrow as pa

from article_factory import built_article
from broadsheet.card.bias import headline_edit
from broadsheet.card.outlets import OTHERS, OutletTable
from broadsheet.card.speakers import find_speakers
from broadsheet.card.stats import CardStats
from broadsheet.card.text import measure_text
from broadsheet.recipe import DatasetInfo, Recipe
from broadsheet.records.arrow import records_to_table
from broadsheet.records.model import Article

RECIPE = Recipe(
    dataset=DatasetInfo(name="partials", version="1.0.0", pretty_name="Partials"),
    lexicon={"occupation": ["occupation"], "war": ["war"]},
)


def article(name: str, publisher: str, text: str, language: str = "en") -> Article:
    record = built_article(
        name,
        f"Headline of {name}",
        [("paragraph", text)],
        publisher=publisher,
        published_at=datetime(2024, 3, 1, 12, 0, tzinfo=UTC),
    )
    return record.model_copy(update={"language": language})


# Daily: 9 + 8 words of narration; Courier: 7 words, then a Portuguese record.
DAILY_1 = article("d1.txt", "Daily", "The occupation of the town went on for weeks.")
DAILY_2 = article("d2.txt", "Daily", 'Mayor Ana Ruiz said "the war must end now."')
COURIER = article("c1.txt", "Courier", "The war reached the capital on Monday.")
FOLHA = article("f1.txt", "Folha", "A guerra chegou à capital na segunda-feira.", language="pt")


def table(*records: Article) -> pa.Table:
    return records_to_table(sorted(records, key=lambda r: r.id))


def test_text_measures_read_only_their_languages_and_count_the_rest() -> None:
    stats = CardStats(RECIPE)
    stats.add(table(DAILY_1, DAILY_2, COURIER, FOLHA))
    assert stats.text_sampled == 4 and stats.text_measured == 3
    assert dict(stats.text_skipped) == {"pt": 1}
    folha = stats.by_publisher.rows["Folha"]
    assert (folha.text_records, folha.text_skipped, folha.narration_words) == (1, 1, 0)
    daily = stats.by_publisher.rows["Daily"]
    # 'The occupation of the town went on for weeks.' (9) + 'Mayor Ana Ruiz said' (4) in
    # narration; 'the war must end now.' (5) quoted.
    assert (daily.narration_words, daily.quoted_words) == (13, 5)
    assert (daily.in_narration, daily.in_quotes) == ([1, 0], [0, 1])
    assert (daily.attributions, daily.records_with_speaker) == (1, 1)
    courier = stats.by_publisher.rows["Courier"]
    assert (courier.narration_words, courier.in_narration) == (7, [0, 1])
    tally = measure_text(table(FOLHA), stats.lexicon, (), ("en", "pt"))
    assert tally.skipped == () and tally.narration_words == 7


def test_per_publisher_partials_merge_to_the_figures_of_one_fold() -> None:
    records = [DAILY_1, DAILY_2, COURIER, FOLHA]
    whole = CardStats(RECIPE)
    whole.add(table(*records))
    one, two = CardStats(RECIPE), CardStats(RECIPE)
    ordered = sorted(records, key=lambda r: r.id)
    one.add(table(*ordered[:2]))
    two.add(table(*ordered[2:]))
    one.by_publisher.merge(two.by_publisher)
    for name, row in whole.by_publisher.rows.items():
        assert vars(one.by_publisher.rows[name]) == vars(row), name


def test_a_full_publisher_table_folds_the_smallest_into_others() -> None:
    outlets = OutletTable(labels=0, keep=2)
    for name, records in (("a", 5), ("b", 4), ("c", 3), ("d", 2)):
        outlets.get(name).records = records
    assert not outlets.pruned  # 2 * keep publishers are kept apart
    outlets.get("e").records = 1  # one more: c and d are folded, then e is added
    assert [k for k, _ in outlets.ranked()] == ["a", "b", "e", OTHERS]
    assert outlets.rows[OTHERS].records == 3 + 2 and outlets.pruned
    outlets.get("f").records = 1
    outlets.get("g")  # a, b, e, f are 2 * keep: e and f (1 record each) are folded
    assert [k for k, _ in outlets.ranked()] == ["a", "b", "g", OTHERS]
    assert outlets.rows[OTHERS].records == 3 + 2 + 1 + 1
    merged = copy.deepcopy(outlets)
    merged.merge(outlets)
    assert merged.rows["a"].records == 10 and merged.rows[OTHERS].records == 14


def test_slugs_not_made_from_the_headline_are_not_edits() -> None:
    ids = headline_edit("https://x.org/news/article-1234567", "Markets fall on rate fears")
    assert ids is not None and ids.overlap == 0.0 and not ids.edited  # 'article' and an id
    section = headline_edit("https://x.org/world/index", "Markets fall on rate fears")
    assert section is not None and not section.from_headline and not section.edited
    # 'raids' / 'raid' and 'kills' / 'kill' start each other: 4 of 5 slug words are in the title
    edit = headline_edit(
        "https://x.org/w/iof-raids-camp-kills-three", "Israeli forces raid camp, kill three"
    )
    assert edit is not None and edit.from_headline and edit.overlap == 0.8
    numbered = headline_edit("https://x.org/a/man-pleads-guilty-n1085406", "Man pleads guilty")
    assert numbered is not None and not numbered.edited  # the id 'n1085406' is ignored


def test_sentence_openers_are_not_part_of_a_speaker_name() -> None:
    found = find_speakers("But Salazar said the plan failed. Now Strava said it would pay.")
    assert found == [("Salazar", "name_verb"), ("Strava", "name_verb")]
    assert find_speakers("However, said nothing.") == []


def test_quantifiers_are_not_speakers() -> None:
    text = "Several said they would leave. Few told reporters more. Ana Lopes said no."
    assert find_speakers(text) == [("Ana Lopes", "name_verb")]
