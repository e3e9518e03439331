"""``broadsheet build``: from the command line's options to
:func:`broadsheet.build.run.build_release`.

With no options it builds the recipe's own release: ``recipe.toml``'s sources into
``dist/<name>/<version>/`` beside the recipe, and copies the card to ``DATASET_CARD.md``.
With ``--source`` it builds an ad hoc release (the recipe, when there is one, still gives
the check thresholds, publishers and card texts).
"""

from __future__ import annotations

import glob
import os
import posixpath
import shlex
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from pydantic import ValidationError

from broadsheet.build.engines import ENGINE_NAMES, EngineName, make_engine
from broadsheet.build.run import BuildResult, build_release
from broadsheet.errors import UsageError
from broadsheet.recipe import DatasetInfo, Recipe, load_recipe
from broadsheet.sources.location import is_url, local_path, remote, shown_url, url_to_fs
from broadsheet.sources.manifest import MANIFEST_NAMES
from broadsheet.sources.walk import GLOB_MAGIC, literal_prefix, walk, walk_glob

CARD_COPY = "DATASET_CARD.md"


def _recipe(
    path: Path | None, adhoc: bool, name: str | None, version: str | None, look_here: bool = True
) -> Recipe:
    if path is not None:
        return load_recipe(path)
    default = Path("recipe.toml")
    if look_here and default.is_file():
        return load_recipe(default)
    if not adhoc:
        raise UsageError(
            "no_recipe",
            "no recipe.toml here: run from the repository root, or pass --recipe "
            "or --source with --name and --version",
        )
    if not name or not version:
        raise UsageError(
            "bad_usage", "without a recipe, an ad hoc build needs --name and --version"
        )
    info: dict[str, Any] = {"name": name, "version": version, "pretty_name": name}
    info |= {"license": "unknown", "license_name": "not stated", "sources": []}
    return Recipe(dataset=_dataset_info(info), given=False)


def _override(recipe: Recipe, name: str | None, version: str | None) -> Recipe:
    if name is None and version is None:
        return recipe
    data = recipe.dataset.model_dump()
    data.update({k: v for k, v in (("name", name), ("version", version)) if v is not None})
    return recipe.model_copy(update={"dataset": _dataset_info(data)})


def _dataset_info(data: dict[str, Any]) -> DatasetInfo:
    """The [dataset] section with the command line's name and version, validated."""
    try:
        return DatasetInfo.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(x) for x in first["loc"])
        raise UsageError(
            "bad_usage",
            f"--{field} {first.get('input')!r} is not valid: {first['msg']} "
            "(names are lower-case like 'my-news'; versions are X.Y.Z)",
        ) from exc


def _relative(path: str, base: Path) -> str:
    """``path`` (as given, relative to the working folder) relative to ``base``, in POSIX
    form: the same file gives the same text from any working folder (a URL as it is)."""
    if is_url(path):
        return shown_url(path)
    absolute = os.path.abspath(local_path(path))
    try:
        return Path(os.path.relpath(absolute, base.resolve())).as_posix()
    except ValueError:  # another drive: no relative path exists
        return Path(absolute).as_posix()


def _command(
    recipe_path: Path | None,
    sources: list[str],
    name: str | None,
    version: str | None,
    base: Path,
) -> str:
    """The build command as the report records it: paths relative to ``base`` (the recipe's
    folder, else the working folder), shell-quoted, so that it does not depend on where the
    build was started."""
    parts = ["broadsheet", "build"]
    if recipe_path is not None:
        parts += ["--recipe", _relative(str(recipe_path), base)]
    for source in sources:
        parts += ["--source", _relative(source, base)]
    if name is not None:
        parts += ["--name", name]
    if version is not None:
        parts += ["--version", version]
    return shlex.join(parts)


def _readable_protocol(url: str) -> tuple[Any, str]:
    """fsspec's file system and path of ``url``; a protocol that no installed package reads
    is a ``UsageError`` (``unsupported_url``)."""
    try:
        return url_to_fs(url)
    except ValueError as exc:
        raise UsageError("unsupported_url", f"cannot read {shown_url(url)}: {exc}") from exc


def _has_input(source: str) -> bool:
    """Whether ``source`` names something to read: a path that exists (a folder with files
    in it), or a pattern that matches a file other than a manifest. A URL is listed by the
    build, which reports what it cannot read; a protocol that no installed package reads
    is refused here (``unsupported_url``)."""
    if is_url(source):
        fs, path = _readable_protocol(source)
        try:
            if GLOB_MAGIC.search(path):
                matches = remote(lambda: fs.glob(path))
                return any(posixpath.basename(m) not in MANIFEST_NAMES for m in matches)
            return bool(remote(lambda: fs.exists(path)))
        except OSError:
            return True  # the build lists it again and reports why it cannot be read
    source = local_path(source)
    if os.path.isdir(source):
        found = walk(source)
        return bool(found.files or found.listed or found.refused)
    if os.path.lexists(source):
        return True
    if not GLOB_MAGIC.search(source):
        return False
    if "**" in Path(source).parts:
        return os.path.isdir(literal_prefix(source)) and bool(walk_glob(source).files)
    return any(os.path.basename(m) not in MANIFEST_NAMES for m in glob.glob(source))


def check_inputs(sources: Sequence[str | Path]) -> None:
    """Refuse a build with nothing to read (``no_input``): a source that does not exist, a
    folder with no file, a pattern that matches no file. Otherwise such a build would write
    an empty release that validates."""
    missing = [str(s) for s in sources if not _has_input(os.fsdecode(s))]
    if missing:
        shown = ", ".join(repr(m) for m in missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise UsageError(
            "no_input",
            f"nothing to read at {shown} (seen from {Path.cwd()}): no such file or folder, "
            "an empty folder, or a pattern that matches no file; expected pages, folders, "
            "glob patterns, .gz, WARC or JSONL files",
        )


def build_command(
    *,
    sources: list[str],
    out: Path | None,
    name: str | None,
    version: str | None,
    recipe_path: Path | None,
    batch_size: int,
    workers: int | None,
    engine: str,
    scheduler: str | None,
    progress: bool,
    staging: str | None = None,
    recipe_required: bool = True,
) -> BuildResult:
    """Run a build as the options say; the default build also refreshes DATASET_CARD.md.

    ``recipe_required`` (the command line) reads ./recipe.toml when no recipe is named;
    the Python API reads only the recipe it is given."""
    adhoc = bool(sources)
    look_here = recipe_required
    recipe = _override(_recipe(recipe_path, adhoc, name, version, look_here), name, version)
    has_recipe_file = recipe_path is not None or (look_here and Path("recipe.toml").is_file())
    base = recipe.root if has_recipe_file else Path(".")
    if engine not in ENGINE_NAMES:
        raise UsageError(
            "bad_usage", f"unknown engine {engine!r}; expected one of: {', '.join(ENGINE_NAMES)}"
        )
    runner = make_engine(cast(EngineName, engine), workers, scheduler)
    if adhoc:
        inputs: list[str | Path] = list(sources)
        root = None
    else:
        inputs = [s if is_url(s) else recipe.root / local_path(s) for s in recipe.dataset.sources]
        root = recipe.root
    check_inputs(inputs)
    staging_url = staging if staging is not None and is_url(staging) else None
    if staging_url is not None:
        _readable_protocol(staging_url)
    result = build_release(
        inputs,
        out_dir=out if out is not None else base / "dist",
        recipe=recipe,
        engine=runner,
        batch_size=batch_size,
        command=_command(recipe_path, sources, name, version, base),
        progress=progress,
        root=root,
        work_dir=Path(local_path(staging)) if staging and not staging_url else base / "build",
        staging_url=staging_url,
    )
    if not adhoc and out is None and name is None and version is None:
        shutil.copyfile(result.release_dir / "README.md", recipe.root / CARD_COPY)
    return result
