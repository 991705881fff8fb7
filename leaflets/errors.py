"""The one family of errors a user can cause.

Every mistake in a clinic file, a handout, a template or the command line is a
`LeafletError`: click prints its message on stderr, without a traceback, and exits
with its code. Anything else is a bug in this tool: it too is reported in words
(`internal_error`), failing only the leaflet it happened in when it can, and its
traceback is shown only when LEAFLETS_DEBUG is set.

A refusal that a choice of the user's could get past (`Expired`, `TooLong`...) carries its
facts as fields. Its message names no command-line option or web control: the command
line adds the option that would get past it (`generate.py`), and the web page shows the
message as it is. Its facts are its `args`, so that it comes back whole from the worker
process that raised it (an exception is unpickled as `type(error)(*error.args)`).
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import click


class LeafletError(click.ClickException):
    """A leaflet could not be made, for a reason the user can fix.

    Exit code 1: the command ran, and a leaflet failed.
    """

    exit_code = 1

    def __init__(self, message: str, problems: Iterable[str] = ()) -> None:
        self.problems = list(problems)
        if self.problems:
            message = "\n".join([message, *(f"  {problem}" for problem in self.problems)])
        super().__init__(message)


@dataclass(frozen=True)
class Failure:
    """One thing that could not be built or checked, and why; a batch lists them at the end."""

    what: str
    error: LeafletError  # with its facts, for each front end to say in its own words
    exit_code: int


class Expired(LeafletError):
    """A handout past its review date, in a build that does not print overdue handouts."""

    def __init__(self, file: Path, review_date: datetime.date) -> None:
        self.file, self.review_date = file, review_date
        super().__init__(
            f"{shown(file)}: review_date {review_date} has passed; have the handout reviewed "
            "and its dates updated"
        )
        self.args = (file, review_date)


class TooLong(LeafletError):
    """Layout stopped at `page`: past the leaflet's page budget, or past the `limit` on layout.

    `where` names the leaflet; `budget` and `limit` are in pages of its `paper`.
    """

    def __init__(
        self, where: str, page: int, budget: int, limit: int, paper: str, handout: str
    ) -> None:
        self.where, self.page, self.budget, self.limit = where, page, budget, limit
        self.paper, self.handout = paper, handout
        if self.past_budget:
            stopped = f"; the limit for it on {paper} paper is {budget} pages"
        else:
            stopped = f", past the limit of {limit} {paper} pages a leaflet may take to render"
        super().__init__(f"{where}: layout stopped at page {page}{stopped} (shorten {handout})")
        self.args = (where, page, budget, limit, paper, handout)

    @property
    def past_budget(self) -> bool:
        """True when the page budget stopped it, False when the limit on layout did."""
        return self.budget <= self.limit


class TooLarge(LeafletError):
    """A leaflet's PDF larger than the size budget of `max_kb` kilobytes."""

    def __init__(self, where: str, variant: str, kb: float, max_kb: int) -> None:
        self.where, self.variant, self.kb, self.max_kb = where, variant, kb, max_kb
        super().__init__(
            f"{where}: the {variant} PDF is {kb:.0f} KB, over the size budget of {max_kb} KB "
            "(use a smaller logo or fewer fonts)"
        )
        self.args = (where, variant, kb, max_kb)


class TimeLimit(LeafletError):
    """A leaflet still rendering after its time limit, `seconds`."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"stopped after {seconds:g} s, the time limit for rendering one leaflet")
        self.args = (seconds,)


class OutOfMemory(LeafletError):
    """A leaflet whose worker needed more than its memory limit, `megabytes` (None: no limit)."""

    def __init__(self, megabytes: int | None) -> None:
        self.megabytes = megabytes
        beyond = f": rendering it needed more than the {megabytes} MB a worker may take"
        super().__init__("ran out of memory" + (beyond if megabytes else ""))
        self.args = (megabytes,)


class WorkerDied(LeafletError):
    """The worker making a leaflet died, `how`; `megabytes`, its memory limit, if it may be why."""

    def __init__(self, how: str, megabytes: int | None) -> None:
        self.how, self.megabytes = how, megabytes
        perhaps = f"; perhaps it {OutOfMemory(megabytes).message}" if megabytes else ""
        super().__init__(f"the worker process rendering it died ({how}){perhaps}")
        self.args = (how, megabytes)


class FolderBusy(LeafletError):
    """Another build holds the lock of the output folder `out`."""

    def __init__(self, out: Path) -> None:
        self.out = out
        super().__init__(f"another build is running into {shown(out)}; wait for it to finish")
        self.args = (out,)


class InternalError(LeafletError):
    """A bug in this tool, not a mistake in the input. Exit code 70 (EX_SOFTWARE)."""

    exit_code = 70


def internal_error(error: BaseException, during: str) -> str:
    """How a bug is reported: what it was, and that it is ours to fix."""
    return (
        f"internal error while {during} ({type(error).__name__}: {error}); this is a bug in "
        "the leaflet tool: please report it with the clinic file and handout (set "
        "LEAFLETS_DEBUG=1 to see where it happened)"
    )


class Interrupted(LeafletError):
    """Stopped by Ctrl-C. Exit code 130, as a shell reports a command ended by SIGINT."""

    exit_code = 130


class ConfigError(LeafletError):
    """A clinic file, a handout or a command-line value is invalid. Exit code 2."""

    exit_code = 2


def shown(path: Path) -> str:
    """Return `path` as the user would type it: relative to the working folder if inside it."""
    path = Path(os.path.abspath(path))
    if path.is_relative_to(Path.cwd()):
        return str(path.relative_to(Path.cwd()))
    return str(path)


def problems_error(path: Path, problems: list[str]) -> ConfigError:
    """One `ConfigError` listing every problem found in one file."""
    name = shown(path)
    if len(problems) == 1:
        return ConfigError(f"{name}: {problems[0]}")
    return ConfigError(
        f"{len(problems)} problems in {name}", [f"{name}: {problem}" for problem in problems]
    )
