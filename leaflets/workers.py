"""Worker processes: each leaflet made in one, within a time and a memory limit.

A leaflet that hangs, runs out of memory or crashes a C library fails alone, and the rest
go on. Workers are forked, so they start at once; each returns its leaflet's bytes or
the `LeafletError` saying why it failed.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import resource
import signal
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from typing import TypeVar

import pebble

from .branding import Branding
from .content import Handout
from .errors import LeafletError, OutOfMemory, TimeLimit, WorkerDied, internal_error
from .leaflet import WEB, Options, Variant, make_leaflet
from .project import Project
from .web_version import make_web_page


@dataclass(frozen=True)
class Leaflet:
    """One leaflet to make: a clinic's branding, a handout, and a way of printing it."""

    branding: Branding
    handout: Handout
    variant: Variant


L = TypeVar("L", bound=Leaflet)


def make_each(
    project: Project, leaflets: Sequence[L], options: Options, workers: int
) -> Generator[tuple[L, bytes | LeafletError], None, None]:
    """(leaflet, bytes or error) as each leaflet is made, each in a worker process.

    A worker may be killed: one that outlives `options.time_limit` is stopped, and one
    that dies (out of memory, a crash in a C library) is replaced, so the leaflet it was
    making fails and the batch goes on.
    """
    if not leaflets:
        return
    pool = pebble.ProcessPool(
        max_workers=min(workers, len(leaflets)),
        context=multiprocessing.get_context("fork"),
        initializer=_limit_memory,
        initargs=(options.memory_limit,),
    )
    try:
        futures: dict[concurrent.futures.Future[bytes | LeafletError], L] = {
            pool.schedule(_make, (project, leaflet, options), timeout=options.time_limit): leaflet
            for leaflet in leaflets
        }
        for future in concurrent.futures.as_completed(futures):
            yield futures[future], _outcome(future, options)
    finally:
        pool.stop()
        pool.join()


def make_in_worker(
    project: Project, branding: Branding, handout: Handout, variant: Variant, options: Options
) -> bytes:
    """One leaflet, made in a worker as a build makes it, within the same limits."""
    [(_, result)] = make_each(project, [Leaflet(branding, handout, variant)], options, workers=1)
    if isinstance(result, LeafletError):
        raise result
    return result


def _make(project: Project, leaflet: Leaflet, options: Options) -> bytes | LeafletError:
    """Make one leaflet: its bytes, or the error saying why it failed (picklable either way)."""
    try:
        if leaflet.variant == WEB:
            return make_web_page(project, leaflet.branding, leaflet.handout, options)
        return make_leaflet(project, leaflet.branding, leaflet.handout, leaflet.variant, options)
    except LeafletError as error:
        return error
    except MemoryError:
        return OutOfMemory(options.memory_limit)
    except (KeyboardInterrupt, SystemExit):
        raise
    # One leaflet's bug must not stop the batch; nor may a library's error that is not an
    # Exception (WeasyPrint's FatalURLFetchingError is a BaseException).
    except BaseException as error:
        if os.environ.get("LEAFLETS_DEBUG"):
            raise
        if isinstance(error, SystemError) and options.memory_limit:
            # C code (cffi, Pillow) whose allocation fails under the limit returns an error
            # without a MemoryError: "error return without exception set".
            return OutOfMemory(options.memory_limit)
        return LeafletError(internal_error(error, "making it"))


def _outcome(
    future: concurrent.futures.Future[bytes | LeafletError], options: Options
) -> bytes | LeafletError:
    """What came back from a worker, or why nothing did."""
    try:
        return future.result()
    except concurrent.futures.TimeoutError:
        return TimeLimit(options.time_limit)
    except pebble.ProcessExpired as died:
        how = f"signal {-died.exitcode}" if died.exitcode < 0 else f"exit code {died.exitcode}"
        if died.exitcode == -signal.SIGKILL:
            how += ": killed, perhaps for want of memory"
        # A C library that cannot allocate aborts, traps (GLib) or crashes, never raises.
        perhaps = -died.exitcode in _NO_MEMORY_SIGNALS
        return WorkerDied(how, options.memory_limit if perhaps else None)


_NO_MEMORY_SIGNALS = (signal.SIGABRT, signal.SIGTRAP, signal.SIGSEGV, signal.SIGBUS)


def _limit_memory(megabytes: int | None) -> None:
    """Cap what a worker's address space may grow by, so one leaflet cannot take the machine.

    Counted from the size the worker is forked at: a threaded parent (the web page) leaves
    each of its threads' reserved, untouched malloc arenas in the child, over 1 GB after a
    few requests. Past the cap an allocation fails: Python raises MemoryError, which fails
    the leaflet (`_make`), and the worker goes on to the next one.
    """
    if megabytes:
        limit = _address_space() + megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _address_space() -> int:
    """This process's virtual size, in bytes."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0
