"""The card's prose measures of a run of records, computed apart from the fold.

:func:`measure_text` is a pure function of a table (``ARTICLE_SCHEMA``), the lexicon and
the outlet names, and its :class:`TextTally` pickles, so the measures can be taken on other
processes, slice by slice. :meth:`broadsheet.card.stats.CardStats.add_text` folds tallies in
record order; the figures are those of reading the records one by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from broadsheet.card.bias import Lexicon, count_words, join_pieces, prose_voices
from broadsheet.card.speakers import find_speakers_in

__all__ = [
    "TEXT_COLUMNS",
    "TEXT_LANGUAGES",
    "OutletText",
    "TextTally",
    "language_of",
    "measure_text",
]

TEXT_LANGUAGES = ("en",)
"""Languages (primary subtags) the prose measures read by default: the speaker patterns are
English, and so is a lexicon unless the recipe says otherwise (``[card].text_languages``)."""
TEXT_COLUMNS = ("id", "title", "description", "publisher", "language", "body")
"""The columns :func:`measure_text` reads (the rows' id orders them)."""


def language_of(tag: str | None) -> str:
    """The primary subtag of a BCP-47 tag, lower case ('en' of 'en-GB'); 'und' for none."""
    return (tag or "und").split("-")[0].casefold() or "und"


@dataclass(frozen=True, slots=True)
class OutletText:
    """The prose measures of one publisher's records in a run (sums; see :class:`TextTally`)."""

    records: int
    """Records of the run from this publisher, measured or not."""
    skipped: int
    """Of those, records in a language the measures do not read."""
    narration_words: int
    quoted_words: int
    headline_words: int
    in_narration: tuple[int, ...]
    in_quotes: tuple[int, ...]
    in_headlines: tuple[int, ...]
    attributions: int
    records_with_speaker: int


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
    """Per record, in order: (speaker, pattern code) of each attribution, in text order
    (none for a record in a language the measures do not read)."""
    by_publisher: tuple[tuple[str, OutletText], ...] = ()
    """The same measures per publisher, by publisher name."""
    skipped: tuple[tuple[str, int], ...] = ()
    """Records not measured, by language (primary subtag), sorted."""


def _words(joined: str, pieces: int) -> int:
    """Words of ``pieces`` pieces joined by :func:`join_pieces` (each join adds one)."""
    return count_words(joined) - pieces + 1 if pieces else 0


def _outlet_text(v: list[Any]) -> OutletText:
    """An :class:`OutletText` from its running sums in field order."""
    return OutletText(
        records=v[0],
        skipped=v[1],
        narration_words=v[2],
        quoted_words=v[3],
        headline_words=v[4],
        in_narration=tuple(v[5]),
        in_quotes=tuple(v[6]),
        in_headlines=tuple(v[7]),
        attributions=v[8],
        records_with_speaker=v[9],
    )


def measure_text(
    table: pa.Table,
    lexicon: Lexicon,
    outlets: tuple[str, ...],
    languages: tuple[str, ...] = TEXT_LANGUAGES,
) -> TextTally:
    """The vocabulary and speaker measures of every record of ``table`` in ``languages``.

    Narration and quoted speech come from the body's prose blocks (embeds are left out);
    headlines are the title and, when there is one, the description. A record in another
    language is counted as skipped, by language and by publisher.
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
    publishers = table.column("publisher").to_pylist()
    tags = table.column("language").to_pylist()
    per: dict[str, list[Any]] = {}
    skipped: dict[str, int] = {}
    start = 0
    rows = zip(titles, descriptions, ends, publishers, tags, strict=True)
    for title, description, end, publisher, tag in rows:
        mine = per.get(publisher)
        if mine is None:
            mine = per[publisher] = [0, 0, 0, 0, 0, [0] * size, [0] * size, [0] * size, 0, 0]
        mine[0] += 1
        first, start = start, end
        language = language_of(tag)
        if language not in languages:
            skipped[language] = skipped.get(language, 0) + 1
            mine[1] += 1
            speakers.append(())
            continue
        row = zip(kinds[first:end], texts[first:end], strict=True)
        prose = [(kind, text) for kind, text in row if kind != "embed"]
        voices = prose_voices(prose)
        headlines = (title, description) if description else (title,)
        groups = (voices.narration, voices.quoted, headlines)
        joined = [join_pieces(group) for group in groups]
        for i, (text, group) in enumerate(zip(joined, groups, strict=True)):
            n = _words(text, len(group))
            words[i] += n
            mine[2 + i] += n
        for label, found in lexicon.count_found(joined).items():  # labels that occur
            sums[3][label] += 1
            for i, n in enumerate(found):
                sums[i][label] += n
                mine[5 + i][label] += n
        attributions = tuple(find_speakers_in([text for _kind, text in prose], outlets))
        speakers.append(attributions)
        mine[8] += len(attributions)
        mine[9] += bool(attributions)
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
        by_publisher=tuple((name, _outlet_text(v)) for name, v in sorted(per.items())),
        skipped=tuple(sorted(skipped.items())),
    )
