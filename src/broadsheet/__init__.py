"""broadsheet: turn scraped news pages into a validated, versioned, documented dataset.

The public API is the functions below (``__all__``); every other module is internal and may
change between releases. Importing ``broadsheet`` is cheap: each function imports what it
needs when it is called.

    import broadsheet

    record = broadsheet.parse_page(Path("page.html").read_bytes(), "https://example.org/a/1")
    print(record.title)

The README's "Python API" section has an example of each.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from broadsheet.build.result import BuildResult
    from broadsheet.records.model import Article
    from broadsheet.records.quarantine import Quarantined
    from broadsheet.release.changes import ReleaseChanges
    from broadsheet.sources.limits import Limits
    from broadsheet.validate.reports import ValidationReport

__version__ = "0.4.0"

__all__ = [
    "__version__",
    "build_release",
    "diff_releases",
    "iter_records",
    "parse_page",
    "validate_release",
]


def parse_page(
    data: bytes,
    url: str | None = None,
    *,
    source_file: str = "page",
    captured_at: datetime | None = None,
    content_type: str | None = None,
    limits: Limits | None = None,
) -> Article:
    """One page's bytes to a validated record (:class:`broadsheet.records.model.Article`).

    ``url`` is the page's canonical address and ``captured_at`` when it was fetched (both
    optional); ``content_type`` is the HTTP header, if known; ``source_file`` is recorded
    as the record's ``source_file``. ``limits`` bound the page's markup (default: the
    defaults of a recipe's ``[limits]``). A page that does not become a record raises
    :class:`broadsheet.errors.PageError`, whose ``code`` is one of the reason codes
    (``errors.REASONS``: ``not_article``, ``no_parser``, ``binary``, ...) and whose
    ``message`` says why; a bug in a parser is ``parser_error``. An ``url`` that is not an
    absolute http(s) URL raises ``ValueError``.

    >>> record = broadsheet.parse_page(html_bytes, "https://news.example.org/a/1")
    >>> record.title, record.authors, record.published_at
    """
    from broadsheet.errors import BroadsheetError, PageError
    from broadsheet.parsers import parse_page as parse
    from broadsheet.sources.items import Page
    from broadsheet.sources.limits import DEFAULT_LIMITS
    from broadsheet.sources.sanitize import clean_url

    page = Page(
        source_file,
        bytes(data),
        url=clean_url(url) if url is not None else None,
        captured_at=captured_at,
        content_type=content_type,
    )
    try:
        return parse(page, limits or DEFAULT_LIMITS)
    except BroadsheetError:
        raise
    except Exception as exc:
        raise PageError(
            "parser_error", f"unexpected {type(exc).__name__} while parsing {source_file}: {exc}"
        ) from exc


def iter_records(
    *sources: str | Path, root: str | Path | None = None, limits: Limits | None = None
) -> Iterator[Article | Quarantined]:
    """Every page of ``sources`` (files, folders, glob patterns, ``.gz``, WARC, JSONL) as a
    record or a quarantine entry (:class:`broadsheet.records.quarantine.Quarantined`: its
    ``source_file``, reason ``code`` and ``message``), lazily, in a fixed order.

    Each page is parsed alone, in this process, within the time limit of ``limits``
    (default: the defaults of a recipe's ``[limits]``). No table checks and no
    de-duplication: those need the whole table and are done by :func:`build_release`.
    ``root`` is what ``source_file`` paths are relative to (default: the working folder).

    >>> for item in broadsheet.iter_records("crawl/", "archive.warc.gz"):
    ...     print(item.source_file, getattr(item, "title", None) or item.code)
    """
    from broadsheet.build.pipeline import process_item
    from broadsheet.parsers import registry
    from broadsheet.sources.files import iter_sources
    from broadsheet.sources.items import Skipped
    from broadsheet.sources.limits import DEFAULT_LIMITS

    registry()  # a plugin that does not load raises here, not once per page
    bounds = limits or DEFAULT_LIMITS
    base = Path(root) if root is not None else None
    for item in iter_sources(list(sources), root=base, limits=bounds):
        outcome = process_item(item, bounds.parse_timeout_seconds, bounds)
        if not isinstance(outcome, Skipped):  # (a WARC request record: not a page)
            yield outcome


def build_release(
    sources: Sequence[str | Path],
    *,
    name: str | None = None,
    version: str | None = None,
    out_dir: str | Path = "dist",
    recipe: str | Path | None = None,
    engine: str = "auto",
    workers: int | None = None,
    scheduler: str | None = None,
    batch_size: int = 1000,
    progress: bool = False,
    staging: str | Path | None = None,
) -> BuildResult:
    """Build the release ``<out_dir>/<name>/<version>/`` from ``sources``, as
    ``broadsheet build --source ...`` does, and return what it did
    (:class:`broadsheet.build.result.BuildResult`: ``release_dir``, ``status``,
    ``fingerprint``, ``inputs``, ``accepted``, ``quarantined``, ``reasons``, ``report``).

    ``recipe`` (a recipe.toml) gives the check thresholds, publishers and card texts, and the
    name and version unless ``name`` and ``version`` are given; without it both are needed.
    ``engine`` is ``auto``, ``serial``, ``processes`` or ``dask`` (``workers``: how many;
    ``scheduler``: a running Dask scheduler's address; ``staging``: the staging folder, or an
    fsspec URL where the workers write spill parts and shards). Releases are immutable: an existing
    version with the same content is left as it is (status ``unchanged``), one with other
    content raises :class:`broadsheet.errors.UsageError` (``release_exists``), and so does a
    source that does not exist or a pattern that matches nothing (``no_input``).

    Worker processes import this script again: build from inside
    ``if __name__ == "__main__":`` with the ``processes`` or a local ``dask`` engine, or
    the build refuses to start (``unguarded_main``).

    >>> result = broadsheet.build_release(["crawl/"], name="my-news", version="1.0.0")
    >>> result.release_dir, result.accepted, result.reasons
    """
    from broadsheet.cli.build import build_command

    return build_command(
        sources=[str(s) for s in sources],
        out=Path(out_dir),
        name=name,
        version=version,
        recipe_path=Path(recipe) if recipe is not None else None,
        batch_size=batch_size,
        workers=workers,
        engine=engine,
        scheduler=scheduler,
        progress=progress,
        staging=None if staging is None else str(staging),
        recipe_required=False,
    )


def validate_release(path: str | Path, *, max_samples: int = 5) -> ValidationReport:
    """Re-check the release at ``path`` as ``broadsheet validate`` does, with no configuration.

    Returns a :class:`broadsheet.validate.reports.ValidationReport`: ``ok`` is True when every
    check holds, ``failures`` counts the failing rows and files, and ``outcomes`` has one
    entry per check (``check``, ``status``: passed, failed or skipped, ``failures`` and
    ``samples``: the record id, field and value of up to ``max_samples`` of them). A folder
    that is not a release raises :class:`broadsheet.errors.UsageError`.

    >>> report = broadsheet.validate_release("dist/my-news/1.0.0")
    >>> report.ok, [o.check for o in report.outcomes if o.status == "failed"]
    """
    from broadsheet.validate.run import validate_release as validate

    return validate(Path(path), max_samples=max_samples)


def diff_releases(old: str | Path, new: str | Path) -> ReleaseChanges:
    """What changed from the release at ``old`` to the one at ``new``: a
    :class:`broadsheet.release.changes.ReleaseChanges` with the columns added and removed,
    the record ids ``added``, ``removed`` and ``changed`` (records paired by id), the count
    of changed records per field with examples, and the checks and quarantine reasons whose
    counts differ. ``to_markdown()`` renders it for a pull request or a CI summary. A folder
    that is not a release raises :class:`broadsheet.errors.UsageError`.

    >>> changes = broadsheet.diff_releases("dist/my-news/1.0.0", "dist/my-news/1.1.0")
    >>> len(changes.added), len(changes.changed), changes.fields
    """
    from broadsheet.release.changes import diff_releases as diff

    return diff(Path(old), Path(new))
