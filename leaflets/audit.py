"""Proof, from the laid-out pages, that required sections print as written and risks readably.

A clinic's templates and stylesheets may change anything, and CSS has more ways to hide
text than any list of forbidden properties can hold (opacity or a transform on an
ancestor, a clip, `max-lines`, `::first-line`, generated content, a later box pulled over
the risk box...). So this looks at the result: WeasyPrint's boxes after layout.

Every required section must lay out the handout's own text: the same characters in the
same order (whitespace and the hyphens of line-end hyphenation aside), once, with no text
generated into it but list markers. Every run of text in a risk section must also be at
least the risk text size, visible, dark on its background (the opacity of every ancestor
multiplied in), not struck through, in the language's direction and in reading order,
not transformed, clipped or moved out of the page area, and not overlapped by anything
else on the page.
"""

from __future__ import annotations

import html.parser
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from coloraide import Color
from weasyprint import Document
from weasyprint.formatting_structure import boxes

from .content import Handout, section_id

PX_PER_PT = 4 / 3  # WeasyPrint lays out in CSS pixels
MIN_CONTRAST = 4.5  # WCAG 2.2 AA for normal text
MIN_TEXT_PT = 9  # the smallest text of a required section outside the risk box
SLACK = 0.5  # px of rounding in layout; no real overlap or clip is this small
RIGHT_TO_LEFT = {"ar", "fa", "he", "ur", "yi"}
# The pseudo-elements whose text CSS makes up; ::first-line and ::first-letter hold real text.
GENERATED = {"before", "after", "marker", "footnote-call", "footnote-marker"}
_MARKER = re.compile(r"\s*(?:[•◦▪▫‣⁃–-]|\d{1,3}[.)]|[a-zA-Z][.)]|[ivxlcdmIVXLCDM]{1,6}[.)])?\s*")
_JOIN = "\0"  # marks where a hyphenated word continues on the next line
Rect = tuple[float, float, float, float]


@dataclass(frozen=True)
class Run:
    """One laid-out run of a section's text, and the boxes it sits in."""

    page: int
    box: boxes.TextBox
    chain: tuple[boxes.Box, ...]  # its ancestors, from the page box down
    line: int  # which line box holds it (an id)
    generated: str  # the pseudo-element that made it up, or '' for the document's text

    @property
    def rect(self) -> Rect:
        """Where it is on its page."""
        box = self.box
        return (
            box.position_x,
            box.position_y,
            box.position_x + box.width,
            box.position_y + box.height,
        )

    @property
    def style(self) -> dict:
        """Its computed style."""
        return self.box.style


@dataclass
class _Page:
    """One laid-out page: the runs of each audited section, and everything else that paints."""

    number: int
    area: Rect  # the page area inside its margins
    runs: dict[str, list[Run]] = field(default_factory=dict)
    elements: dict[str, set[int]] = field(default_factory=dict)  # section -> element ids
    classes: dict[str, set[str]] = field(default_factory=dict)  # section -> its classes
    pictures: dict[str, list[boxes.Box]] = field(default_factory=dict)  # images in a section
    ink: list[tuple[Rect, boxes.Box, tuple[int, ...]]] = field(default_factory=list)
    outlines: list[tuple[Rect, Rect, boxes.Box]] = field(default_factory=list)  # outer, inner


def audit_sections(document: Document, handout: Handout, risk_text_pt: float) -> list[str]:
    """Every way the laid-out leaflet fails to print a required or risk section, in words."""
    meta = handout.meta
    wanted = {section_id(title): title for title in [*meta.required_sections, *meta.boxed_sections]}
    pages = [
        _read_page(number, page._page_box, wanted)
        for number, page in enumerate(document.pages, start=1)
    ]
    written, images = handout_text(handout.html)
    direction = "rtl" if handout.lang in RIGHT_TO_LEFT else "ltr"
    problems = []
    for anchor, title in wanted.items():
        runs = [run for page in pages for run in page.runs.get(title, [])]
        copies = set().union(*(page.elements.get(title, set()) for page in pages))
        found = _wording(title, runs, copies, written.get(anchor, ""))
        found += _pictures(pages, title, images.get(anchor, set()))
        boxed = title in meta.boxed_sections
        if boxed and runs and not any("risk-box" in p.classes.get(title, ()) for p in pages):
            found.append("is not printed in a risk box (its section lost the risk-box class)")
        if not found:
            # A risk section at the risk text size; any other required section readable too.
            floor = risk_text_pt if boxed else MIN_TEXT_PT
            found = _readability(title, runs, pages, floor, direction)
        kind = "required section" if title in meta.required_sections else "risk section"
        problems += [f"{kind} '{title}' {problem}" for problem in found[:1]]
    return problems


def _read_page(number: int, page_box: boxes.PageBox, wanted: dict[str, str]) -> _Page:
    area = (
        page_box.content_box_x(),
        page_box.content_box_y(),
        page_box.content_box_x() + page_box.width,
        page_box.content_box_y() + page_box.height,
    )
    page = _Page(number, area)
    _visit(page, page_box, (), wanted, None, 0, "")
    return page


def _visit(
    page: _Page,
    box: boxes.Box,
    chain: tuple[boxes.Box, ...],
    wanted: dict[str, str],
    section: str | None,
    line: int,
    generated: str,
) -> None:
    element = box.element
    if box.element_tag == "section" and element is not None:
        for child in element:
            if child.tag == "h2" and child.get("id") in wanted:
                section = wanted[child.get("id")]
                page.elements.setdefault(section, set()).add(id(element))
                page.classes[section] = set((element.get("class") or "").split())
    if isinstance(box, boxes.LineBox):
        line = id(box)
    pseudo = (box.element_tag or "").rpartition("::")[2] if "::" in (box.element_tag or "") else ""
    generated = generated or (pseudo if pseudo in GENERATED else "")
    if isinstance(box, boxes.TextBox) and box.text.strip():
        if section:
            page.runs.setdefault(section, []).append(Run(page.number, box, chain, line, generated))
        else:
            page.ink.append((_border_rect(box), box, tuple(map(id, chain))))
    elif section is None and _paints(box):
        page.ink.append((_border_rect(box), box, tuple(map(id, chain))))
    elif section and isinstance(box, boxes.ReplacedBox):
        page.pictures.setdefault(section, []).append(box)
    outline = box.style["outline_width"] if box.style["outline_style"] != "none" else 0
    if outline and not isinstance(box, boxes.TextBox):
        inner = _grown(_border_rect(box), box.style["outline_offset"])
        page.outlines.append((_grown(inner, outline), inner, box))
    for child in getattr(box, "children", ()):
        _visit(page, child, (*chain, box), wanted, section, line, generated)


def _paints(box: boxes.Box) -> bool:
    """Whether a box puts ink on the page of its own: an image, a background or a border."""
    if isinstance(box, boxes.PageBox):
        return False
    if isinstance(box, boxes.ReplacedBox):
        return True
    style = box.style
    if style["background_color"].alpha > 0 or any(
        image[0] != "none" for image in style["background_image"]
    ):
        return True
    return any(
        style[f"border_{side}_width"] > 0
        and style[f"border_{side}_style"] not in ("none", "hidden")
        for side in ("top", "right", "bottom", "left")
    )


def _border_rect(box: boxes.Box) -> Rect:
    """Where a box paints: its border box, and as far as any shadow of it reaches."""
    if isinstance(box, boxes.TextBox):
        return Run(0, box, (), 0, "").rect
    x, y = box.border_box_x(), box.border_box_y()
    reach = max(
        (
            max(abs(shadow[0].value), abs(shadow[1].value)) + shadow[2].value + shadow[3].value
            for shadow in box.style["box_shadow"] or ()
        ),
        default=0,
    )
    return _grown((x, y, x + box.border_width(), y + box.border_height()), reach)


def _grown(rect: Rect, by: float) -> Rect:
    return (rect[0] - by, rect[1] - by, rect[2] + by, rect[3] + by)


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
        elif tag == "h2" and dict(attrs).get("id"):
            self.current = dict(attrs)["id"]
            self.text.setdefault(self.current, [])
        elif tag == "img" and self.current:
            self.images.setdefault(self.current, set()).add(dict(attrs).get("src") or "")

    def handle_data(self, data: str) -> None:
        if self.current:
            self.text[self.current].append(data)


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


def _wording(title: str, runs: list[Run], copies: set[int], written: str) -> list[str]:
    """The section is laid out once, in the handout's words, with nothing made up added."""
    if not runs:
        return [
            "is missing from the rendered leaflet (a handout heading, template block or "
            "stylesheet rule that prints it was removed or hides it)"
        ]
    if len(copies) > 1:
        return [f"is printed {len(copies)} times; a leaflet prints each section once"]
    for run in runs:
        made_up = run.generated and not (
            run.generated == "marker" and _MARKER.fullmatch(run.box.text)
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


def _pictures(pages: list[_Page], title: str, sources: set[str]) -> list[str]:
    """A section shows only the handout's own images (an SVG or image added may cover text)."""
    return [
        f"holds a picture that is not in the handout "
        f"(<{box.element_tag.rpartition('}')[2]}> on page {page.number})"
        for page in pages
        for box in page.pictures.get(title, [])
        if box.element_tag != "img" or box.element.get("src") not in sources
    ][:1]


def _readability(
    title: str, runs: list[Run], pages: list[_Page], risk_text_pt: float, direction: str
) -> list[str]:
    """Every run of a risk section, judged as a patient would see it."""
    text_runs = [run for run in runs if not run.generated]
    problems = []
    for run in text_runs:
        why = next(_unreadable(run, pages[run.page - 1], risk_text_pt, direction), None)
        if why:
            problems.append(
                f"is not readable on page {run.page}: '{run.box.text.strip()[:40]}' {why}"
            )
    for earlier, later in itertools.pairwise(text_runs):
        if not _reads_after(earlier, later, direction):
            problems.append(
                f"is not printed in reading order on page {later.page}: "
                f"'{later.box.text.strip()[:40]}' is placed before "
                f"'{earlier.box.text.strip()[:40]}'"
            )
    return problems


def _unreadable(run: Run, page: _Page, risk_text_pt: float, direction: str) -> Iterator[str]:
    """Why one run of risk text could not be read, if it could not."""
    style, boxes_in = run.style, (*run.chain, run.box)
    if style["font_size"] < risk_text_pt * PX_PER_PT - 0.01:
        yield (
            f"is {style['font_size'] / PX_PER_PT:.1f}pt, smaller than the risk text size of "
            f"{risk_text_pt:g}pt"
        )
    if style["visibility"] != "visible":
        yield f"is {style['visibility']}"
    ratio = _contrast(run)
    if ratio < MIN_CONTRAST:
        yield (
            f"has a contrast of {ratio:.2f}:1 with its background; at least {MIN_CONTRAST}:1 "
            "is needed"
        )
    for box in boxes_in:
        name = box.element_tag or "the page"
        if "line-through" in box.style["text_decoration_line"]:
            yield f"is struck through (text-decoration on {name})"
        if box.style["transform"]:
            yield f"is transformed (transform on {name})"
        if box.style["mask_border_source"][0] != "none":
            yield f"is masked (mask-border on {name})"
        if box.style["unicode_bidi"] in ("bidi-override", "isolate-override"):
            yield f"has its letters reordered (unicode-bidi on {name})"
        if box.style["position"] == "absolute" and box.style["clip"]:
            yield f"is clipped (clip on {name})"
        if box.style["overflow"] != "visible" and not isinstance(box, boxes.PageBox):
            x, y = box.padding_box_x(), box.padding_box_y()
            if not _inside(run.rect, (x, y, x + box.padding_width(), y + box.padding_height())):
                yield f"is cut off (overflow on {name})"
    if style["direction"] != direction:
        yield f"is written {style['direction']}, not {direction}"
    if not _inside(run.rect, page.area):
        yield "is outside the page area"
    for rect, box, _ in page.ink:
        if _overlap(run.rect, rect) and not _holds(run, box):
            yield f"is covered by <{box.element_tag or 'a page box'}>"
            break
    for outer, inner, box in page.outlines:
        if _overlap(run.rect, outer) and not _inside(run.rect, _grown(inner, -2 * SLACK)):
            yield f"is covered by an outline on <{box.element_tag or 'a page box'}>"
            break
    others = [
        other for title, runs in page.runs.items() for other in runs if other.line != run.line
    ]
    for other in others:  # lines set close may touch; a quarter of a line is unreadable
        depth = min(run.rect[3], other.rect[3]) - max(run.rect[1], other.rect[1])
        if _overlap(run.rect, other.rect) and depth > 0.25 * min(run.box.height, other.box.height):
            yield f"overlaps '{other.box.text.strip()[:30]}'"
            break


def _holds(run: Run, box: boxes.Box) -> bool:
    """Whether `box` is one of the boxes the run sits in (its background is under it)."""
    return any(box is ancestor for ancestor in run.chain)


def _srgb(colour) -> tuple[float, float, float]:  # noqa: ANN001 - tinycss2's Color
    return colour.to("srgb").coordinates


def _blend(top: tuple, bottom: tuple, alpha: float) -> tuple[float, float, float]:
    return tuple(alpha * t + (1 - alpha) * b for t, b in zip(top, bottom, strict=True))


def _contrast(run: Run) -> float:
    """Contrast of the run's text with what is behind it, on white paper.

    Backgrounds are laid over the paper from the outermost box in; the product of every
    ancestor's opacity then fades text and background alike towards the paper.
    """
    paper = (1.0, 1.0, 1.0)
    backdrop, opacity = paper, 1.0
    for box in (*run.chain, run.box):
        opacity *= box.style["opacity"]
        background = box.style["background_color"]
        if background.alpha > 0:
            backdrop = _blend(_srgb(background), backdrop, background.alpha)
    colour = run.style["color"]
    text = _blend(_srgb(colour), backdrop, colour.alpha)
    seen_text, seen_back = _blend(text, paper, opacity), _blend(backdrop, paper, opacity)
    return Color("srgb", list(seen_text)).contrast(Color("srgb", list(seen_back)), method="wcag21")


def _inside(inner: Rect, outer: Rect) -> bool:
    return (
        inner[0] >= outer[0] - SLACK
        and inner[1] >= outer[1] - SLACK
        and inner[2] <= outer[2] + SLACK
        and inner[3] <= outer[3] + SLACK
    )


def _overlap(a: Rect, b: Rect) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > SLACK and min(a[3], b[3]) - max(a[1], b[1]) > SLACK


def _reads_after(earlier: Run, later: Run, direction: str) -> bool:
    """Whether `later` is placed after `earlier` in reading order."""
    if later.page != earlier.page:
        return later.page > earlier.page
    a, b = earlier.rect, later.rect
    if later.line == earlier.line:
        return b[0] >= a[2] - SLACK if direction == "ltr" else b[2] <= a[0] + SLACK
    below = b[1] >= a[1] + SLACK
    next_column = b[0] >= a[2] - SLACK if direction == "ltr" else b[2] <= a[0] + SLACK
    return below or next_column
