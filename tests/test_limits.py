"""Input past a limit: nesting, sizes, damaged fonts, odd names. A message, never exit 70.

Each handout or clinic file case is checked with `check` (which reads every file and
renders nothing), so a file that would take minutes to parse fails these tests by hanging.
"""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables._g_l_y_f import Glyph

from conftest import HANDOUT, PROBE_FM, Project

PROBE = 'name = "Probe Clinic"\n'
BODY_LINE = PROBE_FM.count("\n") + 2  # the first line appended after PROBE_FM and a blank
LATO = Path("/usr/share/fonts/truetype/lato/Lato-Regular.ttf")
SERIF = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")  # a family no clinic reserves

HANDOUT_CASES = {
    "brackets": ("[" * 3000 + "]" * 3000, f"line {BODY_LINE}: square brackets [ ] nested"),
    "links-left-open": ("[a](" * 1500, f"line {BODY_LINE}: parentheses ( ) nested"),
    "nested-links": ("[" * 1000 + "a" + "]()" * 1000, "square brackets [ ] nested"),
    "emphasis": ("*a _a " * 50 + "a" + " a_ a*" * 50, "emphasis (* or _) nested"),
    "quotes": ("> " * 50 + "a", f"line {BODY_LINE}: quotes nested 50 deep"),
    "lists": (
        "".join("    " * level + "- a\n" for level in range(10)),
        f"line {BODY_LINE + 4}: a list nested 5 levels deep; the limit is 4",
    ),
    "long-paragraph": ("word " * 1100, "a paragraph of more than 5,000 characters"),
    "many-marks": ("*a* " * 60, "a paragraph with more than 100 Markdown marks"),
    "many-lines": ("- item\n" * 2500, "lines; the limit is 2,000"),
    "long-word": (
        "a" * 900_000,
        f"line {BODY_LINE}: a word of 900,000 characters ('aaaaaaaaaaaaaaaaaaaaaaaaaaa...') "
        "is too long to print; a word may have at most 100 characters",
    ),
    "long-address": (
        "https://example.org/" + "a" * 3000,
        "a web or mail address may have at most 2,000 characters",
    ),
    "1-MB-of-links": ("[a](" * 250_000, "parentheses ( ) nested"),
    "front-matter": (None, "line 10: lists or tables are nested hundreds of levels deep"),
}


@pytest.mark.parametrize(("body", "fragment"), HANDOUT_CASES.values(), ids=HANDOUT_CASES)
def test_a_handout_past_a_limit_is_refused_by_line(
    project: Project, body: str | None, fragment: str
) -> None:
    text = PROBE_FM + "\n" + (body or "") + "\n"
    if body is None:  # deep nesting in the front matter, past what tomllib can recurse
        text = PROBE_FM.replace("+++\n\n", "x = " + "[" * 10000 + "]" * 10000 + "\n+++\n\n")
    project.write("handouts/probe-fm/en.md", text)
    result = project.run("check")
    assert result.exit_code == 2, result.output  # an invalid file: check could not read it
    assert "probe-fm/en.md: line " in result.stderr and fragment in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.slow  # builds a leaflet
def test_a_handout_past_a_limit_fails_only_its_leaflets(project: Project) -> None:
    project.clinic("probe", PROBE)
    project.write("handouts/probe-fm/en.md", PROBE_FM + "\n" + "[" * 30000 + "]" * 30000)
    result = project.run("build", "--clinic", "probe")
    assert result.exit_code == 1
    assert "probe-fm/en.md: line" in result.stderr and "square brackets" in result.stderr
    assert project.pdf("probe").exists()
    named = project.run("build", "--clinic", "probe", "--handout", "probe-fm")
    assert named.exit_code == 2 and "square brackets" in named.stderr


def test_the_real_handouts_pass_check(project: Project) -> None:
    result = project.run("check")
    assert result.exit_code == 0, result.output
    for lang in ("en", "es"):
        assert f"{HANDOUT}/{lang}.md" in result.stdout


CLINIC_CASES = {
    "deep-list": (
        PROBE + "a = " + "[" * 10000 + "]" * 10000 + "\n",
        "probe.toml: line 2: lists or tables are nested hundreds of levels deep",
    ),
    "deep-inline-table": (
        PROBE + "a = " + "{b = " * 10000 + "1" + "}" * 10000 + "\n",
        "probe.toml: line 2: lists or tables are nested hundreds of levels deep",
    ),
    "nested-ten-deep": (
        PROBE + "a = " + "[" * 10 + "1" + "]" * 10 + "\n",
        "probe.toml: a" + "[0]" * 8 + ": lists or tables nested 9 deep, one inside",
    ),
    "blank-name": ('name = "   "\n', "probe.toml: name: is only spaces"),
    "bleed-nan": (
        PROBE + "bleed_mm = nan\n",
        "probe.toml: bleed_mm: nan is not a number from 0 to 10",
    ),
    "bleed-inf": (PROBE + "bleed_mm = inf\n", "probe.toml: bleed_mm: inf is not a number"),
    "bleed-negative": (PROBE + "bleed_mm = -1\n", "bleed_mm: -1.0 is not a number from 0 to 10"),
}


@pytest.mark.parametrize(("toml", "fragment"), CLINIC_CASES.values(), ids=CLINIC_CASES)
def test_a_clinic_file_past_a_limit_is_refused(project: Project, toml: str, fragment: str) -> None:
    project.clinic("probe", toml)
    result = project.run("check")
    assert result.exit_code == 2, result.output
    assert fragment in result.stderr
    named = project.run("build", "--clinic", "probe", "--dry-run")
    assert named.exit_code == 2 and fragment in named.stderr


def garbage_glyphs() -> bytes:
    """Lato with its table directory intact and its `glyf` table overwritten."""
    data = bytearray(LATO.read_bytes())
    for index in range(struct.unpack(">H", data[4:6])[0]):
        tag, _, offset, length = struct.unpack(">4sIII", data[12 + 16 * index : 28 + 16 * index])
        if tag == b"glyf":
            data[offset : offset + length] = (bytes(range(7, 256, 3)) * length)[:length]
    return bytes(data)


def empty_glyphs() -> bytes:
    """Lato with every glyph emptied: a valid font that draws nothing."""
    font = TTFont(LATO)
    for name in font.getGlyphOrder():
        font["glyf"][name] = Glyph()
    stream = io.BytesIO()
    font.save(stream)
    return stream.getvalue()


def saved(font: TTFont) -> bytes:
    stream = io.BytesIO()
    font.save(stream)
    return stream.getvalue()


def one_blank_letter() -> bytes:
    """A good serif whose 'e' draws nothing: a patient would read 'th  risk'."""
    font = TTFont(SERIF)
    font["glyf"][font.getBestCmap()[ord("e")]] = Glyph()
    return saved(font)


def calling_itself_lato() -> bytes:
    """A good serif whose name table says 'Lato': fontconfig would use it for every 'Lato'."""
    font = TTFont(SERIF)
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = "Lato"
    return saved(font)


def damaged_names() -> bytes:
    """A good serif whose name table is said to run past the end of the file."""
    data = bytearray(SERIF.read_bytes())
    for index in range(struct.unpack(">H", data[4:6])[0]):
        entry = 12 + 16 * index
        if data[entry : entry + 4] == b"name":
            data[entry + 12 : entry + 16] = struct.pack(">I", len(data))
    return bytes(data)


DAMAGED = "is a damaged font file: its letters could not be drawn ("
FONT_CASES = {
    "garbage-glyphs": (garbage_glyphs, DAMAGED + "the letter '"),
    "empty-glyphs": (empty_glyphs, DAMAGED + "every letter is empty and would print as a blank"),
    "one-blank-letter": (one_blank_letter, DAMAGED + "'e' would print as a blank)"),
    "calls-itself-lato": (calling_itself_lato, "calls itself 'Lato', the name of a font this"),
    "damaged-names": (damaged_names, "is a damaged font file (its names:"),
}


# A clinic's own font comes from its file's [font] files, or from its stylesheet's @font-face.
LOADED_BY = {
    "clinic-file": (
        '[font]\nfamily = "My Font"\nfiles = ["probe/MyFont.ttf"]\n',
        "probe.toml: font.files[0]: ",
    ),
    "stylesheet": ('[theme]\nextra_css = "probe/extra.css"\n', "probe/extra.css: line 1: "),
}


@pytest.mark.parametrize(("toml", "where"), LOADED_BY.values(), ids=LOADED_BY)
@pytest.mark.parametrize(("make", "reason"), FONT_CASES.values(), ids=FONT_CASES)
def test_a_damaged_or_impostor_font_is_refused_when_the_clinic_is_read(
    project: Project, make, reason: str, toml: str, where: str
) -> None:
    project.clinic("probe", PROBE + toml)
    project.write("clinics/probe/MyFont.ttf", make())
    project.write(
        "clinics/probe/extra.css",
        '@font-face { font-family: "Clinic Sans"; src: url("MyFont.ttf"); }',
    )
    result = project.run("build", "--clinic", "probe", "--dry-run")
    assert result.exit_code == 2, result.output
    assert f"{where}'MyFont.ttf' {reason}" in result.stderr


@pytest.mark.parametrize("family", ["Lato", "dejavu  sans", "Open Sans"])
def test_a_clinic_font_may_not_take_a_shipped_family_name(project: Project, family: str) -> None:
    # Its @font-face would stand in for the installed font of that name, in the risk box too.
    project.clinic("probe", PROBE + f'[font]\nfamily = "{family}"\nfiles = ["probe/MyFont.ttf"]\n')
    project.write("clinics/probe/MyFont.ttf", SERIF.read_bytes())
    result = project.run("build", "--clinic", "probe", "--dry-run")
    assert result.exit_code == 2, result.output
    assert f"font.family: '{family}' is the name of a font this project ships" in result.stderr


@pytest.mark.slow  # builds a leaflet
def test_a_good_font_file_still_builds(project: Project) -> None:
    project.clinic("probe", PROBE + '[font]\nfamily = "My Font"\nfiles = ["probe/MyFont.ttf"]\n')
    project.write("clinics/probe/MyFont.ttf", SERIF.read_bytes())
    result = project.run("build", "--clinic", "probe", "--handout", HANDOUT)
    assert result.exit_code == 0, result.output


INIT_CASES = {
    "300-characters": ("a" * 300, 2, "NAME: is 300 characters long; the limit is 80"),
    "bidi-override": ("Probe \u202eClinic", 2, "NAME: contains U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    "only-spaces": ("   ", 2, "NAME: is only spaces"),
    "cyrillic": ("Клиника Север", 0, "clinics/clinic-"),
    "japanese": ("診療所", 0, "clinics/clinic-"),
}


@pytest.mark.parametrize(("name", "code", "fragment"), INIT_CASES.values(), ids=INIT_CASES)
def test_init_with_an_odd_name(project: Project, name: str, code: int, fragment: str) -> None:
    result = project.run("init", name)
    assert result.exit_code == code, result.output
    assert fragment in result.output
    if code == 0:
        assert project.run("check").exit_code == 0
        written = next((project.root / "clinics").glob("clinic-*.toml"))
        assert f'name = "{name}"' in written.read_text(encoding="utf-8")


PDF_CASES = {
    "empty": (b"", "is empty, not a PDF file"),
    "not-a-pdf": (b"hello, I am text\n", "is not a PDF file (it does not start with %PDF-)"),
    "truncated": (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", "is a damaged or cut-short PDF file"),
    "too-large": (None, "the file is 50.0 MB; the limit is 50 MB"),
}


@pytest.mark.parametrize(("data", "fragment"), PDF_CASES.values(), ids=PDF_CASES)
def test_check_pdf_names_what_is_wrong_with_a_file(
    project: Project, data: bytes | None, fragment: str
) -> None:
    path = project.root / "given.pdf"
    if data is None:
        with open(path, "wb") as stream:
            stream.truncate(50 * 1024 * 1024 + 1)  # sparse: no disk used
    else:
        path.write_bytes(data)
    result = project.run("check", "--pdf", str(path))
    assert result.exit_code == 2, result.output
    assert f"given.pdf: {fragment}" in result.stderr
    assert "object at 0x" not in result.stderr and "Traceback" not in result.output


def test_check_pdf_refuses_a_folder(project: Project) -> None:
    result = project.run("check", "--pdf", str(project.root / "handouts"))
    assert result.exit_code == 2
    assert "is a directory" in result.stderr
