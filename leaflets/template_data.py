"""What a template may see: plain data, never objects with powers.

A clinic's own templates are untrusted, so the page is rendered from strings, numbers,
dates, `Markup` and lists and mappings of those; paths are turned into URIs here, before
any template runs. A `Path` or a pydantic model would hand a template its methods
(`read_text`, `write_text`, `model_copy`...), and the sandbox alone lets a template call
any method that is not private. `theme.DataOnlySandbox` is the second wall: it refuses
attribute access on anything but these types.
"""

from __future__ import annotations

import datetime
from typing import Any

from markupsafe import Markup

from .branding import Branding
from .content import Handout, section_id

# What a template prints for the handout: the handout's own HTML goes in its place after
# templating, so no template can edit it; page_styles.check_page checks it is
# printed once, as an element.
HANDOUT_PLACEHOLDER = Markup('<div class="handout-goes-here"></div>')
# The kinds of value a template may reach; Markup is a str.
DATA_TYPES = (str, int, float, bool, datetime.date, type(None))
CONTAINERS = (list, tuple, dict)


def clinic_data(branding: Branding, lang: str) -> dict[str, Any]:
    """The clinic as a template sees it, in the leaflet's language `lang`."""
    logo = branding.logo
    words = branding.text(lang)
    return {
        "slug": branding.slug,
        "name": branding.name,
        "paper": branding.paper,
        "approver": words.approver,
        "approved_on": branding.approved_on,
        "footer_note": words.footer_note,
        "feedback": words.feedback,
        "logo": {"uri": logo.file.as_uri(), "alt": logo.alt} if logo else None,
        "colours": branding.colours.model_dump(),
        "font": {"family": branding.font.family},
        "contact": branding.contact.model_dump() | {"opening_hours": words.opening_hours},
    }


def handout_data(handout: Handout) -> dict[str, Any]:
    """The handout in one language: its sanitised HTML and the headings it has.

    `urgent` is the section that says when to get help: the last risk section, which the
    back page points to.
    """
    urgent = handout.meta.boxed_sections[-1] if handout.meta.boxed_sections else None
    return {
        "id": handout.meta.id,
        "lang": handout.lang,
        "html": HANDOUT_PLACEHOLDER,
        "sections": [{"title": s.title, "id": s.id} for s in handout.sections],
        "urgent": {"title": urgent, "id": section_id(urgent)} if urgent else None,
    }


def meta_data(handout: Handout) -> dict[str, Any]:
    """The handout's front matter (title, dates, sources...)."""
    return handout.meta.model_dump()


def page_context(
    branding: Branding,
    handout: Handout,
    stylesheets: list[str],
    booking_qr: Markup | str,
    variant: str = "standard",
) -> dict[str, Any]:
    """Everything `leaflet.html` is rendered with; `variant` is how it is printed."""
    return {
        "clinic": clinic_data(branding, handout.lang),
        "handout": handout_data(handout),
        "meta": meta_data(handout),
        "author_stylesheets": list(stylesheets),
        "booking_qr": booking_qr,
        "variant": {"name": variant, "large_print": variant == "large-print"},
    }


def powers(value: object, where: str = "") -> list[str]:
    """Every place in `value` that holds something other than plain data, by its path.

    Functions are reported too: the few a template may call (gettext's, `format_date`) are
    the environment's globals, not part of the data.
    """
    if isinstance(value, DATA_TYPES):
        return []
    if isinstance(value, dict):
        return [
            problem
            for key, item in value.items()
            for problem in (
                [f"{where}: key {key!r} is not text"] if not isinstance(key, str) else []
            )
            + powers(item, f"{where}.{key}" if where else str(key))
        ]
    if isinstance(value, list | tuple):
        return [p for i, item in enumerate(value) for p in powers(item, f"{where}[{i}]")]
    return [f"{where}: {type(value).__name__}"]
