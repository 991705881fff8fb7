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


def check_page_styles(html: str, stylesheets: list[str]) -> list[str]:
    """Every problem with the CSS and links in a rendered page, in clinic staff's words.

    `stylesheets` are the links the theme itself writes (the clinic's checked extra_css).
    """
    problems, sheets = [], 0
    for element in tinyhtml5.parse(html, namespace_html_elements=False).iter():
        if not isinstance(element.tag, str):
            continue  # a comment
        tag = element.tag.rpartition("}")[2]
        if element.get("style") is not None:
            problems.append(
                f"a style attribute on <{tag}> is not allowed; give the element a class and "
                "style it in the clinic's extra_css"
            )
        if tag == "style":
            sheets += 1
            problems += [
                f"<style> element {sheets}: {problem}"
                for problem in check_clinic_css("".join(element.itertext()), BUNDLED_FONTS)
            ]
        elif tag == "base":
            problems.append("<base> is not allowed: it would change where files load from")
        elif tag == "link" and (
            element.get("rel") != "stylesheet" or element.get("href") not in stylesheets
        ):
            problems.append(
                f'<link rel="{element.get("rel")}" href="{element.get("href")}"> is not '
                "allowed; a clinic's styles go in its extra_css"
            )
    return problems


def check_handout_printed(html: str, handout: Handout) -> str | None:
    """Why the page does not print `{{ handout.html }}` once, as an element; None if it does.

    Templates print a placeholder (`template_data.HANDOUT_PLACEHOLDER`), which the handout's
    own HTML replaces after templating: one copy, as a real element, not in a comment or as
    text. Otherwise the handout's sections, required ones named, would be missing.
    """
    marker = HANDOUT_PLACEHOLDER
    elements = [
        element
        for element in tinyhtml5.parse(html, namespace_html_elements=False).iter()
        if isinstance(element.tag, str) and element.get("class") == "handout-goes-here"
    ]
    if html.count(marker) == 1 and len(elements) == 1:
        return None
    sections = ", ".join(f"'{title}'" for title in handout.meta.required_sections)
    return (
        f"does not print {{{{ handout.html }}}} once, as it is ({html.count(marker)} copies"
        f"{', in a comment or as text' if len(elements) != html.count(marker) else ''}), so "
        f"the handout's sections ({sections or 'all of them'}) would be missing or changed: "
        "a template may add before or after it, not change, hide or repeat it"
    )
