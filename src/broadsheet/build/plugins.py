"""The parser registry as a build sees it: the same on every worker, and recorded.

Workers load the registry as any process does (:func:`broadsheet.parsers.registry`: the
built-in parsers and the ``broadsheet.parsers`` entry points). A build refuses to start
rather than let its workers parse with another registry than the build process: a parser
registered at run time (``register()``) reaches no worker process, and a remote Dask
cluster's workers may have other plugins installed. A build with worker processes from a
script without an ``if __name__ == "__main__":`` guard is refused too: each worker imports
that script again and would start the build again, so every page would fail.

The build report names the parsers that made the release's records
(:func:`parsers_section`).
"""

from __future__ import annotations

import ast
import inspect
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from broadsheet.errors import UsageError
from broadsheet.parsers import parser_info, registry, registry_idents, unshared_parsers


def _with_workers(engine: Any) -> bool:
    return getattr(engine, "name", "serial") != "serial"


def _starts_local_processes(engine: Any) -> bool:
    """Process workers, or a local Dask cluster (its workers are spawned processes too)."""
    name = getattr(engine, "name", "serial")
    return name == "processes" or (name == "dask" and getattr(engine, "scheduler", 1) is None)


def _is_main_guard(node: ast.stmt) -> bool:
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
        return False
    test = node.test
    sides = [test.left, *test.comparators]
    names = [s for s in sides if isinstance(s, ast.Name) and s.id == "__name__"]
    mains = [s for s in sides if isinstance(s, ast.Constant) and s.value == "__main__"]
    return len(sides) == 2 and bool(names) and bool(mains)


def unguarded_main_line() -> tuple[str, int] | None:
    """Where the running script starts this build outside ``if __name__ == "__main__":``
    (its file and line), or None: not from a script's top level, or from inside the guard.

    Worker processes import the main script again (as ``__mp_main__``) and run its top
    level; code under the guard is what they skip.
    """
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or not path:
        return None  # an interactive session, ``python -c``: nothing is imported again
    spec = getattr(main, "__spec__", None)
    if spec is not None and (spec.name == "__main__" or spec.name.endswith(".__main__")):
        return None  # ``python -m package``: multiprocessing does not import it again
    frame = inspect.currentframe()
    line = None
    while frame is not None:
        if frame.f_globals is vars(main) and frame.f_code.co_name == "<module>":
            line = frame.f_lineno
            break
        frame = frame.f_back
    del frame
    if line is None:
        return None  # not called while the script's top level runs
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return None
    for node in tree.body:
        if _is_main_guard(node) and node.lineno <= line <= (node.end_lineno or node.lineno):
            return None
    return path, line


def refuse_unsafe_workers(engine: Any) -> None:
    """Refuse (``UsageError``) a build whose workers would not parse as this process does,
    before any worker starts (see the module docstring). A plugin that does not load stops
    the build here too (``parser_plugin``), rather than quarantine every page."""
    registry()
    if not _with_workers(engine):
        return
    unshared = unshared_parsers()
    if unshared:
        raise UsageError(
            "runtime_parser",
            f"parser(s) {', '.join(unshared)} were registered at run time (register()), "
            f"which reaches no worker of the {engine.name} engine; declare them in the "
            "'broadsheet.parsers' entry-point group of an installed package, or build with "
            "the serial engine",
        )
    if _starts_local_processes(engine):
        where = unguarded_main_line()
        if where is not None:
            raise UsageError(
                "unguarded_main",
                f"{where[0]}, line {where[1]}, starts a build with the {engine.name} engine "
                'outside `if __name__ == "__main__":`; each worker process imports the '
                "script again and would start it again. Put the build under that guard, or "
                "use engine='serial'",
            )


def check_worker_registry(engine: Any) -> None:
    """On a remote Dask cluster, refuse (``parser_mismatch``) workers whose registry differs
    from this process's (another set or version of plugins installed there)."""
    run_tasks = getattr(engine, "run_tasks", None)
    if getattr(engine, "name", "") != "dask" or getattr(engine, "scheduler", None) is None:
        return
    if run_tasks is None:
        return
    workers = max(1, int(getattr(engine, "workers", 1)))
    here = registry_idents()
    for there in run_tasks(_worker_idents, range(workers)):
        if there != here:
            raise UsageError(
                "parser_mismatch",
                f"the Dask workers at {engine.scheduler} have the parsers {', '.join(there)}, "
                f"this process {', '.join(here)}: install the same parser plugins on both",
            )


def _worker_idents(_: int) -> list[str]:
    return registry_idents()


def parsers_section(parsers: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """The report's ``parsers`` entry: each parser that made records (name, version, the
    distribution that provides it, how many records), sorted by name.

    Present only when a record came from a plugin (a parser of another distribution), so a
    release made by the built-in parsers alone keeps its bytes whatever plugins are
    installed (its records' ``parser`` field names them already).
    """
    counts = Counter(parsers)
    entries = []
    for ident, records in sorted(counts.items()):
        name, _, version = ident.partition("@")
        info = parser_info(ident)
        distribution = info.distribution if info is not None else "unknown"
        entries.append(
            {"name": name, "version": version, "distribution": distribution, "records": records}
        )
    if all(entry["distribution"] == "broadsheet" for entry in entries):
        return {}
    return {"parsers": entries}
