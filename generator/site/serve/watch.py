"""What `serve` watches: the project's data/, templates/ and site_src/, including those created
after it started (a course creates templates/ only when it needs one). The shipped folders a
course builds on are not watched: they change only with an upgrade of metdocs.

MkDocs' server watches a folder only if it exists when it is asked to. For each input folder
that does not exist yet, the folder that will hold it is watched (that folder alone, not what
is inside it); when the input folder appears, it is watched too and a rebuild is asked for, so
whatever was put in it at once counts as well.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

log = logging.getLogger("mkdocs.plugins.metdocs.watch")  # shown by `metdocs serve` (cli/serve.py)


def watch_inputs(server, project) -> None:
    """Have `server` (MkDocs' LiveReloadServer) rebuild when any input folder of `project` changes."""
    folders = [project.data, project.templates, project.docs]
    waiting = [f for f in folders if not f.is_dir()]
    for folder in folders:
        if folder.is_dir():
            server.watch(str(folder))
    if waiting:
        _AppearWatcher(server, waiting).start()


class _AppearWatcher:
    """Watches the parents of folders that do not exist yet, and starts watching each when it appears."""

    def __init__(self, server, waiting: list[Path]):
        self.server, self.waiting, self.lock = server, list(waiting), threading.Lock()

    def start(self) -> None:
        import watchdog.events
        handler = watchdog.events.FileSystemEventHandler()
        handler.on_any_event = lambda event: self.look()
        for parent in sorted({f.parent for f in self.waiting}):
            if parent.is_dir():
                self.server.observer.schedule(handler, str(parent), recursive=False)

    def look(self) -> None:
        with self.lock:
            appeared = [f for f in self.waiting if f.is_dir()]
            if not appeared:
                return
            self.waiting = [f for f in self.waiting if f not in appeared]
        for folder in appeared:
            log.info(f"Watching {folder.name}/ too, which was just created")
            self.server.watch(str(folder))
        _ask_for_rebuild(self.server)


def _ask_for_rebuild(server) -> None:
    """Ask MkDocs' server for a rebuild, as a change in a watched folder does (mkdocs.livereload,
    MkDocs 1.6: mkdocs<2 is pinned); it has no public call for it."""
    with server._rebuild_cond:
        server._want_rebuild = True
        server._rebuild_cond.notify_all()
