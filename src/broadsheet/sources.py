"""Sources: turn files, folders, globs, gzip files, WARC archives and JSONL dumps into pages.

Everything downstream sees only :class:`Page` (raw bytes plus what the container said about
them). Inputs are read lazily, one page at a time, so a corpus never sits in memory.
An input that cannot be read becomes a :class:`SourceFailure`; a container record that is
not a page (a WARC request, metadata or revisit record) becomes a :class:`Skipped`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path


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


def iter_sources(sources: list[str], *, root: str | None = None) -> Iterator[SourceItem]:
    """Placeholder reader: plain files only (folders, globs, gz, WARC, JSONL to come)."""
    for name in sources:
        path = Path(name)
        try:
            data = path.read_bytes()
        except OSError as exc:
            yield SourceFailure(name, "unreadable", f"cannot read {name}: {exc.strerror}")
            continue
        yield Page(name, data)
