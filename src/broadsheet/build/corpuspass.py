"""The build's hooks for the corpus passes (``broadsheet.corpus``): site boilerplate and
near-duplicates, decided over every record kept after exact de-duplication.

The workers compute each record's features with the batch (``process_batch(corpus=...)``);
the build collects them (:func:`collector_for`, ``Collector.add``), settles the passes once
duplicates are known (:func:`settle`: quarantines what they refuse, returns the decision
whose ``apply`` rewrites rows as the shards are written) and reports them
(``Decision.report``, the build report's ``corpus`` section).
"""

from __future__ import annotations

from pathlib import Path

from broadsheet.build.keys import Keys
from broadsheet.build.staging import QuarantineLog, Spill
from broadsheet.corpus.collect import Collector
from broadsheet.corpus.decision import Decision
from broadsheet.corpus.worker import enabled
from broadsheet.recipe import Recipe
from broadsheet.records.model import Article
from broadsheet.records.quarantine import Quarantined


def collector_for(recipe: Recipe, staging: Path) -> Collector | None:
    """A collector when the recipe's ``[corpus]`` passes are on (signatures in ``staging``)."""
    return Collector(staging / "corpus", recipe.corpus) if enabled(recipe.corpus) else None


def settle(
    collector: Collector,
    kept: Keys,
    recipe: Recipe,
    spill: Spill,
    quarantine: QuarantineLog,
    dropped: set[int],
) -> tuple[Keys, Decision]:
    """Decide both passes for ``kept`` (sorted by id); the records they refuse are
    quarantined with their rows and their refs added to ``dropped``. Returns the records
    still kept and the decision."""
    decision = collector.finish(kept, recipe.check_settings())
    if not decision.drops:
        return kept, decision
    gone = {d.id for d in decision.drops}
    by_id = {k.id: k for k in kept.where("id", gone)}
    refused = [(by_id[d.id], d) for d in decision.drops]
    for start in range(0, len(refused), 1000):
        chunk = refused[start : start + 1000]
        rows = spill.rows_by_ref([key.ref for key, _ in chunk])
        for key, drop in chunk:
            record = Article.model_validate(rows[key.ref]).to_json_dict()
            quarantine.add(
                Quarantined(
                    source_file=key.source_file,
                    source_sha256=key.source_sha256,
                    code=drop.code,
                    message=drop.message,
                    stage="corpus",
                    record=record,
                    duplicate_of=drop.duplicate_of,
                )
            )
    dropped.update(by_id[i].ref for i in gone)
    return kept.where("id", gone, keep=False), decision
