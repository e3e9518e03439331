"""The card's statistics as partials (one per row group, folded on workers) merged in order
give the figures of one fold over all the rows."""

from __future__ import annotations

import itertools
import pickle
from collections import Counter
from typing import Any

import pytest

from broadsheet.build.cardmerge import fold_rows, merge_into
from broadsheet.card.stats import CappedRows, CardStats, TopCounter
from broadsheet.card.text import measure_text
from test_cardstats import RECIPE, state, table


def figures(stats: CardStats) -> dict[str, Any]:
    """Every figure (:func:`test_cardstats.state`), capped row lists as the rows they keep."""
    found = state(stats)
    for name, value in vars(stats).items():
        if isinstance(value, CappedRows):
            found[name] = (value.cap, value.total, value.rows())
    return found


def measure(stats: CardStats, rows: Any) -> Any:
    return measure_text(rows, stats.lexicon, tuple(stats.outlets), stats.text_languages)


@pytest.mark.parametrize("cuts", [(0, 1, 3), (0, 2), (0,)])
def test_partials_merged_in_order_give_the_figures_of_one_fold(cuts: tuple[int, ...]) -> None:
    rows = table()
    whole = CardStats(RECIPE)
    whole.add(rows)

    merged = CardStats(RECIPE)
    bounds = [*cuts, rows.num_rows]
    for start, stop in itertools.pairwise(bounds):
        part = fold_rows(CardStats(RECIPE), rows.slice(start, stop - start))
        merge_into(merged, pickle.loads(pickle.dumps(part)))  # as it comes from a worker
    for start, stop in itertools.pairwise(bounds):
        merged.add_text(measure(merged, rows.slice(start, stop - start)))
    assert merged.rows == rows.num_rows > 2
    assert figures(merged) == figures(whole)


def test_a_partial_leaves_the_text_sample_to_its_own_tasks() -> None:
    rows = table()
    part = fold_rows(CardStats(RECIPE), rows)
    assert part.rows == rows.num_rows
    assert part.text_sampled == 0 and part.narration_words == 0
    assert part.text_rows(rows.num_rows) == rows.num_rows  # the sample is still to be taken


def test_counters_add_up_in_order_of_first_appearance() -> None:
    total, later = CardStats(RECIPE), CardStats(RECIPE)
    total.languages.update(["en", "fr"])
    later.languages.update(["ar", "en"])
    total.tags.update(["b", "a"])
    later.tags.update(["c", "a", "a"])
    total.provenance, later.provenance = CappedRows(2), CappedRows(2)
    for row in [("b",), ("d",), ("e",)]:
        total.provenance.add(row)
    for row in [("a",), ("c",)]:
        later.provenance.add(row)
    total.published = (None, None)
    later.published = (1, 5)
    merge_into(total, later)
    assert list(total.languages.items()) == [("en", 2), ("fr", 1), ("ar", 1)]
    assert list(total.tags.counts.items()) == [("b", 1), ("a", 3), ("c", 1)]
    assert total.provenance.rows() == [("a",), ("b",)] and total.provenance.total == 5
    assert total.published == (1, 5)


def test_a_statistic_that_cannot_merge_is_refused_by_name() -> None:
    total, other = CardStats(RECIPE), CardStats(RECIPE)
    total.unknown = object()  # type: ignore[attr-defined]
    other.unknown = object()  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match="unknown"):
        merge_into(total, other)


def test_a_pruned_top_counter_stays_marked_as_pruned() -> None:
    total, later = CardStats(RECIPE), CardStats(RECIPE)
    later.authors = TopCounter(keep=1)
    later.authors.update(["x", "y", "z"])
    assert later.authors.pruned
    merge_into(total, later)
    assert total.authors.pruned
    assert isinstance(total.languages, Counter)
