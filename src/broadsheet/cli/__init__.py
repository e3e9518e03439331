"""The command line: ``broadsheet build``, ``parse``, ``validate``, ``schema`` and the rest.

The top stage: it may import every other stage, and nothing imports it.
"""
