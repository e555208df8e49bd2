"""Fill a generated OPP the way Word stores what a user types (word-formulier.md §8): the placeholder
gone, the text split over runs with rsids and a proofErr between them, a date's w:fullDate and its Dutch
text, a drop-down's display text, a check box's w14:checked and glyph; a copied table row; text typed
beside a control; and a copy 'saved by LibreOffice' (every w:tag and w:showingPlcHdr gone)."""

from __future__ import annotations

import copy
import zipfile
from datetime import date
from pathlib import Path

from lxml import etree

from generator.read.convert import date_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"


class Filler:
    """One document's body, edited in memory; `save` writes the .docx with every other part as it was."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with zipfile.ZipFile(path) as zf:
            self.parts = {i.filename: zf.read(i) for i in zf.infolist()}
        self.root = etree.fromstring(self.parts["word/document.xml"])

    def sdt(self, tag: str, n: int = 0):
        found = [t.getparent().getparent() for t in self.root.iter(W + "tag") if t.get(W + "val") == tag]
        return found[n]

    def text(self, tag: str, value: str, n: int = 0) -> None:
        sdt = self.sdt(tag, n)
        _no_placeholder(sdt)
        content = sdt.find(W + "sdtContent")
        for child in list(content):
            content.remove(child)
        for i, line in enumerate(value.split("\n")):
            if i:
                run = etree.SubElement(content, W + "r")
                etree.SubElement(run, W + "br")
            half = max(1, len(line) // 2)
            for j, piece in enumerate((line[:half], line[half:])):
                if not piece:
                    continue
                if j:
                    etree.SubElement(content, W + "proofErr").set(W + "type", "spellStart")
                run = etree.SubElement(content, W + "r")
                run.set(W + "rsidR", f"00A{i}{j}B2C3")
                run.set(W + "rsidRPr", "00D4E5F6")
                t = etree.SubElement(run, W + "t")
                t.text = piece
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")

    def date(self, tag: str, day: date, n: int = 0) -> None:
        self.text(tag, date_text(day), n)
        self.sdt(tag, n).find(f"{W}sdtPr/{W}date").set(W + "fullDate", f"{day.isoformat()}T00:00:00Z")

    def date_text_only(self, tag: str, text: str, n: int = 0) -> None:
        self.text(tag, text, n)
        self.sdt(tag, n).find(f"{W}sdtPr/{W}date").attrib.pop(W + "fullDate", None)

    def tick(self, tag: str, checked: bool = True, n: int = 0) -> None:
        sdt = self.sdt(tag, n)
        sdt.find(f"{W}sdtPr/{W14}checkbox/{W14}checked").set(W14 + "val", "1" if checked else "0")
        sdt.find(f".//{W}sdtContent//{W}t").text = "\u2612" if checked else "\u2610"

    def copy_row(self, tag: str) -> None:
        """Copy the table row holding `tag` below itself, as Word's copy and paste does (tags too)."""
        row = next(self.sdt(tag).iterancestors(W + "tr"))
        row.addnext(copy.deepcopy(row))

    def type_beside(self, tag: str, text: str) -> None:
        """Text typed after a control, in its paragraph, outside it."""
        sdt = self.sdt(tag)
        run = etree.Element(W + "r")
        etree.SubElement(run, W + "t").text = text
        sdt.addnext(run)

    def paragraph_after_heading(self, heading: str, text: str) -> None:
        p = next(p for p in self.root.iter(W + "p")
                 if "".join(t.text or "" for t in p.iter(W + "t")) == heading)
        new = etree.Element(W + "p")
        etree.SubElement(etree.SubElement(new, W + "r"), W + "t").text = text
        p.addnext(new)

    def strip_like_libreoffice(self) -> None:
        for el in list(self.root.iter(W + "tag", W + "showingPlcHdr")):
            el.getparent().remove(el)
        self.parts["docProps/app.xml"] = (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.'
            b'openxmlformats.org/officeDocument/2006/extended-properties"><Application>LibreOffice/7.4.7.2'
            b'$Linux_X86_64</Application></Properties>')

    def save(self, path: Path) -> Path:
        self.parts["word/document.xml"] = etree.tostring(self.root, xml_declaration=True, encoding="UTF-8",
                                                         standalone=True)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in self.parts.items():
                zf.writestr(name, data)
        return path


def _no_placeholder(sdt) -> None:
    for el in sdt.iter(W + "showingPlcHdr"):
        el.getparent().remove(el)
