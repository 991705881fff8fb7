"""Builds: which leaflets to make, making each one, and writing it without ever half-writing.

The only module that writes to the output folder. A batch goes on past a failed leaflet
and reports every failure at the end; a PDF is written to a temporary file beside its
target and renamed over it, so a reader never sees a partial file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .branding import Branding, load_branding
from .content import Handout, load_handout
from .errors import ConfigError, LeafletError, shown
from .leaflet import Options, file_name, make_leaflet, variants_for
from .project import Project


@dataclass(frozen=True)
class Failure:
    """One thing that could not be built, and why."""

    what: str
    message: str
    exit_code: int


@dataclass
class Report:
    """What a build did."""

    built: list[Path] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 if all went well, else the worst failure's code (2 beats 1)."""
        return max((failure.exit_code for failure in self.failures), default=0)


def _read_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


def write_atomic(target: Path, data: bytes) -> None:
    """Write `data` to `target` through a temporary file in the same folder, then rename."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
        )
    except OSError as error:
        raise LeafletError(f"cannot write {shown(target)}: {error.strerror}") from None
    try:
        os.fchmod(handle, 0o666 & ~_UMASK)  # mkstemp makes 0600; a leaflet is for sharing
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise LeafletError(f"cannot write {shown(target)}: {error.strerror}") from None
        raise


def check_out_folder(out: Path) -> None:
    """Refuse an output folder that is an existing file."""
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out: '{shown(out)}' is a file, not a folder; give a folder name")


def _load(loader: Callable, path: Path, named: bool, failures: list[Failure], what: str):
    """Load a clinic or handout, recording a failure instead of stopping the batch."""
    try:
        return loader(path)
    except LeafletError as error:
        code = error.exit_code if named else 1
        failures.append(Failure(what, error.format_message(), code))
        return None


def build(
    project: Project,
    clinics: Iterable[str],
    handouts: Iterable[str],
    out: Path,
    *,
    named_clinics: bool = False,
    named_handouts: bool = False,
    options: Options | None = None,
    on_done: Callable[[Path | Failure], None] = lambda _: None,
) -> Report:
    """Build every clinic x handout leaflet.

    A clinic or handout the user named that cannot be loaded is a usage error (exit 2);
    one found by listing the project is one more failed leaflet (exit 1).
    """
    check_out_folder(out)
    options = options or Options()
    report = Report()
    documents: dict[str, Handout | None] = {}
    for slug in clinics:
        branding = _load(
            load_branding, project.clinic_file(slug), named_clinics, report.failures, slug
        )
        if branding is None:
            on_done(report.failures[-1])
            continue
        for handout_id, lang in _languages(project, handouts, branding, options):
            key = f"{handout_id}/{lang}"
            if lang not in project.handout_langs(handout_id):
                written = ", ".join(project.handout_langs(handout_id))
                message = f"handout '{handout_id}' is not written in '{lang}' (it is in: {written})"
                report.failures.append(Failure(f"{slug}/{key}", message, 1))
                on_done(report.failures[-1])
                continue
            if key not in documents:
                documents[key] = _load(
                    load_handout,
                    project.handout_file(handout_id, lang),
                    named_handouts,
                    report.failures,
                    key,
                )
                if documents[key] is None:
                    on_done(report.failures[-1])
            handout = documents[key]
            if handout is None:
                continue
            for variant in variants_for(branding, options):
                target = out / slug / file_name(handout, variant)
                try:
                    data = make_leaflet(project, branding, handout, variant, options)
                    write_atomic(target, data)
                except LeafletError as error:
                    what = f"{slug}/{target.name}"
                    report.failures.append(Failure(what, error.format_message(), 1))
                    on_done(report.failures[-1])
                    continue
                report.built.append(target)
                on_done(target)
    return report


def _languages(
    project: Project, handouts: Iterable[str], branding: Branding, options: Options
) -> list[tuple[str, str]]:
    """(handout, language) pairs to build for one clinic.

    `--lang` decides when given; else the clinic's `languages`, else its `language`, each
    where the handout is written in it, falling back to English.
    """
    pairs = []
    for handout_id in handouts:
        written = project.handout_langs(handout_id)
        if options.langs == ("all",):
            pairs += [(handout_id, lang) for lang in written]
        elif options.langs:
            pairs += [(handout_id, lang) for lang in options.langs]
        else:
            wanted = [lang for lang in branding.languages or [branding.language] if lang in written]
            pairs += [(handout_id, lang) for lang in wanted or ["en"]]
    return pairs
