"""Raster logos (PNG, JPEG) checked from their bytes, and Pillow's process-wide settings.

Pillow keeps its limits in module globals that every thread shares: the web server checks
an uploaded logo on a request thread while WeasyPrint, on another, may open an image. So
they are set here once, when this module is imported, and never changed per call:

- `Image.MAX_IMAGE_PIXELS` is the logo limit, 4000 x 4000 pixels: `Image.open()` warns
  past it and refuses twice it, for a logo or any image WeasyPrint opens. A logo's size is
  read from its header before `Image.open()`, so its own message says the size.
- `ImageFile.LOAD_TRUNCATED_IMAGES` is WeasyPrint's: it sets it to True when imported, to
  print what it can of a cut-short image. The check here does not depend on it: a PNG's
  parts are walked to its end, each with its checksum, and a JPEG's last scan must end.
"""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, JpegImagePlugin, PngImagePlugin

MAX_LOGO_PIXELS = 4000  # on either side
LOGO_TYPES = "PNG, JPEG or SVG"

Image.MAX_IMAGE_PIXELS = MAX_LOGO_PIXELS * MAX_LOGO_PIXELS

# The file classes Image.open() picks from; made directly, they read the header alone.
_READERS = {"PNG": PngImagePlugin.PngImageFile, "JPEG": JpegImagePlugin.JpegImageFile}


def check_raster(data: bytes, expected: str, name: str) -> None:
    """Check `data` is a whole PNG or JPEG image (`expected`), at most the logo limit."""
    found, (width, height) = _header(data, name)
    if found != expected:
        raise ValueError(f"'{name}' holds a {found} image, not {expected}")
    if max(width, height) > MAX_LOGO_PIXELS:
        raise ValueError(
            f"'{name}' is {width} x {height} pixels; the limit is "
            f"{MAX_LOGO_PIXELS} x {MAX_LOGO_PIXELS}"
        )
    problem = _png_damage(data) if found == "PNG" else _jpeg_damage(data)
    if problem:
        raise ValueError(f"'{name}' is damaged or cut short ({problem})")
    try:
        with Image.open(io.BytesIO(data), formats=[found]) as image:
            image.load()
    except (OSError, SyntaxError) as error:
        raise ValueError(f"'{name}' is damaged or cut short ({error})") from None


def _header(data: bytes, name: str) -> tuple[str, tuple[int, int]]:
    """The image's type and size, from its header: no pixel is decoded, no limit applies."""
    for kind, reader in _READERS.items():
        try:
            with reader(io.BytesIO(data)) as image:
                return kind, image.size
        except (SyntaxError, OSError):
            continue
    raise ValueError(f"'{name}' is not a readable image (use a {LOGO_TYPES} file)")


def _png_damage(data: bytes) -> str | None:
    """Why a PNG's parts (chunks) do not run whole, checksums right, to its end (IEND)."""
    position = 8  # past the signature, which the header check read
    while position + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        end = position + 8 + length
        if end + 4 > len(data):
            break
        if zlib.crc32(data[position + 4 : end]) != struct.unpack(">I", data[end : end + 4])[0]:
            return f"the checksum of its {kind.decode('latin-1')} part is wrong"
        if kind == b"IEND":
            return None
        position = end + 4
    return "the file ends before the image does"


def _jpeg_damage(data: bytes) -> str | None:
    """Why a JPEG has no scan (SOS marker) or its last scan does not end (an EOI marker)."""
    scan = data.rfind(b"\xff\xda")
    if scan < 0 or data.rfind(b"\xff\xd9") < scan:
        return "the file ends before the image does"
    return None
