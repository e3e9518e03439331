"""The build's per-record keys as Arrow columns: the same records, duplicates and report
order as the Python objects they replace."""

from __future__ import annotations

import random
from dataclasses import astuple
from pathlib import Path

import pyarrow as pa
import pytest

from broadsheet.build.dedup import find_duplicates
from broadsheet.build.keys import KEY_SCHEMA, Keys, RecordKey
from broadsheet.build.report import source_entries
from broadsheet.build.staging import QuarantineLog
from broadsheet.records.quarantine import Quarantined

# Source names that sort differently by code point than by some other rule (case, accents,
# characters beyond the Basic Multilingual Plane).
NAMES = ["a.txt", "B.txt", "b.txt", "é.txt", "z.txt", "Ω.txt", "\U0001f4f0.txt", "a/b.txt"]


def table_of(keys: list[RecordKey]) -> pa.Table:
    rows = [astuple(k) for k in keys]
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in KEY_SCHEMA.names]
    return pa.Table.from_arrays(
        [pa.array(list(c), f.type) for c, f in zip(columns, KEY_SCHEMA, strict=True)],
        schema=KEY_SCHEMA,
    )


def random_keys(rng: random.Random, n: int) -> list[RecordKey]:
    """Keys with many shared ids and stories, missing URLs and capture times."""
    keys = []
    for ref in range(n):
        story = rng.randrange(n // 2 + 1)
        has_url = rng.random() < 0.6
        keys.append(
            RecordKey(
                id=f"id{rng.randrange(n // 2 + 1)}" if has_url else f"story{story}",
                url=f"https://example.org/{rng.randrange(n)}" if has_url else None,
                story=story * 0x9E3779B97F4A7C15 % 2**64,  # spread over the 64 bits
                published_at=rng.choice([None, rng.randrange(10**15)]),
                captured_at=rng.choice([None, rng.randrange(3) * 10**12]),
                captured_after=rng.choice([None, rng.randrange(3)]),
                source_file=f"{rng.choice(NAMES)}#{ref}",
                source_sha256=f"{rng.randrange(4):064x}",
                parser=rng.choice(["almayadeen-text", "html-generic"]),
                language=rng.choice(["en", "ar", "und-Latn"]),
                nbytes=rng.randrange(1, 10_000),
                ref=(rng.randrange(3) << 32) | ref,
            )
        )
    return keys


@pytest.mark.parametrize("seed", range(40))
def test_duplicates_settled_from_columns_are_those_of_the_objects(seed: int) -> None:
    keys = random_keys_of(seed)
    columns = Keys(table_of(keys))
    assert list(columns) == keys  # the same records, in order
    assert find_duplicates(columns) == find_duplicates(keys)


def test_some_cases_do_have_duplicates_of_both_kinds() -> None:
    """(The property above is not vacuous: the generated keys share ids and stories.)"""
    found = [d.reason for seed in range(40) for d in find_duplicates(random_keys_of(seed))]
    assert any(r.startswith("same URL") for r in found)
    assert any(r.startswith("same publisher") for r in found)


def random_keys_of(seed: int) -> list[RecordKey]:
    return random_keys(random.Random(seed), random.Random(seed).randrange(2, 120))


def test_keys_sort_filter_and_slice_as_python_does() -> None:
    keys = random_keys(random.Random(7), 60)
    columns = Keys(table_of(keys))
    by_source = sorted(keys, key=lambda k: (k.source_file, k.source_sha256))
    assert list(columns.sorted_by("source_file", "source_sha256")) == by_source
    assert list(columns.sorted_by("id")) == sorted(keys, key=lambda k: k.id)  # stable on ties
    gone = {k.ref for k in keys[::3]}
    assert list(columns.where("ref", gone, keep=False)) == [k for k in keys if k.ref not in gone]
    assert list(columns.where("ref", gone)) == [k for k in keys if k.ref in gone]
    assert list(columns[10:20]) == keys[10:20] and columns[-1] == keys[-1]
    assert columns.refs().tolist() == [k.ref for k in keys]
    assert columns.column("url") == [k.url for k in keys]
    assert list(Keys.joined([columns[:5], columns[5:]])) == keys
    with pytest.raises(IndexError):
        columns[len(keys)]


def test_a_batch_key_table_becomes_keys_with_spill_refs() -> None:
    keys = random_keys(random.Random(3), 5)
    worker = table_of(keys).drop_columns(["ref"])
    worker = worker.append_column("part", pa.array(["p1", "p0", "p1", "p1", "p0"]))
    worker = worker.append_column("row", pa.array([0, 0, 1, 2, 1], pa.int32()))
    made = Keys.of_batch(worker, {"p0": 4, "p1": 9})
    assert made.refs().tolist() == [9 << 32, 4 << 32, (9 << 32) | 1, (9 << 32) | 2, (4 << 32) | 1]
    assert [k.id for k in made] == [k.id for k in keys]


def test_report_entries_merge_accepted_and_quarantined_by_source(tmp_path: Path) -> None:
    keys = random_keys(random.Random(11), 40)
    quarantine = QuarantineLog(tmp_path / "quarantine.jsonl")
    rng = random.Random(12)
    for n in range(25):
        quarantine.add(
            Quarantined(
                f"{rng.choice(NAMES)}#q{n}", None, rng.choice(["empty", "binary"]), "x", "source"
            )
        )
    entries = list(source_entries(Keys(table_of(keys)), quarantine))
    expected = sorted(
        [(k.source_file, "accepted", k.source_sha256) for k in keys]
        + [(q.source_file, q.code, q.source_sha256 or "") for q in quarantine.index]
    )
    assert [(e["source_file"], e["outcome"]) for e in entries] == [e[:2] for e in expected]
