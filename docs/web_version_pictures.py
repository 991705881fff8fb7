"""Draw the README's picture of the web version on a phone.

    .venv/bin/python docs/web_version_pictures.py

Builds the examples' web versions into a temporary folder (the real build/ is not touched)
and photographs Harbour View's English page in Debian's Chromium at a phone's width,
three screens side by side: the top, a risk box, and the way to get help and the contact
details. Needs Debian's chromium (`./install.sh test`).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

DOCS = Path(__file__).resolve().parent
REPO = DOCS.parent
PAGE = "harbour-view/microneedling-hair-loss-en.html"
WIDTH, HEIGHT = 360, 720  # CSS pixels: a common phone
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
# Where each screen starts: the top of the page, then these elements at the screen's top.
SCREENS = (None, "#when-to-get-medical-help", "#urgent-heading")
GAP = 16


def main() -> None:
    """Build, photograph and write docs/web-version-phone.png."""
    with tempfile.TemporaryDirectory() as temporary:
        out = Path(temporary)
        build = [sys.executable, str(REPO / "generate.py"), "build", "--format", "html"]
        subprocess.run([*build, "--out", str(out)], check=True, capture_output=True)
        shots = [Image.open(shot).convert("RGB") for shot in photograph(out / PAGE, out)]
    picture = Image.new("RGB", (len(shots) * (WIDTH + GAP) + GAP, HEIGHT + 2 * GAP), "#8a8a8a")
    for i, shot in enumerate(shots):
        picture.paste(shot, (GAP + i * (WIDTH + GAP), GAP))
    target = DOCS / "web-version-phone.png"
    picture.save(target, optimize=True)
    print(f"wrote {target.relative_to(REPO)}")


def photograph(page_file: Path, folder: Path) -> list[Path]:
    """One screenshot per screen of `SCREENS`."""
    shots = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
        page.goto(page_file.as_uri())
        for i, selector in enumerate(SCREENS):
            top = (
                0
                if selector is None
                else page.eval_on_selector(
                    selector, "e => e.closest('section').getBoundingClientRect().top + scrollY - 8"
                )
            )
            page.evaluate(f"window.scrollTo(0, {top})")
            shots.append(folder / f"screen-{i}.png")
            page.screenshot(path=shots[-1])
        browser.close()
    return shots


if __name__ == "__main__":
    main()
