"""broadsheet validate on tampered releases: every tampering fails (exit 1) with a message
naming the file and what was wrong, and validate never follows a link, blocks or runs away.

A small release is laid out once; each test tampers a copy. The tamperings that could make
validate hang or exhaust memory run the command in a subprocess with a timeout.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from article_factory import article
from broadsheet.cli.main import app
from broadsheet.validate.run import validate_release
from minirelease import lay_out, reseal
from parquetfooter import Struct, read_footer, write_footer

SHARD = "data/train-00000-of-00001.parquet"
HUGE = 2**61


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pristine")
    return lay_out(out / "dist", [article("port"), article("harvest"), article("library")])


@pytest.fixture
def release(pristine: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "release"
    shutil.copytree(pristine, copy, symlinks=True)
    return copy


def run(release: Path) -> tuple[int, str, float]:
    """``broadsheet validate`` in a subprocess: exit code, output, seconds."""
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "broadsheet.cli", "validate", str(release)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COLUMNS": "400"},
    )
    return done.returncode, done.stdout + done.stderr, time.monotonic() - start


def messages(release: Path, check: str) -> list[str]:
    report = validate_release(release)
    assert not report.ok
    return [s.message for s in report.outcome(check).samples]


def test_the_untampered_copy_passes(release: Path) -> None:
    report = validate_release(release)
    assert [o.check for o in report.outcomes if o.status != "passed"] == []


# -- Parquet footers ---------------------------------------------------------------------


def forge(release: Path, change: Callable[[Struct], None]) -> None:
    path = release / SHARD
    body, footer = read_footer(path.read_bytes())
    change(footer)
    path.write_bytes(write_footer(body, footer))
    reseal(release)


def test_a_footer_claiming_2_61_rows_is_refused_before_reading(release: Path) -> None:
    forge(release, lambda footer: footer.set(3, HUGE))  # FileMetaData.num_rows
    [message] = messages(release, "shard_footer")
    # the three rows are in row groups of 2 and 1 rows (minirelease writes groups of two)
    assert message == (
        f"{SHARD} claims {HUGE:,} rows in all; its row groups hold 3 "
        "(readers allocate for the claim); it is not read"
    )
    report = validate_release(release)
    assert report.outcome("card_fingerprint").status == "skipped"
    code, output, _ = run(release)
    assert code == 1 and "shard_footer" in output and SHARD in output


def test_a_row_group_claiming_2_61_rows_is_refused(release: Path) -> None:
    def claim(footer: Struct) -> None:
        group = footer.get(4).items[0]
        group.set(3, HUGE)  # RowGroup.num_rows
        footer.set(3, HUGE + 1)

    forge(release, claim)
    [message] = messages(release, "shard_footer")
    assert message.startswith(f"{SHARD} row group 0 claims {HUGE:,} rows in ")
    assert message.endswith(" bytes of column data; it is not read")


def test_a_column_chunk_past_the_end_of_the_file_is_refused(release: Path) -> None:
    size = (release / SHARD).stat().st_size

    def move(footer: Struct) -> None:
        chunk = footer.get(4).items[1].get(1).items[0]
        chunk.get(3).set(9, size * 10)  # ColumnMetaData.data_page_offset of column "id"

    forge(release, move)
    [message] = messages(release, "shard_footer")
    assert message.startswith(f"{SHARD} row group 1 column id claims pages at ")
    assert f", {size * 10:,} in bytes " in message and "the data lies between 4 and" in message


def test_a_footer_length_larger_than_the_file_is_refused(release: Path) -> None:
    path = release / SHARD
    data = path.read_bytes()
    path.write_bytes(data[:-8] + (2**31).to_bytes(4, "little") + b"PAR1")
    reseal(release)
    [message] = messages(release, "shard_footer")
    assert message.startswith(f"{SHARD} has a footer of 2,147,483,648 bytes in a file of ")


# -- links and special files -------------------------------------------------------------


def outside_copy(release: Path, name: str) -> Path:
    """A copy of one of the release's files or folders outside it, intact."""
    target = release.parent / "elsewhere" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    source = release / name
    if source.is_dir():
        shutil.copytree(source, target)
    else:
        shutil.copyfile(source, target)
    return target


def test_data_as_a_symlink_out_of_the_release_is_not_followed(release: Path) -> None:
    target = outside_copy(release, "data")
    shutil.rmtree(release / "data")
    (release / "data").symlink_to(target)
    report = validate_release(release)
    assert [s.message for s in report.outcome("release_files").samples] == [
        f"data is a symlink to {target}, not a folder"
    ]
    assert [s.field for s in report.outcome("regular_files").samples] == ["data"]
    # nothing under the link is read: the shard listed in SHA256SUMS is not found
    assert f"{SHARD} is listed but not in the release" in [
        s.message for s in report.outcome("checksums_match").samples
    ]
    assert [s.message for s in report.outcome("shard_names").samples] == [
        "the release has no shard"
    ]
    assert run(release)[0] == 1


def test_a_shard_as_a_symlink_out_of_the_release_is_not_read(release: Path) -> None:
    target = outside_copy(release, SHARD)
    (release / SHARD).unlink()
    (release / SHARD).symlink_to(target)
    assert messages(release, "regular_files") == [
        f"{SHARD} is a symlink to {target}; validate never follows a link"
    ]
    assert messages(release, "checksums_match") == [
        f"{SHARD} is listed; {SHARD} is a symlink to {target}"
    ]
    report = validate_release(release)
    assert report.outcome("card_fingerprint").status == "skipped"
    assert run(release)[0] == 1


def test_the_card_as_a_symlink_out_of_the_release_is_not_read(release: Path) -> None:
    target = outside_copy(release, "README.md")
    (release / "README.md").unlink()
    (release / "README.md").symlink_to(target)
    report = validate_release(release)
    assert [s.message for s in report.outcome("release_files").samples] == [
        f"README.md is a symlink to {target}, not a file"
    ]
    assert report.outcome("card_header").skipped == f"README.md is a symlink to {target}"
    assert run(release)[0] == 1


def test_a_fifo_in_place_of_the_shard_does_not_block(release: Path) -> None:
    (release / SHARD).unlink()
    os.mkfifo(release / SHARD)
    code, output, seconds = run(release)
    assert code == 1 and seconds < 60
    assert f"{SHARD} is a FIFO; validate opens regular files only" in output


@pytest.mark.parametrize(("name", "target"), [(SHARD, "/dev/zero"), ("data/root", "/")])
def test_symlinks_to_a_device_or_to_root_are_not_followed(
    release: Path, name: str, target: str
) -> None:
    if name == SHARD:
        (release / SHARD).unlink()
    (release / name).symlink_to(target)
    code, output, seconds = run(release)
    assert code == 1 and seconds < 60
    assert f"{name} is a symlink to {target}; validate never follows a link" in output


def test_a_symlink_loop_is_reported(release: Path) -> None:
    (release / "data" / "a").symlink_to("b")
    (release / "data" / "b").symlink_to("a")
    code, output, _ = run(release)
    assert code == 1
    assert "data/a is a symlink to b;" in output and "data/b is a symlink to a;" in output


# -- croissant.json ----------------------------------------------------------------------


def edit_croissant(release: Path, change: Callable[[dict[str, Any]], None]) -> None:
    path = release / "croissant.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    reseal(release)


def test_invalid_croissant_json_fails(release: Path) -> None:
    (release / "croissant.json").write_text('{"@type": "sc:Dataset",', encoding="utf-8")
    reseal(release)
    [message] = messages(release, "croissant_readable")
    assert message.startswith("croissant.json is not UTF-8 JSON: Expecting property name")
    assert validate_release(release).outcome("croissant_files").status == "skipped"


def test_an_oversize_croissant_is_refused_unread(release: Path) -> None:
    with (release / "croissant.json").open("r+b") as handle:
        handle.truncate(300 * 1024**2)  # sparse: 300 MB of zeros after the JSON
    assert messages(release, "croissant_readable") == [
        "croissant.json has 314,572,800 bytes; validate reads at most 16,777,216"
    ]


@pytest.mark.parametrize("depth", [40, 200_000])
def test_a_deeply_nested_croissant_is_refused(release: Path, depth: int) -> None:
    (release / "croissant.json").write_text("[" * depth + "]" * depth, encoding="utf-8")
    reseal(release)
    assert messages(release, "croissant_readable") == [
        f"croissant.json nests {depth:,} levels deep; at most 32 are read"
    ]


def test_croissant_with_a_wrong_shard_hash_fails(release: Path) -> None:
    def rehash(doc: dict[str, Any]) -> None:
        [shard] = [d for d in doc["distribution"] if d["@type"] == "cr:FileObject"]
        shard["sha256"] = "0" * 64

    edit_croissant(release, rehash)
    [message] = messages(release, "croissant_files")
    assert message.startswith(f"croissant.json gives {SHARD} sha256 {'0' * 64}; the file's is ")


def test_croissant_with_a_wrong_field_type_fails(release: Path) -> None:
    def retype(doc: dict[str, Any]) -> None:
        [record_set] = doc["recordSet"]
        for item in record_set["field"]:
            if item["name"] == "word_count":
                item["dataType"] = "sc:Text"

    edit_croissant(release, retype)
    [message] = messages(release, "croissant_fields")
    assert message.startswith('field word_count is {"@id": "train/word_count", "@type": "cr:Field"')
    assert '"dataType": "sc:Text"' in message and '"dataType": "sc:Integer"' in message


def test_croissant_with_a_wrong_record_count_fails(release: Path) -> None:
    key = "rai:dataCollectionMissingData"

    def recount(doc: dict[str, Any]) -> None:
        statement = doc[key]
        assert isinstance(statement, str) and statement.startswith("0 of 3 records")
        doc[key] = statement.replace("0 of 3 records", "0 of 4 records")

    edit_croissant(release, recount)
    assert messages(release, "croissant_counts") == [
        "croissant.json states 4 records; the shards hold 3 rows"
    ]


# -- the card's YAML front matter --------------------------------------------------------


def replace_front_matter(release: Path, header: str) -> None:
    card = release / "README.md"
    text = card.read_text(encoding="utf-8")
    end = text.index("\n---\n", 4)
    card.write_text(f"---\n{header}{text[end + 1 :]}", encoding="utf-8")
    reseal(release)


def test_a_yaml_alias_bomb_in_the_features_is_refused(release: Path) -> None:
    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    bomb = "dataset_info:\n  features:\n" + "".join(f"    {line}\n" for line in levels)
    assert len(bomb) < 1024  # 9^10 strings once expanded
    replace_front_matter(release, bomb)
    code, output, seconds = run(release)
    assert code == 1 and seconds < 60
    assert "README.md: the front matter uses a YAML anchor or alias at line 3" in output


def test_a_50_mb_string_in_the_front_matter_is_refused(release: Path) -> None:
    replace_front_matter(release, "pretty_name: " + "x" * 50_000_000 + "\n")
    [message] = messages(release, "card_header")
    assert message.startswith("README.md has 50,0") and message.endswith(
        " bytes; validate reads at most 16,777,216"
    )


def test_a_front_matter_over_its_cap_is_refused_unparsed(release: Path) -> None:
    replace_front_matter(release, "pretty_name: " + "x" * 2_000_000 + "\n")
    assert messages(release, "card_header") == [
        "README.md: the front matter has 2,000,014 bytes; validate reads at most 1,048,576"
    ]


def test_a_deeply_nested_front_matter_is_refused(release: Path) -> None:
    replace_front_matter(release, "pretty_name: " + "[" * 5000 + "]" * 5000 + "\n")
    [message] = messages(release, "card_header")
    assert message == "README.md: the front matter nests deeper than 32 levels (line 1)"


def test_a_deeply_nested_build_report_is_refused(release: Path) -> None:
    (release / "build-report.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    reseal(release)
    assert messages(release, "report_readable") == [
        "build-report.json is not a JSON object: build-report.json nests 100,000 levels deep;"
        " at most 32 are read"
    ]


def test_a_5000_digit_number_in_the_front_matter_fails_as_data(release: Path) -> None:
    replace_front_matter(release, "num_examples: " + "7" * 5000 + "\n")
    [message] = messages(release, "card_header")
    assert message.startswith("the front matter cannot be read: Exceeds the limit (4300 digits)")
    assert run(release)[0] == 1


def test_a_folder_nested_past_the_depth_cap_is_reported_not_entered(release: Path) -> None:
    deep = release / "data" / "a" / "b" / "c"
    (deep / "d").mkdir(parents=True)
    (deep / "d" / "notes.txt").write_text("hidden\n", encoding="utf-8")
    assert messages(release, "regular_files") == [
        "data/a/b/c is a folder 4 levels deep; a release has two (data/<shard>), and validate "
        "does not look inside it"
    ]


def test_a_folder_of_too_many_entries_cannot_be_validated(
    release: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import broadsheet.validate.files

    # five files, data/ and one shard: seven entries
    monkeypatch.setattr(broadsheet.validate.files, "MAX_ENTRIES", 7)
    (release / "data" / "extra.txt").write_text("one too many\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(release)])
    assert result.exit_code == 2
    assert f"error [validate_failed]: {release} holds more than 7 entries" in result.output
