"""Walking a folder: every entry under it accounted for, symbolic links followed once.

Entries are listed in order of relative path; hidden files and folders (a name starting
with ``.``) are left out, and the manifests are returned apart. A symbolic link to a folder
is followed, once: folders are told apart by device and inode, and a link that leads back
to a folder already walked (one of its own parents: a loop; or a folder reached by another
way) is not followed again but returned as a ``symlink_loop`` entry. A folder that cannot
be listed is an ``unreadable`` entry. Every other entry (a file, a link to one, a dangling
link, a FIFO, a device) is returned for the reader to read or to report
(:func:`not_a_file` says why one that is not a regular file is not read).
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

from broadsheet.sources.items import SourceFailure
from broadsheet.sources.manifest import MANIFEST_NAMES
from broadsheet.sources.sanitize import readable_name


@dataclass(slots=True)
class Walk:
    """What a folder holds: entries to read (sorted), folders with a manifest, and the
    entries refused while walking (path -> (reason code, what is wrong with it: a message
    that follows the entry's name))."""

    files: list[str] = field(default_factory=list)
    listed: list[str] = field(default_factory=list)
    refused: dict[str, tuple[str, str]] = field(default_factory=dict)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # follows links; False for a dangling one
    except OSError:
        return False  # a link to itself (ELOOP): reported as a file that cannot be read


def walk(folder: str) -> Walk:
    """The entries under ``folder`` (see the module docstring); never raises."""
    found: list[tuple[str, str]] = []
    listed: dict[str, str] = {}
    refused: dict[str, tuple[str, str]] = {}
    try:
        top = os.stat(folder)
    except OSError as exc:
        return Walk([folder], [], {folder: ("unreadable", f"cannot be listed: {_why(exc)}")})
    walked: dict[tuple[int, int], str] = {(top.st_dev, top.st_ino): folder}
    stack: list[tuple[str, str, frozenset[tuple[int, int]]]] = [(folder, "", frozenset(walked))]
    while stack:
        current, prefix, parents = stack.pop()
        try:
            with os.scandir(current) as it:
                entries = list(it)
        except OSError as exc:
            found.append((prefix.rstrip("/") or ".", current))
            refused[current] = ("unreadable", f"is a folder that cannot be listed: {_why(exc)}")
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = os.path.join(current, entry.name)
            if not _is_dir(entry):
                if entry.name in MANIFEST_NAMES:
                    listed.setdefault(prefix, current)
                else:
                    found.append((prefix + entry.name, path))
                continue
            try:
                info = entry.stat()
            except OSError as exc:
                found.append((prefix + entry.name, path))
                refused[path] = ("unreadable", f"is a folder that cannot be listed: {_why(exc)}")
                continue
            key = (info.st_dev, info.st_ino)
            if key in walked:
                found.append((prefix + entry.name, path))
                first = os.path.relpath(walked[key], os.path.dirname(os.path.abspath(folder)))
                refused[path] = (
                    "symlink_loop",
                    f"is a link back to the folder {first} that holds it: a loop, not followed"
                    if key in parents
                    else f"is another link to the folder {first}, already read: not followed "
                    "again, so its files are read once",
                )
                continue
            walked[key] = path
            stack.append((path, prefix + entry.name + "/", parents | {key}))
    files = [path for _, path in sorted(found)]
    return Walk(files, [listed[k] for k in sorted(listed)], refused)


def not_a_file(path: str, name: str, info: os.stat_result | OSError) -> SourceFailure:
    """Why ``path`` (a link, FIFO, device, socket or nothing) is not read as a page."""
    if isinstance(info, OSError):
        if info.errno == errno.ELOOP:
            return SourceFailure(
                name, "symlink_loop", f"cannot read {name}: a symbolic link that leads to itself"
            )
        if os.path.islink(path):
            target = readable_name(os.readlink(path))
            return SourceFailure(
                name,
                "unreadable",
                f"cannot read {name}: a symbolic link to {target}, which does not exist",
            )
        what = "no such file or folder" if info.errno == errno.ENOENT else info.strerror
        return SourceFailure(name, "unreadable", f"cannot read {name}: {what}")
    kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
    return SourceFailure(name, "unreadable", f"cannot read {name}: {kind}")


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


def walk_glob(pattern: str) -> Walk:
    """The files under a recursive pattern (one with a ``**`` part), walked as above.

    ``glob.glob`` follows every link under ``**``: two links that loop make it run for
    ever. The folder before the first wildcard is walked instead, and each file is matched
    part by part (``**`` stands for any number of folders, ``*``, ``?`` and ``[...]`` match
    within one part). Links refused while walking are kept whatever their name.
    """
    top = literal_prefix(pattern)
    found = walk(top)
    wanted = Path(pattern).parts[len(Path(top).parts) :]
    files = [
        path
        for path in found.files
        if path in found.refused or _match(wanted, Path(os.path.relpath(path, top)).parts)
    ]
    return Walk(files, found.listed, found.refused)


GLOB_MAGIC = re.compile(r"[*?[]")
"""A wildcard of a glob pattern."""


def literal_prefix(pattern: str) -> str:
    """The leading folders of a pattern that hold no wildcard ("." when there are none)."""
    kept: list[str] = []
    for part in Path(pattern).parts:
        if GLOB_MAGIC.search(part):
            break
        kept.append(part)
    return str(Path(*kept)) if kept else "."


def _match(pattern: Sequence[str], parts: Sequence[str]) -> bool:
    if not pattern:
        return not parts
    if pattern[0] == "**":
        return any(_match(pattern[1:], parts[i:]) for i in range(len(parts) + 1))
    return bool(parts) and fnmatchcase(parts[0], pattern[0]) and _match(pattern[1:], parts[1:])
