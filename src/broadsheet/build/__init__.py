"""Build: from sources to a release folder.

The per-page pipeline, the engines that run it (serial, processes, Dask), the staging area,
the shards, de-duplication, progress and the build report. Imports every stage below it
(sources, parsers, records, checks, card, release), never validate or cli.
"""
