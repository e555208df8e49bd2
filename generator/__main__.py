"""`python -m generator` and the `opp` command run the `opp` command."""

import sys


def start() -> None:
    """Loading the command's modules takes a good part of a second: a Ctrl-C meanwhile also ends in
    Dutch with 130, not in a traceback (nothing has been written yet)."""
    try:
        from .cli import main
    except KeyboardInterrupt:
        print("Afgebroken.", file=sys.stderr)
        sys.exit(130)
    main()


if __name__ == "__main__":
    start()
