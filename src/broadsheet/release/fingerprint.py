"""The content fingerprint: canonical record lines, their digests, and the chain over them.

The same rows give the same fingerprint whatever the engine, the batch size or the order in
which batches finished; timestamps are formatted once, in :func:`canonical_json`, for every
hash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import orjson
import pyarrow as pa


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


# orjson would write times in its own format: handed to _json_value instead, as json does.
_ORJSON_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME


def _dumps(value: dict[str, Any]) -> str:
    """``json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))``, with
    times and dates formatted by :func:`_json_value`.

    orjson writes exactly that text for records (strings, integers, null, lists and objects)
    about ten times faster; anything it refuses (integers beyond 64 bits, lone surrogates)
    goes through ``json``.
    """
    try:
        return orjson.dumps(value, default=_json_value, option=_ORJSON_OPTIONS).decode("utf-8")
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(
            value, default=_json_value, sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )


def _dump_bytes(value: dict[str, Any]) -> bytes:
    """:func:`_dumps` encoded as UTF-8: orjson's bytes as they come, not decoded and encoded."""
    try:
        return orjson.dumps(value, default=_json_value, option=_ORJSON_OPTIONS)
    except (TypeError, orjson.JSONEncodeError):
        return _dumps(value).encode("utf-8")


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

    Its times and dates are formatted as the line is written; the result equals
    :func:`record_digests_of` on the record's Arrow row.
    """
    line = row if isinstance(row, dict) else dict(row)  # (a record's fields are a dict)
    return hashlib.sha256(_dump_bytes(line)).digest()


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
