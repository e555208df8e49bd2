"""Filled OPPs read back during a run: last school year's OPPs for `opp genereer --vervolg` (merged with
the export by rules/vervolg.py), and an edited OPP in a conflict, to say what the export changed
(rules/compare.py). The file work around those two pure rules: finding the documents, reading them
(read/form_reader.py, read/form_records.py) and turning the outcome into findings."""

from __future__ import annotations

import os
from dataclasses import fields, replace
from pathlib import Path
from typing import TypeVar

from .domain.errors import InputError
from .domain.findings import Finding, Location, Severity
from .domain.form_rules import ROW_TAG
from .domain.records import Opp
from .read.convert import match_key
from .read.form_reader import FormRead, read_form
from .read.form_records import ReadOpp, form_opp
from .rules import compare, vervolg
from .write.files import is_link
from .write.identity import NUMBER_TAG, is_candidate, number_in_file_name
from .write.manifest import input_hash
from .write.writer import Outcome, Written

T = TypeVar("T")  # pipeline.Task: a dataclass with the student's opp and the target file

_SIGNER = {"antwoord": "opp.instemming_{}", "datum": "opp.datum_ondertekening_{}",
           "perspectief_besproken": "opp.perspectief_besproken_{}"}


def follow_up(tasks: list[T], folder: Path | None, year: str) -> tuple[list[T], list[Finding]]:
    """`--vervolg MAP`: every task whose student has an OPP in last year's `folder` gets the merged
    record (a vervolg.NextOpp: with last year's goals, and the hash of that document, so that an edit
    there updates this year's OPP); the others stay as they are, with an info finding. No folder (no
    --vervolg): the tasks as they are. A folder that does not exist: InputError (66)."""
    if folder is None:
        return tasks, []
    if not folder.is_dir():
        raise InputError(f"{folder}: de map met de OPP's van vorig schooljaar (--vervolg) bestaat niet of "
                         "is geen map; geef de map van dat schooljaar, bijvoorbeeld output/2026-2027")
    found: list[Finding] = []
    last = last_year_opps(folder, found)
    out = []
    for task in tasks:
        number = task.opp.leerling.leerlingnummer
        read = last.get(match_key(number))
        if read is None:
            found.append(_finding(Severity.INFO, task.opp, f"geen OPP van vorig schooljaar in {folder}: een "
                                                           "OPP zonder gegevens van vorig jaar"))
            out.append(task)
            continue
        out.append(_followed(task, read, year, found))
    return out, found


def _followed(task: T, read: FormRead, year: str, found: list[Finding]) -> T:
    path = read.path
    if not read.readable:
        found.append(_finding(Severity.WARNING, task.opp, f"het OPP van vorig schooljaar ({path.name}) kan "
                                                          f"niet worden gelezen: {read.reason}; een OPP "
                                                          "zonder gegevens van vorig jaar"))
        return task
    last, _ = form_opp(read, task.opp.leerling.leerlingnummer)
    last = as_shown(last)
    opp, vorige_doelen, differences = vervolg.next_plan(last, task.opp, year, shown_fields(read))
    differ = ("; de export wijkt af van dat OPP en geldt: " + "; ".join(differences)) if differences else ""
    found.append(_finding(Severity.INFO, task.opp, (
        f"vervolg op het OPP van vorig schooljaar ({path.name}): versie {opp.leerling.versie}, "
        f"{len(vorige_doelen)} vorige doelen{differ}")))
    opp = vervolg.NextOpp(**{f.name: getattr(opp, f.name) for f in fields(Opp)},
                          vorige_doelen=vorige_doelen, vorig_document=input_hash(last.opp))
    return replace(task, opp=opp)


def last_year_opps(folder: Path, found: list[Finding]) -> dict[str, FormRead]:
    """match_key(leerlingnummer) -> the OPP in `folder` (and its class folders), read: the number in the
    document (the control tagged leerling.leerlingnummer), else in the name 'OPP_<nr>...'. Two files for
    one student: the one with the number in the document, then the newest; a warning names both."""
    ranked: dict[str, tuple[tuple, FormRead]] = {}
    for path in _candidates(folder):
        read = read_form(path)
        in_document = read.first(NUMBER_TAG)
        number = str(in_document) if in_document else number_in_file_name(path.stem)
        if number is None:
            continue
        key, rank = match_key(number), (bool(in_document), os.stat(path).st_mtime_ns)
        if key in ranked:
            kept, other = sorted((ranked[key], (rank, read)), key=lambda r: r[0], reverse=True)
            found.append(Finding(Severity.WARNING, Location(str(kept[1].path)), (
                f"twee OPP's van vorig schooljaar voor leerling {number}: {kept[1].path.name} wordt "
                f"gebruikt, {other[1].path.name} niet"), number))
            ranked[key] = kept
        else:
            ranked[key] = (rank, read)
    return {key: read for key, (_, read) in ranked.items()}


def _candidates(folder: Path) -> list[Path]:
    """The plain .docx files below `folder` that may be OPPs (write/identity.py's rule); no links, not
    into linked folders (os.walk's default)."""
    out = []
    for root, _, names in os.walk(folder):
        out += [p for name in names if is_candidate(name) and not is_link(p := Path(root) / name)]
    return sorted(out)


def as_shown(read: ReadOpp) -> ReadOpp:
    """The record as the export would give it: the form shows a vaststelling of an earlier year as
    'Vorige vaststelling' (a computed field), the record keeps it as datum_vaststelling."""
    earlier = read.computed.get("opp.vorige_vaststelling")
    leerling = read.opp.leerling
    if leerling.datum_vaststelling is None and earlier is not None and not isinstance(earlier, (str, bool)):
        leerling = replace(leerling, datum_vaststelling=earlier)
    return replace(read, opp=replace(read.opp, leerling=leerling))


def shown_fields(read: FormRead) -> frozenset[str]:
    """The field names the document has a control for: 'doel[2].resultaat' is 'doel.resultaat', a check
    box 'opp.aanleiding=…' is 'opp.aanleiding', an instemming block the Leerling's column it fills."""
    out = set()
    for tag in read.values:
        path = tag.partition("=")[0]
        row = ROW_TAG.match(path)
        if row is None:
            out.add(path)
        elif row.group(1) == "instemming":
            out.add(_SIGNER.get(row.group(3), "").format(row.group(2)))
        else:
            out.add(f"{row.group(1)}.{row.group(3)}")
    return frozenset(out | ({"ouder.gezag"} if "ouder.gezag_antwoord" in out else set()))


def conflict_findings(task, done: Written) -> list[Finding]:
    """After writing `task` (pipeline.Task): for a conflict, what the export changed; else nothing."""
    return [conflict_finding(task.opp, task.target, done.extra)] if done.outcome is Outcome.CONFLICT else []


def conflict_finding(opp: Opp, edited: Path, beside: Path | None) -> Finding:
    """A conflict (edited in Word, and the export changed): what the export says otherwise than the
    edited document, field by field; or why the document could not be read back."""
    new = f"; de nieuwe versie staat in '{beside.name}'" if beside is not None else ""
    read = read_form(edited)
    if not read.readable:
        return Finding(Severity.WARNING, Location(str(edited)), (
            f"bewerkt in Word en de export is gewijzigd{new}. Het bewerkte OPP kon niet worden teruggelezen "
            f"({read.reason}): vergelijk de twee versies zelf"), opp.leerling.leerlingnummer)
    document, _ = form_opp(read, opp.leerling.leerlingnummer)
    found = compare.differences(as_shown(document).opp, opp, shown_fields(read))
    what = ("gewijzigd in de export: " + "; ".join(found) if found else
            "geen verschil in de velden van de export gevonden (wel in het sjabloon of in berekende velden)")
    return Finding(Severity.WARNING, Location(str(edited)),
                   f"bewerkt in Word en de export is gewijzigd{new}; {what}", opp.leerling.leerlingnummer)


def _finding(severity: Severity, opp: Opp, message: str) -> Finding:
    where = opp.leerling.origin.location("leerlingnummer") if opp.leerling.origin else Location("Leerlingen")
    return Finding(severity, where, message, opp.leerling.leerlingnummer)
