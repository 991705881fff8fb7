"""The booking QR code: a vector code of the clinic's booking URL, sized to scan from paper.

segno makes it; it is printed at 25 mm, with its quiet zone, as inline SVG (no raster), and
titled so the tagged PDF gives it alt text. Error correction is at least M (about 15% of
the code can be smudged or folded and still scan); segno raises it when the URL leaves room.
"""

from __future__ import annotations

import re

import segno
from markupsafe import Markup, escape

PRINTED_MM = 25  # the code with its quiet zone
QUIET_ZONE = 4  # modules, as the QR standard asks
SMALLEST_MODULE_MM = 0.33  # below this, office printers and phone cameras start to fail


def booking_qr(url: str) -> segno.QRCode:
    """The QR code of a booking URL."""
    return segno.make(url, error="m", micro=False)


def check_fits(url: str) -> str | None:
    """Why `url` cannot be printed as a scannable code at PRINTED_MM, or None if it can."""
    modules = booking_qr(url).symbol_size(scale=1, border=QUIET_ZONE)[0]
    if PRINTED_MM / modules < SMALLEST_MODULE_MM:
        return (
            f"is {len(url)} characters long, too long for a QR code that scans when printed "
            f"{PRINTED_MM} mm wide; use a shorter link"
        )
    return None


def booking_qr_svg(url: str, title: str) -> Markup:
    """Inline SVG of the code, with `title` for screen readers; the only markup made here."""
    svg = booking_qr(url).svg_inline(
        border=QUIET_ZONE, omitsize=True, svgclass="qr", lineclass=None
    )
    title = f"<title>{escape(title)}</title>"
    return Markup(re.sub(r"^(<svg[^>]*>)", lambda match: match[1] + title, svg, count=1))  # noqa: S704
