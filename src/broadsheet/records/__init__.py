"""Records: the article model (pydantic), its Arrow schema, and the quarantine outcome.

The bottom stage: it imports nothing of broadsheet but :mod:`broadsheet.errors`, and every
other stage may import it.
"""
