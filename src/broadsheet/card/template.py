"""The card's prose: a Jinja2 template, the one broadsheet ships or the recipe's own copy.

The template (``templates/card.md.j2``) holds the headings and the fixed paragraphs; the
tables, figures and measured sentences arrive as ``blocks`` (strings of Markdown made by
code). ``narrative(key)`` gives the recipe's ``[card]`` text for a key, and ``stated(*keys)``
says whether a section has anything to show: with a recipe always (a missing key is shown
as a visible gap), without one only when a key is set. The output is plain Markdown (no
HTML escaping) with runs of blank lines collapsed to one.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2

from broadsheet.card.markdown import narrative
from broadsheet.errors import UsageError
from broadsheet.recipe import Recipe

__all__ = ["DEFAULT_TEMPLATE", "default_template_text", "render_template"]

DEFAULT_TEMPLATE = "card.md.j2"
_BLANK_RUNS = re.compile(r"\n{3,}")


def default_template_text() -> str:
    """The template broadsheet ships (copy it to start your own)."""
    return (files("broadsheet.card") / "templates" / DEFAULT_TEMPLATE).read_text(encoding="utf-8")


@lru_cache(maxsize=8)
def _compiled(text: str) -> jinja2.Template:
    env = jinja2.Environment(
        autoescape=False,  # Markdown, not HTML; values from the data are escaped by code
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env.from_string(text)


def _template_text(recipe: Recipe) -> str:
    named = recipe.card.get("template")
    if not named:
        return default_template_text()
    path = Path(str(named))
    path = path if path.is_absolute() else recipe.root / path
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(
            "bad_recipe", f"[card] template {named!r}: cannot read {path} as UTF-8 text ({exc})"
        ) from exc


def render_template(recipe: Recipe, **context: Any) -> str:
    """The card body: the recipe's template (or the default) filled with ``context``."""

    def told(key: str) -> str:
        return "\n".join(narrative(recipe, key)).strip("\n")

    def stated(*keys: str) -> bool:
        return recipe.given or any(recipe.card.get(key) for key in keys)

    try:
        template = _compiled(_template_text(recipe))
        text = template.render(narrative=told, stated=stated, recipe=recipe, **context)
    except jinja2.TemplateError as exc:
        where = recipe.card.get("template") or DEFAULT_TEMPLATE
        raise UsageError("bad_recipe", f"card template {where}: {exc}") from exc
    return _BLANK_RUNS.sub("\n\n", text).strip("\n") + "\n"
