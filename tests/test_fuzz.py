"""Fuzzing: generated clinic files and Markdown either make a checked leaflet or fail cleanly.

"Cleanly" means a `LeafletError` (which the CLI prints as a message, exit 1 or 2): any
other exception would reach the user as a traceback. Whatever the input says, nothing
outside the project is read (the audit hook in conftest), the planted local server is
never contacted, and the canary text never reaches the PDF.

The runs are derandomised, so CI tries the same examples every time; set
LEAFLETS_FUZZ_EXAMPLES to try more (and different) ones locally. Examples that once
failed are kept with @example.
"""

from __future__ import annotations

import os
import string
from io import BytesIO

import pytest
import tomlkit
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from conftest import CANARY, PROBE_FM, Project
from leaflets.branding import load_branding
from leaflets.content import load_handout
from leaflets.errors import LeafletError
from leaflets.leaflet import STANDARD, Options, make_leaflet
from leaflets.project import Project as LeafletProject

pytestmark = pytest.mark.slow  # renders leaflets: left out of the fast tier

EXAMPLES = int(os.environ.get("LEAFLETS_FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=EXAMPLES or 100,
    derandomize=not EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# Text with the characters that break naive code: right-to-left, control and format
# characters, combining marks, other scripts, markup, quotes, very long runs.
ODD = "\u202e\u200f\u200b\u0000\u0007\u001b\ufeff\u0301\u00e9ß\u03a9Ж\u05d0\u0627\u4e2d😀"
ODD += "<>&\"'\\{}%$#\n\t\r"
PLAIN = string.ascii_letters + string.digits + " .,-"
# Mostly plain, so that most examples get as far as rendering.
PLAIN_TEXT = st.text(alphabet=PLAIN, min_size=1, max_size=40)
TEXT = st.one_of(PLAIN_TEXT, PLAIN_TEXT, PLAIN_TEXT, st.text(alphabet=PLAIN + ODD, max_size=60))
HUGE = st.integers(300, 5000).map(lambda n: "Ab " * n)
URLS = (
    st.sampled_from(
        [
            "https://example.org/book",
            "http://example.org",
            "<local-server>/ping",
            "javascript:alert(1)",
            "file://<outside>/canary.txt",
            "<outside>/canary.png",
            "data:text/html,<script>alert(1)</script>",
            "ftp://example.org/x",
            "//example.org/x",
            "../../outside/canary.svg",
            "https://exa mple.org",
            "",
        ]
    )
    | TEXT
)
COLOURS = (
    st.sampled_from(
        [
            "#1a5f7a",
            "#000",
            "#fff",
            "#87ceeb",
            "rgb(0 0 0)",
            "hsl(200 80% 20%)",
            "navy",
            "transparent",
            "currentColor",
            "#12345",
            "url(<local-server>/x)",
            "red; } body { display: none",
            "var(--x)",
            "color(display-p3 0 0 0.4)",
        ]
    )
    | TEXT
)
PATHS = (
    st.sampled_from(
        ["probe/logo.svg", "../../outside/canary.svg", "<outside>/canary.png", "/etc/passwd", "."]
    )
    | TEXT
)
ANY_VALUE = st.recursive(
    st.none().map(lambda _: "")
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=True)
    | TEXT
    | HUGE,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)


def field(good: st.SearchStrategy) -> st.SearchStrategy:
    """Usually a plausible value for a key, sometimes anything at all."""
    return st.one_of(good, good, good, good, ANY_VALUE)


CLINICS = st.fixed_dictionaries(
    {"name": field(TEXT.filter(str.strip) | HUGE)},
    optional={
        "paper": field(st.sampled_from(["A4", "Letter", "A5", "a4", "B5", ""])),
        "language": field(st.sampled_from(["en", "es", "EN", "xx", "e"])),
        "large_print": field(st.booleans()),
        "footer_note": field(TEXT | HUGE),
        "colours": st.fixed_dictionaries(
            {}, optional={"primary": field(COLOURS), "accent": field(COLOURS)}
        ),
        "contact": st.fixed_dictionaries(
            {},
            optional={
                key: field(URLS if key.endswith(("url", "website")) else TEXT | HUGE)
                for key in ("address", "phone", "email", "website", "booking_url", "opening_hours")
            },
        ),
        "logo": st.fixed_dictionaries({"file": field(PATHS), "alt": field(TEXT)}),
        "theme": st.fixed_dictionaries({}, optional={"extra_css": field(PATHS)}),
        "font": st.fixed_dictionaries({}, optional={"family": field(TEXT), "files": ANY_VALUE}),
    },
).flatmap(
    lambda clinic: st.dictionaries(TEXT, ANY_VALUE, max_size=2).map(lambda extra: extra | clinic)
)
LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4">'
    '<rect width="4" height="4" fill="#05a"/></svg>'
)


def made(project: Project, clinic: str | bytes, handout: str = PROBE_FM) -> bytes | None:
    """Load and render as a build does; the PDF, or None after a clean failure."""
    project.write("clinics/probe.toml", clinic)
    project.write("clinics/probe/logo.svg", LOGO)
    project.write("handouts/probe-fm/en.md", handout)
    tool = LeafletProject(project.root)
    try:
        branding = load_branding(tool.clinic_file("probe"))
        document = load_handout(tool.handout_file("probe-fm", "en"))
        data = make_leaflet(tool, branding, document, STANDARD, Options())
    except LeafletError as error:
        message = error.format_message()
        kinds = {
            "probe.toml": "the clinic file",
            "en.md": "the handout",
            "clinic 'probe'": "checks",
        }
        event("refused by " + next((k for w, k in kinds.items() if w in message), "other"))
        return None
    event("built")
    assert data.startswith(b"%PDF-")
    return data


def assert_no_canary(data: bytes | None) -> None:
    if data is not None:
        text = "".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)
        assert CANARY not in text


@FUZZ
@given(clinic=CLINICS)
def test_generated_clinic_files_build_or_fail_cleanly(project: Project, local_server, clinic):
    assert_no_canary(made(project, tomlkit.dumps(clinic)))


@FUZZ
@given(raw=st.binary(max_size=200) | st.text(max_size=200))
@example(raw=b"name = 'x'\n\xff")
@example(raw='name = "\\u0000"\n')
def test_clinic_files_that_are_not_toml_fail_cleanly(project: Project, raw: bytes | str) -> None:
    made(project, raw)


INLINE = st.one_of(
    TEXT,
    st.builds("[{}]({})".format, TEXT, URLS),
    st.builds("![{}]({})".format, TEXT, URLS),
    st.builds("<{}>".format, URLS),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            '<img src="<local-server>/x.png">',
            '<img src="file://<outside>/canary.png" alt="x">',
            '<iframe src="<local-server>"></iframe>',
            "<style>@import url(<local-server>/x.css); body { display: none }</style>",
            '<link rel="stylesheet" href="<local-server>/x.css">',
            '<a href="javascript:alert(1)">x</a>',
            '<object data="<outside>/canary.svg"></object>',
            '<p style="background: url(<local-server>/x)">x</p>',
            "<!-- x --><![CDATA[ y ]]>",
            "&#0; &#x202e; &amp; &nbsp; &bogus;",
            "**bold *nested _deep_* text**",
            "`code <b>`",
            "\\",
            "[ref]: <local-server>/ref",
        ]
    ),
)
BLOCKS = st.one_of(
    st.lists(INLINE, min_size=1, max_size=4).map(" ".join),
    st.builds("{} {}".format, st.sampled_from(["#", "##", "###", "######", "#######"]), TEXT),
    st.integers(1, 60).map(lambda depth: "> " * depth + "deep quote"),
    st.integers(1, 40).map(lambda depth: "".join("  " * n + "- item\n" for n in range(depth))),
    st.lists(INLINE, min_size=1, max_size=3).map(
        lambda cells: "| " + " | ".join(cells) + " |\n|" + "---|" * len(cells)
    ),
    st.builds("```\n{}\n```".format, TEXT),
    TEXT.map(lambda text: "    " + text),
)
HANDOUTS = st.lists(BLOCKS, max_size=8).map(lambda blocks: "\n\n".join(blocks))


@FUZZ
@given(body=HANDOUTS)
@example(body="# \u202e\u05d0\u0627 RTL\n\n\u0000\u0007 control")
@example(body='![x](file://<outside>/canary.png) <img src="<local-server>/a.png">')
@example(body="![0](0\x00)")  # once a ValueError from the path check
@example(body="![0](0%00)")
def test_generated_markdown_builds_or_fails_cleanly(project: Project, local_server, body: str):
    assert_no_canary(made(project, 'name = "Probe Clinic"\n', PROBE_FM + "\n" + body + "\n"))
