"""What the corpus passes decided for a build: records to quarantine, rows to rewrite, report.

Rows are rewritten when their shard is written (:meth:`Decision.apply`): the boilerplate blocks
leave ``body``; ``text`` and ``word_count`` are derived again from what is left (a printed
``reading_time_minutes`` stays as printed); ``boilerplate_blocks_removed`` counts the blocks
removed; ``near_duplicate_cluster`` and ``near_duplicate_similarity`` are set for the members
of a cluster. Every other row already holds its final values (set by the worker).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from broadsheet.corpus.agencies import PublisherSyndication, SyndicationRecord, syndication
from broadsheet.corpus.blocks import MINHASH_IMPLEMENTATION, hash64, normalise, site_key
from broadsheet.corpus.boilerplate import BoilerplateReport
from broadsheet.corpus.neardup import Clusters, bands_for
from broadsheet.recipe import CorpusSettings
from broadsheet.records.arrow import ARTICLE_SCHEMA
from broadsheet.records.model import PROSE_KINDS


@dataclass(frozen=True, slots=True)
class Change:
    """How one kept row changes: blocks removed (positions in ``body``), cluster, similarity."""

    removed: tuple[int, ...]
    cluster: str | None
    similarity: float | None


@dataclass(frozen=True, slots=True)
class Drop:
    """A kept record the corpus passes quarantine (``duplicate_of``: for ``near_duplicate``)."""

    id: str
    code: str
    message: str
    duplicate_of: str | None


@dataclass(slots=True)
class Decision:
    """The outcome of :meth:`broadsheet.corpus.collect.Collector.finish`."""

    settings: CorpusSettings
    drops: list[Drop]
    changes: dict[str, Change]
    clusters: Clusters | None
    boilerplate: BoilerplateReport
    publishers: list[str]  # per clustered record (``clusters.ids`` order)
    agencies: list[tuple[str, ...]]
    rows_rewritten: int = field(default=0)

    def apply(self, table: pa.Table) -> tuple[pa.Table, list[int]]:
        """``table`` with its changed rows rewritten (same order), and their positions."""
        ids = table.column("id").to_pylist()
        changed = [i for i, id_ in enumerate(ids) if id_ in self.changes]
        if not changed:
            return table, []
        rows = table.take(pa.array(changed, pa.int64())).to_pylist()
        for row in rows:
            self._rewrite(row, self.changes[row["id"]])
        self.rows_rewritten += len(rows)
        new = pa.Table.from_pylist(rows, schema=ARTICLE_SCHEMA)
        moved = set(changed)
        same = [i for i in range(len(ids)) if i not in moved]
        stacked = pa.concat_tables([table.take(pa.array(same, pa.int64())), new])
        position = {old: k for k, old in enumerate(same + changed)}
        order = pa.array([position[i] for i in range(len(ids))], pa.int64())
        return stacked.take(order).combine_chunks(), changed

    def _rewrite(self, row: dict[str, Any], change: Change) -> None:
        if change.removed:
            gone = set(change.removed)
            site = site_key(row["publisher"], row["url"])
            for k in change.removed:
                text = row["body"][k]["text"]
                self.boilerplate.example(site, hash64(normalise(text)), row["id"], text)
            body = [b for k, b in enumerate(row["body"]) if k not in gone]
            row["body"] = body
            row["text"] = "\n\n".join(b["text"] for b in body if b["kind"] in PROSE_KINDS)
            row["word_count"] = len(row["text"].split())
            row["boilerplate_blocks_removed"] = len(change.removed)
        if change.cluster is not None:
            row["near_duplicate_cluster"] = change.cluster
            row["near_duplicate_similarity"] = change.similarity

    def syndication(self) -> list[PublisherSyndication]:
        """Per publisher: share of its records in clusters spanning publishers, agencies
        credited, which outlet published first (:func:`broadsheet.corpus.agencies.syndication`).
        """
        if self.clusters is None:
            return []
        records = [
            SyndicationRecord(i, p, a)
            for i, p, a in zip(self.clusters.ids, self.publishers, self.agencies, strict=True)
        ]
        return syndication(records, self.clusters)

    def report(self) -> dict[str, Any]:
        """The build report's ``corpus`` section (call it after the shards are written)."""
        summary = self.boilerplate.summary()
        out: dict[str, Any] = {
            "settings": self.settings.model_dump(mode="json"),
            "boilerplate": {
                "sites": len(summary),
                "records_changed": sum(s["pages_with_removal"] for s in summary),
                "records_left_whole": self.boilerplate.left_whole,
                "blocks_removed": sum(s["blocks_removed"] for s in summary),
                "words_removed": sum(s["words_removed"] for s in summary),
                "by_site": summary,
            },
            "quarantined": _count(d.code for d in self.drops),
        }
        if self.clusters is not None:
            members = self.clusters.members()
            by_id = dict(zip(self.clusters.ids, self.publishers, strict=True))
            bands, rows = bands_for(self.settings.num_perm, self.settings.threshold)
            out["near_duplicates"] = {
                "minhash": MINHASH_IMPLEMENTATION,
                "lsh_bands": bands,
                "lsh_rows": rows,
                "pairs_checked": self.clusters.pairs_checked,
                "pairs_similar": self.clusters.pairs_similar,
                "clusters": len(members),
                "records_in_clusters": sum(len(m) for m in members.values()),
                "cross_publisher_clusters": sum(
                    1 for m in members.values() if len({by_id[i] for i in m}) > 1
                ),
                "largest_cluster": max((len(m) for m in members.values()), default=0),
            }
            out["syndication"] = [
                {
                    "publisher": f.publisher,
                    "records": f.records,
                    "in_cross_publisher_clusters": f.in_cross_publisher_clusters,
                    "share_cross_publisher": round(f.share_cross_publisher, 4),
                    "agencies": f.agencies,
                    "published_first": f.published_first,
                    "first_elsewhere": f.first_elsewhere,
                }
                for f in self.syndication()
            ]
        return out


def _count(codes: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for code in codes:
        counts[code] = counts.get(code, 0) + 1
    return dict(sorted(counts.items()))
