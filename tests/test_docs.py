"""The README documents every command, option and reason code; the changelog is dated."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import typer.main

from broadsheet import __version__
from broadsheet.cli.main import app
from broadsheet.errors import REASONS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> dict[str, Any]:
    group = typer.main.get_command(app)
    commands: dict[str, Any] = getattr(group, "commands", {})
    return commands


def _section(heading: str) -> str:
    start = README.index(heading + "\n")
    end = README.find("\n#", start + len(heading))
    return README[start:end]


def test_every_command_has_a_readme_section_naming_each_option() -> None:
    commands = _commands()
    assert {"parse", "build", "validate", "schema"} <= set(commands)
    for name, command in commands.items():
        section = _section(f"### broadsheet {name}")
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("--") and opt != "--help":
                    assert opt in section, f"README's `broadsheet {name}` lacks {opt}"


def test_reason_code_table_matches_the_code() -> None:
    table = dict(re.findall(r"^\| `([a-z_]+)` \| (.+?) \|$", _section("## Reason codes"), re.M))
    assert table == REASONS


def test_changelog_has_a_dated_entry_for_this_version() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## {re.escape(__version__)} — \d{{4}}-\d{{2}}-\d{{2}}$", changelog, re.M)
