"""Framing vocabulary: the recipe's lexicon, counted in a record's pieces of text.

Entries are phrases matched case-insensitively as whole words (a phrase may start or end
with a quotation mark); an entry starting with ``re:`` is a regular expression, and a label
with one is matched as a whole, with its phrases as alternatives. Within one label every
occurrence counts once (longest alternative first). See :mod:`broadsheet.card.bias`.
"""

from __future__ import annotations

import re
import re._parser as sre_parse  # type: ignore[import-not-found]  # read for literal prefixes
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from broadsheet.errors import UsageError

__all__ = ["Lexicon", "join_pieces"]

_WORDCHAR = re.compile(r"\w")
_LONG_WORD = re.compile(r"\w{4,}")
_WORDS_ONLY = bytes(b if chr(b).isalnum() or b == ord("_") else 32 for b in range(128)).ljust(
    256, b" "
)
"""ASCII bytes that regex ``\\w`` matches kept, every other byte to a space."""
_SEPARATOR = "\n\x00\n"
"""Joins pieces before matching: no phrase, and no pattern without \\x00, can cross it."""
_CASE_TWINS = re.compile("[\u0130\u0131\u017f\u212a]")
"""The characters outside ASCII that a case-insensitive pattern matches to an ASCII letter
(dotted and dotless i, long s, the Kelvin sign). In a text without them, a case-insensitive
match of an ASCII literal is an occurrence of the lower-cased literal in the lower-cased
text, at the same index."""


def join_pieces(pieces: Iterable[str]) -> str:
    """Pieces joined so that no lexicon phrase, and no pattern without NUL, crosses a join;
    ``count_words`` of the result is that of the pieces plus one per join."""
    return _SEPARATOR.join(pieces)


def _is_word(char: str) -> bool:
    """Regex ``\\w`` for one character (ASCII answered without the regex engine)."""
    if char.isascii():
        return char.isalnum() or char == "_"
    return _WORDCHAR.match(char) is not None


def _count_phrases(lowered: str, phrases: tuple[str, ...]) -> int:
    """Whole-word occurrences of any phrase, leftmost first, the longest phrase at a place."""
    spans: list[tuple[int, int]] = []
    for phrase in phrases:
        start = lowered.find(phrase)
        while start >= 0:
            end = start + len(phrase)
            before = lowered[start - 1] if start else " "
            after = lowered[end] if end < len(lowered) else " "
            if not _is_word(before) and not _is_word(after):
                spans.append((start, -end))
            start = lowered.find(phrase, start + 1)
    count, last_end = 0, 0
    for start, negative_end in sorted(spans):
        if start >= last_end:
            count, last_end = count + 1, -negative_end
    return count


_ZERO_WIDTH = (sre_parse.AT, sre_parse.ASSERT, sre_parse.ASSERT_NOT)


def _prefixes(items: sre_parse.SubPattern | list[tuple[object, object]]) -> frozenset[str] | None:
    """Lower-cased ASCII literals one of which starts every match of a parsed (sub)pattern
    (zero-width assertions before them are passed over); None when there is no such set."""
    items = list(items)
    for index, (op, av) in enumerate(items):
        if op in _ZERO_WIDTH:
            continue
        if op is sre_parse.LITERAL and isinstance(av, int) and av < 128:
            literal = ""
            for op2, av2 in items[index:]:
                if op2 is not sre_parse.LITERAL or not isinstance(av2, int) or av2 >= 128:
                    break
                literal += chr(av2).lower()
            return frozenset([literal])
        if op is sre_parse.BRANCH and isinstance(av, tuple):
            found = [_prefixes(branch) for branch in av[1]]
            if any(f is None for f in found):
                return None
            return frozenset().union(*(f for f in found if f is not None))
        if op is sre_parse.SUBPATTERN and isinstance(av, tuple):
            _group, add_flags, del_flags, sub = av
            if (add_flags | del_flags) & re.IGNORECASE:
                return None
            return _prefixes(sub)
        return None
    return None


def _pattern_prefixes(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """:func:`_prefixes` of a case-insensitive pattern (None for any other pattern)."""
    if not pattern.flags & re.IGNORECASE:
        return None
    try:
        return _prefixes(sre_parse.parse(pattern.pattern, pattern.flags))
    except (re.error, TypeError, ValueError, AttributeError):  # a parse tree it cannot read
        return None


def _count_matches(
    pattern: re.Pattern[str], prefixes: frozenset[str] | None, text: str, lowered: str
) -> int:
    """``len(pattern.findall(text))``, trying the pattern only where one of its literal
    prefixes starts in ``lowered`` (``text.lower()``) when that is provably the same."""
    if prefixes is None or (not text.isascii() and _CASE_TWINS.search(text)):
        return len(pattern.findall(text))
    starts: set[int] = set()
    for prefix in prefixes:
        at = lowered.find(prefix)
        while at >= 0:
            starts.add(at)
            at = lowered.find(prefix, at + 1)
    # every match starts at one of these and is not empty: findall's scan, start by start
    count, end = 0, 0
    for start in sorted(starts):
        if start >= end and (match := pattern.match(text, start)):
            count, end = count + 1, match.end()
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
    by_root: Mapping[str, tuple[tuple[int, str], ...]] = field(
        init=False, compare=False, repr=False
    )
    """Each root -> the (label index, phrase) pairs of the phrases with that root."""
    root_keys: tuple[tuple[str | None, tuple[str, ...]], ...] = field(
        init=False, compare=False, repr=False
    )
    """The roots in groups sharing a four-letter key (a text without the key has none of
    them); a root alone in its group has no key."""
    matchers: tuple[tuple[int, re.Pattern[str], frozenset[str] | None], ...] = field(
        init=False, compare=False, repr=False
    )
    """(label index, pattern, literal prefixes) of the labels with a pattern."""
    by_word: Mapping[bytes, tuple[tuple[int, str, tuple[bytes, ...], bool], ...]] = field(
        init=False, compare=False, repr=False
    )
    """For an ASCII text: each phrase's first word (run of ``\\w``) -> the (label index,
    phrase, words, whether more than that word) of the ASCII phrases starting with it."""
    vocabulary: frozenset[bytes] = field(init=False, compare=False, repr=False)
    """Every word of the ASCII phrases."""
    wordless: tuple[tuple[int, str], ...] = field(init=False, compare=False, repr=False)
    """(label index, phrase) of the ASCII phrases without a word."""

    def __post_init__(self) -> None:
        labels = zip(self.phrases, self.patterns, strict=True)
        plain = sorted({p for ps, pattern in labels if pattern is None for p in ps})
        plain.sort(key=len)  # shortest first (stable: ties stay in alphabetical order)
        object.__setattr__(self, "roots", {p: next(r for r in plain if r in p) for p in plain})
        matchers = tuple(
            (i, p, _pattern_prefixes(p)) for i, p in enumerate(self.patterns) if p is not None
        )
        object.__setattr__(self, "matchers", matchers)
        by_root: dict[str, list[tuple[int, str]]] = {}
        for i, (phrases, pattern) in enumerate(zip(self.phrases, self.patterns, strict=True)):
            for phrase in () if pattern else phrases:
                by_root.setdefault(self.roots[phrase], []).append((i, phrase))
        object.__setattr__(self, "by_root", {r: tuple(v) for r, v in by_root.items()})
        groups: dict[str, list[str]] = {}
        for root in sorted(by_root):
            word = _LONG_WORD.search(root)
            groups.setdefault(word.group()[:4] if word else root, []).append(root)
        keys = tuple((k if len(v) > 1 else None, tuple(v)) for k, v in sorted(groups.items()))
        object.__setattr__(self, "root_keys", keys)
        by_word: dict[bytes, list[tuple[int, str, tuple[bytes, ...], bool]]] = {}
        wordless: list[tuple[int, str]] = []
        for i, phrase in sorted(pair for pairs in by_root.values() for pair in pairs):
            if not phrase.isascii():
                continue  # never in an ASCII text
            encoded = phrase.encode("ascii")
            words = tuple(encoded.translate(_WORDS_ONLY).split())
            if words:
                by_word.setdefault(words[0], []).append((i, phrase, words, words != (encoded,)))
            else:
                wordless.append((i, phrase))
        object.__setattr__(self, "by_word", {w: tuple(v) for w, v in by_word.items()})
        object.__setattr__(
            self, "vocabulary", frozenset(w for v in by_word.values() for e in v for w in e[2])
        )
        object.__setattr__(self, "wordless", tuple(wordless))

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
        return self.count_joined([join_pieces(pieces) for pieces in groups])

    def count_joined(self, joined: Sequence[str]) -> list[list[int]]:
        """:meth:`count_each` of groups already joined by :func:`join_pieces`."""
        counts = [[0] * len(self.labels) for _ in joined]
        for label, found in self.count_found(joined).items():
            for row, n in zip(counts, found, strict=True):
                row[label] = n
        return counts

    def count_found(self, joined: Sequence[str]) -> dict[int, list[int]]:
        """:meth:`count_joined`, sparse: label index -> its count in each group, for the
        labels found in at least one group."""
        lowered = [text.lower() for text in joined]
        everything = _SEPARATOR.join(lowered)
        matchers = self.matchers
        if everything.isascii():
            present = self._present_ascii(everything)
            # a pattern none of whose literal prefixes occurs has no match (_count_matches)
            matchers = tuple(
                (label, pattern, prefixes)
                for label, pattern, prefixes in matchers
                if prefixes is None or any(prefix in everything for prefix in prefixes)
            )
        else:
            present = self._present(everything)
        counts: dict[int, list[int]] = {}
        for label, phrases in present.items():
            found = [_count_phrases(low, tuple(phrases)) for low in lowered]
            if any(found):
                counts[label] = found
        for label, pattern, prefixes in matchers:
            found = [
                _count_matches(pattern, prefixes, text, low)
                for text, low in zip(joined, lowered, strict=True)
            ]
            if any(found):
                counts[label] = found
        return counts

    def _present(self, everything: str) -> dict[int, list[str]]:
        """Label index -> its phrases found in ``everything`` (the lower-cased groups,
        joined), roots first."""
        present: dict[int, list[str]] = {}
        for key, roots in self.root_keys:
            if key is not None and key not in everything:
                continue
            for root in roots:
                if root in everything:
                    for label, phrase in self.by_root[root]:
                        if phrase == root or phrase in everything:
                            present.setdefault(label, []).append(phrase)
        return present

    def _present_ascii(self, everything: str) -> dict[int, list[str]]:
        """:meth:`_present` of an ASCII text, leaving out phrases that occur only inside
        words (they count nothing either). Where a phrase occurs as a whole word, each of its
        words (runs of ``\\w``) is a whole word of the text: the text's words are made once
        and the phrases are looked up by them."""
        words = self.vocabulary.intersection(
            everything.encode("ascii").translate(_WORDS_ONLY).split()
        )
        present: dict[int, list[str]] = {}
        for word in sorted(words):
            for label, phrase, needs, more in self.by_word.get(word, ()):
                if not more or (words.issuperset(needs) and phrase in everything):
                    present.setdefault(label, []).append(phrase)
        for label, phrase in self.wordless:
            if phrase in everything:
                present.setdefault(label, []).append(phrase)
        return present
