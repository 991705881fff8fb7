"""The web version (`build --format html`), read as a browser and a patient get it: one
self-contained page, the same words as the PDF, contact details as links, built
incrementally like the PDFs. The browser's view (accessibility, phones, requests) is in
test_web_version_browser.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tinyhtml5
from click.testing import CliRunner
from pdfwords import read

from conftest import HANDOUT, REPO, Project
from generate import cli
from leaflets.branding import load_branding
from leaflets.content import load_handout
from leaflets.i18n import translations
from leaflets.web_version import ON_A_PHONE, POLICY

pytestmark = pytest.mark.slow  # builds PDFs: left out of the fast tier
CLINICS = ("harbour-view", "maple-street", "northfield")
DEJAVU_SERIF = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every example clinic's PDF and web version, in English and Spanish."""
    out = tmp_path_factory.mktemp("web-examples")
    args = ["--project", str(REPO), "build", "--format", "all", "--lang", "all", "--out", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return out


def page_of(out: Path, clinic: str, lang: str = "en") -> str:
    return (out / clinic / f"{HANDOUT}-{lang}.html").read_text(encoding="utf-8")


def words(element: object) -> list[str]:
    return "".join(element.itertext()).split()  # type: ignore[attr-defined]


def sections(html: str) -> dict[str, object]:
    """Each <section> of a page by its heading's id (the handout's and the theme's)."""
    tree = tinyhtml5.parse(html)
    found = {}
    for section in tree.iter(f"{XHTML}section"):
        heading = section.find(f"{XHTML}h2")
        if heading is not None and heading.get("id"):
            found[heading.get("id")] = section
    return found


def test_format_html_writes_the_web_version_only(project: Project) -> None:
    project.clinic("probe", 'name = "Probe Clinic"\n')
    result = project.run("build", "--format", "html")
    assert result.exit_code == 0, result.output
    page = project.out / "probe" / f"{HANDOUT}-en.html"
    assert "built" in result.output and page.name in result.output
    assert not project.pdf("probe").exists()
    assert sorted(p.name for p in (project.out / "probe").iterdir()) == [page.name]


def test_format_all_writes_both_side_by_side(built: Path) -> None:
    for clinic in CLINICS:
        names = {path.name for path in (built / clinic).iterdir()}
        for lang in ("en", "es"):
            assert {f"{HANDOUT}-{lang}.pdf", f"{HANDOUT}-{lang}.html"} <= names


def test_an_unknown_format_is_refused_with_the_choices(project: Project) -> None:
    result = project.run("build", "--format", "docx")
    assert result.exit_code == 2
    assert "'docx' is not one of 'pdf', 'html', 'all'" in result.output


@pytest.mark.parametrize("clinic", CLINICS)
def test_the_page_is_self_contained_and_loads_nothing(built: Path, clinic: str) -> None:
    html = page_of(built, clinic)
    metas = tinyhtml5.parse(html).iter(f"{XHTML}meta")
    policies = [m.get("content") for m in metas if m.get("http-equiv") == "Content-Security-Policy"]
    assert policies == [POLICY]
    assert "default-src 'none'" in POLICY and "script-src" not in POLICY
    assert "<script" not in html and "<link" not in html and "<iframe" not in html
    assert "url(" not in html and "@import" not in html and "@font-face" not in html
    sources = re.findall(r'\b(?:src|href)="([^"]*)"', html)
    for source in sources:
        assert source.startswith(("data:", "#", "tel:", "mailto:", "https://")), source
    assert not any(s.startswith("https://") for s in re.findall(r'\bsrc="([^"]*)"', html))
    assert "file:" not in html and str(REPO) not in html


def test_the_logo_is_inline(built: Path) -> None:
    svg = page_of(built, "harbour-view")
    alt = "Harbour View Dermatology logo: a wave under an upward arrow"
    opening = '<svg viewBox="0 0 120 120" width="120" height="120" class="logo" role="img"'
    assert f'{opening} aria-label="{alt}">' in svg
    assert "<circle " in svg
    png = page_of(built, "maple-street")
    assert re.search(
        r'<img class="logo" src="data:image/png;base64,[A-Za-z0-9+/=]{1000,}" alt="', png
    )


def test_an_svg_logo_that_could_style_the_page_is_drawn_apart_from_it(project: Project) -> None:
    project.write(
        "clinics/probe/logo.svg",
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><style>'
        ".risk-box { display: none !important }</style>"
        '<rect width="10" height="10" fill="#05a"/></svg>',
    )
    project.clinic(
        "probe", 'name = "Probe Clinic"\n[logo]\nfile = "probe/logo.svg"\nalt = "Probe logo"\n'
    )
    result = project.run("build", "--format", "html")
    assert result.exit_code == 0, result.output
    html = (project.out / "probe" / f"{HANDOUT}-en.html").read_text(encoding="utf-8")
    assert '<img class="logo" src="data:image/svg+xml;base64,' in html
    assert ".risk-box { display: none" not in html and "<svg" not in html


def test_contact_details_are_links(built: Path) -> None:
    html = page_of(built, "harbour-view")
    assert '<a href="tel:+442392000000">+44 23 9200 0000</a>' in html
    assert '<a href="mailto:hello@harbourview.example">hello@harbourview.example</a>' in html
    assert '<a href="https://harbourview.example">https://harbourview.example</a>' in html
    assert 'href="https://harbourview.example/book">https://harbourview.example/book</a>' in html
    assert 'class="qr"' not in html  # no QR code on a screen: the link is there


def test_the_page_says_what_the_pdf_says_about_the_handout(built: Path) -> None:
    """Every handout section, word for word, as the PDF prints it (labels aside)."""
    for clinic in CLINICS:
        paper = load_branding(REPO / "clinics" / f"{clinic}.toml").paper.lower()
        for lang in ("en", "es"):
            handout = load_handout(REPO / "handouts" / HANDOUT / f"{lang}.md")
            pdf = read(built / clinic / f"{HANDOUT}-{lang}.pdf", paper, two_columns=True)
            # The masthead and the intro span the page, above both columns: in reading
            # order, line by line, they are page 1's first words. A list's bullets are the
            # PDF's markers, not the handout's words.
            gettext = translations(lang, (REPO / "locale",)).gettext
            tree = tinyhtml5.parse(page_of(built, clinic, lang))
            above = sum(
                len(words(element))
                for element in tree.iter()
                if element.get("class") in ("clinic-name", "intro")
            )
            page_one = sorted(
                (w for w in pdf.words if w.page == 1), key=lambda w: (round(w.top), w.x)
            )
            top = page_one[above - 1].top
            body = [w for w in pdf.words if w.page > 1 or w.top > top + 1]
            plain = [w.text.replace("\u2010", "-") for w in body if w.text != "•"]
            web = sections(page_of(built, clinic, lang))
            back_page = gettext("Worried after a treatment?").split()
            titles = [section.title for section in handout.sections]
            starts = [_find(plain, title.split()) for title in titles]
            ends = [*starts[1:], _find(plain, back_page)]
            for section, start, end in zip(handout.sections, starts, ends, strict=True):
                label = (gettext("%(heading)s (continued)") % {"heading": section.title}).split()
                printed = _without(plain[start:end], label)
                assert words(web[section.id]) == printed, f"{clinic} {lang}: {section.title}"


def test_the_back_page_words_are_the_pages_own(built: Path) -> None:
    """The theme's parts: the same words, but for what only paper needs, and the links."""
    html = page_of(built, "harbour-view")
    web = sections(html)
    for part in ("formats-heading", "feedback-heading", "questions-heading", "sources-heading"):
        assert part in web
    text = " ".join(words(web["urgent-heading"]))
    assert text == (
        "Worried after a treatment? The signs to look out for, and who to call, are under "
        '"When to get medical help". In an emergency, call 999.'
    )
    assert 'href="#when-to-get-medical-help"' in html
    assert " ".join(words(web["formats-heading"])) == (
        "Other formats For large print, audio, another language or another format, "
        "call +44 23 9200 0000."
    )
    assert "Version 1.1. Issued 2 December 2026. Next review 2 December 2027." in " ".join(
        words(web["sources-heading"])
    )
    approver = (
        "Approved for use at Harbour View Dermatology by Dr Amara Okafor, Consultant "
        "Dermatologist on 20 November 2026."
    )
    assert approver in " ".join(words(web["sources-heading"]))


def test_spanish_pages_are_spanish(built: Path) -> None:
    html = page_of(built, "harbour-view", "es")
    assert '<html lang="es">' in html
    for words_ in ("Ir al folleto", "¿Le preocupa algo después de un tratamiento?", "Fuentes"):
        assert words_ in html, words_
    for english in ("Skip to the leaflet", "Contact us", "Sources", "Approved for use"):
        assert english not in html, english
    urgent = " ".join(words(sections(html)["urgent-heading"]))
    assert "y a quién llamar, están en «Cuándo buscar ayuda médica». En una emergencia" in urgent


def test_an_expired_handout_is_refused_or_marked_as_in_the_pdf(project: Project) -> None:
    project.clinic("probe", 'name = "Probe Clinic"\n')
    project.expire_handout()
    refused = project.run("build", "--format", "html")
    assert refused.exit_code == 1
    assert "review_date 2025-01-10 has passed" in refused.output
    assert not (project.out / "probe" / f"{HANDOUT}-en.html").exists()
    marked = project.run("build", "--format", "html", "--allow-expired")
    assert marked.exit_code == 0, marked.output
    html = (project.out / "probe" / f"{HANDOUT}-en.html").read_text(encoding="utf-8")
    assert '<p class="overdue">Review overdue</p>' in html


def test_web_versions_are_built_incrementally_and_byte_identical(project: Project) -> None:
    project.clinic("probe", 'name = "Probe Clinic"\n')
    project.clinic("other", 'name = "Other Clinic"\n')
    page = project.out / "probe" / f"{HANDOUT}-en.html"
    assert project.run("build", "--format", "html").exit_code == 0
    first = page.read_bytes()
    again = project.run("build", "--format", "html")
    assert "Built 0, skipped 2 unchanged" in again.output
    forced = project.run("build", "--format", "html", "--force", "--clinic", "probe")
    assert "Built 1" in forced.output and page.read_bytes() == first
    project.clinic("probe", 'name = "Probe Clinic"\napprover = "Dr New"\n')
    changed = project.run("build", "--format", "html", "--dry-run")
    assert "probe/" in changed.output and "clinic file" in changed.output
    assert project.run("build", "--format", "html").exit_code == 0
    assert b"Dr New" in page.read_bytes()
    (project.root / "clinics" / "other.toml").unlink()
    pruned = project.run("build", "--format", "html", "--prune")
    assert pruned.exit_code == 0, pruned.output
    assert not (project.out / "other" / f"{HANDOUT}-en.html").exists()
    assert '"other/' not in (project.out / ".manifest.json").read_text(encoding="utf-8")


def test_the_clinic_stylesheet_is_inlined_as_checked_in_its_layer(project: Project) -> None:
    project.write(
        "clinics/probe/extra.css",
        "/* </style><script>alert(1)</script> */\nh2 { color: #1a1a1a; }\n"
        '@font-face { font-family: "Probe Face"; src: url("face.ttf"); }\n'
        'h1 { font-family: "Probe Face"; }\np { font-family: "Open Sans"; }\n',
    )
    project.write("clinics/probe/face.ttf", Path(DEJAVU_SERIF).read_bytes())
    project.clinic("probe", 'name = "Probe Clinic"\n[theme]\nextra_css = "probe/extra.css"\n')
    result = project.run("build", "--format", "html")
    assert result.exit_code == 0, result.output
    html = (project.out / "probe" / f"{HANDOUT}-en.html").read_text(encoding="utf-8")
    assert "@layer safety, theme, clinic;" in html
    # A font the project ships, allowed when the clinic file was read, is allowed here too.
    clinic = (
        'h2 { color: #1a1a1a; }\nh1 { font-family: "Probe Face"; }\np { font-family: "Open Sans"; }'
    )
    assert f"@layer clinic {{\n{clinic}\n{ON_A_PHONE}}}" in html
    # No comment (which could close the style element), no font file: nothing loads.
    assert "<script" not in html and "alert" not in html and "@font-face" not in html
    assert html.index("@layer safety {") > html.index("@layer clinic {")


def _find(plain: list[str], wanted: list[str], start: int = 0) -> int:
    for i in range(start, len(plain) - len(wanted) + 1):
        if plain[i : i + len(wanted)] == wanted:
            return i
    raise AssertionError(f"{' '.join(wanted)!r} is not in the PDF")


def _without(plain: list[str], label: list[str]) -> list[str]:
    """`plain` with every occurrence of `label` (a "(continued)" label) taken out."""
    kept, i = [], 0
    while i < len(plain):
        if plain[i : i + len(label)] == label and i > 0:
            i += len(label)
        else:
            kept.append(plain[i])
            i += 1
    return kept
