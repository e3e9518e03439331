"""``python -m broadsheet.cli``: the same as the ``broadsheet`` command."""

from broadsheet.cli.main import main

main()
