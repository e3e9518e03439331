"""Page metadata from an HTML tree: JSON-LD first, then OpenGraph and <meta>, then the markup.

Every reader takes the lxml tree parsed once by the generic HTML parser and returns only
what the page states: a missing field is None or an empty list, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from broadsheet.parsers.htmldates import (
    DATE_KEYS,
    MODIFIED_KEYS,
    Dated,
    DateFields,
    date_fields,
    first_date,
    publication,
)
from broadsheet.parsers.htmlnames import read_authors, read_publisher
from broadsheet.parsers.htmltitle import MAX_HEADINGS, choose_title
from broadsheet.parsers.jsonld import LISTING_TYPES, JsonLd, first_str, is_article_type, ld_text
from broadsheet.parsers.names import dedupe, norm, site_keys, split_tags
from broadsheet.sources.limits import DEFAULT_LIMITS

_HOST = re.compile(r"^(?:www\.)?[\w-]+(?:\.[a-z]{2,})+$", re.I)


@dataclass(slots=True)
class PageMeta:
    """What the page declares about itself."""

    title: str | None = None
    html_title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: list[Dated] = field(default_factory=list)  # plausible times, best first
    modified_at: datetime | None = None
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    section: str | None = None
    publisher: str | None = None
    url: str | None = None
    language: str | None = None
    types: set[str] = field(default_factory=set)
    ld_types: set[str] = field(default_factory=set)
    images: list[tuple[str, str | None, str | None]] = field(default_factory=list)

    def dates(self, captured_at: datetime | None) -> DateFields:
        """published_at (the best time not later than the capture), its source and precision."""
        return date_fields(self.published, self.modified_at, captured_at)

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


def absolute_url(base: str | None, link: object) -> str | None:
    """``link`` made absolute against ``base``; None for anything that is not a usable URL."""
    if not isinstance(link, str) or not link or link.strip().startswith("data:"):
        return None
    link = link.strip()
    try:
        if base:
            url = urljoin(base, link)
            urlsplit(url)  # urljoin passes some unreadable URLs through ("http://[::1")
            return url
        return link if urlsplit(link).scheme in ("http", "https") else None
    except ValueError:
        return None


def read_meta(
    tree: HtmlElement, page_url: str | None, json_ld_depth: int = DEFAULT_LIMITS.json_ld_depth
) -> PageMeta:
    """Everything the page declares, from JSON-LD, <meta> tags and <link>/<time>/<title>.

    A JSON-LD block nested deeper than ``json_ld_depth`` is passed over."""
    ld = JsonLd(tree, json_ld_depth)
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
    out.ld_types = set(ld.types)
    out.types = out.ld_types | ({og_type.lower()} if og_type else set())
    links = {(link.get("rel") or "").lower(): link.get("href") for link in tree.iter("link")}
    out.url = absolute_url(page_url, links.get("canonical")) or absolute_url(
        page_url, meta("og:url")
    )
    base = page_url or out.url

    title_el = next(tree.iter("title"), None)
    out.html_title = norm(title_el.text_content()) or None if title_el is not None else None
    sites = site_keys([meta("og:site_name"), first_str(ld.get("publisher"))], base)
    out.title = _read_title(tree, ld, metas, sites, out.html_title)
    out.description = first_str(ld.get("description")) or meta(
        "og:description", "description", "twitter:description"
    )
    out.authors = read_authors(tree, ld, metas, sites, out.title)
    out.publisher = read_publisher(ld, metas, base, out.authors)
    out.modified_at = first_date(iter([ld.get("dateModified"), *(meta(k) for k in MODIFIED_KEYS)]))
    out.published = publication(
        tree,
        [
            ("json_ld", ld.get("datePublished")),
            ("json_ld", ld.get("dateCreated")),
            *(("meta", meta(k)) for k in DATE_KEYS),
        ],
        out.modified_at,
        base,
        other_stated=(("meta", v) for values in metas.values() for v in values),
    )
    out.tags = _read_tags(ld, metas)
    section = first_str(ld.get("articleSection")) or meta("article:section")
    out.section = None if section and _HOST.match(section) else section  # not a host name
    out.language = _read_language(tree, meta)
    out.images = _meta_images(ld, meta, base)
    return out


def _read_title(
    tree: HtmlElement,
    ld: JsonLd,
    metas: dict[str, list[str]],
    sites: set[str],
    html_title: str | None,
) -> str | None:
    stated = [
        first_str(ld.get("headline")),
        *metas.get("og:title", ()),
        *metas.get("twitter:title", ()),
    ]
    headings = [h.text_content() for h in islice(tree.iter("h1"), MAX_HEADINGS)]
    return choose_title(stated, html_title, headings, sites)


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
