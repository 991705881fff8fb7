"""`init`: a new clinic file, commented so staff can fill it in without reading the docs."""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from pathlib import Path

import tomlkit

from .branding import name_problem
from .errors import ConfigError, shown
from .paper import IN_WORDS
from .project import SLUG, Project

TEMPLATE = """\
# Branding for {name}. Only `name` is required: delete or fill in the rest.
# Paths are relative to this file and must be inside the clinic's folder, {slug}/.
name = {quoted}
paper = "A4"            # {papers}
language = "en"         # the handout language to print, if the handout has it
# languages = ["en", "es"]      # or several: a leaflet in each
# large_print = true            # also build a large-print copy (16 pt and up)
# approver = "Dr Jane Example, Clinical Lead"
# approved_on = 2026-11-20      # "Approved for use at <name> by <approver> on <date>"
# footer_note = "Printed for patients of {name}."

# [logo]
# file = "{slug}/logo.svg"   # SVG, PNG or JPEG
# alt = "{name} logo"        # what a screen reader says instead of the picture

[colours]               # any CSS colour: #1a5f7a, rgb(26 95 122), navy
primary = "#1a5f7a"
accent = "#f2a541"

[font]
family = "Lato"         # Lato, Open Sans, Inter, Noto Sans, Noto Serif or DejaVu Sans

[contact]
# address = \"\"\"12 High Street
# Exampletown EX1 2AB\"\"\"
# phone = "+44 20 7946 0000"
# email = "hello@clinic.example"
# website = "https://clinic.example"
# opening_hours = "Monday to Friday, 9:00 to 17:00"
# booking_url = "https://clinic.example/book"
"""


MAX_SLUG = 60


def slug_for(name: str) -> str:
    """A file-name slug for a clinic's display name: 'Bright Smile' -> 'bright-smile'.

    A name with no Latin letters or digits ('診療所') gets 'clinic-' and a short hash of
    the name: the file is renamed at will, and the name inside it is printed as written.
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    if not slug:
        return f"clinic-{hashlib.sha256(name.encode()).hexdigest()[:6]}"
    return slug[:MAX_SLUG].rsplit("-", 1)[0] if len(slug) > MAX_SLUG else slug


def clinic_file_text(name: str, slug: str) -> str:
    """The commented clinic file for a new clinic called `name`."""
    quoted = tomlkit.string(name).as_string()
    return TEMPLATE.format(name=name, slug=slug, quoted=quoted, papers=IN_WORDS)


def write_clinic_file(project: Project, name: str) -> Path:
    """Create `clinics/<slug>.toml` and its folder; refuse to replace an existing file."""
    problem = name_problem(name)
    if problem:
        raise ConfigError(f"NAME: {problem}")
    slug = slug_for(name)
    if not SLUG.match(slug):
        raise ConfigError(f"NAME: cannot make a file name from '{name}'; use letters or digits")
    path = project.clinics / f"{slug}.toml"
    text = clinic_file_text(name, slug)
    project.clinics.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8") as stream:  # "x": never overwrite
            stream.write(text)
    except FileExistsError:
        raise ConfigError(
            f"{shown(path)} already exists; edit it, or choose another name"
        ) from None
    os.makedirs(project.clinics / slug, exist_ok=True)
    return path
