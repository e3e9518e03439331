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
* **Speakers** are found by attribution patterns (:data:`PATTERNS`): a capitalised name at a
  sentence or clause start followed by a speech verb, ``according to X``, ``X: "..."``,
  ``X told`` + the outlet's name and ``"...," said X``. Pronouns are not speakers. It is a
  heuristic: it misses unnamed and role-only speakers and can take a place for a person.
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

SCARE_MAX_WORDS = 2
"""Double-quoted spans up to this many words are scare quotes (narration), not speech."""

_WORD = re.compile(r"\S+")
_WORDCHAR = re.compile(r"\w")
_CLOSERS: dict[str, str] = {'"': '"”', "“": '”"', "«": "»", "„": '“”"'}
_OPENER = re.compile("[" + "".join(_CLOSERS) + "]")
_CLOSER = {opener: re.compile(f"[{closers}]") for opener, closers in _CLOSERS.items()}
_SEPARATOR = "\n\x00\n"
"""Joins pieces before matching: no phrase, and no pattern without \\x00, can cross it."""


def count_words(text: str) -> int:
    """Whitespace-separated words (the definition of ``records.count_words``)."""
    return len(_WORD.findall(text))


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


def split_voices(text: str, *, kind: str = "paragraph") -> Voices:
    """Split one block into narration pieces and quoted-speech pieces (see module rules)."""
    if kind == "quote":
        return Voices(narration=(), quoted=(text,))
    narration: list[str] = []
    quoted: list[str] = []
    cursor = 0
    for outer_start, inner_start, inner_end, outer_end in _quote_spans(text):
        inner = text[inner_start:inner_end]
        if count_words(inner) <= SCARE_MAX_WORDS:
            continue  # a scare quote or mention: stays in the narration, marks included
        narration.append(text[cursor:outer_start])
        quoted.append(inner)
        cursor = outer_end
    narration.append(text[cursor:])
    return Voices(
        narration=tuple(p for p in narration if p.strip()),
        quoted=tuple(p for p in quoted if p.strip()),
    )


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
        joined = _SEPARATOR.join(pieces)
        lowered = joined.lower()
        return [
            _count_phrases(lowered, phrases) if pattern is None else len(pattern.findall(joined))
            for phrases, pattern in zip(self.phrases, self.patterns, strict=True)
        ]


# --------------------------------------------------------------------------- speakers

_PREFIX = r"(?:al|el|as|ad|an|ash|bin|ibn|abu|abd|bint|de|van|von)[- ]"
_TOKEN = rf"(?:{_PREFIX})?(?:(?:[A-Z]\.)+|[A-Z][\w'’-]*)"
_NAME = rf"(?P<name>{_TOKEN}(?: {_TOKEN}){{0,5}})"
_BOUNDARY = re.compile(r"(?:[.!?;,]|[.!?,][\"”]) ")
"""A sentence or clause ends: the next character may start an attribution."""
_VERBS = (
    r"said|says|stated|added|affirmed|explained|emphasi[sz]ed|stressed|noted|warned|told|"
    r"confirmed|announced|declared|asserted|pointed out|revealed|reported|claimed|insisted|"
    r"argued|urged|vowed|wrote|indicated|underlined|denied|acknowledged|maintained"
)
_ADVERB = r"(?:(?:also|further|later|then|earlier|again|separately|previously) )?"
_ARTICLE = r"(?:(?:The|A|An|the) )?"
_ROLE = (
    rf"(?:(?:{_TOKEN} )*(?:official|spokes(?:person|man|woman)|minister|leader|chief|head|"
    r"member|commander|deputy|envoy|director|analyst|expert|journalist|activist|ambassador|"
    r"lawmaker|MP) )?"
)

UNNAMED = "(unnamed)"
"""The speaker of ``X told <outlet>`` when X is no name ('A Palestinian mother told ...')."""

PATTERNS: dict[str, str] = {
    "name_verb": "X said (or another speech verb)",
    "told_outlet": "X told the outlet (named in the recipe)",
    "according_to": "according to X",
    "colon_quote": 'X: "..."',
    "said_name": '"...," said X',
}
"""Attribution patterns: code -> how it reads."""

_NAME_VERB = re.compile(
    rf"{_ARTICLE}{_ROLE}{_NAME},? (?:(?:has|had) )?{_ADVERB}(?P<verb>{_VERBS})\b"
)
_ANY_VERB = re.compile(rf"\b(?:{_VERBS})\b")
_ACCORDING = re.compile(rf"\b[Aa]ccording to {_ARTICLE}{_NAME}")
_COLON = re.compile(rf"{_ARTICLE}{_ROLE}{_NAME}: ?[\"“]")
_SAID_NAME = re.compile(rf"[,.!?][\"”],? (?:said|says|added|stated) {_ARTICLE}{_ROLE}{_NAME}")
_NOT_NAMES = frozenset(
    re.findall(
        r"\w+",
        "He She They It We I You This That These Those There Their His Her Its Our My Your "
        "Who Which What When Where Some Many Most Others Both Each All None Everyone",
    )
)


def _clean_name(name: str) -> str | None:
    name = name.rstrip(".'’-")
    if name.split(" ")[0] in _NOT_NAMES:
        return None
    return name or None


@lru_cache(maxsize=16)
def _told(outlets: tuple[str, ...]) -> re.Pattern[str] | None:
    if not outlets:
        return None
    names = "|".join(re.escape(o) for o in sorted(outlets, key=lambda o: (-len(o), o)))
    return re.compile(rf"\btold (?:{names})\b")


def find_speakers(text: str, outlets: Sequence[str] = ()) -> list[tuple[str, str]]:
    """(speaker, pattern code) for each attribution in one block of prose, in text order.

    ``outlets`` are the names a source may speak to (``X told Al Mayadeen``); an
    occurrence whose speaker has no name counts as :data:`UNNAMED`. Names are looked for
    only where a sentence or clause starts, which keeps the search linear in the text.
    """
    found: list[tuple[int, str, str]] = []
    told_at: set[int] = set()
    starts = [0, *(m.end() for m in _BOUNDARY.finditer(text))]
    with_verb = _ANY_VERB.search(text) is not None
    with_colon = ":" in text
    covered = 0  # a start inside an earlier match (after 'U.N. ' or 'J. ') is no new clause
    for start in starts:
        if start < covered:
            continue
        match = _NAME_VERB.match(text, start) if with_verb else None
        if match:
            covered = match.end()
            name = _clean_name(match.group("name"))
            rest = text[match.end() :].lstrip()
            told = match.group("verb") == "told" and any(rest.startswith(o) for o in outlets)
            if told:
                told_at.add(match.end("verb"))
            if name:
                found.append((match.start("name"), name, "told_outlet" if told else "name_verb"))
        match = _COLON.match(text, start) if with_colon else None
        if match and (name := _clean_name(match.group("name"))):
            covered = max(covered, match.end())
            found.append((match.start("name"), name, "colon_quote"))
    told_pattern = _told(tuple(outlets))
    if told_pattern is not None and "told " in text:
        for match in told_pattern.finditer(text):
            if match.start() + len("told") not in told_at:
                found.append((match.start(), UNNAMED, "told_outlet"))
    for pattern, code, hint in (
        (_ACCORDING, "according_to", "ccording to "),
        (_SAID_NAME, "said_name", " "),
    ):
        if hint not in text:
            continue
        for match in pattern.finditer(text):
            if name := _clean_name(match.group("name")):
                found.append((match.start("name"), name, code))
    return [(name, code) for _, name, code in sorted(found)]


def merge_surnames(counts: Mapping[str, int]) -> dict[str, int]:
    """Fold a one-word speaker ('Al-Nakhalah') into the one longer name ending with it.

    Only when exactly one longer name ends with that word (case-insensitive), so
    ambiguous surnames stay apart.
    """
    owners: dict[str, list[str]] = {}
    for name in counts:
        if " " in name:
            owners.setdefault(name.rsplit(" ", 1)[1].casefold(), []).append(name)
    merged = dict(counts)
    for short in sorted(k for k in counts if " " not in k):
        candidates = owners.get(short.casefold(), [])
        if len(candidates) == 1:
            merged[candidates[0]] += merged.pop(short)
    return merged


# --------------------------------------------------------------------------- headlines


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", unquote(text))
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


def byline_kind(authors: Sequence[str], institutional: Iterable[str]) -> str:
    """'institutional' (every name is an outlet or agency), 'personal' or 'none'."""
    if not authors:
        return "none"
    known = {name.casefold().strip() for name in institutional}
    if all(author.casefold().strip() in known for author in authors):
        return "institutional"
    return "personal"
