"""In-memory fsspec file systems that fail the way a remote store can."""

from __future__ import annotations

from typing import Any

import fsspec
from fsspec.implementations.memory import MemoryFileSystem


def failing_memory(protocol: str, *, reads: bool, error: type[Exception]) -> type[Any]:
    """Register and return an in-memory file system for ``protocol`` (a store of its own)
    whose files fail to open for reading (``reads``) or for writing with ``error``."""

    class Failing(MemoryFileSystem):  # type: ignore[misc]
        store: dict[str, Any] = {}  # noqa: RUF012 (fsspec's class attributes)
        pseudo_dirs = [""]  # noqa: RUF012

        @classmethod
        def _strip_protocol(cls, path: str) -> str:
            return str(super()._strip_protocol(path.removeprefix(f"{protocol}://")))

        def _open(self, path: str, mode: str = "rb", *args: Any, **kwargs: Any) -> Any:
            if ("r" in mode) == reads:
                raise error(f"the service refused {path}")
            return super()._open(path, mode, *args, **kwargs)

    Failing.protocol = protocol
    fsspec.register_implementation(protocol, Failing, clobber=True)
    return Failing
