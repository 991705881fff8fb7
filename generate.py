"""Clinic-branded patient leaflets: the command line.

Each command parses its options, calls one function in `leaflets/`, and echoes a summary.
"""

from __future__ import annotations

import datetime
import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

# Only light modules here, so that --help and list answer at once: each command imports
# what it needs when it runs (WeasyPrint alone takes 0.6 s; tests/test_startup.py).
from leaflets import __version__
from leaflets.choices import FORMATS, MEMORY_LIMIT_MB, PDF_VARIANTS, VARIANT_NAMES
from leaflets.errors import ConfigError, shown
from leaflets.paper import PAPER_NAMES, paper_named
from leaflets.project import HOME, LANG, Project
from leaflets.terminal import (
    Commands,
    Progress,
    build_summary,
    clinic_file_written,
    fail_if_any,
    pdfs_checked,
    progress,
    project_checked,
    warn,
)


def _lang_option(verb: str, default: str) -> Callable[[Callable], Callable]:
    """--lang, as build and preview take it."""
    return click.option(
        "--lang",
        "langs",
        multiple=True,
        metavar="LANG",
        callback=lambda ctx, param, value: _check_langs(value),
        help=f"Language to {verb} (repeatable), or 'all'. Default: {default}.",
    )


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="leaflets")
@click.option(
    "--project",
    "root",
    type=click.Path(file_okay=False, path_type=Path),
    default=HOME,
    show_default="this tool's checkout; installed, the current folder",
    help="Project folder holding clinics/, handouts/, templates/ and styles/.",
)
@click.pass_context
def cli(ctx: click.Context, root: Path) -> None:
    """Make clinic-branded, print-ready PDF leaflets from trusted handouts.

    Clinics are clinics/<slug>.toml files; handouts are handouts/<id>/<lang>.md files.
    """
    ctx.obj = Project(root.resolve())


@cli.command()
@click.option(
    "--clinic",
    "clinics",
    multiple=True,
    metavar="SLUG",
    help="Build for this clinic only (repeatable). Default: every clinic.",
)
@click.option(
    "--handout",
    "handouts",
    multiple=True,
    metavar="ID",
    help="Build this handout only (repeatable). Default: every handout.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Output folder.  [default: build/ in the project]",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(list(FORMATS), case_sensitive=False),
    default="pdf",
    show_default=True,
    help="pdf: the printable leaflet; html: its web version, one self-contained accessible "
    "page (<handout>-<lang>.html) for a website or an email; all: both.",
)
@click.option(
    "--large-print", is_flag=True, help="Also build every clinic's large-print copy (16 pt and up)."
)
@click.option(
    "--print-shop",
    is_flag=True,
    help="Also build a print-shop copy: PDF/X-4, bleed and crop marks (-print-shop.pdf).",
)
@click.option(
    "--paper",
    type=click.Choice(PAPER_NAMES, case_sensitive=False),
    default=None,
    help="Paper for every leaflet, instead of each clinic's own.",
)
@click.option(
    "--pdf-variant",
    type=click.Choice(PDF_VARIANTS),
    default="pdf/ua-1",
    show_default=True,
    help="PDF standard: PDF/UA (accessible) or PDF/A (archival); all are tagged.",
)
@click.option(
    "--max-size",
    "max_kb",
    type=click.IntRange(min=1),
    default=None,
    metavar="KB",
    help="Fail any leaflet larger than KB kilobytes.",
)
@click.option(
    "--allow-expired",
    is_flag=True,
    help="Print a handout past its review date, marked 'Review overdue' on every page.",
)
@_lang_option("build", "each clinic's languages")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=os.cpu_count() or 1,
    show_default="the number of CPUs",
    help="Worker processes rendering at once.",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0.1),
    default=60,
    show_default=True,
    metavar="SECONDS",
    help="Stop and fail a leaflet that takes longer than this to render.",
)
@click.option(
    "--max-pages",
    "page_limit",
    type=click.IntRange(min=1),
    default=12,
    show_default=True,
    help="Stop and fail a leaflet whose layout runs past this many A4 pages (three times as "
    "many A5 pages). The paper's page budget (4 on A4, 12 in large print) applies too.",
)
@click.option(
    "--memory-limit",
    "memory_limit",
    type=click.IntRange(min=64),
    default=MEMORY_LIMIT_MB,
    show_default=True,
    metavar="MB",
    help="Stop and fail a leaflet whose worker process needs more than this much memory "
    "(address space) beyond what it starts with.",
)
@click.option("--force", is_flag=True, help="Rebuild leaflets whose inputs have not changed.")
@click.option("--dry-run", is_flag=True, help="List what would be built, and why; build nothing.")
@click.option("--prune", is_flag=True, help="Remove outputs of clinics no longer in clinics/.")
@click.pass_obj
def build(
    project: Project,
    clinics: tuple[str, ...],
    handouts: tuple[str, ...],
    out: Path | None,
    output_format: str,
    paper: str | None,
    pdf_variant: str,
    allow_expired: bool,
    max_kb: int | None,
    page_limit: int,
    time_limit: float,
    memory_limit: int,
    large_print: bool,
    print_shop: bool,
    langs: tuple[str, ...],
    jobs: int,
    force: bool,
    dry_run: bool,
    prune: bool,
) -> None:
    """Build leaflets: every clinic x every handout, or the ones named.

    Writes <out>/<clinic>/<handout>-<lang>.pdf (and -large-print.pdf), and with --format
    html or all the web version <handout>-<lang>.html. Exit status 0
    when all were built, 1 when any leaflet failed, 2 for bad options or an invalid
    clinic or handout named on the command line.
    """
    from leaflets.build import Batch
    from leaflets.build import build as build_leaflets
    from leaflets.leaflet import Options

    slugs = [project.known_clinic(slug) for slug in clinics] or project.clinic_slugs()
    ids = [project.known_handout(i) for i in handouts] or project.handout_ids()
    out = _out_folder(project, out)
    paper = paper_named(paper).name if paper else None
    options = Options(
        paper=paper,
        pdf_variant=pdf_variant,
        allow_expired=allow_expired,
        max_kb=max_kb,
        page_limit=page_limit,
        time_limit=time_limit,
        memory_limit=memory_limit,
    )
    batch = Batch(
        formats=FORMATS[output_format.lower()],
        large_print=large_print,
        print_shop=print_shop,
        langs=langs,
        jobs=jobs,
        force=force,
        dry_run=dry_run,
        prune=prune,
    )
    bar = Progress()
    report = build_leaflets(
        project,
        slugs,
        ids,
        out,
        named_clinics=bool(clinics),
        named_handouts=bool(handouts),
        options=options,
        batch=batch,
        on_start=bar.start,
        on_done=bar.done,
    )
    bar.finish()
    build_summary(report, dry_run, prune)


def _out_folder(project: Project, out: Path | None) -> Path:
    """`--out`, or build/ in the project; never an existing file."""
    out = out if out is not None else project.root / "build"
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out: '{shown(out)}' is a file, not a folder; give a folder name")
    return out


def _check_langs(langs: tuple[str, ...]) -> tuple[str, ...]:
    for lang in langs:
        if lang != "all" and not LANG.match(lang):
            raise click.BadParameter(f"'{lang}' is not a language code (use en, es, ... or all)")
    return langs


@cli.command("list")
@click.pass_obj
def list_(project: Project) -> None:
    """List the clinics and handouts in the project."""
    click.echo("Clinics:")
    for slug in project.clinic_slugs():
        click.echo(f"  {slug}")
    click.echo("Handouts:")
    for handout_id in project.handout_ids():
        click.echo(f"  {handout_id} ({', '.join(project.handout_langs(handout_id))})")


@cli.command()
@click.option(
    "--pdf",
    "pdfs",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Instead, check that this PDF is an accessible tagged PDF (repeatable).",
)
@click.pass_obj
def check(project: Project, pdfs: tuple[Path, ...]) -> None:
    """Validate every clinic file and handout, without rendering or writing anything.

    Prints each handout's plain-language figures; fails on an invalid file, a missing
    required section, a handout beyond its reading limit or past its review date; warns
    90 days before review, and when a translation lacks a number the English has or
    translates an older English version.
    """
    from leaflets.check import check_pdf, check_project
    from leaflets.readability import readability_table

    if pdfs:
        pdfs_checked([(path, check_pdf(path)) for path in pdfs])
        return
    checked = check_project(project, datetime.date.today())
    project_checked(checked, readability_table(checked.readability))


@cli.command()
@click.option("--clinic", required=True, metavar="SLUG", help="The clinic.")
@click.option(
    "--handout",
    default=None,
    metavar="ID",
    help="The handout.  [default: the project's only handout]",
)
@_lang_option("preview", "the clinic's languages")
@click.option(
    "--variant",
    type=click.Choice(VARIANT_NAMES),
    default=VARIANT_NAMES[0],
    show_default=True,
    help="Which copy to picture.",
)
@click.option("--pages", type=click.IntRange(min=1), default=None, help="Only the first N pages.")
@click.option(
    "--dpi",
    type=click.IntRange(min=20, max=600),
    default=100,
    show_default=True,
    help="Resolution of the pictures, in dots per inch.",
)
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Output folder.")
@click.pass_obj
def preview(
    project: Project,
    clinic: str,
    handout: str | None,
    langs: tuple[str, ...],
    variant: str,
    pages: int | None,
    dpi: int,
    out: Path | None,
) -> None:
    """Write PNG pictures of a leaflet's pages beside its PDF, and say where they are.

    The PDF is built first only if it is missing or its inputs changed.
    """
    from leaflets.build import Batch
    from leaflets.build import build as build_leaflets
    from leaflets.leaflet import LARGE_PRINT, PRINT_SHOP, variant_of
    from leaflets.preview import write_previews

    slug = project.known_clinic(clinic)
    handout_id = project.known_handout(handout) if handout else _only_handout(project)
    out = _out_folder(project, out)
    batch = Batch(
        langs=langs,
        large_print=variant == LARGE_PRINT.name,
        print_shop=variant == PRINT_SHOP.name,
    )
    report = build_leaflets(
        project,
        [slug],
        [handout_id],
        out,
        named_clinics=True,
        named_handouts=True,
        batch=batch,
        on_done=progress,
    )
    warn(report.warnings)
    fail_if_any(report.failures)
    for pdf in sorted(report.built + report.skipped):
        if variant_of(pdf.name).name != variant:
            continue  # the other copies the clinic's file asks for, kept up to date too
        for picture in write_previews(pdf, pages, dpi):
            click.echo(f"preview {shown(picture)}")


def _only_handout(project: Project) -> str:
    """The handout to use when none is named: the project's only one."""
    ids = project.handout_ids()
    if len(ids) == 1:
        return ids[0]
    raise click.UsageError(
        f"--handout: this project has {len(ids)} handouts; name one "
        f"(available: {', '.join(ids) or 'none yet'})"
    )


@cli.command()
@click.argument("name")
@click.pass_obj
def init(project: Project, name: str) -> None:
    """Start a clinic file for NAME (the clinic's display name), never overwriting one."""
    from leaflets.scaffold import write_clinic_file

    clinic_file_written(write_clinic_file(project, name), project, Path(__file__))


@cli.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to serve on; any but this computer's own needs $LEAFLETS_PASSWORD.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to serve on (0: any free one).",
)
@click.pass_obj
def serve(project: Project, host: str, port: int) -> None:
    """Serve the web page for clinic staff: make a leaflet, brand a clinic."""
    from leaflets import web  # Flask is loaded only for this command

    app = web.create_app(project, host, os.environ.get(web.PASSWORD_VARIABLE) or None)
    web.serve(app, host, port, lambda url: click.echo(f"Serving on {url} (Ctrl-C to stop)"))


if __name__ == "__main__":
    sys.exit(cli())
