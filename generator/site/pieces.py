"""The rendered case and drill pages, kept on disk for the print packets.

The plugin fills each packet volume's slots from the HTML MkDocs rendered for the case pages
(pages/packets.py). Holding all of it until the packets are built cost memory in proportion to
the course (47 MB of packet HTML at a thousand cases, on top of MkDocs' own copy), so each case
page's HTML goes to a file here as soon as it is rendered, and a volume reads back one case at a
time. Under `serve` the folder lives as long as the server, so a rebuild that renders only the
edited case still finds the others, and each case as a packet prints it (`prepared`) is kept too:
a volume rebuilt for one edited case prepares that case alone.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

from metdocs.files.fsguard import write_atomically
from metdocs.pages.packets import Piece, prepare


class Spool:
    """Rendered case pages by source path, one file each in a private temporary folder."""

    def __init__(self, *, keep_prepared: bool = False):
        self.folder: Path | None = None
        self.keep_prepared = keep_prepared
        self._prepared: dict[str, set[Path]] = {}
        """Source path -> the files holding it as packets print it (removed when it changes)."""

    def _file(self, src_uri: str, variant: str = "") -> Path:
        name = hashlib.sha256(f"{src_uri}\0{variant}".encode("utf-8")).hexdigest()[:32]
        return self.folder / f"{name}.html"

    def put(self, src_uri: str, piece: Piece) -> None:
        if self.folder is None:
            self.folder = Path(tempfile.mkdtemp(prefix="metdocs-pieces-"))  # 0700: ours alone
        for stale in self._prepared.pop(src_uri, ()):
            stale.unlink(missing_ok=True)
        write_atomically(self._file(src_uri), f"{piece.key}\n{piece.url_dir}\n{piece.html}".encode("utf-8"))

    def prepared(self, src_uri: str, packet_dir: str, answers: bool) -> str | None:
        """The page as the packet in `packet_dir` prints it (packets.prepare), or None."""
        if self.keep_prepared and self.folder is not None:
            kept = self._file(src_uri, f"{packet_dir}\0{answers}")
            if kept in self._prepared.get(src_uri, ()):
                return kept.read_text(encoding="utf-8")
        piece = self.get(src_uri)
        if piece is None:
            return None
        html = prepare(piece, packet_dir, answers)
        if self.keep_prepared:
            write_atomically(kept, html.encode("utf-8"))
            self._prepared.setdefault(src_uri, set()).add(kept)
        return html

    def get(self, src_uri: str) -> Piece | None:
        """The piece kept for `src_uri`, or None when it was never rendered."""
        if self.folder is None:
            return None
        try:
            text = self._file(src_uri).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        key, url_dir, html = text.split("\n", 2)
        return Piece(key, url_dir, html)

    def close(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
