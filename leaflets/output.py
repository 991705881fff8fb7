"""Writing a file whole, and one build at a time into an output folder.

A file is written to a temporary file beside its target and renamed over it, so a reader
never sees a partial file; an output folder is locked while a build writes into it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import FolderBusy, LeafletError, shown


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
            raise FolderBusy(out) from None
        raise LeafletError(
            f"cannot lock the output folder {shown(out)}: {error.strerror}"
        ) from None
    try:
        yield
    finally:
        os.close(handle)  # closing releases the lock
