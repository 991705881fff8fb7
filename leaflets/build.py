"""Builds: which leaflets to make, making each one, and writing it without ever half-writing.

The only module that writes to the output folder. A batch goes on past a failed leaflet
and reports every failure at the end; a PDF is written to a temporary file beside its
target and renamed over it, so a reader never sees a partial file.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import fcntl
import multiprocessing
import os
import resource
import signal
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pebble

from . import manifest
from .branding import Branding, load_branding
from .content import Handout, load_handout
from .errors import ConfigError, Failure, LeafletError, internal_error, shown
from .leaflet import Options, Variant, file_name, make_leaflet, other_paper, variants_for
from .project import Project, clinic_languages


@dataclass
class Report:
    """What a build did."""

    built: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    planned: list[tuple[str, list[str]]] = field(default_factory=list)  # what, and why
    stale: list[str] = field(default_factory=list)  # outputs of clinics no longer here
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

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
        target.parent.mkdir(exist_ok=True)
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


LOCK = ".build.lock"


@contextlib.contextmanager
def only_build_into(out: Path) -> Iterator[None]:
    """Make `out` and hold its lock, so that two builds never write into one folder at once.

    An flock on `<out>/.build.lock`, released by the system if the build is killed. In a
    read-only folder, where the lock file cannot be made, the folder itself is locked
    (and writing the leaflets fails there with its own message).
    """
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise LeafletError(
            f"cannot make the output folder {shown(out)}: {error.strerror}"
        ) from None
    try:
        handle = os.open(out / LOCK, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError:
        handle = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        os.close(handle)
        if isinstance(error, BlockingIOError):
            raise LeafletError(
                f"another build is running into {shown(out)}; wait for it to finish, or build "
                "into another folder with --out"
            ) from None
        raise LeafletError(
            f"cannot lock the output folder {shown(out)}: {error.strerror}"
        ) from None
    try:
        yield
    finally:
        os.close(handle)  # closing releases the lock


def _load(loader: Callable, path: Path, named: bool, failures: list[Failure], what: str):
    """Load a clinic or handout, recording a failure instead of stopping the batch."""
    try:
        return loader(path)
    except LeafletError as error:
        code = error.exit_code if named else 1
        failures.append(Failure(what, error.format_message(), code))
        return None


@dataclass(frozen=True)
class Job:
    """One leaflet to consider: what it is made of, where it goes, and its input hashes."""

    branding: Branding
    handout: Handout
    variant: Variant
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
        for handout_id, lang in _languages(project, handouts, branding, options, report.warnings):
            key = f"{handout_id}/{lang}"
            try:
                project.written_in(handout_id, lang)
            except ConfigError as error:
                report.failures.append(Failure(f"{slug}/{key}", error.format_message(), 1))
                continue
            if key not in documents:
                path = project.handout_file(handout_id, lang)
                documents[key] = _load(load_handout, path, named_handouts, report.failures, key)
            handout = documents[key]
            if handout is None:
                continue
            for variant in variants_for(branding, options):
                target = out / slug / file_name(handout, variant, other_paper(branding, options))
                try:  # a file in the clinic's or handout's folder may be unreadable
                    hashes = manifest.inputs(project, branding, handout, variant.name, options)
                except LeafletError as error:
                    what = f"{slug}/{target.name}"
                    report.failures.append(Failure(what, error.format_message(), 1))
                    continue
                jobs.append(Job(branding, handout, variant, target, hashes))
    return jobs


def _make(project: Project, job: Job, options: Options) -> bytes | str:
    """Make one leaflet: its bytes, or the message saying why it failed (picklable either way)."""
    try:
        return make_leaflet(project, job.branding, job.handout, job.variant, options)
    except LeafletError as error:
        return error.format_message()
    except MemoryError:
        return _out_of_memory(options)
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
            return _out_of_memory(options)
        return internal_error(error, "making it")


def _results(project: Project, jobs: list[Job], options: Options, workers: int):
    """(job, bytes or message) as each leaflet is made, each in a worker process.

    A worker may be killed: one that outlives `options.time_limit` is stopped, and one
    that dies (out of memory, a crash in a C library) is replaced, so the leaflet it was
    making fails and the batch goes on. Workers are forked, so they start at once.
    """
    if not jobs:
        return
    context = multiprocessing.get_context("fork")
    pool = pebble.ProcessPool(
        max_workers=min(workers, len(jobs)),
        context=context,
        initializer=_limit_memory,
        initargs=(options.memory_limit,),
    )
    try:
        futures = {
            pool.schedule(_make, (project, job, options), timeout=options.time_limit): job
            for job in jobs
        }
        for future in concurrent.futures.as_completed(futures):
            yield futures[future], _outcome(future, options)
    finally:
        pool.stop()
        pool.join()


def _outcome(future: concurrent.futures.Future, options: Options) -> bytes | str:
    """What came back from a worker, or why nothing did."""
    try:
        return future.result()
    except concurrent.futures.TimeoutError:
        return (
            f"stopped after {options.time_limit:g} s, the time limit for rendering one "
            "leaflet (raise it with --time-limit)"
        )
    except pebble.ProcessExpired as died:
        how = f"signal {-died.exitcode}" if died.exitcode < 0 else f"exit code {died.exitcode}"
        if died.exitcode == -signal.SIGKILL:
            how += ": killed, perhaps for want of memory"
        message = f"the worker process rendering it died ({how})"
        if options.memory_limit and -died.exitcode in _NO_MEMORY_SIGNALS:
            # A C library that cannot allocate aborts, traps (GLib) or crashes, never raises.
            message += f"; perhaps it {_out_of_memory(options)}"
        return message


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


def _out_of_memory(options: Options) -> str:
    return (
        f"ran out of memory: rendering it needed more than the {options.memory_limit} MB a "
        "worker may take (raise the limit with --memory-limit MB)"
    )


def make_in_worker(
    project: Project, branding: Branding, handout: Handout, variant: Variant, options: Options
) -> bytes:
    """One leaflet, made in a worker as a build makes it, within the same limits."""
    job = Job(branding, handout, variant, Path(file_name(handout, variant)), {})
    [(_, result)] = _results(project, [job], options, workers=1)
    if isinstance(result, str):
        raise LeafletError(result)
    return result


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
    on_start: Callable[[int], None] = lambda _: None,
) -> Report:
    """Build every clinic x handout leaflet whose inputs changed since it was last built.

    A clinic or handout the user named that cannot be loaded is a usage error (exit 2);
    one found by listing the project is one more failed leaflet (exit 1). The manifest
    is written last, even after Ctrl-C, and records only leaflets that were written.
    """
    started = time.perf_counter()
    check_out_folder(out)
    options = options or Options()
    report = Report()
    jobs = plan(project, clinics, handouts, out, options, report, named_clinics, named_handouts)
    for failure in report.failures:
        on_done(failure)
    # Locked before the manifest is read, so a build never plans from another's manifest.
    with contextlib.nullcontext() if options.dry_run else only_build_into(out):
        recorded, warnings = manifest.load(out)
        report.warnings += warnings
        entries = dict(recorded)
        todo = _changed(jobs, out, entries, options, report)
        report.stale = _stale(project, out, entries)
        if options.dry_run:
            return report
        on_start(len(todo))
        try:
            with contextlib.closing(_results(project, todo, options, options.jobs)) as results:
                for job, result in results:
                    on_done(_write(job, result, out, entries, report))
        finally:
            _finish(out, entries, recorded, options, report)
    report.seconds = time.perf_counter() - started
    return report


def _changed(
    jobs: list[Job], out: Path, entries: dict, options: Options, report: Report
) -> list[Job]:
    """The jobs to do: those whose inputs changed or whose PDF is missing (all, with --force)."""
    todo = []
    for job in jobs:
        why = manifest.changed(entries.get(job.target.relative_to(out).as_posix()), job.inputs)
        if not job.target.exists():
            why = why if why == ["new"] else ["the PDF is missing", *why]
        if why or options.force:
            todo.append(job)
            report.planned.append((job.what, why or ["--force"]))
        else:
            report.skipped.append(job.target)
    return todo


def _write(
    job: Job, result: bytes | str, out: Path, entries: dict, report: Report
) -> Path | Failure:
    """Write one made leaflet and record it, or record why it failed; return which."""
    if isinstance(result, bytes) and not out.is_dir():
        result = (
            f"not written: the output folder {shown(out)} was removed during the build "
            "(build again to make it)"
        )
    if isinstance(result, bytes):
        try:
            write_atomic(job.target, result)
        except LeafletError as error:
            result = error.format_message()
    if isinstance(result, str):
        report.failures.append(Failure(job.what, result, 1))
        return report.failures[-1]
    entries[job.target.relative_to(out).as_posix()] = job.inputs
    report.built.append(job.target)
    return job.target


def _finish(out: Path, entries: dict, recorded: dict, options: Options, report: Report) -> None:
    """Prune if asked, then record what the folder now holds (even after Ctrl-C)."""
    if not out.is_dir():
        return  # removed during the build: nothing to record, and nowhere to record it
    if options.prune:
        for key in report.stale:
            _remove_leaflet(out, key)
            entries.pop(key, None)
    entries = {key: value for key, value in entries.items() if (out / key).exists()}
    if entries != recorded:
        try:
            write_atomic(out / manifest.NAME, manifest.dump(entries))
        except LeafletError as error:  # the next build rebuilds rather than trusts it
            report.failures.append(Failure(manifest.NAME, error.format_message(), 1))


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


def _languages(
    project: Project,
    handouts: Iterable[str],
    branding: Branding,
    options: Options,
    warnings: list[str],
) -> list[tuple[str, str]]:
    """(handout, language) pairs to build for one clinic: `--lang` decides when given."""
    pairs = []
    for handout_id in handouts:
        if options.langs == ("all",):
            pairs += [(handout_id, lang) for lang in project.handout_langs(handout_id)]
        elif options.langs:
            pairs += [(handout_id, lang) for lang in options.langs]
        else:
            langs, warning = clinic_languages(project, handout_id, branding)
            pairs += [(handout_id, lang) for lang in langs]
            warnings += [warning] if warning else []
    return pairs
