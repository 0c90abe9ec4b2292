"""A metdocs project on disk: where its data, templates and pages are, and the layers it builds on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from metdocs import shipped
from metdocs.files.course import builds_on_shipped
from metdocs.files.fsguard import MAX_BYTES, MAX_PAGE_BYTES
from metdocs.errors import SHOWN_AS

if shipped.PACKED:  # messages name the shipped files as metdocs' own, not by their place in site-packages
    SHOWN_AS.setdefault(shipped.ROOT.resolve(), "metdocs:")


@dataclass(frozen=True)
class Project:
    """Where a metdocs project keeps its parts; all relative to the folder of mkdocs.yml."""

    root: Path
    data: Path
    templates: Path
    docs: Path
    base: "Project | None" = None
    """The shipped project this one builds on (a course made by `metdocs new`), or None."""

    @classmethod
    def at(cls, root: Path, data: Path | None = None, *, base: Path | None = None) -> "Project":
        root = root.resolve()
        below = cls.at(base) if base is not None and base.resolve() != root else None
        return cls(root, (data or root / "data").resolve(), root / "templates", root / "site_src", below)

    @classmethod
    def for_config(cls, config_file: Path, data: Path | None = None) -> "Project":
        """The project of a mkdocs.yml: built on the shipped one when it INHERITs its configuration."""
        return cls.at(config_file.parent, data, base=shipped.ROOT if builds_on_shipped(config_file) else None)

    @property
    def layers(self) -> "tuple[Project, ...]":
        """The shipped project (when this one builds on it), then this one."""
        return (*(self.base.layers if self.base else ()), self)

    def catalog_folders(self) -> list[Path]:
        """Each layer's catalog folder, the shipped one first."""
        return [layer.data / "catalog" for layer in self.layers]

    def reviews_file(self) -> Path | None:
        """Where a course records its reviews of shipped rules and elements (see catalog/reviews.py);
        None for a project that is not built on the shipped one."""
        return self.data / "catalog" / "reviews.yaml" if self.base is not None else None

    def page_template_folders(self) -> list[Path]:
        """Each layer's page templates, searched in this order: a course's own first."""
        return [layer.templates / "pages" for layer in reversed(self.layers)]

    def read_roots(self) -> tuple[Path, ...]:
        """The folders every file metdocs reads must lie in (see fsguard.scan): each layer's
        project folder and data folder (which --data may put elsewhere)."""
        return tuple(p for layer in self.layers for p in (layer.root, layer.data))

    def inputs(self) -> list[Path]:
        """Every file whose change must trigger a new generation (the forms' downloads carry
        files of site_src/assets/)."""
        files = [p for layer in self.layers for d in (layer.data, layer.templates, layer.docs / "assets")
                 if d.is_dir() for p in d.rglob("*") if p.is_file()]
        return sorted(files)

    def input_folders(self) -> dict[Path, tuple[int, tuple[str, ...]]]:
        """Each input folder of every layer -> (size limit, the suffixes it applies to) for fsguard.scan."""
        return {folder: limits for layer in self.layers for folder, limits in (
            (layer.data, (MAX_BYTES, ())), (layer.templates, (MAX_BYTES, ())), (layer.docs, (MAX_PAGE_BYTES, (".md",))))}

    def fingerprint(self) -> tuple:
        """(path, modification time, size) of every input; a file gone meanwhile (an editor's
        swap file) stamps as None."""
        out = []
        for p in self.inputs():
            try:
                st = p.stat()
                out.append((str(p), st.st_mtime_ns, st.st_size))
            except OSError:
                out.append((str(p), None))
        return tuple(out)


def site_name(config_file: Path) -> str | None:
    """The `site_name` a mkdocs.yml sets, or the one of the configuration it INHERITs from metdocs;
    None when neither says."""
    name = config_text(config_file, "site_name")
    if name is not None:
        return " ".join(name.split()) or None
    shipped_config = Path(shipped.MKDOCS_YML)
    if config_file.resolve() != shipped_config.resolve() and builds_on_shipped(config_file):
        return site_name(shipped_config)
    return None


def config_text(config_file: Path, key: str) -> str | None:
    """The plain text a mkdocs.yml gives a top-level `key` (not one chosen by a tag such as !ENV);
    None when it gives none, or the file cannot be read (MkDocs reports that itself).

    Read with PyYAML's composer, as `builds_on_shipped` does: tags are not resolved, nothing is run.
    """
    import yaml
    try:
        node = yaml.compose(config_file.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeError, yaml.YAMLError):
        return None
    for k, value in node.value if isinstance(node, yaml.MappingNode) else ():
        if (isinstance(k, yaml.ScalarNode) and k.value == key and isinstance(value, yaml.ScalarNode)
                and value.tag == "tag:yaml.org,2002:str"):
            return value.value
    return None
