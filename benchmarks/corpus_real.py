"""The corpus passes on the real benchmark pages (``--bench``, default ../shared/bench).

``python benchmarks/corpus_real.py [--bench DIR]``

Parses the articles of aeb-dev, wcxb-dev and meta-dev, runs both passes over them
(``broadsheet.corpus.passes.analyse``) and prints what they found: blocks removed per site,
the clusters with their members, each record's nearest other record (highest estimated
similarity) for the closest pairs, and the agencies credited, to be checked by hand.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from broadsheet.corpus import CorpusSettings, blocks, neardup
from broadsheet.corpus.passes import analyse, syndication_records
from broadsheet.records.model import Article
from harness import load, run_broadsheet

SETS = [
    ("aeb-dev", "ground-truth.json"),
    ("wcxb-dev", "expected.json"),
    ("meta-dev", "expected.json"),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", type=Path, default=Path("../shared/bench"))
    args = parser.parse_args(argv)
    records: dict[str, Article] = {}
    for name, truth_file in SETS:
        pages, truth = load(args.bench, name, truth_file)
        for key, html in pages.items():
            url = truth[key].get("url") if isinstance(truth[key], dict) else None
            outcome = run_broadsheet(f"{name}/{key}", html, url)
            if isinstance(outcome, Article):
                records.setdefault(outcome.id, outcome)
    kept = list(records.values())
    settings = CorpusSettings()
    outcome = analyse(kept, settings)
    feats = blocks.features_of(
        kept, num_perm=settings.num_perm, shingle_words=settings.shingle_words, seed=settings.seed
    )
    sigs = np.stack(
        [
            neardup.record_signature(feats.record(i), np.zeros(len(r.body), dtype=np.bool_))
            for i, r in enumerate(kept)
        ]
    )
    pairs = set()
    for i in range(len(kept)):
        equal = (sigs == sigs[i]).mean(axis=1)
        equal[i] = 0
        j = int(equal.argmax())
        pairs.add((round(float(equal[j]), 3), min(i, j), max(i, j)))
    nearest = [
        (sim, kept[i].publisher, kept[i].title, kept[j].publisher, kept[j].title)
        for sim, i, j in pairs
    ]
    nearest.sort(reverse=True)
    by_id = {r.id: r for r in kept}
    report: dict[str, Any] = {
        "records": len(kept),
        "sites": len({blocks.site_key(r.publisher, r.url) for r in kept}),
        "boilerplate_by_site": outcome.report,
        "clusters": [
            [(by_id[i].publisher, by_id[i].title) for i in members]
            for members in outcome.clusters.members().values()
        ],
        "closest_pairs": nearest[:5],
        "agencies": [
            (s.agencies, by_id[s.id].publisher, by_id[s.id].text[:100])
            for s in syndication_records(kept)
            if s.agencies
        ],
    }
    print(json.dumps(report, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
