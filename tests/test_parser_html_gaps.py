"""Subheadings and lists put back into a text of paragraphs; mojibake repaired.

Real pages are in tests/fixtures/html/body/ (sources and licences in its README); the
expected texts below were read off those pages.
"""

from __future__ import annotations

import gzip
from pathlib import Path

from lxml.html import fromstring

from broadsheet.parsers import parse_page
from broadsheet.parsers.htmlgaps import fill_gaps
from broadsheet.parsers.mojibake import repair_mojibake
from broadsheet.records.model import Article, Block
from broadsheet.sources.items import Page

FIXTURES = Path(__file__).parent / "fixtures" / "html" / "body"


def parse_fixture(name: str) -> Article:
    data = gzip.decompress((FIXTURES / name).read_bytes())
    return parse_page(Page(source_file=name, data=data, url=None))


def at(body: list[Block], text: str) -> int:
    return next(i for i, b in enumerate(body) if b.text == text)


# ---------------------------------------------------------------- a real page


def test_subheadings_and_lists_come_back_in_place() -> None:
    # No article container that trafilatura knows: its text was the loose paragraphs only.
    body = parse_fixture("kouzina_kitchen_sink.html.gz").body
    heading = at(body, "Know About Cloud Computing")
    assert body[heading].kind == "heading"
    assert body[heading - 1].text == (
        "Let’s help you understand why it’s becoming a popular business approach."
    )
    assert body[heading + 1].text.startswith("Cloud computing refers to delivering computing")
    sub = at(body, "Benefits of Cloud Computing:")
    assert body[sub].kind == "heading" and sub > heading
    item = body[sub + 1]
    assert item.kind == "list_item"
    assert item.text == (
        "Cost Efficiency: Cloud computing reduces the need for upfront hardware investment "
        "and reduces ongoing IT maintenance costs."
    )
    virtualization = next(b for b in body if b.text.startswith("Virtualization"))
    assert virtualization.kind == "list_item"
    assert at(body, "Key Components and Terminology:") < body.index(virtualization)
    # the table of contents ("Example H2") and the page's menus stay out
    assert not any(b.text == "Example H2" for b in body)


def test_mojibake_of_the_page_is_repaired() -> None:
    # The page prints "Earthâ\x80\x99s": UTF-8 bytes read as Latin-1 before it was saved.
    article = parse_fixture("neste_climate_hotspots.html.gz")
    assert any(
        b.text.startswith(
            "The last decade was the warmest on record disrupting the Earth’s natural systems."
        )
        for b in article.body
    )
    assert "“Because school buses have long lifespans they are hard to electrify overnight,”" in (
        article.text
    )
    assert "\u0080" not in article.text and "â" not in article.text


# ---------------------------------------------------------------- the rules


PARAS = [
    "The council met on Tuesday to discuss the new budget for the coming year and its plans.",
    "Members agreed that the library and the swimming pool would stay open on Sundays.",
    "The vote on the new cycle lanes was put off until the next meeting in the spring.",
]


def page_of(inner: str) -> str:
    return f"<html><body><nav><ul><li>Home</li><li>News</li></ul></nav>{inner}</body></html>"


def test_fill_gaps_puts_headings_and_items_between_paragraphs() -> None:
    tree = fromstring(
        page_of(
            f"<div><p>{PARAS[0]}</p><h2>What was decided</h2><p>{PARAS[1]}</p>"
            f"<ul><li>Library: open</li><li>Pool: open <ul><li>Sauna: closed</li></ul></li>"
            f"</ul><p>{PARAS[2]}</p><h2>After the text</h2><ul><li>Not between</li></ul></div>"
        )
    )
    blocks = [Block(kind="paragraph", text=t) for t in PARAS]
    out = fill_gaps(tree, blocks)
    assert [(b.kind, b.text) for b in out] == [
        ("paragraph", PARAS[0]),
        ("heading", "What was decided"),
        ("paragraph", PARAS[1]),
        ("list_item", "Library: open"),
        ("list_item", "Pool: open"),
        ("list_item", "Sauna: closed"),
        ("paragraph", PARAS[2]),
    ]


def test_fill_gaps_leaves_out_teasers_contents_hidden_and_chrome() -> None:
    tree = fromstring(
        page_of(
            f"<div><p>{PARAS[0]}</p>"
            '<ul><li><a href="#vote">The vote</a></li><li><a href="#pool">Pool</a></li></ul>'
            '<ul><li><a href="/other">Another story</a> (video)</li></ul>'
            '<a href="/more"><h3>A linked teaser headline</h3></a>'
            '<h2 style="display: none">Hidden heading</h2>'
            f"<aside><h2>In the margin</h2></aside><p>{PARAS[1]}</p><p>{PARAS[2]}</p></div>"
        )
    )
    blocks = [Block(kind="paragraph", text=t) for t in PARAS]
    assert fill_gaps(tree, blocks) == blocks


def test_fill_gaps_keeps_a_text_that_has_structure_or_too_few_paragraphs() -> None:
    tree = fromstring(page_of(f"<div><p>{PARAS[0]}</p><h2>Between</h2><p>{PARAS[1]}</p></div>"))
    two = [Block(kind="paragraph", text=t) for t in PARAS[:2]]
    assert fill_gaps(tree, two) == two
    structured = [*two, Block(kind="heading", text="Elsewhere")]
    assert fill_gaps(tree, structured) == structured


def test_repair_mojibake() -> None:
    assert repair_mojibake("it\u00e2\u0080\u0099s") == "it’s"
    assert repair_mojibake("\u0093quoted\u0094 \u0097 dash") == "“quoted” — dash"
    assert repair_mojibake("caf\u00c3\u00a9 and \u00e2 alone") == "caf\u00c3\u00a9 and \u00e2 alone"
    assert repair_mojibake("an undefined byte \u0081 is dropped") == "an undefined byte  is dropped"


def test_repair_mojibake_sees_both_ends_of_the_c1_range() -> None:
    # Windows-1252 prints byte 0x80 as the euro sign and 0x9F as a capital Y with diaeresis;
    # U+007F and U+00A0 on either side of the range are not control characters to repair.
    assert repair_mojibake("price \u0080 5") == "price € 5"
    assert repair_mojibake("\u009fes") == "Ÿes"
    assert repair_mojibake("del\u007f nbsp\u00a0 é") == "del\u007f nbsp\u00a0 é"
