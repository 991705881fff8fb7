"""WeasyPrint, confined: one gate for every file read, one cascade order, one render.

Every URL WeasyPrint asks for goes through `ConfinedFetcher`: no network, and no file
outside the folders a leaflet may read (symlinks and %-escapes resolved first). A refused
fetch, or WeasyPrint reporting a resource it could not load, fails the leaflet.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import io
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import pydyf
import weasyprint
from PIL import ImageCms
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, fetch

from . import assets, palette
from .branding import Branding
from .errors import LeafletError, shown
from .i18n import css_string
from .paper import paper_named

# fontTools, used by WeasyPrint to subset fonts, warns about harmless quirks of font files.
logging.getLogger("fontTools").setLevel(logging.ERROR)


# Images are loaded while laying out, so these go to render(), not write_pdf(): raster
# images are resampled to 300 dpi at their printed size (a 4000-pixel logo printed 2 cm
# wide needs about 240 pixels, not 4000).
IMAGE_OPTIONS = {"dpi": 300, "optimize_images": True}


class RefusedURL(FatalURLFetchingError):
    """A URL the leaflet may not load. Fatal: WeasyPrint stops rendering at once."""


class ConfinedFetcher(URLFetcher):
    """Serves `file:` URLs inside the allowed folders, and nothing else."""

    def __init__(self, allowed: list[Path]) -> None:
        super().__init__(fail_on_errors=True, allowed_protocols=["file"])
        self.allowed = [folder.resolve() for folder in allowed]

    def fetch(self, url: str, headers: dict | None = None) -> weasyprint.urls.URLFetcherResponse:
        """Open `url` if it is a file in an allowed folder; refuse it otherwise."""
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise RefusedURL(f"refused to load '{url}': leaflets never use the network")
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if not any(path.is_relative_to(folder) for folder in self.allowed):
            folders = ", ".join(f"{shown(folder)}/" for folder in self.allowed)
            raise RefusedURL(f"refused to load '{url}': a leaflet may read only files in {folders}")
        return super().fetch(path.as_uri(), headers)


@functools.lru_cache(maxsize=32)
def _theme_sheet(path: Path) -> weasyprint.CSS:
    """Our own stylesheets, parsed once per process (they import nothing)."""
    return weasyprint.CSS(filename=path, url_fetcher=ConfinedFetcher([path.parent]))


def brand_css(branding: Branding) -> str:
    """The clinic's fonts and `:root` values, from its validated branding (never raw TOML)."""
    faces = "".join(
        f'@font-face {{ font-family: "{branding.font.family}"; src: url("{path.as_uri()}"); '
        f"{assets.font_face_style(path)} }}\n"
        for path in branding.font.files
    )
    return faces + brand_variables(branding)


def brand_variables(branding: Branding) -> str:
    """The `:root` values of one clinic, printed or on screen (styles/brand-defaults.css)."""
    colours = branding.colours
    return (
        ":root {\n"
        f"  --brand-primary: {colours.primary};\n"
        f"  --brand-on-primary: {palette.text_on(colours.primary)};\n"
        f"  --brand-accent: {colours.accent};\n"
        f"  --brand-font: {css_string(branding.text_font)};\n"
        f"  --brand-name-font: {css_string(branding.font.family)};\n"
        "}\n"
    )


def stylesheets_for(
    stylesheet: Callable[[str], Path],
    branding: Branding,
    variant_sheets: list[str],
    fetcher: ConfinedFetcher,
    fonts: FontConfiguration,
    variant_css: str = "",
) -> list[weasyprint.CSS]:
    """The cascade, written once: base, brand defaults, brand, paper, variants, safety last.

    `stylesheet` finds a theme stylesheet by name (`Project.stylesheet`).
    """
    brand = weasyprint.CSS(
        string=brand_css(branding) + variant_css, url_fetcher=fetcher, font_config=fonts
    )
    return [
        _theme_sheet(stylesheet("base.css")),
        _theme_sheet(stylesheet("brand-defaults.css")),
        brand,
        _theme_sheet(stylesheet(paper_named(branding.paper).stylesheet)),
        *(_theme_sheet(stylesheet(name)) for name in variant_sheets),
        _theme_sheet(stylesheet("safety.css")),
    ]


class _Problems(logging.Handler):
    """Collects what WeasyPrint reports about resources it could not use."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.levelno >= logging.ERROR or "cannot be loaded" in message:
            self.messages.append(message)
        elif ".notdef glyph rendered" in message:  # drawn as an empty box
            self.messages.append(
                f"no font can draw a character, which would print as a box: {message}"
            )


class PageLimitReached(LeafletError):
    """Layout reached a page past the limit, and was stopped there."""

    def __init__(self, page: int) -> None:
        super().__init__(f"layout stopped at page {page}")
        self.page = page


_PAGE_LIMIT: contextvars.ContextVar[int | None] = contextvars.ContextVar("page_limit", default=None)


class _PageLimit(logging.Filter):
    """Stops a layout once it starts a page past the limit of the render in progress.

    WeasyPrint announces each page it lays out on its `weasyprint.progress` logger
    ("Step 5 - Creating layout - Page %d"); raising there stops the layout at that page,
    instead of laying out a thousand pages and counting them afterwards.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        limit = _PAGE_LIMIT.get()
        if limit is not None and "Creating layout - Page" in record.msg:
            page = record.args[0] if isinstance(record.args, tuple) and record.args else 0
            if isinstance(page, int) and page > limit:
                raise PageLimitReached(page)
        return True


_PROGRESS = logging.getLogger("weasyprint.progress")
_PROGRESS.addFilter(_PageLimit())
_PROGRESS.setLevel(logging.INFO)  # the filter sees only what the logger lets through


@contextlib.contextmanager
def _watching_weasyprint(doing: str) -> Iterator[_Problems]:
    """Collect what WeasyPrint logs, and turn whatever it raises into this leaflet's error.

    Anything WeasyPrint raises while it lays out or writes a leaflet comes from what the
    leaflet asked of it (a template, a stylesheet, a file it links), so it fails that
    leaflet with a message, never the batch. `FatalURLFetchingError` needs naming: it is a
    `BaseException`, which an `except Exception` lets through.
    """
    handler = _Problems()
    weasyprint.LOGGER.addHandler(handler)
    try:
        yield handler
    except LeafletError:  # a refused fetch's own words, or the page limit
        raise
    except FatalURLFetchingError as error:
        raise LeafletError(_not_loaded(error)) from None
    except RecursionError:
        raise LeafletError(
            f"WeasyPrint could not {doing}: its elements are nested too deeply (a clinic "
            "template or stylesheet nesting hundreds of tables or blocks; nest less)"
        ) from None
    except MemoryError:
        raise
    except Exception as error:  # every WeasyPrint error fails one leaflet
        raise LeafletError(
            f"WeasyPrint could not {doing} ({error or type(error).__name__}); check the "
            "clinic's template and stylesheet"
        ) from None
    finally:
        weasyprint.LOGGER.removeHandler(handler)


def _not_loaded(error: FatalURLFetchingError) -> str:
    """Which URL a fetch failed on, and why, in words."""
    if isinstance(error, RefusedURL):  # raised past WeasyPrint as it is: our own words
        return str(error)
    url = str(error).removeprefix("Error fetching ").strip('"')
    reason = getattr(error.__cause__, "reason", error.__cause__)
    why = getattr(reason, "strerror", None) or str(reason or "it could not be read")
    return f"could not load '{url}', which the leaflet links to: {why}"


def render(
    html: str,
    *,
    base: Path,
    stylesheets: list[weasyprint.CSS],
    fetcher: ConfinedFetcher,
    fonts: FontConfiguration,
    max_pages: int | None = None,
) -> weasyprint.Document:
    """Lay out one leaflet; fail on any refused or missing resource.

    With `max_pages`, layout stops with `PageLimitReached` as it starts the page after it.
    """
    limit = _PAGE_LIMIT.set(max_pages)
    try:
        with _watching_weasyprint("lay it out") as problems:
            document = weasyprint.HTML(
                string=html, base_url=base.as_uri() + "/", url_fetcher=fetcher
            ).render(stylesheets=stylesheets, font_config=fonts, **IMAGE_OPTIONS)
    finally:
        _PAGE_LIMIT.reset(limit)
    if problems.messages:
        raise LeafletError("WeasyPrint reported a problem", problems.messages)
    return document


def _without_print_boxes(document: weasyprint.Document, pdf: pydyf.PDF) -> None:
    """Drop TrimBox and BleedBox, which WeasyPrint writes even with no bleed.

    An office leaflet is its own page; a box equal to the page only misleads print software.
    """
    for page in _pages(pdf):
        page.pop("TrimBox", None)
        page.pop("BleedBox", None)


def _pages(pdf: pydyf.PDF) -> list[pydyf.Dictionary]:
    return [
        candidate
        for candidate in pdf.objects
        if isinstance(candidate, pydyf.Dictionary) and candidate.get("Type") == "/Page"
    ]


def _resolved(pdf: pydyf.PDF, reference: bytes) -> pydyf.Object:
    """The object a pydyf reference (`b"12 0 R"`) stands for."""
    return pdf.objects[int(reference.split()[0])]


def _icc_profile(pdf: pydyf.PDF, profile: bytes, components: int) -> bytes:
    """Add an ICC profile to the PDF; return its reference."""
    stream = pydyf.Stream([profile], pydyf.Dictionary({"N": components}), compress=True)
    pdf.add_object(stream)
    return stream.reference


@dataclass(frozen=True)
class PrintShop:
    """What a print-shop PDF adds to a leaflet: its bleed, and the printing it is made for."""

    bleed_mm: float  # the BleedBox: the trimmed page and this much more on each side
    profile: Path  # a CMYK output ICC profile: the PDF/X output intent

    def finish(self, document: weasyprint.Document, pdf: pydyf.PDF) -> None:
        """Set the BleedBox; declare the output intent, and RGB colour as sRGB."""
        # WeasyPrint's BleedBox is 10 pt at most from the TrimBox, whatever the bleed; here
        # the CSS bleed is the whole margin round the page, slug included.
        grow = self.bleed_mm * 72 / 25.4
        for page in _pages(pdf):
            left, bottom, right, top = page["TrimBox"]
            page["BleedBox"] = pydyf.Array([left - grow, bottom - grow, right + grow, top + grow])
        # WeasyPrint writes an output intent for a `device-cmyk` @color-profile, but then
        # declares its gradients CMYK while writing their colours RGB: a broken PDF. Written
        # here, the pages are drawn as without one.
        with fetch(document.url_fetcher, self.profile.as_uri()) as response:
            cmyk = response.read()
        tags = ImageCms.ImageCmsProfile(io.BytesIO(cmyk)).profile
        intent = pydyf.Dictionary({"Type": "/OutputIntent", "S": "/GTS_PDFX"})
        intent["OutputConditionIdentifier"] = pydyf.String(tags.model or tags.profile_description)
        intent["Info"] = pydyf.String(tags.profile_description)
        intent["DestOutputProfile"] = _icc_profile(pdf, cmyk, 4)
        pdf.catalog["OutputIntents"] = pydyf.Array([intent])
        # PDF/X-4 takes RGB with a CMYK intent only as device-independent colour: DefaultRGB
        # makes every DeviceRGB colour and image sRGB. WeasyPrint's pages, and the groups in
        # them, share one colour-space dictionary.
        srgb = (files("weasyprint.pdf") / "sRGB2014.icc").read_bytes()  # as its PDF/A uses
        resources = _resolved(pdf, _pages(pdf)[0]["Resources"])
        colour_spaces = _resolved(pdf, resources["ColorSpace"])
        colour_spaces["DefaultRGB"] = pydyf.Array(["/ICCBased", _icc_profile(pdf, srgb, 3)])


def write(
    document: weasyprint.Document,
    identifier: bytes,
    variant: str,
    *,
    print_shop: PrintShop | None = None,
) -> bytes:
    """The PDF bytes of a rendered leaflet: tagged whatever the variant, stable identifier."""
    # Attachments (`<link rel="attachment">`) are fetched only now, while writing.
    with _watching_weasyprint("write it") as problems:
        data = document.write_pdf(
            pdf_identifier=identifier,
            pdf_variant=variant,
            pdf_tags=True,
            finisher=print_shop.finish if print_shop else _without_print_boxes,
        )
    if problems.messages:
        raise LeafletError("WeasyPrint reported a problem", problems.messages)
    return data
