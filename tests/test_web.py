"""The web page through Flask's test client: what it refuses, what it saves, and how it fails."""

from __future__ import annotations

import io
import os
import re

import pytest
import tomlkit
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from conftest import HANDOUT, Project
from generate import cli
from leaflets import project as project_module
from leaflets import web
from leaflets.web import clinic_form, create_app

pytestmark = pytest.mark.slow  # renders leaflets: left out of the fast tier

pytest_plugins = ["webtools"]  # the example clinics' project, its app, a logo

CHOICE = {"clinic": "northfield", "handout": HANDOUT, "lang": "en", "variant": "standard"}


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def token(client: FlaskClient, url: str = "/") -> str:
    """The CSRF token in a page's form."""
    html = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def post(client: FlaskClient, url: str, data: dict) -> TestResponse:
    return client.post(url, data={"csrf_token": token(client), **data})


def text(response: TestResponse) -> str:
    html = response.get_data(as_text=True).replace("&#39;", "'").replace("&amp;", "&")
    return re.sub(r"\s+", " ", html)


def beside(response: TestResponse, field_id: str) -> str:
    """The error shown in a field's own block, the block holding its input."""
    for block in text(response).split('<div class="field')[1:]:
        if f'id="{field_id}"' in block.split("</div>")[0]:
            found = re.findall(r'<p class="error"[^>]*>(.*?)</p>', block)
            return " ".join(re.sub(r"<[^>]+>", "", problem) for problem in found)
    raise AssertionError(f"no field {field_id}")


def upload(client: FlaskClient, data: bytes, name: str = "logo.png") -> TestResponse:
    logo = (io.BytesIO(data), name)
    return post(client, "/clinics/northfield", {"logo.alt": "Logo", "logo.file": logo})


def assert_plain(response: TestResponse) -> None:
    page = text(response)
    assert "<h1>" in page
    assert "Traceback" not in page and 'File "' not in page and "werkzeug" not in page


# Safe by default


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/", CHOICE),
        ("/clinics/northfield", {"name": "Taken Over"}),
        ("/new-clinic", {"name": "X"}),
    ],
    ids=["make", "edit", "new"],
)
def test_a_form_without_its_csrf_token_is_refused(
    client: FlaskClient,
    examples_project: Project,
    url: str,
    data: dict,
) -> None:
    before = {path: path.read_bytes() for path in examples_project.root.rglob("*.toml")}
    response = client.post(url, data=data)
    assert response.status_code == 400 and "Form expired" in text(response)
    assert {path: path.read_bytes() for path in examples_project.root.rglob("*.toml")} == before


def test_only_a_post_writes_whatever_body_a_get_or_head_carries(
    client: FlaskClient, examples_project: Project
) -> None:
    def files() -> dict:
        return {p: p.read_bytes() for p in examples_project.root.rglob("*") if p.is_file()}

    before = files()
    form = {"name": "Taken Over", "slug": "taken-over", "colours.primary": "#000000"}
    for url in ("/", "/clinics", "/clinics/northfield", "/new-clinic"):
        for method in ("GET", "HEAD"):
            response = client.open(url, method=method, data=form)
            assert response.status_code == 200, (method, url)
    assert files() == before


def test_a_slug_with_dot_dot_is_refused(client: FlaskClient, examples_project: Project) -> None:
    examples_project.write("secret.toml", 'name = "Not A Clinic"\n')
    for url in ("/clinics/..%2Fsecret", "/clinics/../secret", "/clinics/%2E%2E", "/clinics/secret"):
        assert client.get(url).status_code == 404, url
    response = post(client, "/new-clinic", {"name": "Evil", "slug": "../evil"})
    assert response.status_code == 422
    assert "'../evil' cannot be a file name" in beside(response, "slug")
    assert not (examples_project.root / "evil.toml").exists()
    assert sorted(p.name for p in (examples_project.root / "clinics").glob("*.toml")) == [
        "harbour-view.toml",
        "maple-street.toml",
        "northfield.toml",
    ]


def test_an_upload_named_with_dot_dot_is_refused(
    client: FlaskClient, examples_project: Project, logo: bytes
) -> None:
    clinic = examples_project.root / "clinics" / "northfield.toml"
    before = clinic.read_bytes(), sorted(examples_project.root.parent.rglob("*"))
    response = upload(client, logo, "../../../outside/logo.png")
    assert response.status_code == 422
    assert "'../../../outside/logo.png' is not a plain file name" in beside(response, "logo-file")
    assert (clinic.read_bytes(), sorted(examples_project.root.parent.rglob("*"))) == before
    assert not list(examples_project.root.rglob(".upload-*"))


def test_a_20_mb_upload_is_refused(client: FlaskClient, examples_project: Project) -> None:
    response = upload(client, b"\0" * (20 * 1024 * 1024))
    assert response.status_code == 413
    assert "a logo may be at most 5 MB" in text(response)
    assert_plain(response)
    assert not (examples_project.root / "clinics" / "northfield").exists()


def test_a_script_disguised_as_a_png_is_refused_with_the_cli_message(
    client: FlaskClient,
    examples_project: Project,
) -> None:
    script = b"<script>alert('hello')</script>"
    response = upload(client, script)
    assert response.status_code == 422
    shown = beside(response, "logo-file")
    assert shown == "Problem: 'logo.png' is not a readable image (use a PNG, JPEG or SVG file)"
    assert not (examples_project.root / "clinics" / "northfield" / "logo.png").exists()
    # The CLI, given the same file, says the same.
    examples_project.write("clinics/northfield/logo.png", script)
    clinic = examples_project.root / "clinics" / "northfield.toml"
    clinic.write_text(clinic.read_text() + '[logo]\nfile = "northfield/logo.png"\nalt = "Logo"\n')
    result = examples_project.run("build", "--clinic", "northfield")
    assert result.exit_code == 2
    assert f"logo.file: {shown.removeprefix('Problem: ')}" in result.stderr


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.7", "::", "clinic-pc.local"])  # noqa: S104
def test_serving_beyond_this_computer_without_a_password_refuses_to_start(
    examples_project: Project, host: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    served = []  # were the check gone, the test would record a start here, not hang serving
    monkeypatch.setattr(web, "serve", lambda *args: served.append(args))
    runner = CliRunner(env={"LEAFLETS_PASSWORD": None})
    result = runner.invoke(cli, ["--project", str(examples_project.root), "serve", "--host", host])
    assert result.exit_code == 2
    assert f"--host {host}: other computers could open this page" in result.stderr
    assert "LEAFLETS_PASSWORD" in result.stderr and "Traceback" not in result.output
    assert served == []


def test_off_this_computer_every_page_needs_the_password(examples_project: Project) -> None:
    project = project_module.Project(examples_project.root)
    client = create_app(project, "0.0.0.0", "s3cret-pass").test_client()  # noqa: S104
    for auth in (None, ("staff", "wrong"), ("staff", "")):
        for url in ("/", "/clinics", "/clinics/northfield", "/static/page.css"):
            response = client.get(url, auth=auth)
            assert response.status_code == 401, (url, auth)
            assert response.headers["WWW-Authenticate"].startswith("Basic")
            assert_plain(response)
    assert client.get("/", auth=("staff", "s3cret-pass")).status_code == 200


def test_on_this_computer_a_foreign_host_name_is_refused(client: FlaskClient) -> None:
    assert client.get("/", headers={"Host": "127.0.0.1:8000"}).status_code == 200
    response = client.get("/", headers={"Host": "attacker.example"})
    assert response.status_code == 400
    assert_plain(response)


def test_no_route_serves_a_file_by_name(client: FlaskClient) -> None:
    for url in (
        "/static/../clinics/harbour-view.toml",
        "/static/..%2Fclinics%2Fharbour-view.toml",
        "/clinics/harbour-view.toml",
        "/clinics/harbour-view/logo.svg",
        "/made/not-a-token/leaflet.pdf",
        "/made/not-a-token/page-1.png",
        "/made/not-a-token/microneedling-hair-loss-en.html",
        "/made/not-a-token/show/microneedling-hair-loss-en.html",
        "/build/harbour-view/microneedling-hair-loss-en.pdf",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert_plain(response)


def test_a_bug_shows_a_plain_page_and_no_detail(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("internal detail: /secret/path")

    monkeypatch.setattr("leaflets.web.pages.make", broken)
    response = post(client, "/", CHOICE)
    assert response.status_code == 500
    assert "Something went wrong on our side" in text(response)
    assert "internal detail" not in text(response)
    assert_plain(response)


# Make a leaflet


def test_a_leaflet_the_cli_refuses_is_refused_with_the_same_message(
    client: FlaskClient,
    examples_project: Project,
) -> None:
    examples_project.clinic(
        "probe", 'name = "Probe"\n[colours]\naccent = "bluish"\nprimary = "pink"\n'
    )
    result = examples_project.run("build", "--clinic", "probe", "--handout", HANDOUT)
    assert result.exit_code == 2
    response = post(client, "/", CHOICE | {"clinic": "probe"})
    assert response.status_code == 422
    shown = text(response)
    lines = [line.strip() for line in result.stderr.splitlines() if "probe.toml: " in line]
    assert len(lines) == 2 and "'bluish' is not a CSS colour" in lines[1]
    assert "2 problems in" in shown
    for line in lines:
        assert line in shown


@pytest.mark.usefixtures("page_checks_off")  # a <link> of a template's own is refused before
def test_a_leaflet_weasyprint_cannot_write_shows_its_message(
    client: FlaskClient, examples_project: Project
) -> None:
    examples_project.clinic("probe", 'name = "Probe"\n[theme]\ntemplates = "probe/templates"\n')
    examples_project.write(
        "clinics/probe/templates/leaflet.html",
        '{% extends "base.html" %}{% block head %}{{ super() }}'
        '<link rel="attachment" href="file:///etc/hostname">{% endblock %}',
    )
    refused = "refused to load 'file:///etc/hostname': a leaflet may read only files in"
    response = post(client, "/", CHOICE | {"clinic": "probe"})
    assert response.status_code == 422
    assert refused in text(response)
    assert_plain(response)
    response = client.get("/clinics/probe")  # page 1 of the same leaflet, beside the form
    assert response.status_code == 200 and refused in text(response)


def test_an_overdue_handout_is_refused_with_the_fix_each_screen_offers(
    client: FlaskClient, examples_project: Project
) -> None:
    examples_project.expire_handout()
    facts = (
        "en.md: review_date 2025-01-10 has passed; have the handout reviewed and its dates updated"
    )
    result = examples_project.run("build", "--clinic", "northfield", "--lang", "en")
    assert result.exit_code == 1
    assert f"{facts}, or build with --allow-expired to print it marked 'Review overdue'" in (
        " ".join(result.stderr.split())
    )
    response = post(client, "/", CHOICE)
    assert response.status_code == 422
    assert facts in text(response) and "--allow-expired" not in text(response)
    assert ".html" not in text(response)  # nor a web version: it would be refused the same
    assert_plain(response)


def test_a_leaflet_past_the_memory_limit_shows_its_message(
    client: FlaskClient, examples_project: Project
) -> None:
    examples_project.clinic("probe", 'name = "Probe"\n[theme]\ntemplates = "probe/templates"\n')
    examples_project.write(  # 1.5 GB of text, past the page's worker limit of 1024 MB
        "clinics/probe/templates/leaflet.html",
        '{% extends "base.html" %}{% block contact %}{{ "x" * 1500000000 }}{% endblock %}',
    )
    response = post(client, "/", CHOICE | {"clinic": "probe"})
    assert response.status_code == 422
    assert "ran out of memory: rendering it needed more than the 1024 MB" in text(response)
    assert_plain(response)


def test_a_leaflet_is_made_previewed_and_downloaded(client: FlaskClient) -> None:
    response = post(client, "/", CHOICE | {"lang": "es", "paper": "A5", "variant": "large-print"})
    assert response.status_code == 200
    page = text(response)
    download = re.search(r'href="(/made/[^"]+\.pdf)"', page).group(1)
    assert download.endswith("/northfield-microneedling-hair-loss-es-large-print.pdf")
    pdf = client.get(download)
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert "attachment" in pdf.headers["Content-Disposition"]
    pictures = re.findall(r'<img src="(/made/[^"]+/page-\d+\.png)"', page)
    assert len(pictures) >= 2
    assert all(client.get(url).data.startswith(b"\x89PNG") for url in pictures)


def test_a_paper_the_page_does_not_offer_is_refused_in_a_clinic_files_words(
    client: FlaskClient,
) -> None:
    response = post(client, "/", CHOICE | {"paper": "B5"})
    assert response.status_code == 422
    assert "paper: 'B5' is not a paper size (use A4, Letter or A5, in any case)" in text(response)
    assert_plain(response)


# The web version, beside the PDF

WEB_PAGE = f"northfield-{HANDOUT}-en.html"  # named as the PDF download is
DOWNLOAD_WEB = "Download the web version (.html)"
OPEN_WEB = "Open the web version"


def made_links(response: TestResponse) -> dict[str, str]:
    """The made leaflet's links, by their words."""
    made = text(response).split('<section class="result"')[1]
    found = re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', made)
    return {re.sub(r"<[^>]+>|\s*\(new tab\)", "", words).strip(): url for url, words in found}


def assert_inert(response: TestResponse, disposition: str) -> None:
    """Served as an inert page: nothing it may load or run, beyond its own meta policy."""
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    policy = [part.strip() for part in response.headers["Content-Security-Policy"].split(";")]
    for directive in (
        "default-src 'none'",
        "style-src 'unsafe-inline'",
        "img-src data:",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
        "sandbox",
    ):
        assert directive in policy, directive
    assert response.headers["Content-Disposition"] == f'{disposition}; filename="{WEB_PAGE}"'


def test_a_made_leaflet_offers_its_web_version_as_build_writes_it(
    client: FlaskClient, examples_project: Project
) -> None:
    links = made_links(post(client, "/", CHOICE | {"paper": "Letter"}))
    assert list(links) == ["Download the PDF", DOWNLOAD_WEB, OPEN_WEB]
    assert links[DOWNLOAD_WEB].endswith(f"/{WEB_PAGE}")
    built = examples_project.run(
        "build", "--format", "html", "--clinic", "northfield", "--handout", HANDOUT
    )
    assert built.exit_code == 0, built.output
    written = (examples_project.out / "northfield" / f"{HANDOUT}-en.html").read_bytes()
    download = client.get(links[DOWNLOAD_WEB])
    assert_inert(download, "attachment")
    assert download.data == written
    shown = client.get(links[OPEN_WEB])
    assert_inert(shown, "inline")
    assert shown.data == written


def test_a_web_version_not_on_the_shelf_is_not_found(client: FlaskClient) -> None:
    links = made_links(post(client, "/", CHOICE))
    preview = text(client.get("/clinics/northfield"))  # page 1 only: no web version made
    page_one = re.search(r'src="/made/([^/"]+)/page-1.png"', preview).group(1)
    for url in (
        links[DOWNLOAD_WEB].replace(WEB_PAGE, f"northfield-{HANDOUT}-es.html"),
        links[OPEN_WEB].replace(WEB_PAGE, "other.html"),
        links[DOWNLOAD_WEB].replace("/made/", "/made/x"),
        f"/made/{page_one}/{WEB_PAGE}",
        f"/made/{page_one}/show/{WEB_PAGE}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert_plain(response)


def test_a_web_version_that_fails_shows_the_message_build_gives_and_the_pdf_stays(
    client: FlaskClient, examples_project: Project
) -> None:
    gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01"
    gif += b"\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
    examples_project.write(f"handouts/{HANDOUT}/dot.gif", gif)
    examples_project.append_to_handout("![A black dot](dot.gif)")
    result = examples_project.run(
        "build", "--format", "html", "--clinic", "northfield", "--handout", HANDOUT
    )
    assert result.exit_code == 1
    message = "the picture 'dot.gif' cannot go in a web page"
    assert message in result.stderr
    response = post(client, "/", CHOICE)
    assert response.status_code == 200
    links = made_links(response)
    assert list(links) == ["Download the PDF"]
    assert client.get(links["Download the PDF"]).data.startswith(b"%PDF")
    shown = text(response)
    assert "The web version cannot be made" in shown
    assert f"clinic 'northfield', handout '{HANDOUT}' (en): {message}" in shown
    assert_plain(response)


# Brand a clinic


def test_saving_keeps_comments_key_order_and_untouched_values(
    client: FlaskClient,
    examples_project: Project,
) -> None:
    path = examples_project.root / "clinics" / "harbour-view.toml"
    before = path.read_text().splitlines()
    form = {"paper": "Letter", "contact.phone": "+44 23 9200 0001", "colours.accent": "#9ad1d4"}
    response = post(client, "/clinics/harbour-view", form)
    assert response.status_code == 303, text(response)
    after = path.read_text().splitlines()
    changed = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
    assert changed == [
        ('paper = "A4"', 'paper = "Letter"'),
        ('phone = "+44 23 9200 0000"', 'phone = "+44 23 9200 0001"'),
    ]  # the accent, rgb(154 209 212), is the same colour as #9ad1d4: left as written
    assert after[0].startswith("# Harbour View Dermatology: the reference example")
    assert "large_print = true                  # also print the large-print copy" in after


def test_a_comment_beside_a_changed_value_survives(
    client: FlaskClient,
    examples_project: Project,
) -> None:
    path = examples_project.root / "clinics" / "maple-street.toml"
    path.write_text(path.read_text().replace('paper = "Letter"', 'paper = "Letter"  # our printer'))
    assert post(client, "/clinics/maple-street", {"paper": "A4"}).status_code == 303
    assert 'paper = "A4"  # our printer' in path.read_text()


def test_an_invalid_field_shows_its_error_beside_it_and_nothing_is_written(
    client: FlaskClient,
    examples_project: Project,
) -> None:
    path = examples_project.root / "clinics" / "northfield.toml"
    before = path.read_bytes()
    form = {"colours.primary": "#87ceeb", "contact.email": "not an address", "name": "Renamed"}
    response = post(client, "/clinics/northfield", form)
    assert response.status_code == 422
    assert "'#87ceeb' gives headings and links on white a contrast of" in beside(
        response, "colours-primary"
    )
    assert "is not an email address" in beside(response, "contact-email")
    assert beside(response, "name") == ""
    assert 'value="#87ceeb"' in text(response) and 'value="Renamed"' in text(response)
    assert path.read_bytes() == before


def test_a_problem_goes_beside_its_own_field_even_when_its_key_holds_a_colon(
    tmp_path,
) -> None:
    # An unknown key "primary: x" is not the field colours.primary: its problem is shown
    # above the form, with its key, never beside the field its key begins with.
    doc = tomlkit.parse('name = "Probe"\n[colours]\n"primary: x" = "red"\n')
    found = clinic_form.problems_by_field(doc, tmp_path / "probe.toml")
    assert "colours.primary" not in found
    assert found[""] == ["colours.primary: x: unknown key (did you mean 'primary'?)"]


def test_a_paper_written_in_lower_case_is_shown_chosen_and_kept_on_saving(
    client: FlaskClient,
    examples_project: Project,
) -> None:
    path = examples_project.write("clinics/probe.toml", 'name = "Probe"\npaper = "letter"\n')
    assert "<option selected>Letter</option>" in text(client.get("/clinics/probe"))
    assert post(client, "/clinics/probe", {"paper": "Letter", "name": "Probe"}).status_code == 303
    assert 'paper = "letter"' in path.read_text()


def test_a_new_clinic_is_written_like_init_and_builds(
    client: FlaskClient,
    examples_project: Project,
) -> None:
    form = {"name": "Riverside Skin & Hair", "slug": "", "colours.primary": "#2a4d69"}
    response = post(client, "/new-clinic", form)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/clinics/riverside-skin-hair?saved=1")
    path = examples_project.root / "clinics" / "riverside-skin-hair.toml"
    assert "# Branding for Riverside Skin & Hair. Only `name` is required" in path.read_text()
    assert 'primary = "#2a4d69"' in path.read_text()
    assert examples_project.run("build", "--clinic", "riverside-skin-hair").exit_code == 0
    again = post(client, "/new-clinic", form)
    assert "already exists" in beside(again, "slug")


def test_an_uploaded_logo_is_saved_in_the_clinic_folder_and_builds(
    client: FlaskClient, examples_project: Project, logo: bytes
) -> None:
    response = upload(client, logo, "Our_Logo.png")
    assert response.status_code == 303, text(response)
    assert (examples_project.root / "clinics" / "northfield" / "Our_Logo.png").read_bytes() == logo
    toml = (examples_project.root / "clinics" / "northfield.toml").read_text()
    assert '[logo]\nfile = "northfield/Our_Logo.png"\nalt = "Logo"' in toml
    assert not list(examples_project.root.rglob(".upload-*"))
    assert examples_project.run("build", "--clinic", "northfield").exit_code == 0


def test_a_failed_write_leaves_the_clinic_file_as_it_was(
    client: FlaskClient,
    examples_project: Project,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = examples_project.root / "clinics" / "northfield.toml"
    before = path.read_bytes()
    csrf = token(client)

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    response = client.post("/clinics/northfield", data={"csrf_token": csrf, "name": "Renamed"})
    assert response.status_code == 500
    assert "No space left on device" in text(response)
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".")] == []


def test_clinics_are_listed_by_name_and_a_file_without_one_by_slug(
    client: FlaskClient,
    examples_project: Project,
) -> None:
    examples_project.write("clinics/broken.toml", "name = \n")
    listing = text(client.get("/clinics"))
    assert '<a href="/clinics/harbour-view">Harbour View Dermatology</a>' in listing
    assert '<a href="/clinics/broken">broken</a>' in listing
    assert listing.index(">broken<") < listing.index("Harbour View") < listing.index("Maple Street")
    choices = text(client.get("/"))
    assert '<option value="maple-street">Maple Street Hair Clinic</option>' in choices


def test_a_clinic_file_only_an_editor_can_mend_shows_the_cli_message(
    client: FlaskClient,
    examples_project: Project,
) -> None:
    examples_project.clinic("broken", 'name = "Broken\n')
    response = client.get("/clinics/broken")
    assert response.status_code == 422
    assert "not valid TOML" in text(response) and "<form" not in text(response).split("<main")[1]


def test_form_values_round_trip_every_field() -> None:
    doc = clinic_form.new_clinic_document("Probe", "probe")
    form = {field.key: f"value {n}" for n, field in enumerate(clinic_form.FIELDS)}
    form |= {"colours.primary": "#123456", "colours.accent": "#abcdef", "contact.address": "a\r\nb"}
    clinic_form.apply_form(doc, form)
    shown = clinic_form.form_values(doc)
    for field in clinic_form.FIELDS:
        if field.kind != "file":
            assert shown[field.key] == form[field.key].replace("\r\n", "\n"), field.key
    saved = tomlkit.parse(tomlkit.dumps(doc))  # as save_clinic writes it, read back
    assert clinic_form.form_values(saved) == shown
