"""Text measurements for the dataset card: quoted speech, framing vocabulary, speakers, headlines.

Everything here is a pure function of one record's strings, so the card's figures can be
recomputed by hand from the text. The rules, stated once:

* **Quoted speech** is text inside double quotation marks (``"..."``, ``“...”``, ``«...»``),
  searched block by block; a quotation left open runs to the end of its block (the press
  convention for quotes that span paragraphs). Body blocks of kind ``quote`` are quoted
  speech as a whole. A double-quoted span of at most :data:`SCARE_MAX_WORDS` words is a
  scare quote or a mention (``"Israel"``), written in the outlet's own voice, so it stays in
  the narration with its quotation marks. Single quotes never delimit speech (they double as
  apostrophes); ``'Israel'`` is therefore always narration unless it sits inside a quotation.
* **Narration** is everything else in the prose blocks (embeds such as social posts are not
  prose and are not measured).
* **Lexicon** entries are phrases matched case-insensitively as whole words (a phrase may
  start or end with a quotation mark); an entry starting with ``re:`` is a regular expression.
  Within one label every occurrence counts once (longest alternative first).
* **Speakers** are found by attribution patterns (:data:`PATTERNS`, in
  :mod:`broadsheet.speakers`): a capitalised name at a sentence or clause start followed by
  a speech verb, ``according to X``, ``X: "..."``, ``X told`` + the outlet's name and
  ``"...," said X``. Pronouns are not speakers. It is a heuristic: it misses unnamed and
  role-only speakers and can take a place for a person.
* **Headline edits** compare the URL slug with the printed title word by word; a slug that
  stops early (cut at a length limit) is not an edit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from broadsheet.errors import UsageError
from broadsheet.speakers import PATTERNS, UNNAMED, find_speakers, merge_surnames

__all__ = [
    "PATTERNS",
    "SCARE_MAX_WORDS",
    "UNNAMED",
    "HeadlineEdit",
    "Lexicon",
    "Voices",
    "byline_kind",
    "count_words",
    "find_speakers",
    "headline_edit",
    "merge_surnames",
    "prose_voices",
    "split_voices",
    "url_slug",
]

SCARE_MAX_WORDS = 2
"""Double-quoted spans up to this many words are scare quotes (narration), not speech."""

_WORDCHAR = re.compile(r"\w")
_CLOSERS: dict[str, str] = {'"': '"”', "“": '”"', "«": "»", "„": '“”"'}
_OPENER = re.compile("[" + "".join(_CLOSERS) + "]")
_CLOSER = {opener: re.compile(f"[{closers}]") for opener, closers in _CLOSERS.items()}
_SEPARATOR = "\n\x00\n"
"""Joins pieces before matching: no phrase, and no pattern without \\x00, can cross it."""


def count_words(text: str) -> int:
    """Whitespace-separated words (the definition of ``records.count_words``: ``str.split``
    separates at exactly the characters that regex ``\\s`` matches)."""
    return len(text.split())


# --------------------------------------------------------------------------- quotes


@dataclass(frozen=True, slots=True)
class Voices:
    """A block's text split into the outlet's narration and the quoted speech."""

    narration: tuple[str, ...]
    quoted: tuple[str, ...]

    @property
    def narration_words(self) -> int:
        return sum(count_words(piece) for piece in self.narration)

    @property
    def quoted_words(self) -> int:
        return sum(count_words(piece) for piece in self.quoted)


def _quote_spans(text: str) -> list[tuple[int, int, int, int]]:
    """(outer start, inner start, inner end, outer end) of each double-quoted span."""
    spans: list[tuple[int, int, int, int]] = []
    pos = 0
    while opener := _OPENER.search(text, pos):
        start = opener.start()
        closer = _CLOSER[opener.group()].search(text, start + 1)
        if closer is None:  # left open: runs to the end of the block
            spans.append((start, start + 1, len(text), len(text)))
            break
        spans.append((start, start + 1, closer.start(), closer.end()))
        pos = closer.end()
    return spans


def _split_block(text: str, kind: str, narration: list[str], quoted: list[str]) -> None:
    """Append one block's narration and quoted-speech pieces (blank pieces are left out)."""
    if kind == "quote":
        quoted.append(text)
        return
    cursor = 0
    for outer_start, inner_start, inner_end, outer_end in _quote_spans(text):
        inner = text[inner_start:inner_end]
        if count_words(inner) <= SCARE_MAX_WORDS:
            continue  # a scare quote or mention: stays in the narration, marks included
        if text[cursor:outer_start].strip():
            narration.append(text[cursor:outer_start])
        if inner.strip():
            quoted.append(inner)
        cursor = outer_end
    if text[cursor:].strip():
        narration.append(text[cursor:])


def split_voices(text: str, *, kind: str = "paragraph") -> Voices:
    """Split one block into narration pieces and quoted-speech pieces (see module rules)."""
    narration: list[str] = []
    quoted: list[str] = []
    _split_block(text, kind, narration, quoted)
    return Voices(narration=tuple(narration), quoted=tuple(quoted))


def prose_voices(blocks: Iterable[tuple[str, str]]) -> Voices:
    """The voices of a record's body, given as (kind, text) blocks; embeds are left out."""
    narration: list[str] = []
    quoted: list[str] = []
    for kind, text in blocks:
        if kind != "embed":
            _split_block(text, kind, narration, quoted)
    return Voices(narration=tuple(narration), quoted=tuple(quoted))


# --------------------------------------------------------------------------- lexicon


def _count_phrases(lowered: str, phrases: tuple[str, ...]) -> int:
    """Whole-word occurrences of any phrase, leftmost first, the longest phrase at a place."""
    spans: list[tuple[int, int]] = []
    for phrase in phrases:
        start = lowered.find(phrase)
        while start >= 0:
            end = start + len(phrase)
            before = lowered[start - 1] if start else " "
            after = lowered[end] if end < len(lowered) else " "
            if not _WORDCHAR.match(before) and not _WORDCHAR.match(after):
                spans.append((start, -end))
            start = lowered.find(phrase, start + 1)
    count, last_end = 0, 0
    for start, negative_end in sorted(spans):
        if start >= last_end:
            count, last_end = count + 1, -negative_end
    return count


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Framing terms: per label, lower-cased phrases or (with a ``re:`` form) one pattern.

    Phrases are found with plain string search on the lower-cased text (fast, and exact for
    whole words); a label with a regular expression is matched case-insensitively as a
    whole, with its phrases as alternatives.
    """

    labels: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...]
    patterns: tuple[re.Pattern[str] | None, ...]
    roots: Mapping[str, str] = field(init=False, compare=False, repr=False)
    """Each phrase -> the shortest phrase it contains (itself if none): a phrase whose root
    does not occur in a text does not occur either."""

    def __post_init__(self) -> None:
        labels = zip(self.phrases, self.patterns, strict=True)
        plain = sorted({p for ps, pattern in labels if pattern is None for p in ps})
        plain.sort(key=len)  # shortest first (stable: ties stay in alphabetical order)
        object.__setattr__(self, "roots", {p: next(r for r in plain if r in p) for p in plain})

    @classmethod
    def from_mapping(cls, lexicon: Mapping[str, Sequence[str]]) -> Lexicon:
        """Compile a recipe ``[lexicon]``; a bad entry is a ``bad_recipe`` usage error."""
        labels: list[str] = []
        phrases: list[tuple[str, ...]] = []
        patterns: list[re.Pattern[str] | None] = []
        for label, variants in lexicon.items():
            if not variants:
                raise UsageError("bad_recipe", f"lexicon entry {label!r} lists no variants")
            if any(not v.strip() for v in variants):
                raise UsageError("bad_recipe", f"lexicon entry {label!r} has an empty variant")
            labels.append(label)
            phrases.append(tuple(sorted({v.strip().lower() for v in variants})))
            if not any(v.startswith("re:") for v in variants):
                patterns.append(None)
                continue
            alternatives = [
                f"(?:{v[3:]})" if v.startswith("re:") else rf"(?<!\w){re.escape(v.strip())}(?!\w)"
                for v in sorted(variants, key=lambda v: (-len(v), v))
            ]
            try:
                patterns.append(re.compile("|".join(alternatives), re.IGNORECASE))
            except re.error as exc:
                raise UsageError(
                    "bad_recipe",
                    f"lexicon entry {label!r} has an invalid regular expression: {exc}",
                ) from exc
        return cls(tuple(labels), tuple(phrases), tuple(patterns))

    def count(self, pieces: Iterable[str]) -> list[int]:
        """Occurrences of each label in the pieces (matches never cross pieces)."""
        return self.count_each([pieces])[0]

    def count_each(self, groups: Iterable[Iterable[str]]) -> list[list[int]]:
        """:meth:`count` for each group of pieces (a phrase absent from all groups together
        is not looked for again group by group)."""
        joined = [_SEPARATOR.join(pieces) for pieces in groups]
        lowered = [text.lower() for text in joined]
        everything = _SEPARATOR.join(lowered)
        roots = self.roots
        occurs = {root: root in everything for root in set(roots.values())}
        present = [
            () if pattern else tuple(p for p in phrases if occurs[roots[p]] and p in everything)
            for phrases, pattern in zip(self.phrases, self.patterns, strict=True)
        ]
        return [
            [
                len(pattern.findall(text))
                if pattern
                else (_count_phrases(low, found) if found else 0)
                for found, pattern in zip(present, self.patterns, strict=True)
            ]
            for text, low in zip(joined, lowered, strict=True)
        ]


# --------------------------------------------------------------------------- headlines


def _words(text: str) -> list[str]:
    text = unquote(text)
    if not text.isascii():  # ASCII has no compatibility forms and no combining marks
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"['’‘`]", "", text.casefold())
    return [w for w in re.split(r"[^\w]+|_", text) if w]


def url_slug(url: str) -> str:
    """The last path segment of a URL, without a file extension."""
    path = urlsplit(url).path.rstrip("/")
    slug = path.rsplit("/", 1)[-1]
    return re.sub(r"\.(?:html?|php|aspx?)$", "", slug)


@dataclass(frozen=True, slots=True)
class HeadlineEdit:
    """Words the URL slug has and the printed title does not, and the reverse."""

    slug: str
    title: str
    slug_only: tuple[str, ...] = field(default=())
    title_only: tuple[str, ...] = field(default=())

    @property
    def edited(self) -> bool:
        return bool(self.slug_only or self.title_only)


def headline_edit(url: str, title: str) -> HeadlineEdit | None:
    """Compare the slug of ``url`` with ``title``; None when the slug has no words.

    Title words after the end of the slug, and a last slug word that is the start of the
    title word at the same place ('prisoner' / 'prisoners'), count as a cut slug, not an edit.
    Numeric ids in the slug are ignored.
    """
    slug = url_slug(url)
    slug_words = [w for w in _words(slug) if not w.isdigit() or len(w) < 5]
    if not slug_words:
        return None
    title_words = _words(title)
    slug_only: list[str] = []
    title_only: list[str] = []
    ops = SequenceMatcher(a=slug_words, b=title_words, autojunk=False).get_opcodes()
    for tag, a0, a1, b0, b1 in ops:
        if tag == "equal":
            continue
        at_slug_end = a1 == len(slug_words)
        if tag == "insert" and at_slug_end:
            continue  # the slug stops early
        cut = tag == "replace" and at_slug_end and a1 - a0 == 1
        if cut and title_words[b0].startswith(slug_words[a0]):
            continue  # the slug's last word is cut
        slug_only.extend(slug_words[a0:a1])
        title_only.extend(title_words[b0:b1])
    return HeadlineEdit(slug, title, tuple(slug_only), tuple(title_only))


# --------------------------------------------------------------------------- bylines


@lru_cache(maxsize=64)
def _folded(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(name.casefold().strip() for name in names)


def byline_kind(authors: Sequence[str], institutional: Iterable[str]) -> str:
    """'institutional' (every name is an outlet or agency), 'personal' or 'none'."""
    if not authors:
        return "none"
    known = _folded(tuple(institutional))
    if all(author.casefold().strip() in known for author in authors):
        return "institutional"
    return "personal"
