"""A warm Chromium printing HTML to PDF, offline, for bench/run.py's row h.

Debian's `chromium`, driven by Playwright for Python, as tests/test_browser.py launches it
(Playwright cannot download its own browsers here). No network: the tab may load `file:`
URLs (a clinic's logo), as the tool's confined fetcher may; any other request is refused,
and stops the benchmark, so no page is timed without something it asked for.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def missing() -> str | None:
    """Why Chromium cannot print here, or None when it can."""
    if not CHROMIUM.exists():
        return f"skipped: {CHROMIUM} is missing (Debian's chromium; ./install.sh test installs it)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "skipped: Playwright for Python is missing (./install.sh test installs it)"
    return None


def with_styles(html: str, css: list[str]) -> str:
    """The page with the stylesheets the tool passes to WeasyPrint inlined, in the same order.

    First in <head>, so any <link>ed author sheet (a clinic's extra.css) still comes after
    them, as it outranks WeasyPrint's user sheets. In Chromium they are author sheets, so
    a clinic's `!important` would beat safety.css's; the benchmark clinics have none.
    """
    styles = "".join(f"<style>\n{text}\n</style>\n" for text in css)
    return html.replace("<head>", f"<head>\n{styles}", 1)


@contextlib.contextmanager
def printer(folder: Path) -> Iterator[Callable[[str], bytes]]:
    """A function printing a page's HTML to PDF bytes in one warm Chromium tab.

    The tab first opens an empty file in `folder` (a temporary one), so that `set_content`
    keeps a `file:` address and the page may load `file:` URLs; from `about:blank` it may not.
    The paper is the page's own `@page { size }`, as WeasyPrint uses; the PDF is tagged and
    has an outline, as the tool's PDF/UA-1 leaflets are.
    """
    from playwright.sync_api import Route, sync_playwright

    refused: list[str] = []

    def files_only(route: Route) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    blank = folder / "blank.html"
    blank.write_text("<!DOCTYPE html>", encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        tab = browser.new_page()
        tab.route("**/*", files_only)
        tab.goto(blank.as_uri())

        def print_pdf(html: str) -> bytes:
            tab.set_content(html, wait_until="load")
            data = tab.pdf(
                prefer_css_page_size=True, print_background=True, tagged=True, outline=True
            )
            if refused:
                raise SystemExit(f"the page asked Chromium for other addresses: {refused}")
            return data

        try:
            yield print_pdf
        finally:
            browser.close()
