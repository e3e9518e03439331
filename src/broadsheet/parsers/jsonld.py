"""JSON-LD of a page: its typed objects, the main article among them, @id references."""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from typing import Any

from lxml.html import HtmlElement

from broadsheet.parsers.names import is_name, norm, split_names
from broadsheet.sources.limits import DEFAULT_LIMITS, json_depth

ARTICLE_TYPES: frozenset[str] = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenews",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "reviewnewsarticle",
        "askpublicnewsarticle",
        "blogposting",
        "liveblogposting",
        "socialmediaposting",
        "satiricalarticle",
        "advertisercontentarticle",
        "techarticle",
        "scholarlyarticle",
        "report",
        "review",
    }
)
#: Declared types of pages that list or index other pages.
LISTING_TYPES: frozenset[str] = frozenset(
    {"website", "collectionpage", "itemlist", "searchresultspage", "profilepage", "aboutpage"}
)


def is_article_type(kind: str) -> bool:
    """schema.org article types (NewsArticle, ReportageNewsArticle, BlogPosting, ...)."""
    kind = kind.lower()
    return kind in ARTICLE_TYPES or kind.endswith(("article", "posting"))


def _json_objects(tree: HtmlElement, max_depth: int) -> Iterator[Any]:
    """The JSON-LD blocks of the page that parse, none nested deeper than ``max_depth``."""
    for script in tree.iter("script"):
        kind = (script.get("type") or "").lower()
        if "ld+json" not in kind or not script.text:
            continue
        text = script.text.strip()
        if text.startswith("<!--"):
            text = text.removeprefix("<!--").removesuffix("-->")
        if text.count("[") + text.count("{") > max_depth and (
            json_depth(text.encode("utf-8", "surrogatepass"), max_depth) is not None
        ):
            continue  # deeper than any real block: passed over before json.loads recurses
        try:
            yield json.loads(text, strict=False)
        except (ValueError, RecursionError):  # not JSON, or nested too deep to read
            continue


def _walk(node: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every typed object of a JSON-LD document: lists, @graph and nested values included."""
    if depth > 6:
        return
    if isinstance(node, list):
        for item in node:
            yield from _walk(item, depth + 1)
    elif isinstance(node, dict):
        if "@type" in node or "@id" in node:
            yield node
        for key, value in node.items():
            if isinstance(value, dict | list) and key not in ("author", "publisher", "image"):
                yield from _walk(value, depth + 1)


def ld_types(node: dict[str, Any]) -> set[str]:
    """The lower-case schema.org types of an object: {'newsarticle'}, {'person'}."""
    return _types(node)


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type")
    values = kind if isinstance(kind, list) else [kind]
    return {v.rsplit("/", 1)[-1].lower() for v in values if isinstance(v, str)}


def first_str(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str | dict)), None)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    return ld_text(value) or None if isinstance(value, str) else None


def ld_text(value: str) -> str:
    """A JSON-LD string as text: entities some sites escape twice decoded, whitespace normalised."""
    return norm(html.unescape(value) if "&" in value else value)


class JsonLd:
    """The page's JSON-LD objects, the main article among them and an @id index."""

    def __init__(self, tree: HtmlElement, max_depth: int = DEFAULT_LIMITS.json_ld_depth) -> None:
        self.nodes: list[dict[str, Any]] = []
        for obj in _json_objects(tree, max_depth):
            self.nodes.extend(_walk(obj))
        self.by_id = {n["@id"]: n for n in self.nodes if isinstance(n.get("@id"), str)}
        articles = [n for n in self.nodes if any(is_article_type(t) for t in _types(n))]
        with_headline = [n for n in articles if n.get("headline")]
        self.article: dict[str, Any] = (with_headline or articles or [{}])[0]
        self.types: set[str] = (
            set().union(*(_types(n) for n in self.nodes)) if self.nodes else set()
        )

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict) and set(value) <= {"@id", "@type"} and "@id" in value:
            return self.by_id.get(value["@id"], value)
        return value

    def get(self, key: str) -> Any:
        return self.resolve(self.article.get(key))

    def names(self, key: str, kind: str | None = None) -> list[str]:
        """Names of the Person or Organization objects (or strings) of a property; with
        ``kind``, only those of objects whose type ends with it ('organization').

        @id references are resolved; a name given as a list is joined, a Person with only
        ``givenName``/``familyName`` is named by them; strings are split as bylines.
        """
        value = self.get(key)
        items = value if isinstance(value, list) else [value]
        out: list[str] = []
        for item in items:
            item = self.resolve(item)
            if kind and not (
                isinstance(item, dict) and any(t.endswith(kind) for t in _types(item))
            ):
                continue
            if isinstance(item, dict):
                item = person_name(item)
            if isinstance(item, str) and is_name(item):
                out.extend(split_names(ld_text(item)))
        return out


def person_name(node: dict[str, Any]) -> str | None:
    """The name of a Person or Organization object (``givenName familyName`` if no name)."""
    name = node.get("name")
    if isinstance(name, list):
        name = " ".join(x for x in name if isinstance(x, str))
    if isinstance(name, dict):
        name = name.get("@value")
    if isinstance(name, str) and name.strip():
        return name
    parts = [node.get("givenName"), node.get("familyName")]
    joined = " ".join(p for p in parts if isinstance(p, str) and p.strip())
    return joined or None
