"""Checks on the rendered leaflet, made before anything is written.

Clinic templates and stylesheets may change anything, so the result is checked, not the
inputs: every required section must print the handout's words and every risk section
must be readable on the laid-out pages (`audit.py`), every character must have a glyph,
and the leaflet must fit its page budget.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import weasyprint
from markupsafe import Markup
from weasyprint.formatting_structure import boxes

from .audit import audit_sections
from .branding import Branding
from .content import Handout
from .errors import shown
from .glyphs import installed_family_file, undrawable
from .laid_out import GENERATED
from .theme import kept_parts


def check_leaflet(
    document: weasyprint.Document,
    handout: Handout,
    branding: Branding,
    max_pages: int,
    risk_text_pt: float,
    locale: tuple[Path, ...],
    page_html: str,
) -> list[str]:
    """Everything wrong with a rendered leaflet, in words that name clinic, handout and section."""
    where = f"clinic '{branding.slug}', handout '{handout.meta.id}' ({handout.lang})"
    audit = audit_sections(document, handout, risk_text_pt, locale)
    problems = [f"{where}: {problem}" for problem in audit]
    problems += [f"{where}: {problem}" for problem in _kept_parts_printed(document, page_html)]
    problems += _undrawable_characters(where, handout, branding)
    if len(document.pages) > max_pages:
        problems.append(
            f"{where}: the leaflet is {len(document.pages)} pages; the limit for it on "
            f"{branding.paper} paper is {max_pages} pages (shorten {handout.file.name})"
        )
    return problems


def _kept_parts_printed(document: weasyprint.Document, page_html: str) -> list[str]:
    """A problem for each part of the back page no template may remove that is not laid out.

    theme.render_page checks a clinic template prints each part's HTML as the theme does;
    this checks it reached the pages: a `hidden` or never-drawn element around it (a
    `<datalist>`) keeps the HTML and drops the text. Compared without whitespace, and
    without text made up by CSS (the "on page 3" of a page reference).
    """
    text = (word for page in document.pages for word in _laid_out_text(page._page_box))
    printed = "".join("".join(text).split())
    return [
        f"the back page's {name} is not printed (a template may add around it, not hide it)"
        for name, part in kept_parts(page_html).items()
        if "".join(Markup(part).striptags().split()) not in printed  # noqa: S704 - read only
    ]


def _laid_out_text(box: boxes.Box, generated: bool = False) -> Iterator[str]:
    """The document's own text in a laid-out page, in order.

    Left out: text CSS made up, and the running header and footer (margin boxes, printed
    between the pages of a part that runs on).
    """
    if isinstance(box, boxes.MarginBox):
        return
    tag = box.element_tag or ""
    generated = generated or ("::" in tag and tag.rpartition("::")[2] in GENERATED)
    if isinstance(box, boxes.TextBox) and not generated:
        yield box.text
    for child in getattr(box, "children", ()):
        yield from _laid_out_text(child, generated)


def _undrawable_characters(where: str, handout: Handout, branding: Branding) -> list[str]:
    """A problem for each character no font can draw, naming the file it comes from."""
    clinic_text = " ".join(
        str(value)
        for value in (
            branding.name,
            *branding.text(handout.lang).model_dump().values(),
            *branding.contact.model_dump().values(),
        )
        if value
    )
    handout_text = handout.html.striptags() + handout.meta.title + handout.meta.summary
    handout_text += " ".join([*handout.meta.sources, *handout.meta.questions])
    installed = [] if branding.font.files else [installed_family_file(branding.font.family)]
    files = [path for path in [*branding.font.files, *installed] if path]
    return [
        f"{where}: no installed font can draw '{char}' (U+{ord(char):04X}) in "
        f"{shown(handout.file if char in handout_text else branding.file)}; it would print "
        "as an empty box (remove it, or use a font that has it)"
        for char in undrawable(handout_text + clinic_text, files)
    ]
