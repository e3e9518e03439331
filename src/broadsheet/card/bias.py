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
  :mod:`broadsheet.card.speakers`): a capitalised name at a sentence or clause start followed by
  a speech verb, ``according to X``, ``X: "..."``, ``X told`` + the outlet's name and
  ``"...," said X``. Pronouns are not speakers. It is a heuristic: it misses unnamed and
  role-only speakers and can take a place for a person.
* **Headline edits** compare the URL slug with the printed title word by word; a slug that
  stops early (cut at a length limit) is not an edit, and neither is a moved word, another
  form of a word ('raids' / 'raid') or a dropped function word. Only a slug made from the
  headline is
  compared: at least :data:`SLUG_OVERLAP` of its words must be title words (or start one,
  or be started by one, from 3 letters: 'raids' and 'raid'); other slugs (ids, section
  names, words in another script) are counted apart.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from broadsheet.card.lexicon import Lexicon, join_pieces
from broadsheet.card.speakers import PATTERNS, UNNAMED, find_speakers, merge_surnames

__all__ = [
    "PATTERNS",
    "SCARE_MAX_WORDS",
    "SLUG_OVERLAP",
    "UNNAMED",
    "HeadlineEdit",
    "Lexicon",
    "Voices",
    "byline_kind",
    "count_words",
    "find_speakers",
    "headline_edit",
    "join_pieces",
    "merge_surnames",
    "prose_voices",
    "split_voices",
    "url_slug",
]

SCARE_MAX_WORDS = 2
"""Double-quoted spans up to this many words are scare quotes (narration), not speech."""
SLUG_OVERLAP = 0.5
"""Share of a slug's words found in the title for the slug to count as made from it."""
_FUNCTION_WORDS = frozenset(
    re.findall(
        r"\w+", "a an the to of for in on at by with from and or as is are was were be its it s"
    )
)
"""English function words that slugs commonly drop: their absence is no headline edit."""

_CLOSERS: dict[str, str] = {
    '"': '"”',
    "“": '”"',
    "«": "»",
    "„": '“”"',
    "「": "」",  # Chinese and Japanese corner brackets
    "『": "』",
}
_OPENER = re.compile("[" + "".join(_CLOSERS) + "]")
_CLOSER = {opener: re.compile(f"[{closers}]") for opener, closers in _CLOSERS.items()}


_WORD_STARTS = bytes(32 if chr(b).isspace() else 120 for b in range(128)).ljust(256, b"x")
"""ASCII whitespace (as ``str.split`` sees it) to a space, every other byte to ``x``."""


def count_words(text: str) -> int:
    """Whitespace-separated words (the definition of ``records.count_words``: ``str.split``
    separates at exactly the characters that regex ``\\s`` matches).

    An ASCII text is counted without making the words: in its bytes mapped to spaces and
    ``x``, a word starts at the first byte or after a space."""
    if not text.isascii():
        return len(text.split())
    marks = text.encode("ascii").translate(_WORD_STARTS)
    return marks.count(b" x") + marks.startswith(b"x")


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
    if text.isascii():  # the straight quotation mark is then the only opener and closer
        start = text.find('"')
        while start >= 0:
            end = text.find('"', start + 1)
            if end < 0:
                spans.append((start, start + 1, len(text), len(text)))
                break
            spans.append((start, start + 1, end, end + 1))
            start = text.find('"', end + 1)
        return spans
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
        if len(inner.split(None, SCARE_MAX_WORDS)) <= SCARE_MAX_WORDS:  # at most that many words
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
        if kind == "embed":
            continue
        if kind != "quote" and text.isascii() and '"' not in text:  # no quotation marks
            if text and not text.isspace():
                narration.append(text)
            continue
        _split_block(text, kind, narration, quoted)
    return Voices(narration=tuple(narration), quoted=tuple(quoted))


# --------------------------------------------------------------------------- headlines


_APOSTROPHES = re.compile(r"['’‘`]")
_WORD = re.compile(r"[^\W_]+")  # a run of letters and digits ("_" separates words)
_PAGE_SUFFIX = re.compile(r"\.(?:html?|php|aspx?)$")


def _words(text: str) -> list[str]:
    if "%" in text:
        text = unquote(text)
    if text.isascii():  # no compatibility forms, no combining marks; casefold is lower
        text = text.lower()
        if "'" in text or "`" in text:
            text = text.replace("'", "").replace("`", "")
        return _WORD.findall(text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHES.sub("", text.casefold())
    return _WORD.findall(text)


def _url_path(url: str) -> str:
    """``urlsplit(url).path``, read directly off a plain ``http(s)://`` URL: printable ASCII
    without spaces, query, fragment or brackets, which ``urlsplit`` only cuts at the first
    slash after the host."""
    after = 8 if url.startswith("https://") else 7 if url.startswith("http://") else 0
    if after and url.isascii() and url.isprintable() and not any(c in url for c in " ?#[]"):
        slash = url.find("/", after)
        return url[slash:] if slash >= 0 else ""
    return urlsplit(url).path


def url_slug(url: str) -> str:
    """The last path segment of a URL, without a file extension."""
    path = _url_path(url).rstrip("/")
    slug = path.rsplit("/", 1)[-1]
    return _PAGE_SUFFIX.sub("", slug) if "." in slug else slug


@dataclass(frozen=True, slots=True)
class HeadlineEdit:
    """Words the URL slug has and the printed title does not, and the reverse."""

    slug: str
    title: str
    slug_only: tuple[str, ...] = field(default=())
    title_only: tuple[str, ...] = field(default=())
    overlap: float = 1.0
    """Share of the slug's words found in the title (see :func:`slug_overlap`)."""

    @property
    def from_headline(self) -> bool:
        """Whether the slug was made from the headline (:data:`SLUG_OVERLAP`)."""
        return self.overlap >= SLUG_OVERLAP

    @property
    def edited(self) -> bool:
        return self.from_headline and bool(self.slug_only or self.title_only)


class _Words:
    """Words made ready to ask whether a word is akin to one of them: the same word, or
    (both of three letters or more) the start of it or started by it."""

    def __init__(self, words: Sequence[str]) -> None:
        self.words = frozenset(words)
        self.starts = " " + " ".join(words)  # ' ' + w in it: a word starts with w (no spaces)
        self.long = tuple(w for w in words if len(w) >= 3)

    def akin(self, word: str) -> bool:
        """Whether ``word`` is akin to one of the words."""
        if word in self.words:
            return True
        return len(word) >= 3 and (" " + word in self.starts or word.startswith(self.long))


def slug_overlap(slug_words: Sequence[str], title_words: Sequence[str]) -> float:
    """Share of slug words that are a title word, start one or are started by one."""
    if not slug_words:
        return 0.0
    title = _Words(title_words)
    return sum(map(title.akin, slug_words)) / len(slug_words)


def _is_id(word: str) -> bool:
    """Whether a slug word is an id: five digits or more."""
    return sum(map(str.isdigit, word)) >= 5


def headline_edit(url: str, title: str) -> HeadlineEdit | None:
    """Compare the slug of ``url`` with ``title``; None when the slug has no words.

    Title words after the end of the slug, and a last slug word that is the start of the
    title word at the same place ('prisoner' / 'prisoners'), count as a cut slug, not an edit.
    Ids in the slug (words with five digits or more, 'n1085406') are ignored.
    """
    slug = url_slug(url)
    slug_words = [w for w in _words(slug) if len(w) < 5 or w.isalpha() or not _is_id(w)]
    if not slug_words:
        return None
    title_words = _words(title)
    if title_words[: len(slug_words)] == slug_words:  # the slug is the title or its start
        return HeadlineEdit(slug, title)
    in_title = _Words(title_words)
    akin = [in_title.akin(w) for w in slug_words]
    overlap = sum(akin) / len(slug_words)  # slug_overlap(slug_words, title_words)
    if overlap < SLUG_OVERLAP:
        return HeadlineEdit(slug, title, overlap=overlap)
    in_slug = _Words(slug_words)
    if all(a or w in _FUNCTION_WORDS for w, a in zip(slug_words, akin, strict=True)) and all(
        w in _FUNCTION_WORDS or in_slug.akin(w) for w in title_words
    ):  # every word the comparison could find is dropped below: no need to compare
        return HeadlineEdit(slug, title, overlap=overlap)
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
    # Moved words, other forms of a word ('raids' / 'raid') and function words that slugs
    # drop ('to', 'the') are no edit.
    slug_only = [w for w in slug_only if w not in _FUNCTION_WORDS and not in_title.akin(w)]
    title_only = [w for w in title_only if w not in _FUNCTION_WORDS and not in_slug.akin(w)]
    return HeadlineEdit(slug, title, tuple(slug_only), tuple(title_only), overlap)


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
