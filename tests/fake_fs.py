"""In-memory fsspec file systems that fail the way a remote store can."""

from __future__ import annotations

import io
from typing import Any

import fsspec
from fsspec.implementations.memory import MemoryFileSystem


class _BreaksOnRead(io.BytesIO):
    """A file that opens, then fails on its first read with an error of the store's."""

    def __init__(self, error: Exception) -> None:
        super().__init__(b"")
        self.error = error

    def read(self, size: int | None = -1, /) -> bytes:
        raise self.error


def failing_memory(
    protocol: str, *, reads: bool, error: type[Exception], when: str = "open"
) -> type[Any]:
    """Register and return an in-memory file system for ``protocol`` (a store of its own)
    whose files fail for reading (``reads``) or for writing with ``error``, as they are
    opened or (reading, ``when="read"``) on their first read."""

    class Failing(MemoryFileSystem):  # type: ignore[misc]
        store: dict[str, Any] = {}  # noqa: RUF012 (fsspec's class attributes)
        pseudo_dirs = [""]  # noqa: RUF012

        @classmethod
        def _strip_protocol(cls, path: str) -> str:
            return str(super()._strip_protocol(path.removeprefix(f"{protocol}://")))

        def cat_file(self, path: str, *args: Any, **kwargs: Any) -> Any:  # a whole read
            if reads:
                raise error(f"the service refused {self._strip_protocol(path)}")
            return super().cat_file(path, *args, **kwargs)

        def _open(self, path: str, mode: str = "rb", *args: Any, **kwargs: Any) -> Any:
            if ("r" in mode) == reads:
                refused = error(f"the service refused {path}")
                if when == "read":
                    return _BreaksOnRead(refused)
                raise refused
            return super()._open(path, mode, *args, **kwargs)

    Failing.protocol = protocol
    fsspec.register_implementation(protocol, Failing, clobber=True)
    return Failing


def counting_memory(protocol: str) -> type[Any]:
    """Register and return an in-memory file system for ``protocol`` (a store of its own)
    that keeps the paths of each ``cat_ranges`` call in ``calls``."""

    class Counting(MemoryFileSystem):  # type: ignore[misc]
        store: dict[str, Any] = {}  # noqa: RUF012 (fsspec's class attributes)
        pseudo_dirs = [""]  # noqa: RUF012
        calls: list[list[str]] = []  # noqa: RUF012

        @classmethod
        def _strip_protocol(cls, path: str) -> str:
            return str(super()._strip_protocol(path.removeprefix(f"{protocol}://")))

        def cat_ranges(self, paths: list[str], *args: Any, **kwargs: Any) -> Any:
            self.calls.append(list(paths))
            return super().cat_ranges(paths, *args, **kwargs)

    Counting.protocol = protocol
    fsspec.register_implementation(protocol, Counting, clobber=True)
    return Counting
