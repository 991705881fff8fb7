"""The Flask app and what keeps it safe: who may connect, forms only from our pages, plain errors.

- Served on 127.0.0.1 unless `--host` says otherwise; any other host needs a password (HTTP
  basic auth), and the app refuses to start without one. On 127.0.0.1 the Host header must
  name this machine too, so a web page elsewhere cannot reach the app by rebinding its DNS.
- Every form carries a CSRF token (flask-wtf), checked on every POST.
- Requests are capped at a logo's size limit plus room for the form's text.
- Errors are plain pages in words; a bug is logged on the terminal, never shown.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets

import jinja2
from flask import Flask, Response, current_app, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge

from .. import assets
from ..errors import ConfigError, LeafletError
from ..project import THEME, Project
from .made import Shelf
from .pages import Missing, pages

PASSWORD_VARIABLE = "LEAFLETS_PASSWORD"  # noqa: S105 - where the password is, not it
WEB = THEME / "web"
LOCAL_NAMES = ["127.0.0.1", "localhost", "::1", "[::1]"]
# A page of our own, with no script and no outside resource: say so to the browser.
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
_PLAIN = {
    400: "The request could not be understood.",
    401: "This page needs the password it was started with.",
    404: "There is nothing at this address.",
    405: "That is not something this page can do.",
    413: f"The upload is too large: a logo may be at most {assets.MAX_LOGO_BYTES // assets.MB} MB.",
    500: "Something went wrong on our side. The details are on the terminal running the page.",
}


def is_local(host: str) -> bool:
    """True when `host` can be reached only from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def create_app(project: Project, host: str = "127.0.0.1", password: str | None = None) -> Flask:
    """The web page for `project`, to be served on `host`; refuse a non-local host unprotected."""
    if not is_local(host) and not password:
        raise ConfigError(
            f"--host {host}: other computers could open this page; set a password in the "
            f"{PASSWORD_VARIABLE} environment variable first, or leave out --host to serve "
            "this computer only"
        )
    app = Flask(__name__, template_folder=WEB / "templates", static_folder=WEB / "static")
    app.jinja_options = {
        **app.jinja_options,
        "undefined": jinja2.StrictUndefined,
        "trim_blocks": True,
        "lstrip_blocks": True,
    }
    app.config.update(
        SECRET_KEY=secrets.token_bytes(32),  # a new one each start: sessions end with the server
        MAX_CONTENT_LENGTH=assets.MAX_LOGO_BYTES + 256 * 1024,
        SESSION_COOKIE_SAMESITE="Strict",
        WTF_CSRF_TIME_LIMIT=None,  # valid while the session is: a long edit is not lost
        TRUSTED_HOSTS=LOCAL_NAMES if is_local(host) else None,
        PROJECT=project,
        SHELF=Shelf(),
    )
    CSRFProtect(app)
    app.register_blueprint(pages)
    if password:
        app.before_request(lambda: _check_password(password))
    app.after_request(_add_headers)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(LeafletError, _leaflet_error)
    app.register_error_handler(HTTPException, _plain_error)
    app.register_error_handler(Exception, _bug)
    return app


def _check_password(password: str) -> Response | None:
    given = request.authorization.password if request.authorization else None
    if given is not None and hmac.compare_digest(given.encode(), password.encode()):
        return None
    page = _render_error(401, "Password needed", _PLAIN[401])
    response = Response(page, 401, mimetype="text/html")
    response.headers["WWW-Authenticate"] = 'Basic realm="Clinic leaflets", charset="UTF-8"'
    return response


def _add_headers(response: Response) -> Response:
    """The page's headers, except where a route set its own (the web version's policy)."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _render_error(code: int, title: str, message: str) -> str:
    return render_template("error.html", code=code, title=title, message=message)


def _plain_error(error: HTTPException) -> Response:
    code = error.code or 500
    message = error.description if isinstance(error, Missing) else _PLAIN.get(code, "")
    title = "Upload too large" if isinstance(error, RequestEntityTooLarge) else error.name
    return Response(_render_error(code, title, message), code, mimetype="text/html")


def _csrf_error(error: CSRFError) -> Response:
    message = (
        "This form did not come from this page, or the page was open from before the server "
        "restarted. Go back, reload the page, and try again."
    )
    return Response(_render_error(400, "Form expired", message), 400, mimetype="text/html")


def _leaflet_error(error: LeafletError) -> Response:
    """A file that could not be written, say: the core's words, on the page."""
    page = _render_error(500, "That did not work", error.format_message())
    return Response(page, 500, mimetype="text/html")


def _bug(error: Exception) -> Response:
    current_app.logger.error("Bug while serving %s", request.path, exc_info=error)
    return _plain_error(InternalServerError())
