"""The faster text-rendering parse paths give what the plain definitions give."""

from __future__ import annotations

import string

from broadsheet.parsers.almayadeen_layout import line_starts_holding
from broadsheet.parsers.almayadeen_text import PARSER
from broadsheet.parsers.base import Document
from broadsheet.parsers.common import build_article
from broadsheet.records.model import Block, count_words
from broadsheet.sources.items import Page

ASCII_SPACES = "".join(chr(code) for code in range(128) if chr(code).isspace())


def test_word_count_of_ascii_text_is_the_split_count() -> None:
    samples = [
        "",
        " ",
        "one",
        " one ",
        "one two  three",
        "\n\none\n\ntwo\t\tthree\x0b\x0cfour\x1c\x1d\x1e\x1ffive\r\n",
        ASCII_SPACES + "a" + ASCII_SPACES + "b" + ASCII_SPACES,
        string.printable * 3,
        "".join(chr(code) for code in range(128)),
        "x\x00y\x1bz",  # control characters that are no whitespace join words
        "caf\u00e9 na\u00efve\u00a0text\u2003here",  # not ASCII: the split itself
    ]
    for text in samples:
        assert count_words(text) == len(text.split()), repr(text)


def _page(text: str) -> Page:
    data = text.encode("utf-8")
    return Page(source_file="x.txt", data=data)


def test_byline_search_reads_the_lines_line_starts_holding_gives() -> None:
    chrome = "Al Mayadeen English\n\n  \u2022 Ar\n  \u2022 Es\nA: b\nBy the way\n"
    text = chrome + "\nHeadline here\n\n  \u2022 By A and B\n  \u2022 1 Feb 2024 10:00\n"
    starts = list(line_starts_holding(text, ("By", ":")))
    byline = text.index("  \u2022 By")
    assert byline in starts and starts == sorted(starts)
    body = "2 Min Read\n\nA standfirst.\n\nThe body, a sentence.\n\nMost Read\n"
    article = PARSER.parse(Document(page=_page(text + body), text=text + body, is_html=False))
    assert article.title == "Headline here"
    assert article.authors == ["A", "B"]


def test_an_unsafe_string_anywhere_still_makes_the_fields_safe() -> None:
    page = Page(source_file="x.txt", data=b"x")
    body = [Block(kind="paragraph", text="Plain prose here.")]
    clean = build_article(page=page, parser="p@1.0", publisher="P", title="T", body=body)
    assert clean.text == "Plain prose here."
    dirty = build_article(
        page=page,
        parser="p@1.0",
        publisher="P",
        title="T\x07",
        body=body,
        description="d\x01",
        tags=["a\x02"],
    )
    assert (dirty.title, dirty.description, dirty.tags) == ("T", "d", ["a"])
