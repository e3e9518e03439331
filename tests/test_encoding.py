"""Decoding page bytes: BOM, declared charsets, UTF-8, detection, and never a crash."""

from __future__ import annotations

import random

import pytest

from broadsheet.errors import PageError
from broadsheet.sources.encoding import codec_for, decode

QUOTE = "The minister said \u201cwe will not retreat\u201d \u2014 and left the hall."
FRENCH = "Le président a déclaré que la crème brûlée était froide."
RUSSIAN = "Президент заявил в среду, что переговоры возобновятся в Женеве после лета."


def html(body: str, head: str = "") -> str:
    return f"<html><head>{head}<title>News</title></head><body><p>{body}</p></body></html>"


def test_windows_1252_bytes_behind_a_wrong_utf8_header() -> None:
    data = html(QUOTE).encode("cp1252")

    assert decode(data, "text/html; charset=utf-8") == html(QUOTE)


def test_windows_1252_bytes_behind_a_wrong_utf8_meta() -> None:
    page = html(QUOTE, '<meta charset="utf-8">')

    assert decode(page.encode("cp1252")) == page


def test_latin1_without_declaration() -> None:
    assert decode(FRENCH.encode("latin-1")) == FRENCH
    assert decode("Caf\u00e9 au lait".encode("latin-1")) == "Caf\u00e9 au lait"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec: str) -> None:
    data = "\ufeff".encode(codec) + html(RUSSIAN).encode(codec)

    assert decode(data, "text/html; charset=iso-8859-1") == html(RUSSIAN)


def test_utf8_bom_wins_over_a_declaration() -> None:
    data = b"\xef\xbb\xbf" + html(FRENCH).encode("utf-8")

    assert decode(data, "text/html; charset=windows-1251") == html(FRENCH)


def test_meta_charset_only() -> None:
    page = html(
        RUSSIAN, '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
    )

    assert decode(page.encode("cp1251")) == page


def test_latin1_label_means_windows_1252_as_in_browsers() -> None:
    page = html(QUOTE, '<meta charset="ISO-8859-1">')

    assert decode(page.encode("cp1252")) == page  # not C1 control characters


def test_header_charset_comes_before_meta() -> None:
    page = html(RUSSIAN, '<meta charset="koi8-r">')

    assert decode(page.encode("cp1251"), "text/html; charset=windows-1251") == page


def test_utf8_page_behind_a_single_byte_header_stays_utf8() -> None:
    page = html(FRENCH + " " + QUOTE)

    assert decode(page.encode("utf-8"), "text/html; charset=ISO-8859-1") == page


def test_a_utf16_label_on_single_byte_markup_is_ignored() -> None:
    page = html(FRENCH + " " + QUOTE)
    page += " " * (len(page.encode("utf-8")) % 2)  # even length: it would "decode" as UTF-16

    assert decode(page.encode("utf-8"), "text/html; charset=UTF-16") == page


def test_utf16_without_bom_follows_its_header() -> None:
    page = html(RUSSIAN)

    assert decode(page.encode("utf-16-le"), "text/html; charset=utf-16le") == page


@pytest.mark.parametrize("label", ["x-nonsense", "base64", "rot13", ""])
def test_unknown_or_non_text_declarations_are_ignored(label: str) -> None:
    page = html(FRENCH, f'<meta charset="{label}">')

    assert decode(page.encode("utf-8"), f"text/html; charset={label}") == page
    assert codec_for(label) is None


def test_a_page_cut_inside_a_character_keeps_its_text() -> None:
    data = html(QUOTE * 5).encode("utf-8") + "\u2014".encode()[:2]

    text = decode(data)

    assert text.startswith(html(QUOTE * 5))
    assert text.endswith("\ufffd")


def test_undeclared_cyrillic_is_not_forced_into_windows_1252() -> None:
    assert decode(RUSSIAN.encode("cp1251")) == RUSSIAN


def test_garbage_bytes_are_an_undecodable_page_or_text_never_a_crash() -> None:
    with pytest.raises(PageError) as caught:
        decode(bytes(range(128, 256)) * 4)
    assert caught.value.code == "undecodable"
    assert "512 bytes" in caught.value.message

    rng = random.Random(20240305)
    for _ in range(200):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300)))
        content_type = rng.choice([None, "text/html; charset=utf-8", "text/html; charset=zlib"])
        try:
            assert isinstance(decode(data, content_type), str)
        except PageError as exc:
            assert exc.code == "undecodable"


def test_empty_bytes_are_empty_text() -> None:
    assert decode(b"") == ""
