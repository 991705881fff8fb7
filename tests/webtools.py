"""Fixtures the web tests share: the example clinics in a test project, its app, a logo.

Loaded with `pytest_plugins = ["webtools"]`.
"""

from __future__ import annotations

import io
import shutil

import pytest
from flask import Flask
from PIL import Image

from conftest import REPO, Project
from leaflets import project as project_module
from leaflets.web import create_app

MAGENTA = (255, 0, 255)


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
