"""A risk box that runs on to another column or page repeats its heading, "(continued)".

CSS cannot know where a box will break, so this reads a layout: each risk box's fragments
in reading order, and the element each later fragment starts with. That element gets the
label as its ::before (styles laid down by `label_css`) and the page is laid out again.
The label sits inside the element, at the top of the column it already started, so what
comes before it does not move; what comes after may, so `make_leaflet` looks again, a few
rounds at most. The layout audit accepts exactly these labels as generated text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from weasyprint import Document

from .content import Handout, section_id
from .i18n import css_string, translations

MAX_ROUNDS = 3  # layouts after the first; two settle every example


def label(title: str, lang: str, locale: tuple[Path, ...]) -> str:
    """'Risks and side effects (continued)', in the leaflet's language."""
    return translations(lang, locale).gettext("%(heading)s (continued)") % {"heading": title}


def continuations(document: Document, handout: Handout) -> set[tuple[str, int]]:
    """(heading id, n) for each risk box that continues with its n-th child (from 1)."""
    boxed = {section_id(title) for title in handout.meta.boxed_sections}
    found: set[tuple[str, int]] = set()
    last: dict[str, object] = {}
    for page in document.pages:
        for section in _risk_boxes(page._page_box):
            children = list(section.element)
            anchor = children[0].get("id") if children else None
            if anchor not in boxed or not section.children:
                continue
            first = section.children[0].element
            # A break inside one element (a long paragraph) cannot be labelled: its
            # ::before would print in the fragment before.
            if anchor in last and first in children and first is not last[anchor]:
                found.add((anchor, children.index(first) + 1))
            last[anchor] = section.children[-1].element
    return found


def _risk_boxes(box: Any) -> Iterator[Any]:  # WeasyPrint's boxes are untyped
    """Every fragment of a risk box's <section> on a page, in reading order."""
    for child in getattr(box, "children", ()):
        if getattr(child, "element_tag", None) == "section" and "risk-box" in (
            child.element.get("class") or ""
        ):
            yield child
        else:
            yield from _risk_boxes(child)


def label_css(marks: set[tuple[str, int]], handout: Handout, locale: tuple[Path, ...]) -> str:
    """The labels, as ::before of the element each continuation starts with."""
    titles = {section_id(title): title for title in handout.meta.boxed_sections}
    return "".join(
        f"#{anchor} ~ :nth-child({n})::before {{ content: "
        f"{css_string(label(titles[anchor], handout.lang, locale))}; display: block; "
        "font-weight: bold; color: #8c1d18; margin: 0 0 3pt; }\n"
        for anchor, n in sorted(marks)
    )
