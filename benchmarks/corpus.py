"""Write a synthetic corpus of news pages for the scale benchmark.

    python benchmarks/corpus.py OUT_DIR --pages 100000 --seed 7 [--html-share 0.2]

Pages are Al Mayadeen English text renderings in the layout of ``seeds/*.txt`` (the same
page chrome around a generated article: headline, byline, source, date, standfirst,
images, paragraphs, subheadings, lists, Related News boxes, Read more lines, tags,
coverage, Most Read) and HTML pages of the same site (JSON-LD NewsArticle and article
markup). A small share are bad on purpose (empty, truncated, duplicate, binary) so the
quarantine paths run. Files go into folders of 1,000 with a ``manifest.csv`` each.

Page ``i`` depends only on ``(seed, i)``: the same arguments always give the same bytes,
and pages are written one at a time, so any size fits in constant memory.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import json
import random
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

SITE = "https://english.almayadeen.net"
PER_FOLDER = 1000
SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def words(text: str) -> list[str]:
    return text.split()


FIRST = words(
    "Ali Hassan Rania Omar Layla Karim Nour Samir Hiba Yusuf Maya Tariq Dana Khalil Zeina"
)
LAST = words("Haddad Khoury Nasser Saleh Mansour Darwish Farah Aziz Hamdan Qassem Barakat Sabbagh")
PEOPLE = [
    "the Secretary-General",
    "the Foreign Minister",
    "the Prime Minister",
    "a senior official",
    "the movement's spokesperson",
    "the UN envoy",
    "the Health Ministry",
    "the army chief",
    "local residents",
    "the negotiators",
]
ORGS = ["Hezbollah", "Hamas", "the UN", "the EU", "the Arab League", "Ansar Allah", "the IAEA"]
ORGS += ["UNRWA", "the WHO", "the Red Cross", "the Security Council", "the Lebanese government"]
PLACES = words("Gaza Beirut Tehran Sanaa Damascus Baghdad Cairo Doha Amman Ramallah Jenin Tyre")
PLACES += ["the West Bank", "southern Lebanon", "the Red Sea", "Khan Younis", "Rafah", "Aleppo"]
VERBS = words("warned said confirmed announced denied stressed reported affirmed demanded")
TOPICS = [
    "the ceasefire talks",
    "the humanitarian situation",
    "the prisoner exchange",
    "the blockade",
    "reconstruction funds",
    "fuel shortages",
    "the electricity crisis",
    "the wheat harvest",
    "border crossings",
    "regional security",
    "the sanctions regime",
    "shipping routes",
    "medical supplies",
    "the refugee camps",
    "oil prices",
]
ADVERBS = ["on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "late on Sunday"]
ADVERBS += ["earlier today", "in a televised speech", "in a statement", "at a press conference"]
NOUNS = words("talks aid strikes trade elections protests supplies negotiations shipments")
SECTIONS = ["politics", "economy", "health", "sports", "technology", "environment", "mena"]
SOURCES = ["Al Mayadeen", "Agencies", "Al Mayadeen English", "Al Mayadeen + Agencies", "Reuters"]
COVERAGES = ["War on Gaza", "Lebanon Under Attack", "Red Sea Front", "Syria Today", None]
CREDITS = ["AP", "AFP", "Reuters", "Social media", "Screengrab", "Al Mayadeen"]


def cap(text: str) -> str:
    """Upper-case the first letter only ('the UN' -> 'The UN')."""
    return text[:1].upper() + text[1:]


def sentence(r: random.Random) -> str:
    """One sentence of news prose from the vocabulary."""
    place, topic, org = r.choice(PLACES), r.choice(TOPICS), r.choice(ORGS)
    who = r.choice(PEOPLE + ORGS)
    forms = [
        f"{cap(who)} {r.choice(VERBS)} {r.choice(ADVERBS)} that {topic} in {place} "
        f"would shape the coming weeks.",
        f"According to {org}, more than {r.randint(2, 900)} people were affected in {place} "
        f"since the start of {r.choice(['the month', 'the year', 'the escalation'])}.",
        f"The {r.choice(NOUNS)} in {place} came after {org} {r.choice(VERBS)} that "
        f"{topic} could not wait any longer.",
        f"Residents of {place} told reporters that {topic} had changed daily life, and that "
        f"{r.choice(PEOPLE)} had yet to respond.",
        f"{cap(org)} called for an urgent meeting on {topic}, citing reports from "
        f"{place} and {r.choice(PLACES)}.",
        f"Observers in {place} noted that {topic} and {r.choice(TOPICS)} remain closely linked.",
        f'"We will not accept {topic} being used as pressure," {r.choice(PEOPLE)} said.',
    ]
    return r.choice(forms)


def paragraph(r: random.Random) -> str:
    return " ".join(sentence(r) for _ in range(r.randint(1, 4)))


def headline(r: random.Random) -> str:
    forms = [
        f"{cap(r.choice(ORGS))} warns of {r.choice(TOPICS)} in {r.choice(PLACES)}",
        f"{r.choice(FIRST)} {r.choice(LAST)}: {cap(r.choice(TOPICS))} "
        f"will decide {r.choice(PLACES)}'s future",
        f"{r.choice(PLACES)} {r.choice(NOUNS)} stall as {r.choice(TOPICS)} drag on",
        f"{r.randint(3, 90)} killed in {r.choice(PLACES)} as {r.choice(NOUNS)} collapse",
        f"{cap(r.choice(ORGS))} and {r.choice(ORGS)} discuss {r.choice(TOPICS)}",
    ]
    return r.choice(forms)


def slug(text: str) -> str:
    keep = "".join(c.lower() if c.isalnum() else "-" for c in text)
    return "-".join(part for part in keep.split("-") if part)[:90]


def day(when: datetime) -> str:
    return f"{when.day} {when:%b %Y}"


@dataclass
class Article:
    title: str
    url: str
    section: str
    byline: str
    source: str
    published: datetime
    shares: int
    standfirst: str
    images: list[tuple[str, str]]
    blocks: list[tuple[str, str]]  # (kind, text): paragraph, heading, list, related, read_more
    tags: list[str]
    coverage: str | None


def make_article(r: random.Random) -> Article:
    title = headline(r)
    section = r.choice(SECTIONS)
    start = datetime(2021, 7, 1, tzinfo=UTC)
    published = start + timedelta(minutes=r.randrange(0, 4 * 365 * 24 * 60))
    person = r.random() < 0.35
    byline = f"{r.choice(FIRST)} {r.choice(LAST)}" if person else "Al Mayadeen English"
    images = [
        (f"{cap(r.choice(PEOPLE + ORGS))} in {r.choice(PLACES)}",
         f"{sentence(r).rstrip('.')}, {day(published)} ({r.choice(CREDITS)})")
        for _ in range(r.choice([0, 1, 1, 1, 2, 3]))
    ]  # fmt: skip
    blocks: list[tuple[str, str]] = []
    for k in range(r.randint(5, 16)):
        if k > 2 and r.random() < 0.12 and blocks[-1][0] != "related":
            blocks.append(("heading", f"On {r.choice(TOPICS)}"))
        blocks.append(("paragraph", paragraph(r)))
        if k > 1 and r.random() < 0.08:
            items = [sentence(r) for _ in range(r.randint(2, 5))]
            blocks.append(("list", "\n".join(items)))
        if k == 3 and r.random() < 0.6:
            blocks.append(("related", "\n".join(headline(r) for _ in range(2))))
        if k > 4 and r.random() < 0.1:
            blocks.append(("read_more", headline(r)))
    tags = list(dict.fromkeys(r.choice(PLACES + ORGS + TOPICS) for _ in range(r.randint(2, 9))))
    return Article(
        title=title,
        url=f"{SITE}/news/{section}/{slug(title)}-{r.randrange(10**6):06d}",
        section=section,
        byline=byline,
        source=r.choice(SOURCES),
        published=published,
        shares=r.randint(0, 400),
        standfirst=sentence(r),
        images=images,
        blocks=blocks,
        tags=[cap(t) for t in tags],
        coverage=r.choice(COVERAGES),
    )


def _chrome() -> tuple[str, str]:
    """The seed's page chrome: everything before BREAKING, and the footer after Read Next."""
    text = (SEEDS / "000_d3aa1e9182096810.txt").read_text(encoding="utf-8")
    head = text[: text.index("BREAKING\n")]
    foot = text[text.index("Al Mayadeen English\n\nAl Mayadeen is an Arab") :]
    return head, foot


HEAD, FOOT = _chrome()


def render_text(a: Article, r: random.Random) -> str:
    """A text rendering in the layout of the seed pages."""
    out = [HEAD, "BREAKING\n"]
    out += [f"{sentence(r)}\n" for _ in range(10)]
    out.append(f"\n{a.title}\n\n  • By {a.byline}\n  • Source: {a.source}\n")
    words = sum(len(t.split()) for _k, t in a.blocks)
    out.append(f"  • {day(a.published)} {a.published:%H:%M}\n  • {a.shares} Shares\n")
    out.append(f"{max(1, round(words / 230))} Min Read\n\n{a.standfirst}\n\n")
    if a.images:
        out.append("  • x\n")
        out += [f"  • {alt}\n    {caption}\n" for alt, caption in a.images]
        out.append("\n")
    for kind, text in a.blocks:
        if kind == "list":
            lines = text.split("\n")
            out.append("".join(f"  {n}. {line}\n" for n, line in enumerate(lines, 1)) + "\n")
        elif kind == "related":
            out.append("Related News\n\n" + "".join(f"{t}\n\n" for t in text.split("\n")))
        elif kind == "read_more":
            out.append(f"Read more: {text}\n\n")
        else:
            out.append(f"{text}{' ' * r.choice([0, 0, 0, 1])}\n\n")
    out += [f"  • {tag}\n" for tag in a.tags]
    if a.coverage:
        out.append(f"{a.coverage}\n\n{a.coverage}\n")
    out.append("\nMost Read\n\n")
    for _ in range(4):
        when = a.published + timedelta(days=r.randint(30, 600))
        title = headline(r)
        out.append(f"{sentence(r)}\n\n{title}\n\n  • {r.choice(SECTIONS).title()}\n")
        out.append(f"  • {day(when)}\n")
    out.append("\nCoverage\n\nAll\nThe Ummah's Martyrs\n\nRead Next\n\nAll\n")
    for _ in range(4):
        title = headline(r)
        out.append(f"{sentence(r)}\nPolitics\n\n{title}\n\n")
    out.append(FOOT)
    return "".join(out)


def render_html(a: Article) -> str:
    """An HTML article page: JSON-LD NewsArticle in the head, article markup in the body."""
    e = html.escape
    author = (
        {"@type": "Organization", "name": a.byline}
        if a.byline == "Al Mayadeen English"
        else {"@type": "Person", "name": a.byline}
    )
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a.title,
        "description": a.standfirst,
        "datePublished": a.published.isoformat(),
        "author": [author],
        "publisher": {"@type": "Organization", "name": "Al Mayadeen English"},
        "articleSection": a.section.title(),
        "keywords": ", ".join(a.tags),
        "mainEntityOfPage": a.url,
        "image": [f"{SITE}/images/{slug(alt)}.jpg" for alt, _c in a.images],
    }
    body: list[str] = []
    for kind, text in a.blocks:
        if kind == "heading":
            body.append(f"<h2>{e(text)}</h2>")
        elif kind == "list":
            body.append("<ol>" + "".join(f"<li>{e(t)}</li>" for t in text.split("\n")) + "</ol>")
        elif kind == "related":
            links = "".join(
                f'<li><a href="{SITE}/news/{slug(t)}">{e(t)}</a></li>' for t in text.split("\n")
            )
            body.append(f'<aside class="related"><h3>Related News</h3><ul>{links}</ul></aside>')
        elif kind == "read_more":
            body.append(f'<p>Read more: <a href="{SITE}/news/{slug(text)}">{e(text)}</a></p>')
        else:
            body.append(f"<p>{e(text)}</p>")
    figures = "".join(
        f'<figure><img src="{SITE}/images/{slug(alt)}.jpg" alt="{e(alt)}">'
        f"<figcaption>{e(caption)}</figcaption></figure>"
        for alt, caption in a.images
    )
    tags = "".join(f'<a href="{SITE}/tag/{slug(t)}">{e(t)}</a>' for t in a.tags)
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{e(a.title)} | Al Mayadeen English</title>\n"
        f'<link rel="canonical" href="{a.url}">\n'
        f'<meta name="description" content="{e(a.standfirst)}">\n'
        f'<meta property="og:title" content="{e(a.title)}">\n'
        f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>\n'
        f'</head>\n<body>\n<header><nav><a href="/">Al Mayadeen English</a> '
        f'<a href="/news">News</a> <a href="/articles">Articles</a></nav></header>\n'
        f'<main><article>\n<h1>{e(a.title)}</h1>\n<p class="byline">By {e(a.byline)}</p>\n'
        f'<time datetime="{a.published.isoformat()}">{day(a.published)}</time>\n'
        f'<p class="standfirst">{e(a.standfirst)}</p>\n{figures}\n'
        f'<div class="article-body">\n' + "\n".join(body) + "\n</div>\n"
        f'<div class="tags">{tags}</div>\n</article></main>\n'
        f"<footer><p>All Rights Reserved</p></footer>\n</body>\n</html>\n"
    )


BAD_KINDS = ("empty", "truncated", "duplicate", "binary")


@dataclass
class Generated:
    name: str
    data: bytes
    url: str | None
    captured_at: str
    note: str


def generate(seed: int, i: int, html_share: float, bad_share: float) -> Generated:
    """Page ``i`` of the corpus of ``seed`` (independent of every other page but its original)."""
    r = random.Random(f"{seed}:{i}")
    is_html = r.random() < html_share
    bad = r.choice(BAD_KINDS) if r.random() < bad_share else None
    if bad == "duplicate" and i > 0:
        original = generate(seed, r.randrange(max(0, i - 5000), i), html_share, 0.0)
        return Generated(
            f"{i:07d}_{original.name[8:]}", original.data, original.url, "", "duplicate"
        )
    article = make_article(r)
    text = render_html(article) if is_html else render_text(article, r)
    data = text.encode("utf-8")
    if bad == "empty":
        data = r.choice([b"", b"\n", b"   \n\n"])
    elif bad == "truncated":
        data = text[: r.randint(len(text) // 3, 2 * len(text) // 3)].encode("utf-8")
    elif bad == "binary":
        data = b"\x89PNG\r\n\x1a\n" + r.randbytes(2000)
    digest = hashlib.sha256(f"{seed}:{i}".encode()).hexdigest()[:16]
    known_url = is_html or r.random() < 0.8
    captured = ""
    if r.random() < 0.5:
        delay = timedelta(minutes=r.randint(5, 60 * 24 * 400))
        captured = (article.published + delay).strftime("%Y-%m-%dT%H:%M:%SZ")
    return Generated(
        f"{i:07d}_{digest}.{'html' if is_html else 'txt'}",
        data,
        article.url if known_url else None,
        captured,
        bad or ("HTML page" if is_html else "Text rendering of the full page."),
    )


def write_corpus(
    out: Path, pages: int, seed: int, html_share: float = 0.2, bad_share: float = 0.02
) -> dict[str, int]:
    """Write the corpus; return counts by note kind."""
    counts: dict[str, int] = {}
    for start in range(0, pages, PER_FOLDER):
        folder = out / f"{start // PER_FOLDER:05d}"
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / "manifest.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(["file", "url", "sha256", "captured_at", "notes"])
            for i in range(start, min(pages, start + PER_FOLDER)):
                page = generate(seed, i, html_share, bad_share)
                (folder / page.name).write_bytes(page.data)
                sha = hashlib.sha256(page.data).hexdigest()
                writer.writerow([page.name, page.url or "", sha, page.captured_at, page.note])
                kind = page.note if page.note in BAD_KINDS else page.name.rsplit(".", 1)[1]
                counts[kind] = counts.get(kind, 0) + 1
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write (created if missing)")
    parser.add_argument("--pages", type=int, required=True, help="number of pages")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--html-share", type=float, default=0.2, help="share of HTML pages")
    parser.add_argument("--bad-share", type=float, default=0.02, help="share of bad pages")
    args = parser.parse_args(argv)
    if args.pages < 1 or not 0 <= args.html_share <= 1 or not 0 <= args.bad_share <= 1:
        parser.error("--pages must be >= 1 and the shares between 0 and 1")
    started = time.perf_counter()
    counts = write_corpus(args.out, args.pages, args.seed, args.html_share, args.bad_share)
    elapsed = time.perf_counter() - started
    summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    print(f"wrote {args.pages} pages to {args.out} in {elapsed:.1f} s ({summary})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
