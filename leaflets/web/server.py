"""Serving the app: werkzeug's threaded server, in the foreground or (for tests) in a thread."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from ..errors import ConfigError


def _server(app: Flask, host: str, port: int) -> BaseWSGIServer:
    try:
        return make_server(host, port, app, threaded=True)
    except OSError as error:
        raise ConfigError(
            f"--host {host} --port {port}: cannot listen there ({error.strerror}); "
            "choose another --port"
        ) from None


def serve(
    app: Flask, host: str, port: int, on_ready: Callable[[str], None] = lambda url: None
) -> None:
    """Serve until Ctrl-C."""
    server = _server(app, host, port)
    on_ready(f"http://{host}:{server.server_port}/")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@contextmanager
def running(app: Flask, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve `app` in a thread (port 0: any free port) and yield its address; stop after."""
    server = _server(app, host, port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
