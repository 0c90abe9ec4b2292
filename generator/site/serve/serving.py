"""`serve` (metdocs serve and plain mkdocs serve) as a user meets it: every request gets an answer.

MkDocs' preview server has two ways of leaving a user with nothing: an address no file name
can hold (`GET /%00`: a NUL byte) makes its handler raise, and it prints the traceback; and
after a rebuild fails (a data error the user has not fixed yet) it holds every request until a
rebuild succeeds, so the browser spins. `keep_serving` wraps both: such an address is a 400 in
one line, anything else that goes wrong in a request a 500 in one line, and a failed rebuild
is reported once and the last good build goes on being served (the failed build stopped before
it wrote anything: data errors stop it in the plugin's `on_config`).
"""

from __future__ import annotations

import logging

log = logging.getLogger("mkdocs.livereload.metdocs")  # shown where MkDocs shows its serve messages


def keep_serving(server) -> None:
    """Wrap a `mkdocs.livereload.LiveReloadServer`'s request handler and builder (see above)."""
    handle, build = server._serve_request, server.builder

    def serve_request(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if "\x00" in path:
            return _answer(start_response, "400 Bad Request", "This address holds a NUL character, which no file name can.")
        try:
            return handle(environ, start_response)
        except Exception as e:  # noqa: BLE001 - one line for the user, never a traceback
            log.error(f"metdocs serve: could not answer GET {path!r}: {type(e).__name__}: {e}")
            return _answer(start_response, "500 Internal Server Error", "metdocs serve could not answer this request.")

    def builder(*args, **kwargs):
        try:
            build(*args, **kwargs)
        except (Exception, SystemExit):  # MkDocs' Abort is a SystemExit
            log.error("metdocs serve: the site was not rebuilt (see the errors above); it shows the last build that "
                      "worked until you fix them, then rebuilds")

    server._serve_request = serve_request
    server.builder = builder


def _answer(start_response, status: str, text: str):
    start_response(status, [("Content-Type", "text/plain; charset=utf-8")])
    return [f"{status}\n\n{text}\n".encode()]
