"""``broadsheet parse``: pages in, one JSON object per page out."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

from broadsheet.build.pipeline import process_item
from broadsheet.errors import UsageError
from broadsheet.records.model import Article
from broadsheet.records.quarantine import Quarantined
from broadsheet.sources.files import iter_sources
from broadsheet.sources.items import Page, Skipped
from broadsheet.sources.limits import DEFAULT_LIMITS
from broadsheet.sources.sanitize import clean_url


def parse_command(files: list[Path], *, url: str | None, pretty: bool) -> bool:
    """Print each page's record or error; return True when any page failed.

    Reading and parsing are bounded by the default ``[limits]`` (see
    :mod:`broadsheet.sources.limits`), the per-page time limit included.
    """
    if url and len(files) != 1:
        raise UsageError("bad_usage", f"--url applies to one file, got {len(files)}")
    if url:
        try:
            url = clean_url(url)
        except ValueError as exc:
            raise UsageError("bad_usage", f"--url: {exc}") from exc
    failed = False
    indent = 2 if pretty else None
    for item in iter_sources([str(f) for f in files]):
        if url and isinstance(item, Page):
            item = replace(item, url=url)  # (its sha256 is kept, not computed again)
        outcome = process_item(item, DEFAULT_LIMITS.parse_timeout_seconds, DEFAULT_LIMITS)
        if isinstance(outcome, Skipped):
            continue
        if isinstance(outcome, Article):
            out = outcome.to_json_dict()
        else:
            assert isinstance(outcome, Quarantined)
            failed = True
            out = {
                "source_file": outcome.source_file,
                "error": {"code": outcome.code, "message": outcome.message},
            }
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=indent) + "\n")
    return failed
