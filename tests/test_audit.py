"""The layout audit: whatever a clinic's template or styles do, the risk text prints readably.

Each attack is a `<style>` a clinic's own `leaflet.html` adds to the page, with the checks
made on the page before layout switched off (`page_checks_off`), as if they had a hole:
author CSS, as strong as a clinic stylesheet was before the allowlist. An attack either fails the
leaflet, naming clinic, handout and section, or is beaten by safety.css, and then the risk
text is shown to print readably. With the allowlist on, each is refused before layout
(`test_a_template_style_is_held_to_the_allowlist`).
The audit's own unit tests (`test_audit_*`) lay out a page with hostile CSS given after
safety.css, so that nothing but the audit stands between it and the PDF.
"""

from __future__ import annotations

import io

import pdfplumber
import pytest
import weasyprint
from click.testing import Result
from test_safety import (
    RISK_HEADINGS,
    build_with_override,
    drawn_dark_and_readable,
    template_with_style,
)

from conftest import HANDOUT, REPO, Project
from leaflets.audit import audit_sections
from leaflets.content import load_handout

LOCALE = (REPO / "locale",)  # the theme's catalogues
pytestmark = pytest.mark.slow  # renders leaflets: left out of the fast tier

WHERE = ("clinic 'probe'", f"handout '{HANDOUT}' (en)")


def with_style(project: Project, css: str) -> Result:
    return build_with_override(project, template_with_style(css))


# (id, CSS a clinic's template adds, a fragment of the message that refuses it)
REFUSED = [
    ("max-lines", ".risk-box p { max-lines: 1; continue: discard; }", "words in order"),
    ("opacity-ancestor", "main { opacity: 0.15; }", "contrast of"),
    ("transform-ancestor", "main { transform: scale(0.2); }", "transformed"),
    ("first-line-white", ".risk-box p::first-line { color: #fff8e1; }", "contrast of"),
    (
        "pulled-over",
        ".risk-box + .section { margin-top: -120pt; position: relative; z-index: 5; "
        "background: white; }",
        "is covered by <section>",
    ),
    ("after-content", ".risk-box p::after { content: ' (not really)'; }", "not in the handout"),
    ("before-heading", ".risk-box h2::before { content: 'Optional: '; }", "not in the handout"),
    ("marker-text", ".risk-box ul { list-style-type: 'Safe to ignore: '; }", "not in the"),
    ("line-through", ".risk-box p { text-decoration: line-through; }", "struck through"),
    ("line-through-ancestor", "main { text-decoration: line-through; }", "struck through"),
    ("clipped", "main { height: 200pt; overflow: hidden; }", "cut off"),
    ("off-page", "body { position: relative; left: -3000px; }", "outside the page area"),
    (
        "reversed",
        ".risk-box p, .risk-box li { unicode-bidi: bidi-override; direction: rtl; }",
        "is written rtl, not ltr",
    ),
]
# Beaten by safety.css (a user stylesheet, !important): the leaflet builds, readable.
NEUTRALISED = [
    ("redefined-size", ".risk-box { --risk-text-size: 2pt; --risk-heading-size: 3pt; }"),
    ("tiny-font", ".risk-box * { font-size: 3pt; }"),
    ("white-text", ".risk-box, .risk-box * { color: #fff8e1; }"),
    ("hidden", ".risk-box { visibility: hidden; display: none; }"),
    ("squashed-lines", ".risk-box * { line-height: 0; }"),
    (
        "underline-blot",
        ".risk-box p { text-decoration: underline; text-decoration-thickness: .55em; "
        "text-underline-offset: -.55em; text-decoration-color: #fff8e1; }",
    ),
]
# Found by a code review: painting that hides text in any required section, risk or not.
ANY_SECTION = [
    (
        "background-pulled-over",
        ".risk-box + .section:not(.risk-box) { margin-top: -120pt; padding-top: 120pt; "
        "position: relative; z-index: 5; background: white; }",
        "is covered by <section>",
    ),
    (
        "background-over-a-heading",
        "#aftercare ~ p { position: relative; background: white; margin-top: -30pt; "
        "padding-top: 30pt; }",
        "required section 'Aftercare' is not readable",
    ),
    (
        "underline-moved-up",
        ".risk-box + .section h2 { text-decoration: underline; text-decoration-thickness: 60pt; "
        "text-underline-offset: -80pt; text-decoration-color: #fff8e1; }",
        "has its underline moved or thickened over it",
    ),
    (
        "background-image",
        ".section:not(.risk-box) { background-image: linear-gradient(#222, #222); }",
        "is printed over a background image",
    ),
]


@pytest.mark.usefixtures("page_checks_off")
@pytest.mark.parametrize(("css", "fragment"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_an_attack_the_stylesheets_let_through_fails_the_leaflet(
    project: Project, css: str, fragment: str
) -> None:
    result = with_style(project, css)
    assert result.exit_code == 1, result.output
    for expected in (*WHERE, "section '", fragment):
        assert expected in result.stderr
    assert any(heading in result.stderr for heading in RISK_HEADINGS)
    assert "Traceback" not in result.output
    assert not project.pdf("probe").exists()


@pytest.mark.usefixtures("page_checks_off")
@pytest.mark.parametrize("css", [c[1] for c in NEUTRALISED], ids=[c[0] for c in NEUTRALISED])
def test_an_attack_safety_css_beats_leaves_the_risk_text_readable(
    project: Project, css: str
) -> None:
    result = with_style(project, css)
    assert result.exit_code == 0, result.output
    pdf = project.pdf("probe")
    for phrase in ("Talk to a professional first", "Rare or lasting", "Call 999 or go to A&E"):
        assert drawn_dark_and_readable(pdf, phrase, min_size=11), phrase


@pytest.mark.usefixtures("page_checks_off")
@pytest.mark.parametrize(
    ("css", "fragment"), [c[1:] for c in ANY_SECTION], ids=[c[0] for c in ANY_SECTION]
)
def test_painting_over_any_required_section_fails_the_leaflet(
    project: Project, css: str, fragment: str
) -> None:
    result = with_style(project, css)
    assert result.exit_code == 1, result.output
    assert fragment in result.stderr
    assert not project.pdf("probe").exists()


@pytest.mark.usefixtures("page_checks_off")  # else refused before layout, not naming sections
def test_a_template_replacing_the_body_with_look_alike_headings_fails(project: Project) -> None:
    sections = "".join(
        f'<section class="section risk-box"><h2 id="{anchor}">{title}</h2>'
        "<p>Nothing to worry about.</p></section>"
        for anchor, title in [
            (
                "who-should-not-use-it-or-should-ask-first",
                "Who should not use it, or should ask first",
            ),
            ("risks-and-side-effects", "Risks and side effects"),
            ("when-to-get-medical-help", "When to get medical help"),
        ]
    )
    result = build_with_override(
        project, '{% extends "base.html" %}{% block body %}' + sections + "{% endblock %}"
    )
    assert result.exit_code == 1, result.output
    for fragment in (
        *WHERE,
        "Who should not use it, or should ask first",
        "does not print the handout's words",
    ):
        assert fragment in result.stderr
    assert not project.pdf("probe").exists()


def test_a_template_printing_a_section_twice_fails(project: Project) -> None:
    result = build_with_override(
        project,
        '{% extends "base.html" %}{% block body %}{{ super() }}'
        '<section class="section"><h2 id="aftercare">Aftercare</h2><p>Relax.</p></section>'
        "{% endblock %}",
    )
    assert result.exit_code == 1, result.output
    # Refused before layout: the handout's classes and ids are its own (page_styles.py).
    assert 'has <section class="section">: the classes' in result.stderr
    assert 'has a second element with id "aftercare"' in result.stderr


# The audit alone: hostile CSS after safety.css, as if every other wall had fallen.
def _laid_out(css: str, lang: str = "en") -> tuple[weasyprint.Document, object]:
    handout = load_handout(REPO / "handouts" / HANDOUT / f"{lang}.md")
    html = f'<html lang="{lang}"><body><main>{handout.html}</main></body></html>'
    sheets = [weasyprint.CSS(REPO / "styles" / name) for name in ("base.css", "safety.css")]
    sizes = weasyprint.CSS(
        string=".risk-box, .risk-box * { --risk-text-size: 11pt; --risk-heading-size: 14pt }"
    )
    document = weasyprint.HTML(string=html).render(
        stylesheets=[*sheets, sizes, weasyprint.CSS(string=css)]
    )
    return document, handout


@pytest.mark.parametrize(
    ("css", "fragment"),
    [
        (".risk-box p { font-size: 6pt !important; }", "smaller than the 11pt its section must be"),
        (".risk-box p { color: #ddd !important; }", "contrast of"),
        (".risk-box p { visibility: hidden !important; }", "is hidden"),
        (".risk-box { transform: rotate(180deg) !important; }", "transformed"),
        (".risk-box p { line-height: 0 !important; }", "overlaps"),
        (".risk-box { opacity: 0.2 !important; }", "contrast of"),
        (".risk-box p { position: relative !important; left: 900pt; }", "outside the page area"),
        (".risk-box ul { display: flex !important; flex-direction: column-reverse; }", "order"),
        (".risk-box { max-height: 40pt !important; overflow: hidden !important; }", "cut off"),
        # A fixed height: WeasyPrint lays out no lines past it where the box breaks across
        # a column, so the words are missing rather than laid out and clipped.
        (
            ".risk-box { height: 40pt !important; overflow: hidden !important; }",
            "does not print the handout's words",
        ),
    ],
    ids=[
        "small",
        "pale",
        "hidden",
        "rotated",
        "squashed",
        "faded",
        "moved",
        "reversed",
        "clip",
        "clip-fixed-height",
    ],
)
def test_audit_catches_what_safety_css_would_miss(css: str, fragment: str) -> None:
    document, handout = _laid_out(css)
    problems = audit_sections(document, handout, 11, LOCALE)
    assert any(fragment in problem for problem in problems), problems


@pytest.mark.parametrize("lang", ["en", "es"])
def test_audit_passes_the_handout_as_the_theme_lays_it_out(lang: str) -> None:
    document, handout = _laid_out("", lang)
    assert audit_sections(document, handout, 11, LOCALE) == []


@pytest.mark.parametrize(
    ("template", "fragment"),
    [
        (template_with_style(REFUSED[1][1]), "<style> element 1: line 1: property 'opacity'"),
        (template_with_style(NEUTRALISED[0][1]), "<style> element 1: line 1: selector '.risk-box'"),
        (
            '{% extends "base.html" %}{% block intro %}<p style="opacity: 0">x</p>{% endblock %}',
            "a style attribute on <p>, which is not allowed",
        ),
        (
            '{% extends "base.html" %}{% block head %}{{ super() }}'
            '<link rel="attachment" href="file:///etc/hostname">{% endblock %}',
            '<link rel="attachment" href="file:///etc/hostname">, which is not allowed',
        ),
    ],
    ids=["style-property", "style-selector", "style-attribute", "link"],
)
def test_a_template_style_is_held_to_the_allowlist(
    project: Project, template: str, fragment: str
) -> None:
    result = build_with_override(project, template)
    assert result.exit_code == 1, result.output
    assert "clinics/probe/templates/ has" in result.stderr
    assert fragment in result.stderr
    assert not project.pdf("probe").exists()


# Found by a red-team review: each built a leaflet with exit 0 before the fix.
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><title>-</title>'
    '<rect x="-2000" y="-2000" width="4000" height="4000" fill="#fff8e1"/></svg>'
)
NEXT_SECTION = '</section><section class="section"><h2 id="using-a-roller-safely">'
BOX = '<section class="section risk-box"><h2 id="when-to-get-medical-help">'
# Rewriting handout.html in a template: the template now sees only a placeholder, which
# the handout replaces after templating, so the rewrite finds nothing to change.
REWRITES = {
    "svg-painted-into-a-box": (
        "{% set svg = '" + SVG + "' %}{% set end = '" + NEXT_SECTION + "' %}"
        '{% extends "base.html" %}{% block body %}'
        "{{ handout.html.replace(end|safe, (svg ~ end)|safe) }}{% endblock %}"
    ),
    "box-class-removed": (
        '{% extends "base.html" %}{% block body %}{{ handout.html.replace(\''
        + BOX
        + "'|safe, '"
        + BOX.replace(" risk-box", "")
        + "'|safe) }}{% endblock %}"
    ),
}
REFUSED_BEFORE_LAYOUT = {
    "comment-hides-a-style": (
        '{% extends "base.html" %}{% block styles %}{{ super() }}<!-- a --!><style>'
        ".risk-box > * { outline: 150px solid #fff8e1; outline-offset: -150px }</style>"
        "<!-- b -->{% endblock %}",
        "<style> element 1: line 1: selector '.risk-box > *'",
    ),
    "handout-in-a-comment": (
        '{% extends "base.html" %}{% block body %}<!--{{ handout.html }}-->{% endblock %}',
        "does not print {{ handout.html }} once, as it is (1 copies, in a comment or as text)",
    ),
    "handout-as-text": (
        '{% extends "base.html" %}{% block body %}{{ handout.html|striptags }}{% endblock %}',
        "does not print {{ handout.html }} once, as it is (0 copies",
    ),
}


@pytest.mark.parametrize("template", REWRITES.values(), ids=REWRITES.keys())
def test_a_template_rewriting_the_handout_changes_nothing(project: Project, template: str) -> None:
    result = build_with_override(project, template)
    assert result.exit_code == 0, result.output
    pdf = project.pdf("probe")
    for phrase in ("Talk to a professional first", "Rare or lasting", "Call 999 or go to A&E"):
        assert drawn_dark_and_readable(pdf, phrase, min_size=11), phrase
    with pdfplumber.open(pdf) as document:
        assert all(not page.images for page in document.pages)  # no SVG drawn anywhere


@pytest.mark.parametrize(
    ("template", "fragment"), REFUSED_BEFORE_LAYOUT.values(), ids=REFUSED_BEFORE_LAYOUT.keys()
)
def test_the_review_attacks_are_refused(project: Project, template: str, fragment: str) -> None:
    result = build_with_override(project, template)
    assert result.exit_code == 1, result.output
    assert fragment in result.stderr
    assert not project.pdf("probe").exists()


@pytest.mark.usefixtures("page_checks_off")
def test_an_outline_over_the_risk_box_fails_even_past_the_allowlist(project: Project) -> None:
    result = with_style(project, "main { outline: 900px solid #fff8e1; outline-offset: -900px; }")
    assert result.exit_code == 1, result.output
    assert "is covered by an outline on <main>" in result.stderr


def _laid_out_changed(old: str, new: str) -> list[str]:
    """Audit problems of the handout laid out with its HTML changed, past every other wall."""
    document, handout = _laid_out("")
    html = str(handout.html).replace(old, new)  # str: Markup.replace would escape `new`
    assert html != str(handout.html)
    changed = weasyprint.HTML(string=f'<html lang="en"><body><main>{html}</main></body></html>')
    sheets = [weasyprint.CSS(REPO / "styles" / name) for name in ("base.css", "safety.css")]
    return audit_sections(changed.render(stylesheets=sheets), handout, 11, LOCALE)


def test_audit_refuses_a_picture_that_is_not_the_handouts() -> None:
    problems = _laid_out_changed(NEXT_SECTION, SVG + NEXT_SECTION)
    assert any("holds a picture that is not in the handout (<svg>" in p for p in problems)


def test_audit_refuses_a_risk_section_out_of_its_box() -> None:
    problems = _laid_out_changed(BOX, BOX.replace(" risk-box", ""))
    assert any("is not printed in a risk box" in p for p in problems), problems


def _font_with_a_huge_z() -> bytes:
    """DejaVu Serif whose 'Z' paints a block 6 em wide and 8 em deep below its line.

    The font draws every letter, so it passes the font checks; its 'Z' paints far outside
    the line box it is laid out in (a review used a ligature to the same end).
    """
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont

    font = TTFont("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
    pen = TTGlyphPen(None)
    for point in [(0, -16000), (12000, -16000), (12000, 1500), (0, 1500)]:
        (pen.lineTo if point != (0, -16000) else pen.moveTo)(point)
    pen.closePath()
    font["glyf"][font.getBestCmap()[ord("Z")]] = pen.glyph()
    stream = io.BytesIO()
    font.save(stream)
    return stream.getvalue()


def test_glyphs_painting_outside_their_line_are_caught(project: Project) -> None:
    project.write("clinics/probe/Brand.ttf", _font_with_a_huge_z())
    project.clinic(
        "probe",
        'name = "Zed Clinic"\n[font]\nfamily = "Brand Serif"\nfiles = ["probe/Brand.ttf"]\n',
    )
    result = project.run("build", "--clinic", "probe")
    assert result.exit_code == 1, result.output
    assert "is covered by <" in result.stderr
    assert not project.pdf("probe").exists()
