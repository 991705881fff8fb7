"""The back page a patient turns to: how to get help, the clinic's number, other formats,
feedback, questions to ask, sources; in the leaflet's language, with the clinic's own words
translated; and a leaflet whose font or translation runs long is copyfitted, not refused.
"""

from __future__ import annotations

import pypdfium2
import pytest
from pypdf import PdfReader

from conftest import HANDOUT, Project, pdf_text

pytestmark = pytest.mark.slow  # renders leaflets: left out of the fast tier

CLINIC = """name = "Probe Clinic"
languages = ["en", "es"]
approver = "Dr P. Robe, Consultant"
feedback = "Fill in a feedback card at reception."

[contact]
phone = "020 7946 0000"
email = "hello@probe.example"
opening_hours = "Monday to Friday"
"""
SPANISH = """
[translations.es]
approver = "Dra. P. Robe, consultora"
feedback = "Rellene una tarjeta de opinión en recepción."
opening_hours = "De lunes a viernes"
"""


def back_page(path: bytes | str) -> str:
    """The text from the back page's first heading to the end, on one line."""
    text = " ".join(pdf_text(path).split())
    for heading in ("Worried after a treatment?", "¿Le preocupa algo después de un tratamiento?"):
        if heading in text:
            return text[text.rindex(heading) :]
    raise AssertionError("no back page")


def test_back_page_gives_help_contact_formats_feedback_and_questions(project: Project) -> None:
    project.clinic("probe", CLINIC + SPANISH)
    result = project.run("build", "--clinic", "probe", "--large-print")
    assert result.exit_code == 0, result.output
    back = back_page(project.pdf("probe"))
    pages = len(PdfReader(project.pdf("probe")).pages)
    # The pointer to the urgent section names it and the page it is on.
    assert 'under "When to get medical help" on page' in back
    assert "In an emergency, call 999." in back
    assert "For large print, audio, another language or another format, call 020 7946 0000." in back
    assert "Tell us what you think Fill in a feedback card at reception." in back
    assert "Has microneedling been studied for my type of hair loss?" in back
    assert "Your own questions and notes:" in back
    assert "Approved for use at Probe Clinic by Dr P. Robe, Consultant." in back
    assert pages == 4  # the back page is the last of four
    # The large-print copy offers the other formats, not large print.
    large = back_page(project.out / "probe" / f"{HANDOUT}-en-large-print.pdf")
    assert "For audio, another language or another format, call 020 7946 0000." in large
    assert "large print" not in large


def test_back_page_points_to_the_page_the_urgent_section_is_on(project: Project) -> None:
    project.clinic("probe", CLINIC)
    assert project.run("build", "--clinic", "probe").exit_code == 0
    reader = PdfReader(project.pdf("probe"))
    [page] = [
        number
        for number, page in enumerate(reader.pages, 1)
        if "When to get medical help" in page.extract_text().split("Worried after")[0]
    ][:1]
    assert f'"When to get medical help" on page {page}.' in back_page(project.pdf("probe"))


def test_without_a_feedback_route_the_back_page_gives_the_clinics_number(
    project: Project,
) -> None:
    project.clinic(
        "probe", CLINIC.replace('feedback = "Fill in a feedback card at reception."\n', "")
    )
    assert project.run("build", "--clinic", "probe").exit_code == 0
    assert (
        "We want to hear what you think of this leaflet and of your care: call 020 7946 0000."
        in back_page(project.pdf("probe"))
    )


def test_spanish_leaflet_prints_the_clinics_own_words_in_spanish(project: Project) -> None:
    project.clinic("probe", CLINIC + SPANISH)
    assert project.run("build", "--clinic", "probe").exit_code == 0
    back = back_page(project.pdf("probe", lang="es"))
    for spanish in ("Rellene una tarjeta de opinión en recepción.", "De lunes a viernes"):
        assert spanish in back
    assert "Dra. P. Robe, consultora" in back
    for english in ("Fill in a feedback card", "Monday to Friday", "Consultant"):
        assert english not in back
    assert "Preguntas que puede hacer" in back and "En una emergencia, llame al 999." in back


def test_check_warns_when_a_language_the_clinic_builds_lacks_its_words(project: Project) -> None:
    project.clinic("probe", CLINIC + '\n[translations.es]\nfeedback = "Rellene una tarjeta."\n')
    result = project.run("check")
    assert result.exit_code == 0, result.output
    assert (
        "clinics/probe.toml: builds 'es' leaflets, but [translations.es] does not "
        "give approver, opening_hours, so they print in 'en'"
    ) in result.stderr


def test_check_is_quiet_when_every_language_has_the_clinics_words(project: Project) -> None:
    project.clinic("probe", CLINIC + SPANISH)
    result = project.run("check")
    assert result.exit_code == 0, result.output
    assert "translations" not in result.stderr


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_a_wide_font_is_copyfitted_into_four_pages(project: Project, paper: str) -> None:
    """DejaVu Sans sets the Spanish text 7% wider than Inter: 5 or 6 pages before copyfit."""
    project.clinic("probe", CLINIC + SPANISH + '\n[font]\nfamily = "DejaVu Sans"\n')
    result = project.run("build", "--clinic", "probe", "--paper", paper, "--lang", "es")
    assert result.exit_code == 0, result.output
    suffix = "" if paper == "a4" else f"-{paper}"
    pdf = project.out / "probe" / f"{HANDOUT}-es{suffix}.pdf"
    assert len(pypdfium2.PdfDocument(pdf)) == 4
    assert "Fuentes" in back_page(pdf)


def test_a_risk_box_that_runs_on_repeats_its_heading_at_the_top_of_the_page(
    project: Project,
) -> None:
    project.clinic("probe", CLINIC + SPANISH)
    result = project.run("build", "--clinic", "probe", "--large-print", "--lang", "all")
    assert result.exit_code == 0, result.output
    for lang, label in (("en", "(continued)"), ("es", "(continuación)")):
        reader = PdfReader(project.out / "probe" / f"{HANDOUT}-{lang}-large-print.pdf")
        tops = [page.extract_text().splitlines()[:1] for page in reader.pages]
        labelled = [line for [line] in filter(None, tops) if line.endswith(label)]
        # Large print runs each of the three risk boxes over a page break.
        assert len(labelled) == 3, tops
        text = "\n".join(page.extract_text() for page in reader.pages)
        assert text.count(label) == 3  # nowhere but at the top of a page
