"""Red team: the web version (`build --format html`) against hostile clinic files.

Each test is an attack that worked when it was written: it builds a clinic file that
passes every check, opens the page in Chromium where a browser is needed, and asserts
what a patient must get. Each passes once the hole is closed, whether by refusing the
build or by a page that keeps the promise.
"""

from __future__ import annotations

import base64
import html.parser
import io
import os
import re
from pathlib import Path

import pytest
from PIL import Image
from webtools import NO_CHROMIUM

from conftest import HANDOUT, OPENED, Project

pytestmark = pytest.mark.slow  # renders web versions and starts a browser
pytest_plugins = ["webtools"]  # the browser

MONO = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"  # a font no reserved name
URGENT = "#when-to-get-medical-help"


def web_page(project: Project, slug: str) -> str | None:
    """The clinic's web version, or None when the build refused it."""
    result = project.run("build", "--format", "html", "--clinic", slug, "--lang", "en")
    page = project.out / slug / f"{HANDOUT}-en.html"
    if result.exit_code != 0 or not page.exists():
        return None
    return page.read_text(encoding="utf-8")


def opened(browser, page_html: str, width: int):
    """A tab showing the page at `width` px; any request at all aborts and is recorded."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    asked: list[str] = []

    def refuse(route) -> None:
        asked.append(route.request.url)
        route.abort()

    context.route("**/*", refuse)
    tab = context.new_page()
    tab.set_content(page_html, wait_until="load")
    return context, tab, asked


class _Tags(html.parser.HTMLParser):
    """Every start tag on the page with its attributes, as a browser's parser names them."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {name: value or "" for name, value in attrs}))


def tags(page_html: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Tags()
    parser.feed(page_html)
    return parser.found


def attributes(page_html: str) -> list[tuple[str, str, str]]:
    """Every (tag, attribute, value) on the page."""
    return [(tag, name, value) for tag, found in tags(page_html) for name, value in found.items()]


def dark_red_pixels(tab, selector: str) -> int:
    """About how many pixels of the risk heading (#8c1d18 on #fff8e1) the screen shows there."""
    box = tab.locator(selector).first
    box.scroll_into_view_if_needed()
    data = Image.open(io.BytesIO(tab.screenshot(clip=box.bounding_box()))).convert("RGB")
    raw = data.tobytes()
    pixels = zip(raw[0::3], raw[1::3], raw[2::3], strict=True)
    red = cream = 0
    for r, g, b in pixels:
        red += 115 < r < 165 and g < 55 and b < 50
        cream += r > 250 and 243 < g < 253 and 220 < b < 230  # the box's #fff8e1
    return min(red, cream // 10)


# 1. An SVG logo's attribute in capitals: the checks compare names case-sensitively
#    ("style", "on..."), XML keeps "STYLE", and the HTML parser lowers it to `style`.
#    The logo gets any CSS (position: fixed over the whole page) and event handlers.
LOGO_STYLE = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="100" height="100" '
    'STYLE="position:fixed;left:0;top:0;width:100vw;height:100vh;max-width:none;'
    'z-index:2147483647;background:#fff" ONLOAD="document.title=1">'
    '<rect width="100" height="100" fill="#0b4f6c" ONCLICK="alert(1)"/>'
    '<text x="50" y="55" font-size="8" text-anchor="middle" fill="#b3261e">'
    "Leaflet withdrawn: call 111</text></svg>"
)
SVG_CLINIC = 'name = "Svg Clinic"\n[logo]\nfile = "svg/logo.svg"\nalt = "Svg Clinic logo"\n'


def test_an_svg_logo_cannot_carry_style_or_handlers_in_capitals(project: Project) -> None:
    project.write("clinics/svg/logo.svg", LOGO_STYLE)
    project.clinic("svg", SVG_CLINIC)
    page = web_page(project, "svg")
    if page is None:
        return  # refused: closed
    bad = [
        (tag, name) for tag, name, _ in attributes(page) if name == "style" or name.startswith("on")
    ]
    assert bad == [], f"the page has style attributes or event handlers: {bad}"


# 2. Lower-case presentation attributes only (no style, class, id or href, so the logo
#    is inlined): overflow="visible" lets it paint outside its 56 px box, opacity < 1
#    makes it a stacking context painted after the page's text, and a huge white rect
#    (or a <text> saying "Call 111, not 999") lies over the risk box and everything else.
LOGO_OVERLAY = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="100" height="100" '
    'overflow="visible" opacity="0.999"><rect width="100" height="100" fill="#0b4f6c"/>'
    '<rect x="-5000" y="100" width="10000" height="100000" fill="#ffffff"/>'
    '<text x="10" y="400" font-size="12" fill="#b3261e">Worried? Call 111, not 999.</text>'
    "</svg>"
)


# 3. font-family reaches the risk box: safety.css sets no font on screen, `p`, `li`, `h2`
#    are allowed selectors, and a name given to an @font-face (dropped from the web page)
#    is then looked up among the reader's fonts: "Wingdings" on every Windows PC draws
#    the risk text as pictograms; "Lato Hairline" (fonts-lato, installed here) as hairlines.
FONT_CSS = """@font-face { font-family: "Wingdings"; src: url("mono.ttf"); }
@font-face { font-family: "Lato Hairline"; src: url("mono.ttf"); }
p, li, h2, h3, strong, em, a { font-family: "Wingdings", "Lato Hairline"; }
"""


@NO_CHROMIUM
def test_a_clinic_font_name_does_not_reach_the_risk_box_on_screen(
    project: Project,
    browser,
) -> None:
    project.write("clinics/font/mono.ttf", Path(MONO).read_bytes())
    project.write("clinics/font/extra.css", FONT_CSS)
    project.clinic("font", 'name = "Font Clinic"\n[theme]\nextra_css = "font/extra.css"\n')
    page = web_page(project, "font")
    if page is None:
        return
    context, tab, _ = opened(browser, page, 320)
    try:
        families = tab.evaluate(
            "[...document.querySelectorAll('.risk-box, .risk-box *, .urgent, .urgent *')]"
            ".map(e => getComputedStyle(e).fontFamily)"
        )
        assert families
        leaked = {f for f in families if "Wingdings" in f or "Hairline" in f}
        assert leaked == set(), f"the risk text prints in a clinic-named font: {leaked}"
    finally:
        context.close()


# 4. A colour with `none` as its alpha: coloraide reads the alpha as NaN, `NaN < 1` is
#    False, so the opacity and contrast checks pass; a browser reads `none` as 0. The
#    "In an emergency, call 999." line, the urgent box and the phone number vanish.
@NO_CHROMIUM
def test_a_colour_with_alpha_none_cannot_hide_call_999(project: Project, browser) -> None:
    project.write(
        "clinics/ink/extra.css", "p, strong, a, h2, li, dt, dd { color: rgb(0 0 0 / none); }\n"
    )
    project.clinic(
        "ink",
        'name = "Ink Clinic"\n[theme]\nextra_css = "ink/extra.css"\n'
        '[contact]\nphone = "+44 20 7946 0000"\n',
    )
    page = web_page(project, "ink")
    if page is None:
        return
    context, tab, _ = opened(browser, page, 320)
    try:
        colours = tab.evaluate(
            "[...document.querySelectorAll('.urgent, .urgent *, .phone a, main h2')]"
            ".map(e => getComputedStyle(e).color)"
        )
        see_through = [c for c in colours if re.fullmatch(r"rgba\(.*, 0\)", c)]
        assert see_through == [], f"text with a see-through colour: {see_through}"
    finally:
        context.close()


# 5. Inline borders and padding (both allowed, 0 to 24 pt, 6 pt): on an inline element a
#    vertical padding does not move the lines, but its border is painted that far above
#    the text, over the line before, in the box's own background colour. Every <strong>
#    of "When to get medical help" strikes out the line above it ("Call 999 or go to A&E").
@NO_CHROMIUM
@pytest.mark.parametrize("width", [320, 1280])
def test_inline_borders_cannot_paint_over_risk_text(
    project: Project,
    browser,
    width: int,
) -> None:
    project.write(
        "clinics/band/extra.css",
        "strong, em, a { padding-top: 8pt; border-top: 6pt solid #fff8e1; }\n",
    )
    project.clinic("band", 'name = "Band Clinic"\n[theme]\nextra_css = "band/extra.css"\n')
    page = web_page(project, "band")
    if page is None:
        return
    context, tab, _ = opened(browser, page, width)
    try:
        # An inline element's fragments (border boxes) must stay within their line.
        tall = tab.evaluate(
            """[...document.querySelectorAll(
                   '.risk-box strong, .risk-box em, .risk-box a, .urgent strong, .urgent a')]
               .flatMap(e => {
                   const line = parseFloat(getComputedStyle(e.parentElement).lineHeight);
                   return [...e.getClientRects()]
                       .filter(r => r.height > line + 1)
                       .map(r => e.textContent.slice(0, 30) + ': ' + r.height + 'px > ' + line);
               })"""
        )
        assert tall == [], f"inline boxes paint outside their line: {tall}"
    finally:
        context.close()


# 6. A clinic folder that is itself a symbolic link: `_in_clinic_folder` resolves the
#    folder and the file alike, so a file anywhere the link points is "inside" it and
#    is read, and a logo from outside the project goes into the page as a data: image.
def test_a_symlinked_clinic_folder_does_not_read_files_outside(project: Project) -> None:
    secret = project.outside / "secret"
    secret.mkdir()
    picture = io.BytesIO()
    Image.new("RGB", (40, 20), (255, 0, 255)).save(picture, "PNG")
    watched, OPENED.watched = OPENED.watched, []  # the test's own write is not the tool's
    (secret / "logo.png").write_bytes(picture.getvalue())
    OPENED.watched = watched
    os.symlink(secret, project.root / "clinics" / "linked")
    project.clinic(
        "linked", 'name = "Linked Clinic"\n[logo]\nfile = "linked/logo.png"\nalt = "x"\n'
    )
    page = web_page(project, "linked")
    encoded = base64.b64encode(picture.getvalue()).decode("ascii")
    assert page is None or encoded not in page, "a file outside the project is in the page"


# 7. U+061C ARABIC LETTER MARK is a bidi mark like U+200F (a strong right-to-left
#    character, invisible), but the hidden-character rule lists only U+200E and U+200F:
#    it passes in every clinic text, including the approver, which prints inside the
#    theme's own sentence "Approved for use at ... by ... on <date>".
def test_an_arabic_letter_mark_is_a_hidden_character(project: Project) -> None:
    project.clinic(
        "alm",
        'name = "Alm Clinic"\napprover = "Dr Jane Example\u061c"\n'
        'footer_note = "Call 111 \u061c 999 today"\n',
    )
    assert web_page(project, "alm") is None, "U+061C passed the hidden-character rule"


# Round 2 (a second red team, after round 1's holes were closed): the web version and the
# PDF. The numbers below are round 2's.
# 1. The outer <svg>'s `transform` is on the drawing allowlist (`_DRAWING`), so an SVG
#    logo with transform="translate(0 4000) scale(200)" is inlined as markup. In HTML the
#    attribute is the CSS transform of the logo's own box: `contain: paint` and
#    `overflow: hidden` clip what is drawn inside the box, but the box itself (and its
#    clip) is moved and scaled over the whole page, painted above the text (a transform
#    makes a stacking context). A white rect with "Call 111. Do not call 999." lies over
#    "When to get medical help" and the urgent box. The PDF draws the logo as a picture
#    in its box: there it stays in the masthead.
LOGO_MOVED = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="100" height="100" '
    'transform="translate(0 4000) scale(200)">'
    '<rect x="-1000" y="-1000" width="3000" height="3000" fill="#ffffff"/>'
    '<text x="5" y="50" font-size="9" fill="#b3261e">Call 111. Do not call 999.</text></svg>'
)


@NO_CHROMIUM
@pytest.mark.parametrize("width", [320, 1280])
@pytest.mark.parametrize(
    "logo",
    [LOGO_STYLE, LOGO_OVERLAY, LOGO_MOVED],
    ids=["round 1: STYLE in capitals", "round 1: overflow and opacity", "round 2: transform"],
)
def test_an_svg_logo_cannot_cover_the_risk_box(
    project: Project, browser, logo: str, width: int
) -> None:
    project.write("clinics/svg/logo.svg", logo)
    project.clinic("svg", SVG_CLINIC)
    page = web_page(project, "svg")
    if page is None:
        return  # refused: closed
    context, tab, asked = opened(browser, page, width)
    try:
        outside = tab.evaluate(
            """(() => {
                const band = document.querySelector('.masthead').getBoundingClientRect();
                const logo = document.querySelector('.masthead .logo').getBoundingClientRect();
                return logo.top < band.top - 1 || logo.bottom > band.bottom + 1
                    || logo.left < band.left - 1 || logo.right > band.right + 1;
            })()"""
        )
        assert dark_red_pixels(tab, URGENT) > 50, "the risk heading is painted over"
        assert not outside, "the logo is drawn outside the masthead"
        assert asked == []
    finally:
        context.close()


# 2. The phone's `tel:` link is the phone's digits and '+' (web_version.py `web["tel"]`).
#    "+44 (0)23 9200 0000" is how many UK clinics write their number, and passes the phone
#    check; its link dials +4402392000000, a number that does not exist: the trunk 0 must
#    be dropped after +44. The page's "Phone" and "Other formats" links, the way to reach
#    the clinic that the urgent box points to, call nobody.
def test_the_phone_link_dials_the_number_shown(project: Project) -> None:
    project.clinic("tel", 'name = "Tel Clinic"\n[contact]\nphone = "+44 (0)23 9200 0000"\n')
    page = web_page(project, "tel")
    if page is None:
        return  # refused: closed
    links = [
        a["href"] for tag, a in tags(page) if tag == "a" and a.get("href", "").startswith("tel:")
    ]
    assert links, "the page has no tel: link"
    wrong = [link for link in links if link != "tel:+442392000000"]
    assert wrong == [], f"the phone links dial another number than the one shown: {wrong}"


# 3. A handout heading that slugifies like the urgent section's ("When to get medical
#    help?" and "When to get medical help" are both #when-to-get-medical-help). The PDF
#    refuses it (the audit sees the risk section printed twice); the web version is
#    written with two elements of that id, and the urgent box's link ("...are under
#    "When to get medical help"") takes the worried reader to the first: a plain section
#    saying "Ask at reception", not the risk box with 999.
def test_the_urgent_link_goes_to_the_risk_box(project: Project) -> None:
    handout = project.root / "handouts" / HANDOUT / "en.md"
    text = handout.read_text(encoding="utf-8").replace(
        "## How it may help hair grow",
        "## When to get medical help?\n\nAsk at reception if you are unsure.\n\n"
        "## How it may help hair grow",
        1,
    )
    handout.write_text(text, encoding="utf-8")
    project.clinic("dup", 'name = "Dup Clinic"\n')
    page = web_page(project, "dup")
    if page is None:
        return  # refused, as the PDF is: closed
    found = tags(page)
    ids = [a["id"] for _, a in found if "id" in a]
    assert len(ids) == len(set(ids)), f"ids on the page more than once: {sorted(ids)}"
    target = next(a["href"] for tag, a in found if tag == "a" and a.get("href") == URGENT)
    first = page.index(f'id="{target[1:]}"')
    opening = page.rfind("<section", 0, first)
    assert "risk-box" in page[opening:first], "the urgent link does not lead to the risk box"


# 4. Inline borders outside the risk box and the urgent box. safety.css clears border,
#    padding and margin on inline elements in `.risk-box` and `.urgent` only; `strong`,
#    `em` and `a` are allowed selectors, so `padding-top: 24pt; border-top: 6pt solid
#    #fff` paints a white band 40 px above every bold phrase, link and emphasis elsewhere:
#    the required sections ("What microneedling is", "Using a roller safely"...), the
#    clinic's address and email under "Contact us", and "For large print, audio..." under
#    "Other formats". The PDF's layout audit refuses this very stylesheet ("'What the
#    evidence says' is covered by <strong>"); the web version has no audit and is written.
@NO_CHROMIUM
@pytest.mark.parametrize("width", [320, 1280])
def test_inline_borders_cannot_paint_over_text_anywhere_on_the_page(
    project: Project, browser, width: int
) -> None:
    project.write(
        "clinics/band/extra.css",
        "strong, em, a { padding-top: 24pt; border-top: 6pt solid #ffffff; }\n",
    )
    project.clinic(
        "band",
        'name = "Band Clinic"\n[theme]\nextra_css = "band/extra.css"\n'
        '[contact]\nphone = "+44 20 7946 0000"\nemail = "hello@band.example"\n'
        'address = "1 High Street\\nTown AB1 2CD"\n',
    )
    page = web_page(project, "band")
    if page is None:
        return
    context, tab, _ = opened(browser, page, width)
    try:
        tall = tab.evaluate(
            """[...document.querySelectorAll('main strong, main em, main a')]
               .flatMap(e => {
                   const line = parseFloat(getComputedStyle(e.parentElement).lineHeight)
                       || 1.5 * parseFloat(getComputedStyle(e).fontSize);
                   return [...e.getClientRects()]
                       .filter(r => r.height > line + 1)
                       .map(r => e.textContent.slice(0, 30) + ': ' + r.height + 'px > ' + line);
               })"""
        )
        assert tall == [], f"inline boxes paint outside their line: {tall[:5]}"
    finally:
        context.close()


# 5. A table in a risk section, on a 320 px phone. safety.css gives a risk box's table
#    `table-layout: fixed; width: 100%`, so seven columns share about 250 px, less each
#    cell's 0.5rem padding either side, and `overflow-wrap: break-word` breaks every word
#    letter by letter: "Call 999" reads "C / all / 9 / 9 / 9" down the cell. The PDF's
#    column is wide enough, and its audit passes.
RISK_TABLE = """
| Sign | Who to call | When | Where | Number | Notes | More |
|---|---|---|---|---|---|---|
| Spreading redness with fever | Call 999 | Now | A&E | 999 | Do not wait | Urgent |
"""


@NO_CHROMIUM
def test_a_risk_table_keeps_its_words_whole_on_a_phone(project: Project, browser) -> None:
    project.append_to_handout(RISK_TABLE)
    project.clinic("table", 'name = "Table Clinic"\n')
    page = web_page(project, "table")
    if page is None:
        return  # refused: closed
    context, tab, _ = opened(browser, page, 320)
    try:
        broken = tab.evaluate(
            """(() => {
                const broken = [];
                const cells = document.querySelectorAll('.risk-box td, .risk-box th');
                for (const cell of cells) {
                    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
                    for (let node; (node = walker.nextNode()); ) {
                        for (const word of node.data.matchAll(/\\S+/g)) {
                            const range = document.createRange();
                            range.setStart(node, word.index);
                            range.setEnd(node, word.index + word[0].length);
                            const tops = new Set([...range.getClientRects()]
                                .map(r => Math.round(r.top)));
                            if (tops.size > 1) broken.push(word[0] + ' on ' + tops.size + ' lines');
                        }
                    }
                }
                return broken;
            })()"""
        )
        assert broken == [], f"risk words broken across lines on a phone: {broken}"
    finally:
        context.close()
