"""``python -m blockwatch`` runs the command line."""

from blockwatch.cli import main

main()
