"""Fillable PDF of a form: an AcroForm on US Letter pages, byte-for-byte reproducible.

This module lays the form out: the page heading and footer, sections, rows of
boxes, tables, page breaks. The fields themselves (widgets, appearance streams,
the field tree) are acroform.py's, which this calls with a name and a rect.

The document is drawn twice: the first pass counts the pages so every footer
can say "Page N of M". The canvas runs with `invariant=1` and the page carries
no build date, so two builds give identical bytes. Standard fonts only; text
outside their character set (cp1252) is replaced rather than embedding a font.
"""

from __future__ import annotations

import io

from reportlab.lib.colors import HexColor, black
from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from metdocs.forms.definition import CLIENT_FIELD, CPT_NOTICE, DISCLAIMER, Column, Form, FormField, Section, choice_options
from metdocs.catalog.model import Catalog
from metdocs.forms.pdf.acroform import AcroForm, safe

WIDTH, HEIGHT = letter
MARGIN = 50.0
CONTENT = WIDTH - 2 * MARGIN
TOP = HEIGHT - 84.0          # body starts below the page heading (title line, client and date fields)
BOTTOM = 62.0                # body ends above the footer (notices, page number)
BOX = 18.0                   # one-line box: room for 10 pt text or handwriting
TALL = 56.0                  # long-text box: four or five lines
SIGN = 28.0                  # a signature needs room for a pen
GAP = 8.0
GREY = HexColor("#555555")
LABEL_FONT, LABEL_SIZE = "Helvetica-Bold", 8.0

HINT = {"date": "YYYY-MM-DD", "time": "HH:MM, 24-hour"}
SLOT = {"date": 96.0, "time": 70.0, "integer": 64.0, "number": 76.0, "icd10": 78.0}
"""Box width of a short field; text fields take half the width."""
CELL = {"date": 70.0, "time": 52.0, "integer": 44.0, "number": 52.0, "icd10": 62.0, "checkbox": 26.0}
"""Column width by cell type; text columns share what is left."""


class _Pages:
    """The pages a form is drawn on: the heading and footer of each, page breaks, running text.
    `y` is where the next block starts; `total` is the page count for the footers (None on the
    first pass, which only counts)."""

    def __init__(self, form: Form, pages: int | None):
        self.form, self.total = form, pages
        self.buf = io.BytesIO()
        self.c = canvas.Canvas(self.buf, pagesize=letter, invariant=1, pageCompression=1, lang="en-US")
        self.c.setTitle(safe(form.title))
        self.c.setAuthor("metdocs")
        self.c.setSubject(safe(f"{form.id} {form.version}"))
        self.c.setViewerPreference("DisplayDocTitle", "true")
        self.acroform = AcroForm(self.c)
        self.page = 1
        self.y = TOP
        self.pending: Section | None = None
        self._furniture()

    # -- page furniture -------------------------------------------------------------------------
    def _furniture(self):
        c, form = self.c, self.form
        c.setFillColor(GREY)
        c.setFont("Helvetica", 8)
        c.drawString(MARGIN, HEIGHT - 34, safe(f"{form.title} - form {form.id}, version {form.version}"))
        c.drawRightString(WIDTH - MARGIN, HEIGHT - 34, "Fields marked * are required")
        c.setFillColor(black)
        # The client and the date head every page: one field each, a widget on each page.
        service = form.field(form.date_of_service)
        y = HEIGHT - 66
        c.setFont(LABEL_FONT, LABEL_SIZE)
        client = "Client name *"
        c.drawString(MARGIN, y + BOX + 3, client)
        self.acroform.shared_box(CLIENT_FIELD, (MARGIN, y, 250, BOX), "Client name")
        date_label = safe(f"{service.label} ({HINT['date']}) *")
        x = MARGIN + 270
        c.drawString(x, y + BOX + 3, date_label)
        self.acroform.shared_box(service.id, (x, y, 100, BOX), service.label)
        c.setLineWidth(0.5)
        c.line(MARGIN, y - 6, MARGIN + CONTENT, y - 6)
        # Footer: the notices and the page count on every page.
        c.setFillColor(GREY)
        c.setFont("Helvetica", 6.5)
        fy = 40.0
        for line in simpleSplit(safe(f"{DISCLAIMER} {CPT_NOTICE}"), "Helvetica", 6.5, CONTENT - 70):
            c.drawString(MARGIN, fy, line)
            fy -= 8
        c.setFont("Helvetica", 8)
        total = self.total if self.total is not None else 0
        c.drawRightString(WIDTH - MARGIN, 40, f"Page {self.page} of {total}")
        c.setFillColor(black)

    def new_page(self):
        self.c.showPage()
        self.page += 1
        self.y = TOP
        self._furniture()

    def need(self, height: float):
        """Start a new page unless `height` points still fit above the footer. A section title
        waiting to be drawn goes with the block that asked, so a title never ends a page."""
        title = self.pending
        self.pending = None
        extra = _title_height(title) if title else 0.0
        if self.y - height - extra < BOTTOM and self.y < TOP:
            self.new_page()
        if title:
            self._title(title)

    def _title(self, s: Section):
        self.y -= 8
        self.text(s.title, "Helvetica-Bold", 11.5)
        self.c.setLineWidth(0.5)
        self.c.line(MARGIN, self.y, MARGIN + CONTENT, self.y)
        self.y -= 5
        if s.help:
            self.text(s.help, "Helvetica-Oblique", 7.5, color=GREY)
        self.y -= 2

    def text(self, text: str, font="Helvetica", size=9.0, width=CONTENT, x=MARGIN, color=black) -> None:
        for line in simpleSplit(safe(text), font, size, width):
            self.need(size + 3)
            self.c.setFont(font, size)
            self.c.setFillColor(color)
            self.c.drawString(x, self.y - size, line)
            self.y -= size + 3
        self.c.setFillColor(black)

    def _label(self, text: str, x: float, top: float, width: float) -> None:
        self.c.setFont(LABEL_FONT, LABEL_SIZE)
        for i, line in enumerate(simpleSplit(safe(text), LABEL_FONT, LABEL_SIZE, width)):
            self.c.drawString(x, top - LABEL_SIZE - i * (LABEL_SIZE + 2), line)


class _Writer(_Pages):
    """Draws a form top to bottom, adding pages as needed."""

    def __init__(self, form: Form, catalog: Catalog, pages: int | None):
        self.catalog = catalog
        super().__init__(form, pages)

    # -- fields in the body ---------------------------------------------------------------------
    def section(self, fields: list[FormField]):
        i = 0
        while i < len(fields):
            f = fields[i]
            if f.type == "signature":
                self.signature(f, fields[i + 1])
                i += 2
                continue
            if f.type in SLOT or f.type == "text":
                run = [f]
                while i + len(run) < len(fields) and (fields[i + len(run)].type in SLOT
                                                      or fields[i + len(run)].type == "text"):
                    run.append(fields[i + len(run)])
                self.row_of_short(run)
                i += len(run)
                continue
            {"long-text": self.long_text, "checkbox": self.checkbox_field, "choice": self.choices,
             "table": self.table}[f.type](f)
            i += 1

    def row_of_short(self, run: list[FormField]):
        """Short fields side by side, labels above their boxes, wrapping to new rows as needed."""
        slots = []
        for f in run:
            label = _label_of(f)
            base = SLOT.get(f.type, CONTENT / 2 - GAP)
            width = min(max(base, stringWidth(safe(label), LABEL_FONT, LABEL_SIZE) + 2), CONTENT / 2 - GAP)
            if f.type == "text":
                width = CONTENT / 2 - GAP
            slots.append((f, label, width))
        row: list = []
        used = 0.0
        for slot in slots:
            if row and used + slot[2] > CONTENT + 0.5:
                self._short_row(row)
                row, used = [], 0.0
            row.append(slot)
            used += slot[2] + GAP
        if row:
            self._short_row(row)

    def _short_row(self, row):
        lines = max(len(simpleSplit(safe(label), LABEL_FONT, LABEL_SIZE, w)) for _, label, w in row)
        label_h = lines * (LABEL_SIZE + 2)
        helps = [f for f, _, _ in row if f.help]
        help_h = sum(_help_height(f"{f.label}: {f.help}" if len(row) > 1 else f.help) for f in helps)
        self.need(label_h + BOX + 6 + help_h)
        x = MARGIN
        for f, label, w in row:
            self._label(label, x, self.y, w)
            self.acroform.text_box(f.id, (x, self.y - label_h - BOX, w, BOX), f.label, required=f.required)
            x += w + GAP
        self.y -= label_h + BOX + 4
        for f in helps:
            self.text(f"{f.label}: {f.help}" if len(row) > 1 else f.help, "Helvetica-Oblique", 7.5, color=GREY)
        self.y -= 4

    def long_text(self, f: FormField):
        label = _label_of(f)
        label_h = len(simpleSplit(safe(label), LABEL_FONT, LABEL_SIZE, CONTENT)) * (LABEL_SIZE + 2)
        self.need(label_h + TALL + 6 + (_help_height(f.help) if f.help else 0))
        self._label(label, MARGIN, self.y, CONTENT)
        self.acroform.text_box(f.id, (MARGIN, self.y - label_h - TALL, CONTENT, TALL), f.label,
                               required=f.required, multiline=True)
        self.y -= label_h + TALL + 4
        if f.help:
            self.text(f.help, "Helvetica-Oblique", 7.5, color=GREY)
        self.y -= 4

    def signature(self, sig: FormField, date: FormField):
        """A signature box with its date beside it, on one line."""
        date_w = SLOT["date"]
        sig_w = CONTENT - date_w - GAP
        self.need(LABEL_SIZE + 2 + SIGN + 8)
        self._label(_label_of(sig), MARGIN, self.y, sig_w)
        self._label(_label_of(date), MARGIN + sig_w + GAP, self.y, date_w + 40)
        top = self.y - LABEL_SIZE - 2
        self.acroform.text_box(sig.id, (MARGIN, top - SIGN, sig_w, SIGN), sig.label, required=sig.required)
        self.acroform.text_box(date.id, (MARGIN + sig_w + GAP, top - SIGN, date_w, SIGN), date.label,
                               required=date.required)
        self.y = top - SIGN - 8

    def checkbox_field(self, f: FormField):
        label = _label_of(f)
        lines = simpleSplit(safe(label), LABEL_FONT, 9, CONTENT - 22)
        self.need(max(14, 11 * len(lines)) + 8)
        self.acroform.checkbox(f.id, MARGIN, self.y - 13, 12, f.label, f.required)
        self.c.setFont(LABEL_FONT, 9)
        for i, line in enumerate(lines):
            self.c.drawString(MARGIN + 20, self.y - 10 - 11 * i, line)
        self.y -= max(14, 11 * len(lines)) + 6
        if f.help:
            self.text(f.help, "Helvetica-Oblique", 7.5, color=GREY)

    def choices(self, f: FormField):
        """A choice field prints as radio buttons with their words, so a pen can mark one."""
        options = choice_options(f, self.catalog)
        label = _label_of(f)
        size = 11.0
        widths = [stringWidth(safe(t), "Helvetica", 8.5) + size + 18 for _, t in options]
        # Lay the options out first, to keep the whole group on one page.
        rows, x = 1, 0.0
        places = []
        for (code, text), w in zip(options, widths):
            if x and x + w > CONTENT:
                rows, x = rows + 1, 0.0
            places.append((code, text, x, rows - 1))
            x += w
        label_h = len(simpleSplit(safe(label), LABEL_FONT, LABEL_SIZE, CONTENT)) * (LABEL_SIZE + 2)
        self.need(label_h + rows * 15 + 6 + (_help_height(f.help) if f.help else 0))
        self._label(label, MARGIN, self.y, CONTENT)
        top = self.y - label_h - 2
        buttons = []
        for code, text, x, r in places:
            by = top - 13 - r * 15
            buttons.append((code, MARGIN + x, by))
            self.c.setFont("Helvetica", 8.5)
            self.c.drawString(MARGIN + x + size + 4, by + 2.5, safe(text))
        self.acroform.radio_group(f.id, buttons, size, f.label, f.required)
        self.y = top - rows * 15 - 4
        if f.help:
            self.text(f.help, "Helvetica-Oblique", 7.5, color=GREY)
        self.y -= 4

    def table(self, f: FormField):
        widths = _column_widths(f.columns, self.catalog)
        heads = [simpleSplit(safe(_label_of(c) if c.type in HINT else c.caption + (" *" if c.required and f.required else "")),
                             LABEL_FONT, 7.5, w - 4) for c, w in zip(f.columns, widths)]
        head_h = 9.0 * max(len(h) for h in heads) + 3
        label = f.label + (" *" if f.required else "")
        label_h = len(simpleSplit(safe(label), LABEL_FONT, LABEL_SIZE, CONTENT)) * (LABEL_SIZE + 2)
        row_h = BOX + 2
        help_h = _help_height(f.help) if f.help else 0
        # Keep the whole table on one page when it fits on one; a longer one repeats its header.
        self.need(min(label_h + head_h + f.rows * row_h + help_h + 6, TOP - BOTTOM))

        def header():
            x = MARGIN
            self.c.setFont(LABEL_FONT, 7.5)
            for lines, w in zip(heads, widths):
                for i, line in enumerate(lines):
                    self.c.drawString(x + 2, self.y - 8 - 9 * i, line)
                x += w
            self.y -= head_h
        self._label(label, MARGIN, self.y, CONTENT)
        self.y -= label_h
        header()
        for r in range(f.rows):
            if self.y - row_h < BOTTOM:
                self.new_page()
                header()
            x = MARGIN
            for c, w in zip(f.columns, widths):
                self.cell(f, r, c, (x + 1, self.y - BOX, w - 2, BOX))
                x += w
            self.y -= row_h
        self.y -= 2
        if f.help:
            self.text(f.help, "Helvetica-Oblique", 7.5, color=GREY)
        self.y -= 6

    def cell(self, f: FormField, row: int, c: Column, rect):
        name = f"{f.id}.{row}.{c.id}"
        tip = f"{f.label}: {c.label}, row {row + 1}"
        required = f.required and c.required and row == 0  # a required table needs its first row
        if c.type == "checkbox":
            self.acroform.checkbox(name, rect[0] + (rect[2] - 12) / 2, rect[1] + (BOX - 12) / 2, 12, tip, required)
        elif c.type == "choice" and c.options_from != "diagnoses":
            self.acroform.combo(name, rect, tip, choice_options(c, self.catalog), required)
        else:  # free text, numbers, dates, codes; a pointer to a diagnosis is written as its code
            self.acroform.text_box(name, rect, tip, required=required)

    def draw(self, *, save: bool = True) -> tuple[bytes, int]:
        """(the PDF, its page count); with `save` false only the count (writing the file out is
        most of the time, and the first pass needs only the count)."""
        form = self.form
        self.text(form.title, "Helvetica-Bold", 15)
        self.y -= 3
        self.text(form.description, "Helvetica", 9)
        if form.notice:
            self.y -= 3
            self.text("Scope of practice: " + form.notice, "Helvetica-Oblique", 9)
        header = {CLIENT_FIELD, form.date_of_service}
        for s in form.sections:
            fields = [f for f in s.fields if f.id not in header]
            if fields:
                self.pending = s  # drawn by the first field's need(), on the page that field lands on
                self.section(fields)
        pages = self.page
        if not save:
            return b"", pages
        self.c.showPage()
        self.c.save()
        return self.buf.getvalue(), pages


def _label_of(f: FormField | Column) -> str:
    """The printed label: caption, the format a date or time is written in, and * when required."""
    text = f.caption
    if f.type in HINT:
        text += f" ({HINT[f.type]})"
    return text + (" *" if isinstance(f, FormField) and f.required else "")


def _title_height(s: Section) -> float:
    return 8 + 14.5 + 7 + (_help_height(s.help) if s.help else 0)


def _help_height(text: str) -> float:
    return len(simpleSplit(safe(text), "Helvetica-Oblique", 7.5, CONTENT)) * 10.5


def _column_widths(columns: tuple[Column, ...], catalog: Catalog) -> list[float]:
    """Fixed widths for cells whose content has a known size; text columns share the rest."""
    fixed: list[float | None] = []
    for c in columns:
        if c.type == "choice" and c.options_from != "diagnoses":
            longest = max(stringWidth(safe(t), "Helvetica", 8) for _, t in choice_options(c, catalog))
            fixed.append(min(max(longest + 10, 56.0), CONTENT * 0.4))
        elif c.type == "choice":
            fixed.append(CELL["icd10"] + 16)
        else:
            fixed.append(CELL.get(c.type))
    for c, w in zip(columns, fixed):
        head = stringWidth(safe(c.caption), LABEL_FONT, 7.5) / 2 + 6  # a header may wrap onto two lines
        if w is not None and w < head:
            fixed[columns.index(c)] = head
    flexible = [i for i, w in enumerate(fixed) if w is None]
    rest = CONTENT - sum(w for w in fixed if w is not None)
    if not flexible:  # only fixed columns: spread the spare width over them
        return [w * CONTENT / (CONTENT - rest) for w in fixed]
    weights = [2.0 if columns[i].type == "long-text" else 1.0 for i in flexible]
    out = [w or 0.0 for w in fixed]
    for i, wt in zip(flexible, weights):
        out[i] = rest * wt / sum(weights)
    return out


def form_pdf(form: Form, catalog: Catalog) -> bytes:
    """The fillable PDF of `form`: same field names as the HTML page, identical bytes on every run."""
    _, pages = _Writer(form, catalog, None).draw(save=False)   # first pass: how many pages ("of M")
    data, again = _Writer(form, catalog, pages).draw()
    assert again == pages, "the page count changed between the two passes"
    return data
