"""``broadsheet diff OLD NEW``: what changed between two releases, as Markdown or JSON.

The logic is :func:`broadsheet.release.changes.diff_releases`; this module prints it and
picks the exit status: 0, or 1 with ``--fail-on-change`` when anything changed.
"""

from __future__ import annotations

import json
from pathlib import Path

from broadsheet.release.changes import ReleaseChanges, diff_releases

__all__ = ["diff_command"]


def diff_command(
    old: Path,
    new: Path,
    *,
    as_json: bool = False,
    json_path: Path | None = None,
    markdown_path: Path | None = None,
) -> tuple[ReleaseChanges, str]:
    """Compare two releases; the changes and the text to print (Markdown, or JSON when
    ``as_json``). ``json_path`` and ``markdown_path`` also receive the report."""
    changes = diff_releases(old, new)
    as_json_text = json.dumps(changes.to_json(), indent=2, ensure_ascii=False) + "\n"
    markdown = changes.to_markdown() + "\n"
    if json_path is not None:
        json_path.write_text(as_json_text, encoding="utf-8")
    if markdown_path is not None:
        markdown_path.write_text(markdown, encoding="utf-8")
    return changes, as_json_text if as_json else markdown
