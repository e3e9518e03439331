"""Sources: turn files, folders, globs, gzip files, WARC archives and JSONL dumps into pages.

Everything downstream sees only :class:`Page` (raw bytes plus what the container said about
them). Inputs are read lazily, one page at a time, so a corpus never sits in memory.
An input that cannot be read becomes a :class:`SourceFailure`; a container record that is
not a page (a WARC request, metadata or revisit record) becomes a :class:`Skipped`.

What a file is follows from its name: ``*.warc`` and ``*.warc.gz`` are WARC archives
(:mod:`broadsheet.warc`), ``*.jsonl`` and ``*.jsonl.gz`` hold one page per line, any other
``*.gz`` is one gzipped page, and every other file is one page. A folder's
``manifest.csv`` or ``manifest.jsonl`` (:mod:`broadsheet.manifest`) gives the URL,
capture time and checksum of its files.
"""

from __future__ import annotations

import glob
import gzip
import hashlib
import json
import os
import re
import stat
import zlib
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from io import BufferedIOBase
from pathlib import Path

from broadsheet.manifest import (
    MANIFEST_NAMES,
    Manifest,
    ManifestEntry,
    find_manifest,
    load_manifest,
    parse_timestamp,
)
from broadsheet.readahead import ReadAhead


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

_GLOB_MAGIC = re.compile(r"[*?[]")
_GZIP_ERRORS = (OSError, EOFError, zlib.error)  # gzip.BadGzipFile is an OSError


def iter_sources(
    sources: Sequence[str | Path], *, root: Path | None = None
) -> Iterator[SourceItem]:
    """Every page of the given files, folders and glob patterns, lazily, in a fixed order.

    Folders are walked recursively in order of relative path, skipping hidden files and
    folders and the manifests themselves; glob matches are sorted. A file reached twice
    is read once. ``source_file`` is the POSIX path relative to ``root`` (default: the
    working directory) when the file is under it, else relative to the folder holding
    the argument; records inside a container add ``#<offset>`` (WARC) or ``#L<line>``
    (JSONL).
    """
    reader = _Reader(os.path.abspath(root if root is not None else os.getcwd()))
    for source in sources:
        yield from reader.source(str(source))


_STREAMED = (".warc", ".warc.gz", ".jsonl", ".jsonl.gz")
"""Files read as a stream of pages; any other file is one page."""


class _Reader:
    """State of one iteration: the files already read and the manifests already loaded."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.seen: set[str] = set()
        self.manifests: dict[str, Manifest | None] = {}

    def source(self, arg: str) -> Iterator[SourceItem]:
        if os.path.isdir(arg):
            base = os.path.dirname(os.path.abspath(arg))
            files, listed = _walk(arg)
            if not files and not listed:
                yield SourceFailure(arg, "unreadable", f"the folder {arg} holds no files to read")
            yield from self._files(files, base)
            yield from self._missing_listed(files, listed, base)
        elif os.path.lexists(arg) or not _GLOB_MAGIC.search(arg):
            yield from self.file(arg, os.path.dirname(os.path.abspath(arg)))
        else:
            yield from self._glob(arg)

    def _files(self, files: list[str], base: str) -> Iterator[SourceItem]:
        """The items of ``files`` in order, the page files among them announced ahead."""
        ahead = ReadAhead(files, wanted=_is_page_file)
        for index, file in enumerate(files):
            ahead.reached(index)
            yield from self.file(file, base)

    def _glob(self, pattern: str) -> Iterator[SourceItem]:
        base = os.path.abspath(_literal_prefix(str(Path(pattern).parent)))
        matches = sorted(glob.glob(pattern, recursive=True))
        matched = False
        ahead = ReadAhead(matches, wanted=_is_page_file)
        for index, match in enumerate(matches):
            if os.path.isdir(match):
                files = _walk(match)[0]
                matched = matched or bool(files)
                yield from self._files(files, base)
            elif os.path.basename(match) not in MANIFEST_NAMES:
                ahead.reached(index)
                matched = True
                yield from self.file(match, base)
        if not matched:
            yield SourceFailure(pattern, "unreadable", f"no file matches the pattern {pattern!r}")

    def name(self, path: Path | str, base: str) -> str:
        """``path`` relative to the root, else to ``base``, else absolute; POSIX form."""
        absolute = path if isinstance(path, str) and os.path.isabs(path) else os.path.abspath(path)
        for anchor in (self.root, base):
            prefix = anchor if anchor.endswith(os.sep) else anchor + os.sep
            if absolute.startswith(prefix):
                return _posix(absolute[len(prefix) :])
            if absolute == anchor:
                return "."
        return _posix(absolute)

    def file(self, path: str, base: str) -> Iterator[SourceItem]:
        # Paths are plain strings here, compared absolute: this runs once per page.
        key = os.path.abspath(path)
        if key in self.seen:
            return
        self.seen.add(key)
        name = self.name(key, base)
        file_name = os.path.basename(key)
        entry = yield from self._entry(key, file_name, base)
        try:
            info = os.stat(key)
        except (OSError, ValueError):
            info = None
        if info is None or not stat.S_ISREG(info.st_mode):
            what = "no such file or folder" if info is None else "not a regular file"
            yield SourceFailure(name, "unreadable", f"cannot read {name}: {what}")
            return
        lower = file_name.lower()
        if lower.endswith(_STREAMED):
            if entry is not None and entry.sha256:
                try:
                    actual = _file_sha256(Path(key))
                except OSError:
                    actual = entry.sha256  # unreadable: the reader below says so
                if actual != entry.sha256:
                    yield _mismatch(name, entry.sha256, actual)
                    return
            if lower.endswith((".warc", ".warc.gz")):
                from broadsheet.warc import iter_warc  # warc builds on the types above

                yield from iter_warc(Path(key), name)
            else:
                yield from _iter_jsonl(Path(key), name)
            return
        yield _read_page(key, name, entry, info.st_size)

    def _entry(
        self, absolute: str, file_name: str, base: str
    ) -> Generator[SourceItem, None, ManifestEntry | None]:
        """The manifest entry of a file (the manifest's problems are yielded once)."""
        manifest = yield from self._manifest(os.path.dirname(absolute), base)
        return manifest.entries.get(file_name) if manifest is not None else None

    def _manifest(self, folder: str, base: str) -> Generator[SourceItem, None, Manifest | None]:
        if folder not in self.manifests:
            found = find_manifest(Path(folder))
            manifest = load_manifest(found) if found is not None else None
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
                if path not in present and path not in self.seen and not os.path.exists(path):
                    self.seen.add(path)
                    yield SourceFailure(
                        self.name(path, base),
                        "unreadable",
                        f"{file_name} is listed in {self.name(manifest.path, base)} "
                        "but is not in the folder",
                    )


def _posix(path: str) -> str:
    return path if os.sep == "/" else Path(path).as_posix()


def _literal_prefix(pattern: str) -> str:
    """The leading folders of a pattern that hold no wildcard."""
    parts = Path(pattern).parts
    kept: list[str] = []
    for part in parts:
        if _GLOB_MAGIC.search(part):
            break
        kept.append(part)
    return str(Path(*kept)) if kept else "."


def _is_page_file(path: str) -> bool:
    """A file read whole as one page (archives and JSONL files are streamed instead)."""
    return not path.lower().endswith(_STREAMED)


def _walk(folder: str) -> tuple[list[str], list[str]]:
    """Files under a folder by relative path (no hidden entries, no manifests), and the
    folders that hold a manifest."""
    found: list[tuple[str, str]] = []
    listed: list[tuple[str, str]] = []
    top = folder
    for current, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        relative = Path(os.path.relpath(current, top)).as_posix()
        prefix = "" if relative == "." else relative + "/"
        for file_name in files:
            if file_name in MANIFEST_NAMES:
                listed.append((relative, current))
            elif not file_name.startswith("."):
                found.append((prefix + file_name, os.path.join(current, file_name)))
    unique = dict(sorted(listed))  # a folder with both manifests appears once
    return [path for _, path in sorted(found)], list(unique.values())


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _mismatch(name: str, expected: str, actual: str) -> SourceFailure:
    return SourceFailure(
        name,
        "checksum_mismatch",
        f"{name}: sha256 is {actual} but the manifest says {expected}; "
        "the file changed since it was listed",
        source_sha256=actual,
    )


def _read_file(path: str, size: int) -> bytes:
    """The bytes of a regular file of about ``size`` bytes.

    Plain descriptor reads: a page is read in one call, without the buffered file object
    (and its five extra system calls) that ``open`` sets up around it.
    """
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


def _read_page(path: str, name: str, entry: ManifestEntry | None, size: int) -> SourceItem:
    """One file as one page (gunzipped when it ends in .gz), checked against its manifest."""
    try:
        raw = _read_file(path, size)
    except OSError as exc:
        return SourceFailure(name, "unreadable", f"cannot read {name}: {exc.strerror or exc}")
    file_sha = hashlib.sha256(raw).hexdigest()
    data, page_sha = raw, file_sha
    if path.lower().endswith(".gz"):
        try:
            data = gzip.decompress(raw)
        except _GZIP_ERRORS as exc:
            return SourceFailure(
                name,
                "corrupt_archive",
                f"{name} is not a readable gzip file ({len(raw)} bytes): {exc}",
                source_sha256=file_sha,
            )
        page_sha = hashlib.sha256(data).hexdigest()
    if entry is None:
        return Page(name, data, sha256=page_sha)
    # A manifest may hash the file as stored or the page inside a .gz; either proves it.
    if entry.sha256 and entry.sha256 not in (file_sha, page_sha):
        return _mismatch(name, entry.sha256, file_sha)
    return Page(name, data, entry.url, entry.captured_at, None, page_sha)


def _iter_jsonl(path: Path, name: str) -> Iterator[SourceItem]:
    """One page per line of a JSONL file (gunzipped when it ends in .gz), streamed."""
    try:
        fh = _open_binary(path)
    except OSError as exc:
        yield SourceFailure(name, "unreadable", f"cannot read {name}: {exc.strerror or exc}")
        return
    number = 0
    with fh:
        try:
            for number, raw in enumerate(fh, start=1):
                if raw.strip():
                    yield _jsonl_item(raw, name, number)
        except _GZIP_ERRORS as exc:
            read = f"after line {number}" if number else "before its first line"
            yield SourceFailure(
                f"{name}#L{number + 1}",
                "corrupt_archive",
                f"{name} is damaged {read}: {exc}; the lines before were read",
            )


def _open_binary(path: Path) -> BufferedIOBase:
    """A file's bytes, gunzipped on the fly when its name ends in .gz."""
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")
    return path.open("rb")


def _jsonl_item(raw: bytes, name: str, number: int) -> SourceItem:
    where = f"{name}#L{number}"

    def invalid(what: str) -> SourceFailure:
        return SourceFailure(where, "invalid_jsonl", f"{name} line {number}: {what}")

    try:
        obj = json.loads(raw.decode("utf-8-sig" if number == 1 else "utf-8"))
    except UnicodeDecodeError as exc:
        return invalid(f"not UTF-8 (byte {raw[exc.start : exc.start + 1]!r} at {exc.start})")
    except json.JSONDecodeError as exc:
        return invalid(f"not JSON ({exc})")
    if not isinstance(obj, dict):
        return invalid(f"a JSON {type(obj).__name__}, expected an object with 'html' or 'text'")
    kind = "html" if obj.get("html") is not None else "text"
    body = obj.get(kind)
    if not isinstance(body, str):
        if body is None:
            return invalid(f"no 'html' or 'text' field (keys: {', '.join(sorted(obj)) or 'none'})")
        return invalid(f"'{kind}' is a {type(body).__name__}, expected a string")
    for key in ("url", "captured_at", "content_type"):
        if obj.get(key) is not None and not isinstance(obj[key], str):
            return invalid(f"'{key}' is {obj[key]!r}, expected a string")
    try:
        captured = parse_timestamp(obj["captured_at"]) if obj.get("captured_at") else None
    except ValueError as exc:
        return invalid(f"captured_at {exc}")
    # The text is stored as UTF-8 whatever charset the original page had.
    media = (obj.get("content_type") or "").split(";")[0].strip()
    media = media or ("text/html" if kind == "html" else "text/plain")
    return Page(
        where,
        body.encode("utf-8", errors="replace"),
        url=obj.get("url") or None,
        captured_at=captured,
        content_type=f"{media}; charset=utf-8",
    )
