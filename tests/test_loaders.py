"""The fast tier: bad clinic files and handouts read by the loaders, nothing rendered.

The inputs are the catalogue's (`tests/test_catalogue.py` runs each through the CLI and
renders); here every case that fails when its file is read is checked for its whole
message: the file, the key, the value as given, and what would be valid.
"""

from __future__ import annotations

import io
import os
import re
import threading
from pathlib import Path

import pytest
from PIL import Image, ImageFile
from test_catalogue import CASES, Case, bomb_png, png

from conftest import HANDOUT, Project
from leaflets.assets import check_logo
from leaflets.branding import load_branding
from leaflets.clinic_fields import dialable
from leaflets.content import load_handout
from leaflets.errors import ConfigError
from leaflets.raster import MAX_LOGO_PIXELS
from leaflets.user_files import Unreadable, read_user_file

SHEET = "clinics/probe.toml: theme.extra_css: clinics/probe/extra.css: "
IMAGES = (
    "is not allowed: a handout's images must be files in its own folder "
    f"handouts/{HANDOUT}/, given as a relative path"
)
COLOUR = "is not a CSS colour (use one such as #1a5f7a, rgb(26 95 122) or navy)"
WEB = "a web address must start with https:// or http://"

# Each catalogue case refused when its file is read, and its message (or a line of it).
MESSAGES = {
    "CFG-01": "clinics/probe.toml: name: required, but missing",
    "CFG-02": "clinics/probe.toml: not valid TOML: Invalid value (at line 4, column 11) "
    '(check quotes around text and colours, such as primary = "#0055aa")',
    "CFG-03": "clinics/probe.toml: colours.primry: unknown key (did you mean 'primary'?)",
    "CFG-04": "clinics/probe.toml: contact.phone: expected text in quotes, got 442079460000",
    "CFG-05": "clinics/probe.toml: is not UTF-8 text (byte 0xE9 at position 11); save it as UTF-8",
    "CFG-06": "clinics/probe.toml: name: contains U+202E (RIGHT-TO-LEFT OVERRIDE), a hidden "
    "character that would reorder the text around it; remove it",
    "CFG-07": "clinics/probe.toml: paper: 'B5' is not a paper size (use A4, Letter or A5, in any "
    "case)",
    "COL-01": "clinics/probe.toml: colours.primary: 'red; background: url(<local-server>/c.png)' "
    + COLOUR,
    "COL-02": f"clinics/probe.toml: colours.accent: 'bluish' {COLOUR}",
    "COL-03": "clinics/probe.toml: font.family: 'NoSuchFont Pro' is not a font this project "
    "ships (Lato, Open Sans, Inter, Noto Sans, Noto Serif, DejaVu Sans); choose one of those or "
    "list its font files under files",
    "COL-04": 'clinics/probe.toml: font.family: \'Arial"; } @import url("<local-server>/f.css"); '
    "body { font-family: \"x' is not a font family name (letters, digits, spaces and hyphens, "
    "such as 'Open Sans')",
    "URL-01": "clinics/probe.toml: contact.website: 'javascript:alert(1)' has the javascript: "
    f"scheme; {WEB}",
    "URL-02": "clinics/probe.toml: contact.booking_url: 'file:///etc/passwd' has the file: "
    f"scheme; {WEB}",
    "URL-03": "clinics/probe.toml: contact.booking_url: 'https://staff:hunter2@probe.example/book' "
    "carries a user name or password; remove it",
    "URL-04": "clinics/probe.toml: contact.booking_url: is 3031 characters long; the limit is 300 "
    "(use a shorter link)",
    "LOGO-01": "clinics/probe.toml: logo.file: 'probe/logo.svg' not found (put the file in "
    "clinics/probe/)",
    "LOGO-02": "clinics/probe.toml: logo.file: '<outside>/canary.svg' must be a path relative to "
    "the clinic file, inside clinics/probe/",
    "LOGO-03": "clinics/probe.toml: logo.file: '../../outside/canary.svg' is outside the clinic's "
    "folder clinics/probe/; put the file there",
    "LOGO-04": "clinics/probe.toml: logo.file: 'logo.png' is not a readable image (use a PNG, "
    "JPEG or SVG file)",
    "LOGO-05": "clinics/probe.toml: logo.file: 'logo.png' is 20000 x 20000 pixels; the limit is "
    "4000 x 4000",
    "LOGO-06": "clinics/probe.toml: logo.file: 'logo.png' is damaged or cut short (the file ends "
    "before the image does)",
    "LOGO-07": "clinics/probe.toml: logo.file: the SVG has a DOCTYPE or entities, which could "
    "read other files; remove them",
    "LOGO-08": "clinics/probe.toml: logo.file: the SVG contains <image>, which can run code or "
    "load other files; logos must be self-contained shapes and text",
    "LOGO-09": "clinics/probe.toml: logo.alt: required, but missing (the words screen readers "
    "read aloud in place of the logo, such as 'Bright Smile Hair Clinic logo')",
    "MD-02": f"handouts/{HANDOUT}/en.md: image 'file://<outside>/canary.svg' {IMAGES}",
    "MD-03": f"handouts/{HANDOUT}/en.md: image '../../../../outside/canary.svg' {IMAGES}",
    "MD-04": f"handouts/{HANDOUT}/en.md: image '<local-server>/diagram.png' {IMAGES}",
    "FM-01": "handouts/probe-fm/en.md: no front matter: the file must start with a +++ block "
    "holding id, title, summary, version, issue_date, review_date and sources",
    "FM-02": "handouts/probe-fm/en.md: line 3, column 9: front matter is not valid TOML "
    "(Invalid value)",
    "FM-03": "handouts/probe-fm/en.md: title: required, but missing",
    "FM-04": "handouts/probe-fm/en.md: (top level): review_date 2025-01-15 must come after "
    "issue_date 2026-01-15",
    "TPL-05": f"{SHEET}line 1: loads 'file://<outside>/canary.css'; a clinic stylesheet may "
    'load only files beside it, by a relative path such as url("fonts/MyFont.woff2")',
    "TPL-06": f"{SHEET}line 1: loads '<local-server>/probe.woff2'; a clinic stylesheet may load "
    'only files beside it, by a relative path such as url("fonts/MyFont.woff2")',
    "TPL-07": "clinics/probe.toml: theme.extra_css: '../../outside/canary.css' is outside the "
    "clinic's folder clinics/probe/; put the file there",
    "SEC-04": f"{SHEET}line 2: property 'opacity' is not allowed in a clinic stylesheet "
    "(allowed: color, border, border-*, margin, margin-*, padding, padding-*, font-family, "
    "font-weight, font-style, letter-spacing, line-height, text-align)",
    "SEC-05": f"{SHEET}line 1: custom property '--risk-text-size' is not allowed in a clinic "
    "stylesheet (write each value itself)",
}
BY_ID = {case.id: case for case in CASES}
LOADS = [case for case in CASES if case.exit == 0]


def _fill(project: Project, text: str) -> str:
    return text.replace("<outside>", str(project.outside)).replace(
        "<local-server>", project.server_url
    )


def _load(project: Project, case: Case) -> None:
    """Write the case's files, then read the file it is about with its loader."""
    for relative, content in case.files.items():
        project.write(relative, content)
    handout = project.root / "handouts" / HANDOUT / "en.md"
    if case.appended:
        project.append_to_handout(case.appended)
    if case.replaced[0]:
        handout.write_text(handout.read_text(encoding="utf-8").replace(*case.replaced, 1))
    probe_fm = project.root / "handouts" / "probe-fm" / "en.md"
    if probe_fm.exists():
        load_handout(probe_fm)
    elif case.appended or case.replaced[0]:
        load_handout(handout)
    else:
        load_branding(project.root / "clinics" / "probe.toml")


@pytest.fixture
def here(project: Project, local_server, monkeypatch: pytest.MonkeyPatch) -> Project:
    """The project, as the working folder: messages name its files as a user types them."""
    monkeypatch.chdir(project.root)
    return project


@pytest.mark.parametrize("case_id", MESSAGES)
def test_a_bad_file_is_refused_with_its_whole_message(here: Project, case_id: str) -> None:
    case = BY_ID[case_id]
    with pytest.raises(ConfigError) as raised:
        _load(here, case)
    assert raised.value.exit_code == case.exit
    lines = [line.strip() for line in raised.value.message.splitlines()]
    assert _fill(here, MESSAGES[case_id]) in lines


@pytest.mark.parametrize("case", LOADS, ids=[case.id for case in LOADS])
def test_a_file_the_catalogue_builds_loads(here: Project, case: Case) -> None:
    _load(here, case)


def test_every_case_refused_on_reading_is_in_the_table() -> None:
    # Exit 2 is a file (or the command line) that is invalid: each such file is here.
    refused = {case.id for case in CASES if case.exit == 2 and not case.id.startswith("CLI-")}
    assert refused == set(MESSAGES)


# One way to read a user's file: the same words for every kind of file.

LATIN_1 = "Café".encode("latin-1")
FILES = {  # how each kind of file is written and read, and what its message starts with
    "clinic file": ("clinics/probe.toml", "clinics/probe.toml: "),
    "handout": (f"handouts/{HANDOUT}/en.md", f"handouts/{HANDOUT}/en.md: "),
    "stylesheet": ("clinics/probe/extra.css", "clinics/probe.toml: theme.extra_css: "),
}


@pytest.mark.parametrize("kind", FILES)
def test_every_text_file_not_in_utf_8_is_refused_in_the_same_words(
    here: Project, kind: str
) -> None:
    relative, start = FILES[kind]
    here.write("clinics/probe.toml", 'name = "Probe"\n[theme]\nextra_css = "probe/extra.css"\n')
    here.write("clinics/probe/extra.css", "p { color: #000; }\n")
    here.write(relative, b"x = " + LATIN_1)
    loader = load_handout if kind == "handout" else load_branding
    with pytest.raises(ConfigError) as raised:
        loader(here.root / FILES["handout" if kind == "handout" else "clinic file"][0])
    wrong = "is not UTF-8 text (byte 0xE9 at position 7); save it as UTF-8"
    assert raised.value.message == start + wrong


def test_a_clinic_file_that_is_a_fifo_is_refused_without_waiting(here: Project) -> None:
    path = here.root / "clinics" / "probe.toml"
    os.mkfifo(path)
    said: list[str] = []

    def load() -> None:
        try:
            load_branding(path)
        except ConfigError as error:
            said.append(error.message)

    reader = threading.Thread(target=load, daemon=True)
    reader.start()
    reader.join(10)
    if reader.is_alive():  # blocked reading the FIFO: give it a writer, so the test ends
        with open(path, "wb"):
            pass
        reader.join(10)
        pytest.fail("reading a clinic file that is a FIFO blocked")
    assert said == ["clinics/probe.toml: cannot be read (it is a pipe or a device, not a file)"]


@pytest.mark.parametrize(
    ("make", "follow_links", "words"),
    [
        (lambda path: path.mkdir(), True, "cannot be read (Is a directory)"),
        (lambda path: path.symlink_to(path.with_name("real")), False, "it is a symbolic link"),
        (lambda path: path.write_bytes(b"x" * 2048), True, "the file is 0.0 MB; the limit is"),
        (lambda path: None, True, "file not found"),
    ],
    ids=["folder", "link-not-followed", "too-large", "missing"],
)
def test_what_cannot_be_read_is_said_in_words(
    tmp_path: Path, make, follow_links: bool, words: str
) -> None:
    (tmp_path / "real").write_text("real")
    path = tmp_path / "file"
    make(path)
    with pytest.raises(Unreadable, match=re.escape(words)):
        read_user_file(path, 1024, follow_links=follow_links)


# One hidden-character rule, in one wording, for clinic files and handouts alike.

HIDDEN = {
    "bidi-override": ("\u202e", "U+202E (RIGHT-TO-LEFT OVERRIDE)", "reorder the text around it"),
    "right-to-left-mark": ("\u200f", "U+200F (RIGHT-TO-LEFT MARK)", "reorder the text around it"),
    "control": ("\u0007", "U+0007 (a control character)", "print as an empty box"),
}


@pytest.mark.parametrize("kind", HIDDEN)
def test_a_hidden_character_is_refused_in_the_same_words_everywhere(
    here: Project, kind: str
) -> None:
    char, named, harm = HIDDEN[kind]
    words = f"contains {named}, a hidden character that would {harm}; remove it"
    escaped = f"\\u{ord(char):04X}"  # TOML refuses a raw control character itself
    clinic = here.clinic("probe", f'name = "Probe"\nfooter_note = "Call 111 {escaped}999"\n')
    with pytest.raises(ConfigError) as raised:
        load_branding(clinic)
    assert raised.value.message == f"clinics/probe.toml: footer_note: {words}"
    here.append_to_handout(f"Call 111 {char}999")
    with pytest.raises(ConfigError) as raised:
        load_handout(here.root / "handouts" / HANDOUT / "en.md")
    assert raised.value.message.startswith(f"handouts/{HANDOUT}/en.md: line ")
    assert raised.value.message.endswith(f": {words}")


def test_a_tab_and_a_line_break_are_kept_where_a_value_may_have_them(here: Project) -> None:
    clinic = here.clinic("probe", 'name = "Probe"\n[contact]\naddress = "1 High St\\n\\tLeeds"\n')
    assert load_branding(clinic).contact.address == "1 High St\n\tLeeds"


# Pillow's process-wide settings: set once when the logo check is imported, never per call.


def _jpeg(width: int, height: int) -> bytes:
    stream = io.BytesIO()
    Image.new("RGB", (width, height), "#0055aa").save(stream, "JPEG")
    return stream.getvalue()


def _bad_checksum(data: bytes) -> bytes:
    at = data.index(b"IDAT") + 6  # a byte of the image data, past the chunk's type
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]


LOGOS = {  # name, bytes, the words of the refusal (None: accepted)
    "png": ("logo.png", png(300, 100), None),
    "jpeg": ("logo.jpg", _jpeg(300, 100), None),
    "bomb": ("logo.png", bomb_png(), "'logo.png' is 20000 x 20000 pixels; the limit is 4000"),
    "png-cut-short": ("logo.png", png(300, 100)[:60], "the file ends before the image does"),
    "jpeg-cut-short": ("logo.jpg", _jpeg(300, 100)[:800], "the file ends before the image does"),
    "jpeg-cut-in-its-header": ("logo.jpg", _jpeg(300, 100)[:400], "is not a readable image"),
    "bad-checksum": ("logo.png", _bad_checksum(png(300, 100)), "checksum of its IDAT part"),
}


@pytest.mark.parametrize("kind", LOGOS)
def test_pillow_settings_hold_after_checking_a_logo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    # WeasyPrint sets LOAD_TRUNCATED_IMAGES when imported: the check must not rely on it.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    name, data, refused = LOGOS[kind]
    path = tmp_path / name
    path.write_bytes(data)
    if refused:
        with pytest.raises(ValueError, match=re.escape(refused)):
            check_logo(path)
    else:
        check_logo(path)
    assert Image.MAX_IMAGE_PIXELS == MAX_LOGO_PIXELS * MAX_LOGO_PIXELS
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True


def test_a_phone_number_is_dialled_as_it_is_written(here: Project) -> None:
    assert dialable("+44 (0)23 9200 0000") == "+442392000000"
    assert dialable("0117 496 0142") == "01174960142"
    here.clinic("probe", 'name = "Probe Clinic"\n[contact]\nphone = "020 7946 0000 +1"\n')
    with pytest.raises(ConfigError) as raised:
        load_branding(here.root / "clinics" / "probe.toml")
    assert raised.value.message == (
        "clinics/probe.toml: contact.phone: '020 7946 0000 +1' has a + after its start; a + "
        "only begins an international number, such as +44 20 7946 0000"
    )


def test_two_headings_with_one_anchor_are_refused(here: Project) -> None:
    here.append_to_handout("## When to get medical help?\n\nAsk at reception.")
    with pytest.raises(ConfigError) as raised:
        load_handout(here.root / "handouts" / HANDOUT / "en.md")
    assert (
        "the headings 'When to get medical help' and 'When to get medical help?' both make "
        "the anchor '#when-to-get-medical-help'; rename one"
    ) in raised.value.message
