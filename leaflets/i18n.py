"""Fixed words and dates in the leaflet's language.

Labels come from gettext catalogues in `locale/<lang>/LC_MESSAGES/messages.po`, compiled in
memory by Babel when first used (a `.po` edit needs no extra step); a project's own
`locale/` comes first, and what its catalogue lacks comes from the theme's
(`Project.locale`). Dates are formatted for the locale by Babel. A language with no
catalogue gets the English words.
"""

from __future__ import annotations

import datetime
import functools
import gettext
import io
from pathlib import Path

from babel.dates import format_date as babel_format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

# Babel locale per handout language: the English content follows UK (NHS) usage.
BABEL_LOCALES = {"en": "en_GB", "es": "es"}


@functools.cache
def translations(lang: str, locale: tuple[Path, ...]) -> gettext.NullTranslations:
    """The words for `lang`: each from the first of the `locale` folders whose catalogue has it."""
    found = [
        _compiled(po, lang)
        for folder in locale
        if (po := folder / lang / "LC_MESSAGES" / "messages.po").is_file()
    ]
    if not found:
        return gettext.NullTranslations()
    for later in found[1:]:
        found[0].add_fallback(later)  # added to the end of the chain
    return found[0]


def _compiled(po: Path, lang: str) -> gettext.GNUTranslations:
    with po.open("rb") as stream:
        catalog = read_po(stream, locale=BABEL_LOCALES.get(lang, lang))
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def format_date(value: datetime.date, length: str = "long", *, lang: str) -> str:
    """`value` as `lang` writes dates: '25 November 2027', '25 de noviembre de 2027'.

    `length` "medium" is shorter, for the running footer: '25 Nov 2027', '25 nov 2027'.
    """
    if length not in ("long", "medium"):
        raise ValueError(f"a date is written 'long' or 'medium', not {length!r}")
    return babel_format_date(value, format=length, locale=BABEL_LOCALES.get(lang, lang))


def css_string(text: str) -> str:
    """`text` as a CSS string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def page_labels_css(lang: str, locale: tuple[Path, ...], overdue: bool) -> str:
    """The page furniture's words, which live in CSS (margin boxes), in `lang`."""
    _ = translations(lang, locale).gettext
    before, _page, rest = _("Page %(page)s of %(pages)s").partition("%(page)s")
    between, _pages, after = rest.partition("%(pages)s")
    numbers = (
        f"{css_string(before)} counter(page) {css_string(between)} counter(pages) "
        f"{css_string(after)}"
    )
    css = f"@page {{ @bottom-right {{ content: {numbers}; }} }}\n"
    if overdue:
        mark = css_string(_("Review overdue"))
        css += f"@page {{ @bottom-center {{ content: {mark}; }} }}\n"
    return css
