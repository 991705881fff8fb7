"""Where a project's clinics, handouts, templates, styles and translations live.

The theme (templates/, styles/, locale/ and web/) is the repository's own top-level folders
in a checkout; an installed wheel carries them inside this package, in `shipped/`
(pyproject.toml maps them in). As with a MkDocs theme, a project's own `templates/`,
`styles/` and `locale/` come first, file by file (string by string for a catalogue), then
the theme's.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ConfigError, shown

if TYPE_CHECKING:
    from .branding import Branding

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_FORM = "lowercase letters, digits and hyphens, such as 'bright-smile'"
LANG = re.compile(r"^[a-z]{2,3}$")
_CHECKOUT = Path(__file__).resolve().parent.parent
_SHIPPED = Path(__file__).resolve().parent / "shipped"
INSTALLED = _SHIPPED.is_dir()
THEME = _SHIPPED if INSTALLED else _CHECKOUT
# The default project: the checkout this tool runs from or, installed, the current folder.
HOME = Path.cwd() if INSTALLED else _CHECKOUT


@dataclass(frozen=True)
class Project:
    """The folders of one leaflet project (by default, the checkout this tool runs from)."""

    root: Path = HOME
    theme: Path = THEME

    @property
    def clinics(self) -> Path:
        """Folder of clinic files, `<slug>.toml`, each with an asset folder `<slug>/`."""
        return self.root / "clinics"

    @property
    def handouts(self) -> Path:
        """Folder of handouts, `<id>/<lang>.md`."""
        return self.root / "handouts"

    @property
    def templates(self) -> tuple[Path, ...]:
        """Where the theme's Jinja templates are searched: the project's own, then the theme's."""
        return self._theme_folders("templates")

    @property
    def styles(self) -> tuple[Path, ...]:
        """Where the theme's print stylesheets are searched: the project's own, then the theme's."""
        return self._theme_folders("styles")

    @property
    def locale(self) -> tuple[Path, ...]:
        """Where the theme's words are translated: the project's catalogues, then the theme's."""
        return self._theme_folders("locale")

    def stylesheet(self, name: str) -> Path:
        """The theme stylesheet `name` (`paper/a4.css`, say): the project's copy if it has one."""
        found = (folder / name for folder in self.styles if (folder / name).is_file())
        return next(found, self.styles[-1] / name)

    def _theme_folders(self, name: str) -> tuple[Path, ...]:
        own, theme = self.root / name, self.theme / name
        return (own, theme) if own.is_dir() and own.resolve() != theme.resolve() else (theme,)

    def clinic_slugs(self) -> list[str]:
        """Every clinic in the project, by slug."""
        return sorted(path.stem for path in self.clinics.glob("*.toml") if SLUG.match(path.stem))

    def handout_ids(self) -> list[str]:
        """Every handout in the project, by id."""
        return sorted(
            path.name
            for path in self.handouts.iterdir()
            if path.is_dir() and SLUG.match(path.name) and any(path.glob("*.md"))
        )

    def handout_langs(self, handout_id: str) -> list[str]:
        """The languages a handout is written in."""
        folder = self.handouts / handout_id
        return sorted(path.stem for path in folder.glob("*.md") if LANG.match(path.stem))

    def known_clinic(self, slug: str) -> str:
        """`slug` if a clinic of that name is here, else a usage error listing them."""
        return _known(slug, self.clinic_slugs(), "clinic")

    def known_handout(self, handout_id: str) -> str:
        """`handout_id` if a handout of that id is here, else a usage error listing them."""
        return _known(handout_id, self.handout_ids(), "handout")

    def written_in(self, handout_id: str, lang: str) -> str:
        """`lang` if the handout is written in it, else an error listing the languages it is in."""
        written = self.handout_langs(handout_id)
        if lang in written:
            return lang
        raise ConfigError(
            f"handout '{handout_id}' is not written in '{lang}' (it is in: {', '.join(written)})"
        )

    def clinic_file(self, slug: str) -> Path:
        """The clinic file for `slug`."""
        return self.clinics / f"{slug}.toml"

    def handout_file(self, handout_id: str, lang: str) -> Path:
        """The Markdown file of a handout in one language."""
        return self.handouts / handout_id / f"{lang}.md"


def _known(name: str, available: list[str], kind: str) -> str:
    """Return `name` if it is one of `available`, else a usage error listing them."""
    if name in available:
        return name
    listing = ", ".join(available) or "none yet"
    # A clinic named as it prints, 'Riverside Skin Clinic', is near 'riverside-skin-clinic'.
    as_slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    close = difflib.get_close_matches(as_slug, available, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    if not SLUG.match(name):
        raise ConfigError(
            f"{kind} '{name}' is not a valid {kind} id: use {SLUG_FORM} "
            f"({hint}available: {listing})"
        )
    raise ConfigError(f"no {kind} named '{name}' ({hint}available: {listing})")


def clinic_languages(
    project: Project, handout_id: str, branding: Branding
) -> tuple[list[str], str | None]:
    """The languages a clinic prints a handout in, and a warning if it lacks one they ask for.

    The clinic's `languages`, else its `language`, where the handout is written in them;
    English when it is written in none of them.
    """
    written = project.handout_langs(handout_id)
    asked = branding.languages or [branding.language]
    langs = [lang for lang in asked if lang in written]
    missing = [lang for lang in asked if lang not in written]
    if not missing:
        return langs, None
    key = "languages" if branding.languages else "language"
    lacking = ", ".join(f"'{lang}'" for lang in missing)
    printed = ", ".join(f"'{lang}'" for lang in langs or ["en"])
    return langs or ["en"], (
        f"{shown(branding.file)}: {key}: handout '{handout_id}' is not written in {lacking} "
        f"(it is in: {', '.join(written)}); it prints in {printed} "
        f"{'only' if langs else 'instead'}"
    )
