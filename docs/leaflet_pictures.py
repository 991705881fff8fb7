"""Draw the README's pictures of the leaflets: `.venv/bin/python docs/leaflet_pictures.py`.

Builds the examples into a temporary folder (the real build/ is not touched) on each paper
and draws every page of one leaflet a paper side by side: page 1, the risk pages and the
back page, as a patient gets them.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pypdfium2
from PIL import Image

DOCS = Path(__file__).resolve().parent
REPO = DOCS.parent
HANDOUT = "microneedling-hair-loss"
# (paper, clinic, file): each paper shown by the example that prints on it or best shows it.
PICTURES = [
    ("a4", "harbour-view", f"{HANDOUT}-en.pdf"),
    ("letter", "maple-street", f"{HANDOUT}-es.pdf"),
    ("a5", "northfield", f"{HANDOUT}-en-a5.pdf"),
]
DPI = 40
GAP = 8


def sheet(pdf: Path, per_row: int = 6) -> Image.Image:
    """Every page of `pdf`, in rows of `per_row`, on grey."""
    document = pypdfium2.PdfDocument(pdf)
    pages = [document[i].render(scale=DPI / 72).to_pil() for i in range(len(document))]
    width, height = pages[0].size
    rows = (len(pages) + per_row - 1) // per_row
    columns = min(per_row, len(pages))
    picture = Image.new(
        "RGB", (columns * (width + GAP) + GAP, rows * (height + GAP) + GAP), "#8a8a8a"
    )
    for i, page in enumerate(pages):
        row, column = divmod(i, per_row)
        picture.paste(page, (GAP + column * (width + GAP), GAP + row * (height + GAP)))
    return picture


def page_ones(pdfs: list[Path], dpi: int = 60) -> Image.Image:
    """Page 1 of each leaflet, side by side, tops aligned."""
    pages = [pypdfium2.PdfDocument(pdf)[0].render(scale=dpi / 72).to_pil() for pdf in pdfs]
    width = sum(page.width for page in pages) + GAP * (len(pages) + 1)
    picture = Image.new("RGB", (width, max(p.height for p in pages) + 2 * GAP), "#8a8a8a")
    x = GAP
    for page in pages:
        picture.paste(page, (x, GAP))
        x += page.width + GAP
    return picture


def main() -> None:
    """Build the examples and draw every picture."""
    with tempfile.TemporaryDirectory() as scratch:
        own = Path(scratch) / "own"
        subprocess.run([sys.executable, REPO / "generate.py", "build", "--out", own], check=True)
        firsts = [
            own / clinic / f"{HANDOUT}-en.pdf"
            for clinic in ("harbour-view", "maple-street", "northfield")
        ]
        page_ones(firsts).save(DOCS / "page-one-examples.png", optimize=True)
        print("wrote docs/page-one-examples.png")
        for paper, clinic, name in PICTURES:
            out = Path(scratch) / paper
            subprocess.run(
                [sys.executable, REPO / "generate.py", "build", "--clinic", clinic,
                 "--paper", paper, "--lang", "all", "--out", out],
                check=True,
            )  # fmt: skip
            target = DOCS / f"leaflet-{paper}.png"
            sheet(out / clinic / name).save(target, optimize=True)
            print(f"wrote {target.relative_to(REPO)}")


if __name__ == "__main__":
    main()
