"""What each value in a clinic file may be: a type for each kind, and what is wrong with it.

Each type is an annotated type whose validator says what is wrong in the clinic's words
(`field_error`, kept as written by `messages.py`), and returns the value as later steps
use it: a colour as hex, a path resolved inside the clinic's own folder. `branding.py`
builds its models from these.
"""

from __future__ import annotations

import difflib
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from coloraide import Color
from pydantic import AfterValidator, Field, GetCoreSchemaHandler, ValidationInfo
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from . import booking, palette
from .errors import shown
from .glyphs import hidden_characters
from .paper import IN_WORDS, paper_named


def field_error(kind: str, message: str, **values: object) -> PydanticCustomError:
    """A problem with a value: `message` with `{values}` filled in, said as written."""
    return PydanticCustomError(kind, message, values)


def _plain_text(value: str, *, multiline: bool = False) -> str:
    problems = hidden_characters(value, allowed="\n\t" if multiline else "")
    if problems:
        raise field_error("hidden_char", "{problem}", problem=problems[0])
    return value.strip()


def _line(value: str) -> str:
    return _plain_text(value)


def _not_blank(value: str) -> str:
    if not value:
        raise field_error("blank", "is only spaces; write the words to print")
    return value


def _bleed(value: float) -> float:
    if not 0 <= value <= 10:  # also false for nan, which TOML allows
        raise field_error(
            "bleed",
            "{value} is not a number from 0 to 10 (the print shop's bleed in millimetres, such "
            "as 3)",
            value=str(value),
        )
    return value


def _paper(value: str) -> str:
    """A paper name in any case ('letter', 'a5'), as `paper.PAPERS` writes it."""
    try:
        return paper_named(value).name
    except KeyError:
        raise field_error(
            "paper",
            "'{value}' is not a paper size (use {papers}, in any case)",
            value=value[:80],
            papers=IN_WORDS,
        ) from None


def _lines(value: str) -> str:
    return _plain_text(value.replace("\r\n", "\n"), multiline=True)


def _colour(value: str) -> str:
    try:
        colour = Color(value)
    except ValueError:
        raise field_error(
            "colour",
            "'{value}' is not a CSS colour (use one such as #1a5f7a, rgb(26 95 122) or navy)",
            value=value,
        ) from None
    if any(math.isnan(channel) for channel in colour[:]):  # `none`: 0 in a browser
        raise field_error(
            "colour", "'{value}' has a missing ('none') part; give every part a value", value=value
        )
    if colour.alpha() < 1:
        raise field_error("colour", "'{value}' is see-through; use an opaque colour", value=value)
    return colour.convert("srgb").fit().to_string(hex=True)


def _web_address(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https"):
        scheme = f"the {parts.scheme}: scheme" if parts.scheme else "no scheme"
        raise field_error(
            "url",
            "'{value}' has {scheme}; a web address must start with https:// or http://",
            value=value[:80],
            scheme=scheme,
        )
    if parts.username or parts.password:
        raise field_error(
            "url", "'{value}' carries a user name or password; remove it", value=value[:80]
        )
    if not parts.hostname or "." not in parts.hostname.strip("."):
        raise field_error(
            "url",
            "'{value}' has no web host (such as https://clinic.example/book)",
            value=value[:80],
        )
    if len(value) > 300:
        raise field_error(
            "url",
            "is {length} characters long; the limit is 300 (use a shorter link)",
            length=len(value),
        )
    return value


def _scannable(value: str) -> str:
    problem = booking.check_fits(value)
    if problem:
        raise field_error("qr", "{problem}", problem=problem)
    return value


def _phone(value: str) -> str:
    if len(value) > 20 or not set(value) <= set("0123456789 +()-"):
        raise field_error(
            "phone",
            "'{value}' is not a phone number (digits, spaces and + ( ) - "
            "only, at most 20 characters)",
            value=value[:40],
        )
    if "+" in value[1:]:
        raise field_error(
            "phone",
            "'{value}' has a + after its start; a + only begins an international number, "
            "such as +44 20 7946 0000",
            value=value,
        )
    return value


def dialable(phone: str) -> str:
    """The number a `tel:` link dials: '+44 (0)23 9200 0000' -> '+442392000000'.

    The (0) written after a country code is not dialled from abroad, nor in a link.
    """
    if phone.startswith("+"):
        phone = phone.replace("(0)", "")
    return "".join(char for char in phone if char.isdigit() or char == "+")


def _email(value: str) -> str:
    local, at, domain = value.partition("@")
    if not (local and at and "@" not in domain and "." in domain.strip(".")) or " " in value:
        raise field_error(
            "email",
            "'{value}' is not an email address (such as hello@clinic.example)",
            value=value[:80],
        )
    return value


def _font_family(value: str) -> str:
    if not value.replace(" ", "").replace("-", "").isalnum() or len(value) > 60:
        raise field_error(
            "font",
            "'{value}' is not a font family name (letters, digits, spaces and "
            "hyphens, such as 'Open Sans')",
            value=value[:80],
        )
    return value


def _in_clinic_folder(value: str, info: ValidationInfo) -> Path:
    """Resolve a path written in a clinic file; it must stay in that clinic's own folder."""
    clinic_file: Path = (info.context or {})["clinic_file"]
    own = clinic_file.parent / clinic_file.stem
    folder, where = own.resolve(), f"{shown(own)}/"
    if Path(value).is_absolute() or "\\" in value:
        raise field_error(
            "path",
            "'{value}' must be a path relative to the clinic file, inside {where}",
            value=value,
            where=where,
        )
    if own.is_symlink():  # inside it, anything would be
        raise field_error(
            "path",
            "'{value}' is in {where}, which is a symbolic link to another folder; a clinic's "
            "files must be in a real folder beside its clinic file",
            value=value,
            where=where,
        )
    path = (clinic_file.parent / value).resolve()  # symlinks and '..' resolved
    if not path.is_relative_to(folder):
        raise field_error(
            "path",
            "'{value}' is outside the clinic's folder {where}; put the file there",
            value=value,
            where=where,
        )
    if not path.exists():
        near = _near_name(path)
        if near:
            raise field_error(
                "path",
                "'{value}' not found; did you mean '{near}'? (a name must match letter for "
                "letter, capitals too)",
                value=value,
                near=str(Path(value).parent / near),
            )
        raise field_error(
            "path", "'{value}' not found (put the file in {where})", value=value, where=where
        )
    return path


def _near_name(path: Path) -> str | None:
    """The name in `path`'s folder nearest to its own, ignoring case ('logo.png' for 'Logo.PNG')."""
    if not path.parent.is_dir():
        return None
    names = {name.lower(): name for name in os.listdir(path.parent) if name != path.name}
    close = difflib.get_close_matches(path.name.lower(), names, n=1, cutoff=0.8)
    return names[close[0]] if close else None


def _readable_primary(value: str) -> str:
    """Refuse a primary colour that would print text patients cannot read (WCAG 2.2 AA).

    One validator with `_colour`, so that the message gives the colour as written.
    """
    colour = _colour(value)
    for pair in palette.primary_pairs(colour):
        if pair.ratio < pair.needed:
            better = palette.nearest_shade(
                colour, lambda shade: all(p.ratio >= p.needed for p in palette.primary_pairs(shade))
            )
            raise field_error(
                "contrast",
                "'{value}' gives {what} a contrast of {ratio}:1; WCAG AA needs {needed}:1 "
                "(try '{better}', the nearest shade of the same hue that passes)",
                value=value,
                what=pair.what,
                ratio=f"{pair.ratio:.2f}",
                needed=f"{pair.needed:g}",
                better=better,
            )
    return colour


def checked_by(check: Callable[..., object], with_name: bool = False) -> AfterValidator:
    """Run an `assets` check on a resolved path, as a validator (given the clinic's name)."""

    def validate(path: Path, info: ValidationInfo) -> Path:
        if not path.is_file():
            raise field_error("path", "'{value}' is not a file", value=path.name)
        try:
            check(path, (info.context or {}).get("clinic_name", "")) if with_name else check(path)
        except ValueError as error:
            raise field_error("asset", "{problem}", problem=str(error)) from None
        return path

    return AfterValidator(validate)


class _InClinicFolder:
    """Text in the clinic file, a `Path` in the model: resolved inside the clinic's folder.

    The text is validated as any text field's is (strict, so `file = 3` is told it needs
    text in quotes), then `_in_clinic_folder` resolves it; later steps, and mypy, see a Path.
    """

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.with_info_after_validator_function(
            _in_clinic_folder,
            handler.generate_schema(str),
            serialization=core_schema.to_string_ser_schema(),
        )


Line = Annotated[str, Field(max_length=200), AfterValidator(_line)]
Lines = Annotated[str, Field(max_length=300), AfterValidator(_lines)]
ClinicName = Annotated[
    str, Field(min_length=1, max_length=80), AfterValidator(_line), AfterValidator(_not_blank)
]
ClinicPath = Annotated[Path, _InClinicFolder()]
PaperName = Annotated[str, AfterValidator(_paper)]
Bleed = Annotated[float, AfterValidator(_bleed)]
Language = Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]
Colour = Annotated[str, AfterValidator(_colour)]
PrimaryColour = Annotated[str, AfterValidator(_readable_primary)]
FontFamily = Annotated[str, AfterValidator(_font_family)]
Phone = Annotated[str, AfterValidator(_phone)]
Email = Annotated[str, Field(max_length=120), AfterValidator(_email)]
WebAddress = Annotated[str, AfterValidator(_web_address)]
BookingAddress = Annotated[WebAddress, AfterValidator(_scannable)]
