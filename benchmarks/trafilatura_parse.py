"""The counterpart of ``broadsheet parse FOLDER`` for the end-to-end comparison.

    python benchmarks/trafilatura_parse.py FOLDER

Reads the page files of FOLDER (sorted; ``.gz`` files decompressed), takes each page's URL
from the folder's ``manifest.csv`` (``file,url,...``) when there is one, runs trafilatura's
``bare_extraction(with_metadata=True)`` on it and prints one JSON object per page: title,
author, date and text, or an error when nothing was extracted.
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
from pathlib import Path
from typing import Any

import trafilatura

MANIFEST = "manifest.csv"


def urls_of(folder: Path) -> dict[str, str]:
    """File name -> URL, from the folder's manifest (none without one)."""
    manifest = folder / MANIFEST
    if not manifest.is_file():
        return {}
    with manifest.open(encoding="utf-8", newline="") as fh:
        return {row["file"]: row["url"] for row in csv.DictReader(fh) if row.get("url")}


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print("usage: trafilatura_parse.py FOLDER (a folder of page files)", file=sys.stderr)
        return 2
    folder = Path(argv[0])
    urls = urls_of(folder)
    failed = False
    out = sys.stdout
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.name != MANIFEST):
        data = path.read_bytes()
        html = gzip.decompress(data) if path.suffix == ".gz" else data
        doc: Any = trafilatura.bare_extraction(html, url=urls.get(path.name), with_metadata=True)
        if doc is None or not doc.text:
            failed = True
            line: dict[str, Any] = {"source_file": path.name, "error": "no text extracted"}
        else:
            line = {
                "source_file": path.name,
                "url": doc.url,
                "title": doc.title,
                "author": doc.author,
                "date": doc.date,
                "text": doc.text,
            }
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
