"""What the command line says on the terminal: progress, outcomes, summaries and refusals.

`generate.py` parses a command and calls the core; this module says what came of it. A
refusal (`errors.Refusal`) carries its facts, and is said here with the option that gets
past it (`--allow-expired`, `--max-pages`...); the web page says the facts alone. Only
light modules are imported, so that --help and list answer at once (tests/test_startup.py).
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .errors import (
    Expired,
    Failure,
    FolderBusy,
    InternalError,
    Interrupted,
    LeafletError,
    OutOfMemory,
    TimeLimit,
    TooLarge,
    TooLong,
    WorkerDied,
    internal_error,
    shown,
)
from .project import HOME, Project

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

    from .build import Report
    from .check import Checked, ProjectCheck


class Commands(click.Group):
    """The command group: a refusal gets this command line's fix, a bug is said in words."""

    def invoke(self, ctx: click.Context) -> object:
        """Run the command, turning what stopped it into a message (LEAFLETS_DEBUG: a traceback)."""
        try:
            return super().invoke(ctx)
        except LeafletError as error:
            error.message = said(error)  # type: ignore[misc]  # the core's facts, and our fix
            raise
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:  # a PDF is renamed into place whole, and the manifest is
            raise Interrupted(  # written last, so what was written stays valid and recorded
                f"stopped by Ctrl-C while running '{ctx.invoked_subcommand}'; every PDF already "
                "written is complete, and no file is half-written"
            ) from None
        except Exception as error:
            if os.environ.get("LEAFLETS_DEBUG"):
                raise
            raise InternalError(
                internal_error(error, f"running '{ctx.invoked_subcommand}'")
            ) from None


def said(error: LeafletError) -> str:
    """An error as this command line says it: the option that gets past it, where one does."""
    message = error.format_message()
    if isinstance(error, Expired):
        return f"{message}, or build with --allow-expired to print it marked 'Review overdue'"
    if isinstance(error, TooLong) and not error.past_budget:
        return error.words("raise it with --max-pages")
    if isinstance(error, TooLarge):
        return error.words("--max-size budget")
    if isinstance(error, TimeLimit):
        return f"{message} (raise it with --time-limit)"
    if isinstance(error, OutOfMemory | WorkerDied) and error.megabytes:
        return f"{message} (raise the limit with --memory-limit MB)"
    if isinstance(error, FolderBusy):
        return f"{message}, or build into another folder with --out"
    return message


def fail_if_any(failures: list[Failure]) -> None:
    """Raise one error listing every failure, each file named once; its exit code the worst."""
    if not failures:
        return
    lines = []
    for failure in failures:
        first, *rest = said(failure.error).splitlines()
        # A clinic's or handout's own message already names its file: name it once.
        if not (first.startswith(f"{failure.what}: ") or first.endswith(f" in {failure.what}")):
            first = f"{failure.what}: {first}"
        lines += [first, *(f"  {line.strip()}" for line in rest)]
    error = LeafletError(f"{len(failures)} failure(s):", lines)
    error.exit_code = max(failure.exit_code for failure in failures)  # type: ignore[misc]
    raise error


class Progress:
    """A progress bar on a terminal; a plain line per leaflet when output is not a terminal."""

    def __init__(self) -> None:
        self.bar: ProgressBar[int] | None = None

    def start(self, total: int) -> None:
        """Show a bar for `total` leaflets, when there is a terminal to show it on."""
        if sys.stderr.isatty() and total > 1:
            self.bar = click.progressbar(length=total, label="Building leaflets", file=sys.stderr)

    def done(self, done: Path | Failure) -> None:
        """One leaflet written, or failed."""
        if self.bar is not None:
            self.bar.update(1)
            if isinstance(done, Failure):
                click.echo(f" failed {done.what}", err=True)
            return
        progress(done)

    def finish(self) -> None:
        """End the bar's line."""
        if self.bar is not None:
            self.bar.render_finish()


def progress(done: Path | Failure) -> None:
    """One line for a leaflet written, or failed."""
    if isinstance(done, Failure):
        click.echo(f"failed  {done.what}", err=True)
    else:
        click.echo(f"built   {shown(done)}")


def build_summary(report: Report, dry_run: bool, prune: bool) -> None:
    """What a build did (or would do): warnings, plans, stale outputs, then the counts."""
    warn(report.warnings)
    for what, why in report.planned if dry_run else []:
        click.echo(f"would build {what}: {', '.join(why) or '--force'}")
    for key in report.stale:
        state = "removed" if prune else "stale"
        click.echo(f"{state:<8}{key} (its clinic is gone)")
    done = f"Would build {len(report.planned)}" if dry_run else f"Built {len(report.built)}"
    click.echo(
        f"{done}, skipped {len(report.skipped)} unchanged, "
        f"failed {len(report.failures)}, in {report.seconds:.1f} s."
    )
    fail_if_any(report.failures)


def project_checked(checked: ProjectCheck, readability_table: str) -> None:
    """What `check` found: a line a file, each file's warnings, the figures, then failures."""
    for clinic in checked.clinics:
        _outcome(clinic)
        warn(clinic.warnings)
    for handout in checked.handouts:
        warn(handout.warnings)
        _outcome(handout)
    click.echo(readability_table)
    fail_if_any(checked.failures)


def pdfs_checked(results: list[tuple[Path, Failure | None]]) -> None:
    """What `check --pdf` found: 'ok' for each accessible PDF, then the failures."""
    for path, failure in results:
        if failure is None:
            click.echo(f"ok      {shown(path)}: tagged, titled, language set, alt texts, headings")
    fail_if_any([failure for _, failure in results if failure is not None])


def _outcome(checked: Checked) -> None:
    """One line a file: 'ok' only once every check on it has passed."""
    if checked.ok:
        click.echo(f"ok      {shown(checked.path)}")
    else:
        click.echo(f"invalid {shown(checked.path)}", err=True)


def warn(warnings: list[str]) -> None:
    """Each warning on a line of its own, on stderr."""
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)


def clinic_file_written(path: Path, project: Project, script: Path) -> None:
    """What `init` wrote, and the commands that check it and build its leaflets from here."""
    command = _this_command(project, script)
    click.echo(f"Wrote {shown(path)}. Fill in your logo, colours and contact details.")
    click.echo("Then check the file, and build the clinic's leaflets:")
    click.echo(f"  {command} check")
    click.echo(f"  {command} build --clinic {path.stem}")


def _this_command(project: Project, script: Path) -> str:
    """This tool as it can be run again from here: this Python (a virtualenv's), this script."""
    words = [shown(Path(sys.executable)), shown(script)]
    if project.root != HOME:
        words += ["--project", shown(project.root)]
    return shlex.join(words)
