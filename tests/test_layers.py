"""The house rules of generator/: the README's layout map is the law, and these tests read it.

Each part (a top-level module or a subpackage) may import only the parts its row of the map
lists, and those must lie in lower layers: an import upward, sideways or unlisted fails here,
naming the file and line. The map must name every part, pyproject.toml must ship every
subpackage, and every `generator/...` path the README mentions must exist.
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

from conftest import REPO

PACKAGE = REPO / "generator"
README = (REPO / "README.md").read_text(encoding="utf-8")


def _map() -> dict[str, tuple[int, set[str] | None]]:
    """Part -> (layer, parts it may import, None for "every part below") from the README table."""
    section = README.split("### Inside `generator/`", 1)[1].split("\n## ", 1)[0]
    rows = [r for r in section.splitlines() if re.match(r"\| *(\d+|-) *\| *`", r)]
    out = {}
    for row in rows:
        layer, part, _, may = (c.strip() for c in row.strip("|").split("|"))
        name = part.strip("`").removesuffix("/").removesuffix(".py")
        allowed = None if may == "every part below" else set(re.findall(r"`([\w]+)`", may))
        out[name] = (int(layer) if layer != "-" else -1, allowed)
    return out


MAP = _map()


def _part(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _imports(path: Path):
    """(line, part imported, statement) for every import of metdocs in a file, inside functions too."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                yield node.lineno, None, f"relative import 'from {'.' * node.level}{node.module or ''}'"
                continue
            parts = (node.module or "").split(".")
            if parts[0] == "generator":
                yield node.lineno, None, f"'from {node.module} import ...' (the import package is metdocs)"
            elif parts[0] == "metdocs":
                for target in ([parts[1]] if len(parts) > 1 else [a.name for a in node.names]):
                    yield node.lineno, target, f"from {node.module} import ..."
        elif isinstance(node, ast.Import):
            for alias in node.names:
                head, _, rest = alias.name.partition(".")
                if head == "generator":
                    yield node.lineno, None, f"'import {alias.name}' (the import package is metdocs)"
                elif head == "metdocs" and rest:
                    yield node.lineno, rest.split(".")[0], f"import {alias.name}"


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_the_map_names_every_part_and_nothing_else():
    parts = {_part(p) for p in SOURCES} - {"__init__"}
    assert parts == set(MAP), f"in generator/ but not in the README map: {parts - set(MAP)}; " \
                              f"in the map but not in generator/: {set(MAP) - parts}"


def test_each_part_may_import_only_parts_in_lower_layers():
    wrong = []
    for part, (layer, allowed) in MAP.items():
        below = {p for p, (lay, _) in MAP.items() if 0 <= lay < layer}
        if allowed is not None and not allowed <= below:
            wrong.append(f"README map: {part} (layer {layer}) may import {sorted(allowed - below)}, "
                         "which are not in a lower layer")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_follow_the_map(path):
    part = _part(path)
    layer, allowed = MAP.get(part, (None, set()))
    if part == "__init__":  # the package itself re-exports __version__ from its one home, release.py
        layer, allowed = -1, {"release"}
    if allowed is None:  # "every part below"
        allowed = {p for p, (lay, _) in MAP.items() if 0 <= lay < layer}
    bad = [f"{path.relative_to(REPO)}:{line}: {what}" + ("" if target is None else
           f": {part} may not import {target} (README map: {part} may import {sorted(allowed) or 'nothing'})")
           for line, target, what in _imports(path) if target is None or (target != part and target not in allowed)]
    assert not bad, "\n".join(bad)


def test_pyproject_ships_every_subpackage_under_the_name_metdocs():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = config["tool"]["setuptools"]
    assert setuptools["package-dir"] == {"metdocs": "generator"}
    found = {".".join(("metdocs", *p.parent.relative_to(PACKAGE).parts)) for p in PACKAGE.rglob("__init__.py")}
    assert set(setuptools["packages"]) == found
    assert config["project"]["scripts"]["metdocs"].startswith("metdocs.")
    assert all(v.startswith("metdocs.") for v in config["project"]["entry-points"]["mkdocs.plugins"].values())


def test_every_generator_path_the_readme_names_exists():
    named = set(re.findall(r"`(generator/[\w/.]+)`", README))
    assert named, "the README names no generator/ path: is this test still reading the right file?"
    missing = sorted(n for n in named if not (REPO / n.rstrip("/")).exists())
    assert not missing, f"README.md names paths that do not exist: {missing}"


def test_nothing_imports_the_folder_name():
    """`generator` is the source folder's name only: a test importing it would load a second copy."""
    bad = [f"{p.relative_to(REPO)}:{line}: {what}" for p in sorted((REPO / "tests").rglob("*.py"))
           for line, target, what in _imports(p) if target is None and "generator" in what]
    assert not bad, "\n".join(bad)
