"""``python -m blockwatch`` runs the command line."""

from blockwatch._entry import main

main()
