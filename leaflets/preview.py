"""Page previews: PNG pictures of a leaflet's pages, for staff to check before printing."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2

from .output import write_atomic


def render_pages(pdf: Path | bytes, pages: int | None, dpi: int) -> list[bytes]:
    """PNG bytes of the first `pages` pages (all when None) at `dpi`, from a file or bytes."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        count = len(document) if pages is None else min(pages, len(document))
        pictures = []
        for number in range(count):
            image = document[number].render(scale=dpi / 72).to_pil()
            stream = io.BytesIO()
            image.save(stream, "PNG", optimize=True)
            pictures.append(stream.getvalue())
        return pictures
    finally:
        document.close()


def preview_path(pdf: Path, number: int) -> Path:
    """`<leaflet>-page-<n>.png` beside the PDF."""
    return pdf.with_name(f"{pdf.stem}-page-{number}.png")


def write_previews(pdf: Path, pages: int | None, dpi: int) -> list[Path]:
    """Write pictures of the PDF's first `pages` pages beside it; their paths, in page order."""
    written = []
    for number, png in enumerate(render_pages(pdf, pages, dpi), start=1):
        write_atomic(path := preview_path(pdf, number), png)
        written.append(path)
    return written
