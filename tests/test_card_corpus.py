"""The corpus passes in the card: syndication columns, "Site boilerplate and near-duplicates",
and what the text measures say about clusters.

The pages are generated here (:mod:`corpus_records`): the site "Daily Ledger" has six
articles, each ending with the same 14-word disclaimer (its site chrome); its first
article, datelined "(AP)", is published again 30 minutes later by "Evening Courier", whose
two other articles are its own (one signed "Reuters").
"""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from broadsheet.cli.main import app
from corpus_records import Rec, prose, rec

CHROME = "The views expressed by contributors are their own and not those of the Ledger."  # 14
LEDGER, COURIER = "Daily Ledger", "Evening Courier"
RECIPE = """[dataset]
name = "syndication-test"
version = "1.0.0"
pretty_name = "Syndication test"
summary = "Two sites, one story published by both."
license = "cc-by-4.0"
sources = ["pages.jsonl"]
"""
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | {site}</title>
<meta property="og:site_name" content="{site}"><meta property="og:type" content="article">
<script type="application/ld+json">{ld}</script></head>
<body><header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
<main><article><h1>{title}</h1>
{paragraphs}
</article></main><footer><p>{site}</p></footer></body></html>
"""


def records() -> list[Rec]:
    story = prose(77)
    story[0] = "BEIRUT (AP) — " + story[0]
    ledger = [rec(LEDGER, 0, [*story, CHROME], minutes=0)]
    ledger += [rec(LEDGER, n, [*prose(500 + n), CHROME], minutes=60 * n) for n in range(1, 6)]
    courier = [rec(COURIER, 0, story, minutes=30)]
    courier += [rec(COURIER, n, prose(900 + n), minutes=60 * n) for n in (1, 2)]
    courier[1].authors = ["Reuters"]
    return ledger + courier


def page(record: Rec) -> dict[str, str]:
    assert record.published_at is not None
    title = " ".join(record.body[1].text.split()[:8])
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title,
        "datePublished": record.published_at.isoformat(),
        "author": {"@type": "Person", "name": (record.authors or ["Desk Editor"])[0]},
        "publisher": {"@type": "Organization", "name": record.publisher},
    }
    html = PAGE.format(
        title=title,
        site=record.publisher,
        ld=json.dumps(ld),
        paragraphs="\n".join(f"<p>{b.text}</p>" for b in record.body),
    )
    captured = (record.published_at + timedelta(days=1)).isoformat()
    return {"url": record.url, "html": html, "captured_at": captured}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("syndication")
    lines = [json.dumps(page(r)) for r in records()]
    (folder / "pages.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def build(folder: Path, out: Path, *extra: str, corpus: str = "") -> Path:
    (folder / "recipe.toml").write_text(RECIPE + corpus, encoding="utf-8")
    args = ["build", "--recipe", str(folder / "recipe.toml"), "--out", str(out), *extra]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return out / "syndication-test" / "1.0.0"


@pytest.fixture(scope="module")
def release(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(folder, tmp_path_factory.mktemp("out"), "--engine", "serial")


def card_of(release: Path) -> str:
    return (release / "README.md").read_text(encoding="utf-8")


def section(card: str, heading: str) -> str:
    start = card.index(heading + "\n")
    end = card.find("\n#", start + len(heading))
    return card[start : end if end > 0 else len(card)]


def rows_of(text: str, first: str) -> dict[str, dict[str, str]]:
    """The Markdown table whose header starts with ``first``, as dicts by first cell."""
    lines = [line for line in text.splitlines() if line.startswith("| ")]
    header = next(line for line in lines if line.startswith(f"| {first} |"))
    names = [c.strip() for c in header.strip("|").split("|")]
    out = {}
    for line in lines[lines.index(header) + 1 :]:
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        if len(cells) != len(names):
            break
        out[cells[0]] = dict(zip(names, cells, strict=True))
    return out


def test_publishers_table_has_the_corpus_syndication_figures(release: Path) -> None:
    outlets = section(card_of(release), "### Outlets and their editorial lines")
    rows = rows_of(outlets, "publisher")
    assert "agency copy" not in outlets  # one source of truth: the corpus pass
    ledger, courier = rows[LEDGER], rows[COURIER]
    assert (ledger["records"], courier["records"]) == ("6", "3")
    # one story of six (the Ledger's) and of three (the Courier's) is in the shared cluster
    assert ledger["in clusters across publishers"] == "1 (16.7%)"
    assert courier["in clusters across publishers"] == "1 (33.3%)"
    # the dateline "(AP)" on both copies, and the Courier's article signed "Reuters"
    assert ledger["agencies credited"] == "AP (1)"
    assert courier["agencies credited"] == "AP (1), Reuters (1)"
    # the Ledger published the story 30 minutes before the Courier
    assert ledger["published first"] == "1 of 1"
    assert courier["published first"] == f"0 of 1; first elsewhere: {LEDGER} (1)"
    assert "near-duplicates of another publisher's" in outlets


def test_publishers_csv_has_the_same_figures(release: Path) -> None:
    text = (release / "publishers.csv").read_text(encoding="utf-8")
    rows = {r["publisher"]: r for r in csv.DictReader(io.StringIO(text))}
    assert rows[COURIER]["records_in_cross_publisher_clusters"] == "1"
    assert rows[COURIER]["agencies_credited"] == "AP:1;Reuters:1"
    assert rows[COURIER]["cross_publisher_clusters_first_elsewhere"] == f"{LEDGER}:1"
    assert rows[LEDGER]["cross_publisher_clusters_first"] == "1"


def test_site_boilerplate_and_clusters_are_reported(release: Path) -> None:
    part = section(card_of(release), "#### Site boilerplate and near-duplicates")
    # the disclaimer on each of the Ledger's six pages; the Courier has no chrome
    assert "Removed: 6 blocks (84 words) from 6 records of 1 site;" in part
    site = rows_of(part, "site")["daily ledger"]
    assert site["pages"] == "6"
    assert site["blocks removed"] == "6"
    assert site["words removed"] == "84"
    assert site["most frequent removed blocks"] == f"“{CHROME}” (6 pages)"
    assert "Found: 1 cluster holding 2 records (the largest 2); 1 spans publishers." in part
    assert "is at least 0.5" in part and "Policy `mark`: every record is kept." in part
    assert "by records: AP (2), Reuters (1)." in part
    report = json.loads((release / "build-report.json").read_text(encoding="utf-8"))
    assert report["corpus"]["boilerplate"]["words_removed"] == 84


def test_text_measures_say_they_count_every_copy(release: Path) -> None:
    speakers = section(card_of(release), "### Who is quoted")
    assert (
        "These measures count every record, near-duplicates included: 2 records of the "
        "release are in 1 cluster of near-duplicates (1 spanning publishers)"
    ) in speakers


def test_keep_one_counts_each_cluster_once(folder: Path, tmp_path: Path) -> None:
    release = build(
        folder, tmp_path, "--engine", "serial", corpus='[corpus]\npolicy = "keep_one"\n'
    )
    card = card_of(release)
    assert "These measures count each cluster of near-duplicates once" in card
    part = section(card, "#### Site boilerplate and near-duplicates")
    assert "1 record was quarantined as near-duplicates." in part
    rows = rows_of(section(card, "### Outlets and their editorial lines"), "publisher")
    assert rows[COURIER]["records"] == "2"  # its copy of the Ledger's story is quarantined


def test_without_the_near_duplicate_pass_the_card_says_so(folder: Path, tmp_path: Path) -> None:
    release = build(
        folder, tmp_path, "--engine", "serial", corpus="[corpus]\nnear_duplicates = false\n"
    )
    card = card_of(release)
    outlets = section(card, "### Outlets and their editorial lines")
    assert rows_of(outlets, "publisher")[COURIER]["agencies credited"] == "—"
    assert "the near-duplicate pass was off" in outlets
    part = section(card, "#### Site boilerplate and near-duplicates")
    assert "Near-duplicates: not looked for (`[corpus] near_duplicates = false`)." in part
    assert "Removed: 6 blocks (84 words)" in part
    assert "near-duplicates were not looked for" in section(card, "### Who is quoted")


def test_the_card_is_the_same_on_worker_processes(
    folder: Path, release: Path, tmp_path: Path
) -> None:
    other = build(folder, tmp_path, "--engine", "processes", "--workers", "2", "--batch-size", "2")
    assert (other / "README.md").read_bytes() == (release / "README.md").read_bytes()
    assert (other / "publishers.csv").read_bytes() == (release / "publishers.csv").read_bytes()
