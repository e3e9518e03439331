"""How a build sets up the Python interpreter it runs in: garbage collection, threads and
Arrow's memory pool.

A build makes millions of short-lived objects and keeps a few long-lived ones (the libraries,
the records' keys); without workers it also runs threads (the shard and card tasks) whose
work is mostly Arrow calls that release the interpreter lock. The defaults
of CPython suit neither, so the build changes them for its duration (:func:`tune_for_build`)
and each worker process for its life (:func:`broadsheet.build.engines.warm_worker`).
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable

YOUNG_OBJECTS = 100_000
"""Allocations between two collections of the youngest generation while pages are parsed
(Python's default is 700)."""

SWITCH_INTERVAL = 0.0005
"""Seconds a thread may hold the interpreter lock while another waits for it, during a build
(Python's default is 0.005)."""


def collect_less_often() -> tuple[int, int, int]:
    """Run the cyclic garbage collector's youngest generation every :data:`YOUNG_OBJECTS`
    allocations; returns the thresholds it replaces (``gc.set_threshold(*old)`` restores).

    A page makes about 3,000 objects (lines, blocks, dicts of the record), nearly all freed by
    reference counting as soon as the page is done: collecting every 700 allocations walks
    them again and again, about 5% of a build's time. The few cycles wait a little longer.
    """
    old = gc.get_threshold()
    gc.set_threshold(YOUNG_OBJECTS, *old[1:])
    return old


def settle_heap() -> None:
    """Take every object alive now out of the cyclic garbage collector's sight.

    The imported libraries (pandas, polars, pyarrow, pydantic's schemas) and, in the build
    process, the keys of the records read so far live until the end: without this, every
    full collection walks all of them again, which cost about a fifth of a serial build's
    time on 10,000 pages. Young cyclic garbage is collected first; objects freed by reference
    counting are freed as usual. The build undoes it (``gc.unfreeze``) when it ends.
    """
    gc.collect(1)
    gc.freeze()
    arrow = sys.modules.get("pyarrow")  # never imported here: parsing a page does not need it
    if arrow is not None:
        arrow.default_memory_pool().release_unused()  # Arrow's freed memory to the system


POOL_BACKEND = "jemalloc"
"""Arrow's memory pool during a build, where the pyarrow build has it and the user has not
chosen one (``ARROW_DEFAULT_MEMORY_POOL``)."""


def use_build_pool() -> Callable[[], None]:
    """Make :data:`POOL_BACKEND` Arrow's default memory pool; returns the function that puts
    the previous one back (what was allocated from either stays valid).

    A build allocates and frees large Arrow buffers over and over (a batch's rows, a row
    group gathered from the spill, its sort and its Parquet encoding). With mimalloc, the
    default of the pyarrow wheels, the freed memory went back to the system and each new
    buffer was faulted in again: a serial build of 20,000 text pages spent 1.8 s in the
    kernel, against 0.8 s with jemalloc, and took 8% longer (``benchmarks/scale.py``).
    """
    import pyarrow as pa

    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL") or (
        POOL_BACKEND not in pa.supported_memory_backends()
    ):
        return lambda: None
    previous = pa.default_memory_pool()
    pa.set_memory_pool(pa.jemalloc_memory_pool())
    return lambda: pa.set_memory_pool(previous)


def tune_for_build() -> Callable[[], None]:
    """Set the interpreter for a build; returns the function that sets it back.

    The youngest generation is collected less often (:func:`collect_less_often`), and the
    interpreter lock changes hands every :data:`SWITCH_INTERVAL` when a thread waits for it.
    A thread that calls into Arrow gives the lock up and must take it back after every call;
    while the main thread runs Python (parsing, the card statistics) each of those waits
    lasted up to 5 ms by default: gathering the shards' rows from the spill took six times as
    long as on its own. Arrow allocates from :func:`use_build_pool`'s pool. Restoring also
    unfreezes what :func:`settle_heap` froze.
    """
    thresholds = collect_less_often()
    interval = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL)
    restore_pool = use_build_pool()

    def restore() -> None:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
        sys.setswitchinterval(interval)
        restore_pool()

    return restore
