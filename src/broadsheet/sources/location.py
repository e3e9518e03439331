"""Where an input is: a local path, or a URL that fsspec opens (``s3://``, ``gs://``, ...).

A source given as a URL (``<protocol>://...``, or a chain such as
``zip://crawl::s3://bucket/crawl.zip``) is listed and read through fsspec, by the build
process and by every worker alike; a ``file://`` URL is the local path it names. fsspec and
the package of the protocol (s3fs, gcsfs, adlfs, ...) are imported only when a URL is read,
and its credentials and options come from where that package looks for them (environment
variables such as ``AWS_PROFILE``, its configuration files, or fsspec's own
``FSSPEC_<PROTOCOL>_<OPTION>`` variables), which every worker must see too.

Everything the readers need goes through here: :func:`open_input` (a binary file object),
:func:`read_input` (a whole file) and :func:`stream_size`; so does what a build writes to a
staging URL (:func:`open_output`, :func:`upload`, :func:`download`, :func:`remove_tree`).
Errors of a protocol's package that are not ``OSError`` become one (:class:`RemoteError`),
so the readers report them as they report a local file that cannot be read.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO, Any, TypeVar

T = TypeVar("T")

URL_START = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://")
"""The start of a URL (``s3://``, ``zip://``, ``memory://``)."""


_BUFFER = 1 << 16
"""Bytes a URL's file object is read by at a time (its package may fetch more per request)."""
SEQUENTIAL_BLOCK = 8 << 20
"""Bytes fetched per request from a URL read from start to end (a listing, a checksum)."""


class RemoteError(OSError):
    """What a protocol's package raised while listing or reading a URL, as an ``OSError``."""


def is_url(source: str) -> bool:
    """Whether ``source`` names a URL for fsspec rather than a local path: it starts with a
    protocol (``s3://...``) or is a chain of them (``simplecache::s3://...``); a plain
    ``file://`` URL is a local path (:func:`local_path`)."""
    if "::" in source:
        return any(URL_START.match(part) for part in source.split("::"))
    return bool(URL_START.match(source)) and not source.startswith("file://")


def local_path(source: str) -> str:
    """``source`` with a leading ``file://`` removed (a local path as it is)."""
    return source[len("file://") :] if source.startswith("file://") else source


def remote(call: Callable[[], T]) -> T:
    """``call()``, with anything but an ``OSError`` that the protocol's package raises turned
    into a :class:`RemoteError` that names the error."""
    try:
        return call()
    except OSError:
        raise
    except Exception as exc:  # a package's own errors (credentials, HTTP, parsing)
        raise RemoteError(f"{type(exc).__name__}: {exc}") from exc


def open_input(path: str, *, sequential: bool = False) -> IO[bytes]:
    """A binary file object of the local path or URL ``path`` (raises ``OSError``, also
    while a URL's file is read). A URL read ``sequential``-ly, from its start on, is fetched
    :data:`SEQUENTIAL_BLOCK` bytes per request; otherwise in its package's default blocks
    (a record read at an offset: little more than the record)."""
    if not is_url(path):
        return open(local_path(path), "rb")
    fs, inner = _resolved(path)
    block = {"block_size": SEQUENTIAL_BLOCK} if sequential else {}
    opened = remote(lambda: fs.open(inner, "rb", **block))
    # A standard buffered reader around it: fsspec's file objects lack parts of the io
    # interface that the readers use (``readline`` with a size).
    return io.BufferedReader(_Guarded(opened), buffer_size=_BUFFER)


class _Guarded(io.RawIOBase):
    """A URL's file object as a raw stream whose errors are ``OSError`` (see :func:`remote`)."""

    def __init__(self, fh: Any) -> None:
        super().__init__()
        self._fh = fh

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data: bytes = remote(lambda: self._fh.read(len(buffer)))
        buffer[: len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return int(remote(lambda: self._fh.seek(offset, whence)))

    def tell(self) -> int:
        return int(remote(self._fh.tell))

    def close(self) -> None:
        try:
            self._fh.close()
        finally:
            super().close()


def read_input(path: str) -> bytes:
    """All the bytes of the local path or URL ``path``, a URL's in one request (raises
    ``OSError``)."""
    if not is_url(path):
        with open(local_path(path), "rb") as fh:
            return fh.read()
    fs, inner = _resolved(path)
    data: bytes = remote(lambda: fs.cat_file(inner))
    return data


def read_many(paths: Sequence[str]) -> list[bytes | OSError]:
    """The bytes of each URL of ``paths`` (or the error reading it), in order: those of one
    file system fetched in one call, several at a time where it fetches concurrently (the
    object stores' packages do; the others read them one after another)."""
    out: list[bytes | OSError] = []
    groups: dict[int, tuple[Any, list[tuple[int, str]]]] = {}
    for index, path in enumerate(paths):
        try:
            fs, inner = _resolved(path)
        except OSError as exc:
            out.append(exc)
            continue
        out.append(b"")
        groups.setdefault(id(fs), (fs, []))[1].append((index, inner))
    for fs, members in groups.values():
        inners = [inner for _, inner in members]
        none = [None] * len(inners)
        try:
            got = remote(functools.partial(fs.cat_ranges, inners, none, none, on_error="return"))
        except OSError as exc:
            got = [exc] * len(inners)
        for (index, _), value in zip(members, got, strict=True):
            if isinstance(value, bytes | OSError):
                out[index] = value
            else:  # a package's own error, returned in place of the bytes
                out[index] = RemoteError(f"{type(value).__name__}: {value}")
    return out


def sha256_of(path: str) -> str:
    """The SHA-256 of the file at the local path or URL ``path`` (raises ``OSError``)."""
    digest = hashlib.sha256()
    with open_input(path, sequential=True) as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_range(path: str, start: int, size: int) -> bytes:
    """At most ``size`` bytes of the local path or URL ``path`` from offset ``start``, a URL's
    in one request (raises ``OSError``)."""
    if not is_url(path):
        with open(local_path(path), "rb") as fh:
            fh.seek(start)
            return fh.read(size)
    fs, inner = _resolved(path)
    data: bytes = remote(lambda: fs.cat_file(inner, start=start, end=start + size))
    return data


def stream_size(fh: IO[bytes]) -> int:
    """The size in bytes of an open file (its position is left where it was)."""
    try:
        return os.fstat(fh.fileno()).st_size
    except (AttributeError, OSError, ValueError):  # no descriptor: a URL's file object
        here = fh.tell()
        size = fh.seek(0, os.SEEK_END)
        fh.seek(here)
        return size


@dataclass(frozen=True, slots=True)
class UrlParts:
    """A URL taken apart around the path in its file system: the chain ``before`` it, its
    ``base`` (protocol and host: ``s3://``, ``ftp://user@host:2121/``), the ``path`` as
    fsspec names it (``bucket/crawl``, ``/crawl``) and the chain ``after`` it."""

    before: tuple[str, ...]
    base: str
    path: str
    after: tuple[str, ...]

    @classmethod
    def of(cls, url: str) -> UrlParts:
        from fsspec.core import strip_protocol

        parts, at = _segments(url)
        segment = parts[at]
        path = str(strip_protocol(segment))
        inner, whole = path.strip("/"), segment.rstrip("/")
        if not inner:
            base = whole + "/" if not segment.endswith("://") else segment
        elif whole.endswith(inner):
            base = whole[: len(whole) - len(inner)]
        else:
            base = segment.split("://", 1)[0] + "://"
        return cls(tuple(parts[:at]), base, path, tuple(parts[at + 1 :]))

    def url(self, path: str) -> str:
        """The URL of another ``path`` of the same file system."""
        here = path if URL_START.match(path) else self.base + path.lstrip("/")
        return "::".join((*self.before, here, *self.after))


_FILE_SYSTEMS: OrderedDict[tuple[str, ...], Any] = OrderedDict()
"""The file systems of the URLs read lately, by URL without its path: made once, kept alive
while their files are read (an archive's, ``zip://...::...``, closes when its file system
object is collected), at most :data:`_KEPT_FILE_SYSTEMS` of them."""
_KEPT_FILE_SYSTEMS = 16
_FILE_SYSTEMS_LOCK = threading.Lock()  # (a Dask worker runs tasks on threads)


def url_to_fs(url: str) -> tuple[Any, str]:
    """fsspec's file system object and the path in it for ``url``; raises ``ValueError``
    with what is missing when no package reads its protocol (the file system is a
    ``fsspec.AbstractFileSystem``, typed ``Any`` as fsspec has no type hints).

    The file system of URLs that differ only in their path is made once (see
    :data:`_FILE_SYSTEMS`)."""
    from fsspec.core import url_to_fs as resolve

    try:
        parts = UrlParts.of(url)
        key = (*parts.before, parts.base, *parts.after)
        with _FILE_SYSTEMS_LOCK:
            fs = _FILE_SYSTEMS.get(key)
            if fs is None:
                fs = resolve(url)[0]
                _FILE_SYSTEMS[key] = fs
                while len(_FILE_SYSTEMS) > _KEPT_FILE_SYSTEMS:
                    _FILE_SYSTEMS.popitem(last=False)
            _FILE_SYSTEMS.move_to_end(key)
        return fs, parts.path
    except ImportError as exc:  # fsspec knows the protocol; its package is not installed
        raise ValueError(f"{exc} (a package that fsspec needs for this URL)") from exc
    except ValueError as exc:  # "Protocol not known"
        raise ValueError(f"{exc}: no installed package reads this kind of URL") from exc


_PASSWORD = re.compile(r"(://[^/@:]*):[^/@]*@")


def shown_url(url: str) -> str:
    """``url`` as it may be written down: a password in it replaced by ``***``."""
    return _PASSWORD.sub(r"\1:***@", url)


def _segments(url: str) -> tuple[list[str], int]:
    """The parts of a URL's chain and the number of the one that holds the path."""
    parts = url.split("::")
    return parts, next((i for i, part in enumerate(parts) if URL_START.match(part)), 0)


def join_url(url: str, *names: str) -> str:
    """The path of ``names`` (a relative path, in parts) under the folder ``url``: a URL,
    or a local path joined as the system does."""
    if not is_url(url):
        return os.path.join(url, *names)
    parts, at = _segments(url)
    parts[at] = "/".join([parts[at].rstrip("/"), *names])
    return "::".join(parts)


def open_output(url: str) -> IO[bytes]:
    """A binary file object that writes the local path or URL ``url`` (a URL's object
    exists once it is closed; raises ``OSError``)."""
    if not is_url(url):
        return open(local_path(url), "wb")
    fs, inner = _resolved(url)
    opened: IO[bytes] = remote(lambda: fs.open(inner, "wb"))
    return opened


def upload(local: str, url: str) -> None:
    """Copy the local file ``local`` to the URL ``url`` (raises ``OSError``)."""
    fs, inner = _resolved(url)
    remote(lambda: fs.put_file(local, inner))


def download(url: str, local: str) -> None:
    """Copy the URL ``url`` to the local file ``local`` (raises ``OSError``)."""
    fs, inner = _resolved(url)
    remote(lambda: fs.get_file(inner, local))


def make_folder(url: str) -> None:
    """Create the folder URL ``url`` where the file system has folders (raises ``OSError``)."""
    fs, inner = _resolved(url)
    remote(lambda: fs.makedirs(inner, exist_ok=True))


def remove_tree(url: str) -> None:
    """Remove the folder URL ``url`` and everything under it (nothing there: nothing done;
    raises ``OSError``)."""
    fs, inner = _resolved(url)
    with contextlib.suppress(FileNotFoundError):
        remote(lambda: fs.rm(inner, recursive=True))


def _resolved(url: str) -> tuple[Any, str]:
    try:
        return url_to_fs(url)
    except ValueError as exc:
        raise RemoteError(str(exc)) from exc
