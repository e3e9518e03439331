"""Card: the dataset card's statistics, bias measures, figures and Markdown.

Statistics are folded record by record (:mod:`broadsheet.card.stats`, per publisher in
:mod:`broadsheet.card.outlets`), the framing lexicon and speaker patterns live in
:mod:`broadsheet.card.lexicon` and :mod:`broadsheet.card.speakers`, the charts in
:mod:`broadsheet.card.figures`, and :mod:`broadsheet.card.render` fills the card's Jinja2
template (:mod:`broadsheet.card.template`). Imports :mod:`broadsheet.records`,
:mod:`broadsheet.recipe` and :mod:`broadsheet.errors`.
"""
