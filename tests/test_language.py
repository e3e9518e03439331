"""Language identification: CLD2 codes as current BCP-47 tags, and no crash on odd text."""

from __future__ import annotations

import pytest

from broadsheet.errors import PageError
from broadsheet.parsers.common import detect_language

ENGLISH = (
    "The government announced on Tuesday a new series of measures to support farmers across "
    "the south of the country, after a dry summer left many fields without a harvest."
)


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        (ENGLISH, "en"),
        (
            "Le gouvernement a annoncé mardi une nouvelle série de mesures pour soutenir les "
            "agriculteurs du sud du pays, après un été sec qui a laissé de nombreux champs vides.",
            "fr",
        ),
        (
            "أعلنت الحكومة يوم الثلاثاء عن سلسلة جديدة من الإجراءات لدعم المزارعين في جنوب البلاد",
            "ar",
        ),
        ("הממשלה הודיעה ביום שלישי על סדרה חדשה של צעדים לתמיכה בחקלאים בדרום הארץ", "he"),
        ("12 345 678 — 90 %", "und"),
    ],
)
def test_tags_are_current_bcp47(text: str, tag: str) -> None:
    assert detect_language(text) == tag  # CLD2 says "iw" for Hebrew and "un" for numbers


REFUSED_BY_CLD2 = [
    *range(0x00, 0x09),
    0x0B,
    *range(0x0E, 0x20),
    *range(0x7F, 0xA0),
    *range(0xFDD0, 0xFDF0),
    *(plane + last for plane in range(0, 0x110000, 0x10000) for last in (0xFFFE, 0xFFFF)),
]


def test_characters_cld2_refuses_do_not_stop_identification() -> None:
    for code in REFUSED_BY_CLD2:
        assert detect_language(ENGLISH.replace(" new ", f" new{chr(code)} ")) == "en", hex(code)
    assert detect_language(ENGLISH.replace(" new ", " new\udc80 ")) == "en"  # lone surrogate


def test_an_empty_text_is_no_body() -> None:
    with pytest.raises(PageError) as caught:
        detect_language(" \n\t ")
    assert caught.value.code == "no_body"
