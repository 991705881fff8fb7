"""The Jinja environment and `render_page()`: branding + handout -> one HTML page.

Search order, one list: the clinic's own template folder, then the project's `templates/`
and the theme's (`Project.templates`), then `!theme/...` for an override that extends the
very file it replaces. Every template is sandboxed, autoescaped whatever its name, and an
undefined name is an error. Templates receive plain data (`template_data.py`); the sandbox
refuses attribute access on anything else, and the only functions a template can call are
gettext's and `format_date`.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import jinja2
import jinja2.runtime
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .booking import booking_qr_svg
from .branding import Branding
from .content import Handout
from .errors import LeafletError, shown
from .i18n import format_date, translations
from .page_styles import check_page
from .template_data import CONTAINERS, DATA_TYPES, HANDOUT_PLACEHOLDER, page_context

PAGE = "leaflet.html"
# The web version's page. Always the theme's (or a project's), never a clinic's own: a
# browser runs what a template writes, and the page's safety is in its head and styles.
WEB_PAGE = "web.html"


class ConfinedLoader(jinja2.FileSystemLoader):
    """A `FileSystemLoader` that also refuses symlinks leading out of its folder."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple:
        """Load `template`, refusing one whose real path leaves the search folder."""
        source, filename, uptodate = super().get_source(environment, template)
        roots = [os.path.realpath(folder) for folder in self.searchpath]
        real = os.path.realpath(filename)
        if not any(real.startswith(root + os.sep) for root in roots):
            raise jinja2.TemplateNotFound(template)
        return source, filename, uptodate


def search_path(
    templates: tuple[Path, ...], clinic_templates: Path | None
) -> list[jinja2.BaseLoader]:
    """The template search order for one clinic: its own folder, then the theme's folders."""
    theme = ConfinedLoader(templates)
    own = [ConfinedLoader(clinic_templates)] if clinic_templates else []
    return [*own, theme, jinja2.PrefixLoader({"!theme": theme})]


# Jinja's own objects a template works with: `loop`, `super()`, `self`, macros.
_JINJA_TYPES = (
    jinja2.runtime.LoopContext,
    jinja2.runtime.BlockReference,
    jinja2.runtime.TemplateReference,
    jinja2.runtime.Macro,
)


class DataOnlySandbox(ImmutableSandboxedEnvironment):
    """A sandbox that reaches into plain data only, and calls only the functions it was given.

    Jinja's sandbox refuses private attributes and known-unsafe ones, but lets a template
    call any other method of any object it holds (`Path.read_text`, say). Here attribute
    access works on data and Jinja's own objects only, and a call is allowed only to a
    function in `globals` or a method of data (`'x'.upper()`, `dict.items()`); the immutable
    sandbox already refuses the methods that change a list or a mapping.
    """

    def is_safe_attribute(self, obj: object, attr: str, value: object) -> bool:
        """Attributes of plain data and of Jinja's loop and block objects only."""
        return isinstance(
            obj, DATA_TYPES + CONTAINERS + _JINJA_TYPES
        ) and super().is_safe_attribute(obj, attr, value)

    def is_safe_callable(self, obj: object) -> bool:
        """The environment's own functions, Jinja's objects, and methods of plain data."""
        if isinstance(obj, jinja2.Undefined):
            return True  # calling it raises StrictUndefined's error, which names the name
        owner = getattr(obj, "__self__", None)
        allowed = (
            any(obj is function for function in self.globals.values())
            or isinstance(obj, _JINJA_TYPES)
            or (owner is not None and isinstance(owner, DATA_TYPES + CONTAINERS + _JINJA_TYPES))
        )
        return allowed and super().is_safe_callable(obj)


@functools.lru_cache(maxsize=64)
def environment(
    templates: tuple[Path, ...],
    clinic_templates: Path | None,
    lang: str,
    locale: tuple[Path, ...],
) -> jinja2.Environment:
    """One sandboxed environment per search order, language and catalogues, kept for the batch."""
    env = DataOnlySandbox(
        loader=jinja2.ChoiceLoader(search_path(templates, clinic_templates)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    for name in ("range", "dict", "lipsum", "cycler", "joiner", "namespace"):
        del env.globals[name]  # nothing a leaflet needs; `_` stays, the i18n extension's
    # The i18n extension adds this method when the environment is made.
    env.install_gettext_translations(translations(lang, locale), newstyle=True)  # type: ignore[attr-defined]
    env.globals["format_date"] = functools.partial(format_date, lang=lang)
    return env


def render_page(
    templates: tuple[Path, ...],
    locale: tuple[Path, ...],
    branding: Branding,
    handout: Handout,
    stylesheets: list[str],
    variant: str = "standard",
    page: str = PAGE,
    web: dict | None = None,
) -> str:
    """The leaflet's HTML for one clinic and one handout, printed as `variant`.

    `page` is the template: `PAGE` for the PDF, `WEB_PAGE` with the `web` values (its
    inline styles and logo, web_version.py) for the web version. `templates` and `locale`
    are the project's folders, then the theme's (`Project`).
    """
    lang = handout.lang
    own = branding.theme.templates if page == PAGE else None
    env = environment(templates, own, lang, locale)
    booking_url = branding.contact.booking_url
    qr_title = translations(lang, locale).gettext(
        "QR code: book an appointment at %(clinic)s online"
    )
    printed_url = booking_url if page == PAGE else None  # a screen has the link itself
    qr = booking_qr_svg(printed_url, qr_title % {"clinic": branding.name}) if printed_url else ""
    context = page_context(branding, handout, stylesheets, qr, variant) | {"web": web or {}}
    try:
        html = env.get_template(page).render(context)
    except jinja2.TemplateError as error:
        raise LeafletError(_describe(error, branding, templates)) from None
    # The theme's own page is ours, and tested; a clinic's is checked.
    problems = check_page(html, stylesheets, handout) if own else []
    if own:  # the back page's safety parts, as the theme prints them, must all be there
        theme_page = environment(templates, None, lang, locale).get_template(PAGE).render(context)
        problems += [
            f"does not print the back page's {name} as the theme does (a template may add "
            "around it, not change or remove it)"
            for name, part in kept_parts(theme_page).items()
            if html.count(part) != 1
        ]
    html = html.replace(HANDOUT_PLACEHOLDER, handout.html)
    if own and problems:  # only a clinic's own page is checked
        where = (
            f"clinic '{branding.slug}', handout '{handout.meta.id}' ({lang}): "
            f"the page made by {shown(own)}/"
        )
        raise LeafletError(f"{where} {problems[0]}", [f"{where} {p}" for p in problems[1:]])
    return html


# The back page's parts no clinic template may change: where to get help, the other
# formats, and the sources with the handout's dates (templates/base.html).
KEPT = {"urgent": "urgent help", "other-formats": "other formats", "sources": "sources and dates"}


def kept_parts(page: str) -> dict[str, str]:
    """The HTML of each `KEPT` section of the theme's own page, by its name."""
    parts = {}
    for css_class, name in KEPT.items():
        start = page.find(f'<section class="{css_class}"')
        end = page.find("</section>", start)
        if start != -1 and end != -1:
            parts[name] = page[start : end + len("</section>")]
    return parts


def _describe(error: jinja2.TemplateError, branding: Branding, templates: tuple[Path, ...]) -> str:
    """Name the template file and line where `error` happened, in plain words."""
    filename, line = getattr(error, "filename", None), getattr(error, "lineno", None)
    frame = error.__traceback__
    while frame is not None:  # Jinja rewrites tracebacks so templates appear as frames
        code = frame.tb_frame.f_code.co_filename
        if code.endswith(".html"):
            filename, line = code, frame.tb_lineno
        frame = frame.tb_next
    where = shown(Path(filename)) if filename else shown(templates[0] / PAGE)
    where += f": line {line}" if line else ""
    if isinstance(error, jinja2.sandbox.SecurityError):
        what = f"unsafe access refused by the template sandbox ({error})"
    elif isinstance(error, jinja2.TemplateNotFound):
        allowed = [f"{shown(folder)}/" for folder in templates]
        if branding.theme.templates:
            allowed.insert(0, f"{shown(branding.theme.templates)}/")
        what = (
            f"template '{error.name}' is not allowed or not found (templates may use only "
            f"files from {' and '.join(allowed)})"
        )
    elif isinstance(error, jinja2.UndefinedError):
        what = f"{error.message} (a template may use only clinic, handout, meta and variant)"
    else:
        what = error.message or type(error).__name__
    return f"{where}: {what}"
