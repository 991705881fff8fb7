"""Batch builds: incremental, reproducible, parallel, and honest about failures."""

from __future__ import annotations

import datetime
import errno
import json
import os
import threading
from pathlib import Path

import pytest

from conftest import HANDOUT, PROBE_FM, Project

pytestmark = pytest.mark.slow  # renders leaflets: left out of the fast tier

SQUARE = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4"/></svg>'
)
CIRCLE = SQUARE.replace('<rect width="4" height="4"/>', '<circle r="2" cx="2" cy="2"/>')


def two_clinics(project: Project) -> None:
    project.clinic(
        "alpha", 'name = "Alpha Clinic"\n[logo]\nfile = "alpha/logo.svg"\nalt = "Alpha"\n'
    )
    project.write("clinics/alpha/logo.svg", SQUARE)
    project.clinic("beta", 'name = "Beta Clinic"\n')
    project.write("handouts/probe-fm/en.md", PROBE_FM)


def outputs(project: Project) -> dict[str, int]:
    """Every PDF in the output folder, with its modification time."""
    return {
        p.relative_to(project.out).as_posix(): p.stat().st_mtime_ns
        for p in project.out.rglob("*.pdf")
    }


def first_build(project: Project) -> dict[str, int]:
    two_clinics(project)
    result = project.run("build", "--lang", "en")
    assert result.exit_code == 0, result.output
    before = outputs(project)
    assert len(before) == 4
    return before


def rebuilt(project: Project, before: dict[str, int]) -> set[str]:
    result = project.run("build", "--lang", "en")
    assert result.exit_code == 0, result.output
    after = outputs(project)
    return {key for key in after if after[key] != before.get(key)}


def test_an_unchanged_second_build_writes_nothing(project: Project) -> None:
    before = first_build(project)
    result = project.run("build", "--lang", "en")
    assert result.exit_code == 0
    assert "Built 0, skipped 4 unchanged, failed 0" in result.stdout
    assert outputs(project) == before


def test_changing_one_clinics_logo_rebuilds_exactly_its_leaflets(project: Project) -> None:
    before = first_build(project)
    project.write("clinics/alpha/logo.svg", CIRCLE)
    assert rebuilt(project, before) == {f"alpha/{HANDOUT}-en.pdf", "alpha/probe-fm-en.pdf"}


def test_editing_a_handout_rebuilds_every_clinics_copy_and_nothing_else(project: Project) -> None:
    before = first_build(project)
    project.append_to_handout("One more plain sentence.")
    assert rebuilt(project, before) == {f"alpha/{HANDOUT}-en.pdf", f"beta/{HANDOUT}-en.pdf"}


def test_a_pdf_deleted_by_hand_is_rebuilt(project: Project) -> None:
    before = first_build(project)
    (project.out / "beta" / "probe-fm-en.pdf").unlink()
    assert rebuilt(project, before) == {"beta/probe-fm-en.pdf"}


def test_force_rebuilds_everything(project: Project) -> None:
    before = first_build(project)
    result = project.run("build", "--lang", "en", "--force")
    assert result.exit_code == 0
    assert set(outputs(project)) == set(before) and all(
        outputs(project)[key] != before[key] for key in before
    )


def test_dry_run_says_what_and_why_and_writes_nothing(project: Project) -> None:
    before = first_build(project)
    project.write("handouts/probe-fm/en.md", PROBE_FM + "\nMore.\n")
    result = project.run("build", "--lang", "en", "--dry-run")
    assert result.exit_code == 0
    assert "would build alpha/probe-fm-en.pdf: handout" in result.stdout
    assert "would build beta/probe-fm-en.pdf: handout" in result.stdout
    assert "Would build 2, skipped 2 unchanged" in result.stdout
    assert outputs(project) == before


def test_a_removed_clinic_is_reported_and_pruned(project: Project) -> None:
    first_build(project)
    (project.root / "clinics" / "beta.toml").unlink()
    result = project.run("build", "--lang", "en")
    assert f"stale   beta/{HANDOUT}-en.pdf (its clinic is gone)" in result.stdout
    assert (project.out / "beta" / f"{HANDOUT}-en.pdf").exists()
    result = project.run("build", "--lang", "en", "--prune")
    assert f"removed beta/{HANDOUT}-en.pdf" in result.stdout
    assert not (project.out / "beta" / f"{HANDOUT}-en.pdf").exists()
    recorded = json.loads((project.out / ".manifest.json").read_text())
    assert not any(key.startswith("beta/") for key in recorded)


def test_same_inputs_give_byte_identical_pdfs_with_one_or_two_workers(project: Project) -> None:
    two_clinics(project)
    one, two = project.root / "one", project.root / "two"
    assert project.run("build", "--lang", "en", "--jobs", "1", "--out", str(one)).exit_code == 0
    assert project.run("build", "--lang", "en", "--jobs", "2", "--out", str(two)).exit_code == 0
    pdfs = sorted(p.relative_to(one) for p in one.rglob("*.pdf"))
    assert len(pdfs) == 4
    for pdf in pdfs:
        assert (one / pdf).read_bytes() == (two / pdf).read_bytes(), pdf


def test_a_broken_clinic_never_enters_the_manifest(project: Project) -> None:
    two_clinics(project)
    project.clinic("gamma", 'name = "Gamma"\n[colours]\naccent = "bluish"\n')
    result = project.run("build", "--lang", "en", "--jobs", "2")
    assert result.exit_code == 1
    assert "gamma" in result.stderr and "accent" in result.stderr
    assert len(outputs(project)) == 4
    recorded = json.loads((project.out / ".manifest.json").read_text())
    assert sorted(recorded) == sorted(outputs(project))
    assert all(
        set(entry) >= {"handout", "clinic file", "templates", "styles", "versions"}
        for entry in recorded.values()
    )


def test_interrupted_build_leaves_no_temp_file_and_a_true_manifest(
    project: Project, monkeypatch
) -> None:
    from leaflets import build as build_module

    two_clinics(project)
    calls = []
    real = build_module.write_atomic

    def interrupt_on_second(target: Path, data: bytes) -> None:
        calls.append(target)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real(target, data)

    monkeypatch.setattr(build_module, "write_atomic", interrupt_on_second)
    result = project.run("build", "--lang", "en", "--jobs", "1")
    assert result.exit_code == 130
    monkeypatch.setattr(build_module, "write_atomic", real)
    assert project.leftovers() == []
    recorded = json.loads((project.out / ".manifest.json").read_text())
    assert sorted(recorded) == sorted(outputs(project)) and len(recorded) == 1


def one_leaflet_built(project: Project) -> dict:
    """Clinic beta's probe leaflet, built once; its manifest entry."""
    project.clinic("beta", 'name = "Beta Clinic"\n')
    project.write("handouts/probe-fm/en.md", PROBE_FM)
    assert project.run("build", "--handout", "probe-fm").exit_code == 0
    return json.loads((project.out / ".manifest.json").read_text())["beta/probe-fm-en.pdf"]


def test_prune_deletes_only_recorded_leaflets_inside_the_output_folder(project: Project) -> None:
    entry = one_leaflet_built(project)
    elsewhere = project.root.parent  # outside the project, as the canary folder is
    victims = [project.root / "up.pdf", elsewhere / "absolute.pdf", project.root / "x.pdf"]
    notes = project.write("build/gone/notes.txt", "kept")
    stale = project.write("build/gone/probe-fm-en.pdf", "%PDF-")
    for victim in victims:
        victim.write_text("not the tool's")
    keys = ["../up.pdf", str(victims[1]), "gone/../../x.pdf", "gone/notes.txt"]
    recorded = dict.fromkeys([*keys, "gone/probe-fm-en.pdf", "beta/probe-fm-en.pdf"], entry)
    (project.out / ".manifest.json").write_text(json.dumps(recorded))
    result = project.run("build", "--handout", "probe-fm", "--prune")
    assert result.exit_code == 0, result.output
    for key in keys:
        assert f"ignored the entry '{key}': not a leaflet this tool writes" in result.stderr
    assert result.stderr.count("it is never deleted") == len(keys)
    assert "removed gone/probe-fm-en.pdf" in result.stdout and not stale.exists()
    assert all(victim.exists() for victim in [*victims, notes])
    assert sorted(json.loads((project.out / ".manifest.json").read_text())) == [
        "beta/probe-fm-en.pdf"
    ]


@pytest.mark.parametrize(
    ("manifest", "fragment"),
    [
        ("[]", "not a manifest this tool wrote"),
        ('"beta/probe-fm-en.pdf"', "not a manifest this tool wrote"),
        ('{"beta/probe-fm-en.pdf": ["handout"]}', "not a manifest this tool wrote"),
        ('{"beta/probe-fm-en.pdf": {"handout": 1}}', "not a manifest this tool wrote"),
        ("{not json", "cannot be read (not valid JSON: "),
    ],
    ids=["list", "string", "entry-list", "hash-number", "invalid-json"],
)
def test_a_manifest_of_the_wrong_shape_is_a_warning_and_a_full_rebuild(
    project: Project, manifest: str, fragment: str
) -> None:
    one_leaflet_built(project)
    (project.out / ".manifest.json").write_text(manifest)
    result = project.run("build", "--handout", "probe-fm")
    assert result.exit_code == 0, result.output
    assert f"warning: {project.out / '.manifest.json'}: {fragment}" in result.stderr
    assert "every leaflet is built again" in result.stderr
    assert "Built 1, skipped 0" in result.stdout
    assert "beta/probe-fm-en.pdf" in json.loads((project.out / ".manifest.json").read_text())


def test_hashing_a_clinic_folder_never_follows_a_link_out_or_opens_a_fifo(
    project: Project,
) -> None:
    project.clinic("beta", 'name = "Beta Clinic"\n')
    project.write("handouts/probe-fm/en.md", PROBE_FM)
    folder = project.root / "clinics" / "beta"
    folder.mkdir()
    os.symlink(project.outside / "canary.txt", folder / "notes.txt")  # the fixture watches it
    os.symlink(project.outside, folder / "more")
    os.mkfifo(folder / "pipe")
    done: list = []
    build = threading.Thread(
        target=lambda: done.append(project.run("build", "--handout", "probe-fm"))
    )
    build.start()
    build.join(timeout=120)
    if build.is_alive():  # blocked reading the FIFO: give it a writer, so the test ends
        os.close(os.open(folder / "pipe", os.O_WRONLY | os.O_NONBLOCK))
        build.join()
        pytest.fail("the build blocked opening a FIFO in the clinic folder")
    assert done[0].exit_code == 0, done[0].output
    os.unlink(folder / "notes.txt")
    os.symlink(project.outside / "canary.css", folder / "notes.txt")
    again = project.run("build", "--handout", "probe-fm")
    assert "Built 1, skipped 0" in again.stdout  # a link moved: rebuilt


def test_an_unreadable_file_in_a_clinic_folder_fails_only_that_clinic(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root reads any file whatever its mode, so the refusal comes from a patched os.open.
    project.clinic("aa-good", 'name = "Good Clinic"\n')
    project.clinic("beta", 'name = "Beta Clinic"\n')
    project.write("handouts/probe-fm/en.md", PROBE_FM)
    secret = project.write("clinics/beta/secret.txt", "no entry")
    real_open = os.open

    def refuse(path, *args, **kwargs):
        if os.fspath(path) == str(secret):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(secret))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    result = project.run("build", "--handout", "probe-fm")
    assert result.exit_code == 1, result.output
    assert f"beta/probe-fm-en.pdf: {secret}: cannot be read (Permission denied)" in result.stderr
    assert (project.out / "aa-good" / "probe-fm-en.pdf").exists()
    assert not (project.out / "beta").exists()


def test_the_manifest_hashes_the_options_that_change_a_pdf_and_no_others(
    project: Project,
) -> None:
    from leaflets import manifest
    from leaflets.branding import load_branding
    from leaflets.content import load_handout
    from leaflets.leaflet import Options
    from leaflets.project import Project as Folders

    two_clinics(project)
    folders = Folders(project.root)
    branding = load_branding(folders.clinic_file("beta"))  # on A4, its default paper
    handout = load_handout(folders.handout_file("probe-fm", "en"))  # reviewed by 2099-01-15

    def hashed(**options) -> str:
        chosen = Options(**{"today": datetime.date(2098, 1, 1), **options})
        return manifest.inputs(folders, branding, handout, "standard", chosen)["options"]

    limits = {"max_kb": 5, "page_limit": 2, "time_limit": 1.0, "memory_limit": 64}
    assert hashed(allow_expired=True, paper="A4", **limits) == hashed()
    changes = [{"paper": "A5"}, {"pdf_variant": "pdf/a-2b"}, {"today": datetime.date(2099, 2, 1)}]
    assert all(hashed(**change) != hashed() for change in changes)
