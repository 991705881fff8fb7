"""The web version of a leaflet: one self-contained, accessible HTML page.

The same handout HTML, clinic words and gettext messages as the PDF, in `web.html`, with
everything the page needs inside it: its styles inline, the logo as SVG markup or a
`data:` image, the handout's pictures as `data:` images. Its Content-Security-Policy lets
a browser load nothing at all but those inline styles and `data:` images, and run no script.

A browser has no user stylesheet, so the PDF's way of protecting the risk box (safety.css
as a user sheet) becomes cascade layers: `safety` is declared first and all its rules are
`!important`, which beats any `!important` in a later layer or outside layers. The
clinic's stylesheet, checked against the same allowlist as for the PDF, goes in the last
layer, `clinic`. A clinic's own templates and font files are not used: a page a browser
opens is the theme's, and prints text in fonts the reader already has.
"""

from __future__ import annotations

import base64
import dataclasses
import html
import re
from urllib.parse import unquote, urlsplit

import defusedxml.ElementTree
import tinycss2
from markupsafe import Markup, escape

from .assets import MAX_LOGO_BYTES, MAX_STYLESHEET_BYTES
from .branding import BUNDLED_FONTS, Branding
from .clinic_css import check_clinic_css
from .clinic_fields import dialable
from .content import Handout, missing_sections
from .errors import LeafletError, shown
from .i18n import css_string
from .leaflet import Options, refuse_if_expired
from .pdf import brand_variables
from .project import Project
from .theme import WEB_PAGE, render_page
from .user_files import Unreadable, read_user_file, read_user_text

# Inline styles and data: images only; no script, font, frame, form or connection at all.
POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)
LAYERS = "@layer safety, theme, clinic;"
# The fonts after the theme's: the reader's own sans-serif, whatever their system.
SYSTEM_FONTS = 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif'
# The risk box's sizes on screen: larger than the body text (1rem), as in print.
RISK_TEXT, RISK_HEADING = "1.125rem", "1.5rem"
_MIME = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}
_SVG = "{http://www.w3.org/2000/svg}"
# An SVG logo printed as markup may hold shapes and text, drawn with these attributes
# only: geometry and paint. Anything else (<style>, style=, class=, id=, links, handlers,
# opacity, overflow, filters, in any case: an HTML parser lowercases STYLE= to style=)
# makes it a `data:` image instead, which a browser draws apart from the page. Either way
# the safety layer keeps the logo's painting inside its own box (`_safety_on_screen`).
_SHAPES = frozenset(
    "svg g path circle ellipse rect line polyline polygon text tspan title desc".split()
)
_DRAWING = frozenset(
    """viewbox preserveaspectratio version width height x y x1 y1 x2 y2 cx cy r rx ry d
    points transform fill fill-rule fill-opacity clip-rule stroke stroke-width stroke-opacity
    stroke-linecap stroke-linejoin stroke-miterlimit stroke-dasharray stroke-dashoffset
    font-family font-size font-weight font-style text-anchor dominant-baseline""".split()
)


def make_web_page(
    project: Project, branding: Branding, handout: Handout, options: Options
) -> bytes:
    """The web version of one leaflet, as UTF-8 bytes; raise `LeafletError` if it fails."""
    overdue = refuse_if_expired(handout, options)
    where = f"clinic '{branding.slug}', handout '{handout.meta.id}' ({handout.lang})"
    problems = missing_sections(handout)  # the PDF's audit finds these after layout
    if problems:
        raise LeafletError(f"{where}: {problems[0]}", [f"{where}: {p}" for p in problems[1:]])
    web = {
        "policy": POLICY,
        "css": Markup(page_css(project, branding)),  # noqa: S704 - ours, and the checked clinic CSS
        "logo": _logo(branding),
        "tel": dialable(branding.contact.phone or ""),
        "overdue": overdue,
    }
    handout = _with_pictures_inline(handout, where)
    page = render_page(
        project.templates, project.locale, branding, handout, [], "web", page=WEB_PAGE, web=web
    )
    return page.encode("utf-8")


def page_css(project: Project, branding: Branding) -> str:
    """The page's one stylesheet: theme, clinic and safety rules, each in its layer."""
    theme, defaults, safety = (
        project.stylesheet(name).read_text(encoding="utf-8")
        for name in ("web.css", "brand-defaults.css", "safety.css")
    )
    brand = defaults + brand_variables(branding)
    return "\n".join(
        [
            LAYERS,
            f"@layer theme {{\n{brand}{theme}}}",
            f"@layer clinic {{\n{clinic_css(branding)}}}",
            f"@layer safety {{\n{safety}{_safety_on_screen(branding.text_font)}}}",
        ]
    ).replace("</", "<\\/")  # nothing in a style element may close it


def _safety_on_screen(text_font: str) -> str:
    """What the screen adds to safety.css: rem sizes, fonts, the logo in its box, tables.

    Sizes in rem, so a reader's text size setting works. Fonts: a clinic stylesheet may
    name a font for its own use, and on a reader's computer a font of that name may draw
    anything (a "Wingdings" turns "999" into pictures), so the page's words are printed
    in the theme's font or the reader's own.
    """
    family = f"{css_string(text_font)}, {SYSTEM_FONTS}"
    return (
        f".risk-box, .risk-box * {{ --risk-text-size: {RISK_TEXT} !important; "
        f"--risk-heading-size: {RISK_HEADING} !important; }}\n"
        ":root { font-size: 100% !important; }\n"
        "main, main *, .page-footer, .page-footer * { visibility: visible !important; "
        f"opacity: 1 !important; font-family: {family} !important; }}\n"
        # The logo paints inside its own box, whatever its shapes say.
        ".masthead .logo { overflow: hidden !important; contain: paint !important; "
        "position: static !important; transform: none !important; translate: none !important; "
        "rotate: none !important; scale: none !important; }\n"
        # A clinic's text colour is checked against the white page; on screen the
        # masthead is the brand colour's band, and its text the colour chosen for it.
        "@media screen { .masthead, .masthead * { "
        "color: var(--brand-on-primary) !important; } }\n"
        # A table's columns on a phone leave each a word's width, or less: cells stacked.
        "@media (max-width: 40rem) { main table, main thead, main tbody, main tr, main th, "
        "main td { display: block !important; width: auto !important; } }\n"
    )


# On a phone, a clinic's side spacing gives way to the theme's: its caps are for a column
# of paper, and on a 320px screen, nested, they leave a column a few letters wide. In the
# clinic's own layer, `revert-layer` is the theme's value; a clinic may not use !important.
ON_A_PHONE = (
    "@media (max-width: 40rem) { body, body * { "
    + " ".join(
        f"{side}: revert-layer !important;"
        for side in ("margin-left", "margin-right", "padding-left", "padding-right")
        + ("border-left", "border-right")
    )
    + " } }\n"
)


def clinic_css(branding: Branding) -> str:
    """The clinic's stylesheet, checked again, without comments or its @font-face rules.

    It was checked when the clinic file was loaded; it is read once more here and held
    to the same allowlist, so what is inlined is exactly what was checked.
    """
    if branding.theme.extra_css is None:
        return ""
    sheet = branding.theme.extra_css
    try:
        text = read_user_text(sheet, MAX_STYLESHEET_BYTES)
    except Unreadable as error:
        raise LeafletError(f"{shown(sheet)}: {error}") from None
    problems = check_clinic_css(text, BUNDLED_FONTS)  # as when the clinic file was read
    if problems:  # changed since the clinic file was loaded
        raise LeafletError(f"{shown(sheet)}: {problems[0]}", problems[1:])
    rules = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    kept = [rule for rule in rules if rule.type == "qualified-rule"]
    return "".join(f"{tinycss2.serialize([rule])}\n" for rule in kept) + ON_A_PHONE


def _logo(branding: Branding) -> Markup:
    """The clinic's logo inline: SVG as markup when that is safe, else a `data:` image."""
    logo = branding.logo
    if logo is None:
        return Markup("")
    file = logo.file
    try:
        data = read_user_file(file, MAX_LOGO_BYTES)
    except Unreadable as error:
        raise LeafletError(f"{shown(file)}: {error}") from None
    suffix = file.suffix.lower()
    if suffix == ".svg":
        markup = _svg_markup(data, logo.alt)
        if markup is not None:
            return markup
    uri = f"data:{_MIME[suffix]};base64,{base64.b64encode(data).decode('ascii')}"
    return Markup('<img class="logo" src="{}" alt="{}">').format(uri, logo.alt)


def _svg_markup(data: bytes, alt: str) -> Markup | None:
    """The SVG written out again from its shapes alone, or None if it has more than shapes."""
    try:
        root = defusedxml.ElementTree.fromstring(data, forbid_dtd=True)  # checked on loading
    except Exception:  # changed since: then it is drawn as an image, apart from the page
        return None

    def written(element, top: bool = False) -> str | None:
        tag = element.tag.removeprefix(_SVG)
        if tag not in _SHAPES or (tag == "svg") != top:
            return None
        attributes = {}
        for name, value in element.attrib.items():
            if name.lower() not in _DRAWING or (top and name.lower() == "transform"):
                return None  # namespaced ('{...}href') ones too; the outer box stays put
            attributes[name] = value
        if top:
            attributes |= {"class": "logo", "role": "img", "aria-label": alt}
        inner = [written(child) for child in element]
        if None in inner:
            return None
        text = str(escape(element.text or "")) + "".join(
            f"{child}{escape(node.tail or '')}" for child, node in zip(inner, element, strict=True)
        )
        pairs = "".join(f' {name}="{escape(value)}"' for name, value in attributes.items())
        return f"<{tag}{pairs}>{text}</{tag}>"

    markup = written(root, top=True)
    return Markup(markup) if markup is not None else None  # noqa: S704 - rebuilt from shapes


def _with_pictures_inline(handout: Handout, where: str) -> Handout:
    """The handout with its pictures (files in its folder, checked by content.py) as `data:`."""

    def inline(match: re.Match) -> str:
        source = html.unescape(match.group(2))
        path = (handout.folder / unquote(urlsplit(source).path)).resolve()  # as content.py
        mime = _MIME.get(path.suffix.lower())
        if not path.is_relative_to(handout.folder) or mime is None:
            raise LeafletError(f"{where}: the picture '{source}' cannot go in a web page")
        try:
            data = read_user_file(path, MAX_LOGO_BYTES)
        except Unreadable as error:
            raise LeafletError(f"{shown(path)}: {error}") from None
        return f'{match.group(1)}data:{mime};base64,{base64.b64encode(data).decode("ascii")}"'

    pictured = re.sub(r'(<img\b[^>]*?\bsrc=")([^"]*)"', inline, handout.html)
    return dataclasses.replace(handout, html=Markup(pictured))  # noqa: S704 - only src changed
