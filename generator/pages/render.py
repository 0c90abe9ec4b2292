"""Stage 5, render: one strict Jinja2 environment that turns page plans into Markdown.

Templates are dumb: they get plain model objects and precomputed links from
`plan.py`. Two safety nets are built in:

* `StrictUndefined`: a typo in a template fails the build instead of printing
  nothing.
* `finalize`: every `{{ value }}` is escaped for Markdown and HTML (`md_text`, see escape.py)
  unless the value is `Markup` built on purpose in Python. Catalog text is
  typed by hand and pasted from anywhere; it must show as text, never as markup.
  Inside `{% autoescape true %}` a template writes raw HTML (which Markdown
  passes through untouched, and fast); there values are HTML-escaped instead
  (`html_value`, then Jinja's autoescape), since backslashes would show.
"""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, pass_eval_context
from markupsafe import Markup

from metdocs.errors import Location, MetdocsError
from metdocs.escape import front_matter_title, html_value, link, md_text
from metdocs.files.cache import template_cache
from metdocs.pages.plan import anchor

_BETWEEN_TAGS = re.compile(r">\s*\n\s*<")


def tight(html: str) -> Markup:
    """Raw HTML written over several template lines, joined into one line (`{% filter tight %}`).

    Only line breaks between a '>' and the next '<' go: values are escaped, so they hold
    neither, and the result ends with one newline so Markdown sees the block end.
    """
    return Markup(_BETWEEN_TAGS.sub("><", str(html).strip()) + "\n")


@pass_eval_context
def _finalize(eval_ctx, value):
    return html_value(value) if eval_ctx.autoescape else md_text(value)


class TemplateProblem(MetdocsError):
    """A page template is broken; the message names the template, the line and the page being made."""


def environment(templates_dir: Path | list[Path]) -> Environment:
    """The one Jinja environment for site pages.

    `templates_dir` may be a list, searched in order: a course project's own page templates
    first, then the shipped ones (a course overrides a template by giving its file name).
    """
    dirs = [templates_dir] if isinstance(templates_dir, Path) else [d for d in templates_dir if d.is_dir()]
    env = Environment(
        loader=FileSystemLoader([str(d) for d in dirs or templates_dir]),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # output is Markdown; escaping is done by finalize (see the module doc)
        finalize=_finalize,
        # Each build makes its own environment, so a template cannot change under it: no stat()
        # of every template and partial on every page (a thousand pages ask for them each).
        auto_reload=False,
    )
    env.bytecode_cache = template_cache(env)  # compiled templates, reused by later builds
    env.filters["raw"] = Markup  # for literal Markdown written in the template itself
    env.filters["tight"] = tight
    env.globals["link"] = link
    env.globals["title"] = front_matter_title
    env.globals["anchor"] = anchor
    return env


def render(env: Environment, template: str, context: dict, *, page: str) -> str:
    """Render one page; turn any template failure into a TemplateProblem with its place."""
    try:
        return env.get_template(template).render(**context)
    except TemplateError as e:
        line = getattr(e, "lineno", None) or _line_of(e)
        found = [Path(d) / template for d in env.loader.searchpath if (Path(d) / template).is_file()]
        where = Location.of(found[0] if found else Path(env.loader.searchpath[0]) / template, line or 0)
        raise TemplateProblem(f"{where}: error: {e.message or e} (while rendering {page})") from None


def _line_of(e: Exception) -> int:
    """Find the template line in a traceback of an error raised while rendering."""
    tb, line = e.__traceback__, 0
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
