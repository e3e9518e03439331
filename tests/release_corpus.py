"""Small corpora for the build and release tests: the seed pages, copies and variants of them.

The two seed pages are real captures of Al Mayadeen English. Variants change only the
headline line (so the parser still reads them) and the manifest gives URLs and capture
times, the way a crawler's manifest would.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from broadsheet.build.engines import SerialEngine
from broadsheet.build.run import BuildResult, build_release
from broadsheet.recipe import CheckSettings, DatasetInfo, Publisher, Recipe

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"

NAKHALAH = "000_d3aa1e9182096810.txt"
NAKHALAH_TITLE = "Ziyad al-Nakhalah: Israeli captives for all Palestinian prisoners"
NAKHALAH_URL = (
    "https://english.almayadeen.net/news/politics/"
    "ziyad-al-nakhalah--iof-captives-for-all-palestinian-prisoner"
)
NASRALLAH = "004_d3f374cc0d616932.txt"
NASRALLAH_TITLE = "Sayyed Nasrallah meets Hamas leaders, discuss ongoing collaboration"

# A text rendering from another outlet: no registered parser claims it.
OTHER_OUTLET = b"""Harbour Gazette

Council approves new ferry timetable

By Staff Reporter
Updated 3 March 2024

The harbour council voted on Tuesday to add two evening sailings to the island ferry.
"""


def seed(name: str) -> bytes:
    return (SEEDS / name).read_bytes()


def retitled(name: str, old: str, new: str) -> bytes:
    """A seed page with its headline line replaced."""
    text = seed(name).decode("utf-8")
    lines = text.split("\n")
    hits = [i for i, line in enumerate(lines) if line.strip() == old]
    assert len(hits) == 1, f"headline {old!r} is not on exactly one line of {name}"
    lines[hits[0]] = new
    return "\n".join(lines).encode("utf-8")


@dataclass(frozen=True)
class PageSpec:
    """One file of a corpus folder, with what its manifest row says about it."""

    name: str
    data: bytes
    url: str | None = None
    captured_at: str | None = None


def write_folder(folder: Path, pages: list[PageSpec]) -> Path:
    """Write pages (and a manifest.csv when any has a URL or capture time)."""
    folder.mkdir(parents=True, exist_ok=True)
    for page in pages:
        (folder / page.name).write_bytes(page.data)
    rows = [p for p in pages if p.url or p.captured_at]
    if rows:
        with (folder / "manifest.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["file", "url", "sha256", "captured_at", "notes"])
            for p in rows:
                writer.writerow([p.name, p.url or "", "", p.captured_at or "", ""])
    return folder


def al_mayadeen() -> Publisher:
    return Publisher(
        name="Al Mayadeen English",
        hosts=["english.almayadeen.net"],
        timezone="Asia/Beirut",
        language="en",
        launched=date(2021, 7, 1),
        chrome_markers=["BREAKING", "Most Read", "Read Next", "All Rights Reserved"],
    )


def make_recipe(name: str = "test-news", version: str = "1.0.0", **dataset: object) -> Recipe:
    info = DatasetInfo.model_validate(
        {
            "name": name,
            "version": version,
            "pretty_name": "Test news articles",
            "summary": "Articles parsed from captured pages, for the build tests.",
            "released": "2026-01-15",
            **dataset,
        }
    )
    return Recipe(dataset=info, publishers=[al_mayadeen()], checks=CheckSettings())


def build(
    sources: list[str],
    root: Path,
    out: Path,
    recipe: Recipe | None = None,
    *,
    batch_size: int = 256,
) -> BuildResult:
    """A serial build of ``sources`` (relative to ``root``) into ``out``."""
    return build_release(
        [root / s for s in sources],
        out_dir=out,
        recipe=recipe or make_recipe(),
        engine=SerialEngine(),
        batch_size=batch_size,
        root=root,
        work_dir=root.parent / "work",
    )


def release_bytes(release_dir: Path) -> dict[str, bytes]:
    """Every file of a release by relative path."""
    return {
        p.relative_to(release_dir).as_posix(): p.read_bytes()
        for p in sorted(release_dir.rglob("*"))
        if p.is_file()
    }
