"""Every case of ../shared/bad-inputs.md, one test per case id.

Each case writes its files into a fresh copy of the project, runs the command, and checks
the exit status, the message fragments, and what was (or was not) written. The fixtures
check the rest of the five rules for every case: no file outside the project opened, no
connection to the local server.
"""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass, field

import pytest
import tinyhtml5
from PIL import Image

from conftest import HANDOUT, PROBE_FM, Project, pdf_text

pytestmark = pytest.mark.slow  # renders leaflets: left out of the fast tier

BUILD = ("build", "--clinic", "probe", "--handout", HANDOUT)
PROBE = 'name = "Probe Clinic"\n'
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    '<rect width="10" height="10" fill="#05a"/></svg>'
)


def png(width: int, height: int) -> bytes:
    stream = io.BytesIO()
    Image.new("RGB", (width, height), "#0055aa").save(stream, "PNG")
    return stream.getvalue()


def bomb_png(side: int = 20000) -> bytes:
    """A valid 1-bit PNG of side x side pixels, all zeros: tiny on disk, huge in memory."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    row = b"\x00" * (1 + side // 8)
    pixels = zlib.compress(row * side, 9)
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@dataclass
class Case:
    """One row of the catalogue."""

    id: str
    files: dict[str, str | bytes]
    exit: int  # the one status the README documents for this case
    fragments: tuple[str, ...] = ()
    args: tuple[str, ...] = BUILD
    appended: str = ""
    replaced: tuple[str, str] = ("", "")  # (old, new) in the handout's en.md
    texts: tuple[str, ...] = ()  # must be in the PDF's text (builds that succeed)
    absent: tuple[str, ...] = ()  # must not be in the PDF's text
    extra: dict = field(default_factory=dict)


def clinic(body: str, **files: str | bytes) -> dict[str, str | bytes]:
    return {
        "clinics/probe.toml": body,
        **{f"clinics/probe/{k.replace('_', '.')}": v for k, v in files.items()},
    }


FULL = """name = "Bright Smile Hair Clinic"
paper = "A4"
language = "en"
approver = "Dr Jane Example, Clinical Lead"
footer_note = "Printed for patients of Bright Smile."

[logo]
file = "probe/logo.svg"
alt = "Bright Smile Hair Clinic"

[colours]
primary = "#0055aa"
accent = "rgb(242 165 65)"

[font]
family = "Lato"

[contact]
address = \"\"\"12 High Street
Exampletown EX1 2AB\"\"\"
phone = "+44 20 7946 0000"
email = "hello@brightsmile.example"
website = "https://brightsmile.example"
opening_hours = "Monday to Friday, 9:00 to 17:00"
booking_url = "https://brightsmile.example/book"

[theme]
extra_css = "probe/extra.css"
"""

OVERRIDE = "clinics/probe/templates/leaflet.html"
TEMPLATES = '[theme]\ntemplates = "probe/templates"\n'
EXTRA_CSS = '[theme]\nextra_css = "probe/extra.css"\n'
LOGO = '[logo]\nfile = "probe/logo.png"\nalt = "Probe logo"\n'

CASES = [
    # Builds that must succeed
    Case("OK-01", clinic(PROBE), 0, texts=("Probe Clinic",)),
    Case(
        "OK-02",
        clinic(FULL, logo_svg=SVG, extra_css="h2 { letter-spacing: 0.5pt; }"),
        0,
        texts=(
            "Bright Smile Hair Clinic",
            "12 High Street",
            "hello@brightsmile.example",
            "Dr Jane Example, Clinical Lead",
            "Printed for patients of Bright Smile.",
        ),
    ),
    Case(
        "OK-03",
        clinic(
            PROBE + 'paper = "Letter"\n[logo]\nfile = "probe/logo.png"\n'
            'alt = "Probe Letter Clinic logo"\n',
            logo_png=png(300, 100),
        ),
        0,
        extra={"mediabox": (612, 792)},
    ),
    Case(
        "OK-04",
        clinic(
            'name = "Smith & Sons <b>Clinic</b>"\n'
            "footer_note = '<img src=\"<local-server>/footer.png\"> Ask at reception'\n"
        ),
        0,
        texts=("Smith & Sons <b>Clinic</b>", "Ask at reception"),
    ),
    Case(
        "OK-05",
        clinic('name = "Clinic {{ 7*191 }}"\n'),
        0,
        texts=("{{ 7*191 }}",),
        absent=("1337",),
    ),
    # Clinic file: reading and schema
    Case(
        "CFG-01",
        clinic("# Probe Clinic: fill in later\n"),
        2,
        ("probe.toml", "name", "required"),
    ),
    Case(
        "CFG-02",
        clinic('name = "Probe Clinic"\n\n[colours]\nprimary = #0055aa\n'),
        2,
        ("probe.toml", "line 4"),
    ),
    Case(
        "CFG-03",
        clinic(PROBE + '[colours]\nprimry = "#0055aa"\n'),
        2,
        ("probe.toml", "primry", "did you mean 'primary'"),
    ),
    Case(
        "CFG-04",
        clinic(PROBE + "[contact]\nphone = 442079460000\n"),
        2,
        ("probe.toml", "phone", "442079460000", "expected text"),
    ),
    Case(
        "CFG-05",
        {"clinics/probe.toml": 'name = "Café Clinic"\n'.encode("latin-1")},
        2,
        ("probe.toml", "UTF-8"),
    ),
    Case("CFG-06", clinic('name = "Probe \u202eClinic"\n'), 2, ("probe.toml", "name", "U+202E")),
    Case(
        "CFG-07",
        clinic(PROBE + 'paper = "B5"\n'),
        2,
        ("probe.toml", "paper", "B5", "A4", "Letter", "A5"),
    ),
    # Colours and fonts
    Case(
        "COL-01",
        clinic(PROBE + '[colours]\nprimary = "red; background: url(<local-server>/c.png)"\n'),
        2,
        ("probe.toml", "primary", "red; background: url("),
    ),
    Case(
        "COL-02",
        clinic(PROBE + '[colours]\naccent = "bluish"\n'),
        2,
        ("probe.toml", "accent", "bluish"),
    ),
    Case(
        "COL-03",
        clinic(PROBE + '[font]\nfamily = "NoSuchFont Pro"\n'),
        2,
        ("probe.toml", "family", "NoSuchFont Pro"),
    ),
    Case(
        "COL-04",
        clinic(
            PROBE + '[font]\nfamily = \'Arial"; } @import url("<local-server>/f.css"); '
            "body { font-family: \"x'\n"
        ),
        2,
        ("probe.toml", "family"),
    ),
    # Contact details and URLs
    Case(
        "URL-01",
        clinic(PROBE + '[contact]\nwebsite = "javascript:alert(1)"\n'),
        2,
        ("probe.toml", "website", "javascript:", "https://"),
    ),
    Case(
        "URL-02",
        clinic(PROBE + '[contact]\nbooking_url = "file:///etc/passwd"\n'),
        2,
        ("probe.toml", "booking_url", "file:"),
    ),
    Case(
        "URL-03",
        clinic(PROBE + '[contact]\nbooking_url = "https://staff:hunter2@probe.example/book"\n'),
        2,
        ("probe.toml", "booking_url"),
    ),
    Case(
        "URL-04",
        clinic(
            PROBE + '[contact]\nbooking_url = "https://probe.example/book?ref=' + "a" * 3000 + '"\n'
        ),
        2,
        ("probe.toml", "booking_url"),
    ),
    Case(
        "URL-05",
        clinic(
            PROBE + '[contact]\nwebsite = "<local-server>/site"\n'
            'booking_url = "<local-server>/book"\n'
        ),
        0,
    ),
    # Logo
    Case(
        "LOGO-01",
        clinic(PROBE + '[logo]\nfile = "probe/logo.svg"\nalt = "Probe logo"\n'),
        2,
        ("probe.toml", "logo", "logo.svg"),
    ),
    Case(
        "LOGO-02",
        clinic(PROBE + '[logo]\nfile = "<outside>/canary.svg"\nalt = "Probe logo"\n'),
        2,
        ("probe.toml", "logo"),
    ),
    Case(
        "LOGO-03",
        clinic(PROBE + '[logo]\nfile = "../../outside/canary.svg"\nalt = "Probe logo"\n'),
        2,
        ("probe.toml", "logo"),
    ),
    Case(
        "LOGO-04",
        clinic(PROBE + LOGO, logo_png=b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n"),
        2,
        ("logo", "PNG", "JPEG", "SVG"),
    ),
    Case("LOGO-05", clinic(PROBE + LOGO, logo_png=bomb_png()), 2, ("logo", "20000")),
    Case("LOGO-06", clinic(PROBE + LOGO, logo_png=png(300, 100)[:60]), 2, ("logo",)),
    Case(
        "LOGO-07",
        clinic(
            PROBE + '[logo]\nfile = "probe/logo.svg"\nalt = "Probe logo"\n',
            logo_svg=(
                '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY secret SYSTEM "file://<outside>/canary.txt">]>\n'
                '<svg xmlns="http://www.w3.org/2000/svg"><text>&secret;</text></svg>'
            ),
        ),
        2,
        ("logo",),
    ),
    Case(
        "LOGO-08",
        clinic(
            PROBE + '[logo]\nfile = "probe/logo.svg"\nalt = "Probe logo"\n',
            logo_svg=(
                '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
                '<image href="<local-server>/inner.png" width="10" height="10"/></svg>'
            ),
        ),
        2,
        ("logo",),
    ),
    Case(
        "LOGO-09",
        clinic(PROBE + '[logo]\nfile = "probe/logo.svg"\n', logo_svg=SVG),
        2,
        ("probe.toml", "alt"),
    ),
    # Handout Markdown
    Case(
        "MD-01",
        clinic(PROBE),
        0,
        appended=(
            '<script>alert("x")</script>\n\n<img src="<local-server>/md.png" onerror="alert(1)">'
        ),
        texts=("When to get medical help",),
    ),
    Case(
        "MD-02",
        clinic(PROBE),
        2,
        ("en.md", "file://<outside>/canary.svg"),
        appended="![Scalp diagram](file://<outside>/canary.svg)",
    ),
    Case(
        "MD-03",
        clinic(PROBE),
        2,
        ("en.md", "../../../../outside/canary.svg"),
        appended="![Scalp diagram](../../../../outside/canary.svg)",
    ),
    Case(
        "MD-04",
        clinic(PROBE),
        2,
        ("en.md", "<local-server>/diagram.png"),
        appended="![Scalp diagram](<local-server>/diagram.png)",
    ),
    Case(
        "MD-05",
        clinic(PROBE),
        0,
        appended=(
            '<link rel="attachment" href="file://<outside>/canary.txt">\n\n'
            '<a rel="attachment" href="file://<outside>/canary.txt">clinic notes</a>'
        ),
        extra={"no_attachments": True},
    ),
    Case(
        "MD-06",
        clinic(PROBE),
        0,
        appended=("[Book now](javascript:alert(1)) and [our notes](file://<outside>/canary.txt)"),
        texts=("Book now", "our notes"),
        extra={"no_targets": ("javascript:", "<outside>")},
    ),
    Case(
        "MD-07",
        clinic(PROBE),
        0,
        appended="Dose note: {{ 7*191 }} {% raw %}",
        texts=("{{ 7*191 }}",),
        absent=("1337",),
    ),
    Case(
        "MD-08",
        clinic(PROBE),
        1,
        (HANDOUT, "pages", "limit"),
        appended="\n\n".join(
            f"Extra paragraph {n} about scalp care and more." * 3 for n in range(400)
        ),
    ),
    Case(
        "MD-09",
        clinic(PROBE),
        1,
        ("probe", HANDOUT, "Zebra crossing safety"),
        replaced=("required_sections = [", 'required_sections = ["Zebra crossing safety", '),
    ),
    # Handout front matter
    Case(
        "FM-01",
        {**clinic(PROBE), "handouts/probe-fm/en.md": PROBE_FM.split("+++\n", 2)[2]},
        2,
        ("probe-fm/en.md", "front matter"),
        args=("build", "--clinic", "probe", "--handout", "probe-fm"),
    ),
    Case(
        "FM-02",
        {
            **clinic(PROBE),
            "handouts/probe-fm/en.md": PROBE_FM.replace(
                'title = "Probe handout"', "title = Probe handout"
            ),
        },
        2,
        ("probe-fm/en.md", "line 3"),
        args=("build", "--clinic", "probe", "--handout", "probe-fm"),
    ),
    Case(
        "FM-03",
        {
            **clinic(PROBE),
            "handouts/probe-fm/en.md": PROBE_FM.replace('title = "Probe handout"\n', ""),
        },
        2,
        ("probe-fm/en.md", "title"),
        args=("build", "--clinic", "probe", "--handout", "probe-fm"),
    ),
    Case(
        "FM-04",
        {
            **clinic(PROBE),
            "handouts/probe-fm/en.md": PROBE_FM.replace(
                "review_date = 2099-01-15", "review_date = 2025-01-15"
            ),
        },
        2,
        ("probe-fm/en.md", "review_date"),
        args=("build", "--clinic", "probe", "--handout", "probe-fm"),
    ),
    # Clinic template overrides and extra CSS
    Case(
        "TPL-01",
        {
            **clinic(PROBE + TEMPLATES),
            OVERRIDE: "<html><body><h1>{{ meta.title }}</h1><p>Short page.</p></body></html>",
        },
        1,
        ("probe", HANDOUT, "Risks and side effects"),
    ),
    Case(
        "TPL-02",
        {
            **clinic(PROBE + TEMPLATES),
            OVERRIDE: "<p>{{ ''.__class__.__mro__[1].__subclasses__() }}</p>",
        },
        1,
        ("leaflet.html", "unsafe"),
    ),
    Case(
        "TPL-03",
        {
            **clinic(PROBE + TEMPLATES),
            OVERRIDE: "{% include '../../../../outside/canary.txt' %}",
        },
        1,
        ("leaflet.html", "../../../../outside/canary.txt"),
    ),
    Case(
        "TPL-04",
        {
            **clinic(PROBE + TEMPLATES),
            OVERRIDE: "<p>{{ no_such_variable_xyz }}</p>",
        },
        1,
        ("leaflet.html", "no_such_variable_xyz"),
    ),
    Case(
        "TPL-05",
        clinic(PROBE + EXTRA_CSS, extra_css='@import url("file://<outside>/canary.css");'),
        2,
        ("extra_css", "file://<outside>/canary.css"),
    ),
    Case(
        "TPL-06",
        clinic(
            PROBE + EXTRA_CSS,
            extra_css=(
                '@font-face { font-family: "Probe Web"; src: url("<local-server>/probe.woff2"); }'
            ),
        ),
        2,
        ("<local-server>/probe.woff2",),
    ),
    Case(
        "TPL-07",
        clinic(PROBE + '[theme]\nextra_css = "../../outside/canary.css"\n'),
        2,
        ("probe.toml", "extra_css"),
    ),
    # Beyond the catalogue: a hostile clinic folder (issue 13). The fixtures check that the
    # outside canary is never opened.
    Case(
        "SEC-01",
        {
            **clinic(PROBE + TEMPLATES),
            OVERRIDE: "{{ clinic.folder.joinpath('<outside>/canary.txt').read_text() }}",
        },
        1,
        ("leaflet.html", "clinic"),
    ),
    Case(
        "SEC-02",
        {
            **clinic(PROBE + TEMPLATES),
            OVERRIDE: "{{ clinic.file.with_name('x.html').write_text('x') }}",
        },
        1,
        ("leaflet.html", "clinic"),
    ),
    Case(
        "SEC-03",
        {
            **clinic(PROBE + TEMPLATES),
            OVERRIDE: '{% extends "base.html" %}{% block body %}'
            '<section class="section risk-box"><h2 id="risks-and-side-effects">'
            "Risks and side effects</h2><p>None.</p></section>{% endblock %}",
        },
        1,
        ("probe", "'Risks and side effects'", "does not print {{ handout.html }} once, as it is"),
    ),
    Case(
        "SEC-04",
        clinic(PROBE + EXTRA_CSS, extra_css="main {\n  opacity: 0.1;\n}"),
        2,
        ("probe/extra.css: line 2: property 'opacity' is not allowed in a clinic stylesheet",),
    ),
    Case(
        "SEC-05",
        clinic(PROBE + EXTRA_CSS, extra_css="p { --risk-text-size: 2pt; }"),
        2,
        ("probe/extra.css: line 1:", "--risk-text-size"),
    ),
    Case(
        "SEC-06",
        {
            **clinic(PROBE + TEMPLATES),
            OVERRIDE: '{% extends "base.html" %}{% block styles %}{{ super() }}'
            "<style>p { text-decoration: line-through; }</style>{% endblock %}",
        },
        1,
        ("<style> element 1: line 1: property 'text-decoration'",),
    ),
    # Command line and output
    Case("CLI-01", clinic(PROBE), 2, ("acme2", "probe"), args=("build", "--clinic", "acme2")),
    Case(
        "CLI-02",
        clinic(PROBE),
        2,
        ("hair-tonic", HANDOUT),
        args=("build", "--clinic", "probe", "--handout", "hair-tonic"),
    ),
    Case(
        "CLI-03",
        clinic(PROBE),
        2,
        ("../clinics", "lowercase letters, digits and hyphens"),
        args=("build", "--clinic", "probe", "--handout", "../clinics"),
    ),
]


def _fill(project: Project, text: str) -> str:
    return text.replace("<outside>", str(project.outside)).replace(
        "<local-server>", project.server_url
    )


def _write(project: Project, case: Case) -> None:
    for relative, content in case.files.items():
        project.write(relative, content)
    if case.appended:
        project.append_to_handout(case.appended)
    if case.replaced[0]:
        handout = project.root / "handouts" / HANDOUT / "en.md"
        handout.write_text(handout.read_text(encoding="utf-8").replace(*case.replaced, 1))


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_catalogue_case(project: Project, local_server, case: Case) -> None:
    _write(project, case)

    # A clinic's fault must not stop the batch: a good clinic beside it is still built.
    clinic_fault = case.args == BUILD and all(path.startswith("clinics/") for path in case.files)
    clinic_fault = clinic_fault and not case.appended and not case.replaced[0]
    if clinic_fault:
        project.clinic("aa-good", 'name = "Good Clinic"\n')
    result = project.run(*case.args, *(["--clinic", "aa-good"] if clinic_fault else []))

    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == case.exit, result.output
    assert "Traceback" not in result.output
    message = result.output.lower()
    for fragment in case.fragments:
        assert _fill(project, fragment).lower() in message, result.output
    assert project.leftovers() == []
    assert not clinic_fault or project.pdf("aa-good").exists(), "the batch stopped"
    built = project.pdf("probe", case.args[-1] if "--handout" in case.args else HANDOUT)
    if result.exit_code != 0:
        assert not built.exists(), "a failed leaflet must leave no PDF"
        return
    text = pdf_text(built)
    for fragment in case.texts:
        assert fragment in text
    for fragment in case.absent:
        assert fragment not in text
    _check_extra(project, built, case.extra)


def _check_extra(project: Project, built, extra: dict) -> None:
    import pikepdf
    from pypdf import PdfReader

    if "mediabox" in extra:
        box = PdfReader(built).pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == extra["mediabox"]
    raw = built.read_bytes()
    with pikepdf.open(built) as document:
        if extra.get("no_attachments"):
            assert "/EmbeddedFiles" not in str(document.Root.get("/Names", {}))
            for page in document.pages:
                for annot in page.get("/Annots", []):
                    assert annot.get("/Subtype") != "/FileAttachment"
        for target in extra.get("no_targets", ()):
            needle = _fill(project, target).encode()
            for page in document.pages:
                for annot in page.get("/Annots", []):
                    assert needle not in bytes(str(annot.get("/A", "")), "utf-8")
            assert needle not in raw


# The web version meets the same files: what a PDF refuses for what the clinic or handout
# says, it refuses too, in the same words. These few are the PDF's own: the page's
# layout, the fonts' glyphs or a page limit, which a web page does not have.
WEB_BUILDS = [case for case in CASES if case.args == BUILD]
PRINT_ONLY = {
    "MD-08": 0,  # past the page limit: a web page has no pages
    # A clinic's own templates shape its printed leaflet only: the web page is the theme's.
    **dict.fromkeys(("TPL-01", "TPL-02", "TPL-03", "TPL-04", "SEC-01", "SEC-02"), 0),
    **dict.fromkeys(("SEC-03", "SEC-06"), 0),
}


@pytest.mark.parametrize("case", WEB_BUILDS, ids=[case.id for case in WEB_BUILDS])
def test_catalogue_case_web_version(project: Project, local_server, case: Case) -> None:
    _write(project, case)
    result = project.run(*case.args, "--format", "html")

    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == PRINT_ONLY.get(case.id, case.exit), result.output
    assert "Traceback" not in result.output
    if result.exit_code == case.exit:
        for fragment in case.fragments:
            assert _fill(project, fragment).lower() in result.output.lower(), result.output
    assert project.leftovers() == []
    page = project.out / "probe" / f"{HANDOUT}-en.html"
    if result.exit_code != 0:
        assert not page.exists(), "a failed web version must leave no file"
        return
    html = page.read_text(encoding="utf-8")
    tree = tinyhtml5.parse(html)
    text = " ".join(" ".join(tree.itertext()).split())
    for fragment in case.texts:
        assert fragment in text
    for element in tree.iter():  # nothing the page would load, no link to the outside folder
        if element.get("src") is not None:
            assert element.get("src").startswith("data:"), element.get("src")
        if element.get("href") is not None:
            assert str(project.outside) not in element.get("href")
            assert not element.get("href").startswith("file:"), element.get("href")
        assert not element.tag.endswith(("script", "link", "iframe", "object", "embed"))
    assert "url(" not in html
