"""A built PDF read back as a patient sees it: its body words in reading order (page, then
column, then line), its footers, its lines of text."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pdfplumber
from pdfplumber.utils import resolve_all

# Page margins (mm) of styles/paper/: words outside them are the running header and footer.
MARGINS_MM = {"a4": (18, 16), "letter": (15.24, 13.97), "a5": (15, 14)}
MM = 72 / 25.4


@dataclass(frozen=True)
class Word:
    text: str
    page: int  # from 1
    column: int  # 0 left, 1 right (one-column pages have only 0)
    top: float
    x: float
    font: str


@dataclass
class Leaflet:
    """One built PDF: its body words in reading order, its footers and its lines of text."""

    name: str
    words: list[Word]
    footers: list[list[Word]]  # per page, the words below the bottom margin
    lines: list[str]  # every line of text, header and footer included
    pages: list[str]  # each page's text

    def find(self, text: str, start: int = 0) -> int | None:
        """Index in `words` where `text`'s words begin, consecutively, from `start`."""
        wanted = text.split()
        plain = [w.text for w in self.words]
        for i in range(start, len(plain) - len(wanted) + 1):
            if plain[i : i + len(wanted)] == wanted:
                return i
        return None

    def place(self, index: int) -> tuple[int, int]:
        return self.words[index].page, self.words[index].column


def read(path: Path, paper: str, two_columns: bool) -> Leaflet:
    words, footers, lines, texts = [], [], [], []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            x0, top0, x1, bottom = _trim(page)
            margin_top, margin_bottom = (m * MM for m in MARGINS_MM[paper])
            middle = (x0 + x1) / 2
            found = page.extract_words(extra_attrs=["fontname"], use_text_flow=False)
            body = [w for w in found if top0 + margin_top - 2 < w["top"] < bottom - margin_bottom]
            footers.append(
                [
                    Word(w["text"], number, 0, w["top"], w["x0"], w["fontname"])
                    for w in found
                    if w["top"] >= bottom - margin_bottom
                ]
            )
            placed = [
                Word(
                    w["text"],
                    number,
                    int(two_columns and w["x0"] >= middle),
                    w["top"],
                    w["x0"],
                    w["fontname"],
                )
                for w in body
            ]
            placed.sort(key=lambda w: (w.column, round(w.top), w.x))
            words += placed
            texts.append(page.extract_text() or "")
            lines += texts[-1].splitlines()
    return Leaflet(path.name, words, footers, lines, texts)


def _trim(page: pdfplumber.page.Page) -> tuple[float, float, float, float]:
    """The finished page (a print-shop file's TrimBox, inside its bleed and slug) as
    pdfplumber places words: x as the PDF has it, top measured down from `page.bbox`."""
    media = [float(v) for v in page.page_obj.mediabox]
    trim = [float(v) for v in resolve_all(page.page_obj.attrs.get("TrimBox", media))]
    top = page.bbox[1] + media[3] - trim[3]
    return trim[0], top, trim[2], top + trim[3] - trim[1]
