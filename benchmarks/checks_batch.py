"""Time the table checks on one pipeline batch: ``python benchmarks/checks_batch.py [ROWS]``.

Builds ROWS synthetic articles (default 10,000; about 600 words, 3 related links and
5 tags each; one row in fifty fails a check), then times ``split_failing`` (the row
checks every batch runs) and ``run_checks`` over the whole table (row and cross-row checks).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import polars as pl
import pyarrow as pa

from broadsheet.checks.table import run_checks, split_failing
from broadsheet.recipe import CheckSettings, Publisher
from broadsheet.records.arrow import ARTICLE_SCHEMA
from broadsheet.records.model import count_words, make_id

PUBLISHER = Publisher(
    name="Al Mayadeen English",
    timezone="Asia/Beirut",
    language="en",
    launched=date(2021, 7, 1),
    chrome_markers=["BREAKING", "Most Read", "Read Next", "All Rights Reserved", "Related News"],
)
SETTINGS = CheckSettings(chrome_markers=["Advertisement"], publishers={PUBLISHER.name: PUBLISHER})
WORDS = [
    *("the", "port", "fishing", "boats", "returned", "harbour", "ministry", "council"),
    *("residents", "said", "officials", "agreement", "reported", "thousands", "families"),
    *("market", "prices", "season", "farmers", "water", "village", "city", "week", "morning"),
    *("road", "hospital", "school", "minister", "parliament", "statement"),
]


def _row(i: int, rng: random.Random) -> dict[str, object]:
    paragraphs = [" ".join(rng.choices(WORDS, k=60)).capitalize() + "." for _ in range(10)]
    if i % 50 == 7:
        paragraphs.insert(4, "Read more: Markets reopen after the holiday")
    text = "\n\n".join(paragraphs)
    title = f"Story number {i} on the {rng.choice(WORDS)} and the {rng.choice(WORDS)}"
    url = f"https://english.almayadeen.net/news/politics/story-{i}"
    published = datetime(2023, 1, 1, tzinfo=UTC) + timedelta(minutes=37 * i)
    return {
        "id": make_id(url, PUBLISHER.name, title, published),
        "url": url,
        "publisher": PUBLISHER.name,
        "language": "en",
        "title": title,
        "description": None,
        "authors": ["Al Mayadeen English"],
        "source_credit": "Agencies",
        "published_at": published,
        "published_at_source": "visible_text",
        "published_at_precision": "minute",
        "modified_at": None,
        "section": "Politics",
        "coverage": None,
        "tags": [f"tag {k}" for k in rng.sample(range(40), 5)] if i % 50 != 3 else ["a", "a"],
        "images": [],
        "body": [{"kind": "paragraph", "text": p} for p in paragraphs],
        "text": text,
        "related": [
            {"title": f"Related story {i + k}", "url": None, "kind": "related"} for k in (1, 2, 3)
        ],
        "word_count": count_words(text),
        "reading_time_minutes": 3,
        "share_count": 2,
        "captured_at": published + timedelta(days=30),
        "captured_after": (published + timedelta(days=2)).date(),
        "source_file": f"pages/{i:06d}.txt",
        "source_sha256": f"{i:064x}",
        "parser": "almayadeen_text@1.0",
    }


def _best(fn: Callable[[], object], repeat: int = 3) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    rng = random.Random(7)
    table = pa.Table.from_pylist([_row(i, rng) for i in range(rows)], schema=ARTICLE_SCHEMA)
    df = pl.from_arrow(table)
    assert isinstance(df, pl.DataFrame)
    kept, quarantined = split_failing(table, SETTINGS)
    print(
        f"{rows} rows, {table.nbytes / 1e6:.1f} MB in Arrow; kept {kept.num_rows}, "
        f"quarantined {len(quarantined)}"
    )
    timings = (
        ("split_failing", lambda: split_failing(table, SETTINGS)),
        ("run_checks(table)", lambda: run_checks(df, SETTINGS, scope="table")),
    )
    for label, run in timings:
        best, median = _best(run)
        print(f"{label:<22} best {best:.3f}s  median {median:.3f}s  ({rows / best:,.0f} rows/s)")


if __name__ == "__main__":
    main()
