"""The package layout: stages import only the stages below them, and no module is too long."""

from __future__ import annotations

import ast
from pathlib import Path

import broadsheet

PACKAGE = Path(broadsheet.__file__).parent

# What each stage may import, besides itself. Read from the top down: the command line may use
# everything; records and errors use nothing of broadsheet.
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "records": {"errors"},
    "sources": {"records", "errors"},
    "recipe": {"sources", "errors"},
    "parsers": {"sources", "records", "errors"},
    "checks": {"records", "recipe", "errors"},
    "corpus": {"records", "recipe", "errors"},
    "card": {"records", "recipe", "errors"},
    "release": {"records", "recipe", "errors"},
    "build": {
        "sources",
        "recipe",
        "parsers",
        "records",
        "checks",
        "corpus",
        "card",
        "release",
        "errors",
    },
    "validate": {"sources", "recipe", "records", "checks", "release", "errors"},
    "cli": {
        "sources",
        "recipe",
        "parsers",
        "records",
        "checks",
        "corpus",
        "card",
        "release",
        "build",
        "validate",
        "errors",
    },
}


def _stage(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def _imports(path: Path) -> set[str]:
    """The broadsheet stages ``path`` imports at module level or inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "broadsheet" and len(parts) > 1:
                found.add(parts[1])
    return found


def _modules() -> list[Path]:
    return sorted(
        p
        for p in PACKAGE.rglob("*.py")
        if p.parent != PACKAGE or p.stem not in {"__init__", "__main__"}
    )


def test_every_module_belongs_to_a_stage() -> None:
    stages = {_stage(p) for p in _modules()}
    assert stages <= set(ALLOWED), sorted(stages - set(ALLOWED))


def test_stages_import_only_the_stages_below_them() -> None:
    wrong = []
    for path in _modules():
        stage = _stage(path)
        for imported in _imports(path) - {stage, "__version__"}:
            if imported not in ALLOWED[stage]:
                wrong.append(f"{path.relative_to(PACKAGE)} imports broadsheet.{imported}")
    assert not wrong, "\n".join(wrong)


def test_the_allowed_imports_have_no_cycle() -> None:
    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in ALLOWED[start]:
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    assert not [stage for stage in ALLOWED if reaches(stage, stage, set())]


def test_modules_stay_short() -> None:
    # Trained weights are data, not code.
    long = [
        f"{p.relative_to(PACKAGE)}: {n} lines"
        for p in _modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 420
        and not p.name.endswith("_weights.py")
    ]
    assert not long, long
