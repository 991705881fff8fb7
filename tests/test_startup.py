"""Commands answer at once: each imports what it needs, and only --help's and list's light modules.

Timings are `bench/cli.py`'s; this checks what a command imports (`python -X importtime`), which
does not depend on how busy the machine is.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import REPO


def imported(*args: str) -> set[str]:
    """Every module `python generate.py ARGS` imports, from a fresh interpreter."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", REPO / "generate.py", "--project", REPO, *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(re.findall(r"^import time:.*\|\s*([\w.]+)$", result.stderr, re.MULTILINE))


@pytest.mark.parametrize("args", [["--help"], ["list"], ["build", "--help"], ["check"]])
def test_a_command_that_renders_nothing_imports_neither_weasyprint_nor_nltk(
    args: list[str],
) -> None:
    modules = imported(*args)
    assert "click" in modules  # the pattern does read the report
    assert "weasyprint" not in modules
    assert "nltk" not in modules  # textstat's, for a download readability.py replaces


@pytest.mark.parametrize("args", [["--help"], ["list"]])
def test_help_and_list_import_no_validation_or_pdf_library(args: list[str]) -> None:
    heavy = {"pydantic", "PIL", "fontTools", "coloraide", "markdown", "textstat", "pikepdf"}
    assert imported(*args) & heavy == set()


def test_the_command_lines_variant_names_are_the_printed_variants() -> None:
    # choices.py imports nothing, so it names the variants again: they must agree, or
    # `preview --variant` would find no picture to draw.
    from leaflets.choices import VARIANT_NAMES
    from leaflets.leaflet import PRINTED

    assert tuple(variant.name for variant in PRINTED) == VARIANT_NAMES
