"""Time reading inputs into pages: ``python benchmarks/sources_read.py [PAGES] [KB] [--urls]``.

Writes PAGES synthetic HTML pages of about KB kilobytes each (defaults: 2,000 and 40)
into a temporary folder four ways: a record-per-member ``.warc.gz`` (each page with its
request record, as crawlers write them), a ``.jsonl.gz`` dump, a plain ``.jsonl`` dump and
a folder of ``.html`` files with a ``manifest.csv``. For each it reports pages per second
and megabytes per second of page bytes through
:func:`broadsheet.sources.files.iter_sources`, and, in a second pass, the
peak growth of the Python heap while reading (tracemalloc). The peak does not grow with
PAGES: the readers stream (a folder keeps its sorted file list and manifest in memory).

Then the split a build makes: the build process lists the pages (``refs=True``: paths,
record and line offsets) and the workers read them (:func:`broadsheet.sources.refs.read_item`).
"listing" is the build process's share of reading, as a ratio of the read-through pass of
the same run; "reading" is the workers' share.

With ``--urls`` the same inputs are also read as fsspec URLs: from fsspec's in-memory file
system (the cost of going through fsspec at all) and from an FTP server on this machine
(pyftpdlib, serving the same folder: a network protocol, one connection), each as a ratio
of the local read of the same input in the same run; then up to 200 of the page files from
a model of an object store (every request answered after 10 ms, concurrently), read one by
one against read ahead as a batch (:func:`broadsheet.sources.refs.read_ahead`).
"""

from __future__ import annotations

import gzip
import io
import json
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from broadsheet.sources.files import iter_sources
from broadsheet.sources.items import Page
from broadsheet.sources.refs import read_item

WORDS = [
    "the",
    "port",
    "fishing",
    "boats",
    "returned",
    "harbour",
    "ministry",
    "council",
    "residents",
    "said",
    "officials",
    "agreement",
    "reported",
    "thousands",
    "families",
    "market",
    "prices",
    "season",
    "farmers",
    "water",
    "village",
]


def page(i: int, kb: int, rng: random.Random) -> bytes:
    paragraphs = []
    while sum(len(p) for p in paragraphs) < kb * 1024:
        paragraphs.append("<p>" + " ".join(rng.choices(WORDS, k=80)) + ".</p>")
    title = f"<title>Harbour report number {i}</title>"
    return f"<html><head>{title}</head><body>{''.join(paragraphs)}</body></html>".encode()


def write_warc(path: Path, pages: int, kb: int) -> None:
    rng = random.Random(1)
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i in range(pages):
            url = f"https://www.harbourgazette.example/news/{i}"
            request = StatusAndHeaders(f"GET /news/{i} HTTP/1.1", [], is_http_request=True)
            writer.write_record(
                writer.create_warc_record(
                    url, "request", payload=io.BytesIO(b""), http_headers=request
                )
            )
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            body = io.BytesIO(page(i, kb, rng))
            writer.write_record(
                writer.create_warc_record(url, "response", payload=body, http_headers=http)
            )


def write_jsonl(path: Path, pages: int, kb: int) -> None:
    rng = random.Random(1)
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for i in range(pages):
            url = f"https://www.harbourgazette.example/news/{i}"
            fh.write(json.dumps({"url": url, "html": page(i, kb, rng).decode()}) + "\n")


def write_plain_jsonl(path: Path, pages: int, kb: int) -> None:
    write_jsonl(path.with_suffix(".gz"), pages, kb)
    with gzip.open(path.with_suffix(".gz"), "rb") as packed:
        path.write_bytes(packed.read())
    path.with_suffix(".gz").unlink()


def write_folder(path: Path, pages: int, kb: int) -> None:
    rng = random.Random(1)
    path.mkdir()
    rows = ["file,url,sha256,captured_at,notes"]
    for i in range(pages):
        (path / f"{i:06d}.html").write_bytes(page(i, kb, rng))
        rows.append(f"{i:06d}.html,https://www.harbourgazette.example/news/{i},,,")
    (path / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def read_all(source: Path) -> tuple[int, int]:
    pages = size = 0
    for item in iter_sources([source], root=source.parent):
        if isinstance(item, Page):
            pages += 1
            size += len(item.data)
    return pages, size


def split(label: str, source: Path, through: float) -> None:
    """Listing (the build process) and reading what was listed (the workers), timed apart."""
    start = time.perf_counter()
    listed = list(iter_sources([source], root=source.parent, refs=True))
    listing = time.perf_counter() - start
    start = time.perf_counter()
    pages = sum(isinstance(read_item(item), Page) for item in listed)
    reading = time.perf_counter() - start
    print(
        f"{label:<10} listing {listing:6.2f} s ({listing / through:4.2f} of reading through), "
        f"reading the {pages:,} listed pages {reading:6.2f} s"
    )


def measure(label: str, source: Path) -> float:
    """One timed pass, then one pass under tracemalloc (which slows Python down) for memory."""
    start = time.perf_counter()
    pages, size = read_all(source)
    seconds = time.perf_counter() - start
    tracemalloc.start()
    read_all(source)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"{label:<10} {pages:>7,} pages  {seconds:6.2f} s  {pages / seconds:8,.0f} pages/s  "
        f"{size / seconds / 2**20:6.1f} MB/s  peak heap {peak / 2**20:5.1f} MB"
    )
    return seconds


def read_url(url: str) -> tuple[int, float]:
    """Pages read through at ``url`` and the seconds it took."""
    start = time.perf_counter()
    pages = sum(isinstance(item, Page) for item in iter_sources([url]))
    return pages, time.perf_counter() - start


def split_url(url: str) -> tuple[float, float]:
    """Seconds of listing ``url`` (refs) and of reading what was listed."""
    start = time.perf_counter()
    listed = list(iter_sources([url], refs=True))
    listing = time.perf_counter() - start
    start = time.perf_counter()
    for item in listed:
        read_item(item)
    return listing, time.perf_counter() - start


def ftp_server(folder: Path) -> tuple[str, Callable[[], None]]:
    """An FTP server on this machine serving ``folder``: its base URL and how to stop it."""
    import logging
    import threading

    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.handlers import FTPHandler
    from pyftpdlib.servers import ThreadedFTPServer

    logging.getLogger("pyftpdlib").setLevel(logging.WARNING)
    users = DummyAuthorizer()
    users.add_user("bench", "bench", str(folder), perm="elr")
    handler = type("Handler", (FTPHandler,), {"authorizer": users})
    server = ThreadedFTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, kwargs={"timeout": 0.1}, daemon=True).start()
    return f"ftp://bench:bench@127.0.0.1:{server.address[1]}", server.close_all


def through_urls(root: Path, inputs: list[tuple[str, Path]]) -> None:
    """Each input read locally, from memory:// and from ftp://; ratios against local."""
    from fsspec.implementations.memory import MemoryFileSystem

    memory = MemoryFileSystem()
    memory.put(str(root), "/bench", recursive=True)
    ftp, stop = ftp_server(root)
    try:
        for label, path in inputs:
            name = path.relative_to(root).as_posix()
            local_pages, local_s = read_url(f"file://{path}")
            local_list, local_read = split_url(f"file://{path}")
            print(f"{label:<10} local      {local_pages:>7,} pages  read through {local_s:6.2f} s")
            urls = (("memory://", f"memory:///bench/{name}"), ("ftp://", f"{ftp}/{name}"))
            for where, url in urls:
                pages, seconds = read_url(url)
                listing, reading = split_url(url)
                print(
                    f"{label:<10} {where:<10} {pages:>7,} pages  read through {seconds:6.2f} s "
                    f"({seconds / local_s:5.2f}x local); listing {listing / local_list:5.2f}x, "
                    f"reading the listed {reading / local_read:5.2f}x"
                )
    finally:
        stop()
        memory.rm("/bench", recursive=True)


def latency_store(root: Path, seconds: float) -> str:
    """An fsspec protocol ``latency://`` whose files are those under ``root``, each request
    answered after ``seconds`` (a model of an object store's round trip; its package fetches
    concurrently, as s3fs and gcsfs do): the protocol's URL of ``root``."""
    import asyncio

    import fsspec
    from fsspec.asyn import AsyncFileSystem

    class Latency(AsyncFileSystem):  # type: ignore[misc]
        protocol = "latency"

        async def _cat_file(
            self, path: str, start: int | None = None, end: int | None = None, **kw: object
        ) -> bytes:
            await asyncio.sleep(seconds)
            with open("/" + self._strip_protocol(path).lstrip("/"), "rb") as fh:
                fh.seek(start or 0)
                return fh.read() if end is None else fh.read(end - (start or 0))

    fsspec.register_implementation("latency", Latency, clobber=True)
    return f"latency://{root}"


def read_ahead_gain(folder: Path, pages: int, seconds: float) -> None:
    """Page files at a URL of a store answering in ``seconds``: read one by one (as a worker
    did before ``read_ahead``) against a batch read ahead, on the first ``pages`` files."""
    from dataclasses import replace

    from broadsheet.sources.items import PageRef
    from broadsheet.sources.refs import read_ahead

    store = latency_store(folder, seconds)
    refs = [i for i in iter_sources([folder], root=folder.parent, refs=True)]
    refs = [replace(r, path=f"{store}/{Path(r.path).name}") for r in refs if isinstance(r, PageRef)]
    refs = refs[:pages]
    start = time.perf_counter()
    one_by_one = [read_item(ref) for ref in refs]
    alone = time.perf_counter() - start
    start = time.perf_counter()
    ahead = read_ahead(list(refs))
    together = time.perf_counter() - start
    assert ahead == one_by_one
    print(
        f"folder     latency:// ({seconds * 1000:.0f} ms a request) {len(refs):,} pages: "
        f"one by one {alone:5.2f} s, read ahead as a batch {together:5.2f} s "
        f"({alone / together:5.1f}x faster)"
    )


def main() -> None:
    numbers = [a for a in sys.argv[1:] if not a.startswith("--")]
    pages = int(numbers[0]) if numbers else 2_000
    kb = int(numbers[1]) if len(numbers) > 1 else 40
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        writers: list[tuple[str, Path, Callable[[Path, int, int], None]]] = [
            ("warc.gz", root / "crawl.warc.gz", write_warc),
            ("jsonl.gz", root / "dump.jsonl.gz", write_jsonl),
            ("jsonl", root / "plain.jsonl", write_plain_jsonl),
            ("folder", root / "pages", write_folder),
        ]
        for label, path, write in writers:
            write(path, pages, kb)
            on_disk = sum(f.stat().st_size for f in [path, *path.glob("*")] if f.is_file())
            print(f"{label:<10} wrote {on_disk / 2**20:,.1f} MB on disk")
            split(label, path, measure(label, path))
        if "--urls" in sys.argv:
            through_urls(root, [(label, path) for label, path, _ in writers])
            read_ahead_gain(root / "pages", min(pages, 200), 0.01)


if __name__ == "__main__":
    main()
