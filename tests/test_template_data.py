"""Templates get data, not objects with powers: no file can be read or written from one."""

from __future__ import annotations

import datetime
from pathlib import Path

import jinja2
import pytest
from test_safety import PROBE, build_with_override

from conftest import HANDOUT, REPO, Project
from leaflets.branding import load_branding
from leaflets.content import load_handout
from leaflets.template_data import page_context, powers
from leaflets.theme import environment


@pytest.mark.parametrize("clinic", ["harbour-view", "maple-street", "northfield"])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_everything_a_template_receives_is_plain_data(clinic: str, lang: str) -> None:
    branding = load_branding(REPO / "clinics" / f"{clinic}.toml")
    handout = load_handout(REPO / "handouts" / HANDOUT / f"{lang}.md")
    context = page_context(branding, handout, ["file:///x/extra.css"], "")
    assert powers(context) == []
    assert context["clinic"]["name"] == branding.name
    if branding.logo:
        assert context["clinic"]["logo"]["uri"].startswith("file:///")


def test_the_walk_finds_a_path_or_a_model_anywhere() -> None:
    branding = load_branding(REPO / "clinics" / "northfield.toml")
    nested = {
        "clinic": {"folder": Path("/x"), "list": [1, branding]},
        "when": datetime.date.today(),
    }
    assert powers(nested) == ["clinic.folder: PosixPath", "clinic.list[1]: Branding"]


def test_the_only_functions_are_gettext_and_format_date() -> None:
    env = environment((REPO / "templates",), None, "en", (REPO / "locale",))
    functions = {name for name, value in env.globals.items() if callable(value)}
    assert functions == {"_", "gettext", "ngettext", "pgettext", "npgettext", "format_date"}


@pytest.mark.parametrize(
    "expression",
    [
        "p.read_text()",
        "p.parent",
        "p.joinpath('x')",
        "format_date.func",
        "d.model_copy()",
        "[].append(1)",
        "{}.update(a=1)",
        "''.__class__",
    ],
)
def test_the_sandbox_refuses_anything_but_data_even_if_it_were_given(expression: str) -> None:
    env = environment((REPO / "templates",), None, "en", (REPO / "locale",))
    branding = load_branding(REPO / "clinics" / "northfield.toml")
    template = env.from_string("{{ " + expression + " }}")
    with pytest.raises(jinja2.sandbox.SecurityError):
        template.render(p=REPO / "README.md", d=branding)


def test_data_methods_and_jinja_objects_still_work() -> None:
    env = environment((REPO / "templates",), None, "en", (REPO / "locale",))
    template = env.from_string(
        "{% macro m(x) %}[{{ x }}]{% endmacro %}"
        "{% for k, v in d.items() %}{{ loop.index }}{{ k.upper() }}{{ m(v) }}{% endfor %}"
        "{{ format_date(day) }} {{ _('Sources') }}"
    )
    text = template.render(d={"a": 1}, day=datetime.date(2026, 1, 2))
    assert text == "1A[1]2 January 2026 Sources"


@pytest.mark.parametrize(
    ("template", "fragment"),
    [
        ("{{ clinic.folder.joinpath('/etc/hostname').read_text() }}", "clinic"),
        ("{{ clinic.file.parent.joinpath('x.html').write_text('pwned') }}", "clinic"),
        ("{{ handout.file.read_text() }}", "handout"),
        ("{{ clinic.logo.file }}", "clinic"),
        ("{{ clinic.model_copy() }}", "clinic"),
        ("{{ meta.model_dump_json() }}", "has no attribute 'model_dump_json'"),
        ("{{ range(10) }}", "'range' is undefined"),
    ],
)
def test_a_clinic_template_cannot_reach_files_or_methods(
    project: Project, template: str, fragment: str
) -> None:
    project.write("clinics/probe/logo.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>')
    project.clinic(
        "probe",
        PROBE + '[theme]\ntemplates = "probe/templates"\n[logo]\nfile = "probe/logo.svg"\n'
        'alt = "Probe logo"\n',
    )
    result = build_with_override(
        project,
        '{% extends "base.html" %}{% block intro %}' + template + "{% endblock %}",
    )
    assert result.exit_code == 1, result.output
    assert "leaflet.html: line 1:" in result.stderr and fragment in result.stderr
    assert "Traceback" not in result.output
    assert not (project.root / "clinics" / "x.html").exists()
    assert not project.pdf("probe").exists()
