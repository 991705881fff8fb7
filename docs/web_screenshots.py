"""Take the README's pictures of the web page: `.venv/bin/python docs/web_screenshots.py`.

Works on a copy of the project in a temporary folder, so the real clinics are not touched;
needs Debian's chromium (`./install.sh test`).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from leaflets.project import HOME, Project
from leaflets.web import create_app, running

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]


def main() -> None:
    """Write docs/web-make-leaflet.png and docs/web-brand-clinic.png."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for part in ("clinics", "handouts", "templates", "styles"):
            shutil.copytree(HOME / part, root / part)
        with running(create_app(Project(root))) as site, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(base_url=site, viewport={"width": 1280, "height": 800})
            page.set_default_timeout(60_000)
            page.goto("/")
            page.get_by_label("Clinic").select_option("harbour-view")
            page.get_by_role("button", name="Make leaflet").click()
            expect(page.get_by_role("link", name="Download the PDF")).to_be_visible()
            expect(page.get_by_role("link", name="Open the web version")).to_be_visible()
            page.screenshot(path=HOME / "docs" / "web-make-leaflet.png", full_page=True)
            page.goto("/clinics/harbour-view")
            page.get_by_label("Main colour").fill("#6b2d5c")
            page.get_by_role("button", name="Save").click()
            expect(page.get_by_role("status")).to_be_visible()
            page.screenshot(path=HOME / "docs" / "web-brand-clinic.png", full_page=True)
            browser.close()


if __name__ == "__main__":
    main()
