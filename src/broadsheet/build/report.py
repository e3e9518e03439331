"""The build report (build-report.json): counts, checks, provenance of every input.

Deterministic: no clock, no absolute path, sorted keys. The per-input ``sources`` list is
streamed to the file, since it has one entry per page of the corpus.
"""

from __future__ import annotations

import heapq
import json
import platform
import shutil
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from importlib import metadata
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any, TextIO

from broadsheet.build.dedup import iso_date, iso_timestamp
from broadsheet.build.keys import Keys, RecordKey
from broadsheet.build.staging import QuarantineIndex, QuarantineLog


def versions() -> dict[str, str]:
    """Versions of Python and the libraries that decide the release's bytes and checks."""
    out = {"python": platform.python_version()}
    for name in ("pyarrow", "pandera", "pydantic", "polars"):
        out[name] = metadata.version(name)
    return out


def source_entries(kept: Keys, quarantine: QuarantineLog) -> Iterator[dict[str, Any]]:
    """One entry per input (accepted or quarantined), sorted by source_file, made lazily
    (the accepted ones sorted as Arrow columns, merged with the quarantine's index)."""
    accepted: Iterator[tuple[tuple[str, str, str], RecordKey | QuarantineIndex]] = (
        ((k.source_file, "accepted", k.source_sha256), k)
        for k in kept.sorted_by("source_file", "source_sha256")
    )
    refused: list[tuple[tuple[str, str, str], RecordKey | QuarantineIndex]] = sorted(
        (((q.source_file, q.code, q.source_sha256 or ""), q) for q in quarantine.index),
        key=lambda item: item[0],
    )
    for (_source, outcome, _sha), item in heapq.merge(accepted, refused, key=lambda i: i[0]):
        if isinstance(item, RecordKey):
            yield {
                "source_file": item.source_file,
                "source_sha256": item.source_sha256,
                "url": item.url,
                "captured_at": iso_timestamp(item.captured_at),
                "captured_after": iso_date(item.captured_after),
                "parser": item.parser,
                "outcome": outcome,
            }
        else:
            yield {
                "source_file": item.source_file,
                "source_sha256": item.source_sha256,
                "url": item.url,
                "captured_at": item.captured_at,
                "captured_after": item.captured_after,
                "parser": item.parser,
                "outcome": outcome,
            }


def _value(value: Any) -> str:
    """A JSON scalar as ``json.dumps(ensure_ascii=False)`` writes it (the same C encoder)."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    return json.dumps(value, ensure_ascii=False)


SOURCE_KEYS = (
    "captured_after",
    "captured_at",
    "outcome",
    "parser",
    "source_file",
    "source_sha256",
    "url",
)
"""The keys of a ``sources`` entry, sorted."""
_SOURCE_KEYSET = frozenset(SOURCE_KEYS)


def source_entry_text(entry: dict[str, Any], margin: str = "    ") -> str:
    """One ``sources`` entry as ``json.dumps(indent=2, sort_keys=True)`` writes it, indented by
    ``margin``: built directly, since the entry is flat and this runs once per input (the
    indenting encoder is pure Python and was a tenth of a build's own work)."""
    if entry.keys() == _SOURCE_KEYSET and all(
        value is None or isinstance(value, str) for value in entry.values()
    ):  # the usual entry: a fixed layout
        inner = ",\n" + margin + '  "'
        return (
            f'{margin}{{\n{margin}  "'
            + inner.join(f'{key}": {_value(entry[key])}' for key in SOURCE_KEYS)
            + f"\n{margin}}}"
        )
    if not entry:
        return margin + "{}"
    inner = margin + "  "
    items = ",\n".join(
        f"{inner}{encode_basestring(str(key))}: {_value(entry[key])}" for key in sorted(entry)
    )
    return f"{margin}{{\n{items}\n{margin}}}"


def write_sources(path: Path, sources: Iterable[dict[str, Any]]) -> None:
    """The report's ``sources`` list (after its opening bracket) rendered to ``path``, for
    :func:`write_report` to copy: the list is final once duplicates are settled, so a build
    with workers renders it while they write the shards (:class:`SourcesAhead`)."""
    with path.open("w", encoding="utf-8") as out:
        _write_entries(out, sources)


def _write_entries(out: TextIO, sources: Iterable[dict[str, Any]]) -> None:
    count = 0
    for entry in sources:
        out.write(("," if count else "") + "\n" + source_entry_text(entry))
        count += 1
    out.write("\n  ]" if count else "]")


class SourcesAhead:
    """:func:`write_sources` on a thread (``background``) or at once; :meth:`result` waits
    for it and gives the file, or raises what the rendering raised."""

    def __init__(self, path: Path, sources: Iterable[dict[str, Any]], background: bool) -> None:
        self.path = path
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        if background:
            self._thread = threading.Thread(
                target=self._run, args=(sources,), name="broadsheet-report-sources", daemon=True
            )
            self._thread.start()
        else:
            self._run(sources)

    def _run(self, sources: Iterable[dict[str, Any]]) -> None:
        try:
            write_sources(self.path, sources)
        except BaseException as exc:  # handed to the caller by result()
            self._error = exc

    def result(self) -> Path:
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error
        return self.path


def write_report(
    path: Path, report: dict[str, Any], sources: Iterable[dict[str, Any]] | Path
) -> None:
    """build-report.json exactly as ``json.dumps(indent=2, sort_keys=True)`` writes it, with
    the per-input ``sources`` list streamed (it has one entry per page of the corpus), or
    copied from the file :func:`write_sources` rendered it to."""
    marker = "\u0000sources\u0000"
    text = json.dumps({**report, "sources": marker}, indent=2, sort_keys=True, ensure_ascii=False)
    head, tail = text.split(json.dumps(marker), 1)
    with path.open("w", encoding="utf-8") as out:
        out.write(head + "[")
        if isinstance(sources, Path):
            with sources.open(encoding="utf-8") as rendered:
                shutil.copyfileobj(rendered, out)
        else:
            _write_entries(out, sources)
        out.write(tail + "\n")


def not_article_types(quarantine: QuarantineLog) -> dict[str, int]:
    """``not_article`` entries by decided page type (listing, product, ...; "unknown" when
    the parser named none), sorted by type; empty when no page was refused as one."""
    counts = Counter(
        entry.page_type or "unknown" for entry in quarantine.index if entry.code == "not_article"
    )
    return dict(sorted(counts.items()))


def not_article_section(quarantine: QuarantineLog) -> dict[str, dict[str, int]]:
    """The report's ``not_article_types`` entry; none at all when no page was refused as
    not an article, so reports of corpora without such pages keep their layout."""
    counts = not_article_types(quarantine)
    return {"not_article_types": counts} if counts else {}


def check_counts(kept: Keys, quarantine: QuarantineLog) -> dict[str, int]:
    """Failures per check: row checks from the quarantine, uniqueness over the kept rows."""
    # imported here: the table checks (polars; pandera when a check fails) are needed once,
    # at the end of a build, and the build process holds nothing of them until then
    import polars as pl

    from broadsheet.checks.table import CHECK_ORDER, unique_failures

    counts = dict.fromkeys(CHECK_ORDER, 0)
    check_codes = set(CHECK_ORDER)
    for entry in quarantine.index:
        if entry.code in check_codes:
            counts[entry.code] += 1
    frame = pl.DataFrame(
        {"id": kept.table.column("id"), "url": kept.table.column("url")},
        schema={"id": pl.String, "url": pl.String},
    )
    for failure in unique_failures(frame):
        counts[failure.check] = counts.get(failure.check, 0) + 1
    return counts
