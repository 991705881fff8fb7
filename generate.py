"""Clinic-branded patient leaflets: the command line.

Each command parses its options, calls one function in `leaflets/`, and echoes a summary.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from leaflets import __version__
from leaflets.branding import load_branding
from leaflets.build import Failure
from leaflets.build import build as build_leaflets
from leaflets.content import load_handout
from leaflets.errors import LeafletError, shown
from leaflets.project import HOME, Project
from leaflets.scaffold import write_clinic_file


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="leaflets")
@click.option(
    "--project",
    "root",
    type=click.Path(file_okay=False, path_type=Path),
    default=HOME,
    show_default="the folder this tool is in",
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
@click.pass_obj
def build(
    project: Project, clinics: tuple[str, ...], handouts: tuple[str, ...], out: Path | None
) -> None:
    """Build leaflets: every clinic x every handout, or the ones named.

    Writes <out>/<clinic>/<handout>-<lang>.pdf. Exit status 0 when all were built,
    1 when any leaflet failed, 2 for bad options or an invalid clinic or handout named
    on the command line.
    """
    slugs = [project.known_clinic(slug) for slug in clinics] or project.clinic_slugs()
    ids = [project.known_handout(i) for i in handouts] or project.handout_ids()
    out = out if out is not None else project.root / "build"
    report = build_leaflets(
        project,
        slugs,
        ids,
        out,
        named_clinics=bool(clinics),
        named_handouts=bool(handouts),
        on_done=_progress,
    )
    click.echo(f"Built {len(report.built)} leaflet(s), {len(report.failures)} failed.")
    _fail_if_any(report.failures)


def _progress(done: Path | Failure) -> None:
    if isinstance(done, Failure):
        click.echo(f"failed  {done.what}", err=True)
    else:
        click.echo(f"built   {shown(done)}")


def _fail_if_any(failures: list[Failure]) -> None:
    if not failures:
        return
    error = LeafletError(
        f"{len(failures)} failure(s):",
        [line for failure in failures for line in failure.message.splitlines()],
    )
    error.exit_code = max(failure.exit_code for failure in failures)
    raise error


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
@click.pass_obj
def check(project: Project) -> None:
    """Validate every clinic file and handout, without rendering or writing anything."""
    failures = []
    files = [(load_branding, project.clinic_file(slug)) for slug in project.clinic_slugs()]
    files += [
        (load_handout, project.handout_file(handout_id, lang))
        for handout_id in project.handout_ids()
        for lang in project.handout_langs(handout_id)
    ]
    for load, path in files:
        try:
            load(path)
        except LeafletError as error:
            failures.append(Failure(shown(path), error.format_message(), 1))
            click.echo(f"invalid {shown(path)}", err=True)
        else:
            click.echo(f"ok      {shown(path)}")
    _fail_if_any(failures)


@cli.command()
@click.argument("name")
@click.pass_obj
def init(project: Project, name: str) -> None:
    """Start a clinic file for NAME (the clinic's display name), never overwriting one."""
    path = write_clinic_file(project, name)
    click.echo(f"Wrote {shown(path)}. Fill in your logo, colours and contact details, then run:")
    click.echo(f"  python generate.py build --clinic {path.stem}")


if __name__ == "__main__":
    sys.exit(cli())
