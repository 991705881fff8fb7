"""The example leaflets, as a patient and a printer receive them."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from pypdf import PdfReader

from conftest import HANDOUT, REPO, pdf_text
from leaflets.content import load_handout
from leaflets.paper import paper_named

pytestmark = pytest.mark.slow  # renders leaflets: left out of the fast tier

EXAMPLES = ["harbour-view", "maple-street", "northfield"]


def clinic_file(slug: str) -> dict:
    return tomllib.loads((REPO / "clinics" / f"{slug}.toml").read_text(encoding="utf-8"))


def leaflet(examples: Path, slug: str) -> Path:
    return examples / slug / f"{HANDOUT}-en.pdf"


def test_every_example_clinic_is_built(examples: Path) -> None:
    built = sorted(path.parent.name for path in examples.glob(f"*/{HANDOUT}-en.pdf"))
    assert built == sorted(path.stem for path in (REPO / "clinics").glob("*.toml"))
    assert set(EXAMPLES) <= set(built)


@pytest.mark.parametrize("slug", EXAMPLES)
def test_leaflet_text_has_clinic_sections_risks_and_footer(examples: Path, slug: str) -> None:
    text = pdf_text(leaflet(examples, slug))
    flat = " ".join(text.split())
    handout = load_handout(REPO / "handouts" / HANDOUT / "en.md")
    assert clinic_file(slug)["name"] in flat
    for heading in [*handout.meta.required_sections, "Contact us", "Sources"]:
        assert heading in flat, heading
    for word in ("infection", "irritation", "38°C", "minoxidil", "finasteride"):
        assert word in flat.lower() or word in flat
    pages = len(PdfReader(leaflet(examples, slug)).pages)
    assert f"Page 1 of {pages}" in flat and f"Page {pages} of {pages}" in flat
    # The title heads every page after the first; the footer gives version and review date.
    assert flat.count(handout.meta.title) >= pages
    assert "Version 1.1 · Next review 2 Dec 2027" in flat
    assert "For large print, audio, another language or another format" in flat


@pytest.mark.parametrize("slug", EXAMPLES)
def test_leaflet_is_two_to_four_pages_on_its_paper(examples: Path, slug: str) -> None:
    reader = PdfReader(leaflet(examples, slug))
    assert 2 <= len(reader.pages) <= 4
    paper = clinic_file(slug).get("paper", "A4")
    for page in reader.pages:
        box = page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == paper_named(paper).size_pt


@pytest.mark.parametrize("slug", EXAMPLES)
def test_fonts_are_embedded_and_subset_in_the_clinic_family(examples: Path, slug: str) -> None:
    family = clinic_file(slug).get("font", {}).get("family", "Lato").replace(" ", "")
    names = []
    with pikepdf.open(leaflet(examples, slug)) as pdf:
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                descriptor = (font.get("/DescendantFonts") or [font])[0].FontDescriptor
                assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
                names.append(str(font.BaseFont))
    assert names and all("+" in name for name in names), names  # subset fonts: ABCDEF+Name
    assert any(family in name.replace("-", "") for name in names), names


@pytest.mark.parametrize("slug", EXAMPLES)
def test_metadata_title_author_subject_language(examples: Path, slug: str) -> None:
    with pikepdf.open(leaflet(examples, slug)) as pdf:
        info = pdf.docinfo
        name = clinic_file(slug)["name"]
        assert str(info["/Title"]) == f"Microneedling for hair loss | {name}"
        assert str(info["/Author"]) == name
        assert "risks" in str(info["/Subject"])
        assert HANDOUT in str(info["/Keywords"])
        assert str(pdf.Root.Lang) == "en"


def _pixels(path: Path, page: int = 0) -> set[tuple[int, int, int]]:
    document = pypdfium2.PdfDocument(path)
    image = document[page].render(scale=40 / 72).to_pil().convert("RGB")
    return set(image.get_flattened_data())


def _near(colour: tuple[int, int, int], wanted: str, tolerance: int = 6) -> bool:
    rgb = tuple(int(wanted[i : i + 2], 16) for i in (1, 3, 5))
    return all(abs(a - b) <= tolerance for a, b in zip(colour, rgb, strict=True))


@pytest.mark.parametrize("slug", EXAMPLES)
def test_brand_colour_is_on_page_one(examples: Path, slug: str) -> None:
    from coloraide import Color

    primary = Color(clinic_file(slug)["colours"]["primary"]).convert("srgb").to_string(hex=True)
    assert any(_near(pixel, primary) for pixel in _pixels(leaflet(examples, slug)))


def test_risk_box_is_printed_in_its_colours(examples: Path) -> None:
    pixels = set()
    for page in range(len(PdfReader(leaflet(examples, "northfield")).pages)):
        pixels |= _pixels(leaflet(examples, "northfield"), page)
    assert any(_near(pixel, "#fff8e1", 3) for pixel in pixels)  # the box's fill
    assert any(_near(pixel, "#b3261e", 12) for pixel in pixels)  # and its border


def test_the_theme_renders_without_a_weasyprint_warning(caplog: pytest.LogCaptureFixture) -> None:
    from leaflets.branding import load_branding
    from leaflets.leaflet import STANDARD, Options, make_leaflet
    from leaflets.project import Project

    project = Project(REPO)
    branding = load_branding(project.clinic_file("harbour-view"))
    handout = load_handout(project.handout_file(HANDOUT, "en"))
    with caplog.at_level("WARNING", logger="weasyprint"):
        assert make_leaflet(project, branding, handout, STANDARD, Options()).startswith(b"%PDF-")
    assert [record.getMessage() for record in caplog.records] == []
