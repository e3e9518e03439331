"""Sources: turn files, folders, globs, gzip files, WARC archives and JSONL dumps into pages.

Everything downstream sees only :class:`Page` (raw bytes plus what the container said about
them). Inputs are read lazily, one page at a time, so a corpus never sits in memory.
An input that cannot be read becomes a :class:`SourceFailure`; a container record that is
not a page (a WARC request, metadata or revisit record) becomes a :class:`Skipped`.
Nothing is skipped silently: a dangling link, a FIFO or a device is ``unreadable``, a link
to a folder already read is ``symlink_loop`` (:mod:`broadsheet.sources.walk`), and every read is
bounded by the recipe's ``[limits]`` (:mod:`broadsheet.sources.limits`): a page larger than
``page_bytes`` as stored or once gunzipped is ``too_large``. File names that are not UTF-8
are written with ``%XX`` for their undecodable bytes
(:func:`broadsheet.sources.sanitize.readable_name`).

What a file is follows from its name: ``*.warc`` and ``*.warc.gz`` are WARC archives
(:mod:`broadsheet.sources.warc`), ``*.jsonl`` and ``*.jsonl.gz`` hold one page per line, any other
``*.gz`` is one gzipped page, and every other file is one page. A folder's
``manifest.csv`` or ``manifest.jsonl`` (:mod:`broadsheet.sources.manifest`) gives the URL,
capture time and checksum of its files. A source given as a URL (``s3://bucket/crawl``) is
listed and read through fsspec by the same rules (:mod:`broadsheet.sources.remote`).
"""

from __future__ import annotations

import errno
import glob
import hashlib
import os
import stat
from collections.abc import Generator, Iterator, Sequence
from datetime import datetime
from pathlib import Path

from broadsheet.sources.items import (
    BatchItem,
    Page,
    PageRef,
    Skipped,
    SourceFailure,
    SourceItem,
)
from broadsheet.sources.jsonl import iter_jsonl
from broadsheet.sources.limits import (
    DEFAULT_LIMITS,
    GZIP_ERRORS,
    Limits,
    TooLarge,
    gunzip,
    size_text,
    too_large_file,
)
from broadsheet.sources.location import is_url, local_path, read_input, sha256_of
from broadsheet.sources.manifest import (
    MANIFEST_NAMES,
    Manifest,
    ManifestEntry,
    checksum_mismatch,
    find_manifest,
    load_manifest,
    parse_timestamp,
)
from broadsheet.sources.readahead import ReadAhead
from broadsheet.sources.sanitize import readable_name
from broadsheet.sources.walk import GLOB_MAGIC, literal_prefix, not_a_file, walk, walk_glob

__all__ = [
    "Page",
    "PageRef",
    "Skipped",
    "SourceFailure",
    "SourceItem",
    "iter_sources",
    "parse_timestamp",
    "read_ref",
]


def iter_sources(
    sources: Sequence[str | bytes | Path],
    *,
    root: Path | None = None,
    limits: Limits = DEFAULT_LIMITS,
    refs: bool = False,
) -> Iterator[BatchItem]:
    """Every page of the given files, folders and glob patterns, lazily, in a fixed order.

    Folders are walked recursively in order of relative path, skipping hidden files and
    folders and the manifests themselves; glob matches are sorted. A file reached twice
    is read once. ``source_file`` is the POSIX path relative to ``root`` (default: the
    working directory) when the file is under it, else relative to the folder holding
    the argument; records inside a container add ``#<offset>`` (WARC) or ``#L<line>``
    (JSONL). ``limits`` bounds what one input may hold. With ``refs``, pages are listed,
    not read: a file that is one page comes as a :class:`PageRef`, a page record of a WARC
    archive or a line of a plain ``.jsonl`` file as a :class:`RecordRef`, for
    :func:`broadsheet.sources.refs.read_item` to read (the same item as reading it here
    gives); a ``.jsonl.gz`` or a one-stream ``.warc.gz``, which cannot be entered midway,
    is still read here. A source may be an fsspec URL (:mod:`broadsheet.sources.location`):
    its files are named relative to the folder holding it and listed as URLs.
    """
    reader = _Reader(os.path.abspath(root if root is not None else os.getcwd()), limits, refs)
    for source in sources:
        yield from reader.source(os.fsdecode(source))


_STREAMED = (".warc", ".warc.gz", ".jsonl", ".jsonl.gz")
"""Files read as a stream of pages; any other file is one page."""


class _Reader:
    """State of one iteration: the files already read and the manifests already loaded."""

    def __init__(self, root: str, limits: Limits, refs: bool = False) -> None:
        self.root = root
        self.limits = limits
        self.refs = refs
        self.seen: set[str] = set()
        self.manifests: dict[str, Manifest | None] = {}
        self.refused: dict[str, tuple[str, str]] = {}  # walked entries not to read

    def source(self, arg: str) -> Iterator[BatchItem]:
        if is_url(arg):
            from broadsheet.sources.remote import url_items  # imports fsspec

            yield from url_items(arg, self.limits, self.seen, self.item)
            return
        arg = local_path(arg)
        if os.path.isdir(arg):
            base = os.path.dirname(os.path.abspath(arg))
            found = walk(arg)
            if not found.files and not found.listed:
                shown = readable_name(arg)
                yield SourceFailure(
                    shown, "unreadable", f"the folder {shown} holds no files to read"
                )
            self.refused.update(found.refused)
            yield from self._files(found.files, base)
            yield from self._missing_listed(found.files, found.listed, base)
        elif os.path.lexists(arg) or not GLOB_MAGIC.search(arg):
            yield from self.file(arg, os.path.dirname(os.path.abspath(arg)))
        else:
            yield from self._glob(arg)

    def _files(self, files: list[str], base: str) -> Iterator[BatchItem]:
        """The items of ``files`` in order, the page files among them announced ahead."""
        ahead = ReadAhead(files, wanted=self._hinted)
        for index, file in enumerate(files):
            ahead.reached(index)
            yield from self.file(file, base)

    def _glob(self, pattern: str) -> Iterator[BatchItem]:
        base = os.path.abspath(literal_prefix(str(Path(pattern).parent)))
        recursive = "**" in Path(pattern).parts
        matches = [] if recursive else sorted(glob.glob(pattern))
        matched = False
        if recursive:  # walked, never looping through links
            found = walk_glob(pattern)
            self.refused.update(found.refused)
            matched = bool(found.files)
            yield from self._files(found.files, base)
        ahead = ReadAhead(matches, wanted=self._hinted)
        for index, match in enumerate(matches):
            if os.path.isdir(match):
                found = walk(match)
                self.refused.update(found.refused)
                matched = matched or bool(found.files)
                yield from self._files(found.files, base)
            elif os.path.basename(match) not in MANIFEST_NAMES:
                ahead.reached(index)
                matched = True
                yield from self.file(match, base)
        if not matched:
            shown = readable_name(pattern)
            yield SourceFailure(shown, "unreadable", f"no file matches the pattern {shown!r}")

    def _hinted(self, path: str) -> bool:
        """Whether to hint the kernel that a file is read soon (not when its reader will)."""
        return not self.refs and _is_page_file(path)

    def name(self, path: Path | str, base: str) -> str:
        """``path`` relative to the root, else to ``base``, else absolute; POSIX form,
        valid UTF-8 (undecodable bytes of a file name written ``%XX``)."""
        absolute = path if isinstance(path, str) and os.path.isabs(path) else os.path.abspath(path)
        for anchor in (self.root, base):
            prefix = anchor if anchor.endswith(os.sep) else anchor + os.sep
            if absolute.startswith(prefix):
                return readable_name(_posix(absolute[len(prefix) :]))
            if absolute == anchor:
                return "."
        return readable_name(_posix(absolute))

    def file(self, path: str, base: str) -> Iterator[BatchItem]:
        # Paths are plain strings here, compared absolute: this runs once per page.
        key = os.path.abspath(path)
        if key in self.seen:
            return
        self.seen.add(key)
        name = self.name(key, base)
        refused = self.refused.pop(path, None)
        if refused is not None:
            code, what = refused
            yield SourceFailure(name, code, f"{name} {readable_name(what)}")
            return
        file_name = os.path.basename(key)
        entry = yield from self._entry(key, file_name, base)
        try:
            info: os.stat_result | OSError = os.stat(key)
        except OSError as exc:
            info = exc
        except ValueError:  # a NUL byte in the name
            info = OSError(errno.ENOENT, "no such file or folder")
        if isinstance(info, OSError) or not stat.S_ISREG(info.st_mode):
            yield not_a_file(key, name, info)
            return
        yield from self.item(key, name, file_name, entry, info.st_size)

    def item(
        self, key: str, name: str, file_name: str, entry: ManifestEntry | None, size: int
    ) -> Iterator[BatchItem]:
        """The items of one regular file (``key``: its absolute path or its URL) of ``size``
        bytes, named ``name``, with its manifest entry (if any)."""
        limit = self.limits.page_bytes
        lower = file_name.lower()
        if lower.endswith(_STREAMED):
            if entry is not None and entry.sha256:
                try:
                    actual = sha256_of(key)
                except OSError:
                    actual = entry.sha256  # unreadable: the reader below says so
                if actual != entry.sha256:
                    yield checksum_mismatch(name, entry.sha256, actual)
                    return
            warc = lower.endswith((".warc", ".warc.gz"))
            if warc:
                # imported here: warcio and what it loads add 40 ms to the start of any
                # process that lists sources, and a folder of pages never needs them
                from broadsheet.sources.warc import iter_warc

                stream = iter_warc(key, name, self.limits, self.refs)
            else:
                stream = iter_jsonl(key, name, self.limits, self.refs)
            seen = False
            for item in stream:
                seen = True
                yield item
            if not seen:  # an archive of nothing is an input too: it gets an entry
                kind = "WARC record" if warc else "JSONL line"
                yield SourceFailure(name, "empty", f"{name} holds no {kind} at all")
            return
        if size > limit:
            yield too_large_file(name, f"is {size_text(size)}", limit)
        elif self.refs:
            yield PageRef(key, name, size, lower.endswith(".gz"), *_entry_fields(entry))
        elif lower.endswith(".gz"):
            yield _read_gz_page(key, name, entry, size, limit)
        else:
            yield _read_page(key, name, entry, size)

    def _entry(
        self, absolute: str, file_name: str, base: str
    ) -> Generator[SourceItem, None, ManifestEntry | None]:
        """The manifest entry of a file (the manifest's problems are yielded once)."""
        manifest = yield from self._manifest(os.path.dirname(absolute), base)
        return manifest.entries.get(file_name) if manifest is not None else None

    def _manifest(self, folder: str, base: str) -> Generator[SourceItem, None, Manifest | None]:
        if folder not in self.manifests:
            found = find_manifest(Path(folder))
            manifest = load_manifest(found, self.limits) if found is not None else None
            self.manifests[folder] = manifest
            if manifest is not None:
                where = self.name(manifest.path, base)
                for problem in manifest.problems:
                    yield SourceFailure(where + problem.where, "invalid_manifest", problem.message)
        return self.manifests[folder]

    def _missing_listed(
        self, files: list[str], folders: list[str], base: str
    ) -> Iterator[SourceItem]:
        """Files a manifest lists that are missing from its folder: never lost silently."""
        present = {os.path.abspath(f) for f in files}
        for folder in folders:
            absolute = os.path.abspath(folder)
            manifest = yield from self._manifest(absolute, base)
            if manifest is None:
                continue
            for file_name in sorted(manifest.entries):
                path = os.path.join(absolute, file_name)
                if path not in present and path not in self.seen and not os.path.lexists(path):
                    self.seen.add(path)
                    yield SourceFailure(
                        self.name(path, base),
                        "unreadable",
                        f"{readable_name(file_name)} is listed in "
                        f"{self.name(manifest.path, base)} but is not in the folder",
                    )


def read_ref(
    ref: PageRef, limits: Limits = DEFAULT_LIMITS, fetched: bytes | OSError | None = None
) -> SourceItem:
    """The page (or failure) of a :class:`PageRef`, read wherever this runs (or from the
    file's bytes ``fetched`` already, or the error fetching them)."""
    entry = ManifestEntry(ref.url, ref.expected_sha256, ref.captured_at)
    if ref.gzipped:
        limit = limits.page_bytes
        return _read_gz_page(ref.path, ref.source_file, entry, ref.size, limit, fetched)
    return _read_page(ref.path, ref.source_file, entry, ref.size, fetched)


def _entry_fields(entry: ManifestEntry | None) -> tuple[str | None, datetime | None, str | None]:
    return (None, None, None) if entry is None else (entry.url, entry.captured_at, entry.sha256)


def _posix(path: str) -> str:
    return path if os.sep == "/" else Path(path).as_posix()


def _is_page_file(path: str) -> bool:
    """A file read whole as one page (archives and JSONL files are streamed instead)."""
    return not path.lower().endswith(_STREAMED)


def _read_file(path: str, size: int) -> bytes:
    """The bytes of a regular file of about ``size`` bytes.

    Plain descriptor reads: a page is read in one call, without the buffered file object
    (and its five extra system calls) that ``open`` sets up around it. A URL is read
    through fsspec (:mod:`broadsheet.sources.location`).
    """
    if is_url(path):
        return read_input(path)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        parts = []
        want = size + 1
        while True:
            chunk = os.read(fd, want)
            parts.append(chunk)
            if len(chunk) < want:  # a short read of a regular file is its end
                return parts[0] if len(parts) == 1 else b"".join(parts)
            want = 1 << 20  # the file grew since it was listed: read on to its end
    finally:
        os.close(fd)


Fetched = bytes | OSError | None
"""A page file's bytes read ahead (:func:`broadsheet.sources.refs.read_ahead`), the error
reading them, or None: read when needed."""


def _bytes_of(path: str, size: int, fetched: Fetched) -> bytes:
    if isinstance(fetched, OSError):
        raise fetched
    return fetched if fetched is not None else _read_file(path, size)


def _read_page(
    path: str, name: str, entry: ManifestEntry | None, size: int, fetched: Fetched = None
) -> SourceItem:
    """One file as one page, checked against its manifest (the caller checked its size)."""
    try:
        data = _bytes_of(path, size, fetched)
    except OSError as exc:
        return SourceFailure(name, "unreadable", f"cannot read {name}: {exc.strerror or exc}")
    return _checked(name, entry, data, data)


def _read_gz_page(
    path: str,
    name: str,
    entry: ManifestEntry | None,
    size: int,
    limit: int,
    fetched: Fetched = None,
) -> SourceItem:
    """One gzipped file as one page: decompressed as a stream, never past ``limit`` bytes."""
    try:
        raw = _bytes_of(path, size, fetched)
    except OSError as exc:
        return SourceFailure(name, "unreadable", f"cannot read {name}: {exc.strerror or exc}")
    try:
        data = gunzip(raw, limit)
    except TooLarge:
        return too_large_file(
            name,
            f"decompresses to more than {size_text(limit)}",
            limit,
            source_sha256=hashlib.sha256(raw).hexdigest(),
        )
    except GZIP_ERRORS as exc:
        return SourceFailure(
            name,
            "corrupt_archive",
            f"{name} is not a readable gzip file ({len(raw)} bytes): {exc}",
            source_sha256=hashlib.sha256(raw).hexdigest(),
        )
    return _checked(name, entry, raw, data)


def _checked(name: str, entry: ManifestEntry | None, raw: bytes, data: bytes) -> SourceItem:
    """The page, when its manifest entry (if any) agrees with its bytes (``raw`` as stored,
    ``data`` the page: the same object unless the file was gzipped)."""
    page_sha = hashlib.sha256(data).hexdigest()
    if entry is None:
        return Page(name, data, sha256=page_sha)
    # A manifest may hash the file as stored or the page inside a .gz; either proves it
    # (the stored file is hashed only when the page's own hash is not the one listed).
    if entry.sha256 and entry.sha256 != page_sha:
        file_sha = page_sha if raw is data else hashlib.sha256(raw).hexdigest()
        if entry.sha256 != file_sha:
            return checksum_mismatch(name, entry.sha256, file_sha)
    return Page(name, data, entry.url, entry.captured_at, None, page_sha)
