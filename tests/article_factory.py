"""Small, coherent article records and the check settings of the default recipe.

The texts are short news items written for the tests; every derived field (text,
word count, id, reading time) is computed the way the parsers compute it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from broadsheet.parsers.common import build_article
from broadsheet.recipe import CheckSettings, Publisher
from broadsheet.records.model import (
    Article,
    Block,
    BlockKind,
    Related,
    count_words,
    make_id,
    prose_text,
)
from broadsheet.sources.items import Page

PUBLISHER = "Al Mayadeen English"

ALMAYADEEN = Publisher(
    name=PUBLISHER,
    hosts=["english.almayadeen.net"],
    timezone="Asia/Beirut",
    language="en",
    launched=date(2021, 7, 1),
    chrome_markers=["BREAKING", "Most Read", "Related News", "All Rights Reserved", "Read more:"],
)

SETTINGS = CheckSettings(
    title_min_chars=8,
    title_max_chars=300,
    text_min_words=50,
    text_max_words=20_000,
    earliest_published=date(1990, 1, 1),
    chrome_markers=["Advertisement"],
    publishers={PUBLISHER: ALMAYADEEN},
)

STORIES: dict[str, dict[str, Any]] = {
    "port": {
        "slug": "news/economy/tyre-port-reopens-to-fishing-boats",
        "title": "Tyre port reopens to fishing boats after weeks of closure",
        "paragraphs": [
            "Fishing boats returned to the port of Tyre on Monday morning after the harbour "
            "had been closed to small vessels for nearly three weeks.",
            "The head of the local fishermen's syndicate said about 70 boats sailed before "
            "dawn, and that most crews were back by noon with modest catches of sardines "
            "and red mullet.",
            "Traders at the fish market said prices fell by a third within hours of the "
            "first boats unloading, a relief for families who had relied on frozen imports.",
        ],
        "published_at": datetime(2023, 11, 27, 9, 15, tzinfo=UTC),
        "tags": ["Lebanon", "Tyre", "Fishing"],
    },
    "harvest": {
        "slug": "news/economy/wheat-harvest-begins-in-the-bekaa",
        "title": "Wheat harvest begins early in the Bekaa valley",
        "paragraphs": [
            "Farmers in the Bekaa valley began harvesting wheat a week earlier than usual, "
            "after a dry and unusually warm spring shortened the growing season.",
            "Agronomists at the Lebanese Agricultural Research Institute expect yields close "
            "to last year's, though grain from the northern plots is lighter.",
            "Cooperatives have asked the ministry to open its silos in Zahle before the end "
            "of the month so that growers are not forced to sell at harvest prices.",
        ],
        "published_at": datetime(2024, 5, 20, 6, 40, tzinfo=UTC),
        "tags": ["Lebanon", "Agriculture"],
    },
    "library": {
        "slug": "news/arts-culture/tripoli-library-restored",
        "title": "Tripoli's old municipal library reopens after restoration",
        "paragraphs": [
            "The municipal library of Tripoli reopened its reading room on Saturday after "
            "two years of restoration work on its Ottoman-era building.",
            "Volunteers catalogued more than twelve thousand books during the closure, "
            "including newspapers from the 1920s that had been stored in the basement.",
            "The library will open six days a week, and its director said evening hours "
            "would be added for students preparing for official exams.",
        ],
        "published_at": datetime(2024, 2, 3, 10, 5, tzinfo=UTC),
        "tags": ["Lebanon", "Culture"],
    },
}


def article(story: str = "port", **overrides: Any) -> Article:
    """A valid record of one of :data:`STORIES`; overrides replace fields (body re-derives)."""
    data = STORIES[story]
    url = overrides.pop("url", f"https://english.almayadeen.net/{data['slug']}")
    body = overrides.pop("body", [Block(kind="paragraph", text=p) for p in data["paragraphs"]])
    text = prose_text(body)
    words = count_words(text)
    fields: dict[str, Any] = {
        "id": make_id(url, PUBLISHER, data["title"], data["published_at"]),
        "url": url,
        "publisher": PUBLISHER,
        "language": "en",
        "title": data["title"],
        "description": None,
        "authors": ["Al Mayadeen English"],
        "source_credit": "Agencies",
        "published_at": data["published_at"],
        "published_at_source": "visible_text",  # as the text parser reads it: to the minute
        "published_at_precision": "minute",
        "section": "Economy",
        "coverage": None,
        "tags": data["tags"],
        "images": [],
        "body": body,
        "text": text,
        "related": [],
        "word_count": words,
        "reading_time_minutes": max(1, round(words / 230)),
        "share_count": 2,
        "captured_at": datetime(2024, 9, 12, 8, 0, tzinfo=UTC),
        "captured_after": date(2024, 9, 11),
        "source_file": f"pages/{story}.txt",
        "source_sha256": f"{sum(map(ord, story)):064x}",
        "parser": "almayadeen_text@1.0",
    }
    fields.update(overrides)
    if fields["published_at"] is None:  # an undated record describes no date
        for key in ("published_at_source", "published_at_precision"):
            fields[key] = overrides.get(key)
    return Article(**fields)


def with_paragraph(story: str, paragraph: str, **overrides: Any) -> Article:
    """A story with one more paragraph at the end of its body."""
    paragraphs = [*STORIES[story]["paragraphs"], paragraph]
    return article(story, body=[Block(kind="paragraph", text=p) for p in paragraphs], **overrides)


def related(title: str) -> Related:
    return Related(title=title, url=None, kind="related")


def built_article(
    name: str,
    title: str,
    blocks: list[tuple[BlockKind, str]],
    *,
    publisher: str = PUBLISHER,
    url: str | None = None,
    captured_at: datetime | None = None,
    **fields: Any,
) -> Article:
    """A record of the page ``pages/<name>`` assembled by ``build_article`` as a parser does,
    from (kind, text) body blocks; ``fields`` are more of ``build_article``'s arguments (a
    ``published_at`` is read from the page's text, to the minute, unless they say more)."""
    fields.setdefault("published_at_source", "visible_text")
    fields.setdefault("published_at_precision", "minute")
    page = Page(f"pages/{name}", f"page {name}".encode(), url=url, captured_at=captured_at)
    return build_article(
        page=page,
        parser="testparser@1.0",
        publisher=publisher,
        title=title,
        body=[Block(kind=kind, text=text) for kind, text in blocks],
        language="en",
        **fields,
    )
