"""What one batch of inputs became, as a worker sends it back to the build.

Apart from :mod:`broadsheet.build.pipeline` (which imports the parsers and the table
checks) so that the build process, which only receives results, need not import them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pyarrow as pa

from broadsheet.corpus.worker import CorpusPart
from broadsheet.records.quarantine import Quarantined


@dataclass(slots=True)
class BatchResult:
    """What one batch of inputs became: accepted rows, quarantine entries, skip counts."""

    table: pa.Table
    quarantined: list[Quarantined] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    inputs: int = 0
    digests: list[bytes] = field(default_factory=list)
    """Content digest of each row of ``table`` (:func:`broadsheet.release.layout.record_digest`)."""
    corpus: CorpusPart | None = None
    """The corpus passes' features of the rows of ``table`` (:mod:`broadsheet.corpus.worker`),
    when the recipe's ``[corpus]`` passes are on."""
    keys: pa.Table | None = None
    """When the worker spilled the accepted rows itself (:func:`broadsheet.build.parts.
    spill_batch`): their keys (``parts.KEYS_SCHEMA``), ``table`` then being empty."""
    parts: list[str] = field(default_factory=list)
    """The spill part files the worker wrote (names in the staging folder)."""

    @property
    def accepted(self) -> int:
        """Rows accepted, whether carried here or spilled by the worker."""
        spilled = 0 if self.keys is None else int(self.keys.num_rows)
        return int(self.table.num_rows) + spilled
