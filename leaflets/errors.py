"""The one family of errors a user can cause.

Every mistake in a clinic file, a handout, a template or the command line is a
`LeafletError`: click prints its message on stderr, without a traceback, and exits
with its code. Anything else is a bug in this tool: it too is reported in words
(`internal_error`), failing only the leaflet it happened in when it can, and its
traceback is shown only when LEAFLETS_DEBUG is set.

A `Refusal` (`Expired`, `TooLong`...) is one a choice of the user's could get past: it
carries its facts as fields, and its words name no command-line option or web control.
The command line adds the option that would get past it (`terminal.py`); the web page
shows the words as they are.
"""

from __future__ import annotations

import dataclasses
import datetime
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


@dataclass(eq=False)  # an exception is equal only to itself, and stays hashable
class Refusal(LeafletError):
    """A leaflet refused for facts that a choice of the user's could get past.

    Each kind is a dataclass of its facts, and says them in `_words`.
    """

    def __post_init__(self) -> None:
        super().__init__(self._words())

    def _words(self) -> str:
        """The facts, and the fix any screen can offer."""
        raise NotImplementedError

    def __reduce__(self) -> tuple[Any, ...]:
        # Made again from its facts when a worker process hands it back.
        return type(self), tuple(getattr(self, field.name) for field in dataclasses.fields(self))


@dataclass(eq=False)
class Expired(Refusal):
    """A handout past its review date, in a build that does not print overdue handouts."""

    file: Path
    review_date: datetime.date

    def _words(self) -> str:
        return (
            f"{shown(self.file)}: review_date {self.review_date} has passed; have the handout "
            "reviewed and its dates updated"
        )


@dataclass(eq=False)
class TooLong(Refusal):
    """Layout stopped at `page`: past the leaflet's page budget, or past the `limit` on layout.

    `where` names the leaflet; `budget` and `limit` are in pages of its `paper`.
    """

    where: str
    page: int
    budget: int
    limit: int
    paper: str
    handout: str  # the handout's file name

    @property
    def past_budget(self) -> bool:
        """True when the page budget stopped it, False when the limit on layout did."""
        return self.budget <= self.limit

    def _words(self) -> str:
        return self.words(f"shorten {self.handout}")

    def words(self, fix: str) -> str:
        """The refusal, ending with `fix`: what gets past it where the refusal is read."""
        if self.past_budget:
            stopped = f"; the limit for it on {self.paper} paper is {self.budget} pages"
        else:
            stopped = (
                f", past the limit of {self.limit} {self.paper} pages a leaflet may take to render"
            )
        return f"{self.where}: layout stopped at page {self.page}{stopped} ({fix})"


@dataclass(eq=False)
class TooLarge(Refusal):
    """A leaflet's PDF larger than its size budget."""

    where: str
    variant: str
    kb: float
    max_kb: int

    def _words(self) -> str:
        return self.words("size budget")

    def words(self, budget: str) -> str:
        """The refusal, naming the `budget` as it is set where the refusal is read."""
        return (
            f"{self.where}: the {self.variant} PDF is {self.kb:.0f} KB, over the {budget} "
            f"of {self.max_kb} KB (use a smaller logo or fewer fonts)"
        )


@dataclass(eq=False)
class TimeLimit(Refusal):
    """A leaflet still rendering after its time limit."""

    seconds: float

    def _words(self) -> str:
        return f"stopped after {self.seconds:g} s, the time limit for rendering one leaflet"


@dataclass(eq=False)
class OutOfMemory(Refusal):
    """A leaflet whose worker needed more than its memory limit (None: it had none)."""

    megabytes: int | None

    def _words(self) -> str:
        beyond = f": rendering it needed more than the {self.megabytes} MB a worker may take"
        return "ran out of memory" + (beyond if self.megabytes else "")


@dataclass(eq=False)
class WorkerDied(Refusal):
    """The worker making a leaflet died, `how`; `megabytes`, its memory limit, if it may be why."""

    how: str
    megabytes: int | None

    def _words(self) -> str:
        perhaps = f"; perhaps it {OutOfMemory(self.megabytes).message}" if self.megabytes else ""
        return f"the worker process rendering it died ({self.how}){perhaps}"


@dataclass(eq=False)
class FolderBusy(Refusal):
    """Another build holds the lock of the output folder `out`."""

    out: Path

    def _words(self) -> str:
        return f"another build is running into {shown(self.out)}; wait for it to finish"


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
