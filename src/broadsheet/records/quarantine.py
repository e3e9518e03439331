"""Outcomes that are not rows: an input quarantined at some stage, with its reason code.

Every stage (sources, parsers, checks, the build's de-duplication) reports what it refuses
as a :class:`Quarantined`, so the checks and the pipeline share one type without importing
each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Stage = Literal["source", "parse", "check", "dedup", "corpus"]


@dataclass(frozen=True, slots=True)
class Quarantined:
    """An input that did not become a dataset row, with the reason why."""

    source_file: str
    source_sha256: str | None
    code: str
    message: str
    stage: Stage
    record: dict[str, Any] | None = None
    duplicate_of: str | None = None
    page_type: str | None = None
    """What a ``not_article`` page is instead (listing, product, forum, ...), when known."""

    def to_json_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "source_file": self.source_file,
            "source_sha256": self.source_sha256,
            "stage": self.stage,
            "code": self.code,
            "message": self.message,
        }
        if self.duplicate_of is not None:
            out["duplicate_of"] = self.duplicate_of
        if self.page_type is not None:
            out["page_type"] = self.page_type
        if self.record is not None:
            out["record"] = self.record
        return out
