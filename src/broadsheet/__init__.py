"""broadsheet: turn scraped news pages into a validated, versioned, documented dataset."""

__version__ = "0.3.0"
