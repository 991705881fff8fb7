"""Clinic files: `clinics/<slug>.toml` read, validated once, and turned into a `Branding`.

Later steps trust a `Branding`: every colour is parsed, every path is resolved inside the
clinic's own folder, every asset has been checked, every text field is plain text. What
each value may be, and what is said when it is not, is in `clinic_fields.py`; here are
the tables a clinic file holds, the rules that span keys, and the reading of the file.
"""

from __future__ import annotations

import datetime
import functools
import tomllib
from pathlib import Path
from typing import Annotated

from pydantic import (
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

from . import assets, limits
from .clinic_css import RISK_BOX_FONTS, family_key
from .clinic_fields import (
    Bleed,
    BookingAddress,
    ClinicName,
    ClinicPath,
    Colour,
    Email,
    FontFamily,
    Language,
    Line,
    Lines,
    PaperName,
    Phone,
    PrimaryColour,
    WebAddress,
    checked_by,
    field_error,
)
from .errors import ConfigError, problems_error, shown
from .glyphs import installed_family_file
from .messages import describe_errors
from .user_files import Unreadable, read_user_text

BUNDLED_FONTS = ("Lato", "Open Sans", "Inter", "Noto Sans", "Noto Serif", "DejaVu Sans")
THEME_FONT = "Lato"  # the text font of a clinic that brings its own font files


def name_problem(name: str) -> str | None:
    """What makes `name` unusable as a clinic's name, in the words `check` uses (or None)."""
    try:
        _NAME.validate_python(name)
    except ValidationError as error:
        return describe_errors(error, Branding)[0].message  # a name is one value: no key
    return None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Logo(_Strict):
    """The clinic's logo: an image file in its folder, and the words a screen reader says."""

    file: Annotated[ClinicPath, checked_by(assets.check_logo)]
    alt: Annotated[
        Line,
        Field(
            min_length=1,
            description="the words screen readers read aloud in place of the logo, such as "
            "'Bright Smile Hair Clinic logo'",
        ),
    ]


class Colours(_Strict):
    """Brand colours, in any CSS form; stored as hex."""

    primary: PrimaryColour = "#1a5f7a"
    accent: Colour = "#f2a541"


class Font(_Strict):
    """The body font: a family the project ships, or one whose files are listed."""

    files: list[
        Annotated[
            ClinicPath,
            checked_by(
                functools.partial(assets.check_font, reserved=(*BUNDLED_FONTS, *RISK_BOX_FONTS)),
                with_name=True,
            ),
        ]
    ] = []
    family: FontFamily = "Lato"

    @field_validator("family", mode="after")
    @classmethod
    def _available(cls, family: str, info: ValidationInfo) -> str:
        if "files" not in info.data:
            return family  # the files are wrong, and said so; the family waits for them
        if info.data["files"] and family_key(family) in {
            family_key(name) for name in (*BUNDLED_FONTS, *RISK_BOX_FONTS)
        }:
            raise field_error(
                "font",
                "'{family}' is the name of a font this project ships; font files under that "
                "name would replace it, in the risk box too (give your font a name of its "
                "own, such as '{family} Clinic', or leave files empty to use the installed one)",
                family=family,
            )
        if not info.data.get("files") and family not in BUNDLED_FONTS:
            raise field_error(
                "font",
                "'{family}' is not a font this project ships ({bundled}); "
                "choose one of those or list its font files under files",
                family=family,
                bundled=", ".join(BUNDLED_FONTS),
            )
        if not info.data.get("files") and installed_family_file(family) is None:
            raise field_error(
                "font",
                "'{family}' is not installed on this machine, so another font "
                "would be used instead; run the README's set-up command",
                family=family,
            )
        return family


class Contact(_Strict):
    """How patients reach the clinic; every field is printed, never fetched."""

    address: Lines | None = None
    phone: Phone | None = None
    email: Email | None = None
    website: WebAddress | None = None
    opening_hours: Line | None = None
    booking_url: BookingAddress | None = None


class Theme(_Strict):
    """A clinic's own template overrides and extra stylesheet."""

    templates: ClinicPath | None = None
    extra_css: (
        Annotated[
            ClinicPath,
            checked_by(functools.partial(assets.check_stylesheet, bundled_fonts=BUNDLED_FONTS)),
        ]
        | None
    ) = None


class ClinicText(_Strict):
    """The clinic's own words, in one language: a `[translations.<lang>]` table."""

    approver: Line | None = None
    footer_note: Line | None = None
    feedback: Line | None = None
    opening_hours: Line | None = None


class Branding(_Strict):
    """One clinic's validated branding."""

    name: ClinicName
    paper: PaperName = "A4"
    bleed_mm: Bleed = 3.0
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
            raise ConfigError(str(describe_errors(error, _PaperChoice)[0])) from None
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
