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
* A page that is not an article (home, listing, product, forum, documentation, service or
  error page: :mod:`broadsheet.parsers.pagetype`) is ``not_article``; so is a page whose
  declared type is a listing and that has little body text, and a page with no body text
  that declares no article. A page that declares an article (JSON-LD article
  type or ``og:type`` article) but yields no body text is ``no_body``.
* With no URL from the container or the page and no site name, the publisher is
  ``"unknown"``.
"""

from __future__ import annotations

from lxml.etree import ElementDefaultClassLookup, HTMLParser, ParserError
from lxml.html import (
    HtmlComment,
    HtmlElement,
    HtmlEntity,
    HtmlProcessingInstruction,
    document_fromstring,
)

from broadsheet.errors import PageError
from broadsheet.parsers.base import Document, Parser
from broadsheet.parsers.common import (
    build_article,
    caption_credit,
    detect_language,
    safe_text,
    usable_url,
)
from broadsheet.parsers.htmlbody import (
    extract_body,
    figure_images,
    find_related,
    landmarks,
)
from broadsheet.parsers.htmlmeta import PageMeta, read_meta
from broadsheet.parsers.htmlsize import check_markup_size
from broadsheet.parsers.mojibake import repair_mojibake
from broadsheet.parsers.pagetype import refuse_non_article
from broadsheet.records.model import Article, Block, Image
from broadsheet.sources.limits import DEFAULT_LIMITS, Limits

_HTML_PARSER = HTMLParser(
    collect_ids=False,
    default_doctype=False,
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
)
# Every element is an HtmlElement, chosen in C: lxml.html's own parser asks a Python
# method for the class of each element it hands out (its form-field classes, unused here),
# a tenth of the time of the parser's walks over the tree.
_HTML_PARSER.set_element_class_lookup(
    ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
    )
)
_LISTING_MAX_WORDS = 150
_LANG_MIN_WORDS = 30
_LANG_CHECK_CHARS = 400
UNKNOWN_PUBLISHER = "unknown"


def parse_tree(
    text: str, limits: Limits = DEFAULT_LIMITS, name: str = "the page"
) -> HtmlElement | None:
    """The page as an lxml tree (lxml recovers from malformed markup); None when empty.

    A page with more elements, or an element with more attributes, than ``limits`` allow
    (:mod:`broadsheet.parsers.htmlsize`) is refused (``too_large``) before lxml sees it.
    """
    check_markup_size(text, name, limits.html_elements, limits.html_attributes)
    try:
        return _adopt_strays(document_fromstring(text, parser=_HTML_PARSER))
    except ValueError:  # a str with an XML encoding declaration: parse the UTF-8 bytes
        try:
            tree = document_fromstring(text.encode("utf-8", "surrogatepass"), parser=_HTML_PARSER)
        except (ParserError, ValueError):
            return None
        return _adopt_strays(tree)
    except ParserError:
        return None


def _adopt_strays(root: HtmlElement) -> HtmlElement:
    """Move elements that broken markup left beside the document's root into its body.

    A second ``<html>`` (a page pasted into a page, a template closing ``</html>`` early)
    makes lxml put what follows beside the root, where nothing that walks the root sees it
    (the article of some pages sits there). Their content is moved to the end of the body,
    in page order; a stray ``<html>`` gives its body's children (its ``<head>`` is dropped).
    """
    strays = [el for el in root.itersiblings() if isinstance(el.tag, str)]
    if not strays:
        return root
    body = root.find("body")
    if body is None:
        body = root
    for stray in strays:
        if stray.tag != "html":
            body.append(stray)
            continue
        inner = stray.find("body")
        source = inner if inner is not None else stray
        for child in list(source):
            if child.tag != "head":
                body.append(child)
    return root


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


def _refuse_without_body(doc: Document, meta: PageMeta, blocks: list[Block]) -> None:
    """Refuse a page whose extracted body is missing, or short on a declared listing."""
    words = sum(len(b.text.split()) for b in blocks)
    name = doc.page.source_file
    if not meta.declares_article and words < _LISTING_MAX_WORDS and meta.declares_listing:
        kinds = ", ".join(sorted(meta.types))
        raise PageError(
            "not_article",
            f"{name} is a listing page: it declares a non-article page type ({kinds}) and has "
            f"only {words} words of body text (an article needs {_LISTING_MAX_WORDS})",
            page_type="listing",
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
    generic = True

    def claims(self, doc: Document) -> bool:
        return doc.is_html

    def parse(self, doc: Document) -> Article:
        page = doc.page
        text = repair_mojibake(safe_text(doc.text))
        tree = parse_tree(text, doc.limits, page.source_file)
        if tree is None:
            raise PageError("not_article", f"{page.source_file} has no HTML content to parse")
        page_url = usable_url(page.url)
        meta = read_meta(tree, page_url, doc.limits.json_ld_depth)
        base = page_url or meta.url
        # before extraction, which prunes the tree: :mod:`broadsheet.parsers.pagetype`
        refuse_non_article(page.source_file, tree, base, meta)
        related = find_related(tree, base)
        marks = landmarks(tree)
        figures = figure_images(marks, base)
        blocks, _standfirst = extract_body(
            tree,
            marks,
            article=meta.declares_article,
            title=meta.title,
            description=meta.description,
            related=related,
        )
        _refuse_without_body(doc, meta, blocks)
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
            **meta.dates(page.captured_at),
            section=meta.section,
            tags=meta.tags,
            images=_images(meta, figures),
            related=related,
        )


PARSER = GenericHTML()
