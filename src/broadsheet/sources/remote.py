"""Sources given as URLs: listed through fsspec like a local folder, file or glob pattern.

A URL source is read with the rules of :mod:`broadsheet.sources.files`: a folder's files in
order of relative path, hidden files and folders (a name starting with ``.``) left out, its
``manifest.csv`` or ``manifest.jsonl`` applied to the files beside it (and a file it lists
that is missing reported), a file reached twice read once. Names are relative to the folder
holding the argument (``s3://bucket/crawl`` gives ``crawl/site/page.html``), or to the
folders before the first wildcard of a pattern. Listing errors, a URL that names nothing and
a protocol no installed package reads become ``unreadable`` entries.

Each file is handed on by its own URL (the argument's protocol and chain around the file's
path), which the worker that reads it opens itself (:mod:`broadsheet.sources.location`).
"""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Callable, Generator, Iterator
from typing import Any

from broadsheet.sources.items import BatchItem, SourceFailure, SourceItem
from broadsheet.sources.limits import Limits
from broadsheet.sources.location import UrlParts, remote, shown_url, url_to_fs
from broadsheet.sources.manifest import MANIFEST_NAMES, Manifest, ManifestEntry, load_manifest
from broadsheet.sources.sanitize import readable_name
from broadsheet.sources.walk import GLOB_MAGIC

ItemsOf = Callable[[str, str, str, ManifestEntry | None, int], Iterator[BatchItem]]
"""What reads one listed file: (URL, name, file name, manifest entry, size) -> its items."""


def url_items(url: str, limits: Limits, seen: set[str], items_of: ItemsOf) -> Iterator[BatchItem]:
    """The items of the URL source ``url`` (see the module docstring); ``seen`` holds the
    URLs of the files already read, ``items_of`` reads one file."""
    shown = readable_name(shown_url(url))  # (no password written down)
    try:
        fs, path = url_to_fs(url)
    except ValueError as exc:
        yield SourceFailure(shown, "unreadable", f"cannot read {shown}: {exc}")
        return
    place = UrlParts.of(url)
    try:
        files, base, what = _listed(fs, path)
    except FileNotFoundError:
        yield SourceFailure(shown, "unreadable", f"cannot read {shown}: no such file or folder")
        return
    except OSError as exc:
        yield SourceFailure(shown, "unreadable", f"cannot list {shown}: {exc}")
        return
    pages = {p: size for p, size in files.items() if posixpath.basename(p) not in MANIFEST_NAMES}
    nothing = not pages if what == "pattern" else what == "folder" and not files
    if nothing:
        message = (
            f"no file matches the pattern {shown!r}"
            if what == "pattern"
            else f"the folder {shown} holds no files to read"
        )
        yield SourceFailure(shown, "unreadable", message)
    folders = Folders(fs, place, base, files if what == "folder" else None, limits)
    for p in sorted(pages):
        key = place.url(p)
        if key in seen:
            continue
        seen.add(key)
        folder = posixpath.dirname(p)
        manifest = yield from folders.manifest(folder)
        file_name = posixpath.basename(p)
        entry = manifest.entries.get(file_name) if manifest is not None else None
        yield from items_of(key, _name(p, base), file_name, entry, pages[p])
    yield from folders.missing(pages, seen)


def _listed(fs: Any, path: str) -> tuple[dict[str, int], str, str]:
    """The files of a URL's path (path -> size), the folder names are relative to, and
    whether the path was a ``file``, a ``folder`` or a ``pattern``."""
    if GLOB_MAGIC.search(path):
        top = _literal_prefix(path)
        found: dict[str, Any] = remote(lambda: fs.glob(path, detail=True))
        files: dict[str, int] = {}
        for p, info in found.items():
            if not _visible(p, top):
                continue
            if info.get("type") != "directory":
                files[p] = _size(info)
            elif "**" not in path.split("/"):  # a folder matched by name: read through
                files.update(_files(fs, p))
        return files, top, "pattern"
    info = remote(lambda: fs.info(path))
    base = posixpath.dirname(path.rstrip("/"))
    if info.get("type") == "directory":
        return _files(fs, path), base, "folder"
    return {path: _size(info)}, base, "file"


def _files(fs: Any, folder: str) -> dict[str, int]:
    """The files under ``folder`` that are not hidden below it, with their sizes."""
    found: dict[str, Any] = remote(lambda: fs.find(folder, detail=True, withdirs=False))
    return {p: _size(info) for p, info in found.items() if _visible(p, folder)}


def _visible(path: str, top: str) -> bool:
    """Whether no part of ``path`` below ``top`` is hidden (starts with ``.``)."""
    rest = path[len(top) :] if path.startswith(top) else path
    return not any(part.startswith(".") for part in rest.split("/") if part)


def _size(info: dict[str, Any]) -> int:
    size = info.get("size")
    return int(size) if size is not None else 0


def _literal_prefix(pattern: str) -> str:
    """The leading folders of a pattern that hold no wildcard."""
    kept: list[str] = []
    for part in pattern.split("/"):
        if GLOB_MAGIC.search(part):
            break
        kept.append(part)
    return "/".join(kept)


def _name(path: str, base: str) -> str:
    """``path`` relative to ``base``, as a source file name."""
    if base and path.startswith(base.rstrip("/") + "/"):
        path = path[len(base.rstrip("/")) + 1 :]
    return readable_name(path.lstrip("/"))


class Folders:
    """The manifests of a URL source's folders, loaded when a folder's first file is read.

    ``files`` is the listing of a whole folder, which shows every manifest under it; files
    matched by a pattern or named one by one have their folder's manifest looked for."""

    def __init__(
        self, fs: Any, place: UrlParts, base: str, files: dict[str, int] | None, limits: Limits
    ) -> None:
        self.fs = fs
        self.place = place
        self.base = base
        self.limits = limits
        self.complete = files is not None
        self.listed: dict[str, str] = {}  # folder -> its manifest's path
        for p in sorted(files or (), reverse=True):  # manifest.csv comes first: set last
            if posixpath.basename(p) in MANIFEST_NAMES:
                self.listed[posixpath.dirname(p)] = p
        self.loaded: dict[str, Manifest | None] = {}

    def _find(self, folder: str) -> str | None:
        if self.complete:
            return self.listed.get(folder)
        for name in MANIFEST_NAMES:
            candidate = posixpath.join(folder, name)
            if remote(functools.partial(self.fs.isfile, candidate)):
                return candidate
        return None

    def manifest(self, folder: str) -> Generator[SourceItem, None, Manifest | None]:
        """Yields the manifest's problems the first time; returns the folder's manifest."""
        if folder not in self.loaded:
            try:
                found = self._find(folder)
            except OSError:  # the folder's files are read without it; reading says why not
                found = None
            manifest = None
            if found is not None:
                url, file_name = self.place.url(found), posixpath.basename(found)
                manifest = load_manifest(url, self.limits, file_name)
                for problem in manifest.problems:
                    where = _name(found, self.base) + problem.where
                    yield SourceFailure(where, "invalid_manifest", problem.message)
            self.loaded[folder] = manifest
        return self.loaded[folder]

    def missing(self, pages: dict[str, int], seen: set[str]) -> Iterator[SourceItem]:
        """Files a manifest lists that are not in its folder: never lost silently."""
        for folder in sorted(self.listed):
            manifest = yield from self.manifest(folder)
            if manifest is None:
                continue
            shown = _name(self.listed[folder], self.base)
            for file_name in sorted(manifest.entries):
                path = posixpath.join(folder, file_name)
                key = self.place.url(path)
                if path in pages or key in seen:
                    continue
                seen.add(key)
                yield SourceFailure(
                    _name(path, self.base),
                    "unreadable",
                    f"{readable_name(file_name)} is listed in {shown} but is not in the folder",
                )
