"""Build hooks (pyproject.toml `[tool.setuptools] cmdclass`): ship the project's top-level
data/, templates/, site_src/ and mkdocs.yml inside the package.

The design keeps those folders at the top of the repository, where a source checkout (and
an editable install) uses them in place. A wheel gets copies in `metdocs/_shipped/`, and
an sdist carries the folders themselves so that a wheel built from it gets them too.
`shipped.py` finds whichever is there. Only setuptools is imported: this module runs in
the isolated build environment, before any of metdocs' dependencies exist.
"""

from __future__ import annotations

import os
from pathlib import Path

from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

FOLDERS = ("data", "templates", "site_src")
FILES = ("mkdocs.yml",)
TARGET = Path("metdocs", "_shipped")  # inside the installed package (folder generator/ in the source)


def shipped_files(root: Path) -> list[str]:
    """The files to ship, as paths relative to `root` (the project folder), sorted."""
    out = [f for f in FILES if (root / f).is_file()]
    for folder in FOLDERS:
        out += sorted(p.relative_to(root).as_posix() for p in (root / folder).rglob("*")
                      if p.is_file() and "__pycache__" not in p.parts and p.name != ".DS_Store")
    return out


class BuildPy(build_py):
    """build_py, plus the shipped project copied into build/lib/metdocs/_shipped/."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the folders in place
        root = Path(os.getcwd())
        for rel in shipped_files(root):
            target = Path(self.build_lib) / TARGET / rel
            self.mkpath(str(target.parent))
            self.copy_file(str(root / rel), str(target), preserve_mode=False)


class Sdist(sdist):
    """sdist, plus the shipped project's folders (setuptools would only take the package)."""

    def make_release_tree(self, base_dir, files):
        extra = [f for f in shipped_files(Path(os.getcwd())) if f not in files]
        super().make_release_tree(base_dir, [*files, *extra])
