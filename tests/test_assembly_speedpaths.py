"""Fast paths of record assembly and digests: same results as the slow paths they skip."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from article_factory import built_article
from broadsheet.parsers.common import safe_text
from broadsheet.records.model import Image, Related
from broadsheet.release.fingerprint import canonical_json, record_digest

PROSE = "Twelve words of prose make a body that the record accepts as text."


@pytest.mark.parametrize("length", [10, 255, 256, 257, 5000])
def test_safe_text_is_the_same_below_and_above_the_bytes_check(length: int) -> None:
    # Short texts are checked with the pattern, long ones on their UTF-8 bytes.
    clean = ("Beirut \u0628\u064a\u0631\u0648\u062a news " * 400)[:length]
    assert safe_text(clean) is clean
    assert safe_text(clean[:-1] + "\x07") == clean[:-1]
    assert safe_text("\ud800" + clean[1:]) == "\ufffd" + clean[1:]
    assert safe_text(clean + "\x7f") == clean


def test_one_unsafe_string_anywhere_makes_every_field_safe() -> None:
    # Only the tag holds a control character: the joined check must still catch it, and
    # the other fields keep their values.
    record = built_article(
        "tags.txt",
        "A title",
        [("paragraph", PROSE)],
        description="A plain description",
        tags=["Lebanon", "Ty\x00re"],
        authors=["Staff"],
    )
    assert record.tags == ["Lebanon", "Tyre"]
    assert record.description == "A plain description"
    assert record.authors == ["Staff"]


def test_unsafe_strings_in_nested_mappings_and_records_are_made_safe() -> None:
    record = built_article(
        "nested.txt",
        "A title",
        [("paragraph", PROSE)],
        images=[
            Image(url=None, alt="Harbour\x1f view", caption=None, credit=None),
            {"url": None, "alt": None, "caption": "Boats", "credit": "AP\x0b"},
        ],
        related=[Related(title="Next\x1b story", url=None, kind="related")],
    )
    assert [(i.alt, i.credit) for i in record.images] == [("Harbour view", None), (None, "AP")]
    assert record.related[0].title == "Next story"


def test_safe_values_pass_through_unchanged() -> None:
    image = Image(url=None, alt="Harbour", caption="Boats at dawn (AP)", credit="AP")
    record = built_article(
        "plain.txt",
        "A title",
        [("paragraph", PROSE), ("paragraph", "\u0628\u064a\u0631\u0648\u062a " * 100)],
        images=[image, {"url": None, "alt": "", "caption": None, "credit": None}],
        tags=[],
    )
    assert record.images[0] == image
    assert record.images[1].alt == ""
    assert len(record.body) == 2


def test_a_long_body_block_with_a_control_character_is_made_safe() -> None:
    long = "word " * 200  # over the length at which texts are checked on their bytes
    record = built_article(
        "body.txt",
        "A title",
        [("paragraph", PROSE), ("paragraph", long + "\x00end"), ("paragraph", "\x07")],
    )
    assert [b.text for b in record.body] == [PROSE, long + "end"]  # the bell alone: dropped


def test_record_digest_hashes_the_canonical_line() -> None:
    beirut = timezone(timedelta(hours=3))
    row = {
        "id": "x",
        "published_at": datetime(2023, 11, 27, 12, 15, tzinfo=beirut),
        "captured_at": datetime(2023, 11, 27, 10, 0),  # naive: taken as UTC
        "captured_after": date(2023, 11, 1),
        "images": [{"caption": "Boats \u00e9", "url": None}],
        "share_count": 2**70,  # beyond 64 bits: written by json instead of orjson
        "word_count": 12,
    }
    line = canonical_json(row)
    assert '"published_at":"2023-11-27T09:15:00.000000Z"' in line
    assert '"captured_at":"2023-11-27T10:00:00.000000Z"' in line
    assert '"captured_after":"2023-11-01"' in line
    assert '"share_count":1180591620717411303424' in line
    assert record_digest(row) == hashlib.sha256(line.encode("utf-8")).digest()
    del row["share_count"]
    assert record_digest(row) == hashlib.sha256(canonical_json(row).encode("utf-8")).digest()
    assert canonical_json({"t": datetime(2024, 1, 1, tzinfo=UTC)}) == (
        '{"t":"2024-01-01T00:00:00.000000Z"}'
    )
