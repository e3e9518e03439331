"""The recipe's ``[corpus]`` settings (defined with the recipe, re-exported here)."""

from __future__ import annotations

from broadsheet.recipe import CorpusSettings

__all__ = ["CorpusSettings"]
