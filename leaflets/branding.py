"""Clinic files: `clinics/<slug>.toml` read, validated once, and turned into a `Branding`.

Later steps trust a `Branding`: every colour is parsed, every path is resolved inside the
clinic's own folder, every asset has been checked, every text field is plain text.
"""

from __future__ import annotations

import datetime
import difflib
import functools
import os
import tomllib
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from coloraide import Color
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from . import assets, booking, limits, palette
from .clinic_css import RISK_BOX_FONTS, family_key
from .errors import ConfigError, problems_error, shown
from .glyphs import hidden_characters, installed_family_file
from .messages import describe_errors
from .paper import IN_WORDS, paper_named
from .user_files import Unreadable, read_user_text

BUNDLED_FONTS = ("Lato", "Open Sans", "Inter", "Noto Sans", "Noto Serif", "DejaVu Sans")
THEME_FONT = "Lato"  # the text font of a clinic that brings its own font files


def _error(kind: str, message: str, **values: object) -> PydanticCustomError:
    return PydanticCustomError(kind, message, values)


def _plain_text(value: str, *, multiline: bool = False) -> str:
    problems = hidden_characters(value, allowed="\n\t" if multiline else "")
    if problems:
        raise _error("hidden_char", "{problem}", problem=problems[0])
    return value.strip()


def _line(value: str) -> str:
    return _plain_text(value)


def _not_blank(value: str) -> str:
    if not value:
        raise _error("blank", "is only spaces; write the words to print")
    return value


def _bleed(value: float) -> float:
    if not 0 <= value <= 10:  # also false for nan, which TOML allows
        raise _error(
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
        raise _error(
            "paper",
            "'{value}' is not a paper size (use {papers}, in any case)",
            value=value[:80],
            papers=IN_WORDS,
        ) from None


def name_problem(name: str) -> str | None:
    """What makes `name` unusable as a clinic's name, in the words `check` uses (or None)."""
    try:
        _NAME.validate_python(name)
    except ValidationError as error:
        return describe_errors(error, Branding)[0].message  # a name is one value: no key
    return None


def _lines(value: str) -> str:
    return _plain_text(value.replace("\r\n", "\n"), multiline=True)


def _colour(value: str) -> str:
    try:
        colour = Color(value)
    except ValueError:
        raise _error(
            "colour",
            "'{value}' is not a CSS colour (use one such as #1a5f7a, rgb(26 95 122) or navy)",
            value=value,
        ) from None
    if colour.alpha() < 1:
        raise _error("colour", "'{value}' is see-through; use an opaque colour", value=value)
    return colour.convert("srgb").fit().to_string(hex=True)


def _web_address(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https"):
        scheme = f"the {parts.scheme}: scheme" if parts.scheme else "no scheme"
        raise _error(
            "url",
            "'{value}' has {scheme}; a web address must start with https:// or http://",
            value=value[:80],
            scheme=scheme,
        )
    if parts.username or parts.password:
        raise _error(
            "url", "'{value}' carries a user name or password; remove it", value=value[:80]
        )
    if not parts.hostname or "." not in parts.hostname.strip("."):
        raise _error(
            "url",
            "'{value}' has no web host (such as https://clinic.example/book)",
            value=value[:80],
        )
    if len(value) > 300:
        raise _error(
            "url",
            "is {length} characters long; the limit is 300 (use a shorter link)",
            length=len(value),
        )
    return value


def _scannable(value: str) -> str:
    problem = booking.check_fits(value)
    if problem:
        raise _error("qr", "{problem}", problem=problem)
    return value


def _phone(value: str) -> str:
    if len(value) > 20 or not set(value) <= set("0123456789 +()-"):
        raise _error(
            "phone",
            "'{value}' is not a phone number (digits, spaces and + ( ) - "
            "only, at most 20 characters)",
            value=value[:40],
        )
    return value


def _email(value: str) -> str:
    local, at, domain = value.partition("@")
    if not (local and at and "@" not in domain and "." in domain.strip(".")) or " " in value:
        raise _error(
            "email",
            "'{value}' is not an email address (such as hello@clinic.example)",
            value=value[:80],
        )
    return value


def _font_family(value: str) -> str:
    if not value.replace(" ", "").replace("-", "").isalnum() or len(value) > 60:
        raise _error(
            "font",
            "'{value}' is not a font family name (letters, digits, spaces and "
            "hyphens, such as 'Open Sans')",
            value=value[:80],
        )
    return value


def _in_clinic_folder(value: str, info: ValidationInfo) -> Path:
    """Resolve a path written in a clinic file; it must stay in that clinic's own folder."""
    clinic_file: Path = info.context["clinic_file"]
    folder = (clinic_file.parent / clinic_file.stem).resolve()
    where = f"{shown(clinic_file.parent / clinic_file.stem)}/"
    if Path(value).is_absolute() or "\\" in value:
        raise _error(
            "path",
            "'{value}' must be a path relative to the clinic file, inside {where}",
            value=value,
            where=where,
        )
    path = (clinic_file.parent / value).resolve()  # symlinks and '..' resolved
    if not path.is_relative_to(folder):
        raise _error(
            "path",
            "'{value}' is outside the clinic's folder {where}; put the file there",
            value=value,
            where=where,
        )
    if not path.exists():
        near = _near_name(path)
        if near:
            raise _error(
                "path",
                "'{value}' not found; did you mean '{near}'? (a name must match letter for "
                "letter, capitals too)",
                value=value,
                near=str(Path(value).parent / near),
            )
        raise _error(
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


Line = Annotated[str, Field(max_length=200), AfterValidator(_line)]
ClinicName = Annotated[
    str, Field(min_length=1, max_length=80), AfterValidator(_line), AfterValidator(_not_blank)
]
ClinicPath = Annotated[str, AfterValidator(_in_clinic_folder)]
PaperName = Annotated[str, AfterValidator(_paper)]
WebAddress = Annotated[str, AfterValidator(_web_address)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _checked(check, with_name: bool = False):
    """Run an `assets` check on a resolved path, as a validator (given the clinic's name)."""

    def validate(path: Path, info: ValidationInfo) -> Path:
        if not path.is_file():
            raise _error("path", "'{value}' is not a file", value=path.name)
        try:
            check(path, (info.context or {}).get("clinic_name", "")) if with_name else check(path)
        except ValueError as error:
            raise _error("asset", "{problem}", problem=str(error)) from None
        return path

    return AfterValidator(validate)


class Logo(_Strict):
    """The clinic's logo: an image file in its folder, and the words a screen reader says."""

    file: Annotated[ClinicPath, _checked(assets.check_logo)]
    alt: Annotated[
        Line,
        Field(
            min_length=1,
            description="the words screen readers read aloud in place of the logo, such as "
            "'Bright Smile Hair Clinic logo'",
        ),
    ]


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
            raise _error(
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


class Colours(_Strict):
    """Brand colours, in any CSS form; stored as hex."""

    primary: Annotated[str, AfterValidator(_readable_primary)] = "#1a5f7a"
    accent: Annotated[str, AfterValidator(_colour)] = "#f2a541"


class Font(_Strict):
    """The body font: a family the project ships, or one whose files are listed."""

    files: list[
        Annotated[
            ClinicPath,
            _checked(
                functools.partial(assets.check_font, reserved=(*BUNDLED_FONTS, *RISK_BOX_FONTS)),
                with_name=True,
            ),
        ]
    ] = []
    family: Annotated[str, AfterValidator(_font_family)] = "Lato"

    @field_validator("family", mode="after")
    @classmethod
    def _available(cls, family: str, info: ValidationInfo) -> str:
        if "files" not in info.data:
            return family  # the files are wrong, and said so; the family waits for them
        if info.data["files"] and family_key(family) in {
            family_key(name) for name in (*BUNDLED_FONTS, *RISK_BOX_FONTS)
        }:
            raise _error(
                "font",
                "'{family}' is the name of a font this project ships; font files under that "
                "name would replace it, in the risk box too (give your font a name of its "
                "own, such as '{family} Clinic', or leave files empty to use the installed one)",
                family=family,
            )
        if not info.data.get("files") and family not in BUNDLED_FONTS:
            raise _error(
                "font",
                "'{family}' is not a font this project ships ({bundled}); "
                "choose one of those or list its font files under files",
                family=family,
                bundled=", ".join(BUNDLED_FONTS),
            )
        if not info.data.get("files") and installed_family_file(family) is None:
            raise _error(
                "font",
                "'{family}' is not installed on this machine, so another font "
                "would be used instead; run the README's set-up command",
                family=family,
            )
        return family


class Contact(_Strict):
    """How patients reach the clinic; every field is printed, never fetched."""

    address: Annotated[str, Field(max_length=300), AfterValidator(_lines)] | None = None
    phone: Annotated[str, AfterValidator(_phone)] | None = None
    email: Annotated[str, Field(max_length=120), AfterValidator(_email)] | None = None
    website: WebAddress | None = None
    opening_hours: Line | None = None
    booking_url: Annotated[WebAddress, AfterValidator(_scannable)] | None = None


class Theme(_Strict):
    """A clinic's own template overrides and extra stylesheet."""

    templates: ClinicPath | None = None
    extra_css: (
        Annotated[
            ClinicPath,
            _checked(functools.partial(assets.check_stylesheet, bundled_fonts=BUNDLED_FONTS)),
        ]
        | None
    ) = None


class ClinicText(_Strict):
    """The clinic's own words, in one language: a `[translations.<lang>]` table."""

    approver: Line | None = None
    footer_note: Line | None = None
    feedback: Line | None = None
    opening_hours: Line | None = None


Language = Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]


class Branding(_Strict):
    """One clinic's validated branding."""

    name: ClinicName
    paper: PaperName = "A4"
    bleed_mm: Annotated[float, AfterValidator(_bleed)] = 3.0
    language: Language = "en"
    languages: list[Language] = []
    approver: Line | None = None
    approved_on: datetime.date | None = None
    large_print: bool = False
    footer_note: Line | None = None
    feedback: Line | None = None  # how patients tell the clinic what they think
    translations: dict[Language, ClinicText] = {}
    logo: Logo | None = None
    colours: Colours = Colours()
    font: Font = Font()
    contact: Contact = Contact()
    theme: Theme = Theme()
    _file: Path = PrivateAttr()

    @model_validator(mode="before")
    @classmethod
    def _share_name(cls, data: object, info: ValidationInfo) -> object:
        """Give the font check the clinic's name, which it draws (the context is shared)."""
        if isinstance(info.context, dict) and isinstance(data, dict):
            name = data.get("name")
            info.context["clinic_name"] = name.strip() if isinstance(name, str) else ""
        return data

    def model_post_init(self, context: dict | None) -> None:
        """Remember which file this came from (never a key a clinic file can set)."""
        self._file = Path((context or {}).get("clinic_file", "clinics/unsaved.toml"))

    @property
    def text_font(self) -> str:
        """The font the leaflet's text prints in: the clinic's, if this project ships it.

        A clinic's own font files print only its name (see leaflet.risk_css for why).
        """
        return self.font.family if not self.font.files else THEME_FONT

    def text(self, lang: str) -> ClinicText:
        """The clinic's own words for a leaflet in `lang`: its translation, else as written."""
        own = self.translations.get(lang, ClinicText()).model_dump(exclude_none=True)
        return self._own_words().model_copy(update=own)

    def untranslated(self) -> list[str]:
        """Where a language the clinic builds would print the clinic's words untranslated."""
        written = set(self._own_words().model_dump(exclude_none=True))
        problems = []
        for lang in dict.fromkeys(self.languages):
            given = self.translations.get(lang, ClinicText()).model_dump(exclude_none=True)
            if lang != self.language and (missing := sorted(written - set(given))):
                problems.append(
                    f"{shown(self.file)}: builds '{lang}' leaflets, but [translations.{lang}] "
                    f"does not give {', '.join(missing)}, so they print in '{self.language}'"
                )
        return problems

    def _own_words(self) -> ClinicText:
        """The clinic's words as the file writes them, in its own `language`."""
        return ClinicText(
            approver=self.approver,
            footer_note=self.footer_note,
            feedback=self.feedback,
            opening_hours=self.contact.opening_hours,
        )

    def with_paper(self, paper: str) -> Branding:
        """This clinic's branding printed on `paper`, a name checked as the file's `paper` is.

        For a paper chosen for a build (--paper, the web page): a bad name is refused in
        the words a clinic file gets, and `model_copy` alone would check nothing.
        """
        try:
            checked = _PaperChoice.model_validate({"paper": paper})
        except ValidationError as error:
            raise ConfigError(describe_errors(error, _PaperChoice)[0]) from None
        return self.model_copy(update={"paper": checked.paper})

    @property
    def file(self) -> Path:
        """The clinic file, as given."""
        return self._file

    @property
    def slug(self) -> str:
        """The clinic's id: its file name without `.toml`."""
        return self._file.stem

    @property
    def folder(self) -> Path:
        """The clinic's own folder, the only place its files may come from."""
        return (self.file.parent / self.file.stem).resolve()


class _PaperChoice(_Strict):
    """A paper chosen for a build, not in a clinic file: validated as a clinic file's is."""

    paper: PaperName


_NAME = TypeAdapter(ClinicName, config=ConfigDict(strict=True))


def load_branding(path: Path) -> Branding:
    """Read and validate one clinic file, reporting every problem in it at once."""
    data = _read_toml(path)
    try:
        return Branding.model_validate(data, context={"clinic_file": path})
    except ValidationError as error:
        problems = [str(problem) for problem in describe_errors(error, Branding)]
        raise problems_error(path, problems) from None


def _read_toml(path: Path) -> dict:
    try:
        text = read_user_text(path, assets.MAX_CLINIC_FILE_BYTES)
    except Unreadable as error:
        raise problems_error(path, [str(error)]) from None
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise problems_error(path, [limits.toml_too_deep(text)]) from None
    except tomllib.TOMLDecodeError as error:
        raise problems_error(
            path,
            [
                f"not valid TOML: {error} (check quotes around text "
                'and colours, such as primary = "#0055aa")'
            ],
        ) from None
    too_deep = limits.toml_depth_problem(data)
    if too_deep:
        raise problems_error(path, [too_deep])
    return data
