"""What a clinic's templates put on the page: the handout whole, and CSS held to the allowlist.

A template override can write `<style>`, `style="..."` and `<link>` as well as text, which
would put any CSS on the page past the checks `extra_css` gets; and it can print the
handout's HTML changed (`handout.html.replace(...)`), or twice. So the rendered page is
checked before layout: it must hold the handout's HTML exactly once, as made from the
Markdown; its `<style>` elements are held to the clinic stylesheet allowlist
(`clinic_css.py`); a `style` attribute, a `<base>` or a `<link>` other than the theme's own
stylesheet links is refused. The page is parsed by tinyhtml5, the parser WeasyPrint uses,
so no comment or script trick can hide a `<style>` from this check and show it to layout.
"""

from __future__ import annotations

import re

import tinyhtml5

from .branding import BUNDLED_FONTS
from .clinic_css import check_clinic_css
from .content import Handout


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
    """Why the page does not print the handout's HTML exactly once, unchanged; None if it does.

    When it is changed or left out, the sections that are not on the page as written are
    named, required ones first.
    """
    copies = html.count(handout.html)
    if copies == 1:
        return None
    if copies > 1:
        return (
            f"prints the handout {copies} times; a template may print {{{{ handout.html }}}} once"
        )
    chunks = {
        anchor[1]: chunk.rstrip()
        for chunk in re.split(r"(?=<section )", str(handout.html))
        if (anchor := re.search(r'<h2 id="([^"]+)"', chunk))
    }
    required = handout.required_ids()
    lost = [t for t, anchor in required.items() if chunks.get(anchor, "") not in html]
    lost += [
        s.title for s in handout.sections if s.title not in required and chunks[s.id] not in html
    ]
    sections = ", ".join(f"'{title}'" for title in lost) or "its text between sections"
    return (
        f"does not print the handout as written ({sections} missing or changed): a template "
        "may add before or after {{ handout.html }}, not change it or leave it out"
    )
