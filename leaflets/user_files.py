"""The one way a file a user gave us is read: capped, never blocking, refused in plain words.

Clinic files, handouts, logos, fonts, clinic stylesheets, a PDF given to `check --pdf` and
the files hashed in a clinic's folder are all read here. Each refusal is an `Unreadable`
whose words (`file not found`, `the file is 1.2 MB; the limit is 1 MB`) follow the file's
name or key in a message; the caller adds those.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

MB = 1024 * 1024


class Unreadable(ValueError):
    """A file that cannot be read, with why in clinic staff's words."""


def read_user_file(path: Path, limit: int | None, *, follow_links: bool = True) -> bytes:
    """A regular file's bytes, refusing one larger than `limit` and never reading more.

    The file is opened without blocking and checked to be a regular file before it is
    read, so a FIFO (whose read would wait forever) or a device is refused, not read. The
    size on disk is checked first; the read stops past the limit too, for files that say
    they are empty and are not (`/proc`). With `follow_links` off, a symbolic link is
    refused: a folder being hashed has its links listed, never followed.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | (0 if follow_links else os.O_NOFOLLOW)
    try:
        handle = os.open(path, flags)
    except FileNotFoundError:
        raise Unreadable("file not found") from None
    except OSError as error:
        link = error.errno == errno.ELOOP and not follow_links
        raise Unreadable(_cannot("it is a symbolic link" if link else error.strerror)) from None
    try:
        info = os.fstat(handle)
        if stat.S_ISDIR(info.st_mode):
            raise Unreadable(_cannot(os.strerror(errno.EISDIR)))
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable(_cannot("it is a pipe or a device, not a file"))
        size = info.st_size
        if limit is not None and size > limit:
            data = b""
        else:
            with open(handle, "rb", closefd=False) as stream:
                data = stream.read(-1 if limit is None else limit + 1)
    except OSError as error:
        raise Unreadable(_cannot(error.strerror)) from None
    finally:
        os.close(handle)
    size = len(data) or size
    if limit is not None and size > limit:
        raise Unreadable(f"the file is {size / MB:.1f} MB; the limit is {limit / MB:g} MB")
    return data


def read_user_text(path: Path, limit: int) -> str:
    """A UTF-8 text file (a byte-order mark allowed), read as `read_user_file` reads."""
    data = read_user_file(path, limit)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Unreadable(
            f"is not UTF-8 text (byte 0x{data[error.start]:02X} at position {error.start}); "
            "save it as UTF-8"
        ) from None


def _cannot(why: str | None) -> str:
    return f"cannot be read ({why or 'an error from the system'})"
