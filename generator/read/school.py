"""The school's own data, the same on every OPP: `school.toml` beside the first export, or `--school PAD`.

    [school]
    naam = "Voorbeeldcollege Amsterdam"
    brin = "99XX"
    vestiging = "00"
    bevoegd_gezag = "Stichting Voorbeeld Onderwijs"
    samenwerkingsverband = "Samenwerkingsverband VO Amsterdam-Diemen"

    [ondersteuningscoordinator]
    naam = "mw. A. Jansen"
    email = "a.jansen@voorbeeldcollege.nl"
    telefoon = "020 123 4567"

What stops the run and what does not follows the project's rule that an OPP is a form:

- **InputError (66, like the export and the column mapping)**: a file that cannot be read as a school file
  (`--school` names nothing, a folder, over 64 kB, not UTF-8, not TOML) and an unknown section or key. A
  typo such as `bring = "99XX"` would otherwise drop the BRIN from every OPP without a word; the
  coordinator fixes one line and runs again. 66, not a new 78: for the user it is one more input file,
  and README's table already says what 66 means for the column mapping.
- **Warning (the field stays open on every form, the run goes on)**: a value that is not text, a BRIN,
  vestiging, e-mail address or phone number that is not one, a control character, or an over-long text.
  Withholding 45 OPPs for one typo in a phone number would be worse than an open field.

There is no default samenwerkingsverband: a school with its own template may belong to another SWV, and a
wrong name on a legal document is worse than an open field. The example file fills it in.
"""

from __future__ import annotations

import difflib
import json
import re
import stat
import tomllib
import unicodedata
from dataclasses import asdict, replace
from pathlib import Path

from ..domain.errors import InputError
from ..domain.findings import Finding, Location, Severity
from ..domain.records import School
from .convert import parse_email

SCHOOL_FILE = "school.toml"
MAX_BYTES = 64 * 1024  # a school file is a dozen lines; anything this big is some other file
MAX_LENGTH = 200  # characters in one value: a name, not a paragraph
NO_SCHOOL = School()

# section -> key -> School attribute: the only place the file's words are written
KEYS: dict[str, dict[str, str]] = {
    "school": {"naam": "naam", "brin": "brin", "vestiging": "vestiging", "bevoegd_gezag": "bevoegd_gezag",
               "samenwerkingsverband": "samenwerkingsverband"},
    "ondersteuningscoordinator": {"naam": "coordinator_naam", "email": "coordinator_email",
                                  "telefoon": "coordinator_telefoon"},
}
_OPTIONAL = {"vestiging"}  # not named in the 'open op het formulier' line
_EXAMPLE = 'naam = "Voorbeeldcollege" onder [school]'

_BRIN = re.compile(r"[0-9]{2}[A-Z0-9]{2}")
_VESTIGING = re.compile(r"[0-9]{2}")
_PHONE = re.compile(r"\+?\(?[0-9][0-9 ()./-]*")
_PHONE_DIGITS = range(6, 16)  # 06-nummers, vaste nummers, +31 ...; never a single digit or 30
_TOML_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)$|\s*\(at end of document\)$")
_TOML_REASONS = {  # tomllib's reasons that a coordinator is likely to meet, in Dutch
    "Invalid value": "ongeldige waarde; zet tekst tussen aanhalingstekens",
    "Unterminated string": "een aanhalingsteken wordt niet gesloten",
    "Illegal character '\\n'": "een aanhalingsteken wordt niet gesloten op deze regel",
    "Expected newline or end of document after a statement": "na de waarde mag alleen # met uitleg staan; "
                                                              "zet tekst tussen aanhalingstekens",
    "Expected '=' after a key in a key/value pair": "verwacht '=' na de sleutel; schrijf een sleutel zonder "
                                                    "spaties of trema, zoals bevoegd_gezag",
    "Expected ']' at the end of a table declaration": "verwacht ']' aan het eind van de sectienaam; schrijf "
                                                      "hem zonder trema, zoals [ondersteuningscoordinator]",
    "Invalid statement": "ongeldige regel",
    "Cannot overwrite a value": "deze sleutel staat er twee keer",
    "Invalid initial character for a key part": "ongeldig teken aan het begin van een sleutel",
}
_TOML_PREFIXES = {"Cannot declare": "deze sectie staat er twee keer",
                  "Illegal character": "stuurteken of tab in de tekst",
                  "Found invalid character": "ongeldig teken"}


def school_hash_parts(school: School | None) -> tuple[str, ...]:
    """The school's part of each OPP's input hash (manifest.input_hash): nothing without school data, so
    the hashes of OPPs made before school.toml existed stay the same; else one text of every field."""
    if school is None or school == NO_SCHOOL:
        return ()
    return (json.dumps(asdict(school), sort_keys=True, ensure_ascii=False),)


def find_school_file(inputs: list[Path], explicit: Path | None) -> Path | None:
    """The school file of a run: `--school` as given (read_school reports it if it is missing), else
    school.toml beside the first export, else None."""
    if explicit is not None:
        return explicit
    if not inputs:
        return None
    candidate = Path(inputs[0]).parent / SCHOOL_FILE
    return candidate if candidate.is_file() else None


def school_for_run(inputs: list[Path], explicit: Path | None) -> tuple[School, list[Finding]]:
    """What one run puts on every OPP, with its findings; no file is fine (one info line)."""
    path = find_school_file(inputs, explicit)
    if path is None:
        where = Location(str(Path(inputs[0]).parent / SCHOOL_FILE) if inputs else SCHOOL_FILE)
        return NO_SCHOOL, [Finding(Severity.INFO, where, (
            "geen schoolbestand gevonden: naam, BRIN, bevoegd gezag en ondersteuningscoördinator blijven "
            "open op het formulier; zet ze één keer in school.toml naast de export (zie README, "
            "'Schoolgegevens')"))]
    return read_school(path)


def read_school(path: Path) -> tuple[School, list[Finding]]:
    """Read one school file. A file that is no school file raises InputError naming the file, line and
    key; a bad value becomes an empty field with one warning (see the module docstring)."""
    text = _read_text(path)
    data = _parse(path, text)
    lines = _KeyLines(text)
    _refuse_unknown(path, data, lines)
    school, findings = NO_SCHOOL, []
    for section, keys in KEYS.items():
        table = data.get(section, {})
        for key, attribute in keys.items():
            if key not in table:
                continue
            value, problem = _checked(key, table[key])
            if problem:
                findings.append(_warning(path, lines.line(section, key), section, key, problem))
            else:
                school = replace(school, **{attribute: value})
    return school, [_summary(path, school), *findings]


# --- reading the file ----------------------------------------------------------------------------------

def _read_text(path: Path) -> str:
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):  # a folder, or a pipe that would keep the run waiting
            what = "een map" if stat.S_ISDIR(mode) else "geen gewoon bestand"
            raise InputError(f"{path}: is {what}, geen schoolbestand; geef het pad van school.toml")
        with path.open("rb") as f:
            raw = f.read(MAX_BYTES + 1)
    except FileNotFoundError as exc:
        raise InputError(f"schoolbestand niet gevonden: {path.absolute()}") from exc
    except OSError as exc:
        raise InputError(f"{path}: schoolbestand kan niet worden gelezen "
                         f"({exc.strerror or exc.__class__.__name__})") from exc
    if len(raw) > MAX_BYTES:
        raise InputError(f"{path}: groter dan {MAX_BYTES // 1024} kB, dus geen schoolbestand (dat is een "
                         "tiental regels); geef met --school het juiste bestand")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise InputError(f"{path}, regel {line}: het schoolbestand is geen UTF-8-tekst (byte "
                         f"0x{raw[exc.start]:02X}); sla het op met codering UTF-8 (Kladblok: Opslaan als, "
                         "Codering UTF-8)") from exc


def _parse(path: Path, text: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{_toml_place(path, str(exc))}: het schoolbestand is geen geldige TOML "
                         f"({_toml_reason(str(exc))}); verwacht regels als {_EXAMPLE}") from exc


def _toml_place(path: Path, message: str) -> str:
    at = _TOML_AT.search(message)
    return f"{path}, regel {at.group(1)}" if at and at.group(1) else f"{path}, aan het eind"


def _toml_reason(message: str) -> str:
    reason = _TOML_AT.sub("", message)
    if reason in _TOML_REASONS:
        return _TOML_REASONS[reason]
    dutch = next((d for prefix, d in _TOML_PREFIXES.items() if reason.startswith(prefix)), None)
    return dutch or f"TOML zegt: {reason}"


class _KeyLines:
    """The line of a section or key in the file, for messages: tomllib does not say where a key stood."""

    _HEADER = re.compile(r'\s*\[\s*"?([^\]"]*?)"?\s*\]')
    _KEY = re.compile(r'\s*"?([^"=\s]+)"?\s*=')

    def __init__(self, text: str) -> None:
        self.lines: dict[tuple[str, str], int] = {}
        section = ""
        for number, line in enumerate(text.splitlines(), 1):
            if header := self._HEADER.match(line):
                section = _plain(header.group(1))
                self.lines.setdefault((section, ""), number)
            elif key := self._KEY.match(line):
                self.lines.setdefault((section, _plain(key.group(1))), number)

    def line(self, section: str, key: str = "") -> int | None:
        return self.lines.get((_plain(section), _plain(key)))


def _plain(name: str) -> str:
    """A section or key name without accents and case: [Ondersteuningscoördinator] is the same section."""
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).casefold()


# --- what the file may hold ----------------------------------------------------------------------------

def _refuse_unknown(path: Path, data: dict, lines: _KeyLines) -> None:
    """An unknown section or key is an error: a typo would silently leave a field open on every OPP."""
    problems = []
    for name, value in list(data.items()):
        section = _plain(name)
        if section in KEYS and isinstance(value, dict):
            data[section] = {_plain(k): v for k, v in value.items()}
            problems += [_unknown_key(path, lines, section, key) for key in value
                         if _plain(key) not in KEYS[section]]
        else:
            problems.append(_unknown_section(path, lines, name, value))
    if problems:
        raise InputError("; ".join(problems))


def _unknown_key(path: Path, lines: _KeyLines, section: str, key: str) -> str:
    allowed = list(KEYS[section])
    return (f"{_place(path, lines.line(section, key))}: onbekende sleutel '{key}' in [{section}]"
            f"{_did_you_mean(key, allowed)}; toegestaan: {', '.join(allowed)}")


def _unknown_section(path: Path, lines: _KeyLines, name: str, value: object) -> str:
    if not isinstance(value, dict):  # a key above every section, or [[school]]
        place = _place(path, lines.line("", name) or lines.line(name))
        owner = next((s for s, keys in KEYS.items() if _plain(name) in keys), None)
        if owner:
            return f"{place}: '{name}' staat niet onder een sectie; zet [{owner}] erboven"
        if _plain(name) in KEYS:
            return f"{place}: '{name}' moet een sectie zijn: schrijf [{_plain(name)}] op een eigen regel"
    return (f"{_place(path, lines.line(name))}: onbekende sectie [{name}]{_did_you_mean(name, list(KEYS))}; "
            f"toegestaan: {', '.join(f'[{s}]' for s in KEYS)}")


def _did_you_mean(word: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(_plain(word), allowed, n=1, cutoff=0.6)
    return f" (bedoelt u '{close[0]}'?)" if close else ""


def _place(path: Path, line: int | None) -> str:
    return f"{path}, regel {line}" if line else str(path)


def _checked(key: str, value: object) -> tuple[str, str]:
    """(the value as the form shows it, '') or ('', what is wrong and what is expected)."""
    if not isinstance(value, str):
        return "", (f"is geen tekst ({_kind(value)}); zet de waarde tussen aanhalingstekens, bijvoorbeeld "
                    f'{key} = "{_KEY_EXAMPLES.get(key, "...")}"')
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in value):
        return "", ("bevat een onzichtbaar stuurteken (tab, regeleinde of een teken uit geplakte tekst); "
                    "typ de waarde opnieuw in")
    text = " ".join(value.split())
    if not text:
        return "", ""  # left open on purpose
    if len(text) > MAX_LENGTH:
        return "", f"is {len(text)} tekens lang, hooguit {MAX_LENGTH}"
    return _VALUE_CHECKS.get(key, _any_text)(text)


def _kind(value: object) -> str:
    kinds = {bool: "ja/nee", int: "een getal", float: "een getal", list: "een lijst", dict: "een tabel"}
    return next((d for t, d in kinds.items() if isinstance(value, t)), "een datum of tijd")


def _any_text(text: str) -> tuple[str, str]:
    return text, ""


def _brin(text: str) -> tuple[str, str]:
    code = text.upper()
    if _BRIN.fullmatch(code):
        return code, ""
    hint = "; staat de vestiging erachter, zet die dan bij vestiging" if len(code) == 6 else ""
    return "", (f"ongeldige BRIN-code '{text}'; verwacht 4 tekens: 2 cijfers en 2 letters of cijfers, "
                f"bijvoorbeeld 99XX{hint}")


def _vestiging(text: str) -> tuple[str, str]:
    if _VESTIGING.fullmatch(text):
        return text, ""
    return "", f"ongeldig vestigingsnummer '{text}'; verwacht 2 cijfers, bijvoorbeeld 00 of 01"


def _email(text: str) -> tuple[str, str]:
    try:
        return parse_email(text), ""
    except ValueError:
        return "", f"onbruikbaar e-mailadres '{text}'; verwacht naam@school.nl"


def _phone(text: str) -> tuple[str, str]:
    if _PHONE.fullmatch(text) and sum(c.isdigit() for c in text) in _PHONE_DIGITS:
        return text, ""
    what = "telefoonnummer met letters" if any(c.isalpha() for c in text) else "ongeldig telefoonnummer"
    return "", (f"{what} '{text}'; verwacht alleen cijfers, spaties, +, - en haakjes, bijvoorbeeld "
                "020 123 4567")


_VALUE_CHECKS = {"brin": _brin, "vestiging": _vestiging, "email": _email, "telefoon": _phone}
_KEY_EXAMPLES = {"brin": "99XX", "vestiging": "00", "telefoon": "020 123 4567", "email": "naam@school.nl"}


def _warning(path: Path, line: int | None, section: str, key: str, problem: str) -> Finding:
    where = f"regel {line}, " if line else ""
    return Finding(Severity.WARNING, Location(str(path)),
                   f"{where}[{section}] {key}: {problem}; dit veld blijft open op elk OPP")


def _summary(path: Path, school: School) -> Finding:
    """One info line: the school file that was read, and which fields it leaves open."""
    open_fields = [f"[{section}] {key}" for section, keys in KEYS.items() for key, attribute in keys.items()
                   if not getattr(school, attribute) and key not in _OPTIONAL]
    rest = f"; open op het formulier: {', '.join(open_fields)}" if open_fields else ""
    return Finding(Severity.INFO, Location(str(path)), f"schoolgegevens gelezen voor elk OPP{rest}")
