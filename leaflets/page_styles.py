"""What a clinic's templates put on the page: the handout once, and CSS held to the allowlist.

A template override can write `<style>`, `style="..."` and `<link>` as well as text, which
would put any CSS on the page past the checks `extra_css` gets; and it could hide the
handout in a comment, or print it twice. So the rendered page is checked before layout.
It must print the handout's placeholder exactly once, as an element: the handout's own
HTML replaces it afterwards, so a template never sees that HTML and cannot edit it. Its
`<style>` elements are held to the clinic stylesheet allowlist (`clinic_css.py`); a
`style` attribute, a `<base>` or a `<link>` other than the theme's own stylesheet links is
refused. The page is parsed by tinyhtml5, the parser WeasyPrint uses, so no comment or
script trick can hide a `<style>` from this check and show it to layout.
"""

from __future__ import annotations

import tinyhtml5

from .branding import BUNDLED_FONTS
from .clinic_css import check_clinic_css
from .content import Handout
from .template_data import HANDOUT_PLACEHOLDER

# What only the handout's own HTML (content.py) may carry: a template that used these could
# print a look-alike risk box, or send the back page's "on page N" to its own words.
RESERVED_CLASSES = frozenset({"section", "risk-box", "lead-in", "lead-in-list"})
# The theme's ids (templates/base.html), once each.
THEME_IDS = ("urgent-heading", "contact-us", "sources")


def check_page(html: str, stylesheets: list[str], handout: Handout) -> list[str]:
    """Every problem with a page a clinic's templates made, before the handout goes in.

    The page must hold the placeholder (`template_data.HANDOUT_PLACEHOLDER`) once, as an
    element, not in a comment or as text; its CSS and links are held to the allowlist.
    `stylesheets` are the links the theme itself writes (the clinic's checked extra_css).
    The handout's own HTML, sanitised, holds no CSS or links, so this one parse is enough.
    """
    problems, sheets, placeholders = [], 0, 0
    handout_ids = {section.id for section in handout.sections}
    theme_ids: dict[str, int] = dict.fromkeys(THEME_IDS, 0)
    for element in tinyhtml5.parse(html, namespace_html_elements=False).iter():
        if not isinstance(element.tag, str):
            continue  # a comment
        tag = element.tag.rpartition("}")[2]
        placeholders += element.get("class") == "handout-goes-here"
        classes = set((element.get("class") or "").split())
        if classes & RESERVED_CLASSES:
            problems.append(
                f'has <{tag} class="{element.get("class")}">: the classes '
                f"{', '.join(sorted(RESERVED_CLASSES))} belong to the handout's own sections, "
                "so a template cannot make something look like a risk box"
            )
        if (anchor := element.get("id")) in handout_ids or theme_ids.get(anchor, 0):
            problems.append(
                f'has a second element with id "{anchor}": that id is the handout\'s or the '
                "back page's, which page references point to; give it another id"
            )
        if anchor in theme_ids:
            theme_ids[anchor] += 1
        if element.get("style") is not None:
            problems.append(
                f"has a style attribute on <{tag}>, which is not allowed; give the element a class "
                "and style it in the clinic's extra_css"
            )
        if tag == "style":
            sheets += 1
            problems += [
                f"has <style> element {sheets}: {problem}"
                for problem in check_clinic_css("".join(element.itertext()), BUNDLED_FONTS)
            ]
        elif tag == "base":
            problems.append(
                "has <base>, which is not allowed: it would change where files load from"
            )
        elif tag == "link" and (
            element.get("rel") != "stylesheet" or element.get("href") not in stylesheets
        ):
            problems.append(
                f'has <link rel="{element.get("rel")}" href="{element.get("href")}">, which is '
                "not allowed; a clinic's styles go in its extra_css"
            )
    copies = html.count(HANDOUT_PLACEHOLDER)
    if copies != 1 or placeholders != 1:
        sections = ", ".join(f"'{title}'" for title in handout.meta.required_sections)
        problems.insert(
            0,
            f"does not print {{{{ handout.html }}}} once, as it is ({copies} copies"
            f"{', in a comment or as text' if placeholders != copies else ''}), so the "
            f"handout's sections ({sections or 'all of them'}) would be missing or changed: "
            "a template may add before or after it, not change, hide or repeat it",
        )
    return problems
