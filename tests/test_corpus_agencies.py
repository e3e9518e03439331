"""Agencies credited by a record, and the per-publisher syndication figures."""

from __future__ import annotations

from broadsheet.corpus.agencies import SyndicationRecord, agencies_credited, syndication
from broadsheet.corpus.neardup import Clusters


def test_dateline_credits() -> None:
    assert agencies_credited(None, [], "BEIRUT (AP) — Israeli strikes hit ...") == ["AP"]
    assert agencies_credited(None, [], "LONDON, May 2 (Reuters) - Shares fell ...") == ["Reuters"]
    assert agencies_credited(None, [], "Paris (AFP) – The minister said ...") == []  # not capitals
    assert agencies_credited(None, [], "He told the AP on Monday that ...") == []  # not a dateline


def test_source_credit_and_byline() -> None:
    assert agencies_credited("Agencies", [], "Text.") == []
    assert agencies_credited("Associated Press", [], "Text.") == ["AP"]
    assert agencies_credited("Reuters, AFP", ["Jane Roe"], "Text.") == ["Reuters", "AFP"]
    assert agencies_credited(None, ["Jane Roe, Xinhua"], "Text.") == ["Xinhua"]
    assert agencies_credited("snap", ["ap news desk"], "Text.") == []  # acronyms in capitals only


def test_syndication_figures() -> None:
    records = [
        SyndicationRecord("a1", "Alpha", ("AP",)),
        SyndicationRecord("b1", "Beta", ("AP",)),
        SyndicationRecord("b2", "Beta", ()),
        SyndicationRecord("b3", "Beta", ()),
        SyndicationRecord("g1", "Gamma", ("Reuters",)),
    ]
    # a1 + b1 is one story, a1 first; b2 + b3 are updates of one Beta article; g1 alone
    clusters = Clusters(
        ["a1", "b1", "b2", "b3", "g1"], ["a1", "a1", "b2", "b2", "g1"], [1.0] * 5, 0, 0
    )
    figures = {f.publisher: f for f in syndication(records, clusters)}
    assert sorted(figures) == ["Alpha", "Beta", "Gamma"]
    assert figures["Alpha"].share_cross_publisher == 1.0
    assert figures["Alpha"].published_first == 1
    assert figures["Beta"].records == 3
    assert figures["Beta"].in_cross_publisher_clusters == 1
    assert figures["Beta"].first_elsewhere == {"Alpha": 1}
    assert figures["Beta"].agencies == {"AP": 1}
    assert figures["Gamma"].share_cross_publisher == 0.0
