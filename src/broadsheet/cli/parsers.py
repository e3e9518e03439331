"""``broadsheet parsers``: the parsers this installation has, in the order they are asked."""

from __future__ import annotations

import json
from dataclasses import asdict

from broadsheet.parsers import ENTRY_POINT_GROUP, parser_infos


def parsers_lines(*, as_json: bool) -> list[str]:
    """One line per registered parser, in the order they claim pages: ``name@version``,
    site or generic, the distribution that provides it and what it claims; or, with
    ``as_json``, one JSON object per parser."""
    infos = parser_infos()
    if as_json:
        return [json.dumps(asdict(info), ensure_ascii=False) for info in infos]
    rows = []
    for info in infos:
        kind = "generic" if info.generic else "site"
        if info.origin == "runtime":
            kind += " (registered at run time)"
        dist = f"{info.distribution} {info.distribution_version}".strip()
        rows.append((f"{info.name}@{info.version}", kind, dist, info.summary))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True))
        + "  "
        + row[3]
        for row in rows
    ]
    return [*lines, f"(plugins are declared in the entry-point group {ENTRY_POINT_GROUP!r})"]
