"""``croissant.json`` checked against the data, and JSON read within caps.

The build writes Croissant from the same facts as the data (see
:mod:`broadsheet.release.croissant`):
one FileObject per shard with its sha256 and size, a FileSet over the shards, a record set
whose fields are generated from ARTICLE_SCHEMA, and the record count in the RAI
missing-data statement. Each claim is checked here against what validate read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from broadsheet.sources.limits import json_depth
from broadsheet.validate.files import Entry, UnsafeFile, describe, read_capped
from broadsheet.validate.reports import Findings

CROISSANT = "croissant.json"
# The seed release's croissant.json has 23 KB: the fields of the record contract, the RAI
# statements and one FileObject (about 300 bytes) per shard. 16 MiB holds tens of thousands
# of shards; a larger file is refused before it is read.
MAX_CROISSANT_BYTES = 16 * 1024**2
# Croissant nests about ten levels (record set, field, subField, source, transform).
MAX_JSON_DEPTH = 32
_COUNTS = re.compile(r"^(\d+) of (\d+) records have no URL and (\d+) no capture time")
_CHECKS = ["croissant_files", "croissant_fields", "croissant_counts"]


class JsonError(ValueError):
    """A JSON file validate will not use (too large, too deep, not JSON, not an object)."""


def load_json(root: Path, name: str, cap: int, depth: int = MAX_JSON_DEPTH) -> dict[str, Any]:
    """A JSON object from a regular file of at most ``cap`` bytes nesting at most ``depth``
    levels; :class:`JsonError` or :class:`UnsafeFile` otherwise."""
    data = read_capped(root, name, cap)
    deepest = json_depth(data, depth)
    if deepest is not None:
        raise JsonError(f"{name} nests {deepest:,} levels deep; at most {depth} are read")
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise JsonError(f"{name} is not UTF-8 JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise JsonError(f"{name} is not a JSON object (its top level is {type(value).__name__})")
    return value


@dataclass(slots=True)
class DataFacts:
    """What validate read from the shards, for the metadata to be checked against."""

    rows: int | None  # None when some shard could not be read to the end
    without_url: int = 0
    without_capture: int = 0
    languages: set[str] = field(default_factory=set)
    shard_sizes: dict[str, int] = field(default_factory=dict)  # "data/<name>" -> bytes


def check_croissant(
    root: Path,
    entries: dict[str, Entry],
    facts: DataFacts,
    sha256: Callable[[str], str | None],
    found: Findings,
) -> None:
    """``croissant.json`` against the data; ``sha256(name)`` gives a shard's digest."""
    entry = entries.get(CROISSANT)
    if entry is None or not entry.regular:
        reason = "croissant.json is missing" if entry is None else describe(CROISSANT, entry)
        found.skip(["croissant_readable", *_CHECKS], reason)
        return
    try:
        doc = load_json(root, CROISSANT, MAX_CROISSANT_BYTES)
    except (JsonError, UnsafeFile) as exc:
        found.fail("croissant_readable", CROISSANT, None, str(exc))
        found.skip(_CHECKS, "croissant.json is unreadable")
        return
    if doc.get("@type") != "sc:Dataset":
        found.fail(
            "croissant_readable",
            "@type",
            doc.get("@type"),
            f"croissant.json has @type {doc.get('@type')!r}; expected 'sc:Dataset'",
        )
    _check_files(doc, facts, sha256, found)
    _check_fields(doc, found)
    _check_counts(doc, facts, found)


def _items(doc: dict[str, Any], key: str, kind: str) -> list[dict[str, Any]]:
    value = doc.get(key)
    items = value if isinstance(value, list) else []
    return [i for i in items if isinstance(i, dict) and i.get("@type") == kind]


def _check_files(
    doc: dict[str, Any], facts: DataFacts, sha256: Callable[[str], str | None], found: Findings
) -> None:
    from broadsheet.release.croissant import FILE_SET
    from broadsheet.release.layout import SHARD_PATTERN

    listed: dict[str, dict[str, Any]] = {}
    for obj in _items(doc, "distribution", "cr:FileObject"):
        listed[str(obj.get("contentUrl"))] = obj
    for name in sorted(listed.keys() - facts.shard_sizes.keys()):
        found.fail(
            "croissant_files", name, name, f"croissant.json lists {name}, not a shard on disk"
        )
    for name, size in sorted(facts.shard_sizes.items()):
        item = listed.get(name)
        if item is None:
            found.fail("croissant_files", name, None, f"croissant.json does not list {name}")
            continue
        actual = sha256(name)
        if actual is not None and item.get("sha256") != actual:
            found.fail(
                "croissant_files",
                name,
                item.get("sha256"),
                f"croissant.json gives {name} sha256 {item.get('sha256')}; the file's is {actual}",
            )
        if item.get("contentSize") != f"{size} B":
            found.fail(
                "croissant_files",
                name,
                item.get("contentSize"),
                f"croissant.json gives {name} contentSize {item.get('contentSize')!r}; "
                f"the file has {size} B",
            )
    sets = [s for s in _items(doc, "distribution", "cr:FileSet") if s.get("@id") == FILE_SET]
    if not sets or sets[0].get("includes") != SHARD_PATTERN:
        found.fail(
            "croissant_files",
            FILE_SET,
            sets[0].get("includes") if sets else None,
            f"croissant.json has no FileSet {FILE_SET!r} including {SHARD_PATTERN}",
        )


def _shape(fields: Any) -> dict[str, Any]:
    """Fields by name with what must match the schema (descriptions left out)."""
    out: dict[str, Any] = {}
    for item in fields if isinstance(fields, list) else []:
        if not isinstance(item, dict):
            continue
        shape = {k: v for k, v in item.items() if k not in ("description", "subField")}
        if "subField" in item:
            shape["subField"] = _shape(item["subField"])
        out[str(item.get("name"))] = shape
    return out


def _check_fields(doc: dict[str, Any], found: Findings) -> None:
    from broadsheet.release.croissant import RECORD_SET, record_fields

    sets = [s for s in _items(doc, "recordSet", "cr:RecordSet") if s.get("@id") == RECORD_SET]
    if not sets:
        message = f"croissant.json has no record set {RECORD_SET!r}"
        found.fail("croissant_fields", "recordSet", None, message)
        return
    record_set = sets[0]
    if record_set.get("key") != {"@id": f"{RECORD_SET}/id"}:
        found.fail(
            "croissant_fields",
            "key",
            record_set.get("key"),
            f"the record set's key is {record_set.get('key')}; expected {RECORD_SET}/id",
        )
    actual, expected = _shape(record_set.get("field")), _shape(record_fields())
    if list(actual) != list(expected):
        found.fail(
            "croissant_fields",
            "field",
            list(actual),
            f"the record set's fields are {list(actual)}; ARTICLE_SCHEMA has {list(expected)}",
        )
    for name in actual.keys() & expected.keys():
        if actual[name] != expected[name]:
            found.fail(
                "croissant_fields",
                f"field {name}",
                actual[name],
                f"field {name} is {json.dumps(actual[name], sort_keys=True)[:300]}; generated "
                f"from ARTICLE_SCHEMA it is {json.dumps(expected[name], sort_keys=True)[:300]}",
            )


def _check_counts(doc: dict[str, Any], facts: DataFacts, found: Findings) -> None:
    if facts.rows is None:
        found.skip(["croissant_counts"], "some shard could not be read")
        return
    key = "rai:dataCollectionMissingData"
    statement = doc.get(key)
    match = _COUNTS.match(statement) if isinstance(statement, str) else None
    if match is None:
        found.fail(
            "croissant_counts",
            key,
            statement,
            f"croissant.json's {key} does not state '<n> of <rows> records have no URL and "
            "<n> no capture time'",
        )
        return
    no_url, rows, no_capture = (int(g) for g in match.groups())
    claims = [
        ("records", rows, facts.rows, "records", "rows"),
        ("without URL", no_url, facts.without_url, "records without URL", "rows without one"),
        (
            "without capture time",
            no_capture,
            facts.without_capture,
            "records without capture time",
            "rows without one",
        ),
    ]
    for what, claimed, actual, said, held in claims:
        if claimed != actual:
            found.fail(
                "croissant_counts",
                f"{key} ({what})",
                claimed,
                f"croissant.json states {claimed} {said}; the shards hold {actual} {held}",
            )
    languages = doc.get("inLanguage")
    if facts.rows and languages != sorted(facts.languages):
        found.fail(
            "croissant_counts",
            "inLanguage",
            languages,
            f"croissant.json gives inLanguage {languages}; the rows' languages are "
            f"{sorted(facts.languages)}",
        )
