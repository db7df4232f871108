"""``python -m blockwatch`` runs the command line."""

from blockwatch._entry import main

if __name__ == "__main__":
    main()
