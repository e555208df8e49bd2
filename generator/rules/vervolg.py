"""The next version of an OPP (`opp genereer --vervolg`): last school year's filled OPP, read back, plus
this year's export -> this year's record (a bijgesteld OPP) and last year's goals with their results.

The export wins for every value it holds. Otherwise what the school wrote last year stays: texts,
choices, factoren, afspraken, the uitstroom part, the onderwijsbehoefte, betrokkenen, the parents and
their gezag. What happened in last year's procedure is no fact of this year's plan and is not carried:
the hoorrecht, the overleg with the parents, the evaluation, the instemming and signatures, the
vaststelling; nor the class, the year and the mentor, which are this year's. Last year's vaststelling
becomes this plan's previous one (opp_rules.vorige_vaststelling), last year's evaluation its last
evaluation. Pure: records in, records out."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, fields, replace

from ..domain.fields import LEERLINGEN
from ..domain.records import Doel, Factor, Leerling, Opp
from ..domain.registry import FIELDS
from ..read.form_records import ReadOpp
from . import compare
from .opp_rules import schooljaar

BIJGESTELD = "Bijgesteld OPP"
# Leerling attributes last year's document does not pass on (see the module docstring)
NOT_CARRIED = frozenset({
    "klas", "leerjaar", "mentor",  # this school year's, from the export
    "soort", "versie", "vervangt_versie_van", "opgesteld_door", "einddatum",  # this version's own
    "datum_vaststelling", "datum_laatste_evaluatie",  # set below from last year's
    "datum_hoorrecht", "wijze_hoorrecht", "mening_leerling", "mening_meegewogen",
    "datum_overleg_ouders", "aanwezig_overleg", "inbreng_ouders", "overeenstemming_perspectief",
    "datum_evaluatie", "aanwezig_evaluatie", "effect_ondersteuning", "uitstroom_na_evaluatie", "besluit",
    "instemming_ouder1", "perspectief_besproken_ouder1", "datum_ondertekening_ouder1",
    "instemming_ouder2", "perspectief_besproken_ouder2", "datum_ondertekening_ouder2",
    "opmerkingen_ouders", "besproken_met_leerling", "instemming_leerling", "datum_ondertekening_leerling",
    "vastgesteld_door", "functie_vaststeller", "geregistreerd_duo", "gedeeld_met_swv",
    "leerlingnummer", "volledige_naam", "origin",
})
# Lists the new plan makes anew: this year's goals and their support come from the export (last year's
# goals are shown as 'Vorige doelen'), the documents are the export's references.
NOT_CARRIED_ROWS = ("doel", "steun", "document")


@dataclass(frozen=True, slots=True)
class NextOpp(Opp):
    """An Opp made with last year's OPP: also last year's goals with their results ('Vorige doelen' on
    the form) and the hash of that document. Both are part of the record, so of its input hash
    (write/manifest.py): an edit in last year's OPP updates this year's unedited one. An Opp without
    them hashes as before (fields at their default are left out)."""

    vorige_doelen: tuple[Doel, ...] = ()
    vorig_document: str = ""  # sha256 of what was read from last year's document


def next_plan(last: ReadOpp, export: Opp, year: str, shown: Collection[str] | None = None
              ) -> tuple[Opp, tuple[Doel, ...], list[str]]:
    """This year's record, last year's goals (with their results) and where the export overrides what
    last year's document said (compare.differences, for the check report; `shown`: the fields last
    year's document has a control for)."""
    old, new = last.opp.leerling, export.leerling
    leerling = replace(new, **{f.name: getattr(old, f.name) for f in fields(Leerling)
                               if f.name not in NOT_CARRIED and compare.is_empty(getattr(new, f.name))})
    set_before = old.datum_vaststelling if old.datum_vaststelling and schooljaar(
        old.datum_vaststelling) < year else None
    leerling = replace(
        leerling, soort=new.soort or BIJGESTELD, versie=new.versie or next_version(old.versie),
        vervangt_versie_van=new.vervangt_versie_van or old.datum_vaststelling,
        datum_vaststelling=new.datum_vaststelling or set_before,
        datum_laatste_evaluatie=(new.datum_laatste_evaluatie or old.datum_evaluatie
                                 or old.datum_laatste_evaluatie))
    opp = replace(export, leerling=leerling,
                  ouders=_merged_rows(export.ouders, last.opp.ouders, "naam", new.leerlingnummer),
                  betrokkenen=export.betrokkenen or _renumbered(last.opp.betrokkenen, new.leerlingnummer),
                  factoren=_factors(export.factoren, last.opp.factoren, new.leerlingnummer))
    previous = tuple(d for d in last.opp.doelen if d.omschrijving or d.resultaat)
    compared = carried_fields() if shown is None else carried_fields() & frozenset(shown)
    return opp, previous, compare.differences(last.opp, export, compared)


def next_version(versie: str) -> str:
    """Last year's version plus one; '2' after a version that is no number (or none)."""
    text = versie.strip()
    return str(int(text) + 1) if text.isdigit() else "2"


def carried_fields() -> frozenset[str]:
    """The field names a difference between the export and last year's document matters for: what last
    year's document would have passed on."""
    return frozenset(f.path for f in FIELDS
                     if (f.sheet is LEERLINGEN and f.name not in NOT_CARRIED)
                     or (f.sheet is not LEERLINGEN and f.path.split(".")[0] not in NOT_CARRIED_ROWS)
                     ) | {"ouder.gezag"}


def _renumbered(rows: tuple, leerlingnummer: str) -> tuple:
    """Last year's rows under this year's student number (the same student, perhaps written as '0123')."""
    return tuple(replace(r, leerlingnummer=leerlingnummer) for r in rows)


def _merged_rows(export: tuple, last: tuple, key: str, leerlingnummer: str) -> tuple:
    """The export's rows, each empty value filled from last year's row of the same name (a parent's gezag
    the export does not state); no rows in the export: last year's."""
    if not export:
        return _renumbered(last, leerlingnummer)
    before = {" ".join(getattr(r, key).casefold().split()): r for r in last}
    out = []
    for row in export:
        old = before.get(" ".join(getattr(row, key).casefold().split()))
        if old is not None:
            row = replace(row, **{f.name: getattr(old, f.name) for f in fields(row)
                                  if f.name not in ("leerlingnummer", "origin")
                                  and compare.is_empty(getattr(row, f.name))})
        out.append(row)
    return tuple(out)


def _factors(export: tuple[Factor, ...], last: tuple[Factor, ...], leerlingnummer: str) -> tuple[Factor, ...]:
    """Per domain and side: the export's text, else last year's."""
    ours, theirs = compare.by_domain(export), compare.by_domain(last)
    names = {f.domein.casefold(): f.domein for f in (*last, *export)}
    out = []
    for key in dict.fromkeys([*ours, *theirs]):
        sides = {side: ours.get(key, {}).get(side) or theirs.get(key, {}).get(side, "")
                 for side in ("bevorderend", "belemmerend")}
        out.append(Factor(leerlingnummer, names[key], **sides))
    return tuple(out)
