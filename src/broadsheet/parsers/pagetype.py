"""Page type: is an HTML page an article, or a listing, product, forum, documentation ... page?

Read once from the parsed page, before the body is extracted:

* two rules that need no weighing: the site's home page (a URL with an empty path) and an
  error page (an error title such as "404 Not Found" on a page that declares no article
  and has no paragraph of prose);
* otherwise a small logistic regression (:mod:`broadsheet.parsers.pagetype_model`) weighs
  the page's signals (:mod:`broadsheet.parsers.pagetype_features`): the JSON-LD ``@type``
  and ``og:type``, the URL's shape, the share of text in paragraphs and in links, headline
  links, repeated cards, prices and buy buttons, forum posts, code blocks, a byline and a
  date. A page with fewer than ``MIN_WORDS`` words is left to the body checks. A page is
  refused only when the model is confident it is not an article
  (``ARTICLE_FLOOR``): a wrong refusal loses an article, a wrong acceptance is left to the
  record and table checks.

A refused page raises ``PageError("not_article")`` with ``page_type`` set and a message
naming the type and the signals that decided it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from lxml.html import HtmlElement

from broadsheet.errors import PageError
from broadsheet.parsers.htmlmeta import PageMeta
from broadsheet.parsers.pagetype_features import Feature, features
from broadsheet.parsers.pagetype_model import ARTICLE, Model, load_model
from broadsheet.parsers.pagetype_signals import read_dom, read_url

#: The page types a page can be refused as.
PAGE_TYPES: tuple[str, ...] = (
    "collection",
    "documentation",
    "error",
    "forum",
    "home",
    "listing",
    "product",
    "service",
)
#: A page is refused when the model gives ``article`` less than this probability.
ARTICLE_FLOOR = 0.22
#: Pages with fewer words than this are left to the body checks (nothing to weigh).
MIN_WORDS = 50
_MIN_WORDS_LOG = math.log1p(MIN_WORDS)
# "404", "Page not found", "Error 500", "Oops!": what error pages put in their title
_ERROR_TITLE = re.compile(
    r"\b(?:404|410|500|page (?:not found|unavailable)|not found)\b|^\W*(?:error|oops)\b", re.I
)


@dataclass(frozen=True, slots=True)
class Verdict:
    """The decided type of a page and the signals that decided it."""

    page_type: str
    signals: tuple[str, ...]
    article_probability: float | None = None

    @property
    def is_article(self) -> bool:
        return self.page_type == ARTICLE


def page_features(tree: HtmlElement, url: str | None, meta: PageMeta) -> list[Feature]:
    """The page's named signals (:func:`broadsheet.parsers.pagetype_features.features`),
    from its markup, its URL and what :func:`~broadsheet.parsers.htmlmeta.read_meta` read."""
    return features(
        read_dom(tree),
        read_url(url),
        meta.ld_types,
        has_author=bool(meta.authors),
        has_date=bool(meta.published),
    )


def classify(model: Model, probs: dict[str, float]) -> str:
    """``article`` when the model gives it at least :data:`ARTICLE_FLOOR`, else the likeliest
    other type (ties: the later name)."""
    if probs[ARTICLE] >= ARTICLE_FLOOR:
        return ARTICLE
    return max((c for c in model.classes if c != ARTICLE), key=lambda c: (probs[c], c))


def decide(feats: list[Feature], titles: tuple[str | None, ...] = ()) -> Verdict:
    """The page's type from its features (and its titles, for error pages)."""
    by_name = {f.name: f for f in feats}
    declares_article = by_name["ld_article"].value > 0 or by_name["og_article"].value > 0
    declared = by_name["og_article"].phrase  # "og:type website", "og:type missing"
    if by_name["home"].value > 0 and by_name["ld_article"].value == 0:
        return Verdict("home", ("the site's home page (an empty URL path)", declared))
    if not declares_article and by_name["long_paragraphs"].value == 0:
        for title in titles:
            if title and _ERROR_TITLE.search(title):
                return Verdict("error", (f"an error title {title!r}",))
    if by_name["words"].value < _MIN_WORDS_LOG:
        # too little text to weigh: the body checks decide (no_body, not_article)
        return Verdict(ARTICLE, ())
    model = load_model()
    probs = model.probabilities(feats)
    article = probs[ARTICLE]
    kind = classify(model, probs)
    if kind == ARTICLE:
        return Verdict(ARTICLE, (), article)
    reasons = tuple(f.phrase for f in model.reasons(feats, kind))
    return Verdict(kind, reasons, article)


def refuse_non_article(name: str, tree: HtmlElement, url: str | None, meta: PageMeta) -> None:
    """Raise ``PageError("not_article")`` when the page is not an article."""
    verdict = decide(page_features(tree, url, meta), (meta.html_title, meta.title))
    if verdict.is_article:
        return
    odds = (
        f" (article likelihood {verdict.article_probability:.0%})"
        if verdict.article_probability is not None
        else ""
    )
    raise PageError(
        "not_article",
        f"{name} is a {verdict.page_type} page, not an article: {', '.join(verdict.signals)}{odds}",
        page_type=verdict.page_type,
    )
