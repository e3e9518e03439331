"""Small records for the corpus-pass tests: id, publisher, url, published_at and body blocks."""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from broadsheet.records.model import Block, make_id

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@dataclass
class Rec:
    id: str
    url: str
    publisher: str
    published_at: datetime | None
    body: list[Block]
    authors: list[str] = field(default_factory=list)
    source_credit: str | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(b.text for b in self.body if b.kind != "embed")


def rec(publisher: str, n: int, paragraphs: list[str], minutes: int | None = 0) -> Rec:
    url = f"https://{publisher.split()[0].lower()}.example/a/{n}"
    when = None if minutes is None else T0 + timedelta(minutes=minutes)
    body = [Block(kind="paragraph", text=p) for p in paragraphs]
    return Rec(make_id(url, publisher, "", None), url, publisher, when, body)


@functools.cache
def _vocabulary() -> list[str]:
    r = random.Random(0)
    letters = "abcdefghijklmnoprstuvwz"
    return ["".join(r.choice(letters) for _ in range(r.randint(3, 9))) for _ in range(8000)]


def prose(seed: int, sentences: int = 12) -> list[str]:
    """Distinct paragraphs of random words (8000-word vocabulary), three sentences each."""
    r = random.Random(seed)
    vocab = _vocabulary()
    said = [
        " ".join(r.choice(vocab) for _ in range(r.randint(10, 18))) + "." for _ in range(sentences)
    ]
    return [" ".join(said[i : i + 3]) for i in range(0, sentences, 3)]
