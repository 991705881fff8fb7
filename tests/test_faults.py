"""Faults and resource limits: each one fails its leaflet with a clear message, and only it.

Leaflets render in forked worker processes, so a function patched here is patched in
the workers too.
"""

from __future__ import annotations

import datetime
import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import HANDOUT, PROBE_FM, REPO, Project
from leaflets import readability, terminal, workers
from leaflets.branding import load_branding
from leaflets.content import load_handout
from leaflets.errors import (
    Expired,
    FolderBusy,
    LeafletError,
    OutOfMemory,
    TimeLimit,
    TooLarge,
    TooLong,
    WorkerDied,
)
from leaflets.leaflet import STANDARD, Options
from leaflets.project import Project as Folders
from leaflets.workers import make_in_worker

pytestmark = pytest.mark.slow  # renders leaflets: left out of the fast tier

GOOD = 'name = "Good Probe Clinic"\n'
# About 150 A4 pages of plain text: far past any page budget, and slow to lay out in full.
LONG = "\n\n".join(
    f"Paragraph {n}. " + "Rinse the roller and let it dry. " * 12 for n in range(900)
)


def long_handout(project: Project) -> None:
    project.write("handouts/probe-fm/en.md", PROBE_FM + "\n## More\n\n" + LONG + "\n")


def build_probe(project: Project, *options: str):
    return project.run("build", "--handout", "probe-fm", *options)


def instead_of_rendering(monkeypatch: pytest.MonkeyPatch, slug: str, action) -> None:
    """Run `action` instead of rendering clinic `slug`'s leaflets (forked workers see it too)."""
    make = workers.make_leaflet

    def patched(project, branding, *args):
        return action() if branding.slug == slug else make(project, branding, *args)

    monkeypatch.setattr(workers, "make_leaflet", patched)


def beside_a_good_clinic(project: Project, slug: str, toml: str) -> None:
    """The probe handout, a good clinic built first, and the clinic `slug` under test."""
    project.clinic("aa-good", GOOD)
    project.clinic(slug, toml)
    project.write("handouts/probe-fm/en.md", PROBE_FM)


def test_layout_is_stopped_at_the_page_after_the_paper_budget(project: Project) -> None:
    project.clinic("probe", GOOD)
    long_handout(project)
    result = build_probe(project)
    assert result.exit_code == 1
    assert "layout stopped at page 5; the limit for it on A4 paper is 4 pages" in result.stderr
    assert "shorten en.md" in result.stderr
    assert not (project.out / "probe").exists() and project.leftovers() == []


def test_layout_is_stopped_past_max_pages(project: Project) -> None:
    project.clinic("probe", GOOD)
    long_handout(project)
    result = build_probe(project, "--max-pages", "2")
    assert result.exit_code == 1
    assert "layout stopped at page 3, past the limit of 2 A4 pages" in result.stderr
    assert "a leaflet may take to render (raise it with --max-pages)" in result.stderr


REFUSALS = [
    Expired(Path("handouts/x/en.md"), datetime.date(2025, 1, 10)),
    TooLong("clinic 'p', handout 'x' (en)", 3, 36, 24, "A5", "en.md"),
    TooLarge("clinic 'p', handout 'x' (en)", "standard", 150.4, 5),
    TimeLimit(0.1),
    OutOfMemory(1024),
    WorkerDied("signal 6", 1024),
    FolderBusy(Path("build")),
]


@pytest.mark.parametrize("error", REFUSALS, ids=lambda error: type(error).__name__)
def test_a_refusal_keeps_its_facts_from_a_worker_and_names_no_option(error: LeafletError) -> None:
    back = pickle.loads(pickle.dumps(error))  # noqa: S301 - as a worker hands it back
    assert type(back) is type(error) and vars(back) == vars(error)
    assert "--" not in error.format_message()  # the words the web page shows


def test_the_web_pages_worker_raises_each_refusal_with_its_facts(project: Project) -> None:
    project.clinic("probe", GOOD)
    long_handout(project)
    folders = Folders(project.root)
    branding = load_branding(folders.clinic_file("probe"))
    handout = load_handout(folders.handout_file("probe-fm", "en"))

    def made(**options) -> bytes:
        return make_in_worker(folders, branding, handout, STANDARD, Options(**options))

    with pytest.raises(Expired) as expired:
        made(today=datetime.date(2100, 1, 1))
    assert (expired.value.file, expired.value.review_date) == (
        handout.file,
        datetime.date(2099, 1, 15),
    )
    with pytest.raises(TooLong) as too_long:
        made(page_limit=2)
    stopped = too_long.value
    assert (stopped.page, stopped.budget, stopped.limit, stopped.paper) == (3, 4, 2, "A4")
    assert not stopped.past_budget
    with pytest.raises(TimeLimit) as late:
        made(time_limit=0.1)
    assert late.value.seconds == 0.1


def test_a_leaflet_past_the_time_limit_is_stopped_and_the_batch_goes_on(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    beside_a_good_clinic(project, "zz-slow", 'name = "Slow Probe Clinic"\n')

    def hangs() -> bytes:
        threading.Event().wait(60)  # a render that hangs; unstopped, it ends after a minute
        return b"not stopped"

    instead_of_rendering(monkeypatch, "zz-slow", hangs)
    result = build_probe(project, "--time-limit", "10", "--jobs", "2")
    assert result.exit_code == 1, result.output
    assert "zz-slow/probe-fm-en.pdf: stopped after 10 s, the time limit" in result.stderr
    assert (project.out / "aa-good" / "probe-fm-en.pdf").exists()
    assert not (project.out / "zz-slow").exists() and project.leftovers() == []


def test_a_real_render_is_stopped_mid_layout(project: Project) -> None:
    project.clinic("probe", GOOD)
    # The real handout takes about a second to lay out: ten times the limit.
    result = project.run("build", "--clinic", "probe", "--time-limit", "0.1")
    assert result.exit_code == 1
    assert f"probe/{HANDOUT}-en.pdf: stopped after 0.1 s" in result.stderr
    assert not (project.out / "probe").exists() and project.leftovers() == []


def test_a_worker_that_dies_fails_only_its_leaflet(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.clinic("aa-good", GOOD)
    project.clinic("mm-dies", 'name = "Dying Probe Clinic"\n')
    project.clinic("zz-good", 'name = "Other Probe Clinic"\n')
    project.write("handouts/probe-fm/en.md", PROBE_FM)
    instead_of_rendering(monkeypatch, "mm-dies", lambda: os.kill(os.getpid(), signal.SIGKILL))
    result = build_probe(project, "--jobs", "1")
    assert result.exit_code == 1
    assert "mm-dies/probe-fm-en.pdf: the worker process rendering it died (signal 9" in (
        result.stderr
    )
    assert "Traceback" not in result.output
    for slug in ("aa-good", "zz-good"):
        assert (project.out / slug / "probe-fm-en.pdf").exists()


def test_an_internal_error_fails_only_its_leaflet_without_a_traceback(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    beside_a_good_clinic(project, "zz-bug", 'name = "Buggy Probe Clinic"\n')
    instead_of_rendering(monkeypatch, "zz-bug", lambda: 1 / 0)
    result = build_probe(project)
    assert result.exit_code == 1
    assert "zz-bug/probe-fm-en.pdf: internal error while making it (ZeroDivisionError" in (
        result.stderr
    )
    assert "please report it" in result.stderr and "Traceback" not in result.output
    assert (project.out / "aa-good" / "probe-fm-en.pdf").exists()


def test_a_second_build_into_the_same_folder_is_refused(project: Project) -> None:
    project.clinic("probe", GOOD)
    project.write("handouts/probe-fm/en.md", PROBE_FM)
    # Another process holds the folder, as a running build does, until told to stop.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from leaflets.output import only_build_into\n"
            "with only_build_into(Path(sys.argv[1])):\n    print('building', flush=True)\n"
            "    sys.stdin.readline()",
            str(project.out),
        ],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "building\n"
        result = build_probe(project)
    finally:
        holder.communicate("done\n")
    assert result.exit_code == 1
    assert "another build is running into" in result.stderr and "--out" in result.stderr
    assert not (project.out / "probe").exists()
    assert build_probe(project).exit_code == 0  # the lock went with the process


def test_an_output_folder_removed_mid_batch_is_reported(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    for slug in ("aa-probe", "bb-probe", "cc-probe"):
        project.clinic(slug, f'name = "{slug} clinic"\n')
    project.write("handouts/probe-fm/en.md", PROBE_FM)
    report = terminal.progress

    def remove_after_first(done) -> None:
        report(done)
        shutil.rmtree(project.out, ignore_errors=True)

    monkeypatch.setattr(terminal, "progress", remove_after_first)
    result = build_probe(project, "--jobs", "1")
    assert result.exit_code == 1
    assert result.stderr.count("was removed during the build") == 2
    assert "Traceback" not in result.output
    assert not project.out.exists()  # not made again, half-filled, behind the user's back


def test_a_bug_outside_a_leaflet_is_reported_in_words(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(rows) -> str:
        raise KeyError("measure")

    monkeypatch.setattr(readability, "readability_table", broken)
    result = project.run("check")
    assert result.exit_code == 70
    assert "internal error while running 'check' (KeyError: 'measure')" in result.stderr
    assert "LEAFLETS_DEBUG=1" in result.stderr and "Traceback" not in result.output
    monkeypatch.setenv("LEAFLETS_DEBUG", "1")
    assert isinstance(project.run("check").exception, KeyError)


def test_an_unreadable_handout_fails_only_its_leaflets(project: Project) -> None:
    project.clinic("probe", GOOD)
    project.write("handouts/probe-fm/en.md", PROBE_FM)
    (project.root / "handouts" / "zz-broken" / "en.md").mkdir(parents=True)  # a folder, not a file
    result = project.run("build", "--clinic", "probe")
    assert result.exit_code == 1
    assert "zz-broken/en.md: cannot be read (Is a directory)" in result.stderr
    assert (project.out / "probe" / "probe-fm-en.pdf").exists()


def hostile_template(project: Project, block: str, html: str) -> None:
    """Clinic 'probe' with its own leaflet.html adding `html` to the theme's `block`."""
    beside_a_good_clinic(
        project, "probe", 'name = "Probe Clinic"\n[theme]\ntemplates = "probe/templates"\n'
    )
    project.write(
        "clinics/probe/templates/leaflet.html",
        f'{{% extends "base.html" %}}{{% block {block} %}}{{{{ super() }}}}{html}{{% endblock %}}',
    )


@pytest.mark.parametrize(
    ("href", "fragment"),
    [
        (
            "missing.txt",
            "could not load 'file://<handout>/missing.txt', which the leaflet links "
            "to: No such file or directory",
        ),
        ("file:///etc/hostname", "refused to load 'file:///etc/hostname': a leaflet may read only"),
        ("file://<outside>/canary.txt", "refused to load 'file://<outside>/canary.txt'"),
        ("../../../outside/canary.txt", "refused to load 'file://<outside>/canary.txt'"),
    ],
    ids=["missing", "system-file", "outside", "dot-dot"],
)
@pytest.mark.usefixtures("page_checks_off")  # a <link> of a template's own is refused before
def test_an_attachment_fetched_while_writing_fails_only_its_leaflet(
    project: Project, href: str, fragment: str
) -> None:
    # WeasyPrint fetches attachments in write_pdf, and raises a BaseException when it cannot.
    hostile_template(project, "head", f'<link rel="attachment" href="{href}">')
    result = build_probe(project)
    assert result.exit_code == 1, result.output
    handout = project.root / "handouts" / "probe-fm"
    fragment = fragment.replace("<handout>", str(handout))
    assert f"probe/probe-fm-en.pdf: {fragment.replace('<outside>', str(project.outside))}" in (
        result.stderr
    )
    assert "Traceback" not in result.output
    assert (project.out / "aa-good" / "probe-fm-en.pdf").exists()
    assert not (project.out / "probe").exists() and project.leftovers() == []


@pytest.mark.parametrize(
    ("html", "fragment"),
    [
        (
            "<table><tr><td>" * 200 + "deep",
            "WeasyPrint could not lay it out: its elements are nested",
        ),
        ('<img src="missing.png" alt="Map">', "could not load 'file://<handout>/missing.png'"),
    ],
    ids=["deep-tables", "missing-image"],
)
def test_a_template_weasyprint_cannot_render_fails_only_its_leaflet(
    project: Project, html: str, fragment: str
) -> None:
    hostile_template(project, "contact", html)
    result = build_probe(project)
    assert result.exit_code == 1, result.output
    fragment = fragment.replace("<handout>", str(project.root / "handouts" / "probe-fm"))
    assert f"probe/probe-fm-en.pdf: {fragment}" in result.stderr
    assert "this is a bug" not in result.stderr and "Traceback" not in result.output
    assert (project.out / "aa-good" / "probe-fm-en.pdf").exists()


def test_ctrl_c_exits_130_keeping_what_was_written(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    beside_a_good_clinic(project, "zz-stop", 'name = "Stopped Probe Clinic"\n')

    def interrupted() -> bytes:
        raise KeyboardInterrupt

    instead_of_rendering(monkeypatch, "zz-stop", interrupted)
    result = build_probe(project, "--jobs", "1")
    assert result.exit_code == 130, result.output
    assert "stopped by Ctrl-C" in result.stderr and "Traceback" not in result.output
    assert "Aborted!" not in result.output
    recorded = json.loads((project.out / ".manifest.json").read_text())
    assert list(recorded) == ["aa-good/probe-fm-en.pdf"]
    assert (project.out / "aa-good" / "probe-fm-en.pdf").exists()
    assert not (project.out / "zz-stop").exists() and project.leftovers() == []


def test_a_leaflet_past_the_memory_limit_fails_alone(project: Project) -> None:
    # 1.5 GB of text, made by the clinic's template in the worker: past the 1024 MB limit.
    hostile_template(project, "contact", '{{ "x" * 1500000000 }}')
    result = build_probe(project, "--memory-limit", "1024", "--jobs", "1")
    assert result.exit_code == 1, result.output
    assert (
        "probe/probe-fm-en.pdf: ran out of memory: rendering it needed more than the 1024 MB "
        "a worker may take (raise the limit with --memory-limit MB)"
    ) in result.stderr
    assert "Traceback" not in result.output
    assert (project.out / "aa-good" / "probe-fm-en.pdf").exists()
    assert not (project.out / "probe").exists() and project.leftovers() == []
