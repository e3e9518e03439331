"""The generic HTML news parser: any site, structured metadata first, general rules only.

The page is parsed once with lxml; the same tree feeds the metadata readers
(:mod:`broadsheet.parsers.htmlmeta`) and the body extraction
(:mod:`broadsheet.parsers.htmlbody`, trafilatura on a copy of the tree).

Conventions:

* Times keep their stated offset; a time without an offset is taken as UTC and a bare
  date as midnight UTC.
* ``language`` is the primary subtag of ``<html lang>`` (or Content-Language) when the
  text's detected language agrees with it or the text is too short to tell; otherwise the
  detected language.
* A page whose declared type is a listing (WebSite, CollectionPage, ...) or that is a
  site's home page, and that has little text, is ``not_article``; so is a page with no
  body text that declares no article. A page that declares an article (JSON-LD article
  type or ``og:type`` article) but yields no body text is ``no_body``.
* With no URL from the container or the page and no site name, the publisher is
  ``"unknown"``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml.etree import ParserError
from lxml.html import HtmlElement, HTMLParser, document_fromstring

from broadsheet.errors import PageError
from broadsheet.parsers.base import Document, Parser
from broadsheet.parsers.common import build_article, caption_credit, detect_language
from broadsheet.parsers.htmlbody import (
    clean_blocks,
    extract_blocks,
    figure_images,
    find_related,
    landmarks,
)
from broadsheet.parsers.htmlmeta import PageMeta, read_meta
from broadsheet.records import Article, Block, Image

_HTML_PARSER = HTMLParser(
    collect_ids=False,
    default_doctype=False,
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
)
_LISTING_MAX_WORDS = 150
_LANG_MIN_WORDS = 30
_LANG_CHECK_CHARS = 400
_ERROR_TITLE = re.compile(
    r"\b(?:404|not found|page (?:not found|unavailable)|error)\b|^oops\b", re.I
)
UNKNOWN_PUBLISHER = "unknown"


def parse_tree(text: str) -> HtmlElement | None:
    """The page as an lxml tree (lxml recovers from malformed markup); None when empty."""
    try:
        return document_fromstring(text, parser=_HTML_PARSER)
    except ValueError:  # a str with an XML encoding declaration: parse the UTF-8 bytes
        try:
            return document_fromstring(text.encode("utf-8", "surrogatepass"), parser=_HTML_PARSER)
        except (ParserError, ValueError):
            return None
    except ParserError:
        return None


def _images(meta: PageMeta, figures: list[tuple[str, str | None, str | None]]) -> list[Image]:
    merged: dict[str, list[str | None]] = {}
    for url, alt, caption in [*meta.images, *figures]:
        if url not in merged:
            merged[url] = [alt, caption]
        else:  # the same picture seen twice: keep what either place says about it
            known = merged[url]
            known[0] = known[0] or alt
            known[1] = known[1] or caption
    return [
        Image(url=url, alt=alt, caption=caption, credit=caption_credit(caption))
        for url, (alt, caption) in merged.items()
    ]


def _language(declared: str | None, text: str, words: int) -> str:
    """The declared language when the text agrees (checked on its opening), else detected."""
    if declared and (
        words < _LANG_MIN_WORDS or detect_language(text[:_LANG_CHECK_CHARS]) == declared
    ):
        return declared
    return detect_language(text)


def _is_home(url: str | None) -> bool:
    if not url:
        return False
    parts = urlsplit(url)
    return parts.path.strip("/") == "" and not parts.query


def _refuse_non_article(doc: Document, meta: PageMeta, blocks: list[Block]) -> None:
    words = sum(len(b.text.split()) for b in blocks)
    name = doc.page.source_file
    if not meta.declares_article and words < _LISTING_MAX_WORDS:
        if meta.declares_listing:
            kinds = ", ".join(sorted(meta.types))
            raise PageError(
                "not_article",
                f"{name} declares a non-article page type ({kinds}) and has only {words} words "
                f"of body text (an article needs {_LISTING_MAX_WORDS})",
            )
        url = doc.page.url or meta.url
        if _is_home(url):
            raise PageError(
                "not_article", f"{name} is the home page {url} ({words} words of body text)"
            )
        for title in (meta.html_title, meta.title):
            if title and _ERROR_TITLE.search(title):
                raise PageError(
                    "not_article", f"{name} is an error page (title {title!r}, {words} words)"
                )
    if not blocks:
        if meta.declares_article:
            raise PageError(
                "no_body",
                f"{name} declares an article ({', '.join(sorted(meta.types))}) "
                "but no body text was found",
            )
        raise PageError(
            "not_article", f"{name} has no article text and declares no article metadata"
        )


class GenericHTML(Parser):
    """Any HTML news page: JSON-LD, OpenGraph and <meta> first, trafilatura for the body."""

    name = "html_generic"
    version = "1.0"

    def claims(self, doc: Document) -> bool:
        return doc.is_html

    def parse(self, doc: Document) -> Article:
        page = doc.page
        tree = parse_tree(doc.text)
        if tree is None:
            raise PageError("not_article", f"{page.source_file} has no HTML content to parse")
        meta = read_meta(tree, page.url)
        base = page.url or meta.url
        related = find_related(tree, base)
        marks = landmarks(tree)
        figures = figure_images(marks, base)
        blocks, _standfirst = clean_blocks(
            extract_blocks(tree, marks),
            tree,
            title=meta.title,
            description=meta.description,
            related=related,
        )
        _refuse_non_article(doc, meta, blocks)
        if not meta.title:
            raise PageError(
                "not_article",
                f"{page.source_file} has no headline (no JSON-LD headline, og:title, <h1> "
                "or <title>)",
            )
        text = "\n\n".join(b.text for b in blocks)
        words = len(text.split())
        return build_article(
            page=page,
            parser=self.ident,
            publisher=meta.publisher or UNKNOWN_PUBLISHER,
            title=meta.title,
            body=blocks,
            url=meta.url,
            language=_language(meta.language, text, words),
            description=meta.description,
            authors=meta.authors,
            published_at=meta.published_at,
            modified_at=meta.modified_at,
            section=meta.section,
            tags=meta.tags,
            images=_images(meta, figures),
            related=related,
        )


PARSER = GenericHTML()
