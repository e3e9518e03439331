"""Near-duplicates: signatures after boilerplate, clusters, canonical rule, keep_one, order."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np
import rensa

from broadsheet.corpus import CorpusSettings, blocks, neardup
from broadsheet.corpus.passes import analyse
from corpus_records import Rec, prose, rec

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import corpus_truth

SETTINGS = CorpusSettings()


def clusters_of(records: list[Rec], settings: CorpusSettings = SETTINGS) -> dict[str, str]:
    outcome = analyse(records, settings)
    return dict(zip(outcome.clusters.ids, outcome.clusters.cluster, strict=True))


def test_exact_copies_across_urls_have_similarity_one() -> None:
    story = prose(1)
    a = rec("Daily News", 1, story, minutes=30)
    b = rec("Other Post", 2, story, minutes=10)
    outcome = analyse([a, b], SETTINGS)
    sims = dict(zip(outcome.clusters.ids, outcome.clusters.similarity, strict=True))
    got = dict(zip(outcome.clusters.ids, outcome.clusters.cluster, strict=True))
    assert got == {a.id: b.id, b.id: b.id}  # b was published first
    assert sims == {a.id: 1.0, b.id: 1.0}


def test_singletons_are_their_own_cluster() -> None:
    a, b = rec("Daily News", 1, prose(1)), rec("Daily News", 2, prose(2))
    assert clusters_of([a, b]) == {a.id: a.id, b.id: b.id}


def test_small_edits_cluster_distinct_articles_do_not() -> None:
    story = prose(5, sentences=24)
    edited = [p.replace(p.split()[3], "changed", 1) for p in story[:-1]]  # a word per paragraph
    a = rec("Daily News", 1, story)
    b = rec("Other Post", 2, [*edited, "A local paragraph added by the other outlet."])
    c = rec("Third Herald", 3, prose(6, sentences=24))
    got = clusters_of([a, b, c])
    assert got[a.id] == got[b.id]
    assert got[c.id] == c.id


def test_same_topic_articles_do_not_cluster() -> None:
    truth = corpus_truth.generate(seed=11, sites=6, stories=120)
    topic = [r for r in truth.records if truth.kinds[r.id] == "topic"]
    assert len(topic) > 20
    got = clusters_of(topic)
    assert all(canon == id_ for id_, canon in got.items())


def test_canonical_is_earliest_published_then_smallest_id() -> None:
    story = prose(7)
    copies = [rec("Site A", n, story, minutes=m) for n, m in [(1, 50), (2, 20), (3, 20), (4, None)]]
    got = clusters_of(copies)
    tied = sorted([copies[1].id, copies[2].id])
    assert set(got.values()) == {tied[0]}


def test_undated_records_come_last() -> None:
    story = prose(8)
    undated, dated = rec("Site A", 1, story, minutes=None), rec("Site B", 2, story, minutes=900)
    assert set(clusters_of([undated, dated]).values()) == {dated.id}


def test_keep_one_drops_every_other_member() -> None:
    story = prose(9)
    a, b, c = (rec(f"Site {k}", k, story, minutes=k) for k in range(3))
    single = rec("Site 9", 9, prose(10))
    outcome = analyse([c, single, a, b], SETTINGS.model_copy(update={"policy": "keep_one"}))
    assert outcome.near_duplicates_dropped() == sorted([(b.id, a.id, 1.0), (c.id, a.id, 1.0)])


def test_signatures_are_taken_after_boilerplate_removal() -> None:
    # Two sites with heavy chrome; the same story on each. With the chrome in the signatures
    # the copies look different; without it they are the same text.
    chrome = {
        s: [f"{s} chrome {k}: " + " ".join(prose(50 + k + 10 * len(s))[0].split()[:30])
            for k in range(4)]
        for s in ("alpha", "beta")
    }  # fmt: skip
    records = []
    for s in ("alpha", "beta"):
        for n in range(8):
            records.append(rec(f"{s} news", n, [*prose(100 * len(s) + n)[:1], *chrome[s]]))
    story = prose(77, sentences=12)  # about 160 words; the chrome is about 130 per site
    a, b = (
        rec("alpha news", 90, [*story, *chrome["alpha"]]),
        rec("beta news", 91, [*story, *chrome["beta"]]),
    )
    records += [a, b]
    with_removal = clusters_of(records)
    assert with_removal[a.id] == with_removal[b.id]
    without = clusters_of(records, SETTINGS.model_copy(update={"boilerplate": False}))
    assert without[a.id] != without[b.id]


def test_record_signature_is_the_signature_of_its_text() -> None:
    record = rec("Daily News", 1, prose(3))
    feats = blocks.features_of([record], num_perm=64, shingle_words=5, seed=1)
    signature = neardup.record_signature(feats, np.zeros(len(record.body), dtype=np.bool_))
    shingles = [
        s for b in record.body for s in blocks.shingles(blocks.normalise(b.text).split(), 5)
    ]
    direct = rensa.RMinHash.digest_matrix_from_token_sets([shingles], 64, 1).to_rows()[0]
    assert signature.tolist() == direct


def test_bands_make_pairs_at_the_threshold_candidates() -> None:
    assert neardup.bands_for(128, 0.5) == (25, 5)
    bands, rows = neardup.bands_for(128, 0.7)
    assert bands * rows <= 128
    assert 1 - (1 - 0.7**rows) ** bands >= 0.5
    assert 1 - (1 - 0.7 ** (rows + 1)) ** (128 // (rows + 1)) < 0.5


def test_order_independence() -> None:
    truth = corpus_truth.generate(seed=3, sites=5, stories=150)
    first = analyse(truth.records, SETTINGS)
    shuffled = list(truth.records)
    random.Random(1).shuffle(shuffled)
    second = analyse(shuffled, SETTINGS)
    assert dict(zip(first.clusters.ids, first.clusters.cluster, strict=True)) == dict(
        zip(second.clusters.ids, second.clusters.cluster, strict=True)
    )
    assert dict(zip(first.clusters.ids, first.clusters.similarity, strict=True)) == dict(
        zip(second.clusters.ids, second.clusters.similarity, strict=True)
    )
    assert first.report == second.report
    assert sorted(first.removed) == sorted(second.removed)
    assert all(np.array_equal(first.removed[i], second.removed[i]) for i in first.removed)


def test_features_do_not_depend_on_batching() -> None:
    truth = corpus_truth.generate(seed=4, sites=3, stories=40)
    kwargs = {"num_perm": 32, "shingle_words": 5, "seed": 1}
    whole = blocks.features_of(truth.records, **kwargs)
    halves = blocks.concat(
        [blocks.features_of(truth.records[:17], **kwargs),
         blocks.features_of(truth.records[17:], **kwargs)], 32)  # fmt: skip
    for name in ("offsets", "hashes", "words", "prose", "signatures"):
        assert np.array_equal(getattr(whole, name), getattr(halves, name)), name


def test_truth_corpus_precision_and_recall() -> None:
    figures = corpus_truth.score(corpus_truth.generate(seed=7, sites=8, stories=3000), SETTINGS)
    assert figures["clusters"]["precision"] >= 0.95
    assert figures["clusters"]["recall"] >= 0.95
    assert figures["removed_blocks"]["precision"] >= 0.95
    assert figures["removed_blocks"]["recall"] >= 0.95
