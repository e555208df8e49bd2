"""`python -m generator` runs the `opp` command."""

from .cli import main

main()
