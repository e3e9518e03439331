"""Fuzzing: every hostile input becomes a record or a typed quarantine entry, never an exception.

Cases come from :mod:`fuzz_inputs`, one seed each, so a failure here or in
``benchmarks/fuzz.py`` (which runs 100,000 of them) is replayed from its seed alone.
hypothesis picks the seeds; the inputs it found failing once are kept below as
regression seeds, and pages reduced from them are in ``tests/fixtures/fuzz/``.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from broadsheet.build.pipeline import process_batch, process_item
from broadsheet.errors import REASONS
from broadsheet.recipe import CheckSettings
from broadsheet.records.model import Article
from broadsheet.records.quarantine import Quarantined
from broadsheet.sources.files import iter_sources
from broadsheet.sources.items import Page, Skipped
from broadsheet.sources.refs import read_item
from fuzz_inputs import page_case, write_source_folder

FIXTURES = Path(__file__).parent / "fixtures" / "fuzz"
SETTINGS = CheckSettings()
#: Codes that mean the pipeline itself failed on the input: the fuzzer must never see them.
OUR_FAULT = frozenset({"parser_error", "worker_failed"})
#: Seeds whose inputs once raised or hung; they stay as regression cases.
REGRESSION_SEEDS: list[int] = [5003, 5009, 5032, 11330, 20596, 30285, 30635, 44687]

SEEDS = st.integers(min_value=0, max_value=2**63 - 1)
FUZZ = settings(
    max_examples=1500,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
    # A seed is the whole case: shrinking it would only try unrelated inputs.
    phases=[Phase.explicit, Phase.generate],
)


def assert_typed(outcome: object, what: str) -> None:
    """The fuzzing invariant for one outcome."""
    if isinstance(outcome, Quarantined):
        assert outcome.code in REASONS, f"{what}: unknown reason code {outcome.code!r}"
        assert outcome.code not in OUR_FAULT, f"{what}: {outcome.code}: {outcome.message}"
        assert outcome.message.strip(), f"{what}: {outcome.code} without a message"
        outcome.message.encode("utf-8")  # a message a person can read: valid text
    else:
        assert isinstance(outcome, Article | Skipped), f"{what}: {outcome!r}"


def check_page(seed: int) -> None:
    case = page_case(random.Random(seed))
    page = Page(
        source_file=f"fuzz-{seed}.html",
        data=case.data,
        url=case.url,
        captured_at=case.captured_at,
        content_type=case.content_type,
    )
    outcome = process_item(page)
    assert_typed(outcome, f"page seed {seed}")
    # The whole batch step too: Arrow conversion, digests and row checks.
    result = process_batch([page], SETTINGS)
    for entry in result.quarantined:
        assert_typed(entry, f"page seed {seed} (batch)")
    assert result.table.num_rows + len(result.quarantined) == 1


def check_sources(seed: int, folder: Path) -> None:
    write_source_folder(folder, random.Random(seed))
    seen = 0
    read = list(iter_sources([folder], root=folder.parent))
    for item in read:
        seen += 1
        assert_typed(process_item(item), f"sources seed {seed}: {item.source_file!r}")
        item.source_file.encode("utf-8")  # source_file is always valid text
    assert seen >= 1, f"sources seed {seed}: the folder's inputs produced no entry at all"
    # What a build's workers get: the same items, listed here and read where they run.
    listed = iter_sources([folder], root=folder.parent, refs=True)
    assert [read_item(item) for item in listed] == read, f"sources seed {seed}: listing differs"


@FUZZ
@given(seed=SEEDS)
def test_hostile_pages_become_records_or_typed_quarantine(seed: int) -> None:
    check_page(seed)


@settings(FUZZ, max_examples=250)
@given(seed=SEEDS)
def test_hostile_source_files_become_records_or_typed_quarantine(
    seed: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    check_sources(seed, tmp_path_factory.mktemp("fuzz") / "inputs")


@pytest.mark.parametrize("seed", REGRESSION_SEEDS)
def test_regression_seeds(seed: int, tmp_path: Path) -> None:
    check_page(seed)
    check_sources(seed, tmp_path / "inputs")


def _record(name: str) -> Article:
    outcome = process_item(Page(source_file=name, data=(FIXTURES / name).read_bytes()))
    assert isinstance(outcome, Article), outcome
    return outcome


def test_deep_json_ld_is_passed_over_and_the_page_kept() -> None:
    record = _record("jsonld_nested_5000_deep.html")
    assert record.title == "Storm closes the harbour for three days"
    assert record.authors == ["Ana Ribeiro"]


def test_odd_json_ld_shapes_are_passed_over_and_a_lone_surrogate_replaced() -> None:
    record = _record("jsonld_odd_shapes.html")
    assert record.title == "Storm closes the harbour \ufffd for three days"
    assert record.published_at is None  # year 1 at +99:00 is no time at all
    assert record.images == []  # {"url": 5} is not an address
    assert record.authors == ["Ana Ribeiro"]
    record.model_dump_json()  # writable as UTF-8


def test_unreadable_urls_are_dropped_and_the_page_kept() -> None:
    record = _record("unreadable_urls.html")
    assert record.url is None
    assert record.images == []
    assert [(r.title, r.url) for r in record.related] == [
        ("Fishing fleet waits out the storm", None)
    ]


def test_control_characters_are_removed_from_the_text() -> None:
    record = _record("control_characters.html")
    assert record.body[0].text == "Published 5 March 2024 in the[31m morning edition."
    assert not any(ch in record.text for ch in "\x01\x0c\x1b")
    assert record.published_at is not None
    assert record.published_at.isoformat() == "2024-03-05T09:00:00+00:00"
