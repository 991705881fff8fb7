"""Shared fixtures: a throw-away copy of the project, a watched outside folder, a local server.

Every test works on its own copy of the project in `tmp_path` (the real clinics/ and
build/ are never touched) and passes it to the CLI with `--project`.
"""

from __future__ import annotations

import http.server
import io
import os
import re
import shutil
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pypdf import PdfReader

from generate import cli

# Test modules import webtools' helpers before pytest loads it as their plugin: rewrite
# its asserts all the same.
pytest.register_assert_rewrite("webtools")

REPO = Path(__file__).resolve().parent.parent
HANDOUT = "microneedling-hair-loss"
CANARY = "CANARY-7f3a9c-outside-secret"
# The small handout of the bad-input catalogue, valid as it stands.
PROBE_FM = """+++
id = "probe-fm"
title = "Probe handout"
summary = "A short test handout."
version = "1.0"
issue_date = 2026-01-15
review_date = 2099-01-15
sources = ["NHS: Hair loss, https://www.nhs.uk/conditions/hair-loss/"]
required_sections = ["Risks"]
+++

# Probe handout

## Risks

Infection and irritation can happen.
"""


@dataclass
class Opened:
    """Files opened under watched folders (an audit hook, set up once).

    Leaflets render in forked worker processes, which inherit the hook: each open is
    appended to a log file, so the test sees opens made in any of them.
    """

    watched: list[str] = field(default_factory=list)
    log: str = ""

    def __call__(self, event: str, args: tuple) -> None:
        if event == "open" and self.watched and isinstance(args[0], str | bytes | os.PathLike):
            path = os.path.realpath(os.fsdecode(args[0]))
            if any(path.startswith(folder) for folder in self.watched):
                handle = os.open(self.log, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
                os.write(handle, f"{path}\n".encode())
                os.close(handle)

    def seen(self) -> list[str]:
        return Path(self.log).read_text().splitlines() if os.path.exists(self.log) else []


OPENED = Opened()
sys.addaudithook(OPENED)


@dataclass
class Project:
    """A copy of the project to build in, with helpers to write clinics and run the CLI."""

    root: Path
    outside: Path
    server_url: str = ""

    @property
    def out(self) -> Path:
        return self.root / "build"

    def write(self, relative: str, content: str | bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.replace("<outside>", str(self.outside))
            content = content.replace("<local-server>", self.server_url)
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        return path

    def clinic(self, slug: str, toml: str) -> Path:
        return self.write(f"clinics/{slug}.toml", toml)

    def append_to_handout(self, markdown: str) -> None:
        path = self.root / "handouts" / HANDOUT / "en.md"
        text = markdown.replace("<outside>", str(self.outside)).replace(
            "<local-server>", self.server_url
        )
        path.write_text(path.read_text(encoding="utf-8") + "\n" + text + "\n", encoding="utf-8")

    def expire_handout(self) -> None:
        """Date the review of the example handout's English in the past: 2025-01-10."""
        path = self.root / "handouts" / HANDOUT / "en.md"
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"issue_date = .*", "issue_date = 2024-01-10", text, count=1)
        text = re.sub(r"review_date = .*", "review_date = 2025-01-10", text, count=1)
        path.write_text(text, encoding="utf-8")

    def run(self, *args: str) -> Result:
        return CliRunner().invoke(cli, ["--project", str(self.root), *args])

    def pdf(self, clinic: str, handout: str = HANDOUT, lang: str = "en") -> Path:
        return self.out / clinic / f"{handout}-{lang}.pdf"

    def leftovers(self) -> list[Path]:
        """Temporary files left anywhere in the output folder."""
        return [
            path
            for path in self.out.rglob("*")
            if path.name.startswith(".") and path.name not in (".manifest.json", ".build.lock")
        ]


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    """A fresh project: the repo's handouts, templates and styles; no clinics; a canary folder."""
    root = tmp_path / "project"
    for folder in ("handouts", "templates", "styles"):
        shutil.copytree(REPO / folder, root / folder)
    (root / "clinics").mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    for name in ("canary.txt", "canary.css", "canary.svg"):
        (outside / name).write_text(f"/* {CANARY} */", encoding="utf-8")
    (outside / "canary.png").write_bytes(b"\x89PNG" + CANARY.encode())
    OPENED.watched, OPENED.log = [os.path.realpath(outside)], str(tmp_path / "opened.log")
    yield Project(root, outside)
    OPENED.watched = []
    assert OPENED.seen() == [], f"files outside the project were opened: {OPENED.seen()}"


class _Recorder(http.server.ThreadingHTTPServer):
    """An HTTP server that only counts who connects to it."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
        self.connections = 0

    def process_request(self, request, client_address) -> None:
        self.connections += 1
        self.shutdown_request(request)


@pytest.fixture
def local_server(project: Project) -> Iterator[_Recorder]:
    """A live server on 127.0.0.1 that every test expects never to be contacted."""
    server = _Recorder()
    # A short poll: shutdown() waits for one, and every catalogue case stops a server.
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    project.server_url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    assert server.connections == 0, "the leaflet build contacted the local server"


def pdf_text(path: Path) -> str:
    """All the text a reader of the PDF gets, page by page."""
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text.replace("\u2010", "-")  # the font's hyphen glyph maps back to U+2010


@pytest.fixture
def page_checks_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if a clinic template's page got past the checks made before layout.

    Those are the stylesheet allowlist on its <style>s and the rule that it prints the
    handout's HTML once, unchanged. For the walls behind them (safety.css, the layout audit,
    the glyph check): each must hold on its own. Workers are forked from the test process,
    so they inherit the patches.
    """
    monkeypatch.setattr("leaflets.theme.check_page", lambda html, sheets, handout: [])


@pytest.fixture(scope="session")
def examples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example clinics' leaflets, built once for the session from the real project."""
    out = tmp_path_factory.mktemp("examples")
    result = CliRunner().invoke(cli, ["--project", str(REPO), "build", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out
