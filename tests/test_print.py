"""Print production: paper sizes, print-shop output, archival PDFs, the booking QR code,
previews and file size, checked on the files a printer and a phone camera receive."""

from __future__ import annotations

import io
import math
import re
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
import zxingcpp
from PIL import Image, ImageDraw
from pypdf import PdfReader

from conftest import HANDOUT, PROBE_FM, Project
from leaflets import project as core
from leaflets.branding import load_branding
from leaflets.content import load_handout
from leaflets.errors import ConfigError
from leaflets.leaflet import STANDARD, Options, make_leaflet, other_paper
from leaflets.paper import A4, LETTER, PAPER_NAMES, paper_named

pytestmark = pytest.mark.slow  # renders leaflets: left out of the fast tier

PROBE = 'name = "Probe Clinic"\n'
BOOKING = "https://probe.example/book?clinic=probe&source=leaflet"
NOT_A_PAPER = "paper: 'B5' is not a paper size (use A4, Letter or A5, in any case)"
MM = 72 / 25.4


@pytest.mark.parametrize("paper", PAPER_NAMES)
def test_paper_sets_the_page_size(project: Project, paper: str) -> None:
    project.clinic("probe", PROBE)
    result = project.run("build", "--clinic", "probe", "--paper", paper.lower())
    assert result.exit_code == 0, result.output
    suffix = "" if paper == "A4" else f"-{paper.lower()}"  # A4 is the clinic's own paper
    reader = PdfReader(project.out / "probe" / f"{HANDOUT}-en{suffix}.pdf")
    for page in reader.pages:
        box = page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == paper_named(paper).size_pt
    assert 2 <= len(reader.pages) <= paper_named(paper).pages


@pytest.mark.parametrize(
    ("paper", "code", "fragment"),
    [
        ("letter", 0, "ok      {path}"),
        ("a5", 0, "ok      {path}"),
        ("B5", 2, "{path}: " + NOT_A_PAPER),
    ],
)
def test_a_clinic_file_names_its_paper_in_any_case(
    project: Project, paper: str, code: int, fragment: str
) -> None:
    path = project.clinic("probe", PROBE + f'paper = "{paper}"\n')
    result = project.run("check")
    assert result.exit_code == code
    assert fragment.format(path=path) in result.output


def test_a_paper_given_to_the_core_is_checked_as_a_clinic_files_is(project: Project) -> None:
    branding = load_branding(project.clinic("probe", PROBE))
    handout = load_handout(project.root / "handouts" / HANDOUT / "en.md")
    with pytest.raises(ConfigError, match=f"^{re.escape(NOT_A_PAPER)}$"):
        make_leaflet(core.Project(project.root), branding, handout, STANDARD, Options(paper="B5"))
    with pytest.raises(ConfigError, match=f"^{re.escape(NOT_A_PAPER)}$"):
        other_paper(branding, Options(paper="B5"))
    assert other_paper(branding, Options(paper="a5")) == "A5"
    assert other_paper(branding, Options(paper="a4")) is None


def test_a_clinic_paper_in_lower_case_prints_on_that_paper(project: Project) -> None:
    project.clinic("probe", PROBE + 'paper = "letter"\n')
    assert project.run("build", "--clinic", "probe").exit_code == 0
    box = PdfReader(project.pdf("probe")).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == LETTER.size_pt


def test_another_paper_is_named_in_the_file_and_kept_beside_the_clinics_own(
    project: Project,
) -> None:
    project.clinic("probe", PROBE)
    assert project.run("build", "--clinic", "probe").exit_code == 0
    a4 = project.pdf("probe").read_bytes()
    result = project.run("build", "--clinic", "probe", "--paper", "a5")
    assert result.exit_code == 0, result.output
    a5 = project.out / "probe" / f"{HANDOUT}-en-a5.pdf"
    assert f"built   {a5}" in result.stdout
    assert round(float(PdfReader(a5).pages[0].mediabox.width)) == paper_named("A5").size_pt[0]
    assert project.pdf("probe").read_bytes() == a4
    for again in (["build"], ["build", "--paper", "A4"], ["build", "--paper", "A5"]):
        result = project.run(*again, "--clinic", "probe")
        assert "Built 0, skipped 1 unchanged, failed 0" in result.stdout, (again, result.output)
    project.root.joinpath("clinics", "probe.toml").unlink()
    result = project.run("build", "--prune")
    assert f"removed probe/{HANDOUT}-en-a5.pdf" in result.stdout
    assert not a5.exists() and not project.pdf("probe").exists()


def test_print_shop_has_bleed_and_trim_office_has_neither(project: Project) -> None:
    project.clinic("probe", PROBE + "[contact]\nbooking_url = " + f'"{BOOKING}"\n')
    result = project.run("build", "--clinic", "probe", "--print-shop")
    assert result.exit_code == 0, result.output
    shop = project.out / "probe" / f"{HANDOUT}-en-print-shop.pdf"
    with pikepdf.open(shop) as pdf:
        for page in pdf.pages:
            trim = [float(v) for v in page.TrimBox]
            bleed = [float(v) for v in page.BleedBox]
            assert [t - b for t, b in zip(trim[:2], bleed[:2], strict=True)] == pytest.approx(
                [8.5, 8.5], abs=0.01
            )
            assert [b - t for t, b in zip(trim[2:], bleed[2:], strict=True)] == pytest.approx(
                [8.5, 8.5], abs=0.01
            )
        assert pdf.open_metadata().get("pdfxid:GTS_PDFXVersion") == "PDF/X-4"
    with pikepdf.open(project.pdf("probe")) as pdf:
        assert "/OutputIntents" not in pdf.Root
        for page in pdf.pages:
            assert "/TrimBox" not in page and "/BleedBox" not in page
            assert _box(page, "/MediaBox") == pytest.approx((0, 0, *A4.size_pt), abs=0.5)


def _box(page: pikepdf.Page, name: str) -> tuple[float, ...]:
    return tuple(float(value) for value in page[name])


def _grown(box: tuple[float, ...], by: float) -> tuple[float, ...]:
    return (box[0] - by, box[1] - by, box[2] + by, box[3] + by)


@pytest.mark.parametrize("paper", PAPER_NAMES)
def test_print_shop_page_is_trim_then_bleed_then_a_slug(project: Project, paper: str) -> None:
    project.clinic("probe", PROBE)
    result = project.run("build", "--clinic", "probe", "--print-shop", "--paper", paper.lower())
    assert result.exit_code == 0, result.output
    suffix = "" if paper == "A4" else f"-{paper.lower()}"  # A4 is the clinic's own paper
    with pikepdf.open(project.out / "probe" / f"{HANDOUT}-en{suffix}-print-shop.pdf") as pdf:
        for page in pdf.pages:
            trim, bleed, media = (_box(page, n) for n in ("/TrimBox", "/BleedBox", "/MediaBox"))
            size = paper_named(paper).size_pt
            assert (trim[2] - trim[0], trim[3] - trim[1]) == pytest.approx(size, abs=0.5)
            assert bleed == pytest.approx(_grown(trim, 3 * MM), abs=0.1)
            assert media[0] < bleed[0] and media[1] < bleed[1]  # a slug for the marks
            assert media[2] > bleed[2] and media[3] > bleed[3]


def test_clinic_sets_its_own_bleed(project: Project) -> None:
    project.clinic("probe", PROBE + "bleed_mm = 5\n")
    assert project.run("build", "--clinic", "probe", "--print-shop").exit_code == 0
    with pikepdf.open(project.out / "probe" / f"{HANDOUT}-en-print-shop.pdf") as pdf:
        page = pdf.pages[0]
        bleed = _box(page, "/BleedBox")
        assert bleed == pytest.approx(_grown(_box(page, "/TrimBox"), 5 * MM), abs=0.1)
        assert _box(page, "/MediaBox")[0] < bleed[0]


def test_print_shop_declares_its_output_intent(project: Project) -> None:
    project.clinic("probe", PROBE)
    assert project.run("build", "--clinic", "probe", "--print-shop").exit_code == 0
    with pikepdf.open(project.out / "probe" / f"{HANDOUT}-en-print-shop.pdf") as pdf:
        [intent] = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFX"
        assert str(intent.OutputConditionIdentifier) == "FOGRA39"
        profile = intent.DestOutputProfile
        assert profile.N == 4
        assert profile.read_bytes()[12:20] == b"prtrCMYK"  # an output profile, for CMYK
        # PDF/X-4 allows RGB colour with a CMYK intent only when it is device-independent.
        for page in pdf.pages:
            default = page.Resources.ColorSpace.DefaultRGB
            assert default[0] == "/ICCBased" and default[1].N == 3


def _colours(image: Image.Image, box: tuple[int, int, int, int]) -> list[tuple[int, int, int]]:
    part = image.crop(box)
    return [colour for _, colour in part.getcolors(part.width * part.height) or []]


def test_print_shop_crop_marks_are_in_the_slug_and_nothing_else_is(project: Project) -> None:
    project.clinic("probe", PROBE + '[colours]\nprimary = "#7a1f3d"\n')
    assert project.run("build", "--clinic", "probe", "--print-shop").exit_code == 0
    shop = project.out / "probe" / f"{HANDOUT}-en-print-shop.pdf"
    with pikepdf.open(shop) as pdf:
        media, bleed = _box(pdf.pages[0], "/MediaBox"), _box(pdf.pages[0], "/BleedBox")
    image = pypdfium2.PdfDocument(shop)[0].render(scale=2).to_pil().convert("RGB")
    width, height = image.size
    # The BleedBox in pixels from the top left, a pixel wider each way for anti-aliasing.
    left, top = round((bleed[0] - media[0]) * 2) - 1, round((media[3] - bleed[3]) * 2) - 1
    right, bottom = round((bleed[2] - media[0]) * 2) + 1, round((media[3] - bleed[1]) * 2) + 1
    slug = {
        "top": (0, 0, width, max(top, 0)),
        "bottom": (0, min(bottom, height), width, height),
        "left": (0, 0, max(left, 0), height),
        "right": (min(right, width), 0, width, height),
    }
    for side, box in slug.items():
        colours = _colours(image, box)
        assert colours, f"no slug past the bleed on the {side}"
        # Black marks on white and nothing else: the brand band stops at the bleed.
        assert all(max(c) - min(c) <= 8 for c in colours), side
        assert min(min(c) for c in colours) < 64, f"no crop marks in the {side} slug"


def test_print_shop_brand_band_runs_into_the_bleed(project: Project) -> None:
    project.clinic("probe", PROBE + '[colours]\nprimary = "#7a1f3d"\n')
    assert project.run("build", "--clinic", "probe", "--print-shop").exit_code == 0
    shop = project.out / "probe" / f"{HANDOUT}-en-print-shop.pdf"
    with pikepdf.open(shop) as pdf:
        media, trim = _box(pdf.pages[0], "/MediaBox"), _box(pdf.pages[0], "/TrimBox")
    image = pypdfium2.PdfDocument(shop)[0].render(scale=1).to_pil().convert("RGB")
    in_the_bleed = (round(trim[0] - media[0]) - 4, round(media[3] - trim[3]) + 40)
    assert image.getpixel(in_the_bleed) == pytest.approx((0x7A, 0x1F, 0x3D), abs=4)


@pytest.mark.parametrize(
    ("variant", "part", "conformance"), [("pdf/a-2u", "2", "U"), ("pdf/a-3b", "3", "B")]
)
def test_archival_variants_claim_their_part_and_stay_accessible(
    project: Project, variant: str, part: str, conformance: str
) -> None:
    project.clinic("probe", PROBE)
    result = project.run("build", "--clinic", "probe", "--pdf-variant", variant)
    assert result.exit_code == 0, result.output
    with pikepdf.open(project.pdf("probe")) as pdf:
        meta = pdf.open_metadata()
        assert meta.get("pdfaid:part") == part
        assert meta.get("pdfaid:conformance") == conformance
        assert "/StructTreeRoot" in pdf.Root and str(pdf.Root.Lang) == "en"


def test_unknown_pdf_variant_is_a_usage_error_listing_the_valid_ones(project: Project) -> None:
    project.clinic("probe", PROBE)
    result = project.run("build", "--clinic", "probe", "--pdf-variant", "pdf/a-9z")
    assert result.exit_code == 2
    assert (
        "pdf/a-9z" in result.stderr and "pdf/a-2u" in result.stderr and "pdf/a-3b" in result.stderr
    )


def test_booking_qr_code_scans_to_the_booking_url(project: Project) -> None:
    project.clinic("probe", PROBE + f'[contact]\nbooking_url = "{BOOKING}"\n')
    assert project.run("build", "--clinic", "probe").exit_code == 0
    document = pypdfium2.PdfDocument(project.pdf("probe"))
    found = []
    for page in document:
        found += zxingcpp.read_barcodes(page.render(scale=150 / 72).to_pil())
    assert [code.text for code in found] == [BOOKING]
    text = "".join(page.extract_text() for page in PdfReader(project.pdf("probe")).pages)
    assert BOOKING in "".join(text.split())  # printed beside the code (wrapped to fit)


def test_booking_qr_code_is_vector_and_at_least_2cm(project: Project) -> None:
    import pdfplumber

    project.clinic("probe", PROBE + f'[contact]\nbooking_url = "{BOOKING}"\n')
    assert project.run("build", "--clinic", "probe").exit_code == 0
    with pikepdf.open(project.pdf("probe")) as pdf:
        images = [name for page in pdf.pages for name in page.get_images()]
    assert images == []  # no raster at all: the QR code is drawn as vector paths
    with pdfplumber.open(project.pdf("probe")) as pdf:
        last = pdf.pages[-1]
        dark = [
            r for r in last.rects + last.curves + last.lines if r.get("non_stroking_color") or True
        ]
        xs = [
            x
            for item in last.objects.get("curve", []) + last.objects.get("line", [])
            for x in (item["x0"], item["x1"])
        ]
    assert dark  # paths are there
    assert xs and (max(xs) - min(xs)) >= 20 / 25.4 * 72 * 0.7  # modules span about 2 cm


def test_a_url_too_long_for_the_code_is_refused(project: Project) -> None:
    url = "https://probe.example/book?ref=" + "a" * 265  # under 300, but too dense at 25 mm
    project.clinic("probe", PROBE + f'[contact]\nbooking_url = "{url}"\n')
    result = project.run("build", "--clinic", "probe")
    assert result.exit_code == 2
    assert "booking_url" in result.stderr and "QR code" in result.stderr


def test_preview_writes_pictures_of_the_pages(project: Project) -> None:
    project.clinic("probe", PROBE)
    result = project.run("preview", "--clinic", "probe", "--handout", HANDOUT, "--dpi", "50")
    assert result.exit_code == 0, result.output
    pages = len(PdfReader(project.pdf("probe")).pages)
    pictures = sorted((project.out / "probe").glob(f"{HANDOUT}-en-page-*.png"))
    assert len(pictures) == pages
    with Image.open(pictures[0]) as image:
        assert image.size == (math.ceil(595.28 * 50 / 72), math.ceil(841.89 * 50 / 72))


def test_preview_pages_option_limits_the_count(project: Project) -> None:
    project.clinic("probe", PROBE)
    result = project.run("preview", "--clinic", "probe", "--handout", HANDOUT, "--pages", "1")
    assert result.exit_code == 0, result.output
    pictures = list((project.out / "probe").glob(f"{HANDOUT}-en-page-*.png"))
    assert len(pictures) == 1
    with Image.open(pictures[0]) as image:
        assert image.size == (math.ceil(595.28 * 100 / 72), math.ceil(841.89 * 100 / 72))


def test_preview_after_build_pictures_the_built_pdf_without_rebuilding_it(
    project: Project,
) -> None:
    project.clinic("probe", PROBE)
    assert project.run("build", "--clinic", "probe").exit_code == 0
    built = project.pdf("probe").stat().st_mtime_ns
    result = project.run("preview", "--clinic", "probe", "--handout", HANDOUT, "--pages", "1")
    assert result.exit_code == 0, result.output
    picture = project.out / "probe" / f"{HANDOUT}-en-page-1.png"
    assert result.stdout == f"preview {picture}\n"
    assert picture.read_bytes().startswith(b"\x89PNG")
    assert project.pdf("probe").stat().st_mtime_ns == built


def test_preview_chooses_the_language_and_variant_and_defaults_the_only_handout(
    project: Project,
) -> None:
    project.clinic("probe", PROBE)
    result = project.run(
        "preview", "--clinic", "probe", "--lang", "es", "--variant", "large-print", "--pages", "1"
    )
    assert result.exit_code == 0, result.output
    picture = project.out / "probe" / f"{HANDOUT}-es-large-print-page-1.png"
    assert f"preview {picture}\n" in result.stdout
    assert sorted(path.name for path in (project.out / "probe").glob("*.png")) == [picture.name]


def test_preview_without_handout_names_the_choices_when_there_are_several(
    project: Project,
) -> None:
    project.clinic("probe", PROBE)
    project.write("handouts/probe-fm/en.md", PROBE_FM)
    result = project.run("preview", "--clinic", "probe")
    assert result.exit_code == 2
    assert (
        f"--handout: this project has 2 handouts; name one (available: {HANDOUT}, probe-fm)"
        in result.stderr
    )


@pytest.mark.parametrize(
    ("command", "fragment"),
    [
        ("preview", "--dpi INTEGER RANGE Resolution of the pictures"),
        ("serve", "--port INTEGER RANGE Port to serve on"),
    ],
)
def test_every_preview_and_serve_option_has_help(
    project: Project, command: str, fragment: str
) -> None:
    result = project.run(command, "--help")
    assert result.exit_code == 0
    assert fragment in " ".join(result.stdout.split())


def test_every_example_leaflet_is_within_150_kb(examples: Path) -> None:
    sizes = {path.name: path.stat().st_size for path in examples.glob(f"*/{HANDOUT}-en.pdf")}
    assert sizes and max(sizes.values()) <= 150 * 1024, sizes


def test_a_huge_png_logo_is_downscaled(project: Project) -> None:
    stream = io.BytesIO()
    ramp = Image.linear_gradient("L").resize((4000, 4000))
    big = Image.merge("RGB", [ramp, ramp.transpose(Image.Transpose.ROTATE_90), ramp])
    draw = ImageDraw.Draw(big)
    for y in range(0, 4000, 37):  # detail, so the PNG is megabytes, not kilobytes
        draw.line((0, y, 4000, 4000 - y), fill=(y % 255, 40, 200), width=3)
    big.save(stream, "PNG")
    assert 1024 * 1024 < len(stream.getvalue()) < 5 * 1024 * 1024
    project.write("clinics/probe/logo.png", stream.getvalue())
    project.clinic("probe", PROBE + '[logo]\nfile = "probe/logo.png"\nalt = "Probe logo"\n')
    result = project.run("build", "--clinic", "probe", "--max-size", "150")
    assert result.exit_code == 0, result.output
    with pikepdf.open(project.pdf("probe")) as pdf:
        widths = [int(image.Width) for page in pdf.pages for image in page.get_images().values()]
    assert widths and max(widths) <= 700  # 160 pt at 300 dpi is 667 pixels


def test_max_size_reports_a_leaflet_over_budget(project: Project) -> None:
    project.clinic("probe", PROBE)
    result = project.run("build", "--clinic", "probe", "--max-size", "5")
    assert result.exit_code == 1
    assert "--max-size budget of 5 KB" in result.stderr
    assert not project.pdf("probe").exists()
