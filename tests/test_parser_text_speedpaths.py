"""Edge cases of the shortcuts the Al Mayadeen text parser takes on every page."""

from __future__ import annotations

from datetime import UTC, date, datetime

from broadsheet.parsers.almayadeen_text import PARSER
from broadsheet.parsers.base import Document
from broadsheet.records.model import Article
from broadsheet.sources.items import Page

_BODY = (
    "Traffic resumed on Sunday at the main border crossing between the two countries.\n"
    "\n"
    "Trucks carrying fuel and flour were the first to cross, officials said.\n"
    "\n"
    "  • Lebanon\n"
    "  • Syria\n"
    "Border Crossings\n"
    "\n"
    "Border Crossings\n"
    "\n"
)


def _parse(text: str) -> Article:
    return PARSER.parse(Document(page=Page("speed.txt", text.encode()), text=text, is_html=False))


def test_the_first_time_in_the_byline_block_is_the_publication_time() -> None:
    record = _parse(
        "Lebanon and Syria reopen the Masnaa crossing\n"
        "\n"
        "  • By Zeinab Hassan\n"
        "  • 5 Nov 2023 09:05\n"
        "  • 6 Nov 2023 10:00\n"
        "  • 1,204 Shares\n"
        "\n"
        "\n"
        "3 Min Read\n"
        "\n" + _BODY
    )
    assert record.published_at == datetime(2023, 11, 5, 7, 5, tzinfo=UTC)  # 09:05 in Beirut
    assert record.share_count == 1204
    assert record.reading_time_minutes == 3  # found past the blank lines
    assert record.description is not None and record.description.startswith("Traffic")


def test_captured_after_reads_every_most_read_list_and_only_those() -> None:
    record = _parse(
        "Lebanon and Syria reopen the Masnaa crossing\n"
        "\n"
        "  • By Zeinab Hassan\n"
        "  • 5 Nov 2023 09:05\n"
        "\n" + _BODY + "Most Read\n"
        "\n"
        "A headline in the list\n"
        "\n"
        "  • Economy\n"
        "  • 3 Dec 2023\n"
        "Another headline\n"
        "\n"
        "  • 20 Jan 2024\u200b\n"
        "\n"
        "Coverage\n"
        "\n"
        "  • 1 Jan 2030\n"
        "\n"
        "Most\u00a0Read\n"
        "\n"
        "  • 14 Feb 2024\n"
        "\n"
        "All Rights Reserved\n"
        "\n"
        "  • 2 Mar 2031\n"
    )
    # Dates under 'Coverage' and the footer are not in a 'Most Read' list.
    assert record.captured_after == date(2024, 2, 14)
