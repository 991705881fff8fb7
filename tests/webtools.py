"""What the web tests share: the example clinics in a test project, its app, a logo, and
Debian's Chromium with axe-core.

Loaded with `pytest_plugins = ["webtools"]`.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from PIL import Image
from playwright.sync_api import Browser, Page, sync_playwright

from conftest import REPO, Project
from leaflets import project as project_module
from leaflets.web import create_app

MAGENTA = (255, 0, 255)
CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NO_CHROMIUM = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: ./install.sh test installs chromium"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, started once per test module."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


def serious_violations(page: Page) -> list[str]:
    """What axe-core finds serious or critical on the page, one line each."""
    results = Axe().run(page).response
    return [
        f"{page.url}: {violation['id']} ({violation['impact']}): {violation['help']}"
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def examples_project(project: Project) -> Project:
    """The test project with the three example clinics, their comments and logos."""
    shutil.copytree(REPO / "clinics", project.root / "clinics", dirs_exist_ok=True)
    return project


@pytest.fixture
def app(examples_project: Project) -> Flask:
    """The web page for the test project, as `serve` makes it for 127.0.0.1."""
    return create_app(project_module.Project(examples_project.root))


@pytest.fixture
def logo() -> bytes:
    """A square magenta PNG logo, a colour no example clinic uses."""
    stream = io.BytesIO()
    Image.new("RGB", (240, 240), MAGENTA).save(stream, "PNG")
    return stream.getvalue()
