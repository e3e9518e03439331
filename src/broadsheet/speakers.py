"""Who is quoted: the attribution patterns of :mod:`broadsheet.bias`, found in one block.

The search stays linear in the text: names are tried only at sentence or clause starts, and
at a start only when a quick pattern (:data:`_REACHES_VERB`) finds a speech verb within
reach of it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

_PREFIXES = r"al|el|as|ad|an|ash|bin|ibn|abu|abd|bint|de|van|von"
_PREFIX = rf"(?:{_PREFIXES})[- ]"
_TOKEN = rf"(?:{_PREFIX})?(?:(?:[A-Z]\.)+|[A-Z][\w'’-]*)"
_NAME = rf"(?P<name>{_TOKEN}(?: {_TOKEN}){{0,5}})"
_BOUNDARY = re.compile(r"[.!?;,](?:(?<=[.!?,])[\"”])? ")
"""A sentence or clause ends (``. ``, ``; ``, ``," ``...): the next character may start an
attribution. (It begins with a character class, which the regex engine scans for quickly.)"""
_VERBS = (
    r"said|says|stated|added|affirmed|explained|emphasi[sz]ed|stressed|noted|warned|told|"
    r"confirmed|announced|declared|asserted|pointed out|revealed|reported|claimed|insisted|"
    r"argued|urged|vowed|wrote|indicated|underlined|denied|acknowledged|maintained"
)
_ADVERBS = r"also|further|later|then|earlier|again|separately|previously"
_ADVERB = rf"(?:(?:{_ADVERBS}) )?"
_ARTICLE = r"(?:(?:The|A|An|the) )?"
_ROLE_WORDS = (
    r"official|spokes(?:person|man|woman)|minister|leader|chief|head|"
    r"member|commander|deputy|envoy|director|analyst|expert|journalist|activist|ambassador|"
    r"lawmaker"
)
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
_REACHES_VERB = re.compile(
    rf"(?:(?:(?:{_PREFIXES})-)?[A-Z][^ ]* |(?:the|has|had|{_ADVERBS}|{_ROLE_WORDS}|{_PREFIXES}) )*"
    rf"(?:{_VERBS})\b"
)
"""A quick test before :data:`_NAME_VERB`: words that may stand before its verb (capitalised,
'al-' and the like, and its lower-case words), then the verb. Every match of ``_NAME_VERB``
matches this too; each word fits one alternative only, so a failure is found in linear time."""
_BOUNDARY_TO_VERB = re.compile(rf"{_BOUNDARY.pattern}(?={_REACHES_VERB.pattern})")
"""The clause starts from which :data:`_REACHES_VERB` matches (the ends of the matches)."""
_ACCORDING = re.compile(rf"[Aa](?<!\w[Aa])ccording to {_ARTICLE}{_NAME}")
"""'According to X' at a word start (the letter first, so the engine scans for it quickly)."""
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
def _told(outlets: tuple[str, ...]) -> re.Pattern[str]:
    names = "|".join(re.escape(o) for o in sorted(outlets, key=lambda o: (-len(o), o)))
    # 'told ' at a word start: the literal first, so the engine scans for it quickly
    return re.compile(rf"told (?<!\wtold )(?:{names})\b")


def find_speakers(text: str, outlets: Sequence[str] = ()) -> list[tuple[str, str]]:
    """(speaker, pattern code) for each attribution in one block of prose, in text order.

    ``outlets`` are the names a source may speak to (``X told Al Mayadeen``); an
    occurrence whose speaker has no name counts as :data:`UNNAMED`. Names are looked for
    only where a sentence or clause starts, which keeps the search linear in the text.
    """
    found: list[tuple[int, str, str]] = []
    told_at: set[int] = set()
    verb_starts = [m.end() for m in _BOUNDARY_TO_VERB.finditer(text)]
    if _REACHES_VERB.match(text):
        verb_starts.insert(0, 0)
    with_colon = ":" in text  # then 'X: "..."' is looked for at every start
    starts = [0, *(m.end() for m in _BOUNDARY.finditer(text))] if with_colon else verb_starts
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
                rest = text[match.end() :].lstrip()
                told = any(rest.startswith(o) for o in outlets)
            if told:
                told_at.add(match.end("verb"))
            if name:
                found.append((match.start("name"), name, "told_outlet" if told else "name_verb"))
        match = _COLON.match(text, start) if with_colon else None
        if match and (name := _clean_name(match.group("name"))):
            covered = max(covered, match.end())
            found.append((match.start("name"), name, "colon_quote"))
    if outlets and "told " in text:
        for match in _told(tuple(outlets)).finditer(text):
            if match.start() + len("told") not in told_at:
                found.append((match.start(), UNNAMED, "told_outlet"))
    for pattern, code, needed in (  # each pattern needs one of these strings
        (_ACCORDING, "according_to", "ccording to " in text),
        (_SAID_NAME, "said_name", '"' in text or "”" in text),
    ):
        for match in pattern.finditer(text) if needed else ():
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
