"""The release on disk: Parquet shards, content fingerprint, Hugging Face card header, checksums.

Everything here is deterministic: the same rows give byte-identical files whatever the
engine, the batch size or the order in which batches finished. Rows are written sorted by
``id``; timestamps are formatted once, in :func:`canonical_json`, for every hash.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from broadsheet.recipe import DatasetInfo
from broadsheet.records.arrow import ARTICLE_SCHEMA
from broadsheet.release.fingerprint import Fingerprint, fingerprint

SHARD_PATTERN = "data/train-*.parquet"
_SHARD_NAME = re.compile(r"^train-(\d{5})-of-(\d{5})\.parquet$")
_SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
_CHUNK = 65_536


def record_digests(release_dir: Path) -> dict[str, bytes]:
    """id -> 16-byte content digest of every record of an existing release."""
    digests: dict[str, bytes] = {}
    fp = Fingerprint()
    for shard in shard_paths(release_dir):
        parquet = pq.ParquetFile(shard)
        for index in range(parquet.num_row_groups):
            digests.update(fp.add(parquet.read_row_group(index)))
    return digests


# -- shards ------------------------------------------------------------------------------


def shard_name(index: int, count: int) -> str:
    """``train-00000-of-00003.parquet``: the file names Hugging Face ``datasets`` uses."""
    return f"train-{index:05d}-of-{count:05d}.parquet"


def shard_paths(release_dir: Path) -> list[Path]:
    """The Parquet shards of a release, in shard order."""
    data = release_dir / "data"
    if not data.is_dir():
        return []
    return sorted(p for p in data.iterdir() if _SHARD_NAME.match(p.name))


def _sorted_ids(table: pa.Table) -> bool:
    ids = table.column("id").to_pylist()
    return all(a < b for a, b in itertools.pairwise(ids))


class ShardWriter:
    """One shard file: exactly ARTICLE_SCHEMA, zstd, no pandas metadata, one row group per
    :meth:`write` of at most ``row_group_rows`` rows (the caller feeds rows in id order)."""

    def __init__(self, path: Path, *, row_group_rows: int) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._rows = row_group_rows
        self._writer = pq.ParquetWriter(
            path,
            ARTICLE_SCHEMA,
            compression="zstd",
            write_statistics=True,
            use_dictionary=True,
        )

    def write(self, table: pa.Table) -> pa.Table:
        """Write rows (sorted by id here); returns them as written."""
        table = table.select(ARTICLE_SCHEMA.names).cast(ARTICLE_SCHEMA)
        if not _sorted_ids(table):
            table = table.sort_by("id")
        table = table.combine_chunks().replace_schema_metadata(None)
        if table.num_rows:
            self._writer.write_table(table, row_group_size=self._rows)
        return table

    def close(self) -> None:
        self._writer.close()


# -- Hugging Face dataset card header --------------------------------------------------------


def _dtype(kind: pa.DataType) -> str:
    if pa.types.is_string(kind):
        return "string"
    if pa.types.is_int64(kind):
        return "int64"
    if pa.types.is_float64(kind):
        return "float64"
    if pa.types.is_timestamp(kind):
        assert isinstance(kind, pa.TimestampType)
        return f"timestamp[{kind.unit}, tz={kind.tz}]" if kind.tz else f"timestamp[{kind.unit}]"
    if pa.types.is_date32(kind):
        return "date32"
    raise ValueError(f"no Hugging Face feature type for Arrow type {kind}")


def _feature(kind: pa.DataType) -> dict[str, Any]:
    """The body of one feature in the ``datasets`` YAML form (without its name)."""
    if pa.types.is_list(kind):
        inner = _feature(kind.value_type)
        if "dtype" in inner:
            return {"list": inner["dtype"]}
        return {"list": inner.get("struct", inner)}
    if pa.types.is_struct(kind):
        return {"struct": [{"name": f.name, **_feature(f.type)} for f in kind]}
    return {"dtype": _dtype(kind)}


def hf_features(schema: pa.Schema = ARTICLE_SCHEMA) -> list[dict[str, Any]]:
    """``dataset_info.features`` of the card, generated from the Arrow schema.

    The same YAML form ``datasets`` writes (``Features.from_arrow_schema(...)._to_yaml_list()``):
    ``{name, dtype}`` for values, ``{name, list: dtype}`` for lists of values and
    ``{name, list: [fields]}`` for lists of structs.
    """
    return [{"name": field.name, **_feature(field.type)} for field in schema]


def size_category(rows: int) -> str:
    """The Hugging Face ``size_categories`` bucket of a row count."""
    bounds = [
        (1_000, "n<1K"),
        (10_000, "1K<n<10K"),
        (100_000, "10K<n<100K"),
        (1_000_000, "100K<n<1M"),
        (10_000_000, "1M<n<10M"),
        (100_000_000, "10M<n<100M"),
        (1_000_000_000, "100M<n<1B"),
    ]
    for bound, label in bounds:
        if rows < bound:
            return label
    return "n>1T" if rows >= 10**12 else "1B<n<10B"


@dataclass(frozen=True, slots=True)
class SplitSizes:
    """What the card header says about the data's size."""

    num_examples: int
    num_bytes: int  # Arrow (in-memory) bytes of the rows, as `datasets` counts them
    download_size: int  # bytes of the Parquet shards


def front_matter(info: DatasetInfo, *, languages: Sequence[str], sizes: SplitSizes) -> str:
    """The card's YAML front matter, between ``---`` lines, ending with a newline."""
    header: dict[str, Any] = {
        "pretty_name": info.pretty_name,
        "license": info.license,
        "license_name": info.license_name,
        "language": sorted(set(languages)),
        "size_categories": [size_category(sizes.num_examples)],
        "task_categories": list(info.task_categories),
        "configs": [
            {
                "config_name": "default",
                "data_files": [{"split": "train", "path": SHARD_PATTERN}],
            }
        ],
        "dataset_info": {
            "features": hf_features(),
            "splits": [
                {
                    "name": "train",
                    "num_bytes": sizes.num_bytes,
                    "num_examples": sizes.num_examples,
                }
            ],
            "download_size": sizes.download_size,
            "dataset_size": sizes.num_bytes,
        },
    }
    text = yaml.safe_dump(header, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{text}---\n"


# -- checksums, immutability, versions -------------------------------------------------------


def sha256_file(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            sha.update(chunk)
    return sha.hexdigest()


def release_files(release_dir: Path) -> list[str]:
    """Relative POSIX paths of every file of a release, sorted."""
    return sorted(
        p.relative_to(release_dir).as_posix() for p in release_dir.rglob("*") if p.is_file()
    )


def write_sha256sums(release_dir: Path) -> None:
    """``SHA256SUMS``: ``<sha256>  <path>`` for every other file, sorted by path."""
    lines = [
        f"{sha256_file(release_dir / name)}  {name}\n"
        for name in release_files(release_dir)
        if name != "SHA256SUMS"
    ]
    (release_dir / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")


def differing_files(a: Path, b: Path) -> list[str]:
    """Files present in only one of two releases or with different bytes, sorted."""
    names_a, names_b = set(release_files(a)), set(release_files(b))
    differ = names_a ^ names_b
    for name in names_a & names_b:
        pa_, pb = a / name, b / name
        if pa_.stat().st_size != pb.stat().st_size or sha256_file(pa_) != sha256_file(pb):
            differ.add(name)
    return sorted(differ)


def load_report(release_dir: Path) -> dict[str, Any] | None:
    """A release's ``build-report.json`` as an object; None when it cannot be read as one."""
    try:
        report = json.loads((release_dir / "build-report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return report if isinstance(report, dict) else None


def stored_fingerprint(release_dir: Path) -> str:
    """The fingerprint an existing release recorded (recomputed if its report is unreadable)."""
    value = (load_report(release_dir) or {}).get("fingerprint")
    if isinstance(value, str):
        return value
    return fingerprint(pq.read_table(path) for path in shard_paths(release_dir))


def parse_version(text: str) -> tuple[int, int, int] | None:
    match = _SEMVER.match(text)
    if not match:
        return None
    major, minor, patch = (int(g) for g in match.groups())
    return major, minor, patch


def previous_version(dataset_dir: Path, version: str) -> str | None:
    """The highest released version of a dataset below ``version``, if any."""
    current = parse_version(version)
    if current is None or not dataset_dir.is_dir():
        return None
    older = [
        (parsed, child.name)
        for child in dataset_dir.iterdir()
        if child.is_dir()
        and (parsed := parse_version(child.name)) is not None
        and parsed < current
        and (child / "build-report.json").is_file()
    ]
    return max(older)[1] if older else None


def compare_digests(previous: Mapping[str, bytes], current: Mapping[str, bytes]) -> dict[str, Any]:
    """Ids added, removed and changed (same id, different record content) between versions."""
    return {
        "added": sorted(current.keys() - previous.keys()),
        "removed": sorted(previous.keys() - current.keys()),
        "changed": sorted(k for k in current.keys() & previous.keys() if current[k] != previous[k]),
    }
