"""Hostile inputs for the fuzz tests and the fuzz benchmark, made from a seeded ``Random``.

Every generator takes a :class:`random.Random` and returns the same bytes for the same
seed, so a failure found by the benchmark (``benchmarks/fuzz.py``) or by hypothesis
(``tests/test_fuzz.py``) is replayed from its seed alone. The starting material is the
repository's own pages: the seed text renderings, the HTML test fixtures and the source
fixtures (manifest, JSONL dump, WARC records written with warcio).
"""

from __future__ import annotations

import gzip
import io
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


def _corpus() -> tuple[list[bytes], list[bytes]]:
    text = [p.read_bytes() for p in sorted((ROOT / "seeds").glob("*.txt"))]
    text += [p.read_bytes() for p in sorted((FIXTURES / "almayadeen").glob("*.txt"))]
    html = [p.read_bytes() for p in sorted((FIXTURES / "html").glob("*.html"))]
    html.append((FIXTURES / "sources" / "harbour" / "storm.html").read_bytes())
    return text, html


TEXT_PAGES, HTML_PAGES = _corpus()

#: Values that broke or could break a reader: bad URLs, odd dates, surrogates, controls.
HOSTILE_STRINGS: tuple[str, ...] = (
    "http://[::1",
    "http://[::1]:99999/x",
    "https://exa mple.com/\x00",
    "javascript:alert(1)",
    "//",
    "http://",
    "http:///path",
    "http://a\u2028b.example/",
    "\ud800",
    "\udfff headline \ud800",
    "\x00\x01\x02\x1b[31m",
    "0001-01-01T00:00:00+99:00",
    "0001-01-01",
    "9999-12-31T23:59:59-99:99",
    "2025-02-30T25:61:61Z",
    "1e400",
    "-1",
    "NaN",
    "Infinity",
    "2025-09-04T10:00:00+14:01",
    "Mon, 32 Foo 2025 99:99:99 GMT",
    "By",
    "in",
    "\u202e\u2066",
    "a" * 5000,
    "",
    " ",
    "<script>alert(1)</script>",
    "&#0; &#xD800; &#x110000; &bogus;",
)

_SCHEMA_KEYS = (
    "@context",
    "@type",
    "@id",
    "@graph",
    "headline",
    "name",
    "author",
    "publisher",
    "image",
    "url",
    "datePublished",
    "dateModified",
    "dateCreated",
    "description",
    "keywords",
    "articleSection",
    "mainEntityOfPage",
    "inLanguage",
    "articleBody",
    "logo",
)
_TYPES = (
    "NewsArticle",
    "Article",
    "BlogPosting",
    "Person",
    "Organization",
    "WebPage",
    "ImageObject",
)


def json_value(rng: random.Random, depth: int = 0) -> Any:
    """A random JSON value shaped like JSON-LD: objects with schema.org keys, odd scalars."""
    roll = rng.random()
    if depth < 6 and roll < 0.35:
        return {
            rng.choice(_SCHEMA_KEYS): json_value(rng, depth + 1) for _ in range(rng.randint(0, 6))
        }
    if depth < 6 and roll < 0.5:
        return [json_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return rng.choice(
        [
            rng.choice(HOSTILE_STRINGS),
            rng.choice(_TYPES),
            rng.randint(-(2**70), 2**70),
            rng.random() * 10.0 ** rng.randint(-5, 300),
            rng.choice((float("inf"), float("-inf"), float("nan"), 1e308)),
            True,
            None,
            "Jane Doe",
            "2025-09-04T10:00:00Z",
        ]
    )


def deep_json(depth: int, *, kind: str = "list") -> str:
    """JSON nested ``depth`` levels deep (lists or objects), as text."""
    if kind == "list":
        return "[" * depth + "]" * depth
    return '{"a":' * depth + "1" + "}" * depth


def _ld_script(payload: str) -> bytes:
    return f'<script type="application/ld+json">{payload}</script>'.encode("utf-8", "surrogatepass")


def injection(rng: random.Random) -> bytes:
    """A markup fragment carrying hostile values where parsers look for metadata."""
    value = rng.choice(HOSTILE_STRINGS).replace('"', "&quot;")
    choice = rng.randrange(12)
    if choice == 0:
        ld = json.dumps(json_value(rng), ensure_ascii=rng.random() < 0.5, allow_nan=True)
        return _ld_script(ld)
    if choice == 1:
        return _ld_script(
            deep_json(rng.choice((50, 500, 1000, 5000)), kind=rng.choice(("list", "obj")))
        )
    if choice == 2:
        key = rng.choice(
            (
                "article:published_time",
                "og:url",
                "og:title",
                "og:site_name",
                "author",
                "article:tag",
                "og:image",
                "keywords",
                "date",
                "article:modified_time",
            )
        )
        return f'<meta property="{key}" name="{key}" content="{value}">'.encode(
            "utf-8", "surrogatepass"
        )
    if choice == 3:
        return f'<time datetime="{value}">{value}</time>'.encode("utf-8", "surrogatepass")
    if choice == 4:
        return f'<a href="{value}">Read more: {value}</a>'.encode("utf-8", "surrogatepass")
    if choice == 5:
        return f'<link rel="canonical" href="{value}">'.encode("utf-8", "surrogatepass")
    if choice == 6:
        return f'<html lang="{value}"><meta charset="{value}">'.encode("utf-8", "surrogatepass")
    if choice == 7:
        return f'<img src="{value}" srcset="{value} 2x, , ," alt="{value}">'.encode(
            "utf-8", "surrogatepass"
        )
    if choice == 8:
        attrs = " ".join(f"a{i}=x" for i in range(rng.choice((10, 1000, 20000))))
        return f"<div {attrs}>x</div>".encode()
    if choice == 9:
        return b"<div>" * rng.choice((100, 3000)) + b"deep" + b"</div>" * 50
    if choice == 10:
        return bytes(rng.randrange(32) for _ in range(rng.randint(1, 40)))
    return f"<h1>{value}</h1><p class=byline>By {value}</p>".encode("utf-8", "surrogatepass")


def mutate(data: bytes, rng: random.Random, pool: list[bytes]) -> bytes:
    """One to four mutations: flips, cuts, splices, repeats, deletions and injections."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        size = len(buf)
        at = rng.randint(0, size)
        op = rng.randrange(7)
        if op == 0 and size:
            for _ in range(rng.randint(1, 16)):
                buf[rng.randrange(size)] = rng.randrange(256)
        elif op == 1:
            del buf[at:]
        elif op == 2:
            other = rng.choice(pool)
            start = rng.randint(0, len(other))
            buf[at:at] = other[start : start + rng.randint(1, 4000)]
        elif op == 3 and size:
            end = min(size, at + rng.randint(1, 2000))
            buf[at:at] = buf[at:end] * rng.randint(1, 20)
        elif op == 4:
            del buf[at : at + rng.randint(1, 2000)]
        elif op == 5:
            buf[at:at] = injection(rng)
        else:
            head = buf.find(b"</head>")
            where = head if head >= 0 else at
            buf[where:where] = injection(rng)
    return bytes(buf)


@dataclass(frozen=True, slots=True)
class PageCase:
    """Arguments of one :class:`broadsheet.sources.files.Page` to parse."""

    data: bytes
    url: str | None
    captured_at: datetime | None
    content_type: str | None


def _captured(rng: random.Random) -> datetime | None:
    roll = rng.random()
    if roll < 0.5:
        return None
    if roll < 0.7:
        return datetime(1, 1, 1, tzinfo=UTC)
    if roll < 0.8:
        return datetime(9999, 12, 31, 23, 59, tzinfo=UTC)
    return datetime(2025, 9, 4, tzinfo=UTC) + timedelta(days=rng.randint(-20000, 2000))


def page_case(rng: random.Random) -> PageCase:
    """A page to parse: random bytes, or a mutated seed or HTML page with hostile metadata."""
    roll = rng.random()
    if roll < 0.08:
        data = bytes(rng.randrange(256) for _ in range(rng.randint(0, 3000)))
    elif roll < 0.4:
        data = mutate(rng.choice(TEXT_PAGES), rng, TEXT_PAGES + HTML_PAGES)
    else:
        data = mutate(rng.choice(HTML_PAGES), rng, HTML_PAGES + TEXT_PAGES)
    url = rng.choice(
        (
            None,
            "https://english.almayadeen.net/news/politics/a-story",
            "https://www.harbourgazette.example/news/2024/03/05/storm",
            *HOSTILE_STRINGS[:9],
        )
    )
    content_type = rng.choice(
        (
            None,
            "text/html",
            "text/html; charset=utf-8",
            "text/html; charset=\ud800",
            "x/y; charset=",
        )
    )
    return PageCase(data, url, _captured(rng), content_type)


# ------------------------------------------------------------------ files for the sources


def _gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def _jsonl(rng: random.Random) -> bytes:
    lines = []
    for _ in range(rng.randint(1, 4)):
        obj: Any = {
            "url": rng.choice(("https://www.harbourgazette.example/a", *HOSTILE_STRINGS[:12])),
            rng.choice(("html", "text")): rng.choice(HTML_PAGES).decode("utf-8", "replace")[:3000],
        }
        if rng.random() < 0.5:
            obj["captured_at"] = rng.choice(HOSTILE_STRINGS[11:22])
        if rng.random() < 0.3:
            obj = json_value(rng)
        lines.append(json.dumps(obj, allow_nan=True).encode())
    if rng.random() < 0.2:
        lines.append(deep_json(rng.choice((1000, 100_000))).encode())
    return (
        mutate(b"\n".join(lines) + b"\n", rng, HTML_PAGES)
        if rng.random() < 0.5
        else (b"\n".join(lines) + b"\n")
    )


def _warc(rng: random.Random) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False)
    for n in range(rng.randint(1, 3)):
        body = rng.choice(HTML_PAGES)
        headers = [("Content-Type", rng.choice(("text/html; charset=utf-8", "text/html", "x")))]
        if rng.random() < 0.2:
            body = _gz(body)
            headers.append(("Content-Encoding", "gzip"))
        http = StatusAndHeaders(
            rng.choice(("200 OK", "404 Not Found", "200")), headers, protocol="HTTP/1.1"
        )
        uri = rng.choice(("https://www.harbourgazette.example/news/x", *HOSTILE_STRINGS[:6]))
        record = writer.create_warc_record(
            uri.encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
            "response",
            payload=io.BytesIO(body),
            http_headers=http,
            warc_headers_dict={
                "WARC-Date": rng.choice(("2024-03-05T14:30:00Z", "0001-01-01T00:00:00Z", "x")),
                "WARC-Record-ID": f"<urn:uuid:00000000-0000-4000-8000-{n:012d}>",
            },
        )
        writer.write_record(record)
    data = buf.getvalue()
    return mutate(data, rng, [data]) if rng.random() < 0.7 else data


def _manifest(rng: random.Random, names: list[str]) -> bytes:
    rows = ["file,url,sha256,captured_at,notes"]
    for name in names:
        rows.append(
            ",".join(
                (
                    rng.choice((name, name.upper(), "../" + name, "")),
                    rng.choice(HOSTILE_STRINGS[:12]).replace(",", ""),
                    rng.choice(("", "0" * 64, "xyz")),
                    rng.choice(HOSTILE_STRINGS[11:22]).replace(",", ""),
                    "note",
                )
            )
        )
    data = ("\n".join(rows) + "\n").encode("utf-8", "surrogatepass")
    return mutate(data, rng, [data]) if rng.random() < 0.3 else data


Writer = Callable[[random.Random], bytes]

SOURCE_KINDS: dict[str, Writer] = {
    "page.html": lambda rng: mutate(rng.choice(HTML_PAGES), rng, HTML_PAGES),
    "page.html.gz": lambda rng: mutate(_gz(rng.choice(HTML_PAGES)), rng, HTML_PAGES),
    "dump.jsonl": _jsonl,
    "dump.jsonl.gz": lambda rng: _gz(_jsonl(rng)),
    "crawl.warc": _warc,
    "crawl.warc.gz": lambda rng: _gz(_warc(rng)),
}


def write_source_folder(folder: Path, rng: random.Random) -> None:
    """A folder of one to three hostile input files, sometimes with a hostile manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for n in range(rng.randint(1, 3)):
        kind = rng.choice(sorted(SOURCE_KINDS))
        name = f"{n}-{kind}"
        (folder / name).write_bytes(SOURCE_KINDS[kind](rng))
        names.append(name)
    if rng.random() < 0.4:
        (folder / "manifest.csv").write_bytes(_manifest(rng, names))
