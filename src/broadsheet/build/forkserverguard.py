"""Imported first by the fork server of the process engine (its preload list), and only there.

The fork server is a child of the build. On import, this module asks the kernel to kill
the fork server when the build dies (``prctl(PR_SET_PDEATHSIG)``, Linux), even while it
is still importing the pipeline: otherwise a fork server whose build was killed lives on
until every worker it started has ended. Imported anywhere else, it does nothing.
"""

from __future__ import annotations

import multiprocessing
import sys

from broadsheet.build.lifeline import die_with_parent


def in_fork_server() -> bool:
    """True in a fork server of :mod:`multiprocessing`: started as ``python -c``, with the
    fork server's module loaded, and not a ``multiprocessing`` child itself."""
    return (
        sys.argv == ["-c"]
        and "multiprocessing.forkserver" in sys.modules
        and multiprocessing.parent_process() is None
    )


if in_fork_server():
    die_with_parent()
