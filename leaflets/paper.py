"""The papers a leaflet prints on: one value each, and the lookup by name in any case.

Importing nothing of this project, so that `generate.py` can offer `--paper` (and answer
`--help`) at once. Each paper's stylesheet, `styles/paper/<name>.css`, sets its `@page`
size and margins; a project may override it like any theme stylesheet.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Paper:
    """One paper: its name, its page budget, and the page size its stylesheet gives."""

    name: str  # as clinic files, messages and the web page write it
    pages: int  # the most pages a standard leaflet may take (large print: a multiple)
    size_pt: tuple[int, int]  # width and height of a page in the PDF, rounded

    @property
    def stylesheet(self) -> str:
        """The theme stylesheet giving its `@page` size and margins (`paper/a5.css`)."""
        return f"paper/{self.name.lower()}.css"

    def laid_out(self, a4_pages: int) -> int:
        """Pages of this paper that hold the text of `a4_pages` A4 pages (--max-pages counts A4).

        In proportion to the budgets: an A5 page, one column at 12 pt, holds about a third
        of an A4 page's two columns at 11 pt.
        """
        return a4_pages * self.pages // A4.pages


# A4 and Letter: three pages of content and the back page, one A3 sheet folded. A5: three
# A4 sheets folded into a booklet (the examples take 9 to 11 pages).
A4 = Paper("A4", pages=4, size_pt=(595, 842))
LETTER = Paper("Letter", pages=4, size_pt=(612, 792))
A5 = Paper("A5", pages=12, size_pt=(420, 595))
PAPERS = (A4, LETTER, A5)
PAPER_NAMES = tuple(paper.name for paper in PAPERS)
# For messages: 'A4, Letter or A5'.
IN_WORDS = f"{', '.join(PAPER_NAMES[:-1])} or {PAPER_NAMES[-1]}"
_BY_NAME = {paper.name.lower(): paper for paper in PAPERS}


def paper_named(name: str) -> Paper:
    """The paper `name` names in any case ('letter', 'a5'); `KeyError` if it names none."""
    return _BY_NAME[name.lower()]
