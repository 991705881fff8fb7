"""The web version in a real browser: Debian's Chromium, driven by Playwright.

Each page is opened as a patient's browser opens it from a clinic's website: at a made-up
address that the test answers with the file's bytes. Every other request is recorded and
refused, and the console is read: a page that asks for anything, or whose
Content-Security-Policy had to refuse something, fails. No network and no sleeps.
Screenshots and printed pages go to the test's own tmp_path, to be looked at.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
import pypdfium2
import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser, Page, Route
from test_web_version import CLINICS, sections, words
from webtools import NO_CHROMIUM, serious_violations

from conftest import HANDOUT, REPO, Project
from generate import cli
from leaflets import palette
from leaflets.content import Handout, load_handout

pytestmark = [pytest.mark.slow, NO_CHROMIUM]  # starts a browser: left out of the fast tier
pytest_plugins = ["webtools"]  # the browser

ADDRESS = "http://leaflet.test/page.html"  # made up: the test answers it, nothing else
LEAFLETS = [(clinic, lang) for clinic in CLINICS for lang in ("en", "es")]
PHONE, DESKTOP = 320, 1280
# With the default 16px root: the body text 1rem, the risk box's text 1.125rem and its
# heading 1.5rem (leaflets/web_version.py); and with a reader's 24px text size setting.
SIZES = {16: ("16px", "18px", "24px"), 24: ("24px", "27px", "36px")}
PRINT_MARGIN_MM = 15  # the @page margin of styles/web.css's print style


@dataclass
class Opened:
    """A page opened in a fresh browser context, with what it asked for and logged."""

    page: Page
    requests: list[str] = field(default_factory=list)  # every one refused
    console: list[str] = field(default_factory=list)

    def complaints(self) -> list[str]:
        """Console errors, and the Content-Security-Policy's refusals whatever their type."""
        refusals = ("Refused to", "Content Security Policy")
        return [m for m in self.console if m.startswith("error:") or any(r in m for r in refusals)]


@contextmanager
def opened(browser: Browser, page_file: Path, width: int = PHONE) -> Iterator[Opened]:
    """The page at ADDRESS in a browser `width` CSS pixels wide; no other address answers."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    record = Opened(context.new_page())

    def answer(route: Route) -> None:
        if route.request.url == ADDRESS:
            route.fulfill(body=page_file.read_bytes(), content_type="text/html; charset=utf-8")
        else:
            record.requests.append(route.request.url)
            route.abort()

    context.route("**/*", answer)
    record.page.on(
        "console", lambda message: record.console.append(f"{message.type}: {message.text}")
    )
    record.page.on("pageerror", lambda error: record.console.append(f"error: {error}"))
    try:
        record.page.goto(ADDRESS)
        yield record
    finally:
        context.close()
    assert record.requests == [], f"the page asked for: {record.requests}"
    assert record.complaints() == []


@pytest.fixture(scope="session")
def web_pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every example clinic's web version, in English and Spanish, from the real project."""
    out = tmp_path_factory.mktemp("web-pages")
    args = ["--project", str(REPO), "build", "--format", "html", "--lang", "all", "--out", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return out


def page_file(out: Path, clinic: str, lang: str) -> Path:
    return out / clinic / f"{HANDOUT}-{lang}.html"


def handout_in(lang: str) -> Handout:
    return load_handout(REPO / "handouts" / HANDOUT / f"{lang}.md")


def scrolls_sideways(page: Page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth != document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
@pytest.mark.parametrize(("clinic", "lang"), LEAFLETS)
def test_axe_finds_nothing_serious(
    browser: Browser, web_pages: Path, clinic: str, lang: str, width: int
) -> None:
    with opened(browser, page_file(web_pages, clinic, lang), width) as shown:
        assert serious_violations(shown.page) == []


@pytest.mark.parametrize(("clinic", "lang"), LEAFLETS)
def test_a_phone_does_not_scroll_sideways(
    browser: Browser, web_pages: Path, clinic: str, lang: str, tmp_path: Path
) -> None:
    with opened(browser, page_file(web_pages, clinic, lang), PHONE) as shown:
        assert not scrolls_sideways(shown.page)
        shown.page.screenshot(path=tmp_path / f"{clinic}-{lang}-{PHONE}px.png", full_page=True)


@pytest.mark.parametrize(("clinic", "lang"), LEAFLETS)
def test_no_request_leaves_the_page(
    browser: Browser, web_pages: Path, clinic: str, lang: str
) -> None:
    with opened(browser, page_file(web_pages, clinic, lang)) as shown:
        shown.page.wait_for_load_state("load")
        assert shown.page.locator(".masthead, h1").count() == 2  # the page itself did load
        assert shown.requests == [] and shown.complaints() == []


@pytest.mark.parametrize(("clinic", "lang"), LEAFLETS)
def test_every_section_reads_as_the_handout_wrote_it(
    browser: Browser, web_pages: Path, clinic: str, lang: str
) -> None:
    handout = handout_in(lang)
    written = sections(handout.html)
    with opened(browser, page_file(web_pages, clinic, lang)) as shown:
        for section in handout.sections:
            shown_text = shown.page.locator(f"section:has(> h2#{section.id})").inner_text()
            assert shown_text.split() == words(written[section.id]), section.title


RISK_BOXES = """() => [...document.querySelectorAll('section.risk-box')].map(box => {
  const style = element => {
    const s = getComputedStyle(element), r = element.getBoundingClientRect();
    return {tag: element.tagName, display: s.display, visibility: s.visibility,
            opacity: s.opacity, size: s.fontSize, colour: s.color, align: s.textAlign,
            left: r.left, right: r.right, width: r.width, height: r.height,
            text: element.innerText.trim().slice(0, 40)};
  };
  return {id: box.querySelector('h2').id, background: getComputedStyle(box).backgroundColor,
          box: style(box), heading: style(box.querySelector('h2')),
          text: [...box.querySelectorAll('p, li')].map(style)};
})"""


def risk_problems(page: Page, handout: Handout, root_px: int) -> list[str]:
    """Why the risk boxes on the page are not visible and readable at this text size."""
    text_size, risk_text, heading_size = SIZES[root_px]
    body = page.evaluate("getComputedStyle(document.body).fontSize")
    problems = [] if body == text_size else [f"body text {body}, not {text_size}"]
    boxes = page.evaluate(RISK_BOXES)
    wanted = [s.id for s in handout.sections if s.title in handout.meta.boxed_sections]
    if [box["id"] for box in boxes] != wanted:
        problems.append(f"risk boxes {[box['id'] for box in boxes]}, not {wanted}")
    page_width = page.evaluate("document.documentElement.clientWidth")
    for box in boxes:
        for element in [box["box"], box["heading"], *box["text"]]:
            where = f"{box['id']}: {element['tag']} {element['text']!r}"
            size = heading_size if element is box["heading"] else risk_text
            if element is not box["box"] and element["size"] != size:
                problems.append(f"{where}: font size {element['size']}, not {size}")
            shown = (element["display"], element["visibility"], element["opacity"])
            if shown[0] == "none" or shown[1:] != ("visible", "1"):
                problems.append(f"{where}: display, visibility, opacity {shown}")
            if element["height"] < 1 or element["left"] < 0 or element["right"] > page_width:
                problems.append(f"{where}: drawn at {element} on a page {page_width}px wide")
            if element["tag"] in ("P", "LI") and element["width"] < page_width / 2:
                problems.append(f"{where}: squeezed to {element['width']:.0f}px wide")
            if element is not box["box"] and element["align"] != "start":
                problems.append(f"{where}: text aligned {element['align']}")
            ratio = palette.contrast(element["colour"], box["background"])
            if ratio < palette.BODY_TEXT:
                problems.append(f"{where}: contrast {ratio:.2f}:1 on {box['background']}")
    return problems


def set_text_size(page: Page, standard_px: int) -> None:
    """The browser's text size setting, as a reader sets it (Chromium's font size pref)."""
    session = page.context.new_cdp_session(page)
    session.send("Page.setFontSizes", {"fontSizes": {"standard": standard_px, "fixed": 20}})


@pytest.mark.parametrize(("clinic", "lang"), LEAFLETS)
def test_risk_boxes_are_visible_readable_and_follow_the_text_size_setting(
    browser: Browser, web_pages: Path, clinic: str, lang: str
) -> None:
    handout = handout_in(lang)
    with opened(browser, page_file(web_pages, clinic, lang)) as shown:
        assert risk_problems(shown.page, handout, 16) == []
        # On a phone the clinic's side spacing gives way to the theme's (ON_A_PHONE): every
        # heading and paragraph keeps most of the screen's width.
        narrowest = shown.page.evaluate(
            "Math.min(...[...document.querySelectorAll('main h1, main h2, main p')]"
            ".map(element => element.getBoundingClientRect().width))"
        )
        assert narrowest >= 240, f"a heading or paragraph is {narrowest:.0f}px wide"
        set_text_size(shown.page, 24)
        assert risk_problems(shown.page, handout, 24) == []
        assert not scrolls_sideways(shown.page)


# Everything the allowlist lets a clinic say, at its limits, against every element it
# may name: the lightest grey text on white that passes, the largest spacing and borders
# (nested lists add them up in a 320px column), tight lines, wide letters, right-aligned
# italic serif text, borders in the risk box's own background colour.
HOSTILE_CSS = """
body, h1, h2, h3, p, ul, ol, li, a, strong, em, dl, dt, dd, table, th, td {
  color: #767676; margin: 24pt; padding: 24pt; letter-spacing: 2pt; line-height: 1.2;
  text-align: right; border: 6pt double #fff8e1; border-radius: 12pt;
  font-family: serif; font-weight: 400; font-style: italic;
}
ul li, ol li, p strong, li strong { margin: 24pt 24pt; padding-left: 24pt; }
.masthead, .logo, .clinic-name, .intro, .summary, .talk, .contact, .sources, .dates {
  margin: 24pt; padding: 24pt; border-width: 6pt; border-style: solid; color: #767676;
}
"""
HOSTILE_LOGOS = {
    # <style> makes it a data: image, drawn apart from the page (leaflets/web_version.py).
    "style": '<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="100000" '
    'viewBox="0 0 10 10"><style>.risk-box{display:none!important} '
    "section{display:none!important}</style>"
    '<rect width="10" height="10" fill="#05a"/></svg>',
    # Shapes only: printed as markup in the page, at whatever size it says.
    "huge": '<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="100000" '
    'viewBox="0 0 100000 100000"><rect x="-5000" width="200000" height="200000" '
    'fill="#05a"/><text x="0" y="50000" font-size="90000">HIDE</text></svg>',
}


@pytest.mark.parametrize("logo", HOSTILE_LOGOS)
def test_a_hostile_clinic_cannot_hide_or_shrink_the_risk_text(
    browser: Browser, project: Project, logo: str
) -> None:
    project.write("clinics/hostile/extra.css", HOSTILE_CSS)
    project.write("clinics/hostile/logo.svg", HOSTILE_LOGOS[logo])
    project.clinic(
        "hostile",
        'name = "Hostile Clinic"\n[logo]\nfile = "hostile/logo.svg"\nalt = "Hostile logo"\n'
        '[theme]\nextra_css = "hostile/extra.css"\n',
    )
    result = project.run("build", "--format", "html")
    assert result.exit_code == 0, result.output
    handout = load_handout(project.root / "handouts" / HANDOUT / "en.md")
    with opened(browser, project.out / "hostile" / f"{HANDOUT}-en.html") as shown:
        assert risk_problems(shown.page, handout, 16) == []
        assert serious_violations(shown.page) == []
        masthead = shown.page.locator(".masthead").bounding_box()
        drawn = shown.page.locator(".masthead .logo").bounding_box()
        assert masthead is not None and drawn is not None
        assert drawn["x"] >= masthead["x"] and drawn["y"] >= masthead["y"]
        assert drawn["x"] + drawn["width"] <= masthead["x"] + masthead["width"]
        assert drawn["y"] + drawn["height"] <= masthead["y"] + masthead["height"]
        # The theme's 3.5rem, plus at most the clinic's padding (24pt) and border (6pt)
        # on both sides: never the 100000px the SVG says.
        assert drawn["height"] <= 3.5 * 16 + 2 * (32 + 8)
        # On a phone the clinic's side spacing gives way to the theme's (ON_A_PHONE): every
        # heading and paragraph keeps most of the screen's width.
        narrowest = shown.page.evaluate(
            "Math.min(...[...document.querySelectorAll('main h1, main h2, main p')]"
            ".map(element => element.getBoundingClientRect().width))"
        )
        assert narrowest >= 240, f"a heading or paragraph is {narrowest:.0f}px wide"
        set_text_size(shown.page, 24)
        assert risk_problems(shown.page, handout, 24) == []


def printed_pages(pdf: bytes) -> list[list[str]]:
    """Each page's lines of text, as pdfplumber reads them."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [(page.extract_text() or "").splitlines() for page in document.pages]


def page_of(pages: list[list[str]], text: str) -> list[int]:
    """The pages on which the whole of `text` is, words compared and lines joined."""
    wanted = " ".join(text.split())
    return [i for i, lines in enumerate(pages) if wanted in " ".join(" ".join(lines).split())]


@pytest.mark.parametrize(("clinic", "lang"), LEAFLETS)
def test_the_page_prints_tidily(
    browser: Browser, web_pages: Path, clinic: str, lang: str, tmp_path: Path
) -> None:
    handout = handout_in(lang)
    written = sections(handout.html)
    with opened(browser, page_file(web_pages, clinic, lang), DESKTOP) as shown:
        page = shown.page
        page.emulate_media(media="print")
        assert page.locator(".skip-link").evaluate("link => getComputedStyle(link).display") == (
            "none"
        )
        headings = page.locator("h2").all_inner_texts()
        lead_ins = page.locator(".risk-box .lead-in-list").all_inner_texts()
        pdf = page.pdf(format="A4")
    document = pypdfium2.PdfDocument(pdf)
    for number, paper in enumerate(document):
        paper.render(scale=1).to_pil().save(tmp_path / f"{clinic}-{lang}-print-{number + 1}.png")
    pages = printed_pages(pdf)
    text = " ".join(" ".join(" ".join(lines) for lines in pages).split())
    for section in handout.sections:
        if section.title in handout.meta.boxed_sections:
            assert " ".join(words(written[section.id])) in text, section.title
    for number, lines in enumerate(pages[:-1], 1):
        assert lines and lines[-1] not in headings, f"page {number} ends with a heading"
    for lead_in in lead_ins:  # "Call 999 ... if you have:" and its list, on one page
        assert page_of(pages, lead_in) != [], lead_in
    margin = PRINT_MARGIN_MM * 72 / 25.4 - 1
    with pdfplumber.open(io.BytesIO(pdf)) as printed:
        outside = [
            f"page {paper.page_number}: {ink.get('text', 'a rule')!r} at {ink['x0']:.0f}pt"
            for paper in printed.pages
            for ink in [*paper.chars, *paper.rects]
            if not margin <= ink["x0"] <= ink["x1"] <= paper.width - margin
        ]
    assert outside == [], "printed in the page margin"
    assert not re.search(r"Skip to|Ir al folleto", text)
