"""One hierarchy of errors; str(error) is the complete Dutch message for the user."""

from __future__ import annotations


class OppError(Exception):
    """Base of every error a user can act on. Its exit code is documented in README."""

    exit_code = 1


class InputError(OppError):
    """An input file cannot be read at all (missing, not a workbook, unsafe container)."""

    exit_code = 66


class TemplateError(OppError):
    """The Word template is unusable: syntax, unknown fields, unsafe content."""

    exit_code = 78


class OutputError(OppError):
    """The output folder cannot be created or written; nothing was written."""

    exit_code = 73


class WriteError(OppError):
    """Writing failed half-way through the run (disk full, I/O error)."""

    exit_code = 74


class FileBusyError(WriteError):
    """One file is held by another program (open in Word); that student is skipped, the run goes on."""

    exit_code = 75


class RenderError(OppError):
    """One student's document could not be rendered; the batch goes on without it."""

    exit_code = 65
