"""One leaflet: a clinic's branding, a handout and a variant, made into checked PDF bytes.

Nothing here writes a file: `build.py` decides what to make and writes it atomically.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

from weasyprint.text.fonts import FontConfiguration

from . import pdf
from .accessibility import check_accessible_pdf
from .branding import Branding
from .checks import MAX_PAGES, check_leaflet
from .content import Handout
from .errors import LeafletError, shown
from .project import Project
from .theme import render_page


@dataclass(frozen=True)
class Variant:
    """A way of printing the same content: extra stylesheets, a file-name suffix, a page budget."""

    name: str
    sheets: tuple[str, ...] = ()
    max_pages: int | None = None  # None: the paper's usual budget

    @property
    def suffix(self) -> str:
        """What the variant adds to the file name."""
        return "" if self.name == "standard" else f"-{self.name}"


STANDARD = Variant("standard")
LARGE_PRINT = Variant("large-print", ("large-print.css",), max_pages=12)


@dataclass(frozen=True)
class Options:
    """Choices for a whole build."""

    large_print: bool = False  # also build every clinic's large-print copy
    allow_expired: bool = False  # print a handout past its review date, marked as overdue
    today: datetime.date = field(default_factory=datetime.date.today)


def variants_for(branding: Branding, options: Options) -> list[Variant]:
    """The variants to build for one clinic."""
    return [STANDARD, LARGE_PRINT] if options.large_print or branding.large_print else [STANDARD]


def file_name(handout: Handout, variant: Variant) -> str:
    """`<handout>-<lang>[-variant].pdf`."""
    return f"{handout.meta.id}-{handout.lang}{variant.suffix}.pdf"


def make_leaflet(
    project: Project, branding: Branding, handout: Handout, variant: Variant, options: Options
) -> bytes:
    """Render, check and return one leaflet's PDF bytes; raise `LeafletError` if it fails."""
    overdue = handout.meta.review_date < options.today
    if overdue and not options.allow_expired:
        raise LeafletError(
            f"{shown(handout.file)}: review_date {handout.meta.review_date} has passed; have the "
            "handout reviewed and its dates updated, or build with --allow-expired to print it "
            "marked 'Review overdue'"
        )
    sheets = [*variant.sheets, *(["overdue.css"] if overdue else [])]
    fetcher = pdf.ConfinedFetcher(
        [project.templates, project.styles, handout.folder, branding.folder]
    )
    fonts = FontConfiguration()
    extra = [branding.theme.extra_css.as_uri()] if branding.theme.extra_css else []
    html = render_page(project.templates, branding, handout, extra)
    stylesheets = pdf.stylesheets_for(project.styles, branding, sheets, fetcher, fonts)
    document = pdf.render(
        html, base=handout.folder, stylesheets=stylesheets, fetcher=fetcher, fonts=fonts
    )
    max_pages = variant.max_pages or MAX_PAGES[branding.paper]
    problems = check_leaflet(document, handout, branding, max_pages)
    if problems:
        raise LeafletError(problems[0], problems[1:])
    identifier = hashlib.sha256(html.encode() + pdf.brand_css(branding).encode()).hexdigest()
    data = pdf.write(document, identifier[:32].encode())
    problems = check_accessible_pdf(data, handout.lang)
    if problems:
        where = f"clinic '{branding.slug}', handout '{handout.meta.id}' ({handout.lang})"
        raise LeafletError(f"{where}: the PDF is not accessible", problems)
    return data
