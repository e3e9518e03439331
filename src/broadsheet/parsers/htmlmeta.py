"""Page metadata from an HTML tree: JSON-LD first, then OpenGraph and <meta>, then the markup.

Every reader takes the lxml tree parsed once by the generic HTML parser and returns only
what the page states: a missing field is None or an empty list, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from broadsheet.parsers.htmldates import DATE_KEYS, MODIFIED_KEYS, first_date, time_element
from broadsheet.parsers.jsonld import LISTING_TYPES, JsonLd, first_str, is_article_type, ld_text
from broadsheet.parsers.names import dedupe, is_name, norm, split_names, split_tags

_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|•|»)\s+")
_HOST = re.compile(r"^(?:www\.)?[\w-]+(?:\.[a-z]{2,})+$", re.I)


@dataclass(slots=True)
class PageMeta:
    """What the page declares about itself."""

    title: str | None = None
    html_title: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    modified_at: datetime | None = None
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    section: str | None = None
    publisher: str | None = None
    url: str | None = None
    language: str | None = None
    types: set[str] = field(default_factory=set)
    images: list[tuple[str, str | None, str | None]] = field(default_factory=list)

    @property
    def declares_article(self) -> bool:
        return any(is_article_type(t) for t in self.types)

    @property
    def declares_listing(self) -> bool:
        return bool(self.types & LISTING_TYPES) and not self.declares_article


# ---------------------------------------------------------------- <meta>


def _metas(tree: HtmlElement) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop")
        key = key or meta.get("http-equiv")
        content = meta.get("content")
        if key and content and content.strip():
            out.setdefault(key.strip().lower(), []).append(content.strip())
    return out


def absolute_url(base: str | None, link: str | None) -> str | None:
    if not link or link.strip().startswith("data:"):
        return None
    link = link.strip()
    if base:
        try:
            return urljoin(base, link)
        except ValueError:
            return None
    return link if urlsplit(link).scheme in ("http", "https") else None


def strip_site_suffix(title: str, site: str | None) -> str:
    """'Headline | Site' -> 'Headline' when the last part is the site or short chrome."""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    site_key = norm(site).casefold() if site else None
    while len(parts) > 1:
        last = parts[-1].strip().casefold()
        if (site_key and (last == site_key or last in site_key or site_key in last)) or (
            len(last.split()) <= 3 and len(" ".join(parts[:-1]).split()) >= 3
        ):
            parts.pop()
        else:
            break
    return " - ".join(p.strip() for p in parts) if len(parts) > 1 else parts[0].strip()


def read_meta(tree: HtmlElement, page_url: str | None) -> PageMeta:
    """Everything the page declares, from JSON-LD, <meta> tags and <link>/<time>/<title>."""
    ld = JsonLd(tree)
    metas = _metas(tree)

    def meta(*keys: str) -> str | None:
        for key in keys:
            for value in metas.get(key, ()):
                text = norm(value)
                if text:
                    return text
        return None

    out = PageMeta()
    og_type = meta("og:type")
    out.types = set(ld.types) | ({og_type.lower()} if og_type else set())
    links = {(link.get("rel") or "").lower(): link.get("href") for link in tree.iter("link")}
    out.url = absolute_url(page_url, links.get("canonical")) or absolute_url(
        page_url, meta("og:url")
    )
    base = page_url or out.url

    out.publisher = (
        first_str(ld.get("publisher"))
        or meta("og:site_name", "application-name", "twitter:site")
        or ((urlsplit(base).hostname or "") if base else "").removeprefix("www.")
        or None
    )
    if out.publisher and out.publisher.startswith("@"):
        out.publisher = out.publisher[1:] or None
    title_el = next(tree.iter("title"), None)
    out.html_title = norm(title_el.text_content()) or None if title_el is not None else None
    out.title = _read_title(tree, ld, meta, out.publisher, out.html_title)
    out.description = first_str(ld.get("description")) or meta(
        "og:description", "description", "twitter:description"
    )
    out.authors = _read_authors(tree, ld, metas)
    out.published_at = first_date(
        iter([ld.get("datePublished"), ld.get("dateCreated"), *(meta(k) for k in DATE_KEYS)])
    ) or time_element(tree)
    out.modified_at = first_date(iter([ld.get("dateModified"), *(meta(k) for k in MODIFIED_KEYS)]))
    out.tags = _read_tags(ld, metas)
    section = first_str(ld.get("articleSection")) or meta("article:section")
    out.section = None if section and _HOST.match(section) else section  # not a host name
    out.language = _read_language(tree, meta)
    out.images = _meta_images(ld, meta, base)
    return out


def _read_title(
    tree: HtmlElement, ld: JsonLd, meta: Any, site: str | None, html_title: str | None
) -> str | None:
    headline = first_str(ld.get("headline"))
    if headline:
        return headline
    for candidate in (meta("og:title"), meta("twitter:title")):
        if candidate:
            return strip_site_suffix(candidate, site)
    h1 = next(tree.iter("h1"), None)
    if h1 is not None and norm(h1.text_content()):
        return norm(h1.text_content())
    return strip_site_suffix(html_title, site) if html_title else None


def _read_authors(tree: HtmlElement, ld: JsonLd, metas: dict[str, list[str]]) -> list[str]:
    found = ld.names("author")
    if not found:
        for key in _AUTHOR_KEYS:
            for value in metas.get(key, ()):
                if is_name(value):
                    found.extend(split_names(value))
            if found:
                break
    if not found:
        for el in tree.xpath("//*[@itemprop='author' or @rel='author']")[:5]:
            name = el.get("content") or _itemprop_name(el)
            if is_name(name):
                found.extend(split_names(name))
    if not found:
        found = _byline(tree)
    return dedupe(found)


_AUTHOR_KEYS = (
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "cxenseparse:author",
    "dc.creator",
    "byl",
)
_BYLINE_TEXT = re.compile(r"^\s*by\s+\S", re.I)


def _byline(tree: HtmlElement) -> list[str]:
    """Names of the first short 'By A and B' line of the page."""
    nodes = tree.xpath(
        "//body//text()[starts-with(normalize-space(.), 'By ') or "
        "starts-with(normalize-space(.), 'BY ') or normalize-space(.) = 'By']"
    )
    for node in nodes[:5]:
        parent = node.getparent()
        if parent is None or parent.tag in ("script", "style", "title"):
            continue
        own = norm(str(node))
        text = own if len(own.split()) > 1 else norm(parent.text_content())
        if _BYLINE_TEXT.match(text) and len(text) <= 80:
            names = [n for n in split_names(text) if is_name(n)]
            if names:
                return names
    return []


def _itemprop_name(el: HtmlElement) -> str:
    named = el.xpath(".//*[@itemprop='name']")
    node = named[0] if named else el
    return str(node.get("content") or node.text_content())


def _read_tags(ld: JsonLd, metas: dict[str, list[str]]) -> list[str]:
    tags: list[str] = []
    keywords = ld.get("keywords")
    for item in keywords if isinstance(keywords, list) else [keywords]:
        if isinstance(item, str):
            tags.extend(split_tags(ld_text(item)))
    for value in metas.get("article:tag", ()):
        tags.extend(split_tags(value))
    if not tags:
        for key in ("news_keywords", "keywords"):
            for value in metas.get(key, ()):
                tags.extend(split_tags(value))
    return dedupe(tags)


def _read_language(tree: HtmlElement, meta: Any) -> str | None:
    for value in (tree.get("lang"), tree.get("xml:lang"), meta("content-language", "og:locale")):
        match = re.match(r"^\s*([A-Za-z]{2,3})(?:$|[-_\s])", str(value or ""))
        if match:
            return match.group(1).lower()
    return None


def _meta_images(
    ld: JsonLd, meta: Any, base: str | None
) -> list[tuple[str, str | None, str | None]]:
    images: list[tuple[str, str | None, str | None]] = []
    og = absolute_url(base, meta("og:image", "og:image:url", "twitter:image"))
    if og:
        images.append((og, meta("og:image:alt", "twitter:image:alt"), None))
    value = ld.get("image")
    for item in value if isinstance(value, list) else [value]:
        item = ld.resolve(item)
        if isinstance(item, str):
            url = absolute_url(base, item)
            caption = None
        elif isinstance(item, dict):
            url = absolute_url(base, item.get("url") or item.get("contentUrl"))
            caption = first_str(item.get("caption"))
        else:
            continue
        if url:
            images.append((url, None, caption))
    return images
