"""Caps on the markup of one HTML page, checked on the text before lxml parses it.

libxml2 checks each attribute of an element against the ones before it, so the parse
grows with the square of the attributes on one element: one ``<div>`` with 200,000
attributes takes a minute, inside one C call that no time limit can interrupt. A page
with too many elements, or an element with too many attributes, is refused as
``too_large`` by a scan that costs a few percent of the parse:

* elements: ``text.count("<")`` bounds them from above (one C-speed pass); only a page
  over the cap has its tags counted exactly;
* attributes: one regular expression finds a start tag followed by more than the cap of
  attributes (quoted values are skipped whole, so ``>`` or ``<`` inside them changes
  nothing); possessive quantifiers keep it linear on any text.
"""

from __future__ import annotations

import re
from functools import lru_cache

from broadsheet.errors import PageError
from broadsheet.sources.limits import DEFAULT_LIMITS

MAX_ELEMENTS = DEFAULT_LIMITS.html_elements
"""Default of the most start tags on one page (large real pages hold tens of thousands)."""
MAX_ATTRIBUTES = DEFAULT_LIMITS.html_attributes
"""Default of the most attributes on one element (real elements hold a handful)."""

_START_TAG = re.compile(r"<[A-Za-z]")
_ATTRIBUTE = r"""[\s/]++[^\s<>"'=/]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s<>"']*+))?+"""


@lru_cache(maxsize=8)
def _crowded_tag(max_attributes: int) -> re.Pattern[str]:
    """A start tag followed by more than ``max_attributes`` attributes."""
    return re.compile(rf"<([A-Za-z][^\s<>/]*+)(?:{_ATTRIBUTE}){{{max_attributes + 1}}}")


def check_markup_size(
    text: str,
    name: str,
    max_elements: int = MAX_ELEMENTS,
    max_attributes: int = MAX_ATTRIBUTES,
) -> None:
    """Raise ``PageError("too_large")`` when the page ``name`` has more than
    ``max_elements`` elements or an element with more than ``max_attributes`` attributes
    (the recipe's ``[limits] html_elements`` and ``html_attributes``)."""
    if text.count("<") > max_elements:
        elements = sum(1 for _ in _START_TAG.finditer(text))
        if elements > max_elements:
            raise PageError(
                "too_large",
                f"{name} has {elements:,} HTML elements; the limit is {max_elements:,} "
                "elements a page ([limits] html_elements)",
            )
    crowded = _crowded_tag(max_attributes).search(text)
    if crowded is not None:
        raise PageError(
            "too_large",
            f"{name} has a <{crowded.group(1)[:40]}> element with more than "
            f"{max_attributes:,} attributes (at character {crowded.start():,}); the limit is "
            f"{max_attributes:,} attributes an element ([limits] html_attributes)",
        )
