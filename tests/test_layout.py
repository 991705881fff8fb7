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
from pathlib import Path

import pytest
import tinyhtml5
from click.testing import CliRunner
from pdfwords import Leaflet, read

from conftest import HANDOUT, REPO
from generate import cli
from leaflets.branding import load_branding
from leaflets.content import load_handout
from leaflets.i18n import translations

pytestmark = pytest.mark.slow  # renders leaflets: left out of the fast tier

CLINICS = ("harbour-view", "maple-street", "northfield")
XHTML = "{http://www.w3.org/1999/xhtml}"
LANGS = ("en", "es")


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
    _ = translations(lang, (REPO / "locale",)).gettext
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
