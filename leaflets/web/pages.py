"""The two pages: make a leaflet, and brand a clinic; plus the leaflets made, served from memory.

Every route takes a slug or a token, never a path: a slug must name a clinic in the project
(`Project.known_clinic`), a token must be on the shelf, and nothing else is served but the
page's own stylesheet.

A leaflet's web version is the one page served here that is not ours: the clinic's page,
with its stylesheet and logo. It is served as it is written, and as inert as a page can be:
its own policy again, as a header, plus `sandbox` (it runs in an origin of its own, so even
a page that got past the policy could not reach this one) and `frame-ancestors 'none'`. It
is shown at an address of its own, in a tab of its own, rather than in a sandboxed frame on
the make page: a frame would need this page's `frame-src 'none'` loosened, and a clinic's
page is best seen as a patient sees it, at the full width of the window.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from tomlkit import TOMLDocument
from werkzeug.exceptions import NotFound

from ..branding import load_branding
from ..errors import ConfigError, LeafletError
from ..paper import PAPER_NAMES
from ..project import Project
from ..web_version import POLICY
from . import clinic_form
from .clinic_form import LOGO_FILE, Upload
from .made import VARIANTS, Choice, Made, Shelf, make, make_page_one

pages = Blueprint("pages", __name__)
WEB_VERSION_POLICY = f"{POLICY}; frame-ancestors 'none'; sandbox"


class Missing(NotFound):
    """A 404 whose description is ours, in plain words, and fit to show."""


def _project() -> Project:
    return current_app.config["PROJECT"]


def _shelf() -> Shelf:
    return current_app.config["SHELF"]


def _known_clinic(slug: str) -> str:
    try:
        return _project().known_clinic(slug)
    except ConfigError as error:
        raise Missing(error.format_message()) from None


@pages.get("/")
@pages.post("/")
def make_page() -> tuple[str, int]:
    """Choose a clinic, handout, language, paper and variant; preview and download."""
    project = _project()
    handouts = project.handout_ids()
    langs = sorted({lang for handout in handouts for lang in project.handout_langs(handout)})
    clinics = clinic_form.clinic_names(project)
    first = Choice(next(iter(clinics), ""), handouts[0] if handouts else "")
    choice = Choice(**{key: request.form.get(key, getattr(first, key)) for key in vars(first)})
    made, token, problem = None, None, None
    if request.method == "POST":
        try:
            made = make(project, choice)
            token = _shelf().put(made)
        except LeafletError as error:  # the core's words, which name no command-line option
            problem = error.format_message()
    page = render_template(
        "make.html",
        clinics=clinics,
        handouts=handouts,
        langs=langs,
        papers=PAPER_NAMES,
        variants=VARIANTS,
        choice=choice,
        made=made,
        token=token,
        problem=problem,
    )
    return page, 422 if problem else 200


def _made(token: str) -> Made:
    made = _shelf().get(token)
    if made is None:
        raise Missing("That leaflet is no longer kept here; make it again.")
    return made


@pages.get("/made/<token>/<name>.pdf")
def download(token: str, name: str) -> Response:
    """The PDF of a leaflet made on this page."""
    made = _made(token)
    if f"{name}.pdf" != made.file_name:
        raise Missing("That leaflet is no longer kept here; make it again.")
    response = Response(made.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{made.file_name}"'
    return response


@pages.get("/made/<token>/<name>.html", defaults={"shown": False})
@pages.get("/made/<token>/show/<name>.html", defaults={"shown": True})
def web_version(token: str, name: str, shown: bool) -> Response:
    """The web version of a leaflet made on this page: to download, or to see in the browser."""
    web = _made(token).web
    if web is None or web.page is None or f"{name}.html" != web.file_name:
        raise Missing("That web version is no longer kept here; make the leaflet again.")
    response = Response(web.page, mimetype="text/html")
    how = "inline" if shown else "attachment"
    response.headers["Content-Disposition"] = f'{how}; filename="{web.file_name}"'
    response.headers["Content-Security-Policy"] = WEB_VERSION_POLICY
    return response


@pages.get("/made/<token>/page-<int:number>.png")
def page_picture(token: str, number: int) -> Response:
    """A picture of one page of a leaflet made on this page."""
    made = _made(token)
    if not 1 <= number <= len(made.pages):
        raise Missing("That page is not in the leaflet.")
    return Response(made.pages[number - 1], mimetype="image/png")


@pages.get("/clinics")
def clinics() -> str:
    """Every clinic, to pick one to edit, and a way to add one."""
    return render_template("clinics.html", clinics=clinic_form.clinic_names(_project()))


@pages.get("/new-clinic")
@pages.post("/new-clinic")
def new_clinic() -> Response | tuple[str, int]:
    """Create a clinic file from the form."""
    form = request.form
    writes = request.method == "POST"  # Flask answers HEAD here too; it, like GET, only reads
    slug = clinic_form.new_slug(form) if writes else ""
    doc = clinic_form.new_clinic_document(form.get("name", "").strip(), slug)
    if not writes:
        return _clinic_page(None, clinic_form.form_values(doc), {}, 200)
    why = clinic_form.check_slug(_project(), slug)
    if why:  # never used in a path: say so, with whatever else is wrong
        clinic_form.apply_form(doc, form)
        values = clinic_form.form_values(doc) | {"slug": form.get("slug", "")}
        problems = clinic_form.problems_by_field(doc, _project().clinics / "unsaved.toml")
        return _clinic_page(None, values, problems | {"slug": [why]}, 422)
    return _save(slug, doc)


@pages.get("/clinics/<slug>")
@pages.post("/clinics/<slug>")
def clinic(slug: str) -> Response | tuple[str, int]:
    """Edit a clinic file in the form; after saving, a fresh picture of page 1."""
    slug = _known_clinic(slug)
    path = _project().clinic_file(slug)
    try:
        doc = clinic_form.read_clinic(path)
    except LeafletError as error:  # a file only a text editor can mend
        return _clinic_page(slug, {}, {"": [error.format_message()]}, 422, editable=False)
    if request.method != "POST":  # Flask answers HEAD here too; it, like GET, only reads
        problems = clinic_form.problems_by_field(doc, path)
        return _clinic_page(slug, clinic_form.form_values(doc), problems, 200)
    return _save(slug, doc)


def _save(slug: str, doc: TOMLDocument) -> Response | tuple[str, int]:
    """Apply the submitted form and upload to `doc`; save it, or show what is wrong."""
    sent = request.files.get(LOGO_FILE)
    upload, problems = None, {}
    saved_logo = clinic_form.value_at(doc, LOGO_FILE)
    if sent and sent.filename:
        why = clinic_form.check_upload_name(sent.filename)
        problems = {LOGO_FILE: [why]} if why else {}
        upload = None if why else Upload(sent.filename, sent.stream)
    if upload:  # before the alt text, so a new [logo] table reads file, then alt
        clinic_form.set_key(doc, LOGO_FILE, f"{slug}/{upload.name}")
    clinic_form.apply_form(doc, request.form)
    values = clinic_form.form_values(doc) | {LOGO_FILE: saved_logo}
    problems = problems or clinic_form.save_clinic(_project(), slug, doc, upload)
    if problems:
        new = not _project().clinic_file(slug).exists()
        return _clinic_page(None if new else slug, values | {"slug": slug}, problems, 422)
    return redirect(url_for("pages.clinic", slug=slug, saved=1), 303)


def _clinic_page(
    slug: str | None,
    values: dict[str, str],
    problems: dict[str, list[str]],
    status: int,
    editable: bool = True,
) -> tuple[str, int]:
    token, preview_problem = None, None
    if slug and editable and not problems:
        try:
            token = _shelf().put(
                make_page_one(_project(), load_branding(_project().clinic_file(slug)))
            )
        except LeafletError as error:
            preview_problem = error.format_message()
    page = render_template(
        "clinic.html",
        slug=slug,
        sections=clinic_form.sections(),
        values=values,
        problems=problems,
        editable=editable,
        saved=bool(request.args.get("saved")),
        token=token,
        preview_problem=preview_problem,
    )
    return page, status
