"""The generic HTML parser on small hand-written pages (tests/fixtures/html/)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml.html import fromstring
from typer.testing import CliRunner

from broadsheet.cli.main import app
from broadsheet.errors import PageError
from broadsheet.parsers import html_generic, htmlbody, parse_page, select_parser
from broadsheet.parsers.base import Document
from broadsheet.records.model import Article, Block
from broadsheet.sources.items import Page

FIXTURES = Path(__file__).parent / "fixtures" / "html"


def page(name: str, url: str | None = None) -> Page:
    return Page(source_file=name, data=(FIXTURES / name).read_bytes(), url=url)


def parse(name: str, url: str | None = None) -> Article:
    return parse_page(page(name, url))


def inline(html: str, url: str | None = None, name: str = "inline.html") -> Page:
    return Page(source_file=name, data=html.encode("utf-8"), url=url)


PARAGRAPHS = "".join(
    f"<p>{text}</p>"
    for text in (
        "The harbour authority opened a new passenger terminal on Friday, replacing a "
        "building that had served ferry travellers since the nineteen sixties.",
        "The terminal has room for twice as many passengers, a covered walkway to the "
        "quay and a waiting hall with views across the bay towards the old lighthouse.",
        "Ferry operators said the new layout would shorten boarding times during the busy "
        "summer months, when queues often stretched along the promenade.",
    )
)


# ---------------------------------------------------------------- a full NewsArticle page


@pytest.fixture(scope="module")
def news() -> Article:
    return parse("newsarticle_jsonld.html")


def test_newsarticle_claimed_by_generic_parser() -> None:
    from broadsheet.parsers import load_document

    assert select_parser(load_document(page("newsarticle_jsonld.html"))).name == "html_generic"


def test_newsarticle_metadata_from_json_ld(news: Article) -> None:
    assert news.parser == "html_generic@1.0"
    assert news.title == "Beirut rooftops turn to solar as grid falters"
    assert news.authors == ["Rania Haddad", "Tom Ellery"]
    assert news.published_at == datetime(2024, 3, 5, 12, 30, tzinfo=UTC)
    assert news.modified_at == datetime(2024, 3, 6, 7, 15, tzinfo=UTC)
    assert news.description == (
        "Households and shops across the capital are buying panels and batteries to cope "
        "with daily blackouts."
    )
    # the keywords string is split and 'energy' repeats 'Energy'
    assert news.tags == ["Energy", "Lebanon", "Solar power"]
    assert news.section == "Energy"
    # publisher referenced by @id inside the @graph
    assert news.publisher == "The Harbour Ledger"
    assert news.url == "https://www.harbourledger.example/business/energy/beirut-rooftops-solar"
    assert news.language == "en"


def test_newsarticle_body_blocks(news: Article) -> None:
    kinds = [b.kind for b in news.body]
    assert kinds == [
        "paragraph",
        "paragraph",
        "heading",
        "paragraph",
        "list_item",
        "list_item",
        "quote",
        "paragraph",
    ]
    assert news.body[0].text.startswith("On the flat roofs of Achrafieh, the view has changed")
    assert news.body[2].text == "Shops lead the way"
    assert news.body[4].text == "A four-panel kit costs about 1,800 dollars installed."
    assert news.body[6].text == (
        "We stopped counting the hours of state power, we count the hours of sun now."
    )
    # headline, standfirst, byline, Read-more line, share prompt and footer are not prose
    for chrome in ("Beirut rooftops turn", "Households and shops", "By Rania", "Read more"):
        assert chrome not in news.text
    assert "Share this article" not in news.text
    assert "All rights reserved" not in news.text
    assert news.text.endswith("rules for installers before the end of the year.")


def test_newsarticle_read_more_link(news: Article) -> None:
    assert [r.model_dump() for r in news.related] == [
        {
            "title": "Generator owners raise fees for a third time",
            "url": "https://www.harbourledger.example/business/energy/generator-fees-rise",
            "kind": "read_more",
        }
    ]


def test_newsarticle_images_with_caption_and_credit(news: Article) -> None:
    assert [i.model_dump() for i in news.images] == [
        {
            # og:image and the JSON-LD image are one picture: alt from one, caption from the other
            "url": "https://cdn.harbourledger.example/img/2024/03/rooftops-wide.jpg",
            "alt": "Rows of solar panels on Beirut rooftops",
            "caption": "Rooftop panels in Achrafieh",
            "credit": None,
        },
        {
            # relative src made absolute against the canonical URL
            "url": "https://www.harbourledger.example/img/2024/03/installer.jpg",
            "alt": "An installer fixes a panel to a steel frame",
            "caption": "An installer at work in Mar Mikhael, March 2024 (Reuters)",
            "credit": "Reuters",
        },
    ]


def test_container_url_wins_over_canonical() -> None:
    record = parse("newsarticle_jsonld.html", url="https://mirror.example/a/b/solar")
    assert record.url == "https://mirror.example/a/b/solar"
    # images resolve against the page's own address
    assert record.images[1].url == "https://mirror.example/img/2024/03/installer.jpg"


# ---------------------------------------------------------------- OpenGraph only


def test_opengraph_only_page() -> None:
    record = parse("opengraph_only.html")
    assert record.title == "Port workers end strike after pay deal"  # ' | Coastline Daily' cut
    assert record.publisher == "Coastline Daily"
    assert record.description == "Dockers return to work on Monday after a nine-day stoppage."
    # article:author is a profile URL, so the name comes from meta author
    assert record.authors == ["Sam Okafor"]
    assert record.published_at == datetime(2023, 9, 18, 6, 45, tzinfo=UTC)
    assert record.tags == ["Strikes", "Shipping"]
    assert record.section == "Labour"
    assert record.url == "https://coastline.example/news/labour/port-workers-end-strike"
    assert [i.url for i in record.images] == ["https://coastline.example/media/port-cranes.jpg"]
    assert len(record.body) == 4
    assert record.body[0].text.startswith("Dock workers at the city's container terminal")
    assert record.body[-1].text == (
        "The terminal operator said it expected normal operations by the end of the month "
        "and thanked customers for their patience."
    )
    assert record.modified_at is None
    assert record.related == []


# ---------------------------------------------------------------- <time> and a byline only


def test_time_and_byline_page() -> None:
    record = parse("time_byline.html")
    assert record.title == "Village library reopens after flood repairs"
    assert record.authors == ["Jane Roe", "John Doe"]
    assert record.published_at == datetime(2023, 11, 2, tzinfo=UTC)  # a date: midnight UTC
    assert record.description is None
    assert record.tags == []
    assert record.images == []
    assert record.url is None
    assert record.section is None
    assert record.publisher == html_generic.UNKNOWN_PUBLISHER
    assert record.word_count == 118
    assert "By Jane Roe" not in record.text


def test_publisher_falls_back_to_url_host() -> None:
    record = parse("time_byline.html", url="https://www.millbrook-news.example/local/library")
    assert record.publisher == "millbrook-news.example"
    assert record.section == "Local"  # from the URL path


# ---------------------------------------------------------------- encodings and broken markup


def test_windows_1252_bytes_are_decoded() -> None:
    raw = (FIXTURES / "windows1252.html").read_bytes()
    assert "café".encode("cp1252") in raw  # the fixture really is single-byte encoded
    record = parse("windows1252.html")
    assert record.title == "Le café du port ferme ses portes"
    assert record.authors == ["Amélie Lefèvre"]
    assert record.published_at == datetime(2022, 6, 14, 16, 5, tzinfo=UTC)
    assert "l’expresso à 1,20 € au comptoir" in record.text
    assert "« petit noir »" in record.text
    assert record.language == "fr"


def test_malformed_html_is_recovered() -> None:
    record = parse("malformed.html")
    assert record.title == "Council approves new bus lanes"
    assert record.body[0].text == (
        "The city council voted on Tuesday to build dedicated bus lanes on three of the "
        "busiest avenues, a plan that supporters say will cut journey times for thousands "
        "of commuters."
    )
    assert record.body[1].text.startswith("Opponents argued that shops along the routes")


@pytest.mark.parametrize(
    "html",
    [
        "<html><body><p>unclosed <b>bold <i>italic</p></div></span>",
        "<<<>>> <html <body",
        '<?xml version="1.0" encoding="utf-8"?><html><body><p>x</p></body></html>',
        "<html><head><script type='application/ld+json'>{not json</script></head></html>",
    ],
)
def test_broken_pages_never_crash(html: str) -> None:
    with pytest.raises(PageError) as caught:
        parse_page(inline(html))
    assert caught.value.code in {"not_article", "no_body"}


# ---------------------------------------------------------------- not an article


def test_listing_page_is_not_article() -> None:
    with pytest.raises(PageError) as caught:
        parse("listing.html", url="https://coastline.example/")
    assert caught.value.code == "not_article"
    assert "website" in caught.value.message


def test_home_page_without_declared_type_is_not_article() -> None:
    html = (
        "<html><head><title>Coastline Daily</title></head><body><ul>"
        + "".join(f"<li><a href='/n/{i}'>Headline number {i} of the day</a></li>" for i in range(8))
        + "</ul></body></html>"
    )
    with pytest.raises(PageError) as caught:
        parse_page(inline(html, url="https://coastline.example/"))
    assert caught.value.code == "not_article"
    assert "home page" in caught.value.message


def test_error_page_is_not_article() -> None:
    html = (
        "<html><head><title>Page not found | Coastline Daily</title></head><body>"
        "<h1>Sorry, we could not find that page</h1><p>The page you asked for has moved "
        "or never existed. Try the search box or go back to the front page.</p></body></html>"
    )
    with pytest.raises(PageError) as caught:
        parse_page(inline(html, url="https://coastline.example/news/x/gone"))
    assert caught.value.code == "not_article"
    assert "error page" in caught.value.message


def test_empty_body_without_article_metadata_is_not_article() -> None:
    with pytest.raises(PageError) as caught:
        parse("empty_body.html")
    assert caught.value.code == "not_article"


def test_empty_body_of_a_declared_article_is_no_body() -> None:
    html = (
        (FIXTURES / "empty_body.html")
        .read_text()
        .replace("<title>", '<meta property="og:type" content="article"><title>')
    )
    with pytest.raises(PageError) as caught:
        parse_page(inline(html))
    assert caught.value.code == "no_body"
    assert "article" in caught.value.message


def test_long_article_on_a_site_that_declares_website_is_kept() -> None:
    html = (
        "<html><head><meta property='og:type' content='website'><title>New ferry terminal"
        "</title></head><body><article><h1>New ferry terminal opens</h1>"
        + PARAGRAPHS * 3
        + "</article></body></html>"
    )
    record = parse_page(inline(html, url="https://coastline.example/news/ferry-terminal"))
    assert record.title == "New ferry terminal opens"  # <h1> before <title>
    assert record.word_count > 150


# ---------------------------------------------------------------- language


def test_declared_language_that_disagrees_with_text_is_replaced() -> None:
    html = (FIXTURES / "windows1252.html").read_bytes().replace(b'lang="fr"', b'lang="en"')
    record = parse_page(Page("mislabelled.html", html))
    assert record.language == "fr"


def test_declared_language_region_is_reduced_to_primary_subtag(news: Article) -> None:
    assert news.language == "en"  # <html lang="en-GB">


# ---------------------------------------------------------------- extraction internals


def test_article_split_over_containers_is_rescued(monkeypatch: pytest.MonkeyPatch) -> None:
    html = (
        "<html><body><article><h1>Split story</h1>"
        "<div class='part'><p>First part of the story, which the extraction found.</p></div>"
        "<div class='part'><p>Second part with much more text about the harbour and its "
        "ferries, the terminal, the queues and the promenade along the seafront.</p></div>"
        "<aside class='related'><p>Unrelated teaser that must not be rescued</p></aside>"
        "<div class='part'><blockquote><p>A quoted line from the harbour master.</p>"
        "</blockquote></div></article></body></html>"
    )
    tree = fromstring(html)
    short = fromstring("<body><p>First part of the story, which the extraction found.</p></body>")
    monkeypatch.setattr(htmlbody, "_main_content", lambda _tree: short)
    blocks = htmlbody.extract_blocks(tree)
    assert [b.kind for b in blocks] == ["paragraph", "paragraph", "quote"]
    assert blocks[1].text.startswith("Second part with much more text")
    assert all("teaser" not in b.text for b in blocks)


def test_teaser_heading_near_the_end_cuts_the_body() -> None:
    body = [Block(kind="paragraph", text=f"Paragraph {i} " + "word " * 30) for i in range(4)]
    body += [
        Block(kind="heading", text="You may also like"),
        Block(kind="paragraph", text="Another story entirely"),
    ]
    kept, _ = htmlbody.clean_blocks(
        body, fromstring("<html></html>"), title=None, description=None, related=[]
    )
    assert len(kept) == 4
    assert kept[-1].text.startswith("Paragraph 3")


def test_lede_equal_to_description_stays_in_body() -> None:
    lede = "The harbour authority opened a new passenger terminal on Friday."
    tree = fromstring(
        f"<html><body><div class='story'><p>{lede}</p><p>More.</p></div></body></html>"
    )
    blocks = [Block(kind="paragraph", text=lede), Block(kind="paragraph", text="More.")]
    kept, standfirst = htmlbody.clean_blocks(blocks, tree, title=None, description=lede, related=[])
    assert kept == blocks
    assert standfirst is False


# ---------------------------------------------------------------- the command line


def test_cli_parse_html_page() -> None:
    result = CliRunner().invoke(app, ["parse", "--jsonl", str(FIXTURES / "opengraph_only.html")])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout.strip())
    assert record["parser"] == "html_generic@1.0"
    assert record["title"] == "Port workers end strike after pay deal"
    assert record["authors"] == ["Sam Okafor"]


def test_cli_parse_listing_reports_not_article() -> None:
    result = CliRunner().invoke(app, ["parse", "--jsonl", str(FIXTURES / "listing.html")])
    assert result.exit_code == 1
    assert json.loads(result.stdout.strip())["error"]["code"] == "not_article"


def test_document_is_html_flag_routes_text_pages_elsewhere() -> None:
    doc = Document(page=Page("x.txt", b"plain"), text="plain words", is_html=False)
    assert not html_generic.PARSER.claims(doc)
