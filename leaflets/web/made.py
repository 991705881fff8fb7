"""Leaflets made for the page: the CLI's own build steps, and a small shelf to serve them from.

Nothing here writes a file. A leaflet is made in a worker process, exactly as `build` makes
it and within the same time and page limits, and kept in memory under a random token just
long enough to be previewed and downloaded; the routes serve only what is on this shelf,
never a file by name. Beside each leaflet's PDF, its web version, made as
`build --format html` makes it.
"""

from __future__ import annotations

import dataclasses
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass

from ..branding import Branding, load_branding
from ..content import Handout, load_handout
from ..errors import ConfigError, LeafletError
from ..leaflet import PRINTED, STANDARD, WEB, Options, Variant, file_name
from ..preview import render_pages
from ..project import Project
from ..workers import make_in_worker

VARIANTS = {variant.name: variant for variant in PRINTED}
PREVIEW_DPI = 60
# One render at a time: each forks a worker, and pypdfium2 is not meant for threads.
_RENDERING = threading.Lock()


@dataclass(frozen=True)
class Choice:
    """What the make-a-leaflet form asks for."""

    clinic: str
    handout: str
    lang: str = "en"
    paper: str = ""  # '' for the clinic's own
    variant: str = STANDARD.name


@dataclass(frozen=True)
class WebVersion:
    """A leaflet's web version: the name to save it under, and its page or why it failed."""

    file_name: str
    page: bytes | None
    problem: str | None = None  # the message `build --format html` would give


@dataclass(frozen=True)
class Made:
    """One leaflet: its PDF, the name to save it under, pictures of its pages, its web version."""

    file_name: str
    pdf: bytes
    pages: tuple[bytes, ...]
    web: WebVersion | None = None  # None: not made (page 1 of a clinic's leaflet)


def make(project: Project, choice: Choice) -> Made:
    """Make the chosen leaflet; raise the CLI's `LeafletError` if it would refuse it."""
    slug = project.known_clinic(choice.clinic)
    handout_id = project.known_handout(choice.handout)
    lang = project.written_in(handout_id, choice.lang)
    if choice.variant not in VARIANTS:
        raise ConfigError(f"'{choice.variant}' is not a variant ({', '.join(VARIANTS)})")
    branding = load_branding(project.clinic_file(slug))
    # A paper is refused in the words a clinic file's paper would be.
    printed = branding.with_paper(choice.paper) if choice.paper else branding
    handout = load_handout(project.handout_file(handout_id, lang))
    made = _render(project, printed, handout, VARIANTS[choice.variant], Options())
    return dataclasses.replace(made, web=_web_version(project, branding, handout))


def _web_version(project: Project, branding: Branding, handout: Handout) -> WebVersion:
    """The leaflet's web version: one page whatever the paper or copy, so the clinic's own.

    Made once the PDF is, so a leaflet refused for both (an overdue handout) shows the
    PDF's message; one only the web version refuses keeps its PDF and shows why.
    """
    name = f"{branding.slug}-{file_name(handout, WEB)}"  # as the PDF is named
    try:
        with _RENDERING:  # in a worker, within the limits a build keeps
            page = make_in_worker(project, branding, handout, WEB, Options())
    except LeafletError as error:
        return WebVersion(name, None, error.format_message())
    return WebVersion(name, page)


def make_page_one(project: Project, branding: Branding) -> Made:
    """Page 1 of a clinic's leaflet for the first handout, in its language where written."""
    handout_id = project.handout_ids()[0]
    lang = branding.language if branding.language in project.handout_langs(handout_id) else "en"
    handout = load_handout(project.handout_file(handout_id, lang))
    return _render(project, branding, handout, STANDARD, Options(), pages=1)


def _render(
    project: Project,
    branding: Branding,
    handout: Handout,
    variant: Variant,
    options: Options,
    pages: int | None = None,
) -> Made:
    with _RENDERING:
        pdf = make_in_worker(project, branding, handout, variant, options)
        pictures = render_pages(pdf, pages, PREVIEW_DPI)
    return Made(f"{branding.slug}-{file_name(handout, variant)}", pdf, tuple(pictures))


class Shelf:
    """The last few leaflets made, by random token; the oldest goes when it is full."""

    def __init__(self, size: int = 16) -> None:
        self._made: OrderedDict[str, Made] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def put(self, made: Made) -> str:
        """Keep `made`; return its token."""
        token = secrets.token_urlsafe(16)
        with self._lock:
            self._made[token] = made
            while len(self._made) > self._size:
                self._made.popitem(last=False)
        return token

    def get(self, token: str) -> Made | None:
        """The leaflet kept under `token`, if it is still here."""
        with self._lock:
            return self._made.get(token)
