"""Every example leaflet, on every paper, in every language and variant, read back from the
PDF as a patient would see it: where each word landed, on which page, in which column.

The rules are the patient-information designer's (issue 14): a risk box's list whole with
its lead-in (so the "Call 999" list is on one page), no heading at a column's foot, no
word split by automatic hyphenation, one typeface, the footer on one line, every email
and web address whole on one line, and the back page's parts all there.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pytest
import tinyhtml5
from click.testing import CliRunner
from pdfplumber.utils import resolve_all

from conftest import HANDOUT, REPO
from generate import cli
from leaflets.branding import load_branding
from leaflets.content import load_handout
from leaflets.i18n import translations

pytestmark = pytest.mark.slow  # renders leaflets: left out of the fast tier

CLINICS = ("harbour-view", "maple-street", "northfield")
LANGS = ("en", "es")
# Page margins (mm) of styles/paper/: words outside them are the running header and footer.
MARGINS_MM = {"a4": (18, 16), "letter": (15.24, 13.97), "a5": (15, 14)}
XHTML = "{http://www.w3.org/1999/xhtml}"
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


def risk_lists(lang: str) -> list[tuple[str, list[str]]]:
    """Each list in a risk box, with the lead-in before it (or "") and its items' text."""
    handout = load_handout(REPO / "handouts" / HANDOUT / f"{lang}.md")
    tree = tinyhtml5.parse(str(handout.html))
    found = []
    for section in tree.iter(f"{XHTML}section"):
        if "risk-box" not in section.get("class", ""):
            continue
        children = list(section)
        for i, child in enumerate(children):
            if child.tag in (f"{XHTML}ul", f"{XHTML}ol"):
                before = children[i - 1]
                lead = _text(before) if before.get("class") == "lead-in" else ""
                found.append((lead, [_text(item) for item in child]))
    return found


def headings(lang: str) -> list[str]:
    handout = load_handout(REPO / "handouts" / HANDOUT / f"{lang}.md")
    return [section.title for section in handout.sections]


def _text(element: object) -> str:
    return " ".join("".join(element.itertext()).split())


def _opening(text: str, words: int = 6) -> str:
    """The first words of `text` as a PDF prints them (straight quotes stay as written)."""
    return " ".join(text.split()[:words])


def layout_problems(leaflet: Leaflet, lang: str, clinic: str) -> list[str]:
    problems = []
    where = f"{clinic}/{leaflet.name}"
    # A risk box's list is whole, on one page and in one column, with its lead-in.
    for lead, items in risk_lists(lang):
        start = leaflet.find(_opening(lead)) if lead else None
        places = {leaflet.place(start)} if start is not None else set()
        cursor = start or 0
        for item in items:
            at = leaflet.find(item, cursor)
            if at is None:
                problems.append(f"{where}: list item not whole on one page: {item!r}")
                continue
            places |= {leaflet.place(at), leaflet.place(at + len(item.split()) - 1)}
            cursor = at
        if len(places) > 1:
            problems.append(f"{where}: the list after {lead!r} is split across {sorted(places)}")
    # No heading at a column's foot: at least two lines follow it in its column.
    for title in headings(lang):
        at = leaflet.find(title)
        if at is None:
            problems.append(f"{where}: heading not found on one line or column: {title!r}")
            continue
        end = at + len(title.split()) - 1
        page, column = leaflet.place(end)
        after = {
            round(w.top)
            for w in leaflet.words[end + 1 :]
            if (w.page, w.column) == (page, column) and w.top > leaflet.words[end].top + 1
        }
        if len(after) < 2:
            problems.append(f"{where}: heading {title!r} ends page {page}'s column {column + 1}")
    # No automatic hyphenation: a word broken at a line's end must be hyphenated as written.
    source = (REPO / "handouts" / HANDOUT / f"{lang}.md").read_text()
    for word, following in itertools.pairwise(leaflet.words):
        next_line = (following.page, following.column) == (word.page, word.column) and (
            following.top > word.top + 1
        )
        if next_line and re.search(r"\w-$", word.text):
            broken = (word.text + following.text).rstrip(".,;:)")
            if broken not in source:
                problems.append(f"{where}: a word is hyphenated at a line's end: {broken!r}")
    # One typeface for the text.
    families = {w.font.split("+")[-1].split("-")[0] for w in leaflet.words}
    if len(families) != 1:
        problems.append(f"{where}: text in {len(families)} typefaces: {sorted(families)}")
    # The footer on one line on every page.
    for number, footer in enumerate(leaflet.footers, 1):
        if len({round(w.top) for w in footer}) != 1:
            problems.append(f"{where}: page {number}'s footer is not one line")
    # Email and web addresses whole on one line.
    contact = load_branding(REPO / "clinics" / f"{clinic}.toml").contact
    for address in filter(None, (contact.email, contact.website, contact.booking_url)):
        if not any(address in line for line in leaflet.lines):
            problems.append(f"{where}: {address} is not whole on one line")
    # The back page's parts, in the leaflet's language, from its first page to the end.
    _ = translations(lang).gettext
    pages = [" ".join(text.split()) for text in leaflet.pages]
    starts = [i for i, text in enumerate(pages) if _("Worried after a treatment?") in text]
    back = " ".join(pages[starts[-1] :]) if starts else ""
    if not starts:
        problems.append(f"{where}: no back page")
    for part in ("Contact us", "Other formats", "Tell us what you think", "Questions to ask"):
        if _(part) not in back:
            problems.append(f"{where}: the back page has no {_(part)!r}")
    if contact.phone and contact.phone not in back:
        problems.append(f"{where}: the back page does not give the phone number")
    if _("Sources") not in back:
        problems.append(f"{where}: the sources are not on the back page")
    return problems


@pytest.mark.parametrize("paper", ("a4", "letter", "a5"))
def test_every_example_on_every_paper_reads_as_designed(tmp_path: Path, paper: str) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        ["--project", str(REPO), "build", "--paper", paper, "--lang", "all", "--large-print",
         "--print-shop", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert folder_problems(out, paper) == []


def folder_problems(out: Path, paper: str) -> list[str]:
    """What breaks the rules in every leaflet built in `out` on `paper`."""
    problems, built = [], 0
    for clinic in CLINICS:
        for pdf in sorted((out / clinic).glob("*.pdf")):
            lang = pdf.stem.split("-")[len(HANDOUT.split("-"))]
            two_columns = paper != "a5" and "large-print" not in pdf.name
            problems += layout_problems(read(pdf, paper, two_columns), lang, clinic)
            built += 1
    assert built == len(CLINICS) * len(LANGS) * 3
    return problems
