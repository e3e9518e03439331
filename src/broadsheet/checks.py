"""Placeholder: table checks (pandera). Fills in split_failing and run_checks."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa

from broadsheet.recipe import CheckSettings

if TYPE_CHECKING:
    from broadsheet.pipeline import Quarantined


def split_failing(table: pa.Table, settings: CheckSettings) -> tuple[pa.Table, list[Quarantined]]:
    """Rows passing every row-level check, and quarantine entries for the others."""
    return table, []
