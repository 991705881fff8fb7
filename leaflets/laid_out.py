"""The laid-out pages as the audit reads them: each section's runs of text, and all other ink.

WeasyPrint's boxes after layout are walked once a page. The runs of text of the sections
being audited are kept with the boxes they sit in; everything else that puts ink on the
page (text, pictures, backgrounds, borders, shadows, outlines) is kept with where it
paints. A text box paints where its glyphs' outlines go, which a font can put far outside
its line: so text is measured by Pango's ink extents as well as by its box.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from weasyprint.formatting_structure import boxes
from weasyprint.text.ffi import FROM_UNITS, ffi, pango

SLACK = 0.5  # px of rounding in layout; no real overlap or clip is this small
BAND = 64  # px: what paints on a page is indexed by the horizontal bands it reaches
# The pseudo-elements whose text CSS makes up; ::first-line and ::first-letter hold real text.
GENERATED = {"before", "after", "marker", "footnote-call", "footnote-marker"}
Rect = tuple[float, float, float, float]


@dataclass(frozen=True)
class Run:
    """One laid-out run of a section's text, and the boxes it sits in."""

    page: int
    box: boxes.TextBox
    chain: tuple[boxes.Box, ...]  # its ancestors, from the page box down
    line: int  # which line box holds it (an id)
    generated: str  # the pseudo-element that made it up, or '' for the document's text
    ink: Rect  # where its glyphs and its box reach

    @property
    def rect(self) -> Rect:
        """Its box on the page."""
        return text_rect(self.box)

    @property
    def style(self) -> dict:
        """Its computed style."""
        return self.box.style


@dataclass
class Page:
    """One laid-out page: the runs of each audited section, and everything else that paints."""

    number: int
    area: Rect  # the page area inside its margins
    runs: dict[str, list[Run]] = field(default_factory=dict)
    elements: dict[str, set[int]] = field(default_factory=dict)  # section -> element ids
    classes: dict[str, set[str]] = field(default_factory=dict)  # section -> its classes
    pictures: dict[str, list[boxes.Box]] = field(default_factory=dict)  # images in a section
    ink: list[tuple[Rect, boxes.Box]] = field(default_factory=list)  # outside the sections
    outlines: list[tuple[Rect, Rect, boxes.Box]] = field(default_factory=list)  # outer, inner
    _bands: dict[int, list[tuple[Rect, boxes.Box | Run]]] | None = field(
        default=None, init=False, repr=False
    )

    def _reach(self, rect: Rect) -> range:
        """The bands a rectangle reaches, within the page (a glyph may reach much further)."""
        top, bottom = self.area[1] - 2 * BAND, self.area[3] + 2 * BAND
        return range(int(max(rect[1], top) // BAND), int(min(rect[3], bottom) // BAND) + 1)

    def near(self, rect: Rect) -> Iterator[tuple[Rect, boxes.Box | Run]]:
        """Each piece of ink and each run of the page that may overlap `rect`, once.

        A run is given by where its glyphs reach. Indexed by bands on first use: a page
        holds hundreds of each, and every run of a risk box is held against all of them.
        """
        if self._bands is None:
            self._bands = {}
            runs = [(run.ink, run) for runs in self.runs.values() for run in runs]
            for item in [*self.ink, *runs]:
                for band in self._reach(item[0]):
                    self._bands.setdefault(band, []).append(item)
        seen: set[int] = set()
        for band in self._reach(rect):
            for item in self._bands.get(band, ()):
                if id(item) not in seen:
                    seen.add(id(item))
                    yield item


def read_page(number: int, page_box: boxes.PageBox, wanted: dict[str, str]) -> Page:
    """A page's runs of the `wanted` sections (heading id -> title) and all its other ink."""
    area = (
        page_box.content_box_x(),
        page_box.content_box_y(),
        page_box.content_box_x() + page_box.width,
        page_box.content_box_y() + page_box.height,
    )
    page = Page(number, area)
    _visit(page, page_box, (), wanted, None, 0, "")
    return page


def _visit(
    page: Page,
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
        ink = text_ink(box)
        if section:
            page.runs.setdefault(section, []).append(
                Run(page.number, box, chain, line, generated, ink)
            )
        else:
            page.ink.append((ink, box))
    elif _paints(box):  # in a section too: a later box's background may cover earlier text
        page.ink.append((_border_rect(box), box))
    if section and isinstance(box, boxes.ReplacedBox):
        page.pictures.setdefault(section, []).append(box)
    outline = box.style["outline_width"] if box.style["outline_style"] != "none" else 0
    if outline and not isinstance(box, boxes.TextBox):
        inner = grown(_border_rect(box), box.style["outline_offset"])
        page.outlines.append((grown(inner, outline), inner, box))
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


def text_rect(box: boxes.TextBox) -> Rect:
    """A text box's own box: its line's height, its advance's width."""
    x, y = box.position_x, box.position_y
    return (x, y, x + box.width, y + box.height)


def text_ink(box: boxes.TextBox) -> Rect:
    """Where a text box paints: its box, and wherever its glyphs' outlines reach beyond it.

    WeasyPrint lets go of each Pango layout after layout; drawing takes it up again, and
    so does this, to ask Pango for the line's ink extents.
    """
    layout = box.pango_layout
    layout.reactivate(box.style)
    try:
        line = pango.pango_layout_get_line_readonly(layout.layout, 0)  # the box's own line
        ink, logical = ffi.new("PangoRectangle *"), ffi.new("PangoRectangle *")
        pango.pango_layout_line_get_extents(line, ink, logical)
    finally:
        layout.deactivate()
    x, baseline = box.position_x, box.position_y + box.baseline
    left, top = x + ink.x * FROM_UNITS, baseline + ink.y * FROM_UNITS
    glyphs = (left, top, left + ink.width * FROM_UNITS, top + ink.height * FROM_UNITS)
    own = text_rect(box)
    return (
        min(own[0], glyphs[0]),
        min(own[1], glyphs[1]),
        max(own[2], glyphs[2]),
        max(own[3], glyphs[3]),
    )


def _border_rect(box: boxes.Box) -> Rect:
    """Where a box paints: its border box, and as far as any shadow of it reaches."""
    x, y = box.border_box_x(), box.border_box_y()
    reach = max(
        (
            max(abs(shadow[0].value), abs(shadow[1].value)) + shadow[2].value + shadow[3].value
            for shadow in box.style["box_shadow"] or ()
        ),
        default=0,
    )
    return grown((x, y, x + box.border_width(), y + box.border_height()), reach)


def grown(rect: Rect, by: float) -> Rect:
    """A rectangle grown by `by` on every side (shrunk, if negative)."""
    return (rect[0] - by, rect[1] - by, rect[2] + by, rect[3] + by)


def inside(inner: Rect, outer: Rect) -> bool:
    """Whether `inner` lies within `outer`, give or take rounding."""
    return (
        inner[0] >= outer[0] - SLACK
        and inner[1] >= outer[1] - SLACK
        and inner[2] <= outer[2] + SLACK
        and inner[3] <= outer[3] + SLACK
    )


def depth(a: Rect, b: Rect) -> float:
    """How far two rectangles overlap, in the shorter of the two directions (0 if apart)."""
    return max(0.0, min(min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])))
