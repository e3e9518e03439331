"""The build's spill: parts that workers write (rows sorted by id, with their digests and
keys), numbered by the build, and rows read back from them by ref."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from article_factory import article
from broadsheet.build.dedup import story_key
from broadsheet.build.keys import Keys
from broadsheet.build.parts import KEYS_SCHEMA, rows_of, write_part
from broadsheet.build.staging import Spill, row_nbytes
from broadsheet.records.arrow import ARTICLE_SCHEMA, records_to_table

STORIES = ("port", "harvest", "library")


def batch(copies: range) -> tuple[pa.Table, list[bytes]]:
    """One batch: a record per story and copy number, each with its own id and digest."""
    records = [
        article(story, id=hashlib.sha256(f"{story}-{n}".encode()).hexdigest()[:16])
        for n in copies
        for story in STORIES
    ]
    digests = [hashlib.sha256(r.id.encode()).digest() for r in records]
    return records_to_table(records), digests


def test_a_part_holds_its_rows_sorted_by_id_and_the_keys_say_where(tmp_path: Path) -> None:
    table, digests = batch(range(3))
    spill = Spill(tmp_path / "spill")
    name, keys = write_part(str(spill.folder), table, digests)
    assert keys.schema == KEYS_SCHEMA
    assert sorted(p.name for p in spill.folder.iterdir()) == [name]  # no partial file left
    ids = table.column("id").to_pylist()
    assert keys.column("id").to_pylist() == sorted(ids)
    assert keys.column("row").to_pylist() == list(range(9))
    assert set(keys.column("part").to_pylist()) == {name}
    by_id = {r["id"]: r for r in table.to_pylist()}
    first = by_id[keys.column("id")[0].as_py()]
    expected = story_key(first["publisher"], first["title"], keys.column("published_at")[0].as_py())
    assert keys.column("story")[0].as_py() == expected
    written = pa.ipc.open_file(pa.memory_map(str(spill.folder / name))).read_all()
    sizes = row_nbytes(written.drop_columns(["__digest"]))
    assert keys.column("nbytes").to_pylist() == sizes.tolist()

    numbers = spill.add([name])
    assert numbers == {name: 0} and spill.add([name]) == {name: 0}  # numbered once
    records = Keys.of_batch(keys, numbers)
    assert [k.ref for k in records] == list(range(9))  # part 0, rows 0..8
    assert [k.id for k in records] == sorted(ids)


def test_rows_come_back_by_ref_sorted_by_id_with_their_digests(tmp_path: Path) -> None:
    spill = Spill(tmp_path / "spill")
    keys = []
    for start in range(0, 12, 3):
        name, part_keys = write_part(str(spill.folder), *batch(range(start, start + 3)))
        keys += Keys.of_batch(part_keys, spill.add([name]))
    assert len(spill.paths) == 4
    every = sorted(keys, key=lambda k: k.id)
    wanted = every[5:21]
    rows = rows_of(np.array([k.ref for k in wanted], np.int64), spill.paths)
    assert len(rows) == 16 and len(rows.parts) > 1
    table, digests = rows.read()
    assert table.schema == ARTICLE_SCHEMA
    assert table.column("id").to_pylist() == [k.id for k in wanted]
    assert digests == [hashlib.sha256(k.id.encode()).digest() for k in wanted]
    one = spill.rows_by_ref([wanted[3].ref])
    assert one[wanted[3].ref]["id"] == wanted[3].id
    # only some columns: the same rows and digests, in the order the columns are asked for
    some, same = rows.read(["title", "id"])
    assert some.column_names == ["title", "id"]
    assert some.equals(table.select(["title", "id"])) and same == digests
    with pytest.raises(ValueError, match="sorted by id"):
        rows.read(["title"])


PICKS = {
    "one run": slice(None),
    "a few runs": [slice(0, 6), slice(20, 28), slice(50, None)],
    "rows taken": slice(None, None, 3),
}


@pytest.mark.parametrize("pick", PICKS.values(), ids=PICKS.keys())
def test_scattered_rows_of_parts_come_back_exactly(
    tmp_path: Path, pick: slice | list[slice]
) -> None:
    # all rows of each part, a few runs of rows and every third row give the same rows,
    # in id order
    spill = Spill(tmp_path / "spill")
    keys = []
    for start in (0, 10):
        name, part_keys = write_part(str(spill.folder), *batch(range(start, start + 10)))
        keys += Keys.of_batch(part_keys, spill.add([name]))
    every = sorted(keys, key=lambda k: k.id)
    wanted = [k for s in (pick if isinstance(pick, list) else [pick]) for k in every[s]]
    rows = rows_of(np.array([k.ref for k in reversed(wanted)], np.int64), spill.paths)
    table, digests = rows.read()
    assert table.column("id").to_pylist() == [k.id for k in wanted]
    assert digests == [hashlib.sha256(k.id.encode()).digest() for k in wanted]
    assert table.column("body").num_chunks == 1  # one contiguous table for the writer


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs /proc/self/maps")
def test_rows_are_read_one_part_mapped_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a row group can draw rows from every part: were the rows read as views, the mapped
    # pages of all the parts would be resident at once (at 200,000 pages, hundreds of MB)
    spill = Spill(tmp_path / "spill")
    refs = []
    for start in range(0, 40, 10):
        name, part_keys = write_part(str(spill.folder), *batch(range(start, start + 10)))
        refs += [k.ref for k in Keys.of_batch(part_keys, spill.add([name]))]
    mapped_before_open: list[int] = []
    memory_map = pa.memory_map

    def counting_map(path: str, *args: Any) -> Any:
        maps = Path("/proc/self/maps").read_text().splitlines()
        mapped_before_open.append(sum(str(spill.folder) in line for line in maps))
        return memory_map(path, *args)

    monkeypatch.setattr(pa, "memory_map", counting_map)
    table, _ = rows_of(np.array(refs, np.int64), spill.paths).read()  # a run of each part
    assert table.num_rows == len(refs) == 40 * len(STORIES)
    assert mapped_before_open == [0, 0, 0, 0]


def test_the_same_rows_have_the_same_layout_however_they_were_spilled(tmp_path: Path) -> None:
    # the release's byte counts come from the rows' Arrow layout: rows read whole from one
    # part must look exactly like the same rows gathered from several
    table, digests = batch(range(4))
    one, several = Spill(tmp_path / "one"), Spill(tmp_path / "several")
    name, keys = write_part(str(one.folder), table, digests)
    refs_one = [k.ref for k in Keys.of_batch(keys, one.add([name]))]
    refs_several = []
    for start in range(0, table.num_rows, 5):
        name, keys = write_part(
            str(several.folder), table.slice(start, 5), digests[start : start + 5]
        )
        refs_several += [k.ref for k in Keys.of_batch(keys, several.add([name]))]
    read_one, _ = rows_of(np.array(refs_one, np.int64), one.paths).read()
    read_several, _ = rows_of(np.array(refs_several, np.int64), several.paths).read()
    assert read_one.equals(read_several)
    assert read_one.nbytes == read_several.nbytes


def test_a_lost_part_fails_the_build_instead_of_losing_rows(tmp_path: Path) -> None:
    spill = Spill(tmp_path / "spill")
    name, keys = write_part(str(spill.folder), *batch(range(2)))
    refs = np.array([k.ref for k in Keys.of_batch(keys, spill.add([name]))], np.int64)
    shutil.rmtree(tmp_path / "spill")  # the disk goes away under the build
    with pytest.raises(OSError, match=name):
        rows_of(refs, spill.paths).read()
