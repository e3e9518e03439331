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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from broadsheet.arrow import ARTICLE_SCHEMA
from broadsheet.recipe import DatasetInfo

SHARD_PATTERN = "data/train-*.parquet"
_SHARD_NAME = re.compile(r"^train-(\d{5})-of-(\d{5})\.parquet$")
_SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
_CHUNK = 65_536


# -- canonical records, hashes and the content fingerprint ---------------------------------


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    return value


def canonical_json(row: Mapping[str, Any]) -> str:
    """A record as one line of canonical JSON: sorted keys, UTC 'YYYY-MM-DDTHH:MM:SS.ffffffZ'.

    Independent of library versions: it is what the fingerprint and change detection hash.
    """
    return _dumps(_json_value(dict(row)))


def _dumps(value: dict[str, Any]) -> str:
    """``json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))``.

    orjson writes exactly that text for records (strings, integers, null, lists and objects)
    about ten times faster; anything it refuses (integers beyond 64 bits, lone surrogates)
    goes through ``json``.
    """
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode("utf-8")
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _utc_text(micros: int) -> str:
    return (_EPOCH + timedelta(microseconds=micros)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _date_text(days: int) -> str:
    return (_EPOCH + timedelta(days=days)).date().isoformat()


def canonical_lines(table: pa.Table) -> Iterator[tuple[str, str]]:
    """(id, :func:`canonical_json` line) of every row, converted a slice at a time.

    Times and dates leave Arrow as integers and are formatted here, which gives the same
    text as :func:`canonical_json` on the row's Python values, faster.
    """
    times = [f.name for f in table.schema if pa.types.is_timestamp(f.type)]
    dates = [f.name for f in table.schema if pa.types.is_date32(f.type)]
    for name in times + dates:
        index = table.schema.get_field_index(name)
        kind = pa.int64() if name in times else pa.int32()
        table = table.set_column(index, name, table.column(index).cast(kind))
    for batch in table.to_batches(max_chunksize=512):
        for row in batch.to_pylist():
            for name in times:
                if row[name] is not None:
                    row[name] = _utc_text(row[name])
            for name in dates:
                if row[name] is not None:
                    row[name] = _date_text(row[name])
            yield str(row["id"]), _dumps(row)


def record_digest(row: Mapping[str, Any]) -> bytes:
    """The sha256 of a record's :func:`canonical_json` line, from its Python values.

    The record's times and dates are top-level fields, so only those are formatted here;
    the result equals :func:`record_digests_of` on the record's Arrow row.
    """
    line = {k: _json_value(v) if isinstance(v, date) else v for k, v in row.items()}
    return hashlib.sha256(_dumps(line).encode("utf-8")).digest()


def record_digests_of(table: pa.Table) -> list[bytes]:
    """The sha256 of each row's :func:`canonical_json` line (32 bytes a row, in row order).

    Workers compute these for their batches, so that the build process only chains them.
    """
    return _lines_and_digests(table)[1]


def _lines_and_digests(table: pa.Table) -> tuple[list[bytes], list[bytes]]:
    lines = [line.encode("utf-8") for _id, line in canonical_lines(table)]
    return lines, [hashlib.sha256(line).digest() for line in lines]


class Fingerprint:
    """The content fingerprint, fed table by table in id order.

    sha256 over the records' digests (each the sha256 of the record's :func:`canonical_json`
    line) in id order, so two releases share a fingerprint exactly when they hold the same
    records in the same order.
    """

    def __init__(self, *, legacy: bool = False) -> None:
        self._sha = hashlib.sha256()
        # broadsheet 0.1.0 hashed the canonical lines themselves, one after the other.
        self._legacy = hashlib.sha256() if legacy else None

    def add(
        self, table: pa.Table, digests: Sequence[bytes] | None = None
    ) -> Iterator[tuple[str, bytes]]:
        """Chain the rows of ``table``; yields (id, 16-byte digest of the record) per row.

        ``digests`` are the rows' :func:`record_digests_of`, when already computed.
        """
        if digests is None:
            lines, digests = _lines_and_digests(table)
            if self._legacy is not None:
                for line in lines:
                    self._legacy.update(line + b"\n")
        else:
            self._legacy = None
        ids = table.column("id").to_pylist()
        if len(digests) != len(ids):
            raise ValueError(f"{len(digests)} digests for {len(ids)} rows")
        for id_, digest in zip(ids, digests, strict=True):
            self._sha.update(digest)
            yield str(id_), digest[:16]

    def hexdigest(self) -> str:
        return self._sha.hexdigest()

    def legacy_hexdigest(self) -> str | None:
        """The fingerprint as broadsheet 0.1.0 computed it (to validate its releases)."""
        return None if self._legacy is None else self._legacy.hexdigest()


def fingerprint(tables: Iterable[pa.Table]) -> str:
    """The content fingerprint of a release's rows (its shards' tables, in shard order)."""
    fp = Fingerprint()
    for table in tables:
        for _ in fp.add(table):
            pass
    return fp.hexdigest()


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
