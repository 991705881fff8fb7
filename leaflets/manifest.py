"""What each built leaflet was made from, so an unchanged leaflet is not made again.

`<out>/.manifest.json` maps each PDF (relative to the output folder) to a hash of every
input it depends on, one entry per input: the handout file and its folder, the theme's
templates, styles and catalogues, the clinic file and its folder, the tool's and
WeasyPrint's versions, and the options. A leaflet whose inputs all hash the same, and
whose PDF is still there, is skipped.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

import weasyprint

from . import __version__
from .branding import Branding
from .content import Handout
from .i18n import LOCALE
from .project import Project

NAME = ".manifest.json"


@functools.cache
def _tree_hash(folder: Path, stamp: tuple[tuple[str, int, int], ...]) -> str:
    digest = hashlib.sha256()
    for name, _, _ in stamp:
        digest.update(name.encode() + b"\0" + (folder / name).read_bytes())
    return digest.hexdigest()


def tree_hash(folder: Path) -> str:
    """A hash of every file in a folder (and below), recomputed only when one changes."""
    files = (
        sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        if folder.is_dir()
        else []
    )
    stamp = tuple(
        (str(p.relative_to(folder)), p.stat().st_mtime_ns, p.stat().st_size) for p in files
    )
    return _tree_hash(folder, stamp)


def file_hash(path: Path) -> str:
    """A hash of one file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def inputs(
    project: Project, branding: Branding, handout: Handout, variant: str, options: object
) -> dict[str, str]:
    """The hash of each input one leaflet depends on."""
    chosen = {  # only what changes the PDF's bytes, not which leaflets a build covers
        "variant": variant,
        "paper": str(options.paper),
        "pdf_variant": options.pdf_variant,
        "overdue": str(handout.meta.review_date < options.today),
    }
    return {
        "handout": file_hash(handout.file),
        "handout folder": tree_hash(handout.folder),
        "templates": tree_hash(project.templates),
        "styles": tree_hash(project.styles),
        "catalogues": tree_hash(LOCALE),
        "clinic file": file_hash(branding.file),
        "clinic folder": tree_hash(branding.folder),
        "versions": f"leaflets {__version__}, weasyprint {weasyprint.__version__}",
        "tool code": tree_hash(Path(__file__).parent),  # an edit between releases counts too
        "options": json.dumps(chosen, sort_keys=True),
    }


def load(out: Path) -> dict[str, dict[str, str]]:
    """The manifest of an output folder (empty when there is none or it is unreadable)."""
    try:
        return json.loads((out / NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def dump(entries: dict[str, dict[str, str]]) -> bytes:
    """The manifest's bytes, stable for the same entries."""
    return json.dumps(entries, indent=1, sort_keys=True).encode() + b"\n"


def changed(old: dict[str, str] | None, new: dict[str, str]) -> list[str]:
    """Which inputs differ ('new' when the leaflet was never built)."""
    if old is None:
        return ["new"]
    return [key for key in new if old.get(key) != new[key]]
