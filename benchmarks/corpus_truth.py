"""A corpus with known truth for the corpus passes (site boilerplate and near-duplicates).

``python benchmarks/corpus_truth.py [--sites 8] [--stories 300] [--seed 7] [--json FILE]``

Generates, deterministically from the seed:

- several sites, each with its own recurring chrome blocks (newsletter prompts, copyright
  lines with a varying year, "follow us" lines, disclaimers), each on a random share (35-100%)
  of the site's pages, plus short generic lines (a dateline, "Advertisement", "Share") that
  recur as often and are NOT boilerplate by the rule (fewer than ``min_words`` words);
- each site's own articles;
- agency stories (AP, Reuters, AFP) republished by 2 to 5 sites with small edits (words
  replaced, a sentence dropped, a local paragraph added, another headline), the copies
  published minutes to hours apart;
- updated versions of the same article (1 to 3 updates, a paragraph added, figures changed);
- distinct articles on the same topic (sharing the topic's vocabulary, names and a quote),
  which must not cluster.

Then it runs both passes (``broadsheet.corpus.passes.analyse``) and reports the pairwise
precision and recall of the near-duplicate clusters and the precision and recall of the removed
blocks (per block of each record), with the time each pass took.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from broadsheet.corpus import CorpusSettings
from broadsheet.corpus.passes import analyse
from broadsheet.records.model import Block, make_id

_SYLLABLES = [
    c + v
    for c in ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "sh", "tr"]
    for v in ["a", "e", "i", "o", "u", "ai", "ou"]
]
_FUNCTION = ["the", "of", "and", "to", "in", "a", "that", "for", "on", "with", "as", "by"]
_CITIES = ["BEIRUT", "GENEVA", "CAIRO", "LONDON", "NAIROBI", "MANILA", "LIMA", "OSLO", "DOHA"]
_AGENCIES = [("AP", "The Associated Press"), ("Reuters", "Reuters"), ("AFP", "AFP")]


@dataclass
class Record:
    """The fields of an article record the corpus passes read."""

    id: str
    url: str
    publisher: str
    published_at: datetime
    body: list[Block]
    authors: list[str] = field(default_factory=list)
    source_credit: str | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(b.text for b in self.body if b.kind != "embed")


@dataclass
class Truth:
    records: list[Record]
    chrome: dict[str, set[int]]  # record id -> indices of its body blocks that are site chrome
    story: dict[str, str]  # record id -> story key (records of one story are near-duplicates)
    kinds: dict[str, str]  # record id -> own | agency | update | topic


class Words:
    """A pseudo-language with a Zipf-like vocabulary, so distinct texts share few shingles."""

    def __init__(self, r: random.Random, size: int = 6000) -> None:
        vocab = set()
        while len(vocab) < size:
            vocab.add("".join(r.choice(_SYLLABLES) for _ in range(r.randint(1, 4))))
        self.vocab = sorted(vocab)
        self.cum = list(itertools.accumulate(1.0 / (rank + 10) for rank in range(size)))

    def word(self, r: random.Random) -> str:
        return r.choices(self.vocab, cum_weights=self.cum)[0]

    def sentence(self, r: random.Random, topic: Sequence[str] = ()) -> str:
        out = []
        for _ in range(r.randint(9, 24)):
            roll = r.random()
            if topic and roll < 0.18:
                out.append(r.choice(topic))
            elif roll < 0.45:
                out.append(r.choice(_FUNCTION))
            else:
                out.append(self.word(r))
        return out[0].capitalize() + " " + " ".join(out[1:]) + "."

    def paragraph(self, r: random.Random, topic: Sequence[str] = ()) -> str:
        return " ".join(self.sentence(r, topic) for _ in range(r.randint(2, 4)))


def _chrome_of(site: int, r: random.Random, words: Words) -> list[tuple[str, float]]:
    lines = [
        f"Subscribe to the {words.vocab[site]} newsletter for the day's top stories in your inbox.",
        f"© {{year}} {words.vocab[site].capitalize()} Media Group. All rights reserved.",
        "Follow us on social media and share your views with our editors.",
        f"The views expressed by contributors are their own and not those of {words.vocab[site]}.",
        "Download our app to get breaking news alerts as they happen.",
        "Support independent journalism: become a member today.",
    ]
    chosen = r.sample(lines, r.randint(2, 5))
    return [(line, r.uniform(0.35, 1.0)) for line in chosen]


def _edit(r: random.Random, paras: list[str], words: Words, changes: int) -> list[str]:
    """``changes`` words replaced at random places of the paragraphs."""
    out = [p.split() for p in paras]
    for _ in range(changes):
        tokens = r.choice(out)
        tokens[r.randrange(len(tokens))] = words.word(r)
    return [" ".join(tokens) for tokens in out]


def generate(seed: int = 7, sites: int = 8, stories: int = 300) -> Truth:
    r = random.Random(seed)
    words = Words(r)
    kinds = itertools.cycle(["Times", "Herald", "Post", "Daily"])
    names = [f"{words.vocab[40 + s].capitalize()} {next(kinds)}" for s in range(sites)]
    chrome = {name: _chrome_of(s, r, words) for s, name in enumerate(names)}
    start = datetime(2025, 1, 1, tzinfo=UTC)
    truth = Truth([], {}, {}, {})
    counter = itertools.count()

    def page(site: str, paras: list[str], when: datetime, story: str, kind: str,
             credit: str | None = None, dateline: str | None = None) -> None:  # fmt: skip
        n = next(counter)
        url = f"https://{site.split()[0].lower()}.example/news/{n:06d}"
        body: list[Block] = []
        chrome_at: set[int] = set()
        if dateline:
            paras = [f"{dateline} — {paras[0]}", *paras[1:]]
        for text, share in chrome[site]:
            if r.random() < share and text.startswith("Follow"):
                chrome_at.add(len(body))
                body.append(Block(kind="paragraph", text=text))
        body.append(Block(kind="paragraph", text=r.choice(_CITIES)))  # short line, never chrome
        for k, text in enumerate(paras):
            body.append(Block(kind="paragraph", text=text))
            if k == 1 and r.random() < 0.7:
                body.append(Block(kind="paragraph", text="Advertisement"))
        for text, share in chrome[site]:
            if r.random() < share and not text.startswith("Follow"):
                chrome_at.add(len(body))
                body.append(Block(kind="paragraph", text=text.format(year=when.year)))
        record = Record(make_id(url, site, "", None), url, site, when, body, [], credit)
        truth.records.append(record)
        truth.chrome[record.id] = chrome_at
        truth.story[record.id] = story
        truth.kinds[record.id] = kind

    for s in range(stories):
        when = start + timedelta(minutes=r.randrange(0, 365 * 24 * 60))
        roll = r.random()
        if roll < 0.35:  # an agency story, republished by several sites with small edits
            agency, credit = r.choice(_AGENCIES)
            paras = [words.paragraph(r) for _ in range(r.randint(4, 9))]
            for k, site in enumerate(r.sample(names, r.randint(2, min(5, len(names))))):
                copy = _edit(r, paras, words, r.randint(0, 6))
                if r.random() < 0.3 and len(copy) > 4:
                    del copy[r.randrange(1, len(copy))]
                if r.random() < 0.3:
                    copy.append(words.paragraph(r))
                page(site, copy, when + timedelta(minutes=37 * k + r.randrange(30)), f"s{s}",
                     "agency", credit if r.random() < 0.7 else None,
                     f"{r.choice(_CITIES)} ({agency})")  # fmt: skip
        elif roll < 0.5:  # an article and its updated versions
            site = r.choice(names)
            paras = [words.paragraph(r) for _ in range(r.randint(5, 10))]
            page(site, paras, when, f"s{s}", "update")
            for k in range(r.randint(1, 3)):
                paras = [*paras, words.paragraph(r)] if r.random() < 0.6 else paras
                paras = _edit(r, paras, words, r.randint(1, 4))
                page(site, paras, when + timedelta(hours=2 * (k + 1)), f"s{s}", "update")
        elif roll < 0.7:  # distinct articles on one topic, by several sites
            topic = r.sample(words.vocab[:400], 12)
            quote = f'"{words.sentence(r, topic)}" {topic[0].capitalize()} said.'
            for k, site in enumerate(r.sample(names, r.randint(2, min(4, len(names))))):
                paras = [words.paragraph(r, topic) for _ in range(r.randint(4, 9))]
                paras.insert(1, quote)
                page(site, paras, when + timedelta(hours=k), f"s{s}.{k}", "topic")
        else:
            paras = [words.paragraph(r) for _ in range(r.randint(3, 10))]
            page(r.choice(names), paras, when, f"s{s}", "own")
    return truth


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | {site}</title>
<meta property="og:site_name" content="{site}"><meta property="og:type" content="article">
<script type="application/ld+json">{ld}</script></head>
<body><header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
<main><article><h1>{title}</h1>
{paragraphs}
</article></main><footer><p>{site}</p></footer></body></html>
"""


def page_of(record: Record) -> dict[str, str]:
    """A record as a JSONL page: ``{"url", "html", "captured_at"}``."""
    title = " ".join(record.body[-1 if len(record.body) < 3 else 2].text.split()[:8])
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title,
        "datePublished": record.published_at.isoformat(),
        "author": {"@type": "Person", "name": "Desk Editor"},
        "publisher": {"@type": "Organization", "name": record.publisher},
    }
    html = _PAGE.format(
        title=title,
        site=record.publisher,
        ld=json.dumps(ld),
        paragraphs="\n".join(f"<p>{b.text}</p>" for b in record.body),
    )
    captured = (record.published_at + timedelta(days=1)).isoformat()
    return {"url": record.url, "html": html, "captured_at": captured}


def write_pages(truth: Truth, path: str) -> int:
    """The corpus as a JSONL file of HTML pages, for an end-to-end build."""
    with open(path, "w", encoding="utf-8") as out:
        for record in truth.records:
            out.write(json.dumps(page_of(record)) + "\n")
    return len(truth.records)


def pairs_of(groups: dict[str, str]) -> set[tuple[str, str]]:
    by: dict[str, list[str]] = {}
    for id_, key in groups.items():
        by.setdefault(key, []).append(id_)
    return {(a, b) for m in by.values() for a, b in itertools.combinations(sorted(m), 2)}


def ratio(hit: int, total: int) -> float:
    return round(hit / total, 4) if total else 1.0


def score(truth: Truth, settings: CorpusSettings) -> dict[str, Any]:
    records = truth.records
    t0 = time.perf_counter()
    outcome = analyse(records, settings)
    seconds = time.perf_counter() - t0
    predicted = pairs_of(dict(zip(outcome.clusters.ids, outcome.clusters.cluster, strict=True)))
    expected = pairs_of(truth.story)
    removed = {(i, int(k)) for i, m in outcome.removed.items() for k in m.nonzero()[0]}
    chrome = {(i, k) for i, ks in truth.chrome.items() for k in ks}
    return {
        "records": len(records),
        "sites": len({r.publisher for r in records}),
        "seconds_both_passes": round(seconds, 3),
        "clusters": {
            "true_pairs": len(expected),
            "predicted_pairs": len(predicted),
            "precision": ratio(len(predicted & expected), len(predicted)),
            "recall": ratio(len(predicted & expected), len(expected)),
        },
        "removed_blocks": {
            "true": len(chrome),
            "removed": len(removed),
            "precision": ratio(len(removed & chrome), len(removed)),
            "recall": ratio(len(removed & chrome), len(chrome)),
        },
        "records_left_whole": len(outcome.left_whole),
        "clusters_if_signatures_kept_the_chrome": _clusters_without_removal(truth, settings),
    }


def _clusters_without_removal(truth: Truth, settings: CorpusSettings) -> dict[str, float]:
    """Cluster precision and recall when signatures are taken before the boilerplate pass."""
    outcome = analyse(truth.records, settings.model_copy(update={"boilerplate": False}))
    predicted = pairs_of(dict(zip(outcome.clusters.ids, outcome.clusters.cluster, strict=True)))
    expected = pairs_of(truth.story)
    return {
        "precision": ratio(len(predicted & expected), len(predicted)),
        "recall": ratio(len(predicted & expected), len(expected)),
    }


def score_release(truth: Truth, release: str) -> dict[str, Any]:
    """Precision and recall of a release built from :func:`write_pages` (rows matched by URL):
    clusters pairwise; removed blocks against each page parsed on its own (what the corpus
    pass removed is what the page's parsed body has and the row has not)."""
    import pyarrow.parquet as pq

    from broadsheet.build.pipeline import process_page
    from broadsheet.records.model import Article
    from broadsheet.sources.items import Page

    table = pq.read_table(f"{release}/data")
    by_url = {r.url: r for r in truth.records}
    clusters: dict[str, str] = {}
    stories: dict[str, str] = {}
    removed = correct = chrome = 0
    columns = ["url", "body", "near_duplicate_cluster"]
    for row in table.select(columns).to_pylist():
        record = by_url[row["url"]]
        clusters[record.id] = row["near_duplicate_cluster"]
        stories[record.id] = truth.story[record.id]
        page = page_of(record)
        parsed = process_page(
            Page(source_file="p.html", data=page["html"].encode(), url=record.url)
        )
        assert isinstance(parsed, Article), parsed
        truth_chrome = {record.body[k].text for k in truth.chrome[record.id]}
        before = [b.text for b in parsed.body]
        after = {b["text"] for b in row["body"]}
        gone = [t for t in before if t not in after]
        removed += len(gone)
        correct += sum(1 for t in gone if t in truth_chrome)
        chrome += sum(1 for t in before if t in truth_chrome)
    predicted, expected = pairs_of(clusters), pairs_of(stories)
    return {
        "rows": table.num_rows,
        "clusters": {
            "precision": ratio(len(predicted & expected), len(predicted)),
            "recall": ratio(len(predicted & expected), len(expected)),
        },
        "removed_blocks": {"precision": ratio(correct, removed), "recall": ratio(correct, chrome)},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sites", type=int, default=8)
    parser.add_argument("--stories", type=int, default=300)
    parser.add_argument("--threshold", type=float, default=CorpusSettings().threshold)
    parser.add_argument("--json", help="write the figures to this file too")
    parser.add_argument("--pages", help="also write the corpus as HTML pages to this JSONL file")
    parser.add_argument("--release", help="score this release, built from --pages's file")
    args = parser.parse_args(argv)
    truth = generate(args.seed, args.sites, args.stories)
    if args.pages:
        write_pages(truth, args.pages)
    figures = score(truth, CorpusSettings(threshold=args.threshold))
    if args.release:
        figures["release"] = score_release(truth, args.release)
    text = json.dumps(figures, indent=2)
    print(text)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            out.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
