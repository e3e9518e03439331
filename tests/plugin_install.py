"""The example parser plugin (examples/broadsheet-example-parser), installed for a test.

:func:`example_plugin` makes the plugin importable with its entry point, as
``pip install`` would: a ``*.dist-info`` folder (METADATA and entry_points.txt, the entry
points read from the plugin's pyproject.toml) on ``sys.path`` and on ``PYTHONPATH``, so that
worker processes and Dask workers find it too. It is removed again afterwards.
"""

from __future__ import annotations

import os
import sys
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from broadsheet.parsers import load_plugins

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = ROOT / "examples" / "broadsheet-example-parser"
FIXTURES = PLUGIN / "fixtures"


def _dist_info(site: Path) -> None:
    project = tomllib.loads((PLUGIN / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    name, version = project["name"], project["version"]
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
    )
    lines = []
    for group, points in project["entry-points"].items():
        lines.append(f"[{group}]")
        lines += [f"{key} = {value}" for key, value in points.items()]
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


@contextmanager
def example_plugin(site: Path) -> Iterator[None]:
    """The example plugin installed (its dist-info written under ``site``) while in the block."""
    _dist_info(site)
    paths = [str(site), str(PLUGIN)]
    before = os.environ.get("PYTHONPATH")
    sys.path[:0] = paths
    os.environ["PYTHONPATH"] = os.pathsep.join(paths + ([before] if before else []))
    try:
        load_plugins(reload=True)
        yield
    finally:
        for path in paths:
            sys.path.remove(path)
        if before is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = before
        sys.modules.pop("broadsheet_example_parser", None)
        load_plugins(reload=True)
