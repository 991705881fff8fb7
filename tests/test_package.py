"""The tool as `pip install .` gives it: the theme ships in the wheel; a project may override it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from conftest import HANDOUT, REPO, Project, pdf_text
from leaflets.project import Project as LeafletProject

pytestmark = pytest.mark.slow  # renders leaflets: left out of the fast tier

# What the wheel is built from: everything else in the repository is for its developers.
SOURCES = (
    "pyproject.toml",
    "README.md",
    "generate.py",
    "leaflets",
    "templates",
    "styles",
    "locale",
    "web",
)


def _installed_tool(tmp_path: Path) -> Path:
    """Build the wheel offline and install it, without its dependencies, into a fresh venv.

    The venv reuses the dependencies installed here (a `.pth` file naming the site-packages
    folders this Python imports from); the `.pth` files in those are not run, so the
    checkout's own editable install stays out of it.
    """
    source = tmp_path / "source"  # a copy, so that setuptools' build/ stays out of the checkout
    source.mkdir()
    skip = shutil.ignore_patterns("__pycache__")
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, ignore=skip)
        else:
            shutil.copy2(REPO / name, source / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    offline = ["--no-deps", "--no-index", "--quiet"]
    subprocess.run(
        [*pip, "wheel", *offline, "--no-build-isolation", "-w", tmp_path / "dist", source],
        check=True,
    )
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    (python,) = venv.glob("bin/python")
    (packages,) = venv.glob("lib/python*/site-packages")
    installed = [path for path in sys.path if Path(path).name in ("site-packages", "dist-packages")]
    (packages / "dependencies.pth").write_text("\n".join(installed) + "\n")
    (wheel,) = (tmp_path / "dist").glob("clinic_leaflets-*.whl")
    subprocess.run([*pip, "--python", python, "install", *offline, wheel], check=True)
    return venv / "bin" / "leaflets"


@pytest.mark.slow
def test_the_installed_wheel_builds_a_leaflet_in_a_folder_of_clinics_and_handouts(
    tmp_path: Path,
) -> None:
    leaflets = _installed_tool(tmp_path)
    folder = tmp_path / "my-clinics"
    shutil.copytree(REPO / "handouts", folder / "handouts")
    (folder / "clinics").mkdir()
    shutil.copy2(REPO / "clinics" / "northfield.toml", folder / "clinics")
    result = subprocess.run(
        [leaflets, "build", "--jobs", "1", "--lang", "en", "--format", "all", "--print-shop"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    pdf = folder / "build" / "northfield" / f"{HANDOUT}-en.pdf"
    assert "Microneedling for hair loss" in pdf_text(pdf)
    # The theme's other files came with the wheel: the web version's, the print profile.
    web_page = pdf.with_suffix(".html").read_text(encoding="utf-8")
    assert "<h1>Microneedling for hair loss</h1>" in web_page and "@layer safety {" in web_page
    with pikepdf.open(pdf.with_name(f"{HANDOUT}-en-print-shop.pdf")) as print_shop:
        assert "/OutputIntents" in print_shop.Root
    assert sorted(path.name for path in folder.iterdir()) == ["build", "clinics", "handouts"]
    where = subprocess.run(
        [leaflets.with_name("python"), "-c", "import leaflets; print(leaflets.__file__)"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.startswith(str(tmp_path / "venv")), "the checkout's code was run"


def test_a_project_overrides_the_theme_file_by_file(project: Project) -> None:
    """As in MkDocs: the project's own templates/ and styles/ first, then the theme's files."""
    for folder in ("templates", "styles"):
        shutil.rmtree(project.root / folder)
    project.write(
        "templates/leaflet.html",
        '{% extends "base.html" %}'
        "{% block contact %}{{ super() }}<p>Printed by our own theme.</p>{% endblock %}",
    )
    project.write("styles/paper/a4.css", "@page { size: A4 landscape; margin: 15mm; }")
    project.clinic("probe", 'name = "Probe Clinic"\n')
    result = project.run("build", "--clinic", "probe", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Printed by our own theme." in pdf_text(project.pdf("probe"))
    page = PdfReader(project.pdf("probe")).pages[0]
    assert page.mediabox.width > page.mediabox.height  # the project's a4.css, not the theme's
    tool = LeafletProject(project.root)
    assert tool.stylesheet("paper/a4.css") == project.root / "styles" / "paper" / "a4.css"
    assert tool.stylesheet("safety.css") == REPO / "styles" / "safety.css"
