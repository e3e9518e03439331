"""The release's files as ``broadsheet validate`` sees them: listed without following links,
opened only when they are regular files, read within stated caps.

A release is written by broadsheet as regular files under one folder (``data/`` holds the
shards). A copy that went through other hands may hold anything: a symlink out of the
release, a FIFO that blocks the first ``open``, a link to ``/dev/zero`` that never ends, a
link loop, a sparse file of a petabyte. So the walk uses ``os.scandir`` and ``lstat`` only
(never entering a link), and every read opens the file component by component with
``O_NOFOLLOW`` (relative to the folder above it), checks with ``fstat`` that it is a regular
file, and reads no more than the caps below.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from broadsheet.errors import UsageError
from broadsheet.sources import limits

# A release holds five files, data/ and one shard per 256 MiB of rows (`shard_max_bytes`); the
# shard name allows at most 99,999 shards. Listing stops (exit 2) past this many entries, so a
# folder of millions of files cannot keep validate walking.
MAX_ENTRIES = 100_000
# A release is two levels deep (data/<shard>); deeper folders are reported, not entered.
MAX_DEPTH = 4
# Any file validate hashes or streams (shards, quarantine.jsonl). Shards are cut at
# `shard_max_bytes` (256 MiB by default) of Arrow data, which Parquet stores in less; 16 GiB
# leaves room for recipes with far larger shards, and stops a sparse or forged file of
# terabytes from being hashed for hours.
MAX_FILE_BYTES = 16 * 1024**3
# SHA256SUMS: one line of about 100 bytes per file; 16 MiB is over 100,000 files.
MAX_SUMS_BYTES = 16 * 1024**2
# Chunk size of streamed reads.
_CHUNK = 1 << 20

_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # opening a FIFO must not wait for a writer
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of the release folder, as ``lstat`` sees it."""

    kind: str  # file, folder, symlink, FIFO, socket, device, special file
    size: int
    target: str | None = None  # where a symlink points (never followed)

    @property
    def regular(self) -> bool:
        return self.kind == "file"


class UnsafeFile(Exception):
    """A file validate will not read: not a regular file, a link on the way, or too large."""


def _kind(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special file"


def describe(name: str, entry: Entry) -> str:
    """``data is a symlink to /etc``: what a non-regular entry is, for messages."""
    text = f"{name} is a {entry.kind}"
    if entry.target is not None:
        text += f" to {entry.target[:200]}"
    return text


def walk_release(root: Path) -> dict[str, Entry]:
    """Every entry under ``root`` by relative POSIX path, without following any link.

    Folders deeper than :data:`MAX_DEPTH` are listed, not entered; more than
    :data:`MAX_ENTRIES` entries raise ``UsageError("validate_failed")``.
    """
    entries: dict[str, Entry] = {}
    pending: list[tuple[str, int]] = [("", 0)]
    while pending:
        prefix, depth = pending.pop()
        try:
            with os.scandir(root / prefix if prefix else root) as listing:
                items = sorted(listing, key=lambda item: item.name)
        except OSError as exc:
            raise UsageError(
                "validate_failed", f"cannot list {root / prefix}: {exc.strerror}"
            ) from exc
        for item in items:
            name = f"{prefix}{item.name}"
            info = item.stat(follow_symlinks=False)
            kind = _kind(info.st_mode)
            target = None
            if kind == "symlink":
                try:
                    target = os.readlink(item.path)
                except OSError:
                    target = "?"
            entries[name] = Entry(kind, info.st_size if kind == "file" else 0, target)
            if len(entries) > MAX_ENTRIES:
                raise UsageError(
                    "validate_failed",
                    f"{root} holds more than {MAX_ENTRIES:,} entries; a release holds its "
                    "five files, data/ and its shards",
                )
            if kind == "folder" and depth + 1 < MAX_DEPTH:
                pending.append((f"{name}/", depth + 1))
    return entries


def _open_fd(root: Path, name: str) -> int:
    parts = name.split("/")
    if not name or any(p in ("", ".", "..") for p in parts):
        raise UnsafeFile(f"{name!r} is not a plain path inside the release")
    try:
        folder = os.open(root, _FLAGS | _DIRECTORY)
    except OSError as exc:
        raise UnsafeFile(f"{name}: the release folder cannot be opened ({exc.strerror})") from exc
    try:
        for part in parts[:-1]:
            try:
                inner = os.open(part, _FLAGS | _DIRECTORY | _NOFOLLOW, dir_fd=folder)
            except OSError as exc:
                raise UnsafeFile(f"{name}: {part} is not a folder ({exc.strerror})") from exc
            os.close(folder)
            folder = inner
        try:
            fd = os.open(parts[-1], _FLAGS | _NOFOLLOW | _NONBLOCK, dir_fd=folder)
        except OSError as exc:
            raise UnsafeFile(f"{name} cannot be opened as a regular file ({exc.strerror})") from exc
    finally:
        os.close(folder)
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise UnsafeFile(f"{name} is a {_kind(mode)}, not a regular file")
    return fd


def open_regular(root: Path, name: str, cap: int = MAX_FILE_BYTES) -> BinaryIO:
    """``root/name`` opened for reading, if it is a regular file of at most ``cap`` bytes
    reached through real folders only; else :class:`UnsafeFile`."""
    fd = _open_fd(root, name)
    size = os.fstat(fd).st_size
    if size > cap:
        os.close(fd)
        raise UnsafeFile(f"{name} has {size:,} bytes; validate reads at most {cap:,}")
    return os.fdopen(fd, "rb")


def read_capped(root: Path, name: str, cap: int) -> bytes:
    """The bytes of a regular file of at most ``cap`` bytes (see :func:`open_regular`)."""
    with open_regular(root, name, cap) as handle:
        try:
            return limits.read_capped(handle, cap)
        except limits.TooLarge:  # the file grew while being read
            raise UnsafeFile(
                f"{name} has more than {cap:,} bytes; validate reads at most {cap:,}"
            ) from None


def chunks(root: Path, name: str) -> Iterator[bytes]:
    """The bytes of a regular file, in chunks, at most :data:`MAX_FILE_BYTES` in all."""
    read = 0
    with open_regular(root, name) as handle:
        while chunk := handle.read(_CHUNK):
            read += len(chunk)
            if read > MAX_FILE_BYTES:
                raise UnsafeFile(f"{name} grew past {MAX_FILE_BYTES:,} bytes while being read")
            yield chunk


def sha256_of(root: Path, name: str) -> str:
    sha = hashlib.sha256()
    for chunk in chunks(root, name):
        sha.update(chunk)
    return sha.hexdigest()


def count_lines(root: Path, name: str) -> int:
    """Lines holding something other than whitespace (streamed: no line is kept whole)."""
    lines = 0
    filled = False
    for chunk in chunks(root, name):
        parts = chunk.split(b"\n")
        for index, part in enumerate(parts):
            filled = filled or bool(part.strip())
            if index < len(parts) - 1:
                lines += filled
                filled = False
    return lines + filled
