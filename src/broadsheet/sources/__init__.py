"""Sources: turning what a user points at into pages.

Files, folders, gzip, WARC archives, JSONL dumps, manifests, text encodings and the input
limits. Every source reader yields :mod:`broadsheet.sources.items` (a page, a skipped entry
or a source failure). Imports only :mod:`broadsheet.records`, :mod:`broadsheet.errors` and
libraries.
"""
