"""A broadsheet site parser: article pages of The Harbour Gazette (gazette.example.org).

A plugin is this module, the entry point in pyproject.toml and golden fixtures. The parser
reads the page's BeautifulSoup document (``doc.soup``, built by broadsheet for the parsers
that ask for it) with CSS selectors, and assembles the record with ``build_article``, which
derives the id, the text, the word count and the language and validates the record.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from broadsheet.errors import PageError
from broadsheet.parsers.base import Document, Parser
from broadsheet.parsers.common import build_article, caption_credit, clean
from broadsheet.records.model import Article, Block, BlockKind, Image, Related

if TYPE_CHECKING:
    from bs4 import Tag

HOST = "gazette.example.org"
GENERATOR = '<meta name="generator" content="Gazette CMS'
PUBLISHER = "The Harbour Gazette"
BODY_KINDS: dict[str, BlockKind] = {
    "p": "paragraph",
    "h2": "heading",
    "h3": "heading",
    "li": "list_item",
    "blockquote": "quote",
}


def _text(tag: Tag | None) -> str:
    return clean(tag.get_text(" ", strip=True)) if tag is not None else ""


class HarbourGazette(Parser):
    """Article pages of The Harbour Gazette (gazette.example.org, Gazette CMS markup)."""

    name = "harbour_gazette"
    version = "1.0"

    def claims(self, doc: Document) -> bool:
        # Cheap: the page's address or the CMS's signature in its head, no parse.
        if not doc.is_html:
            return False
        host = urlsplit(doc.page.url or "").hostname
        return host == HOST or GENERATOR in doc.text[:4096]

    def parse(self, doc: Document) -> Article:
        soup = doc.soup
        story = soup.select_one("article.story")
        name = doc.page.source_file
        if story is None:
            raise PageError("not_article", f"{name} has no article.story (a section page?)")
        title = _text(story.select_one("h1.story-title"))
        if not title:
            raise PageError("not_article", f"{name} has no h1.story-title headline")
        canonical = soup.select_one('link[rel="canonical"]')
        url = str(canonical["href"]) if canonical is not None else None
        base = doc.page.url or url or f"https://{HOST}/"
        body = [
            Block(kind=BODY_KINDS[tag.name], text=_text(tag))
            for tag in story.select(
                ".story-body > p, .story-body > h2, .story-body > h3, "
                ".story-body > blockquote, .story-body > ul > li"
            )
            if _text(tag)
        ]
        published = story.select_one("time.published[datetime]")
        published_at = (
            datetime.fromisoformat(str(published["datetime"])) if published is not None else None
        )
        images = []
        for figure in story.select("figure"):
            img = figure.select_one("img[src]")
            caption = _text(figure.select_one("figcaption")) or None
            images.append(
                Image(
                    url=urljoin(base, str(img["src"])) if img is not None else None,
                    alt=str(img.get("alt") or "") or None if img is not None else None,
                    caption=caption,
                    credit=caption_credit(caption),
                )
            )
        related = [
            Related(title=_text(a), url=urljoin(base, str(a["href"])), kind="related")
            for a in story.select("aside.related a[href]")
            if _text(a)
        ]
        html = soup.select_one("html[lang]")
        return build_article(
            page=doc.page,
            parser=self.ident,
            publisher=PUBLISHER,
            title=title,
            body=body,
            url=url,
            language=str(html["lang"]).split("-")[0] if html is not None else None,
            description=_text(story.select_one("p.standfirst")) or None,
            authors=[_text(a) for a in story.select('.byline a[rel="author"]') if _text(a)],
            published_at=published_at,
            published_at_source="time_element" if published_at is not None else None,
            published_at_precision="second" if published_at is not None else None,
            section=_text(story.select_one("p.kicker")) or None,
            tags=[_text(a) for a in story.select("ul.tags a") if _text(a)],
            images=images,
            related=related,
        )


PARSER = HarbourGazette()
