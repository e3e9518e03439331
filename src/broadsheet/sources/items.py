"""What the sources yield: a :class:`Page`, a :class:`SourceFailure` or a :class:`Skipped`.

(Importable from :mod:`broadsheet.sources.files` as well, where they have always been.)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Page:
    """One page as captured: raw bytes and what its container said about them."""

    source_file: str
    data: bytes
    url: str | None = None
    captured_at: datetime | None = None
    content_type: str | None = None
    sha256: str = field(default="")

    def __post_init__(self) -> None:
        if not self.sha256:
            object.__setattr__(self, "sha256", hashlib.sha256(self.data).hexdigest())


@dataclass(frozen=True, slots=True)
class SourceFailure:
    """An input (or part of one) that could not be read; it goes to the quarantine."""

    source_file: str
    code: str
    message: str
    source_sha256: str | None = None


@dataclass(frozen=True, slots=True)
class Skipped:
    """A container record that is not a page (e.g. a WARC request record): counted, not kept."""

    source_file: str
    reason: str


SourceItem = Page | SourceFailure | Skipped
