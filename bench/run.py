"""Benchmark the leaflet build, side by side in one run, and print a table.

    .venv/bin/python bench/run.py [--clinics 25] [--rounds 7] [--vs OTHER_CHECKOUT]

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
  h. the same HTML and stylesheets as (a) printed by a warm Chromium (bench/chromium.py:
     Debian's chromium through Playwright, offline), against the tool; skipped, with a
     note, where there is no Chromium
  j. the web version (`build --format html`): the example pages' sizes (the target is
     under 60 KB with an SVG logo: harbour-view's) and ms to make one, in a warm process
  i. with --vs: ms per leaflet of this checkout's code and theme against another's (say
     one made with `git worktree add /tmp/before <commit>`), each in a warm process
     (bench/warm.py): the same generated clinics (one of each font), and each checkout's
     own copy of the handout, as its front matter must suit that checkout's validation

Ratios are measured in the same run, so a noisy shared machine affects both sides alike;
(a), (h) and (i) take turns, round after round, and each ratio is the median of the
ratios of one round's pair.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import chromium  # noqa: E402
import weasyprint  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from warm import Side, versus  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

from leaflets import pdf  # noqa: E402
from leaflets.audit import audit_sections  # noqa: E402
from leaflets.branding import Branding, load_branding  # noqa: E402
from leaflets.build import Batch, build  # noqa: E402
from leaflets.content import load_handout  # noqa: E402
from leaflets.i18n import page_labels_css  # noqa: E402
from leaflets.leaflet import STANDARD, Options, make_leaflet, risk_css  # noqa: E402
from leaflets.page_styles import check_page  # noqa: E402
from leaflets.paper import paper_named  # noqa: E402
from leaflets.project import Project  # noqa: E402
from leaflets.template_data import HANDOUT_PLACEHOLDER  # noqa: E402
from leaflets.theme import render_page  # noqa: E402

COLOURS = ["#0b4f6c", "#7a1f3d", "#1f6b3a", "#5a3d8a", "#8a4b08", "#1a4d80"]
FONTS = ["Lato", "Open Sans", "Inter", "Noto Sans"]
HANDOUT = "microneedling-hair-loss"
THEME_SHEETS = ("base.css", "brand-defaults.css", "safety.css")


def make_project(root: Path, clinics: int, checkout: Path = REPO) -> Project:
    for folder in ("handouts", "templates", "styles"):
        shutil.copytree(checkout / folder, root / folder)
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
        + page_labels_css("en", project.locale, False)
        + risk_css(STANDARD, branding.text_font)
    )
    sheet = {name: project.stylesheet(name).read_text(encoding="utf-8") for name in THEME_SHEETS}
    paper = project.stylesheet(paper_named(branding.paper).stylesheet).read_text(encoding="utf-8")
    return [sheet["base.css"], sheet["brand-defaults.css"], brand, paper, sheet["safety.css"]]


def in_turn(
    renders: dict[str, Callable[[], bytes]], rounds: int
) -> tuple[dict[str, list[float]], dict[str, int]]:
    """Ms of each render, round after round, in turn (each one first as often as the others).

    Also the page count of the PDF each one made.
    """
    made = {name: render() for name, render in renders.items()}  # warm-up
    times: dict[str, list[float]] = {name: [] for name in renders}
    for round_ in range(rounds):
        names = list(renders)[round_ % len(renders) :] + list(renders)[: round_ % len(renders)]
        for name in names:
            started = time.perf_counter()
            made[name] = renders[name]()
            times[name].append((time.perf_counter() - started) * 1000)
    return times, {name: len(PdfReader(io.BytesIO(data)).pages) for name, data in made.items()}


def pairwise(ours: list[float], theirs: list[float]) -> float:
    """The median of the ratios of each round's pair."""
    return statistics.median(a / b for a, b in zip(ours, theirs, strict=True))


def warm_worker(
    project: Project, rounds: int, folder: Path
) -> tuple[dict[str, list[float]], dict[str, int]]:
    """Ms per leaflet through the tool, and the same HTML through WeasyPrint alone and Chromium.

    Also the page count of each one's PDF. Chromium is left out where it is `missing()`.
    """
    branding = load_branding(project.clinic_file("bench-00"))
    handout = load_handout(project.handout_file(HANDOUT, "en"))
    html = render_page(project.templates, project.locale, branding, handout, [])
    css = page_css(project, branding)

    def weasyprint_alone() -> bytes:
        fonts = FontConfiguration()
        sheets = [weasyprint.CSS(string=text, font_config=fonts) for text in css]
        return weasyprint.HTML(string=html, base_url=handout.folder.as_uri() + "/").write_pdf(
            stylesheets=sheets, font_config=fonts, pdf_variant="pdf/ua-1", **pdf.IMAGE_OPTIONS
        )

    renders: dict[str, Callable[[], bytes]] = {
        "tool": lambda: make_leaflet(project, branding, handout, STANDARD, Options()),
        "weasyprint": weasyprint_alone,
    }
    if chromium.missing():
        return in_turn(renders, rounds)
    page = chromium.with_styles(html, css)
    with chromium.printer(folder) as print_pdf:
        return in_turn({**renders, "chromium": lambda: print_pdf(page)}, rounds)


def safety_checks(project: Project) -> tuple[float, float]:
    """(ms to lay out one leaflet, ms for the safety checks on its HTML and its pages)."""
    branding = load_branding(project.clinic_file("bench-00"))
    handout = load_handout(project.handout_file(HANDOUT, "en"))
    fetcher = pdf.ConfinedFetcher([*project.templates, *project.styles, handout.folder])
    fonts = FontConfiguration()
    html = render_page(project.templates, project.locale, branding, handout, [])
    page = html.replace(handout.html, HANDOUT_PLACEHOLDER)  # as a clinic's templates made it
    sheets = pdf.stylesheets_for(
        project.stylesheet,
        branding,
        [],
        fetcher,
        fonts,
        page_labels_css("en", project.locale, False) + risk_css(STANDARD, branding.text_font),
    )
    documents = []

    def layout() -> None:
        documents.append(
            pdf.render(html, base=handout.folder, stylesheets=sheets, fetcher=fetcher, fonts=fonts)
        )

    def checks() -> None:
        problems = check_page(page, [], handout)
        problems += audit_sections(documents[-1], handout, STANDARD.risk_text_pt, project.locale)
        if problems:
            raise SystemExit(f"the benchmark leaflet fails its checks: {problems}")

    return timed(layout) * 1000, timed(checks) * 1000


def batch(project: Project, out: Path, jobs: int) -> tuple[float, int]:
    started = time.perf_counter()
    report = build(project, project.clinic_slugs(), [HANDOUT], out, batch=Batch(jobs=jobs))
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


def web_rows() -> list[tuple[str, str]]:
    """Row j: the real examples' web versions, their size and the time to make one."""
    from leaflets.web_version import make_web_page

    project = Project()
    sizes = {}
    for slug in project.clinic_slugs():
        branding = load_branding(project.clinic_file(slug))
        for lang in project.handout_langs(HANDOUT):
            handout = load_handout(project.handout_file(HANDOUT, lang))
            sizes[f"{slug} {lang}"] = len(make_web_page(project, branding, handout, Options()))
    branding = load_branding(project.clinic_file("harbour-view"))
    handout = load_handout(project.handout_file(HANDOUT, "en"))
    ms = timed(lambda: make_web_page(project, branding, handout, Options())) * 1000
    largest = max(sizes, key=sizes.__getitem__)
    return [
        ("j. web version, SVG logo", f"{sizes['harbour-view en'] / 1024:.1f} KB  (target < 60 KB)"),
        ("j. web version, largest", f"{sizes[largest] / 1024:.1f} KB ({largest})"),
        ("j. web version, warm, one page", f"{ms:.0f} ms"),
    ]


def tool_rows(times: dict[str, list[float]]) -> list[tuple[str, str]]:
    """Row a: the tool against WeasyPrint alone on the same HTML, in turn."""
    ratio = pairwise(times["tool"], times["weasyprint"])
    return [
        ("a. warm, one leaflet (tool)", f"{statistics.median(times['tool']):.0f} ms"),
        ("a. same HTML, WeasyPrint alone", f"{statistics.median(times['weasyprint']):.0f} ms"),
        ("a. ratio tool / WeasyPrint", f"{ratio:.2f}  (target <= 1.10)"),
    ]


def chromium_rows(times: dict[str, list[float]], pages: dict[str, int]) -> list[tuple[str, str]]:
    """Row h: the same HTML printed by Chromium, in turn with the tool, or why not."""
    if "chromium" not in times:
        return [("h. same HTML, warm Chromium", chromium.missing() or "")]
    ms = statistics.median(times["chromium"])
    same = f"{pages['chromium']} pages; WeasyPrint {pages['weasyprint']}"
    ratio = pairwise(times["tool"], times["chromium"])
    return [
        ("h. same HTML, warm Chromium", f"{ms:.0f} ms  ({same})"),
        ("h. ratio tool / Chromium", f"{ratio:.2f}"),
    ]


def versus_rows(other: Path | None, sides: tuple[Side, Side] | None) -> list[tuple[str, str]]:
    """Row i: ms per leaflet, this checkout against --vs, and their ratio."""
    if other is None or sides is None:
        return [("i. against another checkout", "skipped: give --vs OTHER_CHECKOUT")]
    ours, theirs = sides

    def per_leaflet(side: Side) -> str:
        counts = " or ".join(str(n) for n in sorted(side.pages))
        return (
            f"{statistics.median(side.wall):.0f} ms "
            f"(CPU {statistics.median(side.cpu):.0f} ms, {counts} pages)"
        )

    wall, cpu = pairwise(ours.wall, theirs.wall), pairwise(ours.cpu, theirs.cpu)
    return [
        ("i. warm, one leaflet, this checkout", per_leaflet(ours)),
        (f"i. warm, one leaflet, --vs {other}", per_leaflet(theirs)),
        ("i. ratio this / --vs", f"{wall:.2f} (CPU {cpu:.2f})  (target <= 0.80)"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clinics", type=int, default=25)
    parser.add_argument("--rounds", type=int, default=7, help="rounds of (a), (h) and (i)")
    parser.add_argument("--vs", type=Path, help="another checkout to compare with (i)")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        project = make_project(root / "project", args.clinics)
        layout_ms, checks_ms = safety_checks(project)
        one_s, count = batch(project, root / "one", 1)
        two_s, _ = batch(project, root / "two", 2)
        # Before (h) and (i) start processes of their own: this is the build's workers' peak.
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        noop_s, _ = batch(project, root / "two", 2)
        sizes = [p.stat().st_size / 1024 for p in (root / "one").rglob("*.pdf")]
        cold = cold_start(project, root / "cold")
        times, pages = warm_worker(project, args.rounds, root)
        sides = None
        if args.vs:  # one clinic of each font
            clinics = project.clinic_slugs()[: len(FONTS)]
            theirs = make_project(root / "vs", len(clinics), args.vs)
            ours_at, theirs_at = (REPO, project.root), (args.vs, theirs.root)
            sides = versus(ours_at, theirs_at, clinics, args.rounds, root)
    rows = [
        (
            "machine",
            f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
            f"WeasyPrint {weasyprint.__version__}",
        ),
        # Other work on the machine: on 2 cores, a load above 2 slows (b) most.
        ("load average, start / end (1 min)", f"{load:.1f} / {os.getloadavg()[0]:.1f}"),
        *tool_rows(times),
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
        *chromium_rows(times, pages),
        *versus_rows(args.vs, sides),
        *web_rows(),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
