"""The one family of errors a user can cause.

Every mistake in a clinic file, a handout, a template or the command line is a
`LeafletError`: click prints its message on stderr, without a traceback, and exits
with its code. Anything else is a bug in this tool: it too is reported in words
(`internal_error`), failing only the leaflet it happened in when it can, and its
traceback is shown only when LEAFLETS_DEBUG is set.
"""

from __future__ import annotations

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
    message: str
    exit_code: int


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
