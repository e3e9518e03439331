"""Typed errors with stable, snake_case reason codes.

Every page that does not become a record ends up in the quarantine with one of these
codes. The codes are part of the public contract: tests assert them, users filter on
them, so a code is never renamed, only added.
"""

from __future__ import annotations

# code -> one-line meaning, used by the docs, the build report and the card.
REASONS: dict[str, str] = {
    # reading the input
    "unreadable": "the input file or archive member could not be read",
    "corrupt_archive": "a gzip or WARC archive is damaged; records before the damage are kept",
    "invalid_jsonl": "a JSONL line is not a JSON object with an 'html' or 'text' field",
    "checksum_mismatch": "the bytes differ from the sha256 of the manifest or the WARC digest",
    "invalid_manifest": "a manifest row (or the whole manifest) cannot be used",
    "too_large": "the page or line exceeds a size limit (bytes, HTML elements or attributes)",
    "too_deep": "a JSONL line nests arrays or objects deeper than the recipe's [limits] allow",
    "symlink_loop": "a symbolic link leads back to a folder already read, or to itself",
    # decoding and parsing the page
    "empty": "the page has no content (zero bytes or only whitespace), or an archive no page",
    "binary": "the page holds binary data, not text or HTML",
    "undecodable": "the page's bytes could not be decoded as text in any known encoding",
    "no_parser": "no registered parser recognises the page (another site or format)",
    "not_article": "the page is not an article (home, listing, product, forum, docs, error ...)",
    "truncated": "the page ends before the article does (no tags, footer or closing markup)",
    "no_body": "the page has an article header but no body text",
    "boilerplate_body": "the extracted body is page chrome (a navigation menu), not an article",
    "invalid_record": "the parsed fields do not satisfy the record contract",
    "parser_error": "a parser failed unexpectedly on this page (a bug worth reporting)",
    "worker_failed": "processing the page crashed or failed its worker, even when run alone",
    "parse_timeout": "parsing the page ran past the recipe's [limits] parse_timeout_seconds",
    # table checks (broadsheet.checks.table): a row failing one is quarantined with its name
    "unique_id": "another row of the table has the same id",
    "unique_url": "another row of the table has the same URL",
    "counts_non_negative": "word_count, reading_time_minutes or share_count is negative",
    "word_count_matches_text": "word_count differs from the number of words in text",
    "text_word_count": "the text has fewer or more words than the recipe's bounds",
    "title_length": "the title has fewer or more characters than the recipe's bounds",
    "no_chrome_in_text": "the text holds page chrome (a marker line or a related headline)",
    "language_matches_publisher": "the detected language is not the publisher's language",
    "published_not_before_launch": "published before the publisher's launch (or earliest date)",
    "published_not_after_capture": "published after the page was captured",
    "captured_after_not_before_published": "the capture lower bound is before the publication date",
    "tags_unique": "the same tag is listed more than once",
    # whole-table stage
    "duplicate": "another copy of the article was kept (same URL, or publisher + title + time)",
    "near_duplicate": "a near-duplicate of the article was kept (recipe [corpus] policy keep_one)",
}


class BroadsheetError(Exception):
    """Base error: a machine-readable ``code`` and a message a person understands."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def __reduce__(self) -> tuple[type[BroadsheetError], tuple[str, str]]:
        # Keeps code and message intact when the error crosses a process boundary.
        return (type(self), (self.code, self.message))


class PageError(BroadsheetError):
    """A page could not become a record (raised by decoding, parser selection and parsers).

    ``page_type`` names what a ``not_article`` page is instead (listing, product, forum,
    ...; see :mod:`broadsheet.parsers.pagetype`), so the build can count refusals by type.
    """

    def __init__(self, code: str, message: str, page_type: str | None = None) -> None:
        super().__init__(code, message)
        self.page_type = page_type

    def __reduce__(  # type: ignore[override]  # one more argument than the base error
        self,
    ) -> tuple[type[PageError], tuple[str, str, str | None]]:
        return (type(self), (self.code, self.message, self.page_type))


class SourceError(BroadsheetError):
    """An input could not be read (file, gzip, WARC or JSONL level)."""


class UsageError(BroadsheetError):
    """The user asked for something impossible (bad option, existing release, missing recipe)."""
