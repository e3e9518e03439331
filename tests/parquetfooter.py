"""Read and rewrite the Thrift footer of a Parquet file, to forge its metadata in tests.

A Parquet footer is a ``FileMetaData`` struct in Thrift's compact protocol, followed by its
length (4 bytes, little-endian) and ``PAR1``. :func:`decode` turns it into nested
:class:`Struct` values (field id -> value), :func:`encode` writes them back, so a test can
change one number (the row count, a column chunk's offset) and keep the rest of the file.

Field ids used (parquet.thrift): FileMetaData 3 num_rows, 4 row_groups; RowGroup 1 columns,
3 num_rows; ColumnChunk 3 meta_data; ColumnMetaData 9 data_page_offset.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any

_STOP, _TRUE, _FALSE, _BYTE, _I16, _I32, _I64, _DOUBLE, _BINARY, _LIST, _SET, _MAP, _STRUCT = range(
    13
)


@dataclass
class Struct:
    """A Thrift struct: fields in file order, each (id, compact type, value)."""

    fields: list[list[Any]] = field(default_factory=list)

    def get(self, fid: int) -> Any:
        return next(value for f, _, value in self.fields if f == fid)

    def set(self, fid: int, value: Any) -> None:
        for entry in self.fields:
            if entry[0] == fid:
                entry[2] = value
                return
        raise KeyError(fid)


@dataclass
class ListValue:
    element_type: int
    items: list[Any]


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def byte(self) -> int:
        value = self.data[self.pos]
        self.pos += 1
        return value

    def varint(self) -> int:
        shift = result = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                return result
            shift += 7

    def zigzag(self) -> int:
        n = self.varint()
        return (n >> 1) ^ -(n & 1)

    def value(self, kind: int) -> Any:
        if kind in (_TRUE, _FALSE):
            return kind == _TRUE
        if kind == _BYTE:
            return self.byte()
        if kind in (_I16, _I32, _I64):
            return self.zigzag()
        if kind == _DOUBLE:
            self.pos += 8
            return struct.unpack("<d", self.data[self.pos - 8 : self.pos])[0]
        if kind == _BINARY:
            size = self.varint()
            self.pos += size
            return self.data[self.pos - size : self.pos]
        if kind in (_LIST, _SET):
            header = self.byte()
            size, element = header >> 4, header & 0x0F
            if size == 15:
                size = self.varint()
            if element in (_TRUE, _FALSE):
                return ListValue(element, [self.byte() == _TRUE for _ in range(size)])
            return ListValue(element, [self.value(element) for _ in range(size)])
        if kind == _STRUCT:
            return self.struct()
        raise ValueError(f"unsupported compact type {kind}")

    def struct(self) -> Struct:
        out = Struct()
        last = 0
        while True:
            header = self.byte()
            kind = header & 0x0F
            if kind == _STOP:
                return out
            delta = header >> 4
            fid = last + delta if delta else self.zigzag()
            out.fields.append([fid, kind, self.value(kind)])
            last = fid


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        if n < 0x80:
            out.append(n)
            return bytes(out)
        out.append((n & 0x7F) | 0x80)
        n >>= 7


def _zigzag(n: int) -> bytes:
    return _varint((n << 1) ^ (n >> 63))


def _encode_value(kind: int, value: Any) -> bytes:
    if kind in (_TRUE, _FALSE):
        return b""
    if kind == _BYTE:
        return bytes([value])
    if kind in (_I16, _I32, _I64):
        return _zigzag(value)
    if kind == _DOUBLE:
        return struct.pack("<d", value)
    if kind == _BINARY:
        return _varint(len(value)) + bytes(value)
    if kind in (_LIST, _SET):
        size, element = len(value.items), value.element_type
        head = (
            bytes([(size << 4) | element]) if size < 15 else bytes([0xF0 | element]) + _varint(size)
        )
        if element in (_TRUE, _FALSE):
            return head + bytes(_TRUE if v else _FALSE for v in value.items)
        return head + b"".join(_encode_value(element, v) for v in value.items)
    if kind == _STRUCT:
        return encode(value)
    raise ValueError(f"unsupported compact type {kind}")


def encode(value: Struct) -> bytes:
    out = bytearray()
    last = 0
    for fid, kind, item in value.fields:
        if kind in (_TRUE, _FALSE):
            kind = _TRUE if item else _FALSE
        delta = fid - last
        if 0 < delta <= 15:
            out.append((delta << 4) | kind)
        else:
            out.append(kind)
            out += _zigzag(fid)
        out += _encode_value(kind, item)
        last = fid
    out.append(_STOP)
    return bytes(out)


def decode(data: bytes) -> Struct:
    return _Reader(data).struct()


def read_footer(parquet: bytes) -> tuple[bytes, Struct]:
    """The bytes before the footer, and the footer decoded."""
    assert parquet[:4] == b"PAR1" and parquet[-4:] == b"PAR1"
    (length,) = struct.unpack("<I", parquet[-8:-4])
    start = len(parquet) - 8 - length
    return parquet[:start], decode(parquet[start:-8])


def write_footer(body: bytes, footer: Struct) -> bytes:
    data = encode(footer)
    return body + data + struct.pack("<I", len(data)) + b"PAR1"
