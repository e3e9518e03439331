"""Pages and archives for the source tests: WARC records built with warcio or by hand.

The HTML pages are short news items written for the tests. Dates, record ids and
digests are fixed so that every archive is the same bytes on every run.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HARBOUR = Path(__file__).parent / "fixtures" / "sources" / "harbour"
STORM_URL = "https://www.harbourgazette.example/news/2024/03/05/storm-closes-harbour"
STORM_HTML = (HARBOUR / "storm.html").read_bytes()  # the committed fixture page

MARKET_URL = "https://www.harbourgazette.example/news/2024/03/06/fish-market-prices"
MARKET_HTML = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Fish prices double after three days of storms | Harbour Gazette</title>
<meta property="og:type" content="article">
</head><body><article>
<h1>Fish prices double after three days of storms</h1>
<p>Prices at the morning fish market doubled on Wednesday after three days in which
almost no boat left the harbour, traders said.</p>
<p>A kilo of sea bream sold for twice last week's price, and several stalls stayed shut
for lack of anything to sell.</p>
</article></body></html>
"""

WARC_DATE = "2024-03-05T14:30:00Z"


@dataclass
class Rec:
    """One WARC record to write with warcio."""

    kind: str  # response, request, metadata, revisit, warcinfo, resource
    url: str = STORM_URL
    body: bytes = STORM_HTML
    status: str = "200 OK"
    headers: list[tuple[str, str]] = field(
        default_factory=lambda: [("Content-Type", "text/html; charset=utf-8")]
    )
    date: str = WARC_DATE


def _record_id(n: int) -> str:
    return f"<urn:uuid:00000000-0000-4000-8000-{n:012d}>"


def build_warc(records: list[Rec], *, gzip: bool) -> tuple[bytes, list[int]]:
    """The archive's bytes and the offset of each record (of its gzip member when gzipped)."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gzip)
    offsets: list[int] = []
    for n, rec in enumerate(records):
        fixed = {"WARC-Date": rec.date, "WARC-Record-ID": _record_id(n)}
        if rec.kind == "warcinfo":
            record = writer.create_warcinfo_record(
                "capture.warc", {"software": "harbour-crawler/2.1", "format": "WARC 1.0"}
            )
            record.rec_headers.replace_header("WARC-Date", rec.date)
            record.rec_headers.replace_header("WARC-Record-ID", _record_id(n))
        elif rec.kind == "request":
            path = rec.url.split("example", 1)[1]
            http = StatusAndHeaders(
                f"GET {path} HTTP/1.1",
                [("Host", "www.harbourgazette.example"), ("User-Agent", "harbour-crawler/2.1")],
                is_http_request=True,
            )
            record = writer.create_warc_record(
                rec.url,
                "request",
                payload=io.BytesIO(b""),
                http_headers=http,
                warc_headers_dict=fixed,
            )
        elif rec.kind == "revisit":
            http = StatusAndHeaders(rec.status, rec.headers, protocol="HTTP/1.1")
            record = writer.create_revisit_record(
                rec.url,
                "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                rec.url,
                rec.date,
                http_headers=http,
            )
            record.rec_headers.replace_header("WARC-Date", rec.date)
            record.rec_headers.replace_header("WARC-Record-ID", _record_id(n))
        elif rec.kind in ("metadata", "resource") or rec.url.startswith("dns:"):
            content_type = "text/dns" if rec.url.startswith("dns:") else "application/warc-fields"
            record = writer.create_warc_record(
                rec.url,
                rec.kind,
                payload=io.BytesIO(rec.body),
                warc_content_type=content_type,
                warc_headers_dict=fixed,
            )
        else:
            http = StatusAndHeaders(rec.status, rec.headers, protocol="HTTP/1.1")
            record = writer.create_warc_record(
                rec.url,
                rec.kind,
                payload=io.BytesIO(rec.body),
                http_headers=http,
                warc_headers_dict=fixed,
            )
        offsets.append(buf.tell())
        writer.write_record(record)
    return buf.getvalue(), offsets


def http_block(body: bytes, content_type: str = "text/html; charset=utf-8") -> bytes:
    """An HTTP/1.1 200 response message, as a WARC response record's block."""
    head = (
        f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    return head + body


def hand_record(uri: str, block: bytes, *, content_length: int | None = None) -> bytes:
    """A WARC/1.0 response record written by hand; ``content_length`` may lie."""
    length = len(block) if content_length is None else content_length
    digest = hashlib.sha1(block).hexdigest()
    head = (
        "WARC/1.0\r\n"
        "WARC-Type: response\r\n"
        f"WARC-Target-URI: {uri}\r\n"
        f"WARC-Date: {WARC_DATE}\r\n"
        f"WARC-Record-ID: <urn:uuid:{digest[:8]}-0000-4000-8000-{digest[8:20]}>\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {length}\r\n"
        "\r\n"
    ).encode()
    return head + block + b"\r\n\r\n"
