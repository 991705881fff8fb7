"""Checks on the files a clinic hands us (logos, fonts), made before anything renders them.

Each check reads the file once (`user_files.read_user_file`, with a size cap) and raises
`ValueError` with a message in clinic staff's words; `branding.py` adds the file and key.
Limits live here, in one place.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

import defusedxml.ElementTree
import tinycss2
from defusedxml import DefusedXmlException
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont, TTLibError
from PIL import ImageFont

from .clinic_css import RISK_BOX_FONTS, check_clinic_css, family_key, tokens_within
from .errors import shown
from .raster import LOGO_TYPES, check_raster
from .user_files import MB, read_user_file, read_user_text

MAX_LOGO_BYTES = 5 * MB
MAX_FONT_BYTES = 10 * MB
MAX_HANDOUT_BYTES = 1 * MB
MAX_CLINIC_FILE_BYTES = 256 * 1024
MAX_STYLESHEET_BYTES = 256 * 1024
MAX_PDF_BYTES = 50 * MB  # a PDF given to `check --pdf`

_RASTER = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
_FONT_MAGIC = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"wOFF", b"wOF2")
_SVG_NS = "{http://www.w3.org/2000/svg}"
_FORBIDDEN_SVG = {"script", "foreignObject", "image", "feImage", "iframe"}


def check_logo(path: Path) -> str:
    """Check a logo is a real, safe image of the type its name says; return that type."""
    data = read_user_file(path, MAX_LOGO_BYTES)
    suffix = path.suffix.lower()
    if suffix == ".svg":
        _check_svg(data)
        return "SVG"
    if suffix not in _RASTER:
        raise ValueError(f"'{path.name}' is not a logo type we accept ({LOGO_TYPES})")
    check_raster(data, _RASTER[suffix], path.name)
    return _RASTER[suffix]


def _check_svg(data: bytes) -> None:
    try:
        root = defusedxml.ElementTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise ValueError(
            "the SVG has a DOCTYPE or entities, which could read other files; remove them"
        ) from None
    except Exception as error:  # any parse failure is the same to the user
        raise ValueError(f"is not a readable SVG file ({error}; use a {LOGO_TYPES} file)") from None
    if root.tag != f"{_SVG_NS}svg":
        raise ValueError(f"is not an SVG image (use a {LOGO_TYPES} file)")
    for element in root.iter():
        tag = element.tag.removeprefix(_SVG_NS)
        if tag in _FORBIDDEN_SVG:
            raise ValueError(
                f"the SVG contains <{tag}>, which can run code or load other files; "
                "logos must be self-contained shapes and text"
            )
        for attribute, value in element.attrib.items():
            name = attribute.rsplit("}", 1)[-1]
            if name.startswith("on") or (name == "href" and not value.startswith("#")):
                raise ValueError(
                    f"the SVG has {name}='{value}', which can run code or load other files"
                )
        if tag == "style":
            _check_svg_css(tinycss2.parse_stylesheet("".join(element.itertext())))
        if "style" in element.attrib:
            _check_svg_css(tinycss2.parse_blocks_contents(element.attrib["style"]))


def _check_svg_css(nodes: list) -> None:
    """An SVG's CSS is drawn into an image and reaches nothing else; it may only not load."""
    for node in tokens_within(nodes):
        if node.type in ("at-rule", "at-keyword"):
            raise ValueError(
                f"the SVG's CSS has the at-rule '@{node.lower_at_keyword}', which can load "
                "other files; remove it"
            )
        targets = [node.value] if node.type == "url" else []
        if node.type == "function" and node.lower_name in ("url", "src"):
            targets = [arg.value for arg in node.arguments if arg.type == "string"]
        for target in targets:
            if not target.startswith("#"):
                raise ValueError(
                    f"the SVG's CSS loads another file (url({target})); a logo may use only "
                    "its own parts, such as url(#gradient)"
                )


def check_font(path: Path, sample: str = "", reserved: Iterable[str] = ()) -> None:
    """Check a font file is a real TrueType, OpenType, WOFF or WOFF2 font that draws letters.

    A font can have a sound table directory and garbage glyphs: it is drawn, `sample` (the
    clinic's name) and a pangram, with fontTools and with FreeType (through Pillow), as a
    PDF viewer would, and refused if a glyph fails to decode or a letter draws nothing.
    A font that calls itself by a `reserved` family name is refused too: fontconfig knows a
    font by the names inside it, so it would stand in for that font everywhere, the risk
    box included, whatever name a stylesheet gives it.
    """
    data = read_user_file(path, MAX_FONT_BYTES)
    if not data.startswith(_FONT_MAGIC):
        raise ValueError(f"'{path.name}' is not a font file (use TTF, OTF, WOFF or WOFF2)")
    try:
        font = TTFont(io.BytesIO(data), lazy=True)
        font.getGlyphOrder()
    except (TTLibError, AssertionError, KeyError, ValueError, EOFError) as error:
        raise ValueError(f"'{path.name}' is a damaged font file ({error})") from None
    problem = _undrawn(font, data, f"{sample} {PANGRAM}")
    if problem:
        raise ValueError(
            f"'{path.name}' is a damaged font file: its letters could not be drawn ({problem}); "
            "use the font files as the foundry made them"
        )
    keys = {family_key(name) for name in reserved}
    try:
        names = _family_names(font)
    except Exception as error:  # any failure to read its names is damage
        raise ValueError(f"'{path.name}' is a damaged font file (its names: {error})") from None
    taken = sorted({name for name in names if family_key(name) in keys})
    if taken:
        raise ValueError(
            f"'{path.name}' calls itself '{taken[0]}', the name of a font this project ships; "
            "it would replace that font, in the risk box too (use the installed font by its "
            "name, or a font file with a family name of its own)"
        )


def _family_names(font: TTFont) -> set[str]:
    """The family names a font file gives itself (name IDs 1, 16 and 21), as fontconfig reads."""
    if "name" not in font:
        return set()
    return {
        str(record.toUnicode()) for record in font["name"].names if record.nameID in (1, 16, 21)
    }


PANGRAM = "The quick brown fox jumps over the lazy dog 0123456789"


def _undrawn(font: TTFont, data: bytes, text: str) -> str | None:
    """Why the letters of `text` that `font` has cannot be drawn, or None if they can."""
    char = ""
    try:
        cmap = font.getBestCmap() or {}
        glyphs = font.getGlyphSet()
        letters = [char for char in dict.fromkeys(text) if not char.isspace() and ord(char) in cmap]
        inked, blank = 0, []
        for char in letters:
            pen = BoundsPen(glyphs)
            glyphs[cmap[ord(char)]].draw(pen)
            inked += pen.bounds is not None
            if pen.bounds is None and (char.isalnum() or unicodedata.category(char)[0] == "P"):
                blank.append(char)
    except Exception as error:  # any failure to decode a glyph is damage
        what = f"the letter '{char}'" if char else "its character map"
        return f"{what} is unreadable: {error}"
    if not letters:
        return f"it has none of the letters of '{text.strip()}'"
    if not inked:
        return "every letter is empty and would print as a blank"
    if blank:
        shown_blank = ", ".join(f"'{char}'" for char in blank[:5])
        return f"{shown_blank} would print as a blank"
    try:
        ImageFont.truetype(io.BytesIO(data), 48).getmask("".join(letters))
    except OSError as error:
        return f"FreeType: {error}"
    return None


def font_face_style(path: Path) -> str:
    """The `@font-face` weight and style of a checked font file, from its OS/2 table."""
    font = TTFont(path, lazy=True)
    table = font["OS/2"] if "OS/2" in font else None
    weight = getattr(table, "usWeightClass", 400)
    italic = bool(getattr(table, "fsSelection", 0) & 1)
    return f"font-weight: {weight}; font-style: {'italic' if italic else 'normal'};"


def check_stylesheet(path: Path, bundled_fonts: Iterable[str] = ()) -> None:
    """Check a clinic stylesheet keeps to the allowlist and loads only files beside it.

    Every problem in it is reported, one a line, as `<stylesheet>: line N: ...`.
    """
    text = read_user_text(path, MAX_STYLESHEET_BYTES)  # as WeasyPrint reads it: no @charset
    problems = [
        f"line {line}: loads '{target}'; a clinic stylesheet may load only files beside it, "
        'by a relative path such as url("fonts/MyFont.woff2")'
        for target, line in _css_references(tinycss2.parse_stylesheet(text))
        if _leaves_folder(target)
    ]
    problems += check_clinic_css(text, bundled_fonts)
    if not problems:  # every url() left is an @font-face src beside the sheet: check the font
        problems += _font_face_problems(path, text, (*bundled_fonts, *RISK_BOX_FONTS))
    problems.sort(key=lambda problem: int(problem.split(":")[0].removeprefix("line ")))
    if problems:
        raise ValueError("\n".join(f"{shown(path)}: {problem}" for problem in problems))


def _font_face_problems(sheet: Path, text: str, reserved: tuple[str, ...]) -> list[str]:
    """A clinic's own fonts, loaded by @font-face, get the checks of fonts in its file."""
    problems = []
    for target, line in _css_references(tinycss2.parse_stylesheet(text)):
        folder = sheet.parent.resolve()
        font = (folder / unquote(urlsplit(target).path)).resolve()
        if not font.is_relative_to(folder):  # %2e%2e/ climbs out once unquoted
            problems.append(
                f"line {line}: loads '{target}'; a clinic stylesheet may load only files beside it"
            )
            continue
        if not font.is_file():
            problems.append(f"line {line}: font file '{target}' not found beside the stylesheet")
            continue
        try:
            check_font(font, reserved=reserved)
        except ValueError as error:
            problems.append(f"line {line}: {error}")
    return problems


def _leaves_folder(target: str) -> bool:
    parts = urlsplit(target)
    path = unquote(parts.path)
    return bool(parts.scheme or parts.netloc or path.startswith("/") or ".." in path.split("/"))


def _css_references(nodes: list) -> list[tuple[str, int]]:
    """Every url() and @import target in parsed CSS, with its line."""
    found = []
    for node in nodes:
        if node.type == "url":
            found.append((node.value, node.source_line))
        elif node.type == "function" and node.lower_name in ("url", "src"):
            found += [
                (arg.value, node.source_line) for arg in node.arguments if arg.type == "string"
            ]
        elif node.type == "at-rule" and node.lower_at_keyword == "import":
            found += [(arg.value, node.source_line) for arg in node.prelude if arg.type == "string"]
        for child in ("prelude", "content", "arguments"):
            found += _css_references(getattr(node, child, None) or [])
    return found
