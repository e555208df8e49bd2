"""`python -m generator` and the `opp` command run the `opp` command."""

import sys


def start() -> None:
    """Loading the command's modules takes a good part of a second: a Ctrl-C meanwhile also ends in
    Dutch with 130, not in a traceback (nothing has been written yet). A module that cannot be loaded at
    all (a broken installation) ends in one Dutch line and 70, like any unexpected error."""
    try:
        from .cli import main
    except KeyboardInterrupt:
        print("Afgebroken.", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:
        sys.exit(_cannot_load(exc))
    main()


def _cannot_load(exc: Exception) -> int:
    """The log of an unexpected error if that part still loads; else the line alone."""
    try:
        from .cli_output import report_unexpected
    except Exception:
        print(f"Onverwachte fout ({type(exc).__name__}) bij het laden van opp-generator; installeer het "
              "opnieuw of meld dit bij wie opp-generator beheert.", file=sys.stderr)
        return 70
    return report_unexpected(exc)


if __name__ == "__main__":
    start()
