"""Card: the dataset card's statistics, bias measures and Markdown.

Statistics are folded record by record (:mod:`broadsheet.card.stats`), the framing lexicon
and speaker patterns live in :mod:`broadsheet.card.lexicon` and
:mod:`broadsheet.card.speakers`, and :mod:`broadsheet.card.render` writes the card. Imports
:mod:`broadsheet.records`, :mod:`broadsheet.recipe` and :mod:`broadsheet.errors`.
"""
