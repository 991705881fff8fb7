"""Proof, from the laid-out pages, that required sections print as written and risks readably.

A clinic's templates and stylesheets may change anything, and CSS has more ways to hide
text than any list of forbidden properties can hold (opacity or a transform on an
ancestor, a clip, `max-lines`, `::first-line`, generated content, a later box pulled over
the risk box, a font whose glyphs paint far outside their line...). So this looks at the
result: WeasyPrint's boxes after layout (`laid_out.py`).

Every required section must lay out the handout's own text: the same characters in the
same order (whitespace and the hyphens of line-end hyphenation aside), once, with no text
generated into it but list markers and no picture the handout does not have; a risk
section must be in its risk box. Then every run of its text must be readable
(`readable.py`): a risk section's at the risk text size, any other's at 9 pt or more.
"""

from __future__ import annotations

import functools
import html.parser
import itertools
import re
from collections.abc import Iterable
from pathlib import Path

from weasyprint import Document

from . import continued
from .content import Handout, section_id
from .laid_out import Page, Run, read_page
from .readable import readability

MIN_TEXT_PT = 9  # the smallest text of a required section outside the risk box
RIGHT_TO_LEFT = {"ar", "fa", "he", "ur", "yi"}
_MARKER = re.compile(r"\s*(?:[•◦▪▫‣⁃–-]|\d+[.)]|[a-zA-Z]{1,3}[.)]|[ivxlcdmIVXLCDM]{1,9}[.)])?\s*")
_JOIN = "\0"  # marks where a hyphenated word continues on the next line


def audit_sections(
    document: Document, handout: Handout, risk_text_pt: float, locale: tuple[Path, ...]
) -> list[str]:
    """Every way the laid-out leaflet fails to print a required or risk section, in words.

    `locale`: the catalogues the leaflet was printed with, for its "(continued)" labels.
    """
    meta = handout.meta
    wanted = {section_id(title): title for title in [*meta.required_sections, *meta.boxed_sections]}
    pages = [
        read_page(number, page._page_box, wanted)
        for number, page in enumerate(document.pages, start=1)
    ]
    written, images = handout_text(handout.html)
    direction = "rtl" if handout.lang.split("-")[0] in RIGHT_TO_LEFT else "ltr"
    problems = []
    for anchor, title in wanted.items():
        runs = [run for page in pages for run in page.runs.get(title, [])]
        copies = set().union(*(page.elements.get(title, set()) for page in pages))
        label = continued.label(title, handout.lang, locale)  # its own "(continued)", nothing else
        found = _wording(title, runs, copies, written.get(anchor, ""), {label})
        found += _pictures(pages, title, images.get(anchor, set()))
        boxed = title in meta.boxed_sections
        if boxed and runs and not any("risk-box" in p.classes.get(title, ()) for p in pages):
            found.append("is not printed in a risk box (its section lost the risk-box class)")
        if not found:
            # A risk section at the risk text size; any other required section readable too.
            floor = risk_text_pt if boxed else MIN_TEXT_PT
            found = readability(runs, pages, floor, direction)
        kind = "risk section" if boxed else "required section"
        problems += [f"{kind} '{title}' {problem}" for problem in found[:1]]
    return problems


class _SectionText(html.parser.HTMLParser):
    """The text of each `##` section of a handout's HTML, by its heading's id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.current: str | None = None
        self.text: dict[str, list[str]] = {}
        self.images: dict[str, set[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section":
            self.current = None
        elif tag == "h2" and (heading := dict(attrs).get("id")):
            self.current = heading
            self.text.setdefault(heading, [])
        elif tag == "img" and self.current:
            self.images.setdefault(self.current, set()).add(dict(attrs).get("src") or "")

    def handle_data(self, data: str) -> None:
        if self.current:
            self.text[self.current].append(data)


@functools.lru_cache(maxsize=16)  # a batch audits the same handout for every clinic
def handout_text(html: str) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Each section's text as the handout wrote it, and its images' sources, by heading id."""
    parser = _SectionText()
    parser.feed(html)
    parser.close()
    text = {anchor: " ".join("".join(parts).split()) for anchor, parts in parser.text.items()}
    return text, parser.images


def printed_text(runs: Iterable[Run]) -> str:
    """The text the runs lay out, line by line, without line-end hyphenation."""
    lines = []
    for _, group in itertools.groupby(runs, key=lambda run: (run.page, run.line)):
        line = list(group)
        text = "".join(run.box.text for run in line).rstrip()
        hyphen = line[-1].style["hyphenate_character"]
        if hyphen and text.endswith(hyphen):  # a word hyphenated at the line's end
            text = text.removesuffix(hyphen) + _JOIN
        lines.append(text)
    return " ".join(" ".join(lines).split()).replace(f"{_JOIN} ", "")


def _within(text: str, labels: set[str]) -> bool:
    """`text` is a label, or one line of a label that wraps."""
    return bool(text.strip()) and any(text.strip() in label for label in labels)


def _wording(
    title: str, runs: list[Run], copies: set[int], written: str, labels: set[str]
) -> list[str]:
    """The section is laid out once, in the handout's words, with nothing made up added.

    Generated text may be a list marker, or a risk box's "(continued)" label (continued.py).
    """
    if not runs:
        return [
            "is missing from the rendered leaflet (a handout heading, template block or "
            "stylesheet rule that prints it was removed or hides it)"
        ]
    if len(copies) > 1:
        return [f"is printed {len(copies)} times; a leaflet prints each section once"]
    for run in runs:
        made_up = run.generated and not (
            (run.generated == "marker" and _MARKER.fullmatch(run.box.text))
            or (run.generated == "before" and _within(run.box.text, labels))
        )
        if made_up:
            return [
                f"holds text that is not in the handout: '{run.box.text.strip()[:60]}' "
                f"(page {run.page}, made by a stylesheet's ::{run.generated})"
            ]
    printed = printed_text(run for run in runs if not run.generated)
    # A line may also end after a hyphen the handout wrote ("self-" / "care"): spaces
    # decide nothing, so the comparison is of the characters alone.
    if printed.replace(" ", "") != written.replace(" ", ""):
        shown_words, printed_words = written.split(), printed.split()
        at = next(
            (
                i
                for i, pair in enumerate(zip(shown_words, printed_words, strict=False))
                if pair[0] != pair[1]
            ),
            min(len(shown_words), len(printed_words)),
        )
        return [
            "does not print the handout's words in order: where the handout has "
            f"'{' '.join(shown_words[at : at + 8])}' the pages show "
            f"'{' '.join(printed_words[at : at + 8])}'"
        ]
    return []


def _pictures(pages: list[Page], title: str, sources: set[str]) -> list[str]:
    """A section shows only the handout's own images (an SVG or image added may cover text)."""
    return [
        f"holds a picture that is not in the handout "
        f"(<{box.element_tag.rpartition('}')[2]}> on page {page.number})"
        for page in pages
        for box in page.pictures.get(title, [])
        if box.element_tag != "img" or box.element.get("src") not in sources
    ][:1]
