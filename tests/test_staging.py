"""The build's spill: rows written to Arrow files on a thread, gathered back by id range."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pyarrow as pa
import pytest

from article_factory import article
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


def test_full_buffers_become_sorted_files_numbered_in_order(tmp_path: Path) -> None:
    spill = Spill(tmp_path / "spill", flush_bytes=1)  # every batch fills the buffer
    try:
        finished = []
        for start in range(0, 12, 3):
            finished += spill.add(*batch(range(start, start + 3)))
        finished += spill.flush()
    finally:
        spill.close()
    assert [done.number for done in finished] == [0, 1, 2, 3]
    assert [f.path.name for f in spill.files] == [f"spill-{n:06d}.arrow" for n in range(4)]
    for done, spilled in zip(finished, spill.files, strict=True):
        ids = done.table.column("id").to_pylist()
        assert ids == sorted(ids) and len(ids) == 9
        assert [i.decode() for i in spilled.ids.tolist()] == ids
        assert done.nbytes == row_nbytes(done.table).tolist()
        assert done.table.schema == ARTICLE_SCHEMA

    every = sorted(i for done in finished for i in done.table.column("id").to_pylist())
    gathered, digests = spill.gather(every[0], every[-1], pa.array([], pa.int64()))
    assert gathered.column("id").to_pylist() == every
    assert digests == [hashlib.sha256(i.encode()).digest() for i in every]
    middle, _ = spill.gather(every[5], every[20], pa.array([], pa.int64()))
    assert middle.column("id").to_pylist() == every[5:21]


def test_rows_stay_buffered_until_the_buffer_is_full(tmp_path: Path) -> None:
    spill = Spill(tmp_path / "spill", flush_bytes=10**9)
    try:
        assert spill.add(*batch(range(2))) == []
        assert spill.add(*batch(range(2, 4))) == []
        assert not list((tmp_path / "spill").iterdir())
        (done, *more) = spill.flush()
        assert done.number == 0 and done.table.num_rows == 12 and more == []
        assert spill.flush() == []  # nothing left to write
    finally:
        spill.close()


def test_a_failed_write_fails_the_build_instead_of_losing_rows(tmp_path: Path) -> None:
    spill = Spill(tmp_path / "spill", flush_bytes=10**9)
    spill.add(*batch(range(2)))
    shutil.rmtree(tmp_path / "spill")  # the disk goes away under the build
    try:
        with pytest.raises(OSError, match=r"spill-000000\.arrow"):
            spill.flush()
    finally:
        spill.close()
    assert spill.files == []
