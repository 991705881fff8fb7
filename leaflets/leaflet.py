"""One leaflet: a clinic's branding, a handout and a variant, made into checked PDF bytes.

Nothing here writes a file: `build.py` decides what to make and writes it atomically.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import weasyprint
from weasyprint.text.fonts import FontConfiguration

from . import continued, pdf
from .accessibility import check_accessible_pdf
from .branding import Branding
from .checks import check_leaflet
from .choices import MEMORY_LIMIT_MB
from .content import Handout
from .errors import Expired, LeafletError, TooLarge, TooLong
from .i18n import css_string, page_labels_css
from .paper import paper_named
from .project import Project
from .theme import render_page


@dataclass(frozen=True)
class Variant:
    """A way of printing the same content: extra stylesheets, a file-name suffix, a page budget."""

    name: str
    sheets: tuple[str, ...] = ()
    extension: str = "pdf"  # "html": the web version (web_version.py), not a PDF
    page_factor: int = 1  # times the paper's usual page budget
    pdf_variant: str | None = None  # None: the build's (accessible PDF/UA-1 unless asked)
    # The risk box's text and heading sizes: set by `risk_css`, proven by `audit.py`.
    risk_text_pt: float = 11
    risk_heading_pt: float = 14

    @property
    def suffix(self) -> str:
        """What the variant adds to the file name."""
        return "" if self.name in ("standard", "web") else f"-{self.name}"


STANDARD = Variant("standard")
# The web version: one self-contained HTML page per leaflet, beside its PDF.
WEB = Variant("web", extension="html")
# RNIB's guidance for large print: 16 to 18 pt.
LARGE_PRINT = Variant(
    "large-print", ("large-print.css",), page_factor=3, risk_text_pt=16, risk_heading_pt=20
)
# PDF/X-4: the current print-exchange standard that keeps RGB colour with an output intent,
# live transparency and text; PDF/X-1a would need CMYK, which WeasyPrint does not write.
PRINT_SHOP = Variant("print-shop", ("print-shop.css",), pdf_variant="pdf/x-4")
# The printed variants, as choices.VARIANT_NAMES names them for the command line.
PRINTED = (STANDARD, LARGE_PRINT, PRINT_SHOP)
# Crop marks sit in a slug outside the bleed, this far from it. WeasyPrint draws them in the
# outer half of the CSS `bleed` (the whole margin round the trimmed page): a CSS bleed of
# twice (bleed + gap) makes them start `gap` past the bleed, as long as they are far from it.
MARKS_GAP_MM = 2
# The printing a print-shop PDF is made for, its output intent: offset on coated paper,
# FOGRA39. In styles/, so the leaflet's fetcher reads it; styles/icc/README.md says more.
PRINT_PROFILE = "icc/fogra39.icc"
# Tighter spacing for a leaflet past its page budget (see make_leaflet).
COMPACT = "compact.css"


@dataclass(frozen=True)
class Options:
    """How each leaflet is made: what changes its PDF, and the limits it must keep.

    What changes the PDF is what `manifest.inputs` hashes. Which leaflets a build makes,
    and how, is `build.Batch`'s.
    """

    paper: str | None = None  # a paper name, in any case, overriding every clinic's
    pdf_variant: str = "pdf/ua-1"  # unless the variant has its own (print shop: PDF/X-4)
    today: datetime.date = field(default_factory=datetime.date.today)  # past review_date: overdue
    allow_expired: bool = False  # print an overdue handout, marked so, instead of refusing it
    # Limits: a leaflet past one is stopped and reported (never changed), and a batch goes on.
    max_kb: int | None = None  # fail a leaflet larger than this
    page_limit: int = 12  # A4 pages laid out before layout is stopped (Paper.laid_out)
    time_limit: float = 60.0  # seconds to render one leaflet (enforced by workers.py)
    memory_limit: int | None = MEMORY_LIMIT_MB  # megabytes a worker may use (workers.py)


def risk_css(variant: Variant, family: str) -> str:
    """The risk box's sizes, and the one font the leaflet's text is printed in.

    A user stylesheet's !important on the box and on everything in it: a custom property
    declared by a clinic on the box itself would otherwise beat one set on `:root`.

    The font: every text on the page is printed in `family`, a font this project ships,
    whatever a clinic stylesheet or template says, but the clinic's name (`.clinic-name`,
    `.running-name`). A font file can change what a text draws without changing the text
    (a character map or substitution rule turning "999" into "111", "not" into "now"), and
    no check of the text can see it; so a clinic's own font files print its name only. On
    every element, not under the theme's wrappers: a template may leave those out.
    """
    return (
        f".risk-box, .risk-box * {{ --risk-text-size: {variant.risk_text_pt:g}pt !important; "
        f"--risk-heading-size: {variant.risk_heading_pt:g}pt !important; }}\n"
        "body, body *:not(.clinic-name):not(.running-name) { "
        f'font-family: {css_string(family)}, "DejaVu Sans", sans-serif !important; }}\n'
    )


def file_name(handout: Handout, variant: Variant, paper: str | None = None) -> str:
    """`<handout>-<lang>[-<paper>][-<variant>].pdf`, naming a paper given by `other_paper`.

    The web version has no paper: `<handout>-<lang>.html`.
    """
    named = f"-{paper.lower()}" if paper and variant.extension == "pdf" else ""
    return f"{handout.meta.id}-{handout.lang}{named}{variant.suffix}.{variant.extension}"


def other_paper(branding: Branding, options: Options) -> str | None:
    """The build's paper when it is not the clinic's own, so that both copies can be kept."""
    printed = branding.with_paper(options.paper).paper if options.paper else branding.paper
    return printed if printed != branding.paper else None


def variant_of(name: str) -> Variant:
    """The variant a leaflet's file name, made by `file_name`, says it is."""
    if name.endswith(f".{WEB.extension}"):
        return WEB
    others = [variant for variant in PRINTED if variant.suffix]
    return next((v for v in others if name.endswith(f"{v.suffix}.pdf")), STANDARD)


def refuse_if_expired(handout: Handout, options: Options) -> bool:
    """Whether the handout is past its review date; refused unless `options` allow it."""
    overdue = handout.meta.review_date < options.today
    if overdue and not options.allow_expired:
        raise Expired(handout.file, handout.meta.review_date)
    return overdue


def make_leaflet(
    project: Project, branding: Branding, handout: Handout, variant: Variant, options: Options
) -> bytes:
    """Render, check and return one leaflet's PDF bytes; raise `LeafletError` if it fails."""
    overdue = refuse_if_expired(handout, options)
    if options.paper:
        branding = branding.with_paper(options.paper)
    sheets = [*variant.sheets, *(["overdue.css"] if overdue else [])]
    page_css = page_labels_css(handout.lang, project.locale, overdue)
    page_css += risk_css(variant, branding.text_font)
    print_shop = None
    if variant == PRINT_SHOP:
        print_shop = pdf.PrintShop(branding.bleed_mm, project.stylesheet(PRINT_PROFILE))
        bleed, margin = branding.bleed_mm, 2 * (branding.bleed_mm + MARKS_GAP_MM)
        page_css += f":root {{ --bleed: {bleed:g}mm; }} @page {{ bleed: {margin:g}mm; }}"
    fetcher = pdf.ConfinedFetcher(
        [*project.templates, *project.styles, handout.folder, branding.folder]
    )
    fonts = FontConfiguration()
    extra = [branding.theme.extra_css.as_uri()] if branding.theme.extra_css else []
    html = render_page(project.templates, project.locale, branding, handout, extra, variant.name)
    where = f"clinic '{branding.slug}', handout '{handout.meta.id}' ({handout.lang})"
    paper = paper_named(branding.paper)
    budget = variant.page_factor * paper.pages
    # The limit is on how much is laid out, so a page holding less text counts for less.
    limit = paper.laid_out(options.page_limit)

    def render(sheets: list[str], labels_css: str = "") -> weasyprint.Document:
        stylesheets = pdf.stylesheets_for(
            project.stylesheet, branding, sheets, fetcher, fonts, variant_css=page_css + labels_css
        )
        return pdf.render(
            html,
            base=handout.folder,
            stylesheets=stylesheets,
            fetcher=fetcher,
            fonts=fonts,
            max_pages=min(budget, limit),
        )

    try:
        try:
            document = render(sheets)
        except pdf.PageLimitReached:
            if limit < budget:
                raise
            # Copyfit: a wide font or a long translation gets the tighter spacing of
            # compact.css before it is refused. Only leaflets past their budget pay for it.
            sheets = [*sheets, COMPACT]
            document = render(sheets)
        document, labels_css = _label_continuations(
            document, handout, project.locale, lambda css: render(sheets, css)
        )
    except pdf.PageLimitReached as stopped:
        raise TooLong(
            where, stopped.page, budget, limit, branding.paper, handout.file.name
        ) from None
    problems = check_leaflet(
        document, handout, branding, budget, variant.risk_text_pt, project.locale, html
    )
    if problems:
        raise LeafletError(problems[0], problems[1:])
    # Stable for the same inputs, different for each variant of the same page.
    made_from = "\0".join(
        [html, variant.name, *sheets, page_css, labels_css, pdf.brand_css(branding)]
    )
    identifier = hashlib.sha256(made_from.encode()).hexdigest()
    data = pdf.write(
        document,
        identifier[:32].encode(),
        variant.pdf_variant or options.pdf_variant,
        print_shop=print_shop,
    )
    problems = check_accessible_pdf(data, handout.lang)
    if problems:
        raise LeafletError(f"{where}: the PDF is not accessible", problems)
    if options.max_kb and len(data) > options.max_kb * 1024:
        raise TooLarge(where, variant.name, len(data) / 1024, options.max_kb)
    return data


def _label_continuations(
    document: weasyprint.Document,
    handout: Handout,
    locale: tuple[Path, ...],
    render: Callable[[str], weasyprint.Document],
) -> tuple[weasyprint.Document, str]:
    """The leaflet with a "(continued)" label where each risk box runs on, and its CSS.

    Labels move what follows them, so the layout is redone until the labels are exactly
    where the boxes break; if that does not settle in a few rounds, or a label would push
    the leaflet past its budget, it is printed without them.
    """
    marks = continued.continuations(document, handout)
    for _round in range(continued.MAX_ROUNDS if marks else 0):
        css = continued.label_css(marks, handout, locale)
        try:
            labelled = render(css)
        except pdf.PageLimitReached:
            break
        found = continued.continuations(labelled, handout)
        if found == marks:
            return labelled, css
        marks = found
    return document, ""
