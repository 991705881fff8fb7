"""The clinic form: a clinic file shown as form fields, and a submitted form saved back into it.

The file is edited with tomlkit, key by key, so the comments and key order a person wrote
survive; a key is only rewritten when its value changed. Validation is the CLI's own: the
edited document goes through the same `Branding` model, and each "key: message" line from
`messages.py` is shown beside the field of that key.
"""

from __future__ import annotations

import collections
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import tomlkit
from coloraide import Color
from pydantic import ValidationError
from tomlkit.container import Container

from .. import assets, raster
from ..branding import Branding, load_branding, name_problem
from ..errors import LeafletError
from ..messages import describe_errors
from ..output import write_atomic
from ..paper import PAPER_NAMES
from ..project import SLUG, SLUG_FORM, Project
from ..scaffold import clinic_file_text, slug_for
from ..user_files import read_user_text

LOGO_FILE = "logo.file"  # the upload field's name: the key it fills in
# A plain file name: no folders, no "..", nothing a shell or a URL would read differently.
_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$")


@dataclass(frozen=True)
class Field:
    """One form field: the dotted key it edits in the clinic file, and how it is shown."""

    section: str
    key: str
    label: str
    kind: str = "text"  # text, textarea, colour, select, file
    hint: str = ""
    choices: tuple[str, ...] = ()
    autocomplete: str = "off"
    inputmode: str = "text"

    @property
    def id(self) -> str:
        """The HTML id (dots would need escaping in CSS selectors)."""
        return self.key.replace(".", "-").replace("_", "-")


FIELDS = (
    Field("Clinic", "name", "Clinic name", hint="Printed exactly as written, 1 to 80 characters."),
    Field("Clinic", "paper", "Paper size", "select", choices=PAPER_NAMES),
    Field(
        "Colours",
        "colours.primary",
        "Main colour",
        "colour",
        "Header band, headings and links: text on it and in it must be easy to read.",
    ),
    Field(
        "Colours",
        "colours.accent",
        "Accent colour",
        "colour",
        "Decorative lines only, never behind text.",
    ),
    Field(
        "Logo",
        LOGO_FILE,
        "Logo file",
        "file",
        f"{raster.LOGO_TYPES}, at most {assets.MAX_LOGO_BYTES // assets.MB} MB and "
        f"{raster.MAX_LOGO_PIXELS} x {raster.MAX_LOGO_PIXELS} pixels.",
    ),
    Field(
        "Logo",
        "logo.alt",
        "Logo description",
        hint="What a screen reader says instead of the logo, such as 'Riverside Clinic logo'.",
    ),
    Field(
        "Contact details", "contact.address", "Address", "textarea", autocomplete="street-address"
    ),
    Field(
        "Contact details",
        "contact.phone",
        "Phone",
        hint="Digits, spaces and + ( ) -",
        inputmode="tel",
    ),
    Field(
        "Contact details",
        "contact.email",
        "Email",
        hint="Such as hello@clinic.example",
        inputmode="email",
    ),
    Field(
        "Contact details",
        "contact.website",
        "Website",
        hint="Starts with https://",
        inputmode="url",
    ),
    Field("Contact details", "contact.opening_hours", "Opening hours"),
    Field(
        "Contact details",
        "contact.booking_url",
        "Online booking address",
        hint="Printed with a QR code; starts with https://",
        inputmode="url",
    ),
)
KEYS = {field.key for field in FIELDS} | {"slug"}


def sections() -> list[tuple[str, list[Field]]]:
    """The fields grouped under their headings, in order."""
    grouped: dict[str, list[Field]] = {}
    for field in FIELDS:
        grouped.setdefault(field.section, []).append(field)
    return list(grouped.items())


def new_clinic_document(name: str, slug: str) -> tomlkit.TOMLDocument:
    """The commented file `init` writes, so a clinic made here reads like one made there."""
    return tomlkit.parse(clinic_file_text(name, slug))


def read_clinic(path: Path) -> tomlkit.TOMLDocument:
    """Parse a clinic file for editing; a file the CLI cannot read fails with its message."""
    try:
        return tomlkit.parse(read_user_text(path, assets.MAX_CLINIC_FILE_BYTES))
    except ValueError:  # too big, not UTF-8, not TOML: the CLI's words for each
        load_branding(path)
        raise


def clinic_names(project: Project) -> dict[str, str]:
    """What to call each clinic in a list, by slug, in that order: the name its file gives.

    A file that cannot say (unreadable, or without a name `check` would accept) is listed
    by its slug, and a name two files share carries the slug too.
    """
    names = {}
    for slug in project.clinic_slugs():
        try:
            name = read_clinic(project.clinic_file(slug)).get("name")
        except (LeafletError, OSError, ValueError):
            name = None
        usable = isinstance(name, str) and name_problem(name) is None
        names[slug] = str(name).strip() if usable else slug
    shared = collections.Counter(names.values())
    labels = {
        slug: f"{name} ({slug})" if shared[name] > 1 else name for slug, name in names.items()
    }
    return dict(sorted(labels.items(), key=lambda item: item[1].casefold()))


def _parts(key: str) -> tuple[list[str], str]:
    *tables, name = key.split(".")
    return tables, name


def value_at(doc: Container, key: str) -> str:
    """The value of a dotted key as form text ('' when absent)."""
    tables, name = _parts(key)
    table = doc
    for part in tables:
        table = table.get(part)
        if not isinstance(table, Mapping):
            return ""
    value = table.get(name, "")
    return value if isinstance(value, str) else str(value)


def as_hex(colour: str) -> str:
    """A CSS colour as the #rrggbb a colour picker shows; black when it is not a colour."""
    try:
        return Color(colour).convert("srgb").fit().to_string(hex=True, compress=False)
    except ValueError:
        return "#000000"


def form_values(doc: Container) -> dict[str, str]:
    """What each field shows for a clinic file."""
    values = {field.key: value_at(doc, field.key) for field in FIELDS}
    for field in FIELDS:
        if field.kind == "colour":
            values[field.key] = as_hex(values[field.key] or _default(field.key))
        if field.kind == "select":  # a paper may be written in any case: 'letter' is Letter
            value = values[field.key]
            values[field.key] = next(
                (c for c in field.choices if c.lower() == value.lower()), value
            )
    return values


def _default(key: str) -> str:
    table, name = _parts(key)
    return Branding.model_fields[table[0]].default.model_dump()[name]


def _unchanged(field: Field, submitted: str, current: str) -> bool:
    if field.kind == "colour":
        return as_hex(current or _default(field.key)) == as_hex(submitted)
    if field.kind == "select":
        return submitted.lower() == current.lower()
    return submitted == current


def apply_form(doc: Container, form: Mapping[str, str]) -> None:
    """Write each submitted field into `doc`, touching only the keys whose value changed.

    A field left out of the form leaves its key alone; a field sent empty removes it.
    """
    for field in FIELDS:
        if field.kind == "file" or field.key not in form:  # uploads: see `save_clinic`
            continue
        submitted = form.get(field.key, "").replace("\r\n", "\n").strip()
        if not _unchanged(field, submitted, value_at(doc, field.key)):
            set_key(doc, field.key, submitted)


def set_key(doc: Container, key: str, value: str) -> None:
    """Set a dotted key, making its table if needed; an empty value removes the key."""
    tables, name = _parts(key)
    table = doc
    for part in tables:
        if part not in table:
            if not value:
                return
            table[part] = tomlkit.table()
        table = table[part]
    if not value:
        table.pop(name, None)
        return
    table[name] = tomlkit.string(value, multiline="\n" in value)


def problems_by_field(doc: Container, path: Path) -> dict[str, list[str]]:
    """Validate as the CLI does; each problem under its field's key, '' for the rest."""
    try:
        Branding.model_validate(doc.unwrap(), context={"clinic_file": path})
    except ValidationError as error:
        found: dict[str, list[str]] = {}
        for problem in describe_errors(error, Branding):
            field = problem.key if problem.key in KEYS else ""
            found.setdefault(field, []).append(problem.message if field else str(problem))
        return found
    return {}


def check_slug(project: Project, slug: str) -> str | None:
    """Why `slug` cannot name a new clinic file, or None."""
    if not SLUG.match(slug):
        return f"'{slug}' cannot be a file name: use {SLUG_FORM}"
    if project.clinic_file(slug).exists():
        return f"clinics/{slug}.toml already exists; edit it instead, or choose another name"
    return None


def new_slug(form: Mapping[str, str]) -> str:
    """The slug asked for, or one made from the clinic's name."""
    return form.get("slug", "").strip() or slug_for(form.get("name", ""))


@dataclass
class Upload:
    """A logo being uploaded: kept in a hidden folder inside the clinic's folder until saved."""

    name: str
    stream: IO[bytes]


def check_upload_name(name: str) -> str | None:
    """Why an uploaded file's name is refused, or None: it may not name a folder."""
    if _FILE_NAME.match(name) and len(name) <= 100:
        return None
    return (
        f"'{name}' is not a plain file name (use letters, digits, hyphens and "
        "underscores, such as logo.png)"
    )


def save_clinic(
    project: Project, slug: str, doc: tomlkit.TOMLDocument, upload: Upload | None
) -> dict[str, list[str]]:
    """Validate `doc` (with the uploaded logo, if any) and save both; return the problems.

    Nothing is written unless everything is valid. The logo is checked where it will live,
    inside the clinic's folder, so the CLI's own path and asset checks apply; it is
    renamed into place, then the clinic file is written atomically.
    """
    path = project.clinic_file(slug)
    folder = project.clinics / slug
    if upload is None:
        problems = problems_by_field(doc, path)
        if not problems:
            write_atomic(path, tomlkit.dumps(doc).encode("utf-8"))
        return problems
    folder.mkdir(parents=True, exist_ok=True)
    pending = Path(tempfile.mkdtemp(prefix=".upload-", dir=folder))
    try:
        with open(pending / upload.name, "wb") as stream:
            shutil.copyfileobj(upload.stream, stream)
        set_key(doc, LOGO_FILE, f"{slug}/{pending.name}/{upload.name}")
        problems = problems_by_field(doc, path)
        if problems:
            return problems
        (pending / upload.name).replace(folder / upload.name)
        set_key(doc, LOGO_FILE, f"{slug}/{upload.name}")
        write_atomic(path, tomlkit.dumps(doc).encode("utf-8"))
        return {}
    finally:
        shutil.rmtree(pending, ignore_errors=True)
