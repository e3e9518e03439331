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

from broadsheet.errors import PageError

MAX_ELEMENTS = 200_000
"""Most start tags on one page (large real pages hold tens of thousands)."""
MAX_ATTRIBUTES = 1_000
"""Most attributes on one element (real elements hold a handful)."""

_START_TAG = re.compile(r"<[A-Za-z]")
_ATTRIBUTE = r"""[\s/]++[^\s<>"'=/]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s<>"']*+))?+"""
_CROWDED_TAG = re.compile(rf"<([A-Za-z][^\s<>/]*+)(?:{_ATTRIBUTE}){{{MAX_ATTRIBUTES + 1}}}")


def check_markup_size(text: str, name: str) -> None:
    """Raise ``PageError("too_large")`` when the page ``name`` has more than
    :data:`MAX_ELEMENTS` elements or an element with more than :data:`MAX_ATTRIBUTES`
    attributes."""
    if text.count("<") > MAX_ELEMENTS:
        elements = sum(1 for _ in _START_TAG.finditer(text))
        if elements > MAX_ELEMENTS:
            raise PageError(
                "too_large",
                f"{name} has {elements:,} HTML elements; the limit is {MAX_ELEMENTS:,} "
                "elements a page",
            )
    crowded = _CROWDED_TAG.search(text)
    if crowded is not None:
        raise PageError(
            "too_large",
            f"{name} has a <{crowded.group(1)[:40]}> element with more than "
            f"{MAX_ATTRIBUTES:,} attributes (at character {crowded.start():,}); the limit is "
            f"{MAX_ATTRIBUTES:,} attributes an element",
        )
