"""The counterpart of ``broadsheet parse FOLDER`` for the end-to-end comparison.

    python benchmarks/trafilatura_parse.py [--body-only] FOLDER

Reads the page files of FOLDER (sorted; ``.gz`` files decompressed), takes each page's URL
from the folder's ``manifest.csv`` (``file,url,...``) when there is one, runs trafilatura on
it and prints one JSON object per page, or an error when nothing was extracted:

* by default ``bare_extraction(html, url=..., with_metadata=True)`` (the wcxb-dev
  reference call): title, author, date and text;
* with ``--body-only``, ``extract(html, include_comments=False)`` (the aeb-dev reference
  call): the text alone.
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
BODY_ONLY = "--body-only"


def urls_of(folder: Path) -> dict[str, str]:
    """File name -> URL, from the folder's manifest (none without one)."""
    manifest = folder / MANIFEST
    if not manifest.is_file():
        return {}
    with manifest.open(encoding="utf-8", newline="") as fh:
        return {row["file"]: row["url"] for row in csv.DictReader(fh) if row.get("url")}


def with_metadata(name: str, html: bytes, url: str | None) -> dict[str, Any] | None:
    """Body and metadata, as the wcxb-dev reference runs trafilatura (None: no text)."""
    doc: Any = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    if doc is None or not doc.text:
        return None
    return {
        "source_file": name,
        "url": doc.url,
        "title": doc.title,
        "author": doc.author,
        "date": doc.date,
        "text": doc.text,
    }


def body_only(name: str, html: bytes, url: str | None) -> dict[str, Any] | None:
    """The body text, as the aeb-dev reference runs trafilatura (None: no text)."""
    text = trafilatura.extract(html, include_comments=False)
    return {"source_file": name, "text": text} if text else None


def main(argv: list[str]) -> int:
    extract = body_only if BODY_ONLY in argv else with_metadata
    args = [a for a in argv if a != BODY_ONLY]
    if len(args) != 1 or not Path(args[0]).is_dir():
        print(
            f"usage: trafilatura_parse.py [{BODY_ONLY}] FOLDER (a folder of page files)",
            file=sys.stderr,
        )
        return 2
    folder = Path(args[0])
    urls = urls_of(folder)
    failed = False
    out = sys.stdout
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.name != MANIFEST):
        data = path.read_bytes()
        html = gzip.decompress(data) if path.suffix == ".gz" else data
        line = extract(path.name, html, urls.get(path.name))
        if line is None:
            failed = True
            line = {"source_file": path.name, "error": "no text extracted"}
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
