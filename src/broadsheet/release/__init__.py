"""Release: what a release is on disk.

Parquet shards and their layout, the content fingerprint, checksums, the Hugging Face front
matter, Croissant metadata, and the comparison of two releases' files. Imports
:mod:`broadsheet.records`, :mod:`broadsheet.recipe` and libraries.
"""
