"""Builds input/voorbeeld-export.xlsx: a fictitious Magister-like export of 45 students.

Run `python input/maak_voorbeeld.py`. Every name is made up; any likeness to a real person is chance.
The same seed always gives the same file content.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

DOEL = Path(__file__).with_name("voorbeeld-export.xlsx")
AANTAL = 45

ROEPNAMEN = ["Aisha", "Daan", "Mohamed", "Sanne", "Yusuf", "Lotte", "Kofi", "Noor", "Mateo", "Fatima",
             "Sem", "Priya", "Jayden", "Zeynep", "Liam", "Amira", "Thijs", "Mei", "Rayan", "Julia",
             "Anouk", "Ibrahim", "Esmee", "Tariq", "Chloë", "Kwame", "Sara", "Bilal", "Femke", "Ravi",
             "Nina", "Omar", "Isa", "Lina", "Jesse", "Hanna", "Ayoub", "Zoë", "Milan", "Yara"]
ACHTERNAMEN = [("", "El Idrissi"), ("de", "Vries"), ("", "Bakker"), ("van der", "Meer"), ("", "Yılmaz"),
               ("", "Mensah"), ("", "Kartosen"), ("", "Boukhari"), ("van", "Dijk"), ("", "Nguyen"),
               ("", "Ramdin"), ("de", "Jong"), ("", "Öztürk"), ("", "Asante"), ("van 't", "Hof"),
               ("", "Haddou"), ("", "Sitaldin"), ("", "Visser"), ("", "Pinas"), ("", "García López"),
               ("", "Chaouch"), ("", "Wolters"), ("ten", "Brink"), ("", "Owusu"), ("", "Rahimi")]
KLASSEN = ["1A", "1B", "1C", "2A", "2B", "3K", "3T", "4H"]
SOORTEN = {"1A": "vmbo-bb", "1B": "vmbo-kb", "1C": "vmbo-t/havo", "2A": "vmbo-kb", "2B": "havo",
           "3K": "vmbo-kb", "3T": "vmbo-tl", "4H": "havo"}
MENTOREN = ["mw. J. de Boer", "dhr. A. Tahiri", "mw. S. Ramsaran", "dhr. P. Kuipers", "mw. L. Adjei"]
DOELEN = [("Werkhouding", "Plant huiswerk zelfstandig in de agenda en houdt zich aan de planning.",
           "Vergeet vaak huiswerk", "8 van de 10 weken alles op tijd ingeleverd"),
          ("Sociaal-emotioneel", "Vraagt hulp aan een docent als een opdracht niet lukt.",
           "Loopt vast zonder te vragen", "Vraagt minstens twee keer per week hulp"),
          ("Leervorderingen", "Leest een tekst van niveau 1F en vat hem in drie zinnen samen.",
           "Leesniveau onder 1F", "Toets begrijpend lezen voldoende"),
          ("Cognitief", "Gebruikt een stappenplan bij rekenopgaven.", "Raakt het overzicht kwijt",
           "Stappenplan zichtbaar bij 4 van 5 toetsen"),
          ("Thuissituatie", "Komt elke dag op tijd op school.", "Gemiddeld 2 keer per week te laat",
           "Hooguit 1 keer per maand te laat")]
STEUN = [("Wekelijks planningsgesprek met de mentor", "mentor", "1x per week 15 min", "buiten de klas"),
         ("Faalangstreductietraining", "orthopedagoog", "8 bijeenkomsten van 60 min", "buiten de klas"),
         ("Extra leesbegeleiding", "remedial teacher", "2x per week 30 min", "buiten de klas"),
         ("Time-outkaart en vaste rustplek", "mentor en docenten", "wanneer nodig", "in de klas"),
         ("Gesprek met ouders en leerplicht", "ondersteuningscoördinator", "1x per 6 weken", "op school")]
DOCUMENTEN = [("IOP", "IOP {naam}", "https://lvs.example.nl/dossier/{nr}/iop?versie=1&formaat=docx"),
              ("Plan van aanpak", "Plan van aanpak {naam}", "documenten/plan-van-aanpak-{nr}.docx"),
              ("Onderwijskundig rapport", "OKR basisschool", "https://okr.example.nl/rapport/{nr}")]
AANLEIDINGEN = ["Intake: ondersteuningsbehoefte bekend bij aanmelding",
                "Intake: VO-school stelt extra ondersteuningsbehoefte vast",
                "Ondersteuning overstijgt de basisondersteuning"]


def _leerlingen(rng: random.Random) -> list[list]:
    rows = []
    for i in range(AANTAL):
        tv, achternaam = ACHTERNAMEN[(i * 7) % len(ACHTERNAMEN)]
        roepnaam = ROEPNAMEN[(i * 11) % len(ROEPNAMEN)]
        klas = KLASSEN[i % len(KLASSEN)]
        leerjaar = int(klas[0])
        geboren = date(2014 - leerjaar, 1, 1) + timedelta(days=rng.randrange(0, 365))
        inschrijving = date(2026, 8, 24) if leerjaar == 1 else date(2026 - leerjaar + 1, 8, 20)
        rows.append([f"{20260 + i * 13:06d}", roepnaam, tv, achternaam, geboren, klas, leerjaar,
                     SOORTEN[klas], MENTOREN[i % len(MENTOREN)], inschrijving,
                     "ja", AANLEIDINGEN[i % len(AANLEIDINGEN)]])
    return rows


def _add_parents(ouders, rng: random.Random, i: int, nr: str, achternaam: str) -> None:
    # The rng calls must stay in this order: the seed only gives the same file if the sequence is unchanged.
    ouders.append([nr, f"{rng.choice('AMJSRKN')}. {achternaam}", "moeder", "ja",
                   f"06{rng.randrange(10_000_000, 99_999_999)}", f"ouder.{nr}@example.nl"])
    if i % 3:
        ouders.append([nr, f"{rng.choice('AMJSRKN')}. {achternaam}", "vader", "ja" if i % 4 else "nee",
                       f"06{rng.randrange(10_000_000, 99_999_999)}", ""])


def _add_goals(doelen, i: int, nr: str) -> None:
    for k in range(1 + i % 3):
        domein, target, started, criterium = DOELEN[(i + k) % len(DOELEN)]
        doelen.append([nr, domein, target, started, criterium, date(2026, 9, 1), date(2027, 1, 29 - k)])


def _add_support(steun, i: int, nr: str) -> None:
    for k in range(1 + (i + 1) % 3):
        what, wie, vaak, waar = STEUN[(i + 2 * k) % len(STEUN)]
        steun.append([nr, what, wie, vaak, waar, date(2026, 9, 7), date(2027, 7, 9)])


def _add_documents(docs, i: int, nr: str, roepnaam: str) -> None:
    for k in range(i % 4):
        soort, titel, place = DOCUMENTEN[k]
        docs.append([nr, soort, titel.format(naam=roepnaam), date(2026, 6, 15 + k), place.format(nr=nr)])


def _style(wb: Workbook) -> None:
    for sheet in wb.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, date):
                    cell.number_format = "dd-mm-yyyy"


def bouw() -> Workbook:
    rng = random.Random(2026)
    wb = Workbook()
    ws = wb.active
    ws.title = "Leerlingen"
    ws.append(["Stamnummer", "Roepnaam", "Tussenvoegsel", "Achternaam", "Geboortedatum", "Klas", "Leerjaar",
               "Studie", "Mentor", "Datum inschrijving", "OPP", "Aanleiding OPP"])
    students = _leerlingen(rng)
    for row in students:
        ws.append(row)
    opp = [r for r in students if r[10] == "ja"]
    ouders = wb.create_sheet("Ouders")
    ouders.append(["Stamnummer", "Naam", "Relatie", "Gezag", "Telefoon", "E-mail"])
    doelen = wb.create_sheet("Doelen")
    doelen.append(["Stamnummer", "Domein", "Doel", "Beginsituatie", "Evaluatiecriterium", "Startdatum",
                   "Streefdatum"])
    steun = wb.create_sheet("Ondersteuning")
    steun.append(["Stamnummer", "Wat", "Wie", "Hoe vaak", "Waar", "Startdatum", "Einddatum"])
    docs = wb.create_sheet("Documenten")
    docs.append(["Stamnummer", "Soort", "Titel", "Datum", "Vindplaats"])
    for i, r in enumerate(opp):
        nr, roepnaam, achternaam = r[0], r[1], r[3]
        _add_parents(ouders, rng, i, nr, achternaam)
        _add_goals(doelen, i, nr)
        _add_support(steun, i, nr)
        _add_documents(docs, i, nr, roepnaam)
    _style(wb)
    return wb


if __name__ == "__main__":
    bouw().save(DOEL)
    print(f"Voorbeeldexport geschreven: {DOEL}")
