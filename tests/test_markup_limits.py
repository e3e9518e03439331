"""The recipe's markup limits reach the parser: elements, attributes and JSON-LD depth."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from broadsheet.build.pipeline import process_batch
from broadsheet.build.run import build_release
from broadsheet.errors import PageError
from broadsheet.parsers import parse_page
from broadsheet.recipe import CheckSettings, DatasetInfo, Recipe
from broadsheet.records.quarantine import Quarantined
from broadsheet.sources.items import Page
from broadsheet.sources.limits import Limits

PROSE = "".join(
    f"<p>Paragraph {n}: the harbour stayed shut for a third day on Wednesday, and the fishing "
    "fleet waited at its moorings while the wind kept the ferries in port.</p>"
    for n in range(4)
)


def page(head: str = "", body: str = "") -> bytes:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>Harbour shut for a third day</title>"
        '<meta property="og:type" content="article">'
        f"{head}</head><body><article><h1>Harbour shut for a third day</h1>"
        f"{body}{PROSE}</article></body></html>"
    ).encode()


def crowded(attributes: int) -> bytes:
    names = " ".join(f"data-a{i}=x" for i in range(attributes))
    return page(body=f"<div {names}>x</div>")


def test_attributes_over_the_recipe_limit_are_too_large() -> None:
    limits = Limits(html_attributes=20)
    with pytest.raises(PageError) as caught:
        parse_page(Page("crowded.html", crowded(21)), limits)
    assert caught.value.code == "too_large"
    assert "crowded.html has a <div> element with more than 20 attributes" in caught.value.message
    assert "[limits] html_attributes" in caught.value.message
    assert parse_page(Page("busy.html", crowded(20)), limits).title  # at the limit: parsed


def test_elements_over_the_recipe_limit_are_too_large() -> None:
    data = page(body="<span>x</span>" * 60)
    with pytest.raises(PageError) as caught:
        parse_page(Page("many.html", data), Limits(html_elements=50))
    assert caught.value.code == "too_large"
    assert "[limits] html_elements" in caught.value.message
    assert parse_page(Page("many.html", data)).title  # the default allows it


def test_json_ld_deeper_than_the_limit_is_passed_over() -> None:
    block = {
        "@type": "NewsArticle",
        "author": {"@type": "Person", "name": "Ana Ribeiro"},
        "mentions": [[[[[[[["deep"]]]]]]]],
    }
    data = page(f'<script type="application/ld+json">{json.dumps(block)}</script>')
    assert parse_page(Page("ld.html", data)).authors == ["Ana Ribeiro"]
    shallow = parse_page(Page("ld.html", data), Limits(json_ld_depth=6))
    assert shallow.authors == []  # the block, 10 levels deep, was not read
    assert shallow.title == "Harbour shut for a third day"  # the page itself is kept


def test_the_batch_step_passes_the_limits_on() -> None:
    result = process_batch(
        [Page("crowded.html", crowded(21))], CheckSettings(), None, Limits(html_attributes=20)
    )
    assert [(q.code, q.source_file) for q in result.quarantined] == [("too_large", "crowded.html")]
    assert all(isinstance(q, Quarantined) for q in result.quarantined)


def test_a_build_applies_the_recipe_markup_limits(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "crowded.html").write_bytes(crowded(30))
    (corpus / "plain.html").write_bytes(page())
    recipe = Recipe(
        dataset=DatasetInfo(name="limits", version="0.1.0", pretty_name="Limits"),
        limits=Limits(html_attributes=25),
    )
    result = build_release(
        [corpus], out_dir=tmp_path / "out", recipe=recipe, root=tmp_path, work_dir=tmp_path / "b"
    )
    quarantine = [
        json.loads(line)
        for line in (result.release_dir / "quarantine.jsonl").read_text("utf-8").splitlines()
    ]
    assert [(q["source_file"], q["code"]) for q in quarantine] == [
        ("corpus/crowded.html", "too_large")
    ]
    rows = pq.read_table(result.release_dir / "data").to_pylist()
    assert [row["source_file"] for row in rows] == ["corpus/plain.html"]
