"""The table checks: each fails on a bad row (naming code, id and value), passes a good one."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import polars as pl
import pytest

from article_factory import PUBLISHER, SETTINGS, article, related, with_paragraph
from broadsheet.checks.table import (
    CHECK_ORDER,
    RECORD_CHECKS,
    CheckFailure,
    run_checks,
    split_failing,
)
from broadsheet.errors import REASONS
from broadsheet.recipe import Publisher
from broadsheet.records.arrow import records_to_table
from broadsheet.records.model import Article, Block, count_words
from fresh_interpreter import modules_after, packages


def frame(*records: Article) -> pl.DataFrame:
    df = pl.from_arrow(records_to_table(records))
    assert isinstance(df, pl.DataFrame)
    return df


def only(df: pl.DataFrame, check: str) -> list[CheckFailure]:
    return [f for f in run_checks(df, SETTINGS) if f.check == check]


def test_good_records_pass_every_check() -> None:
    df = frame(article("port"), article("harvest"), article("library"))
    assert run_checks(df, SETTINGS) == []
    assert run_checks(df.head(0), SETTINGS) == []


def test_every_check_is_a_reason_code() -> None:
    assert set(CHECK_ORDER) <= set(REASONS)
    assert len(set(CHECK_ORDER)) == len(CHECK_ORDER)


# --- unique_id, unique_url (table scope) ----------------------------------------------


def test_unique_id_names_both_rows_and_is_skipped_in_row_scope() -> None:
    first = article("port")
    again = article("port", source_file="pages/port-again.txt")
    df = frame(first, article("harvest"), again)
    failures = only(df, "unique_id")
    assert [(f.field, f.record_id, f.value) for f in failures] == [
        ("id", first.id, first.id),
        ("id", first.id, first.id),
    ]
    assert "more than one row" in failures[0].message
    assert run_checks(df, SETTINGS, scope="rows") == []


def test_unique_url_fails_on_a_shared_url_and_allows_missing_urls() -> None:
    port = article("port")
    copy = article("harvest", url=port.url, id="00000000000000aa")
    failures = only(frame(port, copy), "unique_url")
    assert {f.record_id for f in failures} == {port.id, "00000000000000aa"}
    assert {f.value for f in failures} == {
        "https://english.almayadeen.net/news/economy/tyre-port-reopens-to-fishing-boats"
    }
    no_urls = frame(article("port", url=None), article("harvest", url=None))
    assert only(no_urls, "unique_url") == []


# --- title_length ---------------------------------------------------------------------


def test_title_too_short_and_too_long_fail() -> None:
    short = article("port", title="Tyre")
    long = article("harvest", title="W" * 301)
    failures = only(frame(short, long), "title_length")
    assert [(f.record_id, f.field, f.value) for f in failures] == [
        (short.id, "title", "Tyre"),
        (long.id, "title", "W" * 301),
    ]
    assert "has 4 characters; expected 8 to 300" in failures[0].message
    assert "…" in failures[1].message and len(failures[1].message) < 200


def test_title_bounds_count_characters_not_bytes() -> None:
    # eight characters (two of them outside ASCII) and exactly 300 characters both pass
    df = frame(article("port", title="Ṣūr port"), article("harvest", title="W" * 300))
    assert only(df, "title_length") == []


# --- text_word_count ------------------------------------------------------------------


def test_too_few_words_fail() -> None:
    body = [Block(kind="paragraph", text="Fishing boats returned to the port of Tyre on Monday.")]
    short = article("port", body=body)
    failures = only(frame(short, article("harvest")), "text_word_count")
    assert [(f.record_id, f.field, f.value) for f in failures] == [(short.id, "word_count", 10)]
    assert "outside the expected 50 to 20000 words" in failures[0].message


def test_too_many_words_fail_with_a_lower_maximum() -> None:
    settings = SETTINGS.model_copy(update={"text_max_words": 70})
    df = frame(article("port"), article("library"))  # 82 and 66 words
    failures = [f for f in run_checks(df, settings) if f.check == "text_word_count"]
    assert [(f.record_id, f.value) for f in failures] == [(article("port").id, 82)]


# --- no_chrome_in_text ----------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Read more: Israelis say expect 2 additional months of fighting",
        "Related News",
        "BREAKING: Sirens sound north of the Gulf of Aqaba",
        "Advertisement",  # a marker of every publisher
        "All Rights Reserved.",
    ],
)
def test_chrome_line_in_text_fails(line: str) -> None:
    bad = with_paragraph("port", line)
    failures = only(frame(bad, article("harvest")), "no_chrome_in_text")
    assert [(f.record_id, f.field, f.value) for f in failures] == [(bad.id, "text", line)]
    assert "page-chrome line" in failures[0].message


@pytest.mark.parametrize(
    "line",
    [
        "The report was the most read item of the week, and related news outlets followed it.",
        "Officials said the BREAKING of the seal had been recorded, and Read more later.",
        "BREAKINGS of this kind are rare.",
    ],
)
def test_marker_words_inside_prose_pass(line: str) -> None:
    assert only(frame(with_paragraph("port", line)), "no_chrome_in_text") == []


def test_publisher_markers_apply_only_to_their_publisher() -> None:
    other = with_paragraph("port", "Related News", publisher="The Beirut Ledger")
    assert only(frame(other), "no_chrome_in_text") == []
    ad = with_paragraph("port", "Advertisement", publisher="The Beirut Ledger")
    assert [f.value for f in only(frame(ad), "no_chrome_in_text")] == ["Advertisement"]


def test_related_headline_printed_in_text_fails() -> None:
    headline = "Smotrich claims France and allies undermine 'Israel'"
    bad = with_paragraph("port", headline, related=[related(headline)])
    good = article("harvest", related=[related("Famine, massacres, and relentless strikes")])
    failures = only(frame(bad, good), "no_chrome_in_text")
    assert [(f.record_id, f.field, f.value) for f in failures] == [(bad.id, "text", headline)]
    assert "related headline" in failures[0].message


def test_short_related_titles_are_not_searched_in_text() -> None:
    # the port story mentions "Tyre" and "Lebanon"; two-word titles are too common to judge
    record = article("port", related=[related("Tyre"), related("Fishing boats")])
    assert only(frame(record), "no_chrome_in_text") == []


# --- published_not_before_launch -----------------------------------------------------


def test_published_before_launch_in_the_publishers_timezone() -> None:
    # 2021-06-30 20:00 UTC is 23:00 in Beirut, the evening before the launch day
    early = article("port", published_at=datetime(2021, 6, 30, 20, 0, tzinfo=UTC))
    # 2021-06-30 21:30 UTC is already 00:30 on 1 July in Beirut
    launch_day = article("harvest", published_at=datetime(2021, 6, 30, 21, 30, tzinfo=UTC))
    failures = only(frame(early, launch_day), "published_not_before_launch")
    assert [(f.record_id, f.field, f.value) for f in failures] == [
        (early.id, "published_at", datetime(2021, 6, 30, 20, 0, tzinfo=UTC))
    ]
    assert "Al Mayadeen English's launch on 2021-07-01" in failures[0].message


def test_unknown_publisher_is_bounded_by_the_earliest_date() -> None:
    old = article(
        "port", publisher="The Beirut Ledger", published_at=datetime(1989, 12, 31, tzinfo=UTC)
    )
    fine = article(
        "harvest", publisher="The Beirut Ledger", published_at=datetime(1995, 3, 1, tzinfo=UTC)
    )
    undated = article("library", published_at=None)
    failures = only(frame(old, fine, undated), "published_not_before_launch")
    assert [(f.record_id, f.value) for f in failures] == [
        (old.id, datetime(1989, 12, 31, tzinfo=UTC))
    ]
    assert "earliest accepted date 1990-01-01" in failures[0].message


# --- published_not_after_capture, captured_after_not_before_published ------------------


def test_published_after_capture_fails_once() -> None:
    late = article(
        "port", captured_at=datetime(2023, 11, 27, 9, 0, tzinfo=UTC), captured_after=None
    )
    unknown = article("harvest", captured_at=None)
    failures = [f for f in run_checks(frame(late, unknown), SETTINGS) if f.record_id == late.id]
    assert [(f.check, f.field, f.value) for f in failures] == [
        ("published_not_after_capture", "published_at", datetime(2023, 11, 27, 9, 15, tzinfo=UTC))
    ]
    assert "after captured_at 2023-11-27T09:00:00+00:00" in failures[0].message


def test_captured_after_before_the_local_publication_date_fails_once() -> None:
    # 2024-05-19 22:30 UTC is 01:30 on 20 May in Beirut: the capture bound 19 May is too early
    when = datetime(2024, 5, 19, 22, 30, tzinfo=UTC)
    bad = article("harvest", published_at=when, captured_after=date(2024, 5, 19))
    same_day = article("library", captured_after=date(2024, 2, 3))
    failures = [f for f in run_checks(frame(bad, same_day), SETTINGS)]
    assert [(f.check, f.record_id, f.field, f.value) for f in failures] == [
        ("captured_after_not_before_published", bad.id, "captured_after", date(2024, 5, 19))
    ]
    assert "before the publication date 2024-05-20" in failures[0].message


# --- a publication that states only a day ---------------------------------------------

#: A publisher west of UTC: its launch and its local dates differ from UTC's.
COURIER = Publisher(name="Hudson Courier", timezone="America/New_York", launched=date(2020, 1, 1))
WEST = SETTINGS.model_copy(update={"publishers": {**SETTINGS.publishers, COURIER.name: COURIER}})


def day_only(story: str, day: date, **overrides: object) -> Article:
    midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return article(story, published_at=midnight, published_at_precision="day", **overrides)


def test_a_day_only_publication_captured_that_day_passes() -> None:
    # printed "28 November 2023", captured at 22:00 UTC on the 27th: it is already the 28th
    # east of UTC+2, so the page may print that day
    evening = day_only(
        "port", date(2023, 11, 28), captured_at=datetime(2023, 11, 27, 22, 0, tzinfo=UTC)
    )
    # the same day printed on a page captured at 09:00 UTC on the 27th: nowhere the 28th yet
    morning = day_only(
        "harvest", date(2023, 11, 28), captured_at=datetime(2023, 11, 27, 9, 0, tzinfo=UTC)
    )
    failures = only(frame(evening, morning), "published_not_after_capture")
    assert [(f.record_id, f.value) for f in failures] == [
        (morning.id, datetime(2023, 11, 28, tzinfo=UTC))
    ]
    assert "published_at 2023-11-28 (only the day is known) is after" in failures[0].message


def test_a_day_only_publication_on_launch_day_passes_west_of_utc() -> None:
    # the Courier launched on 1 January 2020 in New York (05:00 UTC); a page printing that
    # day is not before the launch, though its midnight UTC is
    launch_day = day_only("port", date(2020, 1, 1), publisher=COURIER.name)
    eve = day_only("harvest", date(2019, 12, 31), publisher=COURIER.name)
    failures = [
        f
        for f in run_checks(frame(launch_day, eve), WEST)
        if f.check == "published_not_before_launch"
    ]
    assert [(f.record_id, f.value) for f in failures] == [
        (eve.id, datetime(2019, 12, 31, tzinfo=UTC))
    ]
    assert "2019-12-31 (only the day is known) is before" in failures[0].message


def test_a_day_only_publication_is_its_own_day_for_the_capture_bound() -> None:
    # midnight UTC of 20 May is still 19 May in New York; the page printed 20 May, so a
    # capture bound of 19 May is too early
    printed = day_only(
        "port", date(2024, 5, 20), publisher=COURIER.name, captured_after=date(2024, 5, 19)
    )
    timed = article(
        "harvest",
        publisher=COURIER.name,
        published_at=datetime(2024, 5, 20, 0, 0, tzinfo=UTC),  # 19 May, 20:00 in New York
        captured_after=date(2024, 5, 19),
    )
    failures = [
        f
        for f in run_checks(frame(printed, timed), WEST)
        if f.check == "captured_after_not_before_published"
    ]
    assert [(f.record_id, f.value) for f in failures] == [(printed.id, date(2024, 5, 19))]
    assert "before the publication date 2024-05-20" in failures[0].message


# --- language_matches_publisher -------------------------------------------------------


def test_language_must_match_the_known_publisher() -> None:
    arabic = article("port", language="ar")
    british = article("harvest", language="en-GB")
    french_elsewhere = article("library", language="fr", publisher="The Beirut Ledger")
    failures = only(frame(arabic, british, french_elsewhere), "language_matches_publisher")
    assert [(f.record_id, f.field, f.value) for f in failures] == [(arabic.id, "language", "ar")]
    assert f"language 'en' of {PUBLISHER}" in failures[0].message


# --- tags_unique ----------------------------------------------------------------------


def test_repeated_tag_fails() -> None:
    tags = ["Lebanon", "Tyre", "Lebanon"]
    bad = article("port", tags=tags)
    failures = only(frame(bad, article("harvest", tags=[])), "tags_unique")
    assert [(f.record_id, f.field, f.value) for f in failures] == [(bad.id, "tags", tags)]
    assert "repeat ['Lebanon']" in failures[0].message


# --- counts_non_negative, word_count_matches_text (states a record cannot hold) ---------


def test_negative_counts_fail_per_field() -> None:
    port, harvest = article("port"), article("harvest", share_count=None)
    df = frame(port, harvest).with_columns(
        share_count=pl.Series([-1, None], dtype=pl.Int64),
        reading_time_minutes=pl.Series([1, -3], dtype=pl.Int64),
    )
    failures = only(df, "counts_non_negative")
    assert [(f.record_id, f.field, f.value) for f in failures] == [
        (harvest.id, "reading_time_minutes", -3),
        (port.id, "share_count", -1),
    ]
    assert failures[1].message == "share_count -1 is negative; expected 0 or more"


def test_word_count_must_match_the_words_of_text() -> None:
    port, harvest = article("port"), article("harvest")
    df = frame(port, harvest).with_columns(word_count=pl.Series([83, 73], dtype=pl.Int64))
    failures = only(df, "word_count_matches_text")
    assert [(f.record_id, f.field, f.value) for f in failures] == [(port.id, "word_count", 83)]
    assert "differs from the 82 whitespace-separated words" in failures[0].message


def test_word_count_uses_the_same_whitespace_as_the_records() -> None:
    # NBSP, em space and the information separator U+001F all split words in Python
    text = "Fishing\u00a0boats\u2003returned\x1fto Tyre"
    assert count_words(text) == 5
    df = frame(article("port")).with_columns(text=pl.lit(text), word_count=pl.lit(5, pl.Int64))
    assert only(df, "word_count_matches_text") == []


# --- lazy collection and split_failing --------------------------------------------------


def test_every_failure_is_collected() -> None:
    bad = article("port", title="Tyre", language="ar", tags=["Tyre", "Tyre"])
    failures = run_checks(frame(bad, article("harvest")), SETTINGS)
    assert [f.check for f in failures] == [
        "title_length",
        "language_matches_publisher",
        "tags_unique",
    ]
    assert {f.record_id for f in failures} == {bad.id}


def test_split_failing_keeps_order_and_quarantines_with_the_first_check() -> None:
    bad = article("harvest", title="Wheat", tags=["Bekaa", "Bekaa"])
    chrome = with_paragraph("library", "Most Read")
    records = [article("port"), bad, chrome, article("library", id="1111111111111111")]
    table = records_to_table(records)
    kept, quarantined = split_failing(table, SETTINGS)
    assert kept.column("id").to_pylist() == [records[0].id, "1111111111111111"]
    assert kept.schema == table.schema
    assert [(q.code, q.source_file, q.stage) for q in quarantined] == [
        ("title_length", "pages/harvest.txt", "check"),
        ("no_chrome_in_text", "pages/library.txt", "check"),
    ]
    first = quarantined[0]
    assert first.message.startswith("title 'Wheat' has 5 characters; expected 8 to 300")
    assert first.message.endswith("(also fails: tags_unique)")
    assert first.source_sha256 == bad.source_sha256
    assert first.record is not None and first.record["id"] == bad.id
    assert first.record["published_at"] == "2024-05-20T06:40:00Z"
    json.dumps(first.to_json_dict())  # JSON-ready


def test_split_failing_leaves_the_states_the_model_refuses_to_validate() -> None:
    # A batch of the build holds records the Article model has just validated: a negative
    # count or a word count off the text cannot be there, and is not looked for again.
    port = article("port")
    df = frame(port).with_columns(
        share_count=pl.Series([-1], dtype=pl.Int64), word_count=pl.Series([83], dtype=pl.Int64)
    )
    kept, quarantined = split_failing(df.to_arrow(), SETTINGS)
    assert kept.num_rows == 1 and quarantined == []
    assert run_checks(df, SETTINGS, scope="records") == []
    found = {f.check for f in run_checks(df, SETTINGS, scope="rows")}
    assert found == {"counts_non_negative", "word_count_matches_text"} == RECORD_CHECKS


def test_split_failing_leaves_uniqueness_to_the_table() -> None:
    table = records_to_table([article("port"), article("port")])
    kept, quarantined = split_failing(table, SETTINGS)
    assert kept.num_rows == 2 and quarantined == []


def test_a_batch_that_passes_whole_is_settled_without_a_pandera_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The rules' expressions in one pass show that every row passes; pandera, which would
    # only confirm it, is not run. A batch with one failing row still goes to pandera.
    from broadsheet.checks import table as checks_table

    calls: list[int] = []
    real = checks_table._failing

    def counted(df: pl.DataFrame, schema: object) -> list[tuple[str, str, int]]:
        calls.append(df.height)
        return real(df, schema)  # type: ignore[arg-type]

    monkeypatch.setattr(checks_table, "_failing", counted)
    good = records_to_table([article("port"), article("harvest")])
    assert split_failing(good, SETTINGS)[1] == [] and calls == []
    bad = records_to_table([article("port"), article("harvest", title="Wheat")])
    _kept, quarantined = split_failing(bad, SETTINGS)
    assert [q.code for q in quarantined] == ["title_length"] and calls == [2]


def test_a_frame_without_the_checked_columns_is_still_refused_by_pandera() -> None:
    with pytest.raises(ValueError, match="does not have the article columns"):
        run_checks(frame(article("port")).drop("title"), SETTINGS, scope="rows")


def test_a_worker_loads_pandera_only_for_a_batch_that_fails_a_check() -> None:
    # The worker's stack (pipeline, spill parts, shard tasks) runs the rules' polars
    # expressions first: pandera, and the pandas it loads, come in with the first failure.
    loaded = modules_after(
        "import broadsheet.build.pipeline, broadsheet.build.parts, broadsheet.build.shards"
    )
    assert "broadsheet.checks.table" in loaded and not packages(loaded) & {"pandas", "pandera"}
