"""Whether each run of a section's text can be read, judged on the laid-out page.

A run must be at least the section's text size, visible, at least 4.5:1 against what is
behind it (every ancestor's background and opacity taken into account, on white paper),
not struck through, transformed, masked, clipped or reordered, in the language's
direction, inside the page area, in reading order, and painted over by nothing else.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator

from coloraide import Color
from weasyprint.formatting_structure import boxes

from .laid_out import SLACK, Page, Run, depth, grown, inside

PX_PER_PT = 4 / 3  # WeasyPrint lays out in CSS pixels
MIN_CONTRAST = 4.5  # WCAG 2.2 AA for normal text


def readability(runs: list[Run], pages: list[Page], min_pt: float, direction: str) -> list[str]:
    """Why a section's runs of text cannot be read, each as a problem in words."""
    text_runs = [run for run in runs if not run.generated]
    problems = []
    for run in text_runs:
        why = next(_unreadable(run, pages[run.page - 1], min_pt, direction), None)
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


def _unreadable(run: Run, page: Page, min_pt: float, direction: str) -> Iterator[str]:
    """Why one run of text could not be read, if it could not."""
    style = run.style
    if style["font_size"] < min_pt * PX_PER_PT - 0.01:
        yield (
            f"is {style['font_size'] / PX_PER_PT:.1f}pt, smaller than the {min_pt:g}pt its "
            "section must be printed at"
        )
    if style["visibility"] != "visible":
        yield f"is {style['visibility']}"
    ratio = _contrast(run)
    if ratio < MIN_CONTRAST:
        yield (
            f"has a contrast of {ratio:.2f}:1 with its background; at least {MIN_CONTRAST}:1 "
            "is needed"
        )
    yield from _drawn_away(run)
    if style["direction"] != direction:
        yield f"is written {style['direction']}, not {direction}"
    if not inside(run.rect, page.area):
        yield "is outside the page area"
    yield from _covered(run, page)


def _drawn_away(run: Run) -> Iterator[str]:
    """What the run or a box it sits in does to where or how its text is drawn."""
    for box in (*run.chain, run.box):
        name = box.element_tag or "the page"
        if "line-through" in box.style["text_decoration_line"]:
            yield f"is struck through (text-decoration on {name})"
        lines = {"underline", "overline"} & set(box.style["text_decoration_line"] or ())
        if lines and (
            box.style["text_decoration_thickness"] not in ("auto", "from-font")
            or box.style["text_underline_offset"] != "auto"
        ):
            yield f"has its {min(lines)} moved or thickened over it (on {name})"
        if any(image[0] != "none" for image in box.style["background_image"]):
            yield f"is printed over a background image (on {name}), whose contrast is unknown"
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
            if not inside(run.rect, (x, y, x + box.padding_width(), y + box.padding_height())):
                yield f"is cut off (overflow on {name})"


def _covered(run: Run, page: Page) -> Iterator[str]:
    """What else on the page paints over the run: any ink, an outline, other text."""
    for outer, inner, box in page.outlines:
        if depth(run.rect, outer) > SLACK and not inside(run.rect, grown(inner, -2 * SLACK)):
            yield f"is covered by an outline on <{box.element_tag or 'a page box'}>"
            return
    for rect, item in page.near(run.ink):
        if isinstance(item, Run):
            # Lines set close may touch; text sharing a quarter of a line is unreadable.
            close = 0.25 * min(run.box.height, item.box.height)
            if item.line != run.line and depth(run.ink, rect) > close:
                yield f"overlaps '{item.box.text.strip()[:30]}'"
                return
        elif (
            item is not run.box
            and depth(run.rect, rect) > SLACK
            and not any(item is held for held in run.chain)
        ):
            yield f"is covered by <{item.element_tag or 'a page box'}>"
            return


def _srgb(colour) -> tuple[float, float, float]:  # tinycss2's Color
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
    return _ratio(_blend(text, paper, opacity), _blend(backdrop, paper, opacity))


@functools.lru_cache(maxsize=256)
def _ratio(text: tuple[float, ...], back: tuple[float, ...]) -> float:
    """WCAG 2.1 contrast of two sRGB colours; a leaflet uses a handful of pairs."""
    return Color("srgb", list(text)).contrast(Color("srgb", list(back)), method="wcag21")


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
