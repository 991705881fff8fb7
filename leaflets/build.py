"""Builds: which leaflets to make, which changed since the last build, and what failed.

The only module that writes to the output folder, through `output.py` (whole files, one
build at a time); each leaflet is made in a worker process (`workers.py`). A batch goes on
past a failed leaflet and reports every failure at the end.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import manifest
from .branding import Branding, load_branding
from .content import Handout, load_handout
from .errors import ConfigError, Failure, LeafletError, shown
from .leaflet import (
    LARGE_PRINT,
    PRINT_SHOP,
    STANDARD,
    WEB,
    Options,
    Variant,
    file_name,
    other_paper,
)
from .output import only_build_into, write_atomic
from .project import Project, clinic_languages
from .workers import Leaflet, make_each


@dataclass(frozen=True)
class Batch:
    """Which leaflets a build makes, and how: its copies, languages, workers, and what to redo.

    How each leaflet is made, and what changes its PDF, is `leaflet.Options`'s.
    """

    formats: tuple[str, ...] = ("pdf",)  # "pdf", "html" (the web version), or both
    large_print: bool = False  # also build every clinic's large-print copy
    print_shop: bool = False  # also build every clinic's print-shop copy
    langs: tuple[str, ...] = ()  # languages to build, or ("all",); () means each clinic's own
    jobs: int = 1  # worker processes rendering at once
    force: bool = False  # rebuild leaflets whose inputs have not changed
    dry_run: bool = False  # say what would be built, and why, and build nothing
    prune: bool = False  # remove the outputs of clinics no longer in the project


@dataclass
class Report:
    """What a build did."""

    built: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    planned: list[tuple[str, list[str]]] = field(default_factory=list)  # what, inputs changed
    stale: list[str] = field(default_factory=list)  # outputs of clinics no longer here
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _load(loader: Callable, path: Path, named: bool, failures: list[Failure], what: str):
    """Load a clinic or handout, recording a failure instead of stopping the batch."""
    try:
        return loader(path)
    except LeafletError as error:
        code = error.exit_code if named else 1
        failures.append(Failure(what, error, code))
        return None


@dataclass(frozen=True)
class Job(Leaflet):
    """One leaflet to consider: what it is made of, where it goes, and its input hashes."""

    target: Path
    inputs: dict[str, str]

    @property
    def what(self) -> str:
        """How the leaflet is named in messages."""
        return f"{self.branding.slug}/{self.target.name}"


def plan(
    project: Project,
    clinics: Iterable[str],
    handouts: Iterable[str],
    out: Path,
    options: Options,
    batch: Batch,
    report: Report,
    named_clinics: bool = False,
    named_handouts: bool = False,
) -> list[Job]:
    """Every leaflet the build covers; clinics and handouts that fail to load go in `report`."""
    jobs = []
    documents: dict[str, Handout | None] = {}
    for slug in clinics:
        branding = _load(
            load_branding, project.clinic_file(slug), named_clinics, report.failures, slug
        )
        if branding is None:
            continue
        for handout_id, lang in _languages(project, handouts, branding, batch, report.warnings):
            key = f"{handout_id}/{lang}"
            try:
                project.written_in(handout_id, lang)
            except ConfigError as error:
                report.failures.append(Failure(f"{slug}/{key}", error, 1))
                continue
            if key not in documents:
                path = project.handout_file(handout_id, lang)
                documents[key] = _load(load_handout, path, named_handouts, report.failures, key)
            handout = documents[key]
            if handout is None:
                continue
            for variant in _variants(branding, batch):
                target = out / slug / file_name(handout, variant, other_paper(branding, options))
                try:  # a file in the clinic's or handout's folder may be unreadable
                    hashes = manifest.inputs(project, branding, handout, variant.name, options)
                except LeafletError as error:
                    what = f"{slug}/{target.name}"
                    report.failures.append(Failure(what, error, 1))
                    continue
                jobs.append(Job(branding, handout, variant, target, hashes))
    return jobs


def build(
    project: Project,
    clinics: Iterable[str],
    handouts: Iterable[str],
    out: Path,
    *,
    named_clinics: bool = False,
    named_handouts: bool = False,
    options: Options | None = None,
    batch: Batch | None = None,
    on_done: Callable[[Path | Failure], None] = lambda _: None,
    on_start: Callable[[int], None] = lambda _: None,
) -> Report:
    """Build every clinic x handout leaflet whose inputs changed since it was last built.

    A clinic or handout the user named that cannot be loaded is a usage error (exit 2);
    one found by listing the project is one more failed leaflet (exit 1). The manifest
    is written last, even after Ctrl-C, and records only leaflets that were written.
    """
    started = time.perf_counter()
    options, batch = options or Options(), batch or Batch()
    report = Report()
    jobs = plan(
        project, clinics, handouts, out, options, batch, report, named_clinics, named_handouts
    )
    for failure in report.failures:
        on_done(failure)
    # Locked before the manifest is read, so a build never plans from another's manifest.
    with contextlib.nullcontext() if batch.dry_run else only_build_into(out):
        recorded, warnings = manifest.load(out)
        report.warnings += warnings
        entries = dict(recorded)
        todo = _changed(jobs, out, entries, batch.force, report)
        report.stale = _stale(project, out, entries)
        if batch.dry_run:
            return report
        on_start(len(todo))
        try:
            with contextlib.closing(make_each(project, todo, options, batch.jobs)) as results:
                for job, result in results:
                    on_done(_write(job, result, out, entries, report))
        finally:
            _finish(out, entries, recorded, batch.prune, report)
    report.seconds = time.perf_counter() - started
    return report


def _changed(jobs: list[Job], out: Path, entries: dict, force: bool, report: Report) -> list[Job]:
    """The jobs to do: those whose inputs changed or whose file is missing (all, if `force`)."""
    todo = []
    for job in jobs:
        why = manifest.changed(entries.get(job.target.relative_to(out).as_posix()), job.inputs)
        if not job.target.exists():
            kind = job.target.suffix[1:].upper()
            why = why if why == ["new"] else [f"the {kind} is missing", *why]
        if why or force:
            todo.append(job)
            report.planned.append((job.what, why))  # nothing changed: it is forced
        else:
            report.skipped.append(job.target)
    return todo


def _write(
    job: Job, result: bytes | LeafletError, out: Path, entries: dict, report: Report
) -> Path | Failure:
    """Write one made leaflet and record it, or record why it failed; return which."""
    if isinstance(result, bytes) and not out.is_dir():
        result = LeafletError(
            f"not written: the output folder {shown(out)} was removed during the build "
            "(build again to make it)"
        )
    if isinstance(result, bytes):
        try:
            write_atomic(job.target, result)
        except LeafletError as error:
            result = error
    if isinstance(result, LeafletError):
        report.failures.append(Failure(job.what, result, 1))
        return report.failures[-1]
    entries[job.target.relative_to(out).as_posix()] = job.inputs
    report.built.append(job.target)
    return job.target


def _finish(out: Path, entries: dict, recorded: dict, prune: bool, report: Report) -> None:
    """Prune if asked, then record what the folder now holds (even after Ctrl-C)."""
    if not out.is_dir():
        return  # removed during the build: nothing to record, and nowhere to record it
    if prune:
        for key in report.stale:
            _remove_leaflet(out, key)
            entries.pop(key, None)
    entries = {key: value for key, value in entries.items() if (out / key).exists()}
    if entries != recorded:
        try:
            write_atomic(out / manifest.NAME, manifest.dump(entries))
        except LeafletError as error:  # the next build rebuilds rather than trusts it
            report.failures.append(Failure(manifest.NAME, error, 1))


def _remove_leaflet(out: Path, key: str) -> None:
    """Delete a recorded PDF, only if it is a file in the output folder, not a link out of it."""
    path = out / key
    with contextlib.suppress(OSError):
        if not path.is_symlink() and path.resolve().is_relative_to(out.resolve()):
            path.unlink()  # a folder where the PDF was fails here, and is left alone


def _stale(project: Project, out: Path, entries: dict[str, dict[str, str]]) -> list[str]:
    """Outputs recorded for clinics that are no longer in the project."""
    clinics = set(project.clinic_slugs())
    return sorted(key for key in entries if key.split("/", 1)[0] not in clinics)


def _variants(branding: Branding, batch: Batch) -> list[Variant]:
    """The variants to build for one clinic: its PDFs, and its web version if asked."""
    variants = []
    if "pdf" in batch.formats:
        variants.append(STANDARD)
        if batch.large_print or branding.large_print:
            variants.append(LARGE_PRINT)
        if batch.print_shop:
            variants.append(PRINT_SHOP)
    if "html" in batch.formats:
        variants.append(WEB)
    return variants


def _languages(
    project: Project,
    handouts: Iterable[str],
    branding: Branding,
    batch: Batch,
    warnings: list[str],
) -> list[tuple[str, str]]:
    """(handout, language) pairs to build for one clinic: `batch.langs` decides when given."""
    pairs = []
    for handout_id in handouts:
        if batch.langs == ("all",):
            pairs += [(handout_id, lang) for lang in project.handout_langs(handout_id)]
        elif batch.langs:
            pairs += [(handout_id, lang) for lang in batch.langs]
        else:
            langs, warning = clinic_languages(project, handout_id, branding)
            pairs += [(handout_id, lang) for lang in langs]
            warnings += [warning] if warning else []
    return pairs
