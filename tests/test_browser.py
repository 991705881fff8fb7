"""The web page in a real browser: Debian's Chromium, driven by Playwright, served by the test.

No network: the page is served on 127.0.0.1 from a thread, and any request the browser
makes elsewhere is refused and fails the test. No sleeps: Playwright waits for what it
expects to see. The accessibility check is axe-core, installed from PyPI with the tests.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from PIL import Image
from playwright.sync_api import Browser, Locator, Page, Route, expect
from webtools import NO_CHROMIUM, serious_violations

from conftest import HANDOUT, Project, pdf_text
from leaflets.content import load_handout
from leaflets.web import running

pytest_plugins = ["webtools"]  # the example clinics' project, its app, a logo, the browser

RENDER_TIMEOUT_MS = 90_000  # a leaflet takes a few seconds; more with every core busy

pytestmark = [
    pytest.mark.slow,  # starts a browser and renders leaflets: left out of the fast tier
    NO_CHROMIUM,
]


@pytest.fixture
def page(browser: Browser, app: Flask) -> Iterator[Page]:
    """A fresh browser tab on the page, served for this test only; any other address refused."""
    elsewhere: list[str] = []

    def only_ours(route: Route) -> None:
        if route.request.url.startswith(site):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    with running(app) as site:
        context = browser.new_context(base_url=site, accept_downloads=True)
        context.set_default_timeout(RENDER_TIMEOUT_MS)
        context.route("**/*", only_ours)
        yield context.new_page()
        context.close()
    assert elsewhere == [], f"the page asked for other addresses: {elsewhere}"


def magenta_pixels(picture: Locator) -> int:
    """How many pixels of an image on the page are the test logo's magenta."""
    expect(picture).to_have_js_property("complete", True)
    data = Image.open(io.BytesIO(picture.screenshot())).convert("RGB").tobytes()
    pixels = zip(data[0::3], data[1::3], data[2::3], strict=True)
    return sum(1 for r, g, b in pixels if r > 200 and g < 80 and b > 200)


def test_choose_a_clinic_and_download_its_pdf(page: Page) -> None:
    page.goto("/")
    page.get_by_label("Clinic").select_option("northfield")
    page.get_by_role("button", name="Make leaflet").click()
    download_link = page.get_by_role("link", name="Download the PDF")
    with page.expect_download() as info:
        download_link.click()
    assert info.value.suggested_filename == "northfield-microneedling-hair-loss-en.pdf"
    text = " ".join(pdf_text(Path(info.value.path())).split())
    assert "Northfield Community Health" in text and "When to get medical help" in text
    pictures = page.get_by_role("img", name="of the leaflet")
    expect(pictures).to_have_count(len(page.locator(".pages li").all()))
    for picture in pictures.all():
        expect(picture).to_have_js_property("complete", True)
        assert picture.evaluate("image => image.naturalWidth") > 300


def test_the_web_version_of_a_made_leaflet_opens_as_a_page_of_its_own(
    page: Page, examples_project: Project
) -> None:
    title = load_handout(examples_project.root / "handouts" / HANDOUT / "en.md").meta.title
    page.goto("/")
    page.get_by_label("Clinic").select_option("northfield")
    page.get_by_role("button", name="Make leaflet").click()
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Open the web version").click()
    web = opened.value
    expect(web.get_by_role("heading", level=1)).to_have_text(title)
    expect(web.get_by_role("link", name="Skip to the leaflet")).to_be_attached()
    assert web.url.endswith(f"/northfield-{HANDOUT}-en.html")


def test_a_colour_failing_contrast_shows_its_error_beside_the_field(
    page: Page, examples_project: Project
) -> None:
    clinic = examples_project.root / "clinics" / "harbour-view.toml"
    before = clinic.read_bytes()
    page.goto("/clinics/harbour-view")
    page.get_by_label("Main colour").fill("#87ceeb")
    page.get_by_role("button", name="Save").click()
    colour = page.get_by_label("Main colour")
    expect(colour).to_have_attribute("aria-invalid", "true")
    beside = page.locator(".field").filter(has=colour).locator(".error")
    expect(beside).to_contain_text("'#87ceeb' gives headings and links on white a contrast of")
    expect(beside).to_contain_text("WCAG AA needs 4.5:1")
    expect(page.locator(".field .error")).to_have_count(1)
    assert clinic.read_bytes() == before


def test_an_uploaded_logo_appears_in_the_preview(page: Page, logo: bytes) -> None:
    page.goto("/clinics/northfield")
    preview = page.get_by_role("img", name="Page 1 of this clinic's leaflet")
    assert magenta_pixels(preview) == 0
    upload = {"name": "logo.png", "mimeType": "image/png", "buffer": logo}
    page.get_by_label("Logo file").set_input_files(upload)
    page.get_by_label("Logo description").fill("Northfield Community Health logo")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Saved clinics/northfield.toml.")
    expect(page.get_by_text("Now: northfield/logo.png")).to_be_visible()
    assert magenta_pixels(preview) > 100


def test_every_page_has_no_serious_accessibility_violations(page: Page) -> None:
    found = []
    page.goto("/")
    page.get_by_role("button", name="Make leaflet").click()
    expect(page.get_by_role("link", name="Download the PDF")).to_be_visible()
    found += serious_violations(page)
    page.goto("/clinics")
    found += serious_violations(page)
    page.goto("/clinics/harbour-view")
    page.get_by_label("Main colour").fill("#87ceeb")
    page.get_by_label("Email").fill("not an address")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".field .error")).to_have_count(2)
    found += serious_violations(page)
    page.goto("/new-clinic")
    found += serious_violations(page)
    page.goto("/clinics/no-such-clinic")
    found += serious_violations(page)
    assert found == []
