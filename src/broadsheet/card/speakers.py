"""Who is quoted: the attribution patterns of :mod:`broadsheet.card.bias`, found in one block.

The search stays linear in the text: names are tried only at sentence or clause starts, and
at a start only when a quick pattern (:data:`_REACHES_VERB`) finds a speech verb within
reach of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from itertools import accumulate

_PREFIXES = r"al|el|as|ad|an|ash|bin|ibn|abu|abd|bint|de|van|von"
_PREFIX = rf"(?:{_PREFIXES})[- ]"
_TOKEN = rf"(?:{_PREFIX})?(?:(?:[A-Z]\.)+|[A-Z][\w'’-]*)"
_NAME = rf"(?P<name>{_TOKEN}(?: {_TOKEN}){{0,5}})"
_BOUNDARY = re.compile(r"[.!?;,](?:(?<=[.!?,])[\"”])? ")
"""A sentence or clause ends (``. ``, ``; ``, ``," ``...): the next character may start an
attribution. (It begins with a character class, which the regex engine scans for quickly.)"""
_VERB_WORDS = (
    "said", "says", "stated", "added", "affirmed", "explained", "emphasised", "emphasized",
    "stressed", "noted", "warned", "told", "confirmed", "announced", "declared", "asserted",
    "pointed out", "revealed", "reported", "claimed", "insisted", "argued", "urged", "vowed",
    "wrote", "indicated", "underlined", "denied", "acknowledged", "maintained",
)  # fmt: skip
_VERBS = "|".join(map(re.escape, _VERB_WORDS))
_ADVERBS = r"also|further|later|then|earlier|again|separately|previously"
_ADVERB = rf"(?:(?:{_ADVERBS}) )?"
_ARTICLE = r"(?:(?:The|A|An|the) )?"
_ROLE_WORD_LIST = (
    "official", "spokesperson", "spokesman", "spokeswoman", "minister", "leader", "chief",
    "head", "member", "commander", "deputy", "envoy", "director", "analyst", "expert",
    "journalist", "activist", "ambassador", "lawmaker",
)  # fmt: skip
_ROLE_WORDS = "|".join(_ROLE_WORD_LIST)
_ROLE = rf"(?:(?:{_TOKEN} )*(?:{_ROLE_WORDS}|MP) )?"

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


def _trie(words: Iterable[str]) -> str:
    """A regular expression matching exactly the literal ``words``, branching letter by
    letter: the engine tries the branches of an alternation one by one, so a long list of
    words is tested faster when their shared beginnings are read once."""
    heads: dict[str, list[str]] = {}
    for word in sorted(set(words)):
        heads.setdefault(word[:1], []).append(word[1:])
    branches = [re.escape(head) + _trie(tails) for head, tails in heads.items() if head]
    if not branches:
        return ""
    optional = "?" if "" in heads else ""
    return (
        branches[0]
        if len(branches) == 1 and not optional
        else f"(?:{'|'.join(branches)}){optional}"
    )


_LOWER_BEFORE_VERB = ("the", "has", "had", *_ADVERBS.split("|"), *_ROLE_WORD_LIST)
_REACHES_VERB = re.compile(
    rf"(?:[A-Z][^ ]* |(?:{_trie(_PREFIXES.split('|'))})-[A-Z][^ ]* "
    rf"|(?:{_trie([*_LOWER_BEFORE_VERB, *_PREFIXES.split('|')])}) )*"
    rf"(?:{_trie(_VERB_WORDS)})\b"
)
"""A quick test before :data:`_NAME_VERB`: words that may stand before its verb (capitalised,
'al-' and the like, and its lower-case words), then the verb. Every match of ``_NAME_VERB``
matches this too; each word fits one alternative only, so a failure is found in linear time.
(Only whether it matches is used; its word lists are written as tries, see :func:`_trie`.)"""
_CLAUSE_TO_VERB = tuple(
    re.compile(rf"{re.escape(mark)}{quote} (?={_REACHES_VERB.pattern})")
    for mark, quote in ((".", '["”]?'), (",", '["”]?'), ("!", '["”]?'), ("?", '["”]?'), (";", ""))
)
"""The clause starts from which :data:`_REACHES_VERB` matches (the ends of the matches): a
:data:`_BOUNDARY` then the quick test, one pattern per punctuation mark, so that each starts
with a literal character (the engine scans quickly for one that is not common)."""
_BLOCK_TO_VERB = re.compile(rf"\x00\n(?={_REACHES_VERB.pattern})")
"""The block starts after the first from which :data:`_REACHES_VERB` matches, in text
joined by :data:`_SEPARATOR` (the ends of the matches)."""
_ACCORDING = re.compile(rf"[Aa](?<!\w[Aa])ccording to {_ARTICLE}{_NAME}")
"""'According to X' at a word start (the letter first, so the engine scans for it quickly)."""
_COLON = re.compile(rf"{_ARTICLE}{_ROLE}{_NAME}: ?[\"“]")
_SAID_NAME = re.compile(rf"[,.!?][\"”],? (?:said|says|added|stated) {_ARTICLE}{_ROLE}{_NAME}")
_CLOSING_QUOTES = ('"', "”")
"""The second character of every :data:`_SAID_NAME` match, followed by a space or comma."""
_NOT_NAMES = frozenset(
    re.findall(
        r"\w+",
        "He She They It We I You This That These Those There Their His Her Its Our My Your "
        "Who Which What When Where Some Many Most Others Both Each All None Everyone "
        "Several Few Another Any Such Either Neither Someone Somebody Anyone Nobody Everybody",
    )
)


_LEADING = frozenset(
    re.findall(
        r"\w+",
        "But And Or So Yet Now Then Still Also However Meanwhile Instead Indeed Today "
        "Yesterday Tomorrow Later Earlier Here Thus Hence Separately Previously Again",
    )
)
"""Sentence-opening words that are no part of a name: 'But Salazar said' is Salazar."""


@lru_cache(maxsize=4096)  # names recur from record to record
def _clean_name(name: str) -> str | None:
    name = name.rstrip(".'’-")
    words = name.split(" ")
    while len(words) > 1 and words[0] in _LEADING:
        words = words[1:]
    if words[0] in _NOT_NAMES or words[0] in _LEADING:
        return None
    return " ".join(words) or None


@lru_cache(maxsize=16)
def _told(outlets: tuple[str, ...]) -> re.Pattern[str]:
    names = "|".join(re.escape(o) for o in sorted(outlets, key=lambda o: (-len(o), o)))
    # 'told ' at a word start: the literal first, so the engine scans for it quickly
    return re.compile(rf"told (?<!\wtold )(?:{names})\b")


_SPACES = re.compile(r"\s*")
_SEPARATOR = "\n\x00\n"
"""Joins blocks for :func:`find_speakers_in`. No pattern consumes a line break, a look-behind
sees one as it sees the start of a block, and ``str.lstrip`` stops at the NUL: the
attributions of the joined text are those of the blocks one by one. (A quick test may run
past a block's end; it only lets a start be tried where no attribution begins.)"""


def find_speakers(text: str, outlets: Sequence[str] = ()) -> list[tuple[str, str]]:
    """(speaker, pattern code) for each attribution in one block of prose, in text order.

    ``outlets`` are the names a source may speak to (``X told Al Mayadeen``); an
    occurrence whose speaker has no name counts as :data:`UNNAMED`. Names are looked for
    only where a sentence or clause starts, which keeps the search linear in the text.
    """
    return _find(text, (0,), tuple(outlets))


def find_speakers_in(texts: Sequence[str], outlets: Sequence[str] = ()) -> list[tuple[str, str]]:
    """:func:`find_speakers` of each block, concatenated in block order (one pass)."""
    if any(o.startswith("\x00") for o in outlets):  # could start right after a separator
        return [found for text in texts for found in find_speakers(text, outlets)]
    starts = [0, *accumulate(len(text) + len(_SEPARATOR) for text in texts[:-1])]
    return _find(_SEPARATOR.join(texts), starts, tuple(outlets))


def _matches_from(
    pattern: re.Pattern[str],
    text: str,
    literals: tuple[str, ...],
    offset: int,
    then: tuple[str, ...] = (),
) -> list[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern whose every match holds one of ``literals``
    at ``offset`` from its start (then one of ``then``, if given) and is not empty: the
    pattern is tried only there. (A literal of one character is found fastest.)"""
    starts: list[int] = []
    for literal in literals:
        at = text.find(literal, offset)
        while at >= 0:
            if not then or text.startswith(then, at + len(literal)):
                starts.append(at - offset)
            at = text.find(literal, at + 1)
    found: list[re.Match[str]] = []
    end = 0
    for start in sorted(starts) if len(literals) > 1 else starts:
        if start >= end and (match := pattern.match(text, start)):
            found.append(match)
            end = match.end()
    return found


def _find(text: str, blocks: Sequence[int], outlets: tuple[str, ...]) -> list[tuple[str, str]]:
    """The attributions of ``text``, whose blocks start at the offsets ``blocks``."""
    found: list[tuple[int, str, str]] = []
    told_at: set[int] = set()
    verb_starts = sorted(m.end() for pattern in _CLAUSE_TO_VERB for m in pattern.finditer(text))
    if len(blocks) > 1 and text.count("\x00") == len(blocks) - 1:  # NULs only in separators
        reach = [m.end() for m in _BLOCK_TO_VERB.finditer(text)]
        if _REACHES_VERB.match(text):
            reach.insert(0, 0)
    else:
        reach = [start for start in blocks if _REACHES_VERB.match(text, start)]
    if reach:
        verb_starts = sorted([*reach, *verb_starts])
    with_colon = ":" in text  # then 'X: "..."' is looked for at every start
    if with_colon:
        starts = sorted([*blocks, *(m.end() for m in _BOUNDARY.finditer(text))])
    else:
        starts = verb_starts
    may_verb = set(verb_starts) if with_colon else None
    covered = 0  # a start inside an earlier match (after 'U.N. ' or 'J. ') is no new clause
    for start in starts:
        if start < covered:
            continue
        may = may_verb is None or start in may_verb
        match = _NAME_VERB.match(text, start) if may else None
        if match:
            covered = match.end()
            name = _clean_name(match.group("name"))
            told = False
            if match.group("verb") == "told":
                spaces = _SPACES.match(text, match.end())  # what str.lstrip would skip
                rest = spaces.end() if spaces else match.end()
                told = any(text.startswith(o, rest) for o in outlets)
            if told:
                told_at.add(match.end("verb"))
            if name:
                found.append((match.start("name"), name, "told_outlet" if told else "name_verb"))
        match = _COLON.match(text, start) if with_colon else None
        if match and (name := _clean_name(match.group("name"))):
            covered = max(covered, match.end())
            found.append((match.start("name"), name, "colon_quote"))
    if outlets and "told " in text:
        for match in _told(outlets).finditer(text):
            if match.start() + len("told") not in told_at:
                found.append((match.start(), UNNAMED, "told_outlet"))
    for matches, code in (  # one character in: 'ccording to ', a closing quotation mark
        (_matches_from(_ACCORDING, text, ("ccording to ",), 1), "according_to"),
        (_matches_from(_SAID_NAME, text, _CLOSING_QUOTES, 1, (" ", ",")), "said_name"),
    ):
        for match in matches:
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
