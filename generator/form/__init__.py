"""The Word form: context, content controls, the template check, compile and render, the docx zip; and the
built-in template, package data beside this file (`pip install` carries it)."""

from pathlib import Path

BUILTIN_TEMPLATE = Path(__file__).resolve().parent / "templates" / "opp-swv-amsterdam-diemen.docx"
