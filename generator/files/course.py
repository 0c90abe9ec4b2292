"""`metdocs new DIR`: a course project that builds on the shipped catalog by reference.

A course holds only what the educator adds or changes: its mkdocs.yml INHERITs the shipped
configuration (`INHERIT: !!python/name:metdocs.shipped.MKDOCS_YML`, a path MkDocs resolves
through the installed package wherever it lives), and its data/, templates/forms/,
templates/pages/ and site_src/ are layered on the shipped ones (`layers.py`, plugin.py). So
an upgrade of metdocs (new rules, fixed codes, new pages) reaches every course at its next
build, and a course's own entry replaces a shipped one only where it says `replaces: true`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import yaml

from metdocs import shipped
from metdocs.errors import UsageError, display_path
from metdocs.files.fsguard import FOLDER, Protected, shown, target_path, why_not_write

INHERIT_TAG = "tag:yaml.org,2002:python/name:metdocs.shipped.MKDOCS_YML"
OLD_INHERIT_TAG = "tag:yaml.org,2002:python/name:generator.shipped.MKDOCS_YML"
"""What courses made before metdocs took its own import name (0.1.0 installed as `generator`) say."""
EXAMPLE_FROM = "post-tka-clean"
"""The shipped worked case the example case is made from (it always passes the audit)."""
EXAMPLE_ID = "course-example"
EXAMPLE_DRILL_FROM = "drill-units-over-minutes"
"""The shipped audit drill the example drill is made from (its declared faults are what the audit finds)."""
EXAMPLE_DRILL_ID = "course-example-drill"


def builds_on_shipped(config_file: Path) -> bool:
    """True when the mkdocs.yml INHERITs the shipped configuration (a course project).

    Read with PyYAML's composer: tags are not resolved and nothing is imported.
    """
    try:
        node = yaml.compose(config_file.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeError, yaml.YAMLError):
        return False  # MkDocs or the CLI reports an unreadable configuration itself
    if not isinstance(node, yaml.MappingNode):
        return False
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "INHERIT" and isinstance(value, yaml.ScalarNode):
            if value.tag == INHERIT_TAG:
                return True
            if value.tag == OLD_INHERIT_TAG:  # MkDocs could not even load it: say how to fix it
                raise UsageError(f"{display_path(config_file)}:{key.start_mark.line + 1}: expected "
                                 "'INHERIT: !!python/name:metdocs.shipped.MKDOCS_YML', found the name an older "
                                 "metdocs had (generator.shipped); change 'generator.' to 'metdocs.' on that line")
            target = (config_file.parent / value.value).resolve()
            return target == Path(shipped.MKDOCS_YML).resolve()
    return False


def new_course(target: Path, name: str, *, places: Protected | None = None) -> list[Path]:
    """Write a course project into `target` (a new or empty folder); return the files written.

    Everything is written into a temporary sibling folder first and renamed into place, so
    a failure leaves nothing behind. `places` are what the course must not be written into
    (the write guard, fsguard.why_not_write).
    """
    name = " ".join(name.split())
    if not name or len(name) > 120:
        raise UsageError(f"expected --name to be 1 to 120 characters, found {len(name)}")
    given, target = target, target_path(target)
    why = why_not_write(target, places, FOLDER) or _not_new(target)
    if why is not None:
        raise UsageError(f"refusing to write the course to {shown(given)} (DIR): it {why}")
    files = _files(name)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
    try:
        for rel, text in files.items():
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        os.chmod(tmp, 0o755)  # mkdtemp makes it 0700
        if target.exists():
            target.rmdir()  # empty, checked above
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [target / rel for rel in files]


def _not_new(target: Path) -> str | None:
    """Why `target` is not a new or empty folder, or None."""
    if os.path.islink(target):
        return "is a symbolic link; name a new folder"
    if not os.path.lexists(target):
        return None
    if not target.is_dir():
        return "is a file, not a folder; choose a new folder"
    if any(target.iterdir()):
        return "is a folder with files in it; choose a new or empty folder"
    return None


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "course"


def _files(name: str) -> dict[str, str]:
    quoted = json.dumps(name, ensure_ascii=False)  # a JSON string is a valid YAML scalar, whatever the name holds
    from metdocs.release import VERSION
    return {
        "mkdocs.yml": MKDOCS_YML.format(name=quoted, version=VERSION, description=json.dumps(
            f"{name}: documenting and billing medical exercise training for private payers.", ensure_ascii=False)),
        "data/catalog/course.yaml": CATALOG.format(name=json.dumps(f"{name}: course notes", ensure_ascii=False)),
        f"data/cases/{EXAMPLE_ID}.yaml": example_case(),
        f"data/cases/{EXAMPLE_DRILL_ID}.yaml": example_drill(),
        "site_src/assets/logo.svg": LOGO,
        "README.md": course_readme(name),
        ".gitignore": GITIGNORE,
    }


def example_case() -> str:
    """The shipped clean worked case under the example's id and title, comments kept."""
    return _copied_case(EXAMPLE_FROM, EXAMPLE_ID, "# An example worked case for this course, copied from the shipped "
                        f"case '{EXAMPLE_FROM}'.\n# Edit it into your own (see README.md), or delete it.\n")


def example_drill() -> str:
    """The shipped drill on units and minutes under the example drill's id and title, comments kept:
    what `metdocs export` makes a course's own quiz of."""
    return _copied_case(EXAMPLE_DRILL_FROM, EXAMPLE_DRILL_ID, "# An example audit drill for this course, copied from "
                        f"the shipped drill '{EXAMPLE_DRILL_FROM}'.\n# `metdocs export` turns each fault under "
                        "expected_breaches into a quiz question. Edit it into your own\n# (see README.md), or "
                        "delete it.\n")


def _copied_case(source_id: str, new_id: str, head: str) -> str:
    """A shipped case's file under `new_id`, its title prefixed 'Example: ', with `head` in place of
    its first comment line."""
    import io
    from ruamel.yaml import YAML
    rt = YAML()
    rt.width = 4096  # keep each line as the shipped file has it: no new wrapping inside quoted text
    rt.preserve_quotes = True
    rt.indent(mapping=2, sequence=4, offset=2)  # the shipped files' style: list dashes indented under their key
    source = shipped.ROOT / "data" / "cases" / f"{source_id}.yaml"
    lines = source.read_text(encoding="utf-8").splitlines()
    # The source's first line says what the shipped case is; `head` says what the copy is instead.
    doc = rt.load("\n".join(lines[1:] if lines and lines[0].startswith("#") else lines) + "\n")
    doc["id"] = new_id
    doc["title"] = f"Example: {doc['title']}"
    out = io.StringIO()
    rt.dump(doc, out)
    return head + out.getvalue()


MKDOCS_YML = """\
# This course's site configuration. It builds on the configuration that comes with metdocs
# (INHERIT below): a setting here replaces metdocs' own, and everything left out comes from
# metdocs, so its updates (new pages, fixes) reach this course when you upgrade metdocs.
# Maps such as theme: are merged key by key; lists such as nav:, plugins: or extra_css:
# replace metdocs' list whole (copy it from metdocs' mkdocs.yml if you change one).
# `metdocs check`, `build`, `serve` and `export` read this file; plain `mkdocs build` works too.
INHERIT: !!python/name:metdocs.shipped.MKDOCS_YML

site_name: {name}
site_description: {description}
# Where the site will be published. Canonical links and the sitemap use it; leave it out
# (or empty) until you know, and they are left out. Never a localhost address.
# site_url: https://example.org/my-course/

theme:
  palette:
    primary: teal
    accent: teal
  logo: assets/logo.svg      # site_src/assets/logo.svg: replace it with your own
  favicon: assets/logo.svg

extra:
  # The metdocs version this course was made with (or last upgraded to). `metdocs check` says
  # when the installed metdocs differs; change it once the course checks and builds as you want.
  metdocs_version: "{version}"
"""

CATALOG = """\
# Catalog entries this course adds to the catalog that ships with metdocs. Any file in
# data/catalog/ may hold any of the lists: sources, cpt_codes, categories, diagnoses,
# document_types, elements, rules, measures (the fields are in metdocs' README).
# Use new ids. To change a shipped entry, repeat its id here with all its fields and add
# `replaces: true`; without it the same id twice is an error that names both files.
sources:
  - id: course-notes
    title: {name}
    note: Added by metdocs new as an example; cite it from your own rules, or delete it.
"""

LOGO = """\
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor"
     stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">
  <rect x="3" y="4" width="18" height="17" rx="2"/>
  <path d="M8 2v4M16 2v4M3 10h18M8 15l3 3 5-6"/>
</svg>
"""

GITIGNORE = """\
# Build output: made again by `metdocs build` and `metdocs export`.
site/
site-offline/
site-offline.zip
.site-*/
quiz/
__pycache__/
.venv/
"""

README = """\
# {name}

A course site made with metdocs. It builds on the catalog, cases, forms and pages that ship
with metdocs, and adds its own. Everything here is yours to edit.

## Every day

```sh
metdocs check                 # validate everything; every problem as file:line:col
metdocs serve                 # preview at the address it prints; rebuilds when you save
metdocs build                 # the site into site/ (publish that folder)
metdocs export --out quiz/    # this course's audit drills as a Moodle XML and a Canvas QTI quiz
```

`metdocs export` takes this course's own drills (`--with-shipped` adds those that ship with
metdocs) and names the question bank after the course (`--name` to change it).

## What is here

- `mkdocs.yml`: the site's name, colours and logo. Everything else comes from metdocs'
  own configuration (the `INHERIT:` line), so metdocs updates reach this site.
- `data/catalog/`: catalog entries this course adds (sources, codes, diagnoses, rules ...).
- `data/cases/`: this course's worked cases and audit drills. `{example}.yaml` (a worked
  case) and `{example_drill}.yaml` (an audit drill) are examples copied from shipped ones.
- `site_src/`: your own pages and assets. A file here with the same path as a shipped one
  (for example `site_src/index.md`, the home page) replaces it.
- `templates/forms/` (create it to use it): your own document forms.

## Add a case

1. Copy `data/cases/{example}.yaml` to `data/cases/<new-id>.yaml`, a new id in lower case
   with hyphens, such as `hip-replacement-week6`.
2. In the copy, change the `id:` line to that same new id, then the title, the summary
   and the client's story; keep every session's minutes and units consistent.
3. Run `metdocs check`: it audits the case and lists anything that does not add up.

## Change a shipped entry

Give your entry the shipped id and add `replaces: true`. Without it the same id twice is an
error naming both files, so nothing is replaced by accident. The same holds for cases
(the file name is the id) and forms.

## Shipped rules past their review-by date

Every rule and documentation element carries a review-by date. When a shipped one passes it,
`metdocs check` warns and says how to renew it for this course: check it against its sources
(`metdocs rules` lists them), then record your review in a catalog file, for example
`data/catalog/reviews.yaml`:

```yaml
reviews:
  - id: no-gp-modifier
    reviewed: {by: "Your name, credentials", on: 2027-07-01, note: "What you checked, and against what"}
```

A review renews the entry for a year from its date, on this course's site too. Upgrading
metdocs renews them as well: each release renews what it ships.

## Upgrading metdocs

This course was made with metdocs {version}, installed {installed}. To upgrade it:

```sh
{upgrade}
```

then `metdocs check`. The shipped catalog, cases and pages are read from the installed
package, never copied here, so the new rules apply at once; `check` tells you if one of your
entries now clashes with a new shipped one, and reminds you of the version this course was
made with (`metdocs_version` in `mkdocs.yml`: change it once the course checks and builds).
"""
README = README.replace("{example}", EXAMPLE_ID).replace("{example_drill}", EXAMPLE_DRILL_ID)


def course_readme(name: str) -> str:
    """The course's README, with the upgrade command for how this metdocs was installed."""
    from metdocs.files.install import described, upgrade_command
    from metdocs.release import VERSION
    values = {"name": name, "version": VERSION, "installed": described(), "upgrade": upgrade_command()}
    return re.sub(r"\{(name|version|installed|upgrade)\}", lambda m: values[m.group(1)], README)  # one pass


def recorded_version(config_file: Path) -> tuple[str | None, int]:
    """The metdocs version a course's mkdocs.yml records (`extra: metdocs_version:`) and its 1-based
    line; (None, 0) when it records none. Read with PyYAML's composer, as `builds_on_shipped` does."""
    try:
        node = yaml.compose(config_file.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeError, yaml.YAMLError):
        return None, 0
    for key, value in node.value if isinstance(node, yaml.MappingNode) else ():
        if isinstance(key, yaml.ScalarNode) and key.value == "extra" and isinstance(value, yaml.MappingNode):
            for k, v in value.value:
                if isinstance(k, yaml.ScalarNode) and k.value == "metdocs_version" and isinstance(v, yaml.ScalarNode):
                    return v.value, v.start_mark.line + 1
    return None, 0
