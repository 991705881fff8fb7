"""The safety invariants: the risk sections always print, readable, and rendering is confined."""

from __future__ import annotations

import os

import pdfplumber
import pytest
from click.testing import Result
from weasyprint.urls import FatalURLFetchingError

from conftest import HANDOUT, Project, pdf_text
from leaflets.pdf import ConfinedFetcher

pytestmark = pytest.mark.slow  # renders leaflets: left out of the fast tier

PROBE = 'name = "Probe Clinic"\n'
RISK_HEADINGS = ("Who should not use it", "Risks and side effects", "When to get medical help")


def with_css(project: Project, css: str) -> None:
    project.clinic("probe", PROBE + '[theme]\nextra_css = "probe/extra.css"\n')
    project.write("clinics/probe/extra.css", css)


# CSS that would hide the risk box, and what its message names (file, line, property).
HIDING = {
    "display-none": (".risk-box { display: none; }", "line 1: property 'display'"),
    "white-on-white": (
        ".risk-box, .risk-box * { color: #fff !important; background: #fff !important; }",
        "line 1: property 'background'",
    ),
    "hidden-collapsed": (
        ".risk-box { visibility: hidden; opacity: 0; height: 0; overflow: hidden; }",
        "line 1: property 'visibility'",
    ),
    "children-hidden": (
        ".risk-box h2, .risk-box p, .risk-box li { display: none !important; }",
        "line 1: selector '.risk-box h2'",
    ),
    "variables": (
        ":root { --brand-text: #fff; --brand-primary: #fff; } body { color: #fff; }",
        "line 1: custom property '--brand-text'",
    ),
}


@pytest.mark.parametrize(("css", "named"), HIDING.values(), ids=HIDING.keys())
def test_clinic_css_that_would_hide_the_risk_box_is_refused(
    project: Project, css: str, named: str
) -> None:
    with_css(project, css)
    result = project.run("build", "--clinic", "probe")
    assert result.exit_code == 2, result.output
    assert f"probe/extra.css: {named}" in result.stderr
    assert not project.pdf("probe").exists()


# Aimed at the risk box; `variables` also whitens the rest, which the audit refuses below.
AT_THE_BOX = {name: css for name, (css, _) in HIDING.items() if name != "variables"}


@pytest.mark.parametrize("css", AT_THE_BOX.values(), ids=AT_THE_BOX.keys())
@pytest.mark.usefixtures("page_checks_off")
def test_a_template_style_cannot_hide_the_risk_box(project: Project, css: str) -> None:
    # Past the checks made before layout, safety.css, a user stylesheet with !important,
    # still wins over a template's <style>.
    result = build_with_override(project, template_with_style(css))
    assert result.exit_code == 0, result.output
    pdf = project.pdf("probe")
    text = " ".join(pdf_text(pdf).split())
    for heading in RISK_HEADINGS:
        assert heading in text
    assert "infection" in text and "irritation" in text
    for phrase in ("Talk to a professional first", "Rare or lasting", "Call 999 or go to A&E"):
        assert drawn_dark_and_readable(pdf, phrase), phrase


@pytest.mark.usefixtures("page_checks_off")
def test_a_template_style_whitening_the_page_fails_naming_an_ordinary_section(
    project: Project,
) -> None:
    result = build_with_override(project, template_with_style(HIDING["variables"][0]))
    assert result.exit_code == 1, result.output
    assert "required section 'What microneedling is' is not readable" in result.stderr
    assert "has a contrast of 1.00:1" in result.stderr


def template_with_style(css: str) -> str:
    """A clinic leaflet.html adding `css` to the page in a <style> element."""
    return (
        '{% extends "base.html" %}'
        f"{{% block styles %}}{{{{ super() }}}}<style>{css}</style>{{% endblock %}}"
    )


def drawn_dark_and_readable(pdf, phrase: str, min_size: float = 9) -> bool:
    """Whether every character of `phrase` is drawn dark on the page, at `min_size` pt or more."""
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            chars = [char for char in page.chars if not char["text"].isspace()]
            text = "".join(char["text"] for char in chars)
            start = text.find(phrase.replace(" ", ""))
            if start >= 0:
                drawn = chars[start : start + len(phrase.replace(" ", ""))]
                return all(
                    max(char["non_stroking_color"] or [1]) < 0.35
                    and char["size"] >= min_size - 0.01
                    for char in drawn
                )
    return False


def build_with_override(project: Project, template: str) -> Result:
    """Build the probe clinic with its own leaflet.html."""
    project.clinic("probe", PROBE + '[theme]\ntemplates = "probe/templates"\n')
    project.write("clinics/probe/templates/leaflet.html", template)
    return project.run("build", "--clinic", "probe")


def test_template_override_dropping_the_risk_sections_fails_the_build(project: Project) -> None:
    result = build_with_override(
        project,
        '{% extends "base.html" %}{% block body %}<p>Microneedling is lovely.</p>{% endblock %}',
    )
    assert result.exit_code == 1
    for fragment in ("clinic 'probe'", f"handout '{HANDOUT}'", *RISK_HEADINGS):
        assert fragment in result.stderr
    assert not project.pdf("probe").exists()


@pytest.mark.usefixtures("page_checks_off")
def test_a_template_style_hiding_an_ordinary_required_section_fails_the_build(
    project: Project,
) -> None:
    result = build_with_override(project, template_with_style("#aftercare { display: none; }"))
    assert result.exit_code == 1
    assert "required section 'Aftercare' does not print the handout's words" in result.stderr


@pytest.mark.parametrize(
    ("block", "template", "added"),
    [
        ("contact", "{{ super() }}<p>Walk-ins welcome on Saturdays.</p>", ("Walk-ins welcome",)),
        (
            "body",
            "<p>Before the handout.</p>{{ super() }}<p>After it.</p>",
            ("Before the", "After"),
        ),
    ],
    ids=["after-contact", "around-the-handout"],
)
def test_template_override_changing_one_block_keeps_the_theme(
    project: Project, block: str, template: str, added: tuple[str, ...]
) -> None:
    result = build_with_override(
        project, f'{{% extends "base.html" %}}\n{{% block {block} %}}{template}{{% endblock %}}'
    )
    assert result.exit_code == 0, result.output
    text = " ".join(pdf_text(project.pdf("probe")).split())
    assert all(words in text for words in added) and "Contact us" in text
    assert "When to get medical help" in text


def test_override_may_extend_the_theme_file_it_replaces(project: Project) -> None:
    result = build_with_override(
        project,
        '{% extends "!theme/leaflet.html" %}'
        "{% block footer %}{{ super() }}<p>Our own footer.</p>{% endblock %}",
    )
    assert result.exit_code == 0, result.output
    assert "Our own footer." in pdf_text(project.pdf("probe"))


def test_fetcher_refuses_network_and_outside_files(project: Project) -> None:
    allowed = project.root / "styles"
    fetcher = ConfinedFetcher([allowed])
    refused = [
        "http://127.0.0.1:9/x.png",
        "https://example.org/a.css",
        "data:text/css,body{}",
        (project.outside / "canary.css").as_uri(),
        (allowed / "%2E%2E" / "%2E%2E" / "outside" / "canary.css").as_uri().replace("%252E", "%2E"),
        "file://otherhost/etc/passwd",
    ]
    for url in refused:
        with pytest.raises(FatalURLFetchingError, match="refused to load"):
            fetcher.fetch(url)
    response = fetcher.fetch((allowed / "base.css").as_uri())
    assert b"@page" in response.read()
    response.close()


def test_fetcher_resolves_symlinks_before_judging(project: Project) -> None:
    link = project.root / "styles" / "sneaky.css"
    os.symlink(project.outside / "canary.css", link)
    with pytest.raises(FatalURLFetchingError, match="refused to load"):
        ConfinedFetcher([project.root / "styles"]).fetch(link.as_uri())


def test_symlinked_logo_leading_outside_is_refused(project: Project) -> None:
    (project.root / "clinics" / "probe").mkdir()
    os.symlink(project.outside / "canary.svg", project.root / "clinics" / "probe" / "logo.svg")
    project.clinic("probe", PROBE + '[logo]\nfile = "probe/logo.svg"\nalt = "Probe"\n')
    result = project.run("build", "--clinic", "probe")
    assert result.exit_code == 2
    assert "logo.file" in result.stderr and "outside the clinic's folder" in result.stderr


def test_clinic_text_is_printed_literally(project: Project, local_server) -> None:
    project.clinic(
        "probe",
        'name = "Smith & Sons <b>Clinic</b>"\n[contact]\n'
        'address = "<script>alert(1)</script> {{ 7*7 }}"\n',
    )
    result = project.run("build", "--clinic", "probe")
    assert result.exit_code == 0, result.output
    text = pdf_text(project.pdf("probe"))
    assert "Smith & Sons <b>Clinic</b>" in text
    assert "<script>alert(1)</script>{{7*7}}" in "".join(text.split())  # wrapped in its column


def test_a_long_word_and_a_wide_table_stay_inside_the_margins(project: Project) -> None:
    project.clinic("probe", PROBE)
    word = "https://example.org/" + "a" * 300
    table = "| " + " | ".join(f"C{n}" for n in range(40)) + " |\n|" + "---|" * 40 + "\n"
    table += "| " + " | ".join("wide" for _ in range(40)) + " |\n"
    # In a section of its own: in a risk box, a table this wide is unreadable, and fails.
    project.append_to_handout(f"## Wide content\n\nA long link: {word}\n\n{table}")
    result = project.run("build", "--clinic", "probe")
    assert result.exit_code == 0, result.output
    with pdfplumber.open(project.pdf("probe")) as document:
        for page in document.pages:
            assert all(0 <= char["x0"] and char["x1"] <= page.width - 30 for char in page.chars)


def test_a_character_no_font_can_draw_fails_naming_it(project: Project) -> None:
    project.clinic("probe", PROBE)
    project.append_to_handout("A character no font has: \u0378.")
    result = project.run("build", "--clinic", "probe")
    assert result.exit_code == 1
    assert "U+0378" in result.stderr and "en.md" in result.stderr
    assert not project.pdf("probe").exists()


@pytest.mark.usefixtures("page_checks_off")
def test_a_character_no_font_can_draw_in_a_template_style_fails_the_leaflet(
    project: Project,
) -> None:
    result = build_with_override(project, template_with_style('h1::after { content: " \\378"; }'))
    assert result.exit_code == 1
    assert "no font can draw a character, which would print as a box" in result.stderr
    assert not project.pdf("probe").exists()


@pytest.mark.parametrize(
    ("text", "named"),
    [("Ring \u0007 the bell", "U+0007 (a control character)"), ("Do \u202enot", "U+202E")],
    ids=["control", "bidi-override"],
)
def test_hidden_characters_in_a_handout_are_refused_by_line(
    project: Project, text: str, named: str
) -> None:
    project.clinic("probe", PROBE)
    project.append_to_handout(text)
    result = project.run("build", "--clinic", "probe")
    assert result.exit_code == 1
    assert "en.md: line " in result.stderr and named in result.stderr
    assert "remove it" in result.stderr


def test_an_image_path_with_a_null_byte_is_refused(project: Project) -> None:
    project.clinic("probe", PROBE)
    project.append_to_handout("![A diagram](diagram%00.png)")
    result = project.run("build", "--clinic", "probe")
    assert result.exit_code == 1
    assert "image 'diagram%00.png' is not allowed" in result.stderr


def test_markdown_image_inside_the_handout_folder_is_allowed(project: Project) -> None:
    from PIL import Image

    Image.new("RGB", (60, 40), "#3366aa").save(project.root / "handouts" / HANDOUT / "diagram.png")
    project.clinic("probe", PROBE)
    project.append_to_handout("![A diagram of the scalp](diagram.png)")
    result = project.run("build", "--clinic", "probe")
    assert result.exit_code == 0, result.output


def test_markdown_image_without_alt_text_is_refused(project: Project) -> None:
    from PIL import Image

    Image.new("RGB", (60, 40), "#3366aa").save(project.root / "handouts" / HANDOUT / "diagram.png")
    project.clinic("probe", PROBE)
    project.append_to_handout("![](diagram.png)")
    result = project.run("build", "--clinic", "probe")
    assert result.exit_code == 1
    assert "en.md" in result.stderr and "no alt text" in result.stderr


@pytest.mark.usefixtures("page_checks_off")  # a clinic stylesheet's fonts are checked before
def test_a_resource_weasyprint_cannot_load_fails_the_leaflet(project: Project) -> None:
    result = build_with_override(
        project,
        template_with_style(
            '@font-face { font-family: "Probe Missing"; src: url("missing.woff2"); }\n'
            'h1 { font-family: "Probe Missing"; }'
        ),
    )
    assert result.exit_code == 1
    assert "missing.woff2" in result.stderr
    assert not project.pdf("probe").exists()


# A clinic's name and address may be in any script; install.sh installs fonts for these.
SCRIPTS = {
    "Greek": "Κλινική Αθήνα",
    "Cyrillic": "Клиника Пушкина",
    "Arabic": "عيادة الشعر",
    "Hebrew": "מרפאה",
    "Chinese": "北京市诊所",
    "emoji": "🦷",
}


def test_clinic_text_in_other_scripts_prints_with_real_glyphs(project: Project) -> None:
    address = "\\n".join(SCRIPTS.values())
    project.clinic(
        "probe", f'name = "Probe {SCRIPTS["Greek"]}"\n[contact]\naddress = "{address}"\n'
    )
    result = project.run("build", "--clinic", "probe")
    assert result.exit_code == 0, result.output
    # A character drawn as an empty box (the font's .notdef glyph) does not extract as itself.
    text = pdf_text(project.pdf("probe"))
    assert [script for script, sample in SCRIPTS.items() if sample not in text] == []
    with pdfplumber.open(project.pdf("probe")) as pdf:
        fonts = {char["fontname"].split("+")[-1] for page in pdf.pages for char in page.chars}
    assert any("CJK" in font for font in fonts) and any("Emoji" in font for font in fonts)
