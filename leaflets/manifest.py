"""What each built leaflet was made from, so an unchanged leaflet is not made again.

`<out>/.manifest.json` maps each leaflet, PDF or web page (relative to the output
folder), to a hash of every input it depends on, one entry per input: the handout file
and its folder, the theme's templates, styles and catalogues, the clinic file and its
folder, the tool's and WeasyPrint's versions, and the options. A leaflet whose inputs all
hash the same, and whose file is still there, is skipped.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import stat
from pathlib import Path

import weasyprint

from . import __version__
from .branding import Branding
from .content import Handout
from .errors import LeafletError, shown
from .leaflet import Options
from .project import SLUG, Project
from .user_files import Unreadable, read_user_file

NAME = ".manifest.json"
# What leaflet.file_name() makes: <handout>-<lang>[-<paper>][-<variant>].pdf, or .html.
LEAFLET_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*\.(pdf|html)$")


@functools.cache
def _tree_hash(folder: Path, stamp: tuple[tuple[str, str, int, int], ...]) -> str:
    digest = hashlib.sha256()
    for name, kind, _, _ in stamp:
        path = folder / name
        if kind == "file":
            content = _read_file(path)
        elif kind == "link":  # where it points, never what: a link may lead anywhere
            content = os.fsencode(os.readlink(path))
        else:  # a FIFO or a device is never opened: reading a FIFO would wait forever
            content = b""
        digest.update(f"{kind} {name}".encode() + b"\0" + content + b"\0")
    return digest.hexdigest()


def _read_file(path: Path) -> bytes:
    """A regular file's bytes; refuse anything that turned into something else since listed."""
    try:
        return read_user_file(path, None, follow_links=False)
    except Unreadable as error:
        raise LeafletError(f"{shown(path)}: {error}") from None


def _kind(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "file"
    return "link" if stat.S_ISLNK(mode) else "special"


def tree_hash(folder: Path) -> str:
    """A hash of everything in a folder (and below), recomputed only when something changes.

    Symbolic links are hashed by where they point and never followed, and special files
    (FIFOs, devices, sockets) by name only, so hashing never leaves the folder or blocks.
    """
    stamp = []
    for root, folders, names in os.walk(folder):  # walk() never follows a linked folder
        folders[:] = [name for name in folders if name != "__pycache__"]
        for name in [*folders, *names]:
            path = Path(root, name)
            info = path.lstat()
            if not stat.S_ISDIR(info.st_mode):
                relative = path.relative_to(folder).as_posix()
                stamp.append((relative, _kind(info.st_mode), info.st_mtime_ns, info.st_size))
    return _tree_hash(folder, tuple(sorted(stamp)))


def file_hash(path: Path) -> str:
    """A hash of one file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def inputs(
    project: Project, branding: Branding, handout: Handout, variant: str, options: Options
) -> dict[str, str]:
    """The hash of each input one leaflet depends on."""
    chosen = {  # what of the options changes the file's bytes; a limit only refuses one
        "variant": variant,
        "overdue": str(handout.meta.review_date < options.today),
    }
    if variant != "web":  # a page on a screen has no paper and is not a PDF
        chosen["paper"] = options.paper or branding.paper  # --paper A4 on an A4 clinic: same
        chosen["pdf_variant"] = options.pdf_variant
    return {
        "handout": file_hash(handout.file),
        "handout folder": tree_hash(handout.folder),
        "templates": " ".join(map(tree_hash, project.templates)),
        "styles": " ".join(map(tree_hash, project.styles)),
        "catalogues": " ".join(map(tree_hash, project.locale)),
        "clinic file": file_hash(branding.file),
        "clinic folder": tree_hash(branding.folder),
        "versions": f"leaflets {__version__}, weasyprint {weasyprint.__version__}",
        "tool code": tree_hash(Path(__file__).parent),  # an edit between releases counts too
        "options": json.dumps(chosen, sort_keys=True),
    }


def load(out: Path) -> tuple[dict[str, dict[str, str]], list[str]]:
    """The manifest of an output folder, and warnings about what in it was ignored.

    Empty when there is none; also empty, with a warning, when it is unreadable or not
    the shape this tool writes, so that everything is built again. An entry that is not
    `<clinic>/<name>.pdf` inside the folder is ignored with a warning, so it is never pruned.
    """
    path = out / NAME
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, []
    except (OSError, ValueError) as error:
        why = error.strerror if isinstance(error, OSError) else f"not valid JSON: {error}"
        return {}, [f"{shown(path)}: cannot be read ({why}); every leaflet is built again"]
    if not isinstance(recorded, dict) or not all(
        isinstance(entry, dict) and all(isinstance(v, str) for v in entry.values())
        for entry in recorded.values()
    ):
        return {}, [
            f"{shown(path)}: not a manifest this tool wrote (it should map each leaflet to "
            "the hashes of its inputs); every leaflet is built again"
        ]
    entries, warnings = {}, []
    for key, entry in recorded.items():
        if is_leaflet_path(key):
            entries[key] = entry
        else:
            warnings.append(
                f"{shown(path)}: ignored the entry '{key}': not a leaflet this tool writes "
                "(<clinic>/<name>.pdf inside the output folder); it is never deleted"
            )
    return entries, warnings


def is_leaflet_path(key: str) -> bool:
    """True for `<clinic slug>/<file>.pdf`, the only kind of path a build writes or prunes."""
    slug, _, name = key.partition("/")
    return bool(SLUG.match(slug) and LEAFLET_NAME.match(name))


def dump(entries: dict[str, dict[str, str]]) -> bytes:
    """The manifest's bytes, stable for the same entries."""
    return json.dumps(entries, indent=1, sort_keys=True).encode() + b"\n"


def changed(old: dict[str, str] | None, new: dict[str, str]) -> list[str]:
    """Which inputs differ ('new' when the leaflet was never built)."""
    if old is None:
        return ["new"]
    return [key for key in new if old.get(key) != new[key]]
