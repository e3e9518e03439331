"""What changed between two releases: schema, records, fields, checks and quarantine.

:func:`diff_releases` reads two release folders and pairs their records by id, streaming
both in id order (shards hold rows sorted by id), so memory holds one batch of each side
and the ids. Records are added, removed, or changed when a column both releases have holds
another value; each changed field is counted, with a few examples. Checks come from the
build reports, the quarantine from ``quarantine.jsonl`` (by reason and by input file).
:class:`ReleaseChanges` renders as JSON (``to_json``) and Markdown (``to_markdown``, for a
pull request, a CI summary or the card's "Changes since the previous version").
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from broadsheet.errors import UsageError
from broadsheet.release.layout import load_report, shard_paths

__all__ = ["EXAMPLES", "ReleaseChanges", "diff_releases"]

EXAMPLES = 3
"""Examples kept per changed field and per kind of record change."""
VALUE_CHARS = 120
"""Characters of a value shown in an example."""
IDS_SHOWN = 20
"""Ids listed in the Markdown before 'and N more'."""
_BATCH = 1024


@dataclass
class ReleaseChanges:
    """The changes from ``old`` to ``new`` (see the module docstring)."""

    old: str
    new: str
    old_fingerprint: str | None = None
    new_fingerprint: str | None = None
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    columns_retyped: list[tuple[str, str, str]] = field(default_factory=list)
    """(column, old type, new type)."""
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    fields: dict[str, int] = field(default_factory=dict)
    """Changed records per field (a record changing two fields counts in both)."""
    examples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Per field: up to :data:`EXAMPLES` of ``{"id", "old", "new"}`` (values shortened)."""
    added_titles: list[tuple[str, str]] = field(default_factory=list)
    removed_titles: list[tuple[str, str]] = field(default_factory=list)
    checks: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)
    """Checks whose failure count differs: (old, new); None where a release lacks it."""
    quarantine: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Reason codes whose count differs: (old, new)."""
    quarantined_now: list[str] = field(default_factory=list)
    """Input files quarantined in ``new`` and not in ``old``."""
    quarantined_before: list[str] = field(default_factory=list)
    """Input files quarantined in ``old`` and not in ``new``."""

    @property
    def changed_anything(self) -> bool:
        """Whether the content differs: schema, records, checks or quarantine."""
        return bool(
            self.columns_added
            or self.columns_removed
            or self.columns_retyped
            or self.added
            or self.removed
            or self.changed
            or self.checks
            or self.quarantine
            or self.quarantined_now
            or self.quarantined_before
        )

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready object (plain lists and dicts, keys in a fixed order)."""
        return {
            "old": self.old,
            "new": self.new,
            "changed": self.changed_anything,
            "fingerprints": {"old": self.old_fingerprint, "new": self.new_fingerprint},
            "schema": {
                "columns_added": self.columns_added,
                "columns_removed": self.columns_removed,
                "columns_retyped": [
                    {"column": c, "old": a, "new": b} for c, a, b in self.columns_retyped
                ],
            },
            "records": {
                "added": len(self.added),
                "removed": len(self.removed),
                "changed": len(self.changed),
                "unchanged": self.unchanged,
                "added_ids": self.added,
                "removed_ids": self.removed,
                "changed_ids": self.changed,
            },
            "fields": dict(sorted(self.fields.items())),
            "examples": {
                "fields": {k: self.examples[k] for k in sorted(self.examples)},
                "added": [{"id": i, "title": t} for i, t in self.added_titles],
                "removed": [{"id": i, "title": t} for i, t in self.removed_titles],
            },
            "checks": {k: {"old": a, "new": b} for k, (a, b) in sorted(self.checks.items())},
            "quarantine": {
                "reasons": {
                    k: {"old": a, "new": b} for k, (a, b) in sorted(self.quarantine.items())
                },
                "quarantined_now": self.quarantined_now,
                "no_longer_quarantined": self.quarantined_before,
            },
        }  # fmt: skip

    def to_markdown(self, heading: str = "##") -> str:
        """The changes as Markdown; ``heading`` is the level of the title ('' for none)."""
        lines = [f"{heading} Changes from {self.old} to {self.new}", ""] if heading else []
        if not self.changed_anything:
            return "\n".join(
                [*lines, "No changes: the same schema, records, checks and quarantine."]
            )
        lines += [
            f"- {len(self.added):,} records added, {len(self.removed):,} removed, "
            f"{len(self.changed):,} changed, {self.unchanged:,} unchanged",
        ]
        for name, columns in (("added", self.columns_added), ("removed", self.columns_removed)):
            if columns:
                lines.append(f"- columns {name}: " + ", ".join(f"`{c}`" for c in columns))
        for column, before, after in self.columns_retyped:
            lines.append(f"- column `{column}` changed type: {before} → {after}")
        for kind, titles in (("added", self.added_titles), ("removed", self.removed_titles)):
            for rid, title in titles:
                lines.append(f"  - {kind}: `{rid}` {_cell(title)}")
        lines.append("")
        if self.fields:
            lines += [
                "Fields changed (records):",
                "",
                "| field | records | example |",
                "|---|---|---|",
            ]
            for name, n in sorted(self.fields.items(), key=lambda kv: (-kv[1], kv[0])):
                first = self.examples.get(name, [{}])[0]
                example = (
                    f"`{first.get('id')}`: {_cell(first.get('old'))} → {_cell(first.get('new'))}"
                )
                lines.append(f"| `{name}` | {n:,} | {example} |")
            lines.append("")
        if self.checks:
            lines += ["Table checks (failures):", "", "| check | old | new |", "|---|---|---|"]
            for name, (a, b) in sorted(self.checks.items()):
                lines.append(f"| `{name}` | {_count(a)} | {_count(b)} |")
            lines.append("")
        if self.quarantine or self.quarantined_now or self.quarantined_before:
            lines += ["Quarantine (inputs by reason):", "", "| code | old | new |", "|---|---|---|"]
            for name, (a, b) in sorted(self.quarantine.items()):
                lines.append(f"| `{name}` | {a:,} | {b:,} |")
            lines.append("")
            for what, files in (
                ("newly quarantined", self.quarantined_now),
                ("no longer quarantined", self.quarantined_before),
            ):
                if files:
                    shown = ", ".join(f"`{f}`" for f in files[:IDS_SHOWN])
                    more = f" and {len(files) - IDS_SHOWN:,} more" if len(files) > IDS_SHOWN else ""
                    lines += [f"- {len(files):,} {what}: {shown}{more}"]
        return "\n".join(lines).rstrip("\n")


def _count(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def _cell(value: Any) -> str:
    text = "—" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _short(value: Any) -> Any:
    """A value as JSON, shortened to :data:`VALUE_CHARS` (strings stay strings)."""
    if value is None or isinstance(value, bool | int | float):
        return value
    text = (
        value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=_plain)
    )
    if isinstance(value, datetime | date):
        text = _plain(value)
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…"


def _release(path: Path) -> tuple[str, dict[str, Any]]:
    if not path.is_dir():
        raise UsageError("bad_usage", f"{path} is not a folder: expected a release folder")
    report = load_report(path)
    if report is None or not shard_paths(path):
        raise UsageError(
            "not_a_release",
            f"{path} is not a release: expected build-report.json and data/train-*.parquet",
        )
    dataset = report.get("dataset") or {}
    name = f"{dataset.get('name', path.parent.name)} {dataset.get('version', path.name)}"
    return name, report


def _rows(path: Path, columns: list[str]) -> Iterator[dict[str, Any]]:
    """Every record of a release in id order (its shards in order), these columns only."""
    previous: str | None = None
    for shard in shard_paths(path):
        for batch in pq.ParquetFile(shard).iter_batches(batch_size=_BATCH, columns=columns):
            for row in batch.to_pylist():
                if previous is not None and row["id"] <= previous:
                    raise UsageError(
                        "not_a_release",
                        f"{shard}: ids are not sorted ({row['id']} after {previous})",
                    )
                previous = row["id"]
                yield row


def _quarantine(path: Path) -> Counter[tuple[str, str]]:
    """(source file, code) of each quarantine entry."""
    found: Counter[tuple[str, str]] = Counter()
    try:
        with (path / "quarantine.jsonl").open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    entry = json.loads(line)
                    found[(str(entry.get("source_file")), str(entry.get("code")))] += 1
    except FileNotFoundError:
        pass
    return found


def _compare_rows(changes: ReleaseChanges, old: Path, new: Path, common: list[str]) -> None:
    """Pair the records by id; a column only one release has counts as null in the other, so
    a record that gains a value in an added column (or loses one in a removed column) has
    changed, as its content digest has."""
    shared = ["id", *(c for c in common if c != "id")]
    wanted = [*shared, *changes.columns_removed, *changes.columns_added]

    def columns(only: list[str]) -> list[str]:
        named = [*shared, *only]
        return [*named, *(["title"] if "title" not in named else [])]

    left = _rows(old, columns(changes.columns_removed))
    right = _rows(new, columns(changes.columns_added))
    a, b = next(left, None), next(right, None)
    while a is not None or b is not None:
        if b is None or (a is not None and a["id"] < b["id"]):
            assert a is not None
            changes.removed.append(a["id"])
            if len(changes.removed_titles) < EXAMPLES:
                changes.removed_titles.append((a["id"], _short(a.get("title"))))
            a = next(left, None)
        elif a is None or b["id"] < a["id"]:
            changes.added.append(b["id"])
            if len(changes.added_titles) < EXAMPLES:
                changes.added_titles.append((b["id"], _short(b.get("title"))))
            b = next(right, None)
        else:
            differ = [c for c in wanted if a.get(c) != b.get(c)]
            if differ:
                changes.changed.append(a["id"])
                for column in differ:
                    changes.fields[column] = changes.fields.get(column, 0) + 1
                    kept = changes.examples.setdefault(column, [])
                    if len(kept) < EXAMPLES:
                        kept.append(
                            {
                                "id": a["id"],
                                "old": _short(a.get(column)),
                                "new": _short(b.get(column)),
                            }
                        )
            else:
                changes.unchanged += 1
            a, b = next(left, None), next(right, None)


def diff_releases(
    old: Path, new: Path, *, new_report: dict[str, Any] | None = None
) -> ReleaseChanges:
    """Compare two release folders (see the module docstring).

    ``new_report`` stands in for ``new``'s ``build-report.json`` (a build compares its
    staged release before writing the report). A folder that is not a release is a
    ``UsageError``.
    """
    old_name, old_report = _release(old)
    if new_report is None:
        new_name, new_report = _release(new)
    else:
        dataset = new_report.get("dataset") or {}
        new_name = f"{dataset.get('name', new.parent.name)} {dataset.get('version', new.name)}"
    changes = ReleaseChanges(
        old=old_name,
        new=new_name,
        old_fingerprint=old_report.get("fingerprint"),
        new_fingerprint=new_report.get("fingerprint"),
    )
    before = pq.read_schema(shard_paths(old)[0])
    after = pq.read_schema(shard_paths(new)[0])
    changes.columns_added = [c for c in after.names if c not in before.names]
    changes.columns_removed = [c for c in before.names if c not in after.names]
    common = [c for c in after.names if c in before.names]
    for column in common:
        a, b = before.field(column).type, after.field(column).type
        if not a.equals(b):
            changes.columns_retyped.append((column, str(a), str(b)))
    compared = [c for c in common if c not in {r[0] for r in changes.columns_retyped}]
    if "id" not in compared:
        raise UsageError("not_a_release", f"{old} and {new} do not both have an `id` column")
    _compare_rows(changes, old, new, compared)
    old_checks, new_checks = old_report.get("checks") or {}, new_report.get("checks") or {}
    for name in sorted(set(old_checks) | set(new_checks)):
        if old_checks.get(name) != new_checks.get(name):
            changes.checks[name] = (old_checks.get(name), new_checks.get(name))
    old_q, new_q = _quarantine(old), _quarantine(new)
    old_codes, new_codes = Counter[str](), Counter[str]()
    for (_file, code), n in old_q.items():
        old_codes[code] += n
    for (_file, code), n in new_q.items():
        new_codes[code] += n
    for code in sorted(set(old_codes) | set(new_codes)):
        if old_codes[code] != new_codes[code]:
            changes.quarantine[code] = (old_codes[code], new_codes[code])
    old_files, new_files = {f for f, _ in old_q}, {f for f, _ in new_q}
    changes.quarantined_now = sorted(new_files - old_files)
    changes.quarantined_before = sorted(old_files - new_files)
    return changes
