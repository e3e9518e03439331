"""Titles, authors and publishers of HTML pages: the general rules, on real pages and small ones.

The real pages are under ``tests/fixtures/html/names/`` (sources and licences in the README
there); every expected value was written by reading the page.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import polars as pl
import pytest
from lxml.html import fromstring

from article_factory import SETTINGS, article
from broadsheet.checks.rules import build_rules, text_width
from broadsheet.checks.table import run_checks
from broadsheet.parsers.html_generic import parse_tree
from broadsheet.parsers.htmlmeta import PageMeta, read_meta
from broadsheet.parsers.htmltitle import choose_title, strip_site
from broadsheet.parsers.names import looks_like_name, site_keys, split_names
from broadsheet.records.arrow import records_to_table
from broadsheet.sources.encoding import decode

PAGES = Path(__file__).parent / "fixtures" / "html" / "names"


def page_meta(name: str, url: str) -> PageMeta:
    tree = parse_tree(decode(gzip.decompress((PAGES / name).read_bytes())))
    assert tree is not None
    return read_meta(tree, url)


# --- real pages -----------------------------------------------------------------------


def test_site_suffix_dropped_and_the_site_is_not_its_own_author() -> None:
    # headline 'Event Management Process: ... | Accruent', JSON-LD author 'Accruent' (the
    # host's name, typed Person), no byline printed, no site name stated
    meta = page_meta(
        "wcxb_0047_accruent.html.gz",
        "https://www.accruent.com/resources/knowledge-hub/event-management-process",
    )
    assert meta.title == "Event Management Process: 7 Steps To Planning An Event"
    assert meta.authors == []
    assert meta.publisher == "accruent.com"


def test_visible_headline_wins_over_a_reworded_seo_title() -> None:
    # og:title 'What is Social Commerce - A guided introduction', <h1> as below; the JSON-LD
    # author is a login slug ('brandon-peaktwo'), not a name
    meta = page_meta(
        "wcxb_0101_emplifi.html.gz",
        "https://emplifi.io/resources/blog/introduction-to-social-commerce/",
    )
    assert meta.title == "An introduction to social commerce: What brands need to know in 2026"
    assert meta.authors == []
    assert meta.publisher == "Emplifi"


def test_organisation_author_equal_to_publisher_gives_way_to_the_byline() -> None:
    # JSON-LD author and publisher: Organization 'Instructables'; printed byline
    # 'By MixmasterFred in WorkshopWoodworking' with rel=author on the name
    meta = page_meta(
        "wcxb_0122_instructables.html.gz", "https://www.instructables.com/How-To-Make-Furniture/"
    )
    assert meta.title == "How to Make Furniture"
    assert meta.authors == ["MixmasterFred"]
    assert meta.publisher == "Instructables"


def test_author_element_with_a_date_run_into_the_name() -> None:
    # <div class="author">Yucy3/4/2025</div>; no structured author
    meta = page_meta(
        "wcxb_4142_reolink.html.gz", "https://reolink.com/blog/diy-smart-home-automation-system/"
    )
    assert meta.title == "DIY Smart Home Automation System: The 2026 Ultimate Guide"
    assert meta.authors == ["Yucy"]


def test_institutional_byline_kept_when_printed() -> None:
    # JSON-LD author 'Euronews' is the site, and the page prints 'By Euronews with Agencies'
    meta = page_meta(
        "meta_euronews_2024_04_30.html.gz",
        "https://www.euronews.com/2024/04/30/swedish-police-to-investigate-reports-of-"
        "information-leaks-to-violent-gangs",
    )
    assert meta.authors == ["Euronews"]
    assert meta.title == (
        "Swedish police to investigate reports of information leaks to violent gangs"
    )


def test_byline_fragments_are_not_authors() -> None:
    # printed 'By TPN, in News, Portugal, Business, ... · 31 Jan 2025, 20:02 · 0 Comments'
    meta = page_meta(
        "meta_portugalnews_2025_02_03.html.gz",
        "https://www.theportugalnews.com/news/2025-01-31/portugal-emerges-as-a-french-alps-"
        "real-estate-investment/95254",
    )
    assert meta.authors == ["TPN"]
    assert meta.title == "Portugal emerges as a French Alps real estate investment"


def test_site_name_written_without_space_is_stripped() -> None:
    # <title> and og:title end in '| TheHill'; og:site_name 'The Hill'
    meta = page_meta(
        "aeb_thehill_156770d6.html.gz",
        "https://thehill.com/homenews/news/471033-south-dakota-governor-doubles-down-on-meth-"
        "were-on-it-anti-drug-campaign",
    )
    assert meta.title == (
        "South Dakota governor doubles down on 'meth, we're on it' anti-drug campaign"
    )
    assert meta.authors == ["Tess Bonn"]
    assert meta.publisher == "The Hill"


def test_korean_headline_not_the_site_logo() -> None:
    # the page's only <h1> is the logo '엔터 미디어' (Enter Media); <title> is the headline
    # followed by ' - Entermedia'
    meta = page_meta(
        "aeb_entermedia_0ec95c72.html.gz",
        "http://entermedia.co.kr/news/news_view.html?idx=8576&page=1&bc=03&mc=08",
    )
    assert meta.title == "엘제이-류화영 진흙탕 싸움, 공적인 사안으로 봐야하는 이유"
    assert meta.publisher == "entermedia.co.kr"


def test_two_printed_names_and_a_weekday() -> None:
    # 'By Mike Wuerthele and Malcolm Owen Monday, November 18, 2019'
    meta = page_meta(
        "aeb_appleinsider_65bf3048.html.gz",
        "https://appleinsider.com/articles/19/11/18/16-inch-macbook-pro-review-the-keyboard-is-"
        "probably-enough-to-convince-those-waiting",
    )
    assert meta.authors == ["Mike Wuerthele", "Malcolm Owen"]
    assert meta.publisher == "AppleInsider"


# --- bylines --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("By Ann Lee | Updated May 3, 2024, 10:02 a.m.", ["Ann Lee"]),
        ("By TPN, in News, Portugal", ["TPN"]),
        ("By MixmasterFred in WorkshopWoodworking", ["MixmasterFred"]),
        ("Paul Frew, Home and Digital Security Expert", ["Paul Frew"]),
        ("By Lizzie Streit, MS, RDN, LD", ["Lizzie Streit"]),
        ("Ann Lee, Staff Writer", ["Ann Lee"]),
        ("The Team, edited by Walter", ["The Team", "Walter"]),
        ("More About MixmasterFred »", ["MixmasterFred"]),
        ("Dec 17, 2025 Julian K. Arni", ["Julian K. Arni"]),
        ("ByDaryl Austin", ["Daryl Austin"]),
        ("Euronews with Agencies", ["Euronews"]),
        ("Staff", ["Staff"]),
        ("Reuters", ["Reuters"]),
        ("Nick van Mead", ["Nick van Mead"]),
        ("By 김철수 기자", ["김철수"]),  # '기자': reporter
        ("山田太郎 記者", ["山田太郎"]),
        ("Staff Writer", []),
        ("ann.lee@example.org", []),
        ("@annlee", []),
        ("https://example.com/staff/ann-lee", []),
        ("undefined", []),
        ("page.head.extra.author", []),
        ("brandon-peaktwo", []),
        ("J. K.", []),
        ("in", []),
        ("By", []),
        ("and", []),
    ],
)
def test_split_names_cleans_and_filters(text: str, names: list[str]) -> None:
    assert split_names(text) == names


def test_text_printed_on_the_page_must_read_as_names() -> None:
    assert looks_like_name("Jordana Cepelewicz", strict=True)
    assert looks_like_name("The Currency editors", strict=True)
    assert not looks_like_name("clicking to watch this video", strict=True)
    assert looks_like_name("kirstin boatto")  # as a meta tag states it
    assert not looks_like_name("kirstin boatto", strict=True)
    assert looks_like_name("김철수", strict=True)  # a caseless script is not lower case


def test_by_clicking_is_not_a_byline() -> None:
    html = """<html><body><h1>Storm closes the port for a second day</h1>
      <p>By clicking to watch this video, you agree to our terms.</p>
      <p>The port stayed closed on Tuesday as winds reached 90 km/h.</p></body></html>"""
    assert read_meta(fromstring(html), "https://coastline.example/a").authors == []


def test_teaser_byline_far_below_the_headline_is_not_the_author() -> None:
    filler = "<p>" + "The ferry service resumed after the storm. " * 120 + "</p>"
    html = f"""<html><body><h1>Ferries resume after the storm</h1>{filler}
      <div><h6>By Jo Marsh and Lee Park</h6><a href="/other">Another story</a></div>
      </body></html>"""
    assert read_meta(fromstring(html), "https://coastline.example/a").authors == []


def test_printed_byline_near_the_headline() -> None:
    html = """<html><body><h1>Ferries resume after the storm</h1>
      <p class="meta"><span>By</span> <a href="/people/jo">Jo Marsh</a> | May 3, 2024</p>
      <p>The ferry service resumed on Tuesday.</p></body></html>"""
    assert read_meta(fromstring(html), "https://coastline.example/a").authors == ["Jo Marsh"]


# --- structured data and the publisher ------------------------------------------------


def _ld_page(ld: str, head: str = "") -> str:
    return (
        f'<html><head>{head}<script type="application/ld+json">{ld}</script></head>'
        "<body><h1>Harbour dredging starts in May</h1></body></html>"
    )


def test_json_ld_authors_by_reference_and_given_family_names() -> None:
    ld = """{"@graph": [
      {"@type": "NewsArticle", "headline": "Harbour dredging starts in May",
       "author": [{"@id": "#ann"}, {"@type": "Person", "givenName": "Bo", "familyName": "Kim"}],
       "publisher": {"@id": "#org"}},
      {"@type": "Person", "@id": "#ann", "name": "Ann Lee"},
      {"@type": "NewsMediaOrganization", "@id": "#org", "name": "Coastline Daily"}]}"""
    meta = read_meta(fromstring(_ld_page(ld)), "https://coastline.example/a")
    assert meta.authors == ["Ann Lee", "Bo Kim"]
    assert meta.publisher == "Coastline Daily"


def test_organisation_named_like_the_site_is_not_an_author() -> None:
    ld = """{"@type": "NewsArticle", "headline": "Harbour dredging starts in May",
      "author": {"@type": "Organization", "name": "Coastline Daily"},
      "publisher": {"@type": "Organization", "name": "Coastline Daily"}}"""
    meta = read_meta(fromstring(_ld_page(ld)), "https://coastline.example/a")
    assert meta.authors == []
    assert meta.publisher == "Coastline Daily"


def test_publisher_is_never_a_person() -> None:
    # a JSON-LD publisher of @type Person gives way to og:site_name
    ld = """{"@type": "BlogPosting", "headline": "Harbour dredging starts in May",
      "author": {"@type": "Person", "name": "Ann Lee"},
      "publisher": {"@type": "Person", "name": "Ann Lee"}}"""
    head = '<meta property="og:site_name" content="Harbour Notes">'
    meta = read_meta(fromstring(_ld_page(ld, head)), "https://harbour.example/a")
    assert meta.authors == ["Ann Lee"]
    assert meta.publisher == "Harbour Notes"
    # a site name equal to the author gives way to the host
    head = '<meta property="og:site_name" content="Ann Lee">'
    ld = """{"@type": "BlogPosting", "headline": "Harbour dredging starts in May",
      "author": {"@type": "Person", "name": "Ann Lee"}}"""
    meta = read_meta(fromstring(_ld_page(ld, head)), "https://www.annlee.example/a")
    assert meta.authors == ["Ann Lee"]  # a site named after its author: a person's name
    assert meta.publisher == "annlee.example"


# --- titles ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "url", "names", "expected"),
    [
        ("Port strike ends | Coastline Daily", None, ["Coastline Daily"], "Port strike ends"),
        ("Port strike ends | TheHill", None, ["The Hill"], "Port strike ends"),
        (
            "Port strike ends - Coastline Daily",
            "https://coastlinedaily.example/a",
            [],
            "Port strike ends",
        ),
        ("Coastline: Port strike ends", "https://www.coastline.example/a", [], "Port strike ends"),
        (
            "Garnix Blog: Hardware-Attested Nix Builds",
            "https://garnix.io/blog/a",
            [],
            "Hardware-Attested Nix Builds",
        ),
        (
            "Port strike ends after nine days - News - Coastline",
            None,
            [],
            "Port strike ends after nine days",
        ),
        (
            "Left - right divide grows in council vote",
            None,
            [],
            "Left - right divide grows in council vote",
        ),
        ("## Port strike ends after nine days", None, [], "Port strike ends after nine days"),
        ("무역전쟁 격화 - Entermedia", "http://entermedia.co.kr/news/1", [], "무역전쟁 격화"),
    ],
)
def test_strip_site(title: str, url: str | None, names: list[str], expected: str) -> None:
    assert strip_site(title, site_keys(names, url)) == expected


def test_choose_title_rules() -> None:
    sites = site_keys(["Coastline Daily"], "https://coastline.example/a")
    # 3. a stated title equal to the <h1> but for quote style: the stated spelling
    assert (
        choose_title(["Port's strike ends | Coastline Daily"], None, ["Port’s strike ends"], sites)
        == "Port's strike ends"
    )
    # 3. an <h1> equal to the leading part of the stated title
    assert (
        choose_title(
            ["History of coffee | Origin, Spread, Facts"], None, ["history of coffee"], sites
        )
        == "History of coffee"
    )
    # 4. a stated title rewording the visible headline for search: the <h1>
    assert (
        choose_title(
            ["Climate change: 5 innovative solutions"],
            None,
            ["Five innovative solutions to climate change: learning from global hotspots"],
            sites,
        )
        == "Five innovative solutions to climate change: learning from global hotspots"
    )
    # 4. a stated title nearly copying the <h1> (a shortened edit): the stated one
    assert (
        choose_title(
            ["Chelsea send clear message of intent on proud day at Cobham"],
            None,
            ["Chelsea send clear message of intent on proud day at Cobham in win over Spurs"],
            sites,
        )
        == "Chelsea send clear message of intent on proud day at Cobham"
    )
    # 2. an <h1> naming the site or of one word is no headline; 5. no stated title
    assert (
        choose_title([], "Port strike ends | Coastline Daily", ["Coastline Daily", "Menu"], sites)
        == "Port strike ends"
    )
    assert choose_title([], None, ["Port strike ends"], sites) == "Port strike ends"
    # a Chinese headline has no spaces, and its site may follow an underscore
    assert choose_title(
        [], "北京冬奥会今晚开幕_新华网", ["北京冬奥会今晚开幕", "新华网"], set()
    ) == ("北京冬奥会今晚开幕")
    # the link mark a documentation page puts after its heading is not part of it
    assert choose_title([], "Advanced Usage — Requests", ["Advanced Usage¶"], set()) == (
        "Advanced Usage"
    )
    # an <h1> equal to where the <title> names its site is that name, not the headline
    assert (
        choose_title(
            [],
            "What is Ownership? - The Rust Programming Language",
            ["The Rust Programming Language"],
            set(),
        )
        == "What is Ownership? - The Rust Programming Language"
    )
    assert choose_title([], None, [], sites) is None


# --- title_length counts wide characters as two ---------------------------------------


def test_text_width() -> None:
    assert text_width("Tyre") == 4
    assert text_width("무역전쟁 격화") == 13  # six Hangul syllables and a space
    assert text_width("北京冬奥会") == 10
    assert text_width("Ṣūr port") == 8


def test_short_cjk_headline_passes_title_length() -> None:
    rule = next(r for r in build_rules(SETTINGS) if r.name == "title_length")
    titles = ["무역전쟁 격화", "北京冬奥会", "격화", "Tyre", "Ṣūr port"]
    passes = pl.DataFrame({"title": titles}).select(rule.passes).to_series().to_list()
    assert passes == [True, True, False, False, True]
    assert rule.describe("격화", {}) == (
        "title '격화' has 4 characters (a wide East Asian character counts as 2); expected 8 to 300"
    )
    assert rule.describe("Tyre", {}) == "title 'Tyre' has 4 characters; expected 8 to 300"


def test_cjk_titles_through_the_table_checks() -> None:
    kept = [article("port", title="무역전쟁 격화"), article("harvest", title="北京冬奥会")]
    short = article("library", title="격화")
    df = pl.from_arrow(records_to_table([*kept, short]))
    assert isinstance(df, pl.DataFrame)
    failures = [f for f in run_checks(df, SETTINGS) if f.check == "title_length"]
    assert [(f.record_id, f.value) for f in failures] == [(short.id, "격화")]
