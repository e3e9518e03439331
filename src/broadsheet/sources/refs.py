"""Listed pages read where the work is done: a worker turns each :class:`PageRef` or
:class:`RecordRef` of its batch into the page (or failure) that reading the input through
at listing time gives."""

from __future__ import annotations

from broadsheet.sources.files import read_ref
from broadsheet.sources.items import BatchItem, PageRef, RecordRef, SourceItem
from broadsheet.sources.jsonl import read_jsonl_line
from broadsheet.sources.limits import DEFAULT_LIMITS, Limits


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
