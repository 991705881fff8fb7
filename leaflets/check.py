"""What `check` finds: every clinic file and handout validated, or PDFs checked; none made.

Each clinic and handout is loaded as a build loads it, and each handout reviewed
(`review.py`); nothing is printed or written: `terminal.py` says what was found. Nothing
here imports WeasyPrint, so `check` answers at once (tests/test_startup.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from .branding import load_branding
from .content import load_handout
from .errors import ConfigError, Failure, LeafletError, shown
from .project import Project, clinic_languages
from .readability import Readability
from .review import review_handout
from .user_files import Unreadable, read_user_file

T = TypeVar("T")


@dataclass(frozen=True)
class Checked:
    """One clinic file or handout: whether every check on it passed, and what it warns of."""

    path: Path
    ok: bool
    warnings: list[str]


@dataclass(frozen=True)
class ProjectCheck:
    """What `check` found: each clinic and handout, the handouts' figures, every failure."""

    clinics: list[Checked]
    handouts: list[Checked]
    readability: list[Readability]
    failures: list[Failure]


def check_project(project: Project, today: datetime.date) -> ProjectCheck:
    """Validate every clinic file and review every handout of `project`, as of `today`."""
    failures: list[Failure] = []
    clinics = []
    for path in map(project.clinic_file, project.clinic_slugs()):
        branding = _load(load_branding, path, failures)
        warnings = []
        if branding is not None:
            warnings += branding.untranslated()
            for handout_id in project.handout_ids():
                _, warning = clinic_languages(project, handout_id, branding)
                warnings += [warning] if warning else []
        clinics.append(Checked(path, branding is not None, warnings))
    handouts, figures = [], []
    for handout_id in project.handout_ids():
        english = None
        for lang in sorted(project.handout_langs(handout_id), key=lambda lang: lang != "en"):
            path = project.handout_file(handout_id, lang)
            handout = _load(load_handout, path, failures)
            if handout is None:
                handouts.append(Checked(path, False, []))
                continue
            english = english or (handout if lang == "en" else None)
            review = review_handout(handout, today, english)
            figures.append(review.readability)
            failures += [Failure(shown(path), LeafletError(p), 1) for p in review.problems]
            handouts.append(Checked(path, not review.problems, review.warnings))
    return ProjectCheck(clinics, handouts, figures, failures)


def _load(load: Callable[[Path], T], path: Path, failures: list[Failure]) -> T | None:
    """Load one file to validate it, recording a failure."""
    try:
        return load(path)
    except LeafletError as error:  # an invalid file exits 2; a handout that reads badly, 1
        failures.append(Failure(shown(path), error, error.exit_code))
        return None


def check_pdf(path: Path) -> Failure | None:
    """Why the PDF at `path` is not an accessible tagged PDF, or None if it is (`check --pdf`)."""
    # pikepdf takes most of a second to import, and only `check --pdf` needs it.
    from .accessibility import check_accessible_pdf, unreadable
    from .assets import MAX_PDF_BYTES

    try:
        data = read_user_file(path, MAX_PDF_BYTES)
    except Unreadable as error:
        return Failure(shown(path), ConfigError(str(error)), 2)
    if problem := unreadable(data):
        return Failure(shown(path), ConfigError(problem), 2)
    problems = check_accessible_pdf(data)
    return Failure(shown(path), LeafletError("\n".join(problems)), 1) if problems else None
