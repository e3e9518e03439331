"""Body extraction of the generic HTML parser: navigation never as a body, no chrome inside.

Real pages are in tests/fixtures/html/body/ (sources and licences in its README); the
expected texts below were read off those pages.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from lxml.etree import _Element
from lxml.html import HtmlElement, fromstring

from broadsheet.errors import REASONS, PageError
from broadsheet.parsers import htmlbody
from broadsheet.parsers.html_generic import parse_tree
from broadsheet.parsers.htmlchrome import anchor_texts, menu_evidence, prune_chrome
from broadsheet.parsers.htmlrelated import find_related
from broadsheet.records.model import Block

FIXTURES = Path(__file__).parent / "fixtures" / "html" / "body"


def tree_of(name: str) -> HtmlElement:
    tree = parse_tree(gzip.decompress((FIXTURES / name).read_bytes()).decode("utf-8"))
    assert tree is not None
    return tree


def body_of(name: str, title: str | None = None) -> list[Block]:
    tree = tree_of(name)
    related = find_related(tree, None)
    blocks, _ = htmlbody.clean_blocks(
        htmlbody.extract_blocks(tree), tree, title=title, description=None, related=related
    )
    return blocks


def texts(blocks: list[Block]) -> list[str]:
    return [b.text for b in blocks]


# ---------------------------------------------------------------- real pages


def test_commenting_forum_box_after_the_text_is_dropped() -> None:
    body = texts(body_of("independent_laos.html.gz"))
    assert body[-1] == "This is a breaking new story - more to follow"
    assert (
        "Ms Bowles’ father, Shaun Bowles, confirmed his daughter’s passing to Nine News. "
        "“It is with broken hearts, and we are so sad to say that our beautiful girl Holly "
        "is now at peace,” he said."
    ) in body
    assert not any("commenting forum" in t or "Independent readers" in t for t in body)


def test_related_box_in_the_middle_is_dropped_and_the_text_after_it_kept() -> None:
    body = texts(body_of("mitsloan_machine_learning.html.gz"))
    explainability = next(i for i, t in enumerate(body) if t.startswith("One area of concern"))
    assert body[explainability + 1].startswith(
        "This is especially important because systems can be fooled and undermined"
    )
    assert "Putting machine learning to work" in body  # a section well after the box
    assert "Related Articles" not in body
    assert not any("Why finance is deploying natural language processing" in t for t in body)


def test_text_in_an_element_whose_id_says_related_is_kept() -> None:
    body = texts(body_of("lsc_legal_help.html.gz"))
    assert (
        "If you are looking for help with a civil legal problem, enter an address or city "
        "below to find an LSC-funded legal aid organization near you."
    ) in body
    assert "2. Contact a legal aid organization in your area" in body
    assert not any("I am a Grantee" in t or "Sign Up for the Updates" in t for t in body)


def test_navigation_extracted_from_the_raw_page_is_recognised_and_replaced() -> None:
    raw = tree_of("nike_running_shoes.html.gz")
    first = htmlbody.body_blocks(htmlbody._main_content(raw))
    evidence = menu_evidence(first, anchor_texts(raw))
    assert evidence is not None and "link texts" in evidence
    body = htmlbody.extract_blocks(tree_of("nike_running_shoes.html.gz"))
    assert body and menu_evidence(body, anchor_texts(raw)) is None
    assert any("Nike Vomero Plus" in t for t in texts(body))


# ---------------------------------------------------------------- candidates


ARTICLE = (
    "<html><body><div class='top'>"
    + "".join(f"<div><a href='/s/{i}'>Section {i}</a></div>" for i in range(12))
    + "</div><article><h1>Harbour terminal opens</h1>"
    "<p>The harbour authority opened a new passenger terminal on Friday, replacing a "
    "building that had served ferry travellers since the nineteen sixties.</p>"
    "<p>The terminal has room for twice as many passengers, a covered walkway to the quay "
    "and a waiting hall with views across the bay towards the old lighthouse.</p>"
    "</article></body></html>"
)
MENU = "<body>" + "".join(f"<p>Section {i}</p>" for i in range(12)) + "</body>"


def test_a_menu_as_first_extraction_gives_way_to_the_article(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    menu: _Element = fromstring(MENU)
    monkeypatch.setattr(htmlbody, "_main_content", lambda _tree: menu)
    blocks = htmlbody.extract_blocks(fromstring(ARTICLE))
    assert texts(blocks)[0].startswith("The harbour authority opened a new passenger terminal")
    assert not any(t.startswith("Section") for t in texts(blocks))


def test_a_page_that_is_only_a_menu_is_boilerplate_body(monkeypatch: pytest.MonkeyPatch) -> None:
    page = "<html><body><div>" + MENU[6:-7] + "</div></body></html>"
    page = page.replace("<p>Section", "<p><a href='/s'>Section").replace("</p>", "</a></p>")
    monkeypatch.setattr(htmlbody, "_main_content", lambda _tree: fromstring(MENU))
    with pytest.raises(PageError) as caught:
        htmlbody.extract_blocks(fromstring(page))
    assert caught.value.code == "boilerplate_body"
    assert "100% of its" in caught.value.message
    assert "12 of its 12 blocks" in caught.value.message
    assert "boilerplate_body" in REASONS


def test_fallback_html_becomes_blocks() -> None:
    fragment = fromstring(
        "<div><div class='entry'><h2>Fares</h2><p>Tickets cost less.</p>"
        "<ul><li>Adults: 4 euros</li><li>Children: free</li></ul>"
        "<blockquote><p>We waited years.</p></blockquote>"
        "<table><tr><td>Route</td><td>Minutes</td></tr></table>loose tail</div></div>"
    )
    blocks = htmlbody.body_blocks(fragment)
    assert [(b.kind, b.text) for b in blocks] == [
        ("heading", "Fares"),
        ("paragraph", "Tickets cost less."),
        ("list_item", "Adults: 4 euros"),
        ("list_item", "Children: free"),
        ("quote", "We waited years."),
        ("paragraph", "Route | Minutes"),
        ("paragraph", "loose tail"),
    ]


def test_blocks_nested_in_an_item_keep_their_words_apart() -> None:
    body = fromstring("<body><list><item><p>March 16, 2026</p><p>FABCON</p></item></list></body>")
    assert texts(htmlbody.body_blocks(body)) == ["March 16, 2026 FABCON"]


# ---------------------------------------------------------------- pruning by structure


def pruned(html: str) -> HtmlElement:
    tree = fromstring(html)
    prune_chrome(tree)
    return tree


def test_hover_card_inside_a_paragraph_goes_and_the_sentence_stays() -> None:
    tree = pruned(
        "<html><body><p>The plan was approved, said <a href='/p/roe'>Jane Roe"
        "<span class='author-hovercard'>Jane Roe covers city hall. Follow</span></a>, "
        "the mayor.</p></body></html>"
    )
    assert tree.findtext(".//p") is not None
    assert " ".join(tree.find(".//p").text_content().split()) == (
        "The plan was approved, said Jane Roe, the mayor."
    )


def test_share_bar_and_newsletter_box_are_removed() -> None:
    tree = fromstring(
        "<html><body><article><h1>T</h1><div class='article-share-bar'><a>Facebook</a></div>"
        "<p>Text of the story.</p><div class='c-newsletter__box'>Sign up for our daily "
        "briefing</div><div class='relatedPosts'><a href='/x'>Another story</a></div>"
        "</article></body></html>"
    )
    assert prune_chrome(tree) == 3
    assert [(el.tag, el.text) for el in tree.find(".//article")] == [
        ("h1", "T"),
        ("p", "Text of the story."),
    ]


def test_containers_headings_and_prose_are_never_pruned() -> None:
    prose = "<p>" + "word " * 30 + "</p>"
    tree = pruned(
        "<html><body><div class='has-comments'><article><h3 class='navigation-heading'>"
        "Methods</h3><p>Body.</p></article></div>"
        f"<div class='social-story'>{prose * 3}</div>"
        f"<div id='map-and-related'><p>{'Plain text of the page. ' * 30}</p></div>"
        "<div class='commentary'><p>An opinion.</p></div></body></html>"
    )
    text = tree.text_content()
    assert "Methods" in text and "Body." in text
    assert text.count("word") == 90
    assert "Plain text of the page." in text
    assert "An opinion." in text


# ---------------------------------------------------------------- block rules


PROSE = [
    Block(kind="paragraph", text=f"Paragraph {i} of the story. " + "word " * 30) for i in range(4)
]


def clean(blocks: list[Block], html: str = "<html></html>", title: str | None = None) -> list[str]:
    kept, _ = htmlbody.clean_blocks(
        blocks, fromstring(html), title=title, description=None, related=[]
    )
    return texts(kept)


def test_teaser_heading_left_alone_is_dropped_and_the_prose_kept() -> None:
    blocks = [*PROSE[:2], Block(kind="heading", text="Related Articles"), *PROSE[2:]]
    assert clean(blocks) == texts(PROSE)


def test_interest_prompt_and_teaser_list_end_the_body() -> None:
    blocks = [
        *PROSE,
        Block(kind="paragraph", text="You may be interested in the following topics as well:"),
        Block(kind="list_item", text="Experience affordable learning with an academy."),
        Block(kind="list_item", text="Uncover the criteria of the ranking."),
    ]
    assert clean(blocks) == texts(PROSE)


def test_closing_run_of_link_texts_and_labels_is_dropped() -> None:
    html = (
        "<html><body>"
        + "".join(f"<a href='/story/{i}'>Other story number {i}</a>" for i in range(3))
        + "</body></html>"
    )
    blocks = [
        *PROSE,
        *[Block(kind="paragraph", text=f"Other story number {i}") for i in range(3)],
        Block(kind="paragraph", text="Tags:"),
    ]
    assert clean(blocks, html) == texts(PROSE)


def test_headline_repeated_in_the_body_and_prompts_are_dropped() -> None:
    blocks = [
        PROSE[0],
        Block(kind="paragraph", text="6 min read"),
        PROSE[1],
        Block(kind="heading", text="Harbour terminal opens"),
        Block(kind="paragraph", text="Join our commenting forum"),
        PROSE[2],
    ]
    assert clean(blocks, title="Harbour terminal opens") == texts(PROSE[:3])


def test_related_reading_line_is_a_related_link() -> None:
    tree = fromstring(
        "<html><body><p>RELATED READING: <a href='/faq'>Answering My Top College Essay "
        "FAQs</a></p></body></html>"
    )
    [link] = find_related(tree, "https://essays.example/blog/post")
    assert link.title == "Answering My Top College Essay FAQs"
    assert link.url == "https://essays.example/faq"
    assert link.kind == "related"
