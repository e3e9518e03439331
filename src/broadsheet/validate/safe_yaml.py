"""The dataset card's YAML front matter, loaded with limits.

broadsheet writes the header with ``yaml.safe_dump`` from fresh lists and dicts: a few
kilobytes, a nesting depth under ten, and no anchors or aliases. A tampered header may
instead hold an alias bomb (a kilobyte of aliases expanding to billions of nodes) or a
string of tens of megabytes. So the header is refused over a size cap before it is parsed,
and the safe loader refuses any anchor or alias and any nesting past a depth cap.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import Node

# The header of the seed release's card has 3 KB: the features of the 25 columns and the
# splits. 1 MiB leaves room for long descriptions and refuses a header meant to exhaust memory.
MAX_FRONT_MATTER_BYTES = 1024**2
# The features nest lists of structs four levels deep, inside dataset_info: about 8 levels.
MAX_DEPTH = 32


class FrontMatterError(ValueError):
    """The front matter is not YAML validate will read."""


class LimitedLoader(yaml.SafeLoader):  # type: ignore[misc]  # PyYAML has no type stubs here
    """A safe loader that refuses anchors, aliases and deep nesting."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: object) -> Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            mark = event.start_mark
            raise FrontMatterError(
                f"the front matter uses a YAML anchor or alias at line {mark.line + 1}, "
                "column {}; broadsheet writes none".format(mark.column + 1)
            )
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise FrontMatterError(
                f"the front matter nests deeper than {MAX_DEPTH} levels "
                f"(line {event.start_mark.line + 1})"
            )
        try:
            node: Node | None = super().compose_node(parent, index)
            return node
        finally:
            self._depth -= 1


def front_matter_text(text: str) -> str | None:
    """The YAML between the opening ``---`` line and the next ``---`` line, if any."""
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---\n", 4)
    if end < 0:
        return None
    return text[4 : end + 1]


def load_front_matter(text: str) -> dict[str, Any] | None:
    """The card's header as a mapping; None when there is no front matter or it is not a
    mapping. Raises :class:`FrontMatterError` (too large, anchors, too deep) or
    ``yaml.YAMLError`` (not YAML)."""
    header = front_matter_text(text)
    if header is None:
        return None
    size = len(header.encode("utf-8"))
    if size > MAX_FRONT_MATTER_BYTES:
        raise FrontMatterError(
            f"the front matter has {size:,} bytes; validate reads at most "
            f"{MAX_FRONT_MATTER_BYTES:,}"
        )
    loader = LimitedLoader(header)
    try:
        data = loader.get_single_data()
    finally:
        loader.dispose()
    return data if isinstance(data, dict) else None
