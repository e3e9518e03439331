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
    # decoding and parsing the page
    "empty": "the page has no content (zero bytes or only whitespace)",
    "binary": "the page holds binary data, not text or HTML",
    "undecodable": "the page's bytes could not be decoded as text in any known encoding",
    "no_parser": "no registered parser recognises the page (another site or format)",
    "not_article": "the page is not an article (home, index, listing, tag or error page)",
    "truncated": "the page ends before the article does (no tags, footer or closing markup)",
    "no_body": "the page has an article header but no body text",
    "invalid_record": "the parsed fields do not satisfy the record contract",
    "parser_error": "a parser failed unexpectedly on this page (a bug worth reporting)",
    # whole-table stage
    "duplicate": "another record of the same article was kept (same URL, or publisher + title + time)",
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
    """A page could not become a record (raised by decoding, parser selection and parsers)."""


class SourceError(BroadsheetError):
    """An input could not be read (file, gzip, WARC or JSONL level)."""


class UsageError(BroadsheetError):
    """The user asked for something impossible (bad option, existing release, missing recipe)."""
