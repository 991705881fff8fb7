"""Benchmark the leaflet build, side by side in one run, and print a table.

    .venv/bin/python bench/run.py [--clinics 25]

Generates clinics in a temporary copy of the project (each with English, Spanish and
large print: 4 leaflets a clinic), then measures:

  a. ms per leaflet in one warm process, against the identical HTML and stylesheets
     rendered by WeasyPrint directly (the tool's own overhead: templating, checks, tags)
  b. throughput with 1 and 2 worker processes, and their ratio
  c. a no-op rebuild of every unchanged leaflet
  d. peak RSS of a worker process
  e. PDF size per leaflet
  f. a cold `python generate.py build --clinic X` from start to first PDF
  g. what the safety checks on the result cost (the layout audit of required and risk
     sections, the page's CSS against the allowlist), against laying out the same page

Ratios are measured in the same run, so a noisy shared machine affects both sides alike.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import weasyprint  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

from leaflets import pdf  # noqa: E402
from leaflets.audit import audit_sections  # noqa: E402
from leaflets.branding import Branding, load_branding  # noqa: E402
from leaflets.build import build  # noqa: E402
from leaflets.content import load_handout  # noqa: E402
from leaflets.i18n import page_labels_css  # noqa: E402
from leaflets.leaflet import STANDARD, Options, make_leaflet, risk_css  # noqa: E402
from leaflets.page_styles import check_page  # noqa: E402
from leaflets.project import Project  # noqa: E402
from leaflets.template_data import HANDOUT_PLACEHOLDER  # noqa: E402
from leaflets.theme import render_page  # noqa: E402

COLOURS = ["#0b4f6c", "#7a1f3d", "#1f6b3a", "#5a3d8a", "#8a4b08", "#1a4d80"]
FONTS = ["Lato", "Open Sans", "Inter", "Noto Sans"]
HANDOUT = "microneedling-hair-loss"
THEME_SHEETS = ("base.css", "brand-defaults.css", "safety.css")


def make_project(root: Path, clinics: int) -> Project:
    for folder in ("handouts", "templates", "styles"):
        shutil.copytree(REPO / folder, root / folder)
    (root / "clinics").mkdir()
    for n in range(clinics):
        (root / "clinics" / f"bench-{n:02d}.toml").write_text(
            f'name = "Bench Clinic {n}"\nlanguages = ["en", "es"]\nlarge_print = true\n'
            f'[colours]\nprimary = "{COLOURS[n % len(COLOURS)]}"\n'
            f'[font]\nfamily = "{FONTS[n % len(FONTS)]}"\n'
            f'[contact]\nphone = "0113 496 00{n:02d}"\n'
            f'booking_url = "https://clinic-{n}.example/book"\n',
            encoding="utf-8",
        )
    return Project(root)


def timed(function, repeat: int = 5) -> float:
    """Median seconds of `function()` after one warm-up call."""
    function()
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def page_css(project: Project, branding: Branding) -> list[str]:
    """The stylesheets the tool gives WeasyPrint for a standard English leaflet, as text.

    In `pdf.stylesheets_for`'s order: base, brand defaults, the clinic's values with the
    page labels and the risk box's sizes and font, paper, safety.
    """
    brand = (
        pdf.brand_css(branding)
        + page_labels_css("en", False)
        + risk_css(STANDARD, branding.font.family)
    )
    sheet = {name: project.stylesheet(name).read_text(encoding="utf-8") for name in THEME_SHEETS}
    paper = project.stylesheet(f"paper/{branding.paper.lower()}.css").read_text(encoding="utf-8")
    return [sheet["base.css"], sheet["brand-defaults.css"], brand, paper, sheet["safety.css"]]


def warm_worker(project: Project) -> tuple[float, float]:
    """(ms per leaflet through the tool, ms for the same HTML through WeasyPrint alone)."""
    branding = load_branding(project.clinic_file("bench-00"))
    handout = load_handout(project.handout_file(HANDOUT, "en"))
    tool = timed(lambda: make_leaflet(project, branding, handout, STANDARD, Options()))
    html = render_page(project.templates, branding, handout, [])
    css = page_css(project, branding)

    def direct() -> None:
        fonts = FontConfiguration()
        sheets = [weasyprint.CSS(string=text, font_config=fonts) for text in css]
        weasyprint.HTML(string=html, base_url=handout.folder.as_uri() + "/").write_pdf(
            stylesheets=sheets, font_config=fonts, pdf_variant="pdf/ua-1", **pdf.IMAGE_OPTIONS
        )

    return tool * 1000, timed(direct) * 1000


def safety_checks(project: Project) -> tuple[float, float]:
    """(ms to lay out one leaflet, ms for the safety checks on its HTML and its pages)."""
    branding = load_branding(project.clinic_file("bench-00"))
    handout = load_handout(project.handout_file(HANDOUT, "en"))
    fetcher = pdf.ConfinedFetcher([*project.templates, *project.styles, handout.folder])
    fonts = FontConfiguration()
    html = render_page(project.templates, branding, handout, [])
    page = html.replace(handout.html, HANDOUT_PLACEHOLDER)  # as a clinic's templates made it
    sheets = pdf.stylesheets_for(
        project.stylesheet,
        branding,
        [],
        fetcher,
        fonts,
        page_labels_css("en", False) + risk_css(STANDARD, branding.font.family),
    )
    documents = []

    def layout() -> None:
        documents.append(
            pdf.render(html, base=handout.folder, stylesheets=sheets, fetcher=fetcher, fonts=fonts)
        )

    def checks() -> None:
        problems = check_page(page, [], handout)
        problems += audit_sections(documents[-1], handout, STANDARD.risk_text_pt)
        if problems:
            raise SystemExit(f"the benchmark leaflet fails its checks: {problems}")

    return timed(layout) * 1000, timed(checks) * 1000


def batch(project: Project, out: Path, jobs: int) -> tuple[float, int]:
    started = time.perf_counter()
    report = build(project, project.clinic_slugs(), [HANDOUT], out, options=Options(jobs=jobs))
    if report.failures:
        raise SystemExit(f"benchmark build failed: {report.failures}")
    return time.perf_counter() - started, len(report.built)


def cold_start(project: Project, out: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            str(REPO / "generate.py"),
            "--project",
            str(project.root),
            "build",
            "--clinic",
            "bench-01",
            "--lang",
            "en",
            "--jobs",
            "1",
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clinics", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        project = make_project(root / "project", args.clinics)
        tool_ms, direct_ms = warm_worker(project)
        layout_ms, checks_ms = safety_checks(project)
        one_s, count = batch(project, root / "one", 1)
        two_s, _ = batch(project, root / "two", 2)
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        noop_s, _ = batch(project, root / "two", 2)
        sizes = [p.stat().st_size / 1024 for p in (root / "one").rglob("*.pdf")]
        cold = cold_start(project, root / "cold")
    rows = [
        (
            "machine",
            f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
            f"WeasyPrint {weasyprint.__version__}",
        ),
        ("a. warm, one leaflet (tool)", f"{tool_ms:.0f} ms"),
        ("a. same HTML, WeasyPrint alone", f"{direct_ms:.0f} ms"),
        ("a. ratio tool / WeasyPrint", f"{tool_ms / direct_ms:.2f}  (target <= 1.10)"),
        ("b. batch, 1 worker", f"{count} leaflets in {one_s:.1f} s ({count / one_s:.2f}/s)"),
        ("b. batch, 2 workers", f"{count} leaflets in {two_s:.1f} s ({count / two_s:.2f}/s)"),
        ("b. ratio 2 workers / 1", f"{one_s / two_s:.2f}  (target >= 1.8 on 2 cores)"),
        ("c. no-op rebuild", f"{count} unchanged leaflets in {noop_s:.2f} s  (target < 1 s)"),
        ("d. peak RSS of a worker", f"{peak_mb:.0f} MB  (target <= 250 MB)"),
        ("e. PDF size", f"mean {statistics.mean(sizes):.0f} KB, max {max(sizes):.0f} KB"),
        ("f. cold start to first PDF", f"{cold:.1f} s"),
        ("g. layout of one leaflet", f"{layout_ms:.0f} ms"),
        ("g. safety checks on it", f"{checks_ms:.0f} ms"),
        ("g. ratio checks / layout", f"{checks_ms / layout_ms:.3f}  (target < 0.10)"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
