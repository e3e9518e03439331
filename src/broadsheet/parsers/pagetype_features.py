"""The page-type signals as named numbers: what the rules read and the model weighs.

Each feature has a name, a value (counts are log-scaled, shares are 0..1, flags 0 or 1)
and a phrase that says what it means on the page, so that a decision can be explained
with the few features that weighed most in it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from broadsheet.parsers.jsonld import is_article_type
from broadsheet.parsers.pagetype_signals import LONG_PARAGRAPH, DomSignals, UrlSignals

#: JSON-LD types of forum threads and Q&A pages (DiscussionForumPosting ends in "posting"
#: but is a thread, not an article).
FORUM_TYPES = frozenset({"discussionforumposting", "qapage"})
PRODUCT_TYPES = frozenset({"product", "productgroup", "individualproduct", "productmodel"})
LISTING_LD_TYPES = frozenset({"collectionpage", "itemlist", "searchresultspage"})

# Path words that name a kind of page. A word names the page's kind when it is a segment
# of the path; the last segment being a section word ("/news", "/blog/") makes an index.
ARTICLE_PATH = frozenset(
    {"blog", "blogs", "news", "article", "articles", "post", "posts", "story", "stories"}
    | {"insights", "magazine", "opinion", "editorial", "column", "columns", "journal"}
)
SECTION_PATH = ARTICLE_PATH | frozenset(
    {"tag", "tags", "category", "categories", "topic", "topics", "archive", "archives"}
    | {"events", "press", "search", "author", "authors", "page", "resources", "latest"}
)
PRODUCT_PATH = frozenset({"product", "products", "p", "dp", "item", "items", "buy"})
COLLECTION_PATH = frozenset({"collections", "collection", "shop", "store", "catalog", "c"})
DOCS_PATH = frozenset(
    {"docs", "doc", "documentation", "reference", "api", "manual", "handbook", "wiki"}
    | {"kb", "knowledgebase", "userguide", "usersguide", "tutorial", "tutorials", "faq"}
)
DOCS_HOST = frozenset({"docs", "doc", "developer", "developers", "wiki", "help", "manual"})
FORUM_PATH = frozenset(
    {"forum", "forums", "thread", "threads", "t", "questions", "discussion", "discussions", "d"}
    | {"viewtopic", "showthread", "community", "board", "boards", "comments"}
)
FORUM_HOST = frozenset({"forum", "forums", "community", "discuss", "discussion", "bbs", "boards"})
SERVICE_PATH = frozenset(
    {"services", "service", "solutions", "pricing", "plans", "contact", "features", "offers"}
    | {"programs", "program", "courses", "course", "training", "tuition", "hire", "quote"}
)


@dataclass(frozen=True, slots=True)
class Feature:
    """One named signal of a page: its value and how to say it."""

    name: str
    value: float
    phrase: str


def _log(count: int) -> float:
    return math.log1p(max(count, 0))


def _share(part: int, whole: int) -> float:
    return min(part / whole, 1.0) if whole > 0 else 0.0


def _said(present: bool, what: str) -> str:
    """A flag as a phrase: "a byline" or "no byline"."""
    return what if present else "no " + what.split(" ", 1)[1]


def _path_has(url: UrlSignals, words: frozenset[str]) -> bool:
    return any(s in words for s in url.segments) or bool(url.words & words and url.query)


def features(
    dom: DomSignals,
    url: UrlSignals,
    ld_types: set[str],
    *,
    has_author: bool,
    has_date: bool,
) -> list[Feature]:
    """The page's signals in a fixed order (the model's weights follow it)."""
    og = dom.og_type or ""
    ld_article = any(is_article_type(t) for t in ld_types - FORUM_TYPES)
    ld_product = bool(ld_types & PRODUCT_TYPES)
    ld_forum = bool(ld_types & FORUM_TYPES)
    ld_listing = bool(ld_types & LISTING_LD_TYPES)
    last = url.segments[-1] if url.segments else ""
    article_path = any(s in ARTICLE_PATH for s in url.segments[:-1]) and url.slug_words >= 2
    section = last in SECTION_PATH
    product = _path_has(url, PRODUCT_PATH)
    collection = _path_has(url, COLLECTION_PATH)
    docs = _path_has(url, DOCS_PATH) or bool(url.host_words & DOCS_HOST)
    forum = _path_has(url, FORUM_PATH) or bool(url.host_words & FORUM_HOST)
    service = _path_has(url, SERVICE_PATH)
    priced = bool(dom.itemprops["price"] or dom.itemprops["offers"])
    has_body = bool(dom.itemprops["articlebody"])
    p_share = _share(dom.p_words, dom.words)
    link_share = _share(dom.link_words, dom.words)
    flag = float
    return [
        Feature("ld_article", flag(ld_article), _said(ld_article, "a JSON-LD article")),
        Feature("og_article", flag(og == "article"), f"og:type {og or 'missing'}"),
        Feature("og_website", flag(og == "website"), f"og:type {og or 'missing'}"),
        Feature("og_product", flag("product" in og), f"og:type {og or 'missing'}"),
        Feature("ld_product", flag(ld_product), _said(ld_product, "a JSON-LD Product")),
        Feature("ld_forum", flag(ld_forum), _said(ld_forum, "a JSON-LD forum thread")),
        Feature("ld_listing", flag(ld_listing), _said(ld_listing, "a JSON-LD item list")),
        Feature("author", flag(has_author), _said(has_author, "a byline")),
        Feature("date", flag(has_date), _said(has_date, "a publication date")),
        Feature("url_dated", flag(url.dated), _said(url.dated, "a date in the URL")),
        Feature("url_slug", min(url.slug_words, 8) / 8, f"{url.slug_words}-word URL slug"),
        Feature("url_article", flag(article_path), _said(article_path, "an article URL path")),
        Feature("url_section", flag(section), _said(section, f"a section URL (/{last})")),
        Feature("url_product", flag(product), _said(product, "a product URL")),
        Feature("url_collection", flag(collection), _said(collection, "a shop category URL")),
        Feature("url_docs", flag(docs), _said(docs, "a documentation URL")),
        Feature("url_forum", flag(forum), _said(forum, "a forum URL")),
        Feature("url_service", flag(service), _said(service, "a services URL")),
        Feature("home", flag(url.home), _said(url.home, "a home page URL")),
        Feature("words", _log(dom.words), f"{dom.words} words on the page"),
        Feature("p_share", p_share, f"{p_share:.0%} of text in paragraphs"),
        Feature("link_share", link_share, f"{link_share:.0%} of text in links"),
        Feature("heading_links", _log(dom.heading_links), f"{dom.heading_links} headline links"),
        Feature("cards", _log(dom.cards), f"{dom.cards} repeated cards"),
        Feature("prices", _log(dom.prices), f"{dom.prices} prices"),
        Feature("buy", flag(dom.buy_buttons > 0), f"{dom.buy_buttons} buy buttons"),
        Feature("articles", _log(dom.articles), f"{dom.articles} <article> elements"),
        Feature("times", _log(dom.times), f"{dom.times} <time> elements"),
        Feature("code", _log(dom.code_blocks), f"{dom.code_blocks} code blocks"),
        Feature("post_classes", _log(dom.post_classes), f"{dom.post_classes} post/reply blocks"),
        Feature("forum_classes", _log(dom.forum_classes), f"{dom.forum_classes} user/vote blocks"),
        Feature(
            "product_classes", _log(dom.product_classes), f"{dom.product_classes} product blocks"
        ),
        Feature("inputs", _log(dom.inputs), f"{dom.inputs} form fields"),
        Feature("paragraphs", _log(dom.paragraphs), f"{dom.paragraphs} paragraphs"),
        Feature(
            "long_paragraphs",
            _log(dom.long_paragraphs),
            f"{dom.long_paragraphs} paragraphs of {LONG_PARAGRAPH}+ words",
        ),
        Feature(
            "paragraph_length",
            _log(dom.p_words // dom.paragraphs if dom.paragraphs else 0),
            f"{dom.p_words // dom.paragraphs if dom.paragraphs else 0} words a paragraph",
        ),
        Feature("ctas", _log(dom.calls_to_action), f"{dom.calls_to_action} calls to action"),
        Feature("phones", _log(dom.phone_links), f"{dom.phone_links} phone links"),
        Feature("itemprop_price", flag(priced), _said(priced, "an itemprop price")),
        Feature("itemprop_body", flag(has_body), _said(has_body, "an itemprop articleBody")),
    ]
