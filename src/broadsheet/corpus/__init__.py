"""Corpus-wide passes over the accepted records: site boilerplate and near-duplicates.

One page cannot tell its article from the site's recurring chrome, nor that the same story was
published by other outlets; the whole set of records can. This package owns those two passes:

- ``blocks``: what the parsing workers compute per record (a 64-bit hash of each normalised
  body block, its word count and a MinHash signature of the block's word shingles);
- ``boilerplate``: the per-site counts of distinct pages per block, the decision of which
  blocks are site boilerplate, and the per-site report;
- ``neardup``: the record signature (element-wise minimum of the signatures of its blocks
  that are not boilerplate), LSH banding, verified clusters, their canonical record, the
  ``mark`` / ``keep_one`` policy;
- ``agencies``: news agencies credited by a record (source credit, byline, dateline) and the
  per-publisher syndication figures of the card.

Every result is a function of the set of records, never of their order, batch size or engine.
The package imports only ``broadsheet.records*``, ``broadsheet.errors`` and libraries.
"""

from __future__ import annotations

from broadsheet.corpus.settings import CorpusSettings

__all__ = ["CorpusSettings"]
