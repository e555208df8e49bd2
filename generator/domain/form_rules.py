"""What writing a form and reading it back must agree on: the tag of a control in a repeated row, the
generic prompts of an empty control, and the limits of a Word file we open. form/ writes by these,
read/ reads by them (docs/formulier-tags.md); read/ may not import form/, so they live here."""

from __future__ import annotations

import re

# 'doel[2].resultaat': owner, row key, field name
ROW_TAG = re.compile(r"^([a-z_]+)\[([^\]]*)\]\.([a-z_0-9]+)$")
# The prompt of an empty control whose field has no placeholder of its own
PROMPT_TEXT, PROMPT_DATE, PROMPT_ITEM = "Vul hier in.", "Kies een datum.", "Kies een item."
# A .docx is a form: the built-in template is 0.9 MB unpacked in 19 members; a logo or two adds a few MB.
DOCX_MAX_BYTES = 20 * 2**20  # on disk and unpacked (all members together)
DOCX_MAX_MEMBERS = 500
DOCX_MAX_RATIO = 100  # unpacked : packed, of the whole file and of any member bigger than DOCX_RATIO_FROM
DOCX_RATIO_FROM = 2**20  # small XML parts legitimately pack better than 1:100


def row_tag(path: str, key: str) -> str:
    """The tag of field `path` ('doel.resultaat') in the row with key `key` ('2'): 'doel[2].resultaat'."""
    owner, name = path.rsplit(".", 1)
    return f"{owner}[{key}].{name}"
