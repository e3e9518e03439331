"""``broadsheet build``: pages in, one immutable, documented, versioned release out.

The build streams: sources are listed lazily in batches of page-file paths, an engine's
workers read, parse and check the batches (in any order) and spill each batch's accepted rows
to the staging folder, and only small per-record keys come back and stay in memory. Then
duplicates are settled, the workers write the shards (rows gathered from the spill, sorted by
id) and the card's partial statistics, and the card, Croissant metadata, build report,
quarantine and checksums are written next to them. The finished folder is renamed into
place in one step: a failed build never leaves a half release behind.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import json
import logging
import os
import shlex
import threading
import time
from collections import Counter
from collections.abc import Sequence
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.compute as pc

from broadsheet import __version__
from broadsheet.build.batching import batched, page_bytes
from broadsheet.build.corpuspass import collector_for, settle
from broadsheet.build.dedup import Duplicate, find_duplicates, iso_timestamp
from broadsheet.build.engines import Engine, SerialEngine
from broadsheet.build.interpreter import settle_heap, tune_for_build
from broadsheet.build.keys import Keys
from broadsheet.build.parts import spill_batch
from broadsheet.build.plugins import check_worker_registry, parsers_section, refuse_unsafe_workers
from broadsheet.build.progress import count_in_background, track
from broadsheet.build.report import (
    SourcesAhead,
    check_counts,
    not_article_section,
    source_entries,
    versions,
    write_report,
)
from broadsheet.build.result import BuildResult as BuildResult
from broadsheet.build.result import Status
from broadsheet.build.result import summary as summary
from broadsheet.build.shards import write_shards
from broadsheet.build.staging import QuarantineLog, Spill
from broadsheet.build.workdir import StagingArea, check_staging_shared, publish
from broadsheet.card.render import CardStats, render_card_body, write_card_files
from broadsheet.corpus.collect import Collector
from broadsheet.errors import UsageError
from broadsheet.recipe import Recipe
from broadsheet.records.arrow import ARTICLE_SCHEMA
from broadsheet.records.model import Article
from broadsheet.records.quarantine import Quarantined
from broadsheet.release.changes import diff_releases
from broadsheet.release.croissant import DataFacts, croissant_metadata
from broadsheet.release.diff import column_changes, provenance_only
from broadsheet.release.layout import (
    SplitSizes,
    compare_digests,
    differing_files,
    front_matter,
    previous_version,
    record_digests,
    sha256_file,
    stored_fingerprint,
    write_sha256sums,
)
from broadsheet.sources.files import iter_sources
from broadsheet.sources.location import is_url, local_path, shown_url

log = logging.getLogger(__name__)


class _Laps:
    """Wall time of each phase of a build, logged at DEBUG level (``extra``: phase, seconds)
    so that a caller can see where a build spends its time; never part of the release."""

    def __init__(self) -> None:
        self._last = time.perf_counter()

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        seconds, self._last = now - self._last, now
        log.debug("%s took %.3f s", phase, seconds, extra={"phase": phase, "seconds": seconds})


@dataclass(slots=True)
class _Ingested:
    keys: Keys
    skipped: Counter[str]
    inputs: int


def _ingest(
    sources: Sequence[str | Path],
    root: Path | None,
    recipe: Recipe,
    engine: Engine,
    batch_size: int,
    spill: Spill,
    quarantine: QuarantineLog,
    progress: bool,
    collector: Collector | None = None,
) -> _Ingested:
    fn = functools.partial(
        spill_batch,
        folder=str(spill.folder),
        settings=recipe.check_settings(),
        parse_timeout=recipe.limits.parse_timeout_seconds,
        limits=recipe.limits,
        corpus=recipe.corpus if collector is not None else None,
    )
    items = iter_sources(list(sources), root=root, limits=recipe.limits, refs=True)
    batches = batched(items, batch_size, recipe.limits.batch_bytes, page_bytes)
    done = _Ingested(keys=Keys(), skipped=Counter(), inputs=0)
    batch_keys: list[Keys] = []
    with track(None, progress) as sink:
        if progress:
            count_in_background(sources, sink)
        for result in engine.map(fn, batches):
            settle_heap()
            sink.advance(result)
            done.skipped.update(result.skipped)
            done.inputs += result.inputs - sum(result.skipped.values())
            for entry in result.quarantined:
                quarantine.add(entry)
            if collector is not None and result.corpus is not None:
                collector.add(result.corpus)
            if result.keys is not None:  # the worker spilled the rows
                batch_keys.append(Keys.of_batch(result.keys, spill.add(result.parts)))
    done.keys = Keys.joined(batch_keys)
    return done


def _day(micros: int | None) -> str | None:
    """The date of a time in microseconds since the epoch (None stays None)."""
    return None if micros is None else (iso_timestamp(micros) or "")[:10]


def _quarantine_duplicates(
    duplicates: list[Duplicate], spill: Spill, quarantine: QuarantineLog
) -> None:
    for start in range(0, len(duplicates), 1000):
        chunk = duplicates[start : start + 1000]
        rows = spill.rows_by_ref([d.dropped.ref for d in chunk])
        for dup in chunk:
            record = Article.model_validate(rows[dup.dropped.ref]).to_json_dict()
            quarantine.add(
                Quarantined(
                    source_file=dup.dropped.source_file,
                    source_sha256=dup.dropped.source_sha256,
                    code="duplicate",
                    message=dup.message(),
                    stage="dedup",
                    record=record,
                    duplicate_of=dup.kept.id,
                )
            )


def default_command(sources: Sequence[str | Path], recipe: Recipe, root: Path | None) -> str:
    """The build command as recorded in the report (only what decides the release's content).

    Sources under ``root`` (default: the working folder) are shown relative to it, so the
    report holds no absolute paths of the machine that built it.
    """
    base = (root or Path.cwd()).resolve()
    parts = ["broadsheet", "build"]
    for source in sources:
        if is_url(os.fsdecode(source)):
            parts += ["--source", shown_url(os.fsdecode(source))]
            continue
        path = Path(local_path(os.fsdecode(source)))
        if path.is_absolute() and path.resolve().is_relative_to(base):
            path = path.resolve().relative_to(base)
        parts += ["--source", path.as_posix()]
    parts += ["--name", recipe.dataset.name, "--version", recipe.dataset.version]
    return shlex.join(parts)


def _load_report_libraries() -> threading.Thread:
    """Import what the report needs (the table checks, the plots) on a thread, while the
    workers write the shards and this process only waits for them; an import that fails
    here fails again, with its message, where the report imports it."""

    def load() -> None:
        with contextlib.suppress(Exception):
            for module in ("broadsheet.checks.table", "broadsheet.card.figures"):
                importlib.import_module(module)

    thread = threading.Thread(target=load, name="broadsheet-report-imports", daemon=True)
    thread.start()
    return thread


def build_release(
    sources: Sequence[str | Path],
    *,
    out_dir: Path,
    recipe: Recipe,
    engine: Engine | None = None,
    batch_size: int = 1000,
    command: str | None = None,
    progress: bool = False,
    root: Path | None = None,
    work_dir: Path | None = None,
    staging_url: str | None = None,
) -> BuildResult:
    """Build ``<out_dir>/<name>/<version>/`` from ``sources`` (see the module docstring).

    ``root`` is what ``source_file`` paths are relative to (default: the working folder);
    ``work_dir`` holds the staging folder (default ``build/``); with ``staging_url`` (an fsspec
    URL) the workers write their spill parts and shard files there. An existing release with the
    same content is left as it is (status "unchanged", also when only the provenance differs:
    the command, the library versions; ``provenance`` says what); one with other content is
    refused with a ``UsageError("release_exists")``: releases are immutable, bump the version.
    Staging folders of interrupted builds in ``work_dir`` are removed first (``stale``).
    """
    if batch_size < 1:
        raise UsageError("bad_usage", f"batch size must be at least 1, got {batch_size}")
    info = recipe.dataset
    final = out_dir / info.name / info.version
    area = StagingArea(work_dir or Path("build"), f"{info.name}-{info.version}", staging_url)
    staging = area.path
    quarantine = QuarantineLog(staging / "quarantine.staging.jsonl")
    session = ExitStack()
    laps = _Laps()
    restore_interpreter = tune_for_build()
    try:
        release = staging / "release"
        release.mkdir()
        spill = Spill(area.spill_folder)
        engine = engine or SerialEngine()
        refuse_unsafe_workers(engine)  # before a worker starts: they must parse as we do
        if isinstance(engine, AbstractContextManager):  # workers start now and are kept
            session.enter_context(engine)
        check_worker_registry(engine)
        check_staging_shared(engine, area)
        collector = collector_for(recipe, staging)
        ingested = _ingest(
            sources, root, recipe, engine, batch_size, spill, quarantine, progress, collector
        )
        laps.lap("ingest")
        duplicates = find_duplicates(ingested.keys)
        _quarantine_duplicates(duplicates, spill, quarantine)
        dropped = {d.dropped.ref for d in duplicates}
        kept = ingested.keys.kept_by_id(dropped)  # (the keys of every row are let go)
        stats = CardStats(recipe)
        laps.lap("dedup")
        decision = None
        if collector is not None:  # site boilerplate and near-duplicates
            kept, decision = settle(collector, kept, recipe, spill, quarantine, dropped)
            laps.lap("corpus")

        run_tasks = getattr(engine, "run_tasks", None)  # shards and card written on workers
        loading = _load_report_libraries() if run_tasks is not None else None
        sources_ahead = SourcesAhead(  # rendered here while the workers write the shards
            staging / "sources.json", source_entries(kept, quarantine), run_tasks is not None
        )
        written = write_shards(
            release,
            kept,
            spill,
            info,
            stats,
            run_tasks,
            rewrite=decision.apply if decision is not None else None,
            rewritten=decision.changes.keys() if decision is not None else (),
            shared=area.shard_folder,
        )
        session.close()  # the workers are done
        if loading is not None:
            loading.join()
        laps.lap("shards")
        fingerprint = written.fingerprint.hexdigest()

        previous = previous_version(out_dir / info.name, info.version)
        changes: dict[str, Any] = {"previous": previous, "added": [], "removed": [], "changed": []}
        if previous is not None:
            changes.update(
                compare_digests(record_digests(out_dir / info.name / previous), written.digests)
            )
            columns = column_changes(out_dir / info.name / previous, ARTICLE_SCHEMA.names)
            changes.update({key: names for key, names in columns.items() if names})

        quarantine.write_sorted(release / "quarantine.jsonl")
        reasons = Counter(q.code for q in quarantine.index)
        report: dict[str, Any] = {
            "dataset": {"name": info.name, "version": info.version, "license": info.license},
            "broadsheet_version": __version__,
            "command": command or default_command(sources, recipe, root),
            "inputs": ingested.inputs,
            "accepted": len(kept),
            "quarantined": len(quarantine.index),
            "skipped": dict(sorted(ingested.skipped.items())),
            "reasons": dict(sorted(reasons.items())),
            **not_article_section(quarantine),
            **parsers_section(kept.column("parser")),
            "checks": check_counts(kept, quarantine),
            "check_settings": recipe.check_settings().model_dump(mode="json"),
            "fingerprint": fingerprint,
            "rows": len(kept),
            "shards": written.shards,
            "versions": versions(),
            "changes": changes,
        }
        if decision is not None:
            report["corpus"] = decision.report()
        changes_text: str | None = None  # the card's "Changes since the previous version"
        if previous is not None:
            compared = diff_releases(out_dir / info.name / previous, release, new_report=report)
            # one definition of a changed record for the summary, the report and the card
            changes["changed"] = sorted(compared.changed)
            changes["fields"] = dict(sorted(compared.fields.items()))
            changes_text = compared.to_markdown(heading="")

        languages = sorted({tag.split("-")[0] for tag in set(kept.column("language"))}) or sorted(
            {p.language for p in recipe.publishers}
        )
        shard_files = [(f"data/{n}", sha256_file(release / "data" / n)) for n in written.shards]
        sizes = SplitSizes(
            num_examples=len(kept),
            num_bytes=written.num_bytes,
            download_size=sum((release / path).stat().st_size for path, _ in shard_files),
        )
        stats.add_quarantine(quarantine.sorted_entries())
        figures = write_card_files(stats, release, report)  # publishers.csv and figures/
        header = front_matter(info, languages=languages, sizes=sizes)

        def describe(report: dict[str, Any]) -> None:
            """Write the build report, the card and the checksums of the staged release."""
            write_report(release / "build-report.json", report, sources_ahead.result())
            body = render_card_body(
                recipe=recipe,
                stats=stats,
                report=report,
                changes=changes,
                figures=figures,
                changes_text=changes_text,
            )
            (release / "README.md").write_text(header + "\n" + body, encoding="utf-8")
            write_sha256sums(release)

        published = pc.min_max(kept.table.column("published_at")).as_py()
        facts = DataFacts(
            rows=len(kept),
            shards=[(p, sha, (release / p).stat().st_size) for p, sha in shard_files],
            languages=languages,
            published_min=_day(published["min"]),
            published_max=_day(published["max"]),
            without_url=kept.table.column("url").null_count,
            without_capture=kept.table.column("captured_at").null_count,
            quarantined=dict(reasons),
            parsers=sorted(set(kept.column("parser"))),
        )
        (release / "croissant.json").write_text(
            json.dumps(
                croissant_metadata(recipe, facts), indent=2, sort_keys=True, ensure_ascii=False
            )
            + "\n",
            encoding="utf-8",
        )
        describe(report)
        laps.lap("report")

        status: Status = "written"
        notes: list[str] | None = []
        if final.exists():
            differ = differing_files(release, final)
            if differ:
                notes = provenance_only(release, final, report, describe)
            if notes is None:
                old = stored_fingerprint(final)
                what = (
                    f"the same records (fingerprint {old}) but another quarantine, card or metadata"
                    if old == fingerprint
                    else f"different content (fingerprint {old}; this build: {fingerprint})"
                )
                raise UsageError(
                    "release_exists",
                    f"{info.name} {info.version} already exists at {final} with {what}; files "
                    f"that differ: {', '.join(differ[:5])}{' ...' if len(differ) > 5 else ''}. "
                    "Releases are immutable: bump the version (recipe.toml [dataset] version "
                    "or --version).",
                )
            status = "unchanged"
        else:
            publish(release, final)
        laps.lap("publish")
        return BuildResult(
            release_dir=final,
            status=status,
            fingerprint=fingerprint,
            report=report,
            provenance=tuple(notes or ()),
            stale=tuple(f"{path} ({owner})" for path, owner in area.removed),
        )
    finally:
        session.close()
        restore_interpreter()
        quarantine.close()
        area.close()
