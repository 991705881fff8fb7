"""The command line: the catalogue's CLI cases, the other commands, and faults while writing."""

from __future__ import annotations

import datetime
import errno
import os
import shlex
import subprocess

import pytest

from conftest import HANDOUT, Project, pdf_text
from leaflets.check import check_project
from leaflets.project import Project as Folders

pytestmark = pytest.mark.slow  # renders leaflets: left out of the fast tier

GOOD = 'name = "Good Probe Clinic"\n'
BAD = 'name = "Bad Probe Clinic"\n[colours]\naccent = "bluish"\n'


def test_cli_04_out_naming_a_file_is_refused(project: Project) -> None:
    project.clinic("probe", 'name = "Probe Clinic"\n')
    notes = project.write("notes.txt", "my notes\n")
    result = project.run("build", "--clinic", "probe", "--out", str(notes))
    assert result.exit_code == 2
    assert "notes.txt" in result.stderr and "not a folder" in result.stderr
    assert notes.read_text() == "my notes\n"


def test_cli_05_batch_goes_on_past_a_bad_clinic(project: Project) -> None:
    project.clinic("aa-probe-good", GOOD)
    project.clinic("zz-probe-bad", BAD)
    result = project.run("build", "--handout", HANDOUT)
    assert result.exit_code == 1
    assert project.pdf("aa-probe-good").exists()
    assert not (project.out / "zz-probe-bad").exists()
    summary = result.stderr.split("Error:", 1)[1]
    assert "zz-probe-bad" in summary and "accent" in summary and "bluish" in summary


def test_cli_06_check_reports_a_bad_clinic_and_writes_nothing(project: Project) -> None:
    project.clinic("aa-probe-good", GOOD)
    project.clinic("zz-probe-bad", BAD)
    result = project.run("check")
    assert result.exit_code == 2
    assert "zz-probe-bad" in result.stderr and "accent" in result.stderr
    good = project.root / "clinics" / "aa-probe-good.toml"
    assert f"ok      {good}" in result.stdout.splitlines()
    assert not project.out.exists()


def test_cli_07_failed_rebuild_leaves_the_earlier_pdf_untouched(project: Project) -> None:
    project.clinic("probe", 'name = "Probe Clinic"\n')
    assert project.run("build", "--clinic", "probe").exit_code == 0
    before = project.pdf("probe").read_bytes()
    project.clinic("probe", 'name = "Probe Clinic"\n[colours]\naccent = "bluish"\n')
    result = project.run("build", "--clinic", "probe")
    assert result.exit_code == 2
    assert project.pdf("probe").read_bytes() == before
    assert project.leftovers() == []


def test_built_pdf_has_the_usual_file_permissions(project: Project) -> None:
    project.clinic("probe", 'name = "Probe Clinic"\n')
    assert project.run("build", "--clinic", "probe").exit_code == 0
    mask = os.umask(0)
    os.umask(mask)
    assert project.pdf("probe").stat().st_mode & 0o777 == 0o666 & ~mask


def test_cli_08_init_refuses_to_overwrite(project: Project) -> None:
    original = project.clinic("probe", 'name = "Probe Clinic"\n# mine\n').read_bytes()
    result = project.run("init", "probe")
    assert result.exit_code == 2
    assert "already exists" in result.stderr
    assert (project.root / "clinics" / "probe.toml").read_bytes() == original


def test_init_then_build_makes_a_branded_leaflet(project: Project) -> None:
    result = project.run("init", "Riverside Skin & Hair")
    assert result.exit_code == 0, result.output
    path = project.root / "clinics" / "riverside-skin-hair.toml"
    assert path.exists() and (project.root / "clinics" / "riverside-skin-hair").is_dir()
    assert project.run("check").exit_code == 0
    result = project.run("build", "--clinic", "riverside-skin-hair")
    assert result.exit_code == 0, result.output
    assert "Riverside Skin & Hair" in pdf_text(project.pdf("riverside-skin-hair"))


def test_init_names_commands_that_work_as_printed_and_the_optional_keys(
    project: Project,
) -> None:
    result = project.run("init", "Riverside Skin Clinic")
    assert result.exit_code == 0, result.output
    path = project.root / "clinics" / "riverside-skin-clinic.toml"
    text = path.read_text(encoding="utf-8")
    optional = ("# languages = [", "# large_print = true", "# approver = ", "# approved_on = ")
    assert all(f"\n{key}" in text for key in optional)
    *_, check, build = result.stdout.splitlines()
    assert check.endswith(f"generate.py --project {project.root} check")
    assert build.endswith("build --clinic riverside-skin-clinic")
    for key in optional:
        text = text.replace(f"\n{key}", f"\n{key[2:]}")
    path.write_text(text, encoding="utf-8")
    followed = subprocess.run(shlex.split(check), capture_output=True, text=True, check=False)
    assert followed.returncode == 0, followed.stderr
    assert f"ok      {path}" in followed.stdout


def test_list_shows_clinics_and_handouts(project: Project) -> None:
    project.clinic("probe", 'name = "Probe Clinic"\n')
    result = project.run("list")
    assert result.exit_code == 0
    assert "probe" in result.stdout and f"{HANDOUT} (en, es)" in result.stdout


def test_version_and_help(project: Project) -> None:
    assert project.run("--version").stdout.startswith("leaflets, version ")
    for command in ("build", "check", "init", "list"):
        result = project.run(command, "--help")
        assert result.exit_code == 0 and "Usage:" in result.stdout


@pytest.mark.parametrize(
    ("failure", "reason"),
    [(errno.ENOSPC, "No space left on device"), (errno.EROFS, "Read-only file system")],
    ids=["disk-full", "read-only"],
)
def test_a_failed_write_keeps_the_earlier_pdf_and_leaves_no_temp_file(
    project: Project, monkeypatch: pytest.MonkeyPatch, failure: int, reason: str
) -> None:
    project.clinic("probe", 'name = "Probe Clinic"\n')
    assert project.run("build", "--clinic", "probe").exit_code == 0
    before = project.pdf("probe").read_bytes()

    def full_disk(fd: int) -> None:
        raise OSError(failure, os.strerror(failure))

    monkeypatch.setattr(os, "fsync", full_disk)
    result = project.run("build", "--clinic", "probe", "--force")
    assert result.exit_code == 1
    assert f"{HANDOUT}-en.pdf" in result.stderr and reason in result.stderr
    assert project.pdf("probe").read_bytes() == before
    assert project.leftovers() == []


@pytest.fixture
def tiny_disk(tmp_path):
    """A 16 KB tmpfs, smaller than any leaflet (needs root, as on CI)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (not root)")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_keeps_the_earlier_pdf(project: Project, tiny_disk) -> None:
    project.clinic("probe", 'name = "Probe Clinic"\n')
    earlier = tiny_disk / "probe" / f"{HANDOUT}-en.pdf"
    earlier.parent.mkdir()
    earlier.write_bytes(b"%PDF-1.7 earlier leaflet")
    result = project.run("build", "--clinic", "probe", "--out", str(tiny_disk))
    assert result.exit_code == 1
    assert f"{HANDOUT}-en.pdf" in result.stderr and "No space left on device" in result.stderr
    assert earlier.read_bytes() == b"%PDF-1.7 earlier leaflet"
    assert sorted(p.name for p in earlier.parent.iterdir()) == [earlier.name]


def test_a_read_only_output_folder_is_reported(project: Project, tiny_disk) -> None:
    project.clinic("probe", 'name = "Probe Clinic"\n')
    (tiny_disk / "probe").mkdir()
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], check=True)
    result = project.run("build", "--clinic", "probe", "--out", str(tiny_disk))
    assert result.exit_code == 1
    assert f"{HANDOUT}-en.pdf" in result.stderr and "Read-only file system" in result.stderr
    assert list((tiny_disk / "probe").iterdir()) == []


def test_check_says_ok_only_when_every_check_passes(project: Project) -> None:
    english = project.root / "handouts" / HANDOUT / "en.md"
    text = english.read_text(encoding="utf-8")
    english.write_text(text.replace("## Aftercare", "## After care"), encoding="utf-8")
    result = project.run("check")
    assert result.exit_code == 1
    assert f"ok      {english}" not in result.stdout
    assert f"invalid {english}" in result.stderr
    assert f"ok      {english.with_name('es.md')}" in result.stdout
    assert (
        f"{english}: required_sections: 'Aftercare' has no '## Aftercare' "
        "heading; the nearest heading is '## After care' (make the two match)"
    ) in result.stderr


def test_check_finds_as_data_what_the_command_prints(project: Project) -> None:
    good, bad = project.clinic("aa-probe-good", GOOD), project.clinic("zz-probe-bad", BAD)
    english = project.root / "handouts" / HANDOUT / "en.md"
    text = english.read_text(encoding="utf-8")
    english.write_text(text.replace("## Aftercare", "## After care"), encoding="utf-8")
    checked = check_project(Folders(project.root), datetime.date(2026, 1, 1))
    assert [(clinic.path, clinic.ok) for clinic in checked.clinics] == [(good, True), (bad, False)]
    spanish = english.with_name("es.md")
    assert [(h.path, h.ok) for h in checked.handouts] == [(english, False), (spanish, True)]
    assert [(f.what, f.exit_code) for f in checked.failures] == [(str(bad), 2), (str(english), 1)]
    assert "'Aftercare' has no '## Aftercare' heading" in checked.failures[1].error.message
    assert [figures.lang for figures in checked.readability] == ["en", "es"]
    result = project.run("check")
    assert result.exit_code == 2  # the worst failure's code: an invalid clinic file
    assert f"ok      {good}" in result.stdout and f"ok      {spanish}" in result.stdout
    assert f"invalid {bad}" in result.stderr and f"invalid {english}" in result.stderr


@pytest.mark.parametrize(
    ("toml", "first_line"),
    [
        ('name = "X"\n[colours]\nprimay = "red"\n', "{path}: colours.primay: unknown key"),
        ('name = "X"\npaper = "B5"\nlogo = 1\n', "2 problems in {path}"),
    ],
    ids=["one-problem", "two-problems"],
)
def test_check_names_a_bad_file_once(project: Project, toml: str, first_line: str) -> None:
    path = project.clinic("probe", toml)
    result = project.run("check")
    assert result.exit_code == 2
    assert f"Error: 1 failure(s):\n  {first_line.format(path=path)}" in result.stderr
    assert f"{path}: {path}" not in result.stderr


@pytest.mark.parametrize(
    ("toml", "files", "fragment"),
    [
        (
            '[colours]\nprimary = "skyblue"\n',
            {},
            "colours.primary: 'skyblue' gives headings and links on white a contrast of 1.74:1",
        ),
        (
            '[logo]\nfile = "probe/Logo.PNG"\nalt = "Probe Clinic logo"\n',
            {"logo.png": b"\x89PNG"},
            "logo.file: 'probe/Logo.PNG' not found; did you mean 'probe/logo.png'? (a name must "
            "match letter for letter, capitals too)",
        ),
        (
            '[logo]\nfile = "probe/logo.svg"\n',
            {"logo.svg": b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>'},
            "logo.alt: required, but missing (the words screen readers read aloud in place of "
            "the logo, such as 'Bright Smile Hair Clinic logo')",
        ),
    ],
    ids=["colour-as-written", "near-file-name", "what-alt-text-is-for"],
)
def test_a_clinic_message_says_what_the_user_wrote_and_what_would_do(
    project: Project, toml: str, files: dict[str, bytes], fragment: str
) -> None:
    for name, content in files.items():
        project.write(f"clinics/probe/{name}", content)
    path = project.clinic("probe", f'name = "Probe Clinic"\n{toml}')
    result = project.run("build", "--clinic", "probe")
    assert result.exit_code == 2
    assert f"{path}: {fragment}" in result.stderr
    assert "Traceback" not in result.output and not project.out.joinpath("probe").exists()


def test_a_clinic_named_by_its_display_name_suggests_its_slug(project: Project) -> None:
    project.clinic("riverside-skin-clinic", 'name = "Riverside Skin Clinic"\n')
    project.clinic("harbour", 'name = "Harbour"\n')
    result = project.run("build", "--clinic", "Riverside Skin Clinic")
    assert result.exit_code == 2
    assert (
        "Error: clinic 'Riverside Skin Clinic' is not a valid clinic id: use lowercase letters, "
        "digits and hyphens, such as 'bright-smile' (did you mean 'riverside-skin-clinic'? "
        "available: harbour, riverside-skin-clinic)\n"
    ) == result.stderr
