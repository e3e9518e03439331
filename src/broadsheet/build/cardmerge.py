"""The card's statistics as partials: folded on the workers, one row group each, merged here.

A partial is a :class:`~broadsheet.card.stats.CardStats` fed one row group of the release
(without the text measures, which are tasks of their own). The build merges the partials in
row-group order, so the card does not depend on the engine, the workers or the batch size:
the row groups are fixed by the rows alone. Counts and sums add up, minima and maxima widen,
capped row lists keep their smallest rows, counters add up key by key in order of first
appearance (so ties rank as in one fold), and anything with a ``merge`` method merges itself.
Until a top-k counter prunes its tail, the merged figures are those of one fold over all rows.
"""

from __future__ import annotations

import copy
from collections import Counter
from typing import Any

import pyarrow as pa

from broadsheet.card.stats import TEXT_SAMPLE, CappedRows, CardStats, TopCounter


def fold_rows(template: CardStats, table: pa.Table) -> CardStats:
    """A partial: a copy of the empty ``template`` fed ``table``, text measures left out."""
    part = copy.deepcopy(template)
    part.text_sampled = TEXT_SAMPLE  # the text sample is measured by tasks of its own
    part.add(table)
    part.text_sampled = 0
    return part


def merge_into(total: CardStats, part: CardStats) -> None:
    """Add the partial ``part`` (of the rows after those already in ``total``) to ``total``."""
    for name, mine in vars(total).items():
        setattr(total, name, _merged(name, mine, getattr(part, name)))


def _lo(a: Any, b: Any) -> Any:
    return b if a is None or (b is not None and b < a) else a


def _hi(a: Any, b: Any) -> Any:
    return b if a is None or (b is not None and b > a) else a


def _merged(name: str, mine: Any, theirs: Any) -> Any:
    if name == "example":  # the row with the smallest id
        if mine is None or (theirs is not None and theirs["id"] < mine["id"]):
            return theirs
        return mine
    if isinstance(mine, bool):
        return mine or theirs
    if isinstance(mine, int):
        return mine + theirs
    if isinstance(mine, Counter):
        mine.update(theirs)
        return mine
    if isinstance(mine, TopCounter):
        for key, count in theirs.counts.items():
            mine.add(key, count)
        mine.pruned = mine.pruned or theirs.pruned
        return mine
    if isinstance(mine, CappedRows):
        mine.skip(theirs.total - len(theirs.rows()))
        for row in theirs.rows():
            mine.add(row)
        return mine
    if hasattr(mine, "merge"):
        mine.merge(theirs)
        return mine
    if isinstance(mine, list) and all(isinstance(v, int) for v in (*mine, *theirs)):
        return [a + b for a, b in zip(mine, theirs, strict=True)]  # counts per label
    if mine == theirs:  # settings of the card (lexicon, names), the same in every partial
        return mine
    if isinstance(mine, tuple) and len(mine) == 2:  # a (min, max) span
        return (_lo(mine[0], theirs[0]), _hi(mine[1], theirs[1]))
    raise TypeError(f"cannot merge the card statistic {name!r} ({type(mine).__name__})")
