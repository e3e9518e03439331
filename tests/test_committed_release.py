"""The committed default release is exactly what the recipe builds, and it validates."""

from __future__ import annotations

import shutil
from pathlib import Path

from broadsheet.build.run import build_release
from broadsheet.recipe import load_recipe
from broadsheet.validate.run import validate_release

ROOT = Path(__file__).resolve().parents[1]


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_committed_release_is_reproduced_byte_for_byte(tmp_path: Path) -> None:
    recipe = load_recipe(ROOT / "recipe.toml")
    name, version = recipe.dataset.name, recipe.dataset.version
    committed = ROOT / "dist" / name / version
    assert committed.is_dir(), f"no committed release at {committed}: run `make dataset`"
    # the committed earlier versions sit beside it, as in dist/: the card and the report
    # list what changed since the previous one
    for earlier in (ROOT / "dist" / name).iterdir():
        if earlier.is_dir() and earlier.name != version:
            shutil.copytree(earlier, tmp_path / "dist" / name / earlier.name)
    result = build_release(
        [ROOT / s for s in recipe.dataset.sources],
        out_dir=tmp_path / "dist",
        recipe=recipe,
        root=ROOT,
        work_dir=tmp_path / "build",
        command="broadsheet build",
    )
    rebuilt = _files(result.release_dir)
    assert rebuilt.keys() == _files(committed).keys()
    for name_, data in _files(committed).items():
        assert rebuilt[name_] == data, f"{name_} differs from the rebuilt release"
    card = (ROOT / "DATASET_CARD.md").read_bytes()
    assert card == rebuilt["README.md"], "DATASET_CARD.md is not the latest release's card"


def test_committed_release_validates(tmp_path: Path) -> None:
    recipe = load_recipe(ROOT / "recipe.toml")
    copy = tmp_path / "release"
    shutil.copytree(ROOT / "dist" / recipe.dataset.name / recipe.dataset.version, copy)
    report = validate_release(copy)
    assert report.ok, report
