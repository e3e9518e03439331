"""The ``broadsheet`` command: parse, build, validate, schema, parsers.

Each command is a thin layer over one module; the behaviour lives there.
Exit codes: 0 success, 1 data failures (a page that failed to parse, a check that
failed), 2 usage or internal errors. An internal error (a bug, a full disk) prints one
line, ``error [internal_error]: ...`` or ``error [io_error]: ...``; the global ``--debug``
option shows its traceback instead. Library warnings are not shown unless ``--debug`` is
given (or Python's own ``-W`` / ``PYTHONWARNINGS`` ask for them).
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from broadsheet import __version__
from broadsheet.errors import BroadsheetError


class _Commands(TyperGroup):
    """The command group: an unexpected exception becomes one line and exit status 2,
    unless ``--debug`` was given (then it propagates, with its traceback)."""

    def invoke(self, ctx: Any) -> Any:  # (the group context of typer's own click)
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):  # exits and usage errors
            raise
        except BrokenPipeError:
            raise  # the reader went away (`... | head`): click stops quietly
        except BroadsheetError as exc:
            if ctx.params.get("debug"):
                raise
            _fail(exc)
        except Exception as exc:
            if ctx.params.get("debug"):
                raise
            code = "io_error" if isinstance(exc, OSError) else "internal_error"
            text = " ".join(f"{type(exc).__name__}: {exc}".split())
            hint = (
                "check the path, its permissions and the free space"
                if code == "io_error"
                else "this is a bug in broadsheet; rerun with --debug for the traceback"
            )
            typer.echo(f"error [{code}]: {text[:500]} ({hint})", err=True)
            raise typer.Exit(2) from None


app = typer.Typer(
    name="broadsheet",
    cls=_Commands,
    help="Turn scraped news pages into a validated, versioned, documented dataset.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _fail(exc: BroadsheetError) -> None:
    typer.echo(f"error [{exc.code}]: {exc.message}", err=True)
    raise typer.Exit(2)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"broadsheet {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", is_eager=True, callback=_show_version
        ),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option("--debug", help="Show the traceback of an internal error (exit status 2)."),
    ] = False,
) -> None:
    """Options of every command (``--debug``, read where errors are handled)."""
    if not debug and not sys.warnoptions and "PYTHONWARNINGS" not in os.environ:
        # Warnings of the libraries (a deprecation in pandera, a future change in pyarrow)
        # are for broadsheet's developers, not its users; worker processes inherit this.
        warnings.simplefilter("ignore")
        os.environ["PYTHONWARNINGS"] = "ignore"


@app.command()
def parse(
    files: Annotated[
        list[str], typer.Argument(help="Pages, folders, globs, .gz, WARC, JSONL or URLs.")
    ],
    url: Annotated[
        str | None, typer.Option(help="Canonical URL of the page (only with a single file).")
    ] = None,
    pretty: Annotated[
        bool | None,
        typer.Option("--pretty/--jsonl", help="Indented JSON (default on a terminal)."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(help="Worker processes (default: every core; 1: parse in this process)."),
    ] = None,
) -> None:
    """Parse pages and print one JSON object per page (JSON Lines).

    Each line is the record, or {"source_file": ..., "error": {"code": ..., "message": ...}}.
    Exit status 1 when any page failed.
    """
    from broadsheet.cli.parse import parse_command

    try:
        failed = parse_command(
            files,
            url=url,
            pretty=sys.stdout.isatty() if pretty is None else pretty,
            workers=workers,
        )
    except BroadsheetError as exc:
        _fail(exc)
    _Teardown.skip = True  # every page is printed and the workers have ended
    raise typer.Exit(1 if failed else 0)


@app.command()
def schema(
    check: Annotated[
        bool, typer.Option("--check", help="Fail if the file differs from the code's contract.")
    ] = False,
    path: Annotated[Path, typer.Option(help="Where the schema lives.")] = Path(
        "schema/article.schema.json"
    ),
) -> None:
    """Write (or --check) the record contract as JSON Schema."""
    from broadsheet.records.model import json_schema_text

    text = json_schema_text()
    if check:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            typer.echo(f"{path} is out of date: run `broadsheet schema`", err=True)
            raise typer.Exit(1)
        typer.echo(f"{path} matches the record contract")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {path}")


@app.command()
def validate(
    release_dir: Annotated[
        Path, typer.Argument(help="A release folder, e.g. dist/<name>/<version>.")
    ],
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Also write the report as JSON here.")
    ] = None,
    junit: Annotated[
        Path | None, typer.Option("--junit", help="Also write JUnit XML (one test per check).")
    ] = None,
    markdown: Annotated[
        Path | None, typer.Option("--markdown", help="Also write a Markdown summary (for CI).")
    ] = None,
    max_samples: Annotated[
        int, typer.Option(help="Offending values shown per failing check.", min=0)
    ] = 5,
) -> None:
    """Re-check a release with no configuration: checksums, schema, table checks, card, report.

    Exit status: 0 when every check holds, 1 when any fails (data failures), 2 on a usage
    or internal error (e.g. the folder is not a release).
    """
    from broadsheet.validate.run import validate_command

    try:
        ok = validate_command(
            release_dir,
            json_path=json_path,
            junit=junit,
            markdown=markdown,
            max_samples=max_samples,
        )
    except BroadsheetError as exc:
        _fail(exc)
    raise typer.Exit(0 if ok else 1)


@app.command()
def build(
    source: Annotated[
        list[str] | None,
        typer.Option(
            "--source", help="Pages, folders, globs, .gz, WARC or JSONL (repeatable; ad hoc build)."
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Folder of releases (default: dist/ beside the recipe).")
    ] = None,
    name: Annotated[str | None, typer.Option(help="Dataset name (overrides the recipe).")] = None,
    version: Annotated[
        str | None, typer.Option("--version", help="Release version X.Y.Z (overrides the recipe).")
    ] = None,
    recipe: Annotated[
        Path | None, typer.Option(help="Recipe file (default: ./recipe.toml).")
    ] = None,
    batch_size: Annotated[int, typer.Option(help="Pages per batch.")] = 1000,
    workers: Annotated[
        int | None, typer.Option(help="Worker processes (default: one per CPU core).")
    ] = None,
    engine: Annotated[
        str, typer.Option(help="auto, serial, processes or dask (auto: serial for one worker).")
    ] = "auto",
    scheduler: Annotated[
        str | None, typer.Option(help="Address of a running Dask scheduler (implies dask).")
    ] = None,
    staging: Annotated[
        str | None,
        typer.Option(
            help="Staging folder (default: build/ beside the recipe), or an fsspec URL where "
            "the workers write spill parts and shards (s3://bucket/tmp)."
        ),
    ] = None,
    progress: Annotated[
        bool, typer.Option("--progress/--no-progress", help="Show progress on stderr.")
    ] = True,
) -> None:
    """Build a release: Parquet shards, dataset card, Croissant metadata, report, checksums.

    With no options, builds the recipe's release (recipe.toml: its sources into
    dist/<name>/<version>/) and copies its card to DATASET_CARD.md. Releases are immutable:
    rebuilding the same content is a no-op; different content under an existing version is
    refused (exit 2). Quarantined pages are reported, not a failure (exit 0).
    """
    from broadsheet.build.result import summary
    from broadsheet.cli.build import build_command

    try:
        result = build_command(
            sources=source or [],
            out=out,
            name=name,
            version=version,
            recipe_path=recipe,
            batch_size=batch_size,
            workers=workers,
            engine=engine,
            scheduler=scheduler,
            progress=progress,
            staging=staging,
        )
    except BroadsheetError as exc:
        if exc.code == "no_input":  # a data failure (nothing to read), not a usage error
            typer.echo(f"error [{exc.code}]: {exc.message}", err=True)
            raise typer.Exit(1) from None
        _fail(exc)
    for line in summary(result):
        typer.echo(line)


@app.command("parsers")
def parsers_(
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per parser instead of a table.")
    ] = False,
) -> None:
    """List the installed parsers, in the order they claim pages: name, version, the
    distribution that provides it (broadsheet, or a plugin) and what it claims.

    Plugins are declared in the 'broadsheet.parsers' entry-point group.
    """
    from broadsheet.cli.parsers import parsers_lines

    try:
        lines = parsers_lines(as_json=as_json)
    except BroadsheetError as exc:
        _fail(exc)
    for line in lines:
        typer.echo(line)


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="The earlier release folder.")],
    new: Annotated[Path, typer.Argument(help="The later release folder.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON instead of Markdown.")
    ] = False,
    json_path: Annotated[
        Path | None, typer.Option("--json-file", help="Also write the JSON report here.")
    ] = None,
    markdown_path: Annotated[
        Path | None, typer.Option("--markdown", help="Also write the Markdown report here.")
    ] = None,
    fail_on_change: Annotated[
        bool, typer.Option("--fail-on-change", help="Exit 1 when anything changed.")
    ] = False,
) -> None:
    """Compare two releases by record id: schema, records added, removed and changed,
    changes per field with examples, table checks and quarantine.

    Exit status: 0, or 1 with --fail-on-change when anything changed; 2 when a folder is
    not a release.
    """
    from broadsheet.cli.diff import diff_command

    try:
        changes, text = diff_command(
            old, new, as_json=as_json, json_path=json_path, markdown_path=markdown_path
        )
    except BroadsheetError as exc:
        _fail(exc)
    typer.echo(text, nl=False)
    raise typer.Exit(1 if fail_on_change and changes.changed_anything else 0)


class _Teardown:
    """Whether the process may end without the interpreter's teardown (see :func:`main`)."""

    skip = False


def main() -> None:
    """The ``broadsheet`` command (the console script and ``python -m broadsheet``).

    After a parse the process ends as soon as its output is flushed: the interpreter's
    teardown of the parsers' libraries takes about 50 ms, a sixth of parsing one page from
    the command line, and a finished parse leaves nothing to clean up. Any other command,
    and a parse that stopped early, exits as usual."""
    try:
        app()
    except SystemExit as exc:
        if not _Teardown.skip or not isinstance(exc.code, int):
            raise
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):  # a reader that went away: the usual exit handles it
            raise exc from None
        os._exit(exc.code)


if __name__ == "__main__":
    main()
