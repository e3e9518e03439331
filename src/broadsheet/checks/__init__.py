"""Checks: field-quality rules over article tables (pandera on polars).

Each rule has a stable snake_case name that is also the quarantine reason code of a row that
fails it. Imports :mod:`broadsheet.records`, :mod:`broadsheet.recipe` and
:mod:`broadsheet.errors`.
"""
