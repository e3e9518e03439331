"""What a build did (:class:`BuildResult`) and the lines ``broadsheet build`` prints of it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from broadsheet.errors import REASONS

Status = Literal["written", "unchanged"]


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a build did: where the release is, whether it was written, and its counts.

    ``report`` is the build report without its per-input ``sources`` list (that one is
    only in the release's build-report.json).
    """

    release_dir: Path
    status: Status
    fingerprint: str
    report: dict[str, Any]
    provenance: tuple[str, ...] = ()
    """What differed from the release on disk when only its provenance did (status
    "unchanged"): the recorded command, broadsheet's or a library's version."""
    stale: tuple[str, ...] = ()
    """Staging folders of interrupted builds removed before this one, with their owner."""

    @property
    def inputs(self) -> int:
        return int(self.report["inputs"])

    @property
    def accepted(self) -> int:
        return int(self.report["accepted"])

    @property
    def quarantined(self) -> int:
        return int(self.report["quarantined"])

    @property
    def reasons(self) -> dict[str, int]:
        return dict(self.report["reasons"])

    @property
    def skipped(self) -> dict[str, int]:
        return dict(self.report["skipped"])

    @property
    def changes(self) -> dict[str, Any]:
        return dict(self.report["changes"])


def summary(result: BuildResult) -> list[str]:
    """The lines ``broadsheet build`` prints when it is done: the build report's counts
    (inputs = accepted + quarantined, then the quarantine by reason code, which add up to
    it), the container records skipped as not pages, what changed, where the release is."""
    skipped = sum(result.skipped.values())
    lines = [
        f"inputs: {result.inputs} = accepted {result.accepted} + quarantined {result.quarantined}"
    ]
    for code, count in sorted(result.reasons.items(), key=lambda item: (-item[1], item[0])):
        lines.append(f"  {code}: {count}  ({REASONS.get(code, 'a table check failed')})")
    if skipped:
        kinds = ", ".join(f"{reason} {count}" for reason, count in sorted(result.skipped.items()))
        lines.append(f"skipped (records that are not pages, not inputs): {skipped} = {kinds}")
    changes = result.changes
    if changes.get("previous"):
        lines.append(
            f"changes since {changes['previous']}: {len(changes['added'])} added, "
            f"{len(changes['removed'])} removed, {len(changes['changed'])} changed"
        )
    for stale in result.stale:
        lines.append(f"removed the staging folder of an interrupted build: {stale}")
    verb = "written to" if result.status == "written" else "unchanged (same content) at"
    where = result.release_dir
    if where.is_absolute() and where.is_relative_to(Path.cwd()):
        where = where.relative_to(Path.cwd())
    lines.append(f"release {verb} {where}")
    if result.provenance:
        lines.append("  same records, quarantine and card; only how it was built differs:")
        lines.extend(f"    {note}" for note in result.provenance)
    lines.append(f"fingerprint {result.fingerprint}")
    return lines
