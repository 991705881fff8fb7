"""Checks on the rendered leaflet, made before anything is written.

Clinic templates and stylesheets may change anything, so the result is checked, not the
inputs: every required section must have rendered (a hidden element renders no anchor),
and the leaflet must fit its page budget.
"""

from __future__ import annotations

import weasyprint

from .branding import Branding
from .content import Handout

MAX_PAGES = {"A4": 9, "Letter": 9, "A5": 9}


def check_leaflet(document: weasyprint.Document, handout: Handout, branding: Branding) -> list[str]:
    """Everything wrong with a rendered leaflet, in words that name clinic, handout and section."""
    where = f"clinic '{branding.slug}', handout '{handout.meta.id}' ({handout.lang})"
    rendered = {anchor for page in document.pages for anchor in page.anchors}
    problems = [
        f"{where}: required section '{title}' is missing from the rendered leaflet "
        "(a handout heading or template block that prints it was removed)"
        for title, anchor in handout.required_ids().items()
        if anchor not in rendered
    ]
    limit = MAX_PAGES[branding.paper]
    if len(document.pages) > limit:
        problems.append(
            f"{where}: the leaflet is {len(document.pages)} pages; the limit on "
            f"{branding.paper} paper is {limit} (shorten {handout.file.name})"
        )
    return problems
