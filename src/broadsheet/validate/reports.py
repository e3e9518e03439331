"""What ``broadsheet validate`` found, and its renderings: terminal, JSON, JUnit XML, Markdown.

A :class:`ValidationReport` has one :class:`Outcome` per check, passing or not, so a
CI system shows every check as a test case and a failure names the check, the record
id, the field and a capped sample of the offending values.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from broadsheet.checks.table import CHECK_ORDER, CheckFailure, json_ready
from broadsheet.errors import REASONS

_VALUE_CHARS = 200

#: Every check of a release: name -> (group, what it verifies), in report order.
CHECKS: dict[str, tuple[str, str]] = {
    "release_files": (
        "files",
        "README.md, croissant.json, build-report.json, quarantine.jsonl, SHA256SUMS and data/ "
        "are present",
    ),
    "checksums_match": ("files", "every file listed in SHA256SUMS exists with that sha256"),
    "no_unlisted_files": ("files", "every file of the release is listed in SHA256SUMS"),
    "regular_files": (
        "files",
        "every entry is a regular file or a folder (no symlink, FIFO or device), within the "
        "size caps of what validate reads",
    ),
    "shard_names": ("shards", "shards are data/train-{k:05d}-of-{N:05d}.parquet, k = 0..N-1"),
    "shard_footer": (
        "shards",
        "every shard's footer is plausible for its size (row counts, row groups, column "
        "chunks) and its rows read back in full",
    ),
    "shard_schema": (
        "shards",
        "every shard reads to the end and has exactly ARTICLE_SCHEMA (names, types, nullability)",
    ),
    "rows_sorted_by_id": ("rows", "rows are in id order across the shards"),
    **{name: ("rows", f"a row fails when {REASONS[name]}") for name in CHECK_ORDER},
    "article_contract": ("rows", "every row validates as a broadsheet Article"),
    "card_header": ("card", "README.md opens with YAML front matter"),
    "card_features": ("card", "dataset_info.features equal those generated from ARTICLE_SCHEMA"),
    "card_num_examples": ("card", "the train split's num_examples equals the row count"),
    "card_fingerprint": ("card", "the card's content fingerprint equals the recomputed one"),
    "croissant_readable": (
        "croissant",
        "croissant.json is a Croissant sc:Dataset in JSON, within the size and nesting caps",
    ),
    "croissant_files": (
        "croissant",
        "its FileObjects are the shards, with their sha256 and size, and its FileSet includes them",
    ),
    "croissant_fields": (
        "croissant",
        "the record set's key and fields (names, types, sources) are those generated from "
        "ARTICLE_SCHEMA",
    ),
    "croissant_counts": (
        "croissant",
        "the records, records without URL or capture time, and languages it states are the data's",
    ),
    "report_readable": ("report", "build-report.json is JSON with readable check_settings"),
    "report_counts": (
        "report",
        "accepted = rows, inputs = accepted + quarantined, the reasons add up to quarantined, "
        "quarantine.jsonl has one line per quarantined input",
    ),
    "report_shards": ("report", "the report's shard list names the shards on disk"),
    "report_fingerprint": ("report", "the report's fingerprint equals the recomputed one"),
}


@dataclass
class Outcome:
    """One check over the whole release."""

    check: str
    group: str
    description: str
    failures: int = 0
    samples: list[CheckFailure] = field(default_factory=list)
    skipped: str | None = None  # why the check could not run

    @property
    def status(self) -> str:
        return "failed" if self.failures else "skipped" if self.skipped else "passed"


@dataclass
class ValidationReport:
    """What ``broadsheet validate`` found: one :class:`Outcome` per check."""

    release: str
    rows: int
    outcomes: list[Outcome]

    @property
    def ok(self) -> bool:
        return all(o.status == "passed" for o in self.outcomes)

    @property
    def failures(self) -> int:
        return sum(o.failures for o in self.outcomes)

    def outcome(self, check: str) -> Outcome:
        return next(o for o in self.outcomes if o.check == check)


class Findings:
    """Failures collected by check, keeping a capped, JSON-ready sample of each."""

    def __init__(self, max_samples: int) -> None:
        self.max_samples = max(0, max_samples)
        self.outcomes = {name: Outcome(name, group, text) for name, (group, text) in CHECKS.items()}

    def fail(
        self, check: str, field: str, value: Any, message: str, record_id: str | None = None
    ) -> None:
        self.add(CheckFailure(check, field, record_id, value, message))

    def add(self, failure: CheckFailure) -> None:
        outcome = self.outcomes[failure.check]
        outcome.failures += 1
        if len(outcome.samples) < self.max_samples:
            value = json_ready(failure.value)
            if isinstance(value, str) and len(value) > _VALUE_CHARS:
                value = value[: _VALUE_CHARS - 1] + "…"
            sample = CheckFailure(
                failure.check, failure.field, failure.record_id, value, failure.message
            )
            outcome.samples.append(sample)

    def failed(self, check: str) -> bool:
        return self.outcomes[check].failures > 0

    def skip(self, checks: list[str], reason: str) -> None:
        for name in checks:
            if not self.failed(name):
                self.outcomes[name].skipped = reason

    def report(self, release: str, rows: int) -> ValidationReport:
        return ValidationReport(release, rows, list(self.outcomes.values()))


# -- renderings ------------------------------------------------------------------------------


def to_json(report: ValidationReport) -> dict[str, Any]:
    """The report as JSON data (``--json``)."""
    return {
        "release": report.release,
        "ok": report.ok,
        "rows": report.rows,
        "failures": report.failures,
        "checks": [
            {
                "check": o.check,
                "group": o.group,
                "description": o.description,
                "status": o.status,
                "failures": o.failures,
                "skipped": o.skipped,
                "samples": [
                    {
                        "record_id": s.record_id,
                        "field": s.field,
                        "value": s.value,
                        "message": s.message,
                    }
                    for s in o.samples
                ],
            }
            for o in report.outcomes
        ],
    }


def _writable(path: Path) -> Path:
    """``path``, its missing parent folders made (``--json reports/validate.json``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def write_json(report: ValidationReport, path: Path) -> None:
    """The report as JSON (``--json``); missing parent folders are made."""
    text = json.dumps(to_json(report), indent=2, sort_keys=True, ensure_ascii=False)
    _writable(path).write_text(text + "\n", encoding="utf-8")


def _sample_line(sample: CheckFailure) -> str:
    where = f"record {sample.record_id}" if sample.record_id else sample.field
    return f"[{where}] {sample.field} = {json.dumps(sample.value, ensure_ascii=False)}: " + (
        sample.message
    )


def write_junit(report: ValidationReport, path: Path) -> None:
    """JUnit XML (``--junit``): one test case per check, failures with their samples; missing
    parent folders are made."""
    suite = ET.Element(
        "testsuite",
        name="broadsheet validate",
        tests=str(len(report.outcomes)),
        failures=str(sum(1 for o in report.outcomes if o.status == "failed")),
        skipped=str(sum(1 for o in report.outcomes if o.status == "skipped")),
        errors="0",
    )
    ET.SubElement(ET.SubElement(suite, "properties"), "property", name="release").set(
        "value", report.release
    )
    for outcome in report.outcomes:
        case = ET.SubElement(
            suite, "testcase", classname=f"broadsheet.validate.{outcome.group}", name=outcome.check
        )
        if outcome.status == "failed":
            failure = ET.SubElement(
                case,
                "failure",
                type=outcome.check,
                message=f"{outcome.failures} failure(s): {outcome.description}",
            )
            lines = [_sample_line(s) for s in outcome.samples]
            if outcome.failures > len(outcome.samples):
                lines.append(f"... and {outcome.failures - len(outcome.samples)} more")
            failure.text = "\n".join(lines)
        elif outcome.status == "skipped":
            ET.SubElement(case, "skipped", message=outcome.skipped or "")
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    _writable(path).write_bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(report: ValidationReport) -> str:
    """A Markdown summary (``--markdown``), e.g. for a CI job summary."""
    verdict = "all checks hold" if report.ok else f"{report.failures} failure(s)"
    lines = [
        f"## broadsheet validate: {verdict}",
        "",
        f"Release `{report.release}`, {report.rows} rows.",
        "",
        "| check | group | status | failures |",
        "| --- | --- | --- | --- |",
    ]
    for o in report.outcomes:
        lines.append(f"| `{o.check}` | {o.group} | {o.status} | {o.failures} |")
    for o in report.outcomes:
        if o.status == "passed":
            continue
        lines += ["", f"### `{o.check}` ({o.status})", "", _cell(o.description), ""]
        if o.skipped and not o.failures:
            lines.append(f"Not run: {_cell(o.skipped)}")
            continue
        lines += ["| record id | field | value | message |", "| --- | --- | --- | --- |"]
        for s in o.samples:
            value = _cell(json.dumps(s.value, ensure_ascii=False))
            record = s.record_id or ""
            lines.append(f"| {record} | {_cell(s.field)} | `{value}` | {_cell(s.message)} |")
        if o.failures > len(o.samples):
            lines += ["", f"... and {o.failures - len(o.samples)} more."]
    return "\n".join(lines) + "\n"


def write_markdown(report: ValidationReport, path: Path) -> None:
    """The Markdown summary (``--markdown``); missing parent folders are made."""
    _writable(path).write_text(to_markdown(report), encoding="utf-8")


_STYLE = {"passed": "green", "failed": "bold red", "skipped": "yellow"}


def print_summary(report: ValidationReport, console: Console) -> None:
    """The terminal summary: a table of checks, then the samples of each failing check."""
    table = Table(title=f"broadsheet validate {report.release}", title_justify="left")
    for column in ("check", "group", "status", "failures"):
        table.add_column(column, justify="right" if column == "failures" else "left")
    for o in report.outcomes:
        status = f"[{_STYLE[o.status]}]{o.status}[/]"
        table.add_row(o.check, o.group, status, str(o.failures))
    console.print(table)
    for o in report.outcomes:
        if o.status == "failed":
            console.print(
                f"[bold red]{o.check}[/]: {o.failures} failure(s); {escape(o.description)}"
            )
            for s in o.samples:
                console.print(f"  {_sample_line(s)}", markup=False, highlight=False)
            if o.failures > len(o.samples):
                console.print(f"  ... and {o.failures - len(o.samples)} more")
        elif o.status == "skipped":
            console.print(f"[yellow]{o.check}[/]: not run ({escape(o.skipped or '')})")
    if report.ok:
        console.print(f"[green]all {len(report.outcomes)} checks hold[/] ({report.rows} rows)")
    else:
        console.print(f"[bold red]{report.failures} failure(s)[/] ({report.rows} rows)")
