"""The ``broadsheet`` command: parse, build, validate, schema.

Each command is a thin layer over one module; the behaviour lives there.
Exit codes: 0 success, 1 data failures (a page that failed to parse, a check that
failed), 2 usage or internal errors.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from broadsheet import __version__
from broadsheet.errors import BroadsheetError

app = typer.Typer(
    name="broadsheet",
    help="Turn scraped news pages into a validated, versioned, documented dataset.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _fail(exc: BroadsheetError) -> None:
    typer.echo(f"error [{exc.code}]: {exc.message}", err=True)
    raise typer.Exit(2)


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", help="Print the version and exit.", is_eager=True)
    ] = False,
) -> None:
    if version:
        typer.echo(f"broadsheet {__version__}")
        raise typer.Exit(0)


@app.command()
def parse(
    files: Annotated[list[Path], typer.Argument(help="Pages, folders, globs, .gz, WARC or JSONL.")],
    url: Annotated[
        str | None, typer.Option(help="Canonical URL of the page (only with a single file).")
    ] = None,
    pretty: Annotated[
        bool | None,
        typer.Option("--pretty/--jsonl", help="Indented JSON (default on a terminal)."),
    ] = None,
) -> None:
    """Parse pages and print one JSON object per page (JSON Lines).

    Each line is the record, or {"source_file": ..., "error": {"code": ..., "message": ...}}.
    Exit status 1 when any page failed.
    """
    from broadsheet.parsecmd import parse_command

    try:
        failed = parse_command(files, url=url, pretty=sys.stdout.isatty() if pretty is None else pretty)
    except BroadsheetError as exc:
        _fail(exc)
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
    from broadsheet.records import json_schema_text

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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
