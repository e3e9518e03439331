"""The card's prose measures of a run of records, computed apart from the fold.

:func:`measure_text` is a pure function of a table (``ARTICLE_SCHEMA``), the lexicon and
the outlet names, and its :class:`TextTally` pickles, so the measures can be taken on other
processes, slice by slice. :meth:`broadsheet.card.stats.CardStats.add_text` folds tallies in
record order; the figures are those of reading the records one by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate
from operator import add

import pyarrow as pa
import pyarrow.compute as pc

from broadsheet.card.bias import Lexicon, count_words, join_pieces, prose_voices
from broadsheet.card.speakers import find_speakers_in

__all__ = ["TextTally", "measure_text"]


@dataclass(frozen=True, slots=True)
class TextTally:
    """The prose measures of consecutive records (see :mod:`broadsheet.card.bias` for the rules).

    Sums where the fold is a sum; the attributions per record, because the speaker counter
    prunes record by record and so depends on their order.
    """

    records: int
    narration_words: int
    quoted_words: int
    headline_words: int
    in_narration: tuple[int, ...]
    """Per lexicon label: occurrences in the outlet's narration."""
    in_quotes: tuple[int, ...]
    """Per lexicon label: occurrences in quoted speech."""
    in_headlines: tuple[int, ...]
    """Per lexicon label: occurrences in titles and standfirsts."""
    records_with: tuple[int, ...]
    """Per lexicon label: records where it occurs at all."""
    speakers: tuple[tuple[tuple[str, str], ...], ...]
    """Per record, in order: (speaker, pattern code) of each attribution, in text order."""


def _words(joined: str, pieces: int) -> int:
    """Words of ``pieces`` pieces joined by :func:`join_pieces` (each join adds one)."""
    return count_words(joined) - pieces + 1 if pieces else 0


def measure_text(table: pa.Table, lexicon: Lexicon, outlets: tuple[str, ...]) -> TextTally:
    """The vocabulary and speaker measures of every record of ``table``.

    Narration and quoted speech come from the body's prose blocks (embeds are left out);
    headlines are the title and, when there is one, the description.
    """
    body = table.column("body")
    blocks = pc.list_flatten(body)
    kinds = pc.struct_field(blocks, "kind").to_pylist()
    texts = pc.struct_field(blocks, "text").to_pylist()
    ends = accumulate(pc.list_value_length(body).fill_null(0).to_pylist())
    titles = table.column("title").to_pylist()
    descriptions = table.column("description").to_pylist()
    words = [0, 0, 0]
    size = len(lexicon.labels)
    sums = [[0] * size for _ in range(4)]  # narration, quotes, headlines, records with
    speakers: list[tuple[tuple[str, str], ...]] = []
    start = 0
    for title, description, end in zip(titles, descriptions, ends, strict=True):
        row = zip(kinds[start:end], texts[start:end], strict=True)
        prose = [(kind, text) for kind, text in row if kind != "embed"]
        start = end
        voices = prose_voices(prose)
        headlines = (title, description) if description else (title,)
        groups = (voices.narration, voices.quoted, headlines)
        joined = [join_pieces(group) for group in groups]
        for i, (text, group) in enumerate(zip(joined, groups, strict=True)):
            words[i] += _words(text, len(group))
        counts = lexicon.count_joined(joined)
        for i, found in enumerate((*counts, map(any, zip(*counts, strict=True)))):
            sums[i] = list(map(add, sums[i], found))
        speakers.append(tuple(find_speakers_in([text for _kind, text in prose], outlets)))
    return TextTally(
        records=len(speakers),
        narration_words=words[0],
        quoted_words=words[1],
        headline_words=words[2],
        in_narration=tuple(sums[0]),
        in_quotes=tuple(sums[1]),
        in_headlines=tuple(sums[2]),
        records_with=tuple(sums[3]),
        speakers=tuple(speakers),
    )
