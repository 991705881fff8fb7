"""CSS a clinic's template writes into the page, held to the clinic stylesheet allowlist.

A template override can write `<style>`, `style="..."` and `<link>` as well as text, which
would put any CSS on the page past the checks `extra_css` gets. So the rendered page is
parsed, and its `<style>` elements are held to the same allowlist (`clinic_css.py`); a
`style` attribute or a `<link>` other than the theme's own stylesheet links is refused.
"""

from __future__ import annotations

import html.parser

from .branding import BUNDLED_FONTS
from .clinic_css import check_clinic_css


class _Styles(html.parser.HTMLParser):
    """Collects the CSS and links a page carries."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sheets: list[str] = []
        self.links: list[dict[str, str | None]] = []
        self.problems: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self._in_style = tag == "style"
        if self._in_style:
            self.sheets.append("")
        if "style" in values:
            self.problems.append(
                f"a style attribute on <{tag}> is not allowed; give the element a class and "
                "style it in the clinic's extra_css"
            )
        if tag == "link":
            self.links.append(values)
        if tag == "base":
            self.problems.append("<base> is not allowed: it would change where files load from")

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.sheets[-1] += data


def check_page_styles(html: str, stylesheets: list[str]) -> list[str]:
    """Every problem with the CSS and links in a rendered page, in clinic staff's words.

    `stylesheets` are the links the theme itself writes (the clinic's checked extra_css).
    """
    parser = _Styles()
    parser.feed(html)
    parser.close()
    problems = list(parser.problems)
    for number, sheet in enumerate(parser.sheets, start=1):
        problems += [
            f"<style> element {number}: {problem}"
            for problem in check_clinic_css(sheet, BUNDLED_FONTS)
        ]
    for link in parser.links:
        if link.get("rel") != "stylesheet" or link.get("href") not in stylesheets:
            problems.append(
                f'<link rel="{link.get("rel")}" href="{link.get("href")}"> is not allowed; '
                "a clinic's styles go in its extra_css"
            )
    return problems
