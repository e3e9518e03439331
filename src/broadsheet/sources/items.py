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


@dataclass(frozen=True, slots=True)
class PageRef:
    """A page file not read yet: where it is and what its folder's manifest says of it.

    What a build hands its workers instead of the bytes (a batch is a list of these):
    :func:`broadsheet.sources.files.read_ref` reads it wherever it runs, into the same
    :class:`Page` or :class:`SourceFailure` that reading the file at listing time gives.
    ``path`` is absolute, so workers need the same file system (or the same mount point).
    """

    path: str
    source_file: str
    size: int
    """Bytes of the file when it was listed (the page limit was checked on it then)."""
    gzipped: bool = False
    url: str | None = None
    captured_at: datetime | None = None
    expected_sha256: str | None = None
    """The manifest's checksum of the file (or of the page inside a ``.gz``), if any."""


@dataclass(frozen=True, slots=True)
class RecordRef:
    """A page inside a WARC archive or a JSONL file, not read yet: the container and where
    the record starts in it.

    The build lists an archive's records (reading their headers, or a JSONL file's line
    ends) and hands its workers these instead of the bytes;
    :func:`broadsheet.sources.refs.read_item` reads the record wherever it runs, into the
    same :class:`Page` or :class:`SourceFailure` that reading the container through gives.
    ``path`` is absolute, so workers need the same file system (or the same mount point).
    """

    path: str
    container: str
    """The ``source_file`` of the container (the record's own adds ``#<offset>`` or ``#L<n>``)."""
    kind: str
    """``warc`` or ``jsonl``."""
    offset: int
    """Byte offset of the record (of its gzip member in a ``.warc.gz``) or of the line."""
    size: int
    """Bytes of the record's block (WARC) or of the line (JSONL), for weighing batches."""
    line: int = 0
    """The line number (JSONL)."""

    @property
    def source_file(self) -> str:
        if self.kind == "jsonl":
            return f"{self.container}#L{self.line}"
        return f"{self.container}#{self.offset}"


SourceItem = Page | SourceFailure | Skipped
BatchItem = SourceItem | PageRef | RecordRef
"""What a batch holds: a page (or failure, or skip) read by the build, or a page file or a
container's record that the worker reads itself."""
