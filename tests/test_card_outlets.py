"""The card of a release of several outlets and languages, its figures, its template, and the
card of a build without a recipe.

The pages are in ``tests/fixtures/outlets`` (see its README): read from them, ScienceAlert,
SlashGear, Al Jazeera and Como Educar Seus Filhos have two pages each, Voice of America,
AP News, comwrap and Remember 80/90 one each, and the two seed pages are Al Mayadeen
English's: 14 pages of 9 publishers. The Como Educar pages are in Portuguese, comwrap's in
German and Remember 80/90's in Italian; the others are in English.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from broadsheet.build.engines import SerialEngine
from broadsheet.build.run import BuildResult, build_release
from broadsheet.card.figures import FIGURES, FIGURES_DIR
from broadsheet.card.outlets_section import PUBLISHERS_CSV
from broadsheet.card.template import default_template_text
from broadsheet.cli.main import app
from broadsheet.errors import UsageError
from broadsheet.recipe import Recipe, load_recipe

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "outlets"
PUBLISHERS = {
    "ScienceAlert": 2,
    "SlashGear": 2,
    "Al Jazeera": 2,
    "Como Educar Seus Filhos": 2,
    "Al Mayadeen English": 2,
    "Voice of America (VOA News)": 1,
    "AP NEWS": 1,
    "comwrap": 1,
    "Remember 80/90": 1,
}
OTHER_LANGUAGES = {"pt": 2, "de": 1, "it": 1}


def recipe(name: str = "outlets-test", **card: object) -> Recipe:
    """The repository's recipe (its lexicon, bylines and texts) under another name."""
    base = load_recipe(ROOT / "recipe.toml")
    info = base.dataset.model_copy(update={"name": name, "version": "1.0.0"})
    return base.model_copy(update={"dataset": info, "card": {**base.card, **card}})


def build(out: Path, recipe_: Recipe, *sources: str) -> BuildResult:
    return build_release(
        [FIXTURES / s for s in sources or ("pages", "seeds")],
        out_dir=out,
        recipe=recipe_,
        engine=SerialEngine(),
        root=FIXTURES,
        work_dir=out.parent / "work",
    )


def section(card: str, heading: str) -> str:
    start = card.index(heading + "\n")
    end = card.find("\n#", start + len(heading))
    return card[start : end if end > 0 else len(card)]


def table_rows(text: str) -> list[list[str]]:
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    return [[c.strip() for c in re.split(r"(?<!\\)\|", row)[1:-1]] for row in rows]


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("a") / "out", recipe()).release_dir


def test_the_card_compares_the_outlets_side_by_side(release: Path) -> None:
    card = (release / "README.md").read_text(encoding="utf-8")
    assert "### One outlet and its editorial line" not in card
    outlets = section(card, "### Outlets and their editorial lines")
    assert "The records come from 9 publishers in 4 languages." in outlets
    rows = {row[0]: row for row in table_rows(outlets)[1:] if len(row) == 11}
    assert {name: int(row[1]) for name, row in rows.items()} == PUBLISHERS
    assert rows["Como Educar Seus Filhos"][3] == "pt (2)"
    assert rows["Al Mayadeen English"][5] == "631–658"  # bounds 2025-08-14, 2025-09-12
    assert "9 publishers: " in card  # the summary counts them
    words = next(line for line in card.splitlines() if line.startswith("Words measured:"))
    assert "in the outlets' narration" in words  # (the recipe's own prose is its own)


def test_measures_of_one_language_say_so_and_count_what_they_skipped(release: Path) -> None:
    card = (release / "README.md").read_text(encoding="utf-8")
    languages = section(card, "### Languages")
    counts = {row[0]: int(row[1]) for row in table_rows(languages)[1:]}
    assert counts == {"`en`": 10, **{f"`{k}`": n for k, n in OTHER_LANGUAGES.items()}}
    assert "10 records were read and 4 in other languages skipped" in languages
    speakers = section(card, "### Who is quoted")
    assert "4 in other languages were skipped (pt (2), de (1), it (1))" in speakers
    by_publisher = [row[0] for row in table_rows(speakers) if len(row) == 5][1:]
    assert "Como Educar Seus Filhos" not in by_publisher  # read no records
    assert "Al Mayadeen English" in by_publisher


def test_framing_terms_per_publisher_mark_noise(release: Path) -> None:
    vocabulary = section(
        (release / "README.md").read_text(encoding="utf-8"), "### Framing vocabulary"
    )
    assert "By publisher (the most frequent terms" in vocabulary
    named = {"publisher"} | PUBLISHERS.keys()
    header, *rows = [r for r in table_rows(vocabulary) if r[0] in named and len(r) > 3]
    assert header[:3] == ["publisher", "records read", "words"]
    mayadeen = next(r for r in rows if r[0] == "Al Mayadeen English")
    # The seed pages: 911 words of narration, 141 quoted, 67 in headlines (the seed card).
    assert mayadeen[1:3] == ["2", "911 / 141 / 67"]
    occupation = header.index("occupation")
    # 13 / 911, 3 / 141, 1 / 67: each over fewer than 1,000 words, so each is noise
    assert mayadeen[occupation] == "14.27† / 21.28† / 14.93†"


def test_the_full_publishers_table_is_a_csv_file(release: Path) -> None:
    rows = list(csv.DictReader(io.StringIO((release / PUBLISHERS_CSV).read_text("utf-8"))))
    assert {row["publisher"]: int(row["records"]) for row in rows} == PUBLISHERS
    mayadeen = next(row for row in rows if row["publisher"] == "Al Mayadeen English")
    assert mayadeen["occupation [narration]"] == "13"
    assert mayadeen["bylines_institutional"] == "2"


def test_figures_are_valid_svg_referenced_listed_and_identical_across_builds(
    release: Path, tmp_path: Path
) -> None:
    card = (release / "README.md").read_text(encoding="utf-8")
    figures = sorted((release / FIGURES_DIR).iterdir())
    names = {p.name for p in figures}
    # No page was quarantined, so there is no quarantine chart; the seeds have capture bounds.
    assert names == set(FIGURES.values()) - {"quarantine-reasons.svg"}
    sums = (release / "SHA256SUMS").read_text(encoding="utf-8")
    for path in figures:
        root = ET.parse(path).getroot()
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert f"]({FIGURES_DIR}/{path.name})" in card
        assert f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {FIGURES_DIR}/{path.name}" in sums
    again = build(tmp_path / "out", recipe()).release_dir
    for path in figures:
        assert (again / FIGURES_DIR / path.name).read_bytes() == path.read_bytes()
    assert (again / "README.md").read_bytes() == (release / "README.md").read_bytes()
    result = CliRunner().invoke(app, ["validate", str(release)])
    assert result.exit_code == 0, result.output


def test_one_outlet_keeps_the_single_outlet_wording(tmp_path: Path) -> None:
    card = (build(tmp_path / "out", recipe(), "seeds").release_dir / "README.md").read_text()
    assert "### One outlet and its editorial line" in card
    assert "Every record (2) comes from one outlet, Al Mayadeen English." in card
    assert "### Languages" not in card and "| publisher | records |" not in card
    assert "in the outlet's narration" in card
    assert f"![Records per month by publisher]({FIGURES_DIR}/records-per-month.svg)" in card
    # the seed release: two articles of one site, under the 5 pages a block must recur on,
    # on different stories, crediting no agency ("(AP)" is only in photo captions)
    corpus = section(card, "#### Site boilerplate and near-duplicates")
    assert "Nothing was removed: no block recurs often enough on any site." in corpus
    assert "Nothing was clustered: no two of the 2 records are near-duplicates" in corpus
    assert "by records: none." in corpus
    speakers = section(card, "### Who is quoted")
    assert "These measures count every record; no two records are near-duplicates" in speakers


def test_a_build_without_a_recipe_guesses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(FIXTURES / "seeds", tmp_path / "pages")
    monkeypatch.chdir(tmp_path)
    args = ["build", "--source", "pages", "--out", "out", "--name", "adhoc", "--version", "1.0.0"]
    result = CliRunner().invoke(app, [*args, "--workers", "1", "--no-progress"])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "out" / "adhoc" / "1.0.0" / "README.md").read_text(encoding="utf-8")
    header, card = text.split("\n---\n", 1)
    assert "license: unknown" in header
    assert "- **Licence:** not stated (built without a recipe)" in card
    assert "all-rights-reserved" not in card
    assert "- **Inputs given on the command line:** `pages`" in card
    assert "named by the recipe" not in card and "Not stated in the recipe" not in card
    assert "## Uses" not in card and "### Known limitations" not in card
    assert "There is no recipe: no framing terms were counted." in card
    assert "No licence is stated" in section(card, "## Licence and Copyright")


def test_the_recipe_may_name_its_own_template(tmp_path: Path) -> None:
    mine = tmp_path / "mine.md.j2"
    mine.write_text(
        "# {{ ds.pretty_name }}, our way\n\n{{ blocks.outlets }}\n\n"
        "{% if stated('contact') %}{{ narrative('contact') }}{% endif %}\n",
        encoding="utf-8",
    )
    own = recipe(template="mine.md.j2").model_copy(update={"root": tmp_path})
    card = (build(tmp_path / "out", own, "seeds").release_dir / "README.md").read_text()
    body = card.split("\n---\n", 1)[1]
    assert body.startswith("\n# Al Mayadeen English news articles (seed pages), our way\n")
    assert "Every record (2) comes from one outlet, Al Mayadeen English." in body
    assert "Report problems through the broadsheet repository" in body
    assert "{%" in default_template_text() and "blocks.vocabulary" in default_template_text()
    broken = recipe(template="missing.md.j2").model_copy(update={"root": tmp_path})
    with pytest.raises(UsageError, match=r"missing\.md\.j2"):
        build(tmp_path / "out2", broken, "seeds")
