"""`metdocs serve`: a live preview that rebuilds when data/, templates/ or site_src/ change.

It is MkDocs' dirty serve: after an edit, the plugin regenerates only what the edit touched and
MkDocs rebuilds only the pages whose content changed (site/memo.py, site/serve/dirty.py), so a one-case
edit shows in about a second even in a course of thousands of cases. `--full` rebuilds every page
on every change instead.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager

from metdocs.cli.common import add, config_opt, data_for_mkdocs, data_opt, load_project, require_docs


def add_parser(sub) -> None:
    sp = add(sub, "serve", "live preview that rebuilds when data/, templates/ or site_src/ change",
             "Serve the site with live reload. Edits to data/, templates/ and site_src/ rebuild it.")
    config_opt(sp)
    data_opt(sp)
    sp.add_argument("--dev-addr", metavar="IP:PORT", default="127.0.0.1:8000", help="address to serve on")
    sp.add_argument("--full", action="store_true",
                    help="rebuild every page on every change (default: only the pages whose content changed)")


def run(args) -> int:
    from mkdocs.commands.serve import serve
    from metdocs.errors import os_problem
    project = load_project(args)
    require_docs(project)
    config = args.config
    host, port = _dev_addr(args.dev_addr)
    _port_free(host, port)  # before the first build, which can take a while
    # Material's instant navigation needs site_url to be the address the pages come from.
    os.environ.setdefault("SITE_URL", f"http://{host}:{port}/")
    _serve_messages()
    with data_for_mkdocs(project), _polling(POLL_SECONDS):
        try:
            serve(config_file=str(config), dev_addr=f"{host}:{port}", livereload=True,
                  build_type=None if args.full else "dirty")
        except OSError as e:
            raise os_problem(e, f"cannot serve on {host}:{port}") from None
    return 0


POLL_SECONDS = 0.2
"""How often the server looks for changed files (MkDocs: 0.5 s, which was most of an edit's wait)."""


@contextmanager
def _polling(seconds: float):
    """MkDocs' live-reload server, looking for changes every `seconds`."""
    import functools
    from mkdocs.commands import serve as mkdocs_serve
    server = mkdocs_serve.LiveReloadServer
    mkdocs_serve.LiveReloadServer = functools.partial(server, polling_interval=seconds)
    try:
        yield
    finally:
        mkdocs_serve.LiveReloadServer = server


def _serve_messages() -> None:
    """Show MkDocs' own serve messages (the address, "Detected file changes", "Building
    documentation...") and what each rebuild rebuilds on stderr: the CLI adds no logging handler
    of its own otherwise. MkDocs' warning that a dirty build may leave stale navigation is left
    out: the plugin rebuilds every page whose navigation changed (site/serve/dirty.py)."""
    import logging
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.setLevel(logging.INFO)
    handler.addFilter(lambda record: not record.getMessage().startswith("A 'dirty' build is being performed"))
    for name in ("mkdocs.commands.serve", "mkdocs.livereload", "mkdocs.commands.build", "mkdocs.plugins.metdocs.serve",
                 "mkdocs.plugins.metdocs.watch"):
        log = logging.getLogger(name)
        log.setLevel(logging.INFO)
        log.addHandler(handler)


def _dev_addr(value: str) -> tuple[str, int]:
    from metdocs.errors import UsageError
    host, _, port = value.rpartition(":")
    if not host or not port.isascii() or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise UsageError(f"expected --dev-addr as IP:PORT with a port from 1 to 65535 (e.g. 127.0.0.1:8000), "
                         f"found {value!r}")
    return host, int(port)


def _port_free(host: str, port: int) -> None:
    """Raise a one-line SystemProblem when host:port cannot be served on (in use, not ours)."""
    import socket
    from metdocs.errors import UsageError, os_problem
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        raise UsageError(f"expected --dev-addr to name this machine, found {host!r} ({e.strerror})") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as MkDocs' server does
        try:
            s.bind(address)
        except OSError as e:
            raise os_problem(e, f"cannot serve on {host}:{port}") from None
