"""Validate: check a release folder as a user receives it, trusting nothing in it.

Checksums, Parquet files against the schema, the checks re-run from the stored settings,
the card's YAML and Croissant against the data; reports as text, JSON, JUnit or Markdown.
Imports the stages below it (records, checks, release), never build or cli.
"""
