"""Fillable PDF of a form: reportlab AcroForm, US Letter, byte-for-byte reproducible.

Field names are the same as the HTML control names (`client_name`,
`minutes.0.cpt`). The PDF standard forbids a period inside one field's name
(a period separates the levels of a field hierarchy), so a table cell is built
as a real hierarchy: field `minutes` → kid `0` → kid `cpt`. Readers report it
under its fully qualified name `minutes.0.cpt`, which is what we want.

The canvas runs with `invariant=1` and the page carries no date, so two
builds give identical bytes. Standard fonts only; text outside their
character set is replaced rather than embedding a font.
"""

from __future__ import annotations

import io

from reportlab.lib.colors import HexColor, black, white
from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFObject, PDFString
from reportlab.pdfgen import canvas

from .forms import Form, FormField, column_options
from .model import Catalog

WIDTH, HEIGHT = letter
MARGIN = 54.0
CONTENT = WIDTH - 2 * MARGIN
BOX = 18.0  # height of a one-line box: fits 10 pt text with room to write by hand
GREY = HexColor("#555555")
_WEIGHT = {"text": 3.0, "long-text": 4.0, "date": 1.5, "number": 1.1, "choice": 2.6, "checkbox": 0.8}


def _safe(text: str) -> str:
    """Text the standard PDF fonts can show (cp1252); anything else becomes '?'."""
    return text.encode("cp1252", "replace").decode("cp1252")


class _Node(PDFObject):
    """A non-terminal field: carries only a partial name, its kids and its parent."""

    def __init__(self, partial: str):
        self.partial, self.kids, self.parent = partial, [], None

    def format(self, doc):
        d = {"T": PDFString(self.partial), "Kids": PDFArray(self.kids)}
        if self.parent is not None:
            d["Parent"] = self.parent
        return PDFDictionary(d).format(doc)


class _Writer:
    """Draws a form top to bottom, adding pages as needed."""

    def __init__(self, form: Form, catalog: Catalog):
        self.form, self.catalog = form, catalog
        self.buf = io.BytesIO()
        self.c = canvas.Canvas(self.buf, pagesize=letter, invariant=1, pageCompression=1)
        self.c.setTitle(_safe(form.title))
        self.c.setAuthor("metdocs")
        self.c.setSubject(_safe(f"{form.id} {form.version}"))
        self.af = self.c.acroForm
        self.page = 1
        self.y = HEIGHT - MARGIN
        self.nodes: dict[str, tuple[_Node, object]] = {}
        self._annots: list = []
        add = self.c._addAnnotation

        def capture(annotation, name=None, addtopage=1):
            # Keep the widget dictionary so a table cell can be hung under its parent node.
            self._annots.append(annotation)
            return add(annotation, name, addtopage)
        self.c._addAnnotation = capture
        self._header()

    # -- page furniture -------------------------------------------------------
    def _header(self):
        c = self.c
        c.setFont("Helvetica", 8)
        c.setFillColor(GREY)
        c.drawString(MARGIN, HEIGHT - 36, _safe(f"{self.form.title} (form {self.form.id}, version {self.form.version})"))
        c.drawRightString(WIDTH - MARGIN, 30, f"Page {self.page}")
        c.drawString(MARGIN, 30, "Medical exercise training documentation - not physical therapy")
        c.setFillColor(black)

    def need(self, height: float):
        """Start a new page unless `height` points still fit above the bottom margin."""
        if self.y - height < MARGIN:
            self.c.showPage()
            self.page += 1
            self.y = HEIGHT - MARGIN
            self._header()

    def text(self, text: str, font="Helvetica", size=9.0, width=CONTENT, x=MARGIN, color=black) -> None:
        lines = simpleSplit(_safe(text), font, size, width)
        for line in lines:
            self.need(size + 3)
            self.c.setFont(font, size)
            self.c.setFillColor(color)
            self.c.drawString(x, self.y - size, line)
            self.y -= size + 3
        self.c.setFillColor(black)

    # -- fields ---------------------------------------------------------------
    def _box(self):
        return dict(borderColor=black, fillColor=white, textColor=black, forceBorder=True, borderWidth=1)

    def _place(self, name: str, make) -> None:
        """Create a widget with the last part of `name`; hang it under parent nodes when dotted."""
        *parents, leaf = name.split(".")
        make(leaf)
        if not parents:
            return
        ref, annot = self.af.fields.pop(), self._annots[-1]
        parent_ref = self._parent(".".join(parents))
        annot["Parent"] = parent_ref
        self.nodes[".".join(parents)][0].kids.append(ref)

    def _parent(self, path: str):
        if path not in self.nodes:
            *up, partial = path.split(".")
            node = _Node(partial)
            ref = self.af.getRef(node)
            self.nodes[path] = (node, ref)
            if up:
                node.parent = self._parent(".".join(up))
                self.nodes[".".join(up)][0].kids.append(ref)
            else:
                self.af.fields.append(ref)
        return self.nodes[path][1]

    def control(self, name, kind, x, y, w, h, tooltip, options=()):
        tip = _safe(tooltip)
        if kind == "checkbox":
            self._place(name, lambda leaf: self.af.checkbox(
                name=leaf, tooltip=tip, x=x, y=y + (h - 12) / 2, size=12, buttonStyle="check",
                borderColor=black, fillColor=white, textColor=black, forceBorder=True, checked=False))
        elif kind == "choice":
            # reportlab cannot make a combo box with an empty value; one space prints blank.
            opts = [(" ", " ")] + [(_safe(t), _safe(v)) for v, t in options]
            self._place(name, lambda leaf: self.af.choice(
                name=leaf, tooltip=tip, value=" ", options=opts, x=x, y=y, width=w, height=h, fontSize=8, **self._box()))
        else:
            flags = "multiline" if kind == "long-text" else ""
            self._place(name, lambda leaf: self.af.textfield(
                name=leaf, tooltip=tip, x=x, y=y, width=w, height=h, fontSize=9 if h <= BOX else 10,
                fieldFlags=flags, **self._box()))

    def field(self, f: FormField):
        label = f.caption + (" *" if f.required else "")
        if f.type == "table":
            return self.table(f, label)
        if f.type == "checkbox":
            lines = simpleSplit(_safe(label), "Helvetica-Bold", 9, CONTENT - 20)
            self.need(max(14, 12 * len(lines)) + 6)
            self.control(f.id, "checkbox", MARGIN, self.y - 14, 14, 14, f.label)
            self.y += 1
            self.text(label, "Helvetica-Bold", 9, CONTENT - 20, MARGIN + 20)
            self.y -= 4
        else:
            height = 54.0 if f.type == "long-text" else BOX
            self.need(12 + height + (11 if f.help else 0) + 6)
            self.text(label, "Helvetica-Bold", 9)
            width = {"date": 110.0, "number": 90.0}.get(f.type, CONTENT)
            if f.type == "choice":
                self.choices(f)
            else:
                self.control(f.id, f.type, MARGIN, self.y - height - 2, width, height, f.label)
                self.y -= height + 6
        if f.help:
            self.text(f.help, "Helvetica-Oblique", 8, color=GREY)
        self.y -= 4

    def choices(self, f: FormField):
        """A choice field prints as radio buttons with their words, so a pen can tick one."""
        x = MARGIN
        self.y -= 2
        for option in f.options:
            w = self.c.stringWidth(_safe(option), "Helvetica", 9) + 30
            if x + w > MARGIN + CONTENT:
                x, self.y = MARGIN, self.y - 16
            self.need(16)
            self.af.radio(name=f.id, value=_safe(option), selected=False, x=x, y=self.y - 12, size=12,
                          buttonStyle="circle", borderColor=black, fillColor=white, textColor=black,
                          forceBorder=True, tooltip=_safe(f.label),
                          fieldFlags="noToggleToOff radio" + (" required" if f.required else ""))
            self.c.setFont("Helvetica", 9)
            self.c.drawString(x + 16, self.y - 10, _safe(option))
            x += w
        self.y -= 20

    def table(self, f: FormField, label: str):
        weights = [_WEIGHT[c.type] for c in f.columns]
        widths = [CONTENT * w / sum(weights) for w in weights]
        heads = [simpleSplit(_safe(c.caption), "Helvetica-Bold", 8, w - 4)
                 for c, w in zip(f.columns, widths)]
        head_h = 10.0 * max(len(h) for h in heads) + 4

        def header():
            x = MARGIN
            for lines, w in zip(heads, widths):
                for i, line in enumerate(lines):
                    self.c.setFont("Helvetica-Bold", 8)
                    self.c.drawString(x + 2, self.y - 9 - 10 * i, line)
                x += w
            self.y -= head_h
        self.need(12 + head_h + BOX + (11 if f.help else 0))
        self.text(label, "Helvetica-Bold", 9)
        header()
        for r in range(f.rows):
            if self.y - BOX < MARGIN:
                self.need(head_h + BOX)
                header()
            x = MARGIN
            for c, w in zip(f.columns, widths):
                self.control(f"{f.id}.{r}.{c.id}", c.type, x + 1, self.y - BOX, w - 2, BOX,
                             f"{f.label}: {c.label}, row {r + 1}", column_options(c, self.catalog))
                x += w
            self.y -= BOX + 2
        self.y -= 4

    def draw(self) -> bytes:
        form = self.form
        self.text(form.title, "Helvetica-Bold", 16)
        self.y -= 4
        self.text(form.description, "Helvetica", 9)
        if form.notice:
            self.y -= 4
            self.text("Scope of practice: " + form.notice, "Helvetica-Oblique", 9)
        self.text("Fields marked * are required.", "Helvetica", 8, color=GREY)
        for s in form.sections:
            self.need(40)
            self.y -= 8
            self.text(s.title, "Helvetica-Bold", 12)
            self.c.setLineWidth(0.5)
            self.c.line(MARGIN, self.y, MARGIN + CONTENT, self.y)
            self.y -= 6
            if s.help:
                self.text(s.help, "Helvetica-Oblique", 8, color=GREY)
            for f in s.fields:
                self.field(f)
        self.c.showPage()
        self.c.save()
        return self.buf.getvalue()


def form_pdf(form: Form, catalog: Catalog) -> bytes:
    """The fillable PDF of `form`: same field names as the HTML page, identical bytes on every run."""
    return _Writer(form, catalog).draw()
