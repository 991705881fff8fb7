"""Leaflets in more than one language: Spanish first, translations kept in step."""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pytest
from jinja2.ext import babel_extract

from conftest import HANDOUT, REPO, Project, pdf_text
from leaflets.content import load_handout
from leaflets.i18n import translations

pytestmark = pytest.mark.slow  # renders leaflets: left out of the fast tier

PROBE = 'name = "Probe Clinic"\n'
ENGLISH_LABELS = [
    "Contact us",
    "Sources",
    "Version",
    "Review date",
    "Page 1 of",
    "Issued",
    "Next review",
    "large print",
    "Address",
    "Phone",
    "Opening hours",
    "Book online",
    "scan the code",
    "This leaflet supports",
]


def spanish(project: Project, extra: str = "") -> Path:
    project.clinic(
        "probe",
        PROBE
        + 'language = "es"\nfooter_note = "Centro Probe"\n'
        + extra
        + '[contact]\naddress = "Calle Mayor 1"\nphone = "+34 900 000 000"\n'
        'opening_hours = "De lunes a viernes"\nbooking_url = "https://probe.example/cita"\n',
    )
    result = project.run("build", "--clinic", "probe")
    assert result.exit_code == 0, result.output
    return project.pdf("probe", lang="es")


def test_spanish_leaflet_has_spanish_sections_labels_and_date(project: Project) -> None:
    text = " ".join(pdf_text(spanish(project)).split())
    handout = load_handout(project.root / "handouts" / HANDOUT / "es.md")
    for heading in handout.meta.required_sections:
        assert heading in text, heading
    for label in (
        "Contacto",
        "Fuentes",
        "Versión 1.1",
        "Página 1 de",
        "Dirección",
        "Teléfono",
        "Pida cita en línea",
        "letra grande",
        "Próxima revisión: 2 de diciembre de 2027",
    ):
        assert label in text, label
    assert "infección" in text and "irritación" in text
    for label in ENGLISH_LABELS:
        assert label not in text, label


def test_spanish_metadata_language_is_es(project: Project) -> None:
    with pikepdf.open(spanish(project)) as pdf:
        assert str(pdf.Root.Lang) == "es"
        assert str(pdf.docinfo.Title).startswith("Microagujas para la caída del cabello")


# A project's own catalogue: two of the theme's words, one in the page, one in CSS.
PROJECT_PO = r"""msgid ""
msgstr ""
"Content-Type: text/plain; charset=utf-8\n"

msgid "Contact us"
msgstr "{contact}"

msgid "Page %(page)s of %(pages)s"
msgstr "Hoja %(page)s de %(pages)s"
"""


def test_a_projects_own_catalogue_changes_the_theme_words_it_gives(project: Project) -> None:
    po = project.write(
        "locale/es/LC_MESSAGES/messages.po", PROJECT_PO.format(contact="Hable con nosotros")
    )
    text = " ".join(pdf_text(spanish(project)).split())
    assert "Hable con nosotros" in text and "Hoja 1 de" in text
    assert "Contacto" not in text and "Página 1 de" not in text
    assert "Fuentes" in text and "Dirección" in text  # what it does not give: the theme's
    po.write_text(PROJECT_PO.format(contact="Escríbanos"), encoding="utf-8")
    result = project.run("build", "--clinic", "probe")
    assert "Built 1, skipped 0 unchanged, failed 0" in result.stdout, result.output
    assert "Escríbanos" in pdf_text(project.pdf("probe", lang="es"))


def test_every_template_label_has_a_spanish_translation() -> None:
    catalogue = translations("es", (REPO / "locale",))
    messages = []
    for template in (REPO / "templates").glob("*.html"):
        with template.open("rb") as stream:
            found = [m[2] for m in babel_extract(stream, ["_", "gettext"], [], {})]
            messages += [m[0] if isinstance(m, tuple) else m for m in found]
    messages += [
        "Page %(page)s of %(pages)s",
        "Review overdue",
        "QR code: book an appointment at %(clinic)s online",
    ]
    assert len(messages) > 15
    for message in messages:
        assert catalogue.gettext(message) != message, message


def test_lang_all_builds_both_languages_for_every_example(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from generate import cli

    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["--project", str(REPO), "build", "--lang", "all", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    for clinic in REPO.glob("clinics/*.toml"):
        for lang in ("en", "es"):
            path = out / clinic.stem / f"{HANDOUT}-{lang}.pdf"
            with pikepdf.open(path) as pdf:
                assert str(pdf.Root.Lang) == lang


def test_lang_es_builds_only_spanish(project: Project) -> None:
    project.clinic("probe", PROBE)
    assert project.run("build", "--clinic", "probe", "--lang", "es").exit_code == 0
    assert sorted(p.name for p in (project.out / "probe").iterdir()) == [f"{HANDOUT}-es.pdf"]


def test_a_language_the_handout_lacks_fails_naming_it(project: Project) -> None:
    project.clinic("probe", PROBE)
    result = project.run("build", "--clinic", "probe", "--lang", "fr")
    assert result.exit_code == 1
    assert "not written in 'fr'" in result.stderr and "en, es" in result.stderr


@pytest.mark.parametrize(
    ("toml", "warning"),
    [
        (
            'language = "fr"\n',
            "language: handout '{h}' is not written in 'fr' (it is in: en, es); "
            "it prints in 'en' instead",
        ),
        (
            'languages = ["es", "fr", "de"]\n',
            "languages: handout '{h}' is not written in 'fr', "
            "'de' (it is in: en, es); it prints in 'es' only",
        ),
    ],
    ids=["language", "languages"],
)
def test_check_warns_of_a_clinic_language_the_handout_lacks(
    project: Project, toml: str, warning: str
) -> None:
    path = project.clinic("probe", PROBE + toml)
    result = project.run("check")
    assert result.exit_code == 0, result.output
    assert f"warning: {path}: {warning.format(h=HANDOUT)}\n" in result.stderr


def test_build_says_which_language_it_printed_instead(project: Project) -> None:
    path = project.clinic("probe", PROBE + 'language = "fr"\n')
    result = project.run("build", "--clinic", "probe")
    assert result.exit_code == 0, result.output
    assert (
        f"warning: {path}: language: handout '{HANDOUT}' is not written in 'fr' "
        "(it is in: en, es); it prints in 'en' instead\n"
    ) in result.stderr
    assert project.pdf("probe").exists()


def _edit_spanish(project: Project, old: str, new: str) -> Path:
    path = project.root / "handouts" / HANDOUT / "es.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_missing_required_section_in_the_translation_fails_check(project: Project) -> None:
    _edit_spanish(project, "## Cuidados después del tratamiento", "## Otros cuidados")
    result = project.run("check")
    assert result.exit_code == 1
    assert "es.md" in result.stderr and "Cuidados después del tratamiento" in result.stderr


def test_a_number_dropped_from_the_translation_gives_a_warning(project: Project) -> None:
    text = (project.root / "handouts" / HANDOUT / "es.md").read_text(encoding="utf-8")
    # The first sentence with 74 that prints: the [//]: # (...) comment lines do not.
    sentence = re.search(r"^(?!\[//\])[^\n.]*\b74\b[^\n.]*\.", text, re.MULTILINE)[0]
    _edit_spanish(project, sentence, "Hubo más efectos secundarios con las dos cosas juntas.")
    result = project.run("check")
    assert result.exit_code == 0, result.output
    assert "warning:" in result.stderr and "es.md: lacks numbers" in result.stderr
    assert "74" in result.stderr and "59" in result.stderr


def test_an_older_translation_gives_a_version_warning(project: Project) -> None:
    path = project.root / "handouts" / HANDOUT / "en.md"
    path.write_text(path.read_text().replace('version = "1.1"', 'version = "1.2"', 1))
    result = project.run("check")
    assert "es translates version 1.1; en is 1.2" in result.stderr


def test_spanish_readability_uses_a_spanish_measure_and_passes(project: Project) -> None:
    result = project.run("check")
    row = next(line for line in result.stdout.splitlines() if line.startswith(f"{HANDOUT}  es"))
    assert "Fernández Huerta ease" in row
    score = float(row.split("Fernández Huerta ease")[1].split()[0])
    assert score >= 70


@pytest.mark.parametrize("lang", ["en", "es"])
def test_dates_are_formatted_for_the_locale(lang: str) -> None:
    import datetime

    from leaflets.i18n import format_date

    expected = {"en": "25 November 2027", "es": "25 de noviembre de 2027"}[lang]
    assert format_date(datetime.date(2027, 11, 25), lang=lang) == expected
