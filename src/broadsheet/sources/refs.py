"""Listed pages read where the work is done: a worker turns each :class:`PageRef` or
:class:`RecordRef` of its batch into the page (or failure) that reading the input through
at listing time gives."""

from __future__ import annotations

from broadsheet.sources.files import read_ref
from broadsheet.sources.items import BatchItem, PageRef, RecordRef, SourceItem
from broadsheet.sources.jsonl import read_jsonl_line
from broadsheet.sources.limits import DEFAULT_LIMITS, Limits
from broadsheet.sources.location import is_url, read_many


def read_item(item: BatchItem, limits: Limits = DEFAULT_LIMITS) -> SourceItem:
    """The item a batch entry stands for: a listed page read, anything else as it is."""
    if isinstance(item, PageRef):
        return read_ref(item, limits)
    if isinstance(item, RecordRef):
        if item.kind == "jsonl":
            return read_jsonl_line(item, limits)
        # imported here: warcio is loaded only by a worker that is handed an archive's record
        from broadsheet.sources.warc import read_warc_record

        return read_warc_record(item, limits)
    return item


def read_ahead(items: list[BatchItem], limits: Limits = DEFAULT_LIMITS) -> list[BatchItem]:
    """``items`` with its page files at URLs read (into the items :func:`read_item` gives
    for them), all of a file system's at once: an object store fetches them concurrently,
    where one after another each would wait out the store's latency. The rest is left to
    :func:`read_item`; what a batch holds is bounded by ``[limits] batch_bytes``."""
    at_urls = [
        (index, item)
        for index, item in enumerate(items)
        if isinstance(item, PageRef) and is_url(item.path)
    ]
    if not at_urls:
        return items
    out = list(items)
    fetched = read_many([ref.path for _, ref in at_urls])
    for (index, ref), data in zip(at_urls, fetched, strict=True):
        out[index] = read_ref(ref, limits, data)
    return out
