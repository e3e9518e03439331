"""The release's own claims, checked against its data: the card header and the build report."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from broadsheet.validate.files import Entry, UnsafeFile, count_lines, describe, read_capped
from broadsheet.validate.reports import Findings
from broadsheet.validate.safe_yaml import FrontMatterError, load_front_matter

REPORT = "build-report.json"
CARD = "README.md"
# The seed release's card has 30 KB (the header, the figures, a text sample's measures). 16 MiB
# is far beyond any card broadsheet writes; a larger file is refused before it is read.
MAX_CARD_BYTES = 16 * 1024**2
_FINGERPRINT = re.compile(r"^Content fingerprint: `([0-9a-f]{64})`\s*$", re.MULTILINE)


def check_card(
    root: Path, entries: dict[str, Entry], rows: int | None, digest: str | None, found: Findings
) -> None:
    """The card's header and fingerprint (``rows`` and ``digest`` are None if data is unread)."""
    from broadsheet.release.layout import hf_features

    card_checks = ["card_features", "card_num_examples", "card_fingerprint"]
    entry = entries.get(CARD)
    if entry is None or not entry.regular:
        reason = f"{CARD} is missing" if entry is None else describe(CARD, entry)
        found.skip(["card_header", *card_checks], reason)
        return
    header = None
    text = ""
    try:
        text = read_capped(root, CARD, MAX_CARD_BYTES).decode("utf-8", errors="replace")
        header = load_front_matter(text)
    except UnsafeFile as exc:
        found.fail("card_header", CARD, None, str(exc))
    except FrontMatterError as exc:
        found.fail("card_header", CARD, None, f"{CARD}: {exc}")
    except yaml.YAMLError as exc:
        found.fail("card_header", CARD, None, f"the front matter is not YAML: {exc}")
    except ValueError as exc:  # a value PyYAML cannot build, e.g. an integer of 5,000 digits
        found.fail("card_header", CARD, None, f"the front matter cannot be read: {exc}")
    if header is None:
        if not found.outcomes["card_header"].failures:
            found.fail("card_header", CARD, text[:40], "README.md has no '---' front matter")
        found.skip(card_checks, "the card has no readable front matter")
        return
    info = _mapping(header.get("dataset_info"))
    features = info.get("features")
    expected = json.loads(json.dumps(hf_features()))
    if features != expected:
        names = (
            [f.get("name") if isinstance(f, dict) else f for f in features]
            if isinstance(features, list)
            else features
        )
        found.fail(
            "card_features",
            "dataset_info.features",
            names,
            "the card's features differ from those generated from ARTICLE_SCHEMA",
        )
    splits = info.get("splits")
    train = [
        s
        for s in (splits if isinstance(splits, list) else [])
        if isinstance(s, dict) and s.get("name") == "train"
    ]
    examples = train[0].get("num_examples") if train else None
    if rows is None:
        found.skip(["card_num_examples"], "some shard could not be read")
    elif examples != rows:
        found.fail(
            "card_num_examples",
            "dataset_info.splits.train.num_examples",
            examples,
            f"the card says num_examples {examples}; the shards hold {rows} rows",
        )
    match = _FINGERPRINT.search(text)
    if digest is None:
        found.skip(["card_fingerprint"], "some shard could not be read")
    elif match is None:
        found.fail("card_fingerprint", "README.md", None, "no 'Content fingerprint: `...`' line")
    elif match.group(1) != digest:
        found.fail(
            "card_fingerprint",
            "README.md",
            match.group(1),
            f"the card's fingerprint {match.group(1)} differs from the data's {digest}",
        )


def check_report(
    root: Path,
    entries: dict[str, Entry],
    report: dict[str, Any] | None,
    rows: int | None,
    shards: list[str],
    digest: str | None,
    found: Findings,
) -> None:
    checks = ["report_counts", "report_shards", "report_fingerprint"]
    if report is None:
        if REPORT not in entries or not entries[REPORT].regular:
            found.skip(["report_readable"], "build-report.json is missing")
        found.skip(checks, "build-report.json is unreadable")
        return
    keys = ("inputs", "accepted", "quarantined", "rows", "duplicates")
    raw = {k: report.get(k, 0 if k == "duplicates" else None) for k in keys}
    if not all(isinstance(v, int) for v in raw.values()):
        found.fail(
            "report_counts", REPORT, raw, "inputs, accepted, quarantined and rows must be integers"
        )
        return
    counts: dict[str, int] = {k: int(v) for k, v in raw.items() if isinstance(v, int)}
    # duplicates are quarantined with the code "duplicate"; a report may also count them apart
    accepted, quarantined = counts["accepted"], counts["quarantined"]
    claims: list[tuple[str, int | None, int, str]] = []
    if rows is not None:
        claims += [
            ("accepted", accepted, rows, f"accepted is {accepted}; the shards hold {rows} rows"),
            ("rows", counts["rows"], rows, f"rows is {counts['rows']}; the shards hold {rows}"),
        ]
    inputs = accepted + quarantined + counts["duplicates"]
    reasons = _total(report.get("reasons"))
    claims += [
        (
            "inputs",
            counts["inputs"],
            inputs,
            f"inputs is {counts['inputs']}; accepted + quarantined is {inputs}",
        ),
        (
            "reasons",
            reasons,
            quarantined,
            f"the reasons add up to {reasons}; quarantined is {quarantined}",
        ),
    ]
    for key, value, expected, message in claims:
        if value != expected:
            found.fail("report_counts", key, value, message)
    quarantine = "quarantine.jsonl"
    if quarantine in entries and entries[quarantine].regular:
        try:
            lines: int | None = count_lines(root, quarantine)
        except UnsafeFile as exc:
            lines = None
            found.fail("report_counts", quarantine, None, str(exc))
        if lines is not None and lines != counts["quarantined"]:
            found.fail(
                "report_counts",
                quarantine,
                lines,
                f"quarantine.jsonl has "
                f"{lines} lines; the report counts {counts['quarantined']} quarantined",
            )
    if report.get("shards") != shards:
        found.fail(
            "report_shards",
            "shards",
            report.get("shards"),
            f"the report lists {report.get('shards')}; data/ holds {shards}",
        )
    if digest is None:
        found.skip(["report_fingerprint"], "some shard could not be read")
    elif report.get("fingerprint") != digest:
        found.fail(
            "report_fingerprint",
            "fingerprint",
            report.get("fingerprint"),
            f"the report's fingerprint differs from the data's {digest}",
        )


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _total(counts: Any) -> int | None:
    if not isinstance(counts, dict) or not all(isinstance(v, int) for v in counts.values()):
        return None
    return sum(counts.values())
