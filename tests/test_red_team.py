"""What the red team of issue 14 did, refused: a clinic's own font files cannot change what
the handout says, and a clinic's templates cannot fake a risk box or change the back page's
way to get help.

A font can draw "111" for the text "999", or "now" for "not", with a character map or a
substitution rule, and no check of the text sees it (the PDF's text can even stay right).
So the handout, the risk boxes and the back page print in a font this project ships; a
clinic's own font files print its name only (leaflet.risk_css, Branding.text_font).
"""

from __future__ import annotations

import io

import pdfplumber
import pytest

from conftest import HANDOUT, Project, pdf_text

pytestmark = pytest.mark.slow  # renders leaflets: left out of the fast tier


def swapped_font(family: str) -> bytes:
    """DejaVu Sans, renamed `family`, whose '9' draws the '1'."""
    from fontTools.ttLib import TTFont

    font = TTFont("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (16, 17, 21, 22):
            names.removeNames(nameID=record.nameID)
    for name_id, value in ((1, family), (2, "Regular"), (4, family), (6, family.replace(" ", ""))):
        names.setName(value, name_id, 3, 1, 0x409)
        names.setName(value, name_id, 1, 0, 0)
    for table in font["cmap"].tables:
        if table.isUnicode() and ord("9") in table.cmap:
            table.cmap[ord("9")] = table.cmap[ord("1")]
    stream = io.BytesIO()
    font.save(stream)
    return stream.getvalue()


def fonts_of(pdf: object, phrase: str) -> set[str]:
    """The fonts the characters of `phrase` are drawn in, wherever it prints."""
    found = set()
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            chars = page.chars
            text = "".join(char["text"] for char in chars)
            start = text.find(phrase)
            while start != -1:
                found |= {c["fontname"].split("+")[-1] for c in chars[start : start + len(phrase)]}
                start = text.find(phrase, start + 1)
    return found


def test_a_clinic_font_that_draws_999_as_111_prints_only_the_clinics_name(
    project: Project,
) -> None:
    project.write("clinics/probe/swap.ttf", swapped_font("Clinic Swap"))
    project.clinic(
        "probe",
        'name = "Probe Clinic"\n[font]\nfamily = "Clinic Swap"\nfiles = ["probe/swap.ttf"]\n',
    )
    result = project.run("build", "--clinic", "probe")
    assert result.exit_code == 0, result.output
    pdf = project.out / "probe" / f"{HANDOUT}-en.pdf"
    emergency = fonts_of(pdf, "Call 999 or go to A&E")
    assert emergency and all(name.startswith("Lato") for name in emergency), emergency
    assert all(name.startswith("Lato") for name in fonts_of(pdf, "In an emergency, call 999."))
    # The clinic's name, its own words, is still in its own font.
    assert any("Clinic" in name or "Swap" in name for name in fonts_of(pdf, "Probe Clinic"))


def test_a_template_cannot_print_a_look_alike_risk_box(project: Project) -> None:
    project.write(
        "clinics/probe/templates/leaflet.html",
        '{% extends "base.html" %}{% block intro %}{{ super() }}'
        '<section class="risk-box"><h2>Risks: update</h2><p>Fever is normal.</p></section>'
        "{% endblock %}",
    )
    project.clinic("probe", 'name = "Probe Clinic"\n[theme]\ntemplates = "probe/templates"\n')
    result = project.run("build", "--clinic", "probe")
    assert result.exit_code == 1
    assert 'has <section class="risk-box">: the classes' in result.stderr
    assert "cannot make something look like a risk box" in result.stderr


def test_a_template_cannot_take_the_urgent_sections_id(project: Project) -> None:
    project.write(
        "clinics/probe/templates/leaflet.html",
        '{% extends "base.html" %}{% block intro %}{{ super() }}'
        '<p class="talk" id="{{ handout.urgent.id }}">Call us first.</p>{% endblock %}',
    )
    project.clinic("probe", 'name = "Probe Clinic"\n[theme]\ntemplates = "probe/templates"\n')
    result = project.run("build", "--clinic", "probe")
    assert result.exit_code == 1
    assert 'has a second element with id "when-to-get-medical-help"' in result.stderr


def test_a_template_cannot_change_or_remove_the_back_pages_way_to_get_help(
    project: Project,
) -> None:
    for block in (
        "{% block urgent %}<p>In an emergency, call 111.</p>{% endblock %}",
        "{% block back_page %}<p>Thank you for choosing us.</p>{% endblock %}",
    ):
        project.write("clinics/probe/templates/leaflet.html", '{% extends "base.html" %}' + block)
        project.clinic("probe", 'name = "Probe Clinic"\n[theme]\ntemplates = "probe/templates"\n')
        result = project.run("build", "--clinic", "probe")
        assert result.exit_code == 1, result.output
        assert "does not print the back page's urgent help as the theme does" in result.stderr


def test_a_template_may_add_to_the_back_page(project: Project) -> None:
    project.write(
        "clinics/probe/templates/leaflet.html",
        '{% extends "base.html" %}{% block contact %}{{ super() }}'
        "<p>Walk-ins welcome on Saturdays.</p>{% endblock %}",
    )
    project.clinic("probe", 'name = "Probe Clinic"\n[theme]\ntemplates = "probe/templates"\n')
    result = project.run("build", "--clinic", "probe")
    assert result.exit_code == 0, result.output


# A third red team (after issue 17): a template that keeps the back page's parts as the
# theme writes them, but hides them or moves them out of the theme's wrapper.
@pytest.mark.parametrize("wrapper", ["div hidden", "datalist"])
def test_a_template_cannot_hide_the_back_pages_way_to_get_help(
    project: Project, wrapper: str
) -> None:
    tag = wrapper.split()[0]
    project.write(
        "clinics/probe/templates/leaflet.html",
        '{% extends "base.html" %}'
        f"{{% block urgent %}}<{wrapper}>{{{{ super() }}}}</{tag}>{{% endblock %}}",
    )
    project.clinic("probe", 'name = "Probe Clinic"\n[theme]\ntemplates = "probe/templates"\n')
    result = project.run("build", "--clinic", "probe")
    assert result.exit_code == 1, result.output
    assert "the back page's urgent help is not printed (a template may add around it" in (
        result.stderr
    )


def test_a_clinic_cannot_replace_the_sources_and_dates(project: Project) -> None:
    project.write("clinics/probe/templates/leaflet.html", '{% extends "base.html" %}')
    project.write(
        "clinics/probe/templates/sources.html",
        '<div hidden>{% include "!theme/sources.html" %}</div>',
    )
    project.clinic("probe", 'name = "Probe Clinic"\n[theme]\ntemplates = "probe/templates"\n')
    result = project.run("build", "--clinic", "probe", "--format", "all")
    assert result.exit_code == 0, result.output
    text = pdf_text(project.out / "probe" / f"{HANDOUT}-en.pdf")
    assert "Version 1.1. Issued 2 December 2026." in " ".join(text.split())


def test_the_back_page_keeps_the_projects_font_outside_its_wrapper(project: Project) -> None:
    project.write("clinics/probe/swap.ttf", swapped_font("Clinic Swap"))
    project.write(
        "clinics/probe/templates/leaflet.html",
        '{% extends "base.html" %}{% block back_page %}<div class="contact-name">'
        "{% block urgent %}{{ super() }}{% endblock %}{% block footer %}{{ super() }}"
        "{% endblock %}{% block sources %}{{ super() }}{% endblock %}</div>{% endblock %}",
    )
    project.write(
        "clinics/probe/extra.css",
        '@font-face { font-family: "Clinic Swap"; src: url("swap.ttf"); }\n'
        'body { font-family: "Clinic Swap"; }',
    )
    project.clinic(
        "probe",
        'name = "Probe Clinic"\n[theme]\ntemplates = "probe/templates"\n'
        'extra_css = "probe/extra.css"\n',
    )
    result = project.run("build", "--clinic", "probe")
    assert result.exit_code == 0, result.output
    pdf = project.out / "probe" / f"{HANDOUT}-en.pdf"
    with pdfplumber.open(pdf) as document:  # the clinic's name is not in its font either here
        swapped = "".join(
            c["text"] for p in document.pages for c in p.chars if "Swap" in c["fontname"]
        )
    assert swapped == "", f"printed in the clinic's font: {swapped[:80]!r}"
