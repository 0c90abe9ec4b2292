"""Fillable PDF of a form: an AcroForm on US Letter pages, byte-for-byte reproducible.

Field names are the HTML control names (`client_name`, `minutes.0.cpt`). A period
separates the levels of a PDF field hierarchy, so a table cell is a real
hierarchy (field `minutes` -> kid `0` -> kid `cpt`) that readers report as
`minutes.0.cpt`.

The widget dictionaries are written here rather than by reportlab's AcroForm
helpers, because a record a trainer files needs what those helpers get wrong:

* no /MaxLen: reportlab caps every text field at 100 characters, so viewers
  stopped typing (pdf.js) or stored less than they printed (pdftk);
* /Ff required from the definition (reportlab makes every checkbox required);
* /DA on every widget, with Helvetica (/Helv) and ZapfDingbats (/ZaDb) in the
  AcroForm /DR, so viewers that redraw a ticked box (MuPDF) draw a tick, not a
  digit; font size 0 (auto) so a long entry shrinks instead of being clipped;
* our own appearance streams: reportlab's radio circles are scaled for 20 pt
  buttons and drew two offset circles at any other size;
* the client's name and the date of service are ONE field each, with a widget
  in the heading of every page.

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
from reportlab.pdfbase.acroform import PDFFromString
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFObject, PDFString
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from metdocs.forms.definition import CLIENT_FIELD, CPT_NOTICE, DISCLAIMER, Column, Form, FormField, Section, choice_options
from metdocs.catalog.model import Catalog

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

FF_REQUIRED, FF_MULTILINE, FF_NO_TOGGLE_OFF, FF_RADIO, FF_COMBO = 1 << 1, 1 << 12, 1 << 14, 1 << 15, 1 << 17
PRINT_FLAG = 4
TEXT_DA = "/Helv 0 Tf 0 g"      # size 0: viewers (and pypdf) fit the text to the box
MARK_DA = "/ZaDb 0 Tf 0 g"
HINT = {"date": "YYYY-MM-DD", "time": "HH:MM, 24-hour"}
SLOT = {"date": 96.0, "time": 70.0, "integer": 64.0, "number": 76.0, "icd10": 78.0}
"""Box width of a short field; text fields take half the width."""
CELL = {"date": 70.0, "time": 52.0, "integer": 44.0, "number": 52.0, "icd10": 62.0, "checkbox": 26.0}
"""Column width by cell type; text columns share what is left."""


def _safe(text: str) -> str:
    """Text the standard PDF fonts can show (cp1252); anything else becomes '?'."""
    return text.encode("cp1252", "replace").decode("cp1252")


def _fmt(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


class _Node(PDFObject):
    """A field that is not itself a widget: a table level (`minutes`, `minutes.0`) or a field
    with widgets on several pages. `attrs` holds the field keys (/FT, /Ff, /DA ...) if any."""

    def __init__(self, partial: str, attrs: dict | None = None):
        self.partial, self.kids, self.parent, self.attrs = partial, [], None, attrs or {}

    def format(self, doc):
        d = {"T": PDFString(self.partial), "Kids": PDFArray(self.kids), **self.attrs}
        if self.parent is not None:
            d["Parent"] = self.parent
        return PDFDictionary(d).format(doc)


class _Writer:
    """Draws a form top to bottom, adding pages as needed."""

    def __init__(self, form: Form, catalog: Catalog, pages: int | None):
        self.form, self.catalog, self.total = form, catalog, pages
        self.buf = io.BytesIO()
        self.c = canvas.Canvas(self.buf, pagesize=letter, invariant=1, pageCompression=1, lang="en-US")
        self.c.setTitle(_safe(form.title))
        self.c.setAuthor("metdocs")
        self.c.setSubject(_safe(f"{form.id} {form.version}"))
        self.c.setViewerPreference("DisplayDocTitle", "true")
        self.doc = self.c._doc
        self.af = self.c.acroForm
        self.nodes: dict[str, tuple[_Node, object]] = {}
        self._fonts()
        self.page = 1
        self.y = TOP
        self.pending: Section | None = None
        self._furniture()

    # -- document resources ---------------------------------------------------------------------
    def _fonts(self):
        ref = self.af.getRefStr
        helv = ref(PDFFromString("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Name /Helv "
                                 "/Encoding /WinAnsiEncoding >>"))
        zadb = ref(PDFFromString("<< /Type /Font /Subtype /Type1 /BaseFont /ZapfDingbats /Name /ZaDb >>"))
        # One /DR with both fonts: reportlab's own /DR repeats the /Font key once per font.
        self.af.extras["DR"] = PDFFromString(f"<< /Font << /Helv {helv} /ZaDb {zadb} >> >>")
        self.af.extras["DA"] = PDFString(TEXT_DA)
        self.helv = helv

    def _stream(self, w: float, h: float, body: str, fonts: bool = False):
        resources = PDFFromString(f"<< /Font << /Helv {self.helv} >> >>" if fonts else "<< /ProcSet [/PDF] >>")
        return self.doc.Reference(self.af.makeStream(w, h, body, Resources=resources))

    def _box_ap(self, w: float, h: float):
        """An empty box: white, thin black border, and the /Tx marker viewers put text into."""
        return self._stream(w, h, f"1 g 0 0 {_fmt(w)} {_fmt(h)} re f 0 G 0.8 w 0.4 0.4 {_fmt(w - 0.8)} "
                                  f"{_fmt(h - 0.8)} re S /Tx BMC EMC")

    def _mark_ap(self, size: float, on: bool, round_: bool):
        """A checkbox (tick) or radio button (dot), drawn as paths so no font is needed to show it."""
        s, r = size, size / 2
        if round_:
            body = "1 g " + _circle(r, r, r - 0.5) + " f 0 G 0.8 w " + _circle(r, r, r - 0.9) + " S"
            if on:
                body += " 0 g " + _circle(r, r, r * 0.45) + " f"
        else:
            body = f"1 g 0 0 {_fmt(s)} {_fmt(s)} re f 0 G 0.8 w 0.4 0.4 {_fmt(s - 0.8)} {_fmt(s - 0.8)} re S"
            if on:  # a tick: two strokes
                body += (f" 0 G 1.6 w 1 J 1 j {_fmt(s * .2)} {_fmt(s * .52)} m {_fmt(s * .42)} {_fmt(s * .25)} l "
                         f"{_fmt(s * .82)} {_fmt(s * .8)} l S")
        return self._stream(s, s, body)

    # -- fields ---------------------------------------------------------------------------------
    def _widget(self, rect, extra: dict):
        x, y, w, h = rect
        d = {"Type": PDFName("Annot"), "Subtype": PDFName("Widget"), "F": PRINT_FLAG,
             "Rect": PDFArray([_fmt(x), _fmt(y), _fmt(x + w), _fmt(y + h)]), "P": self.doc.thisPageRef(),
             "MK": PDFFromString("<< /BC [0] /BG [1] >>"), **extra}
        widget = PDFDictionary(d)
        ref = self.doc.Reference(widget)
        self.c._annotationrefs.append(ref)  # the current page's /Annots
        return widget, ref

    def _register(self, name: str, widget, ref) -> None:
        """File a terminal field under its parents (`minutes.0.cpt`), or at the top level."""
        *parents, leaf = name.split(".")
        widget.dict["T"] = PDFString(_safe(leaf))
        if not parents:
            self.af.fields.append(ref)
            return
        parent = ".".join(parents)
        widget.dict["Parent"] = self._parent(parent)
        self.nodes[parent][0].kids.append(ref)

    def _parent(self, path: str):
        if path not in self.nodes:
            *up, partial = path.split(".")
            node = _Node(partial)
            ref = self.doc.Reference(node)
            self.nodes[path] = (node, ref)
            if up:
                node.parent = self._parent(".".join(up))
                self.nodes[".".join(up)][0].kids.append(ref)
            else:
                self.af.fields.append(ref)
        return self.nodes[path][1]

    def text_box(self, name: str, rect, tooltip: str, *, required=False, multiline=False):
        flags = (FF_REQUIRED if required else 0) | (FF_MULTILINE if multiline else 0)
        widget, ref = self._widget(rect, {"FT": PDFName("Tx"), "Ff": flags, "DA": PDFString(TEXT_DA),
                                          "V": PDFString(""), "TU": PDFString(_safe(tooltip)),
                                          "AP": PDFDictionary({"N": self._box_ap(rect[2], rect[3])})})
        self._register(name, widget, ref)

    def shared_box(self, name: str, rect, tooltip: str):
        """One field, one widget per page (the heading's client name and date of service)."""
        if name not in self.nodes:
            node = _Node(name, {"FT": PDFName("Tx"), "Ff": FF_REQUIRED, "DA": PDFString(TEXT_DA),
                                "V": PDFString(""), "TU": PDFString(_safe(tooltip))})
            ref = self.doc.Reference(node)
            self.nodes[name] = (node, ref)
            self.af.fields.append(ref)
        node, ref = self.nodes[name]
        widget, wref = self._widget(rect, {"Parent": ref, "AP": PDFDictionary({"N": self._box_ap(rect[2], rect[3])})})
        node.kids.append(wref)

    def checkbox(self, name: str, x: float, y: float, size: float, tooltip: str, required: bool):
        ap = PDFDictionary({"Yes": self._mark_ap(size, True, False), "Off": self._mark_ap(size, False, False)})
        widget, ref = self._widget((x, y, size, size), {
            "FT": PDFName("Btn"), "Ff": FF_REQUIRED if required else 0, "V": PDFName("Off"), "AS": PDFName("Off"),
            "DA": PDFString(MARK_DA), "MK": PDFFromString("<< /BC [0] /BG [1] /CA (4) >>"),
            "TU": PDFString(_safe(tooltip)), "AP": PDFDictionary({"N": ap})})
        self._register(name, widget, ref)

    def radio_group(self, f: FormField, buttons: list[tuple[str, float, float]], size: float):
        """One radio field, a widget per option; the export value is the option's code."""
        flags = FF_RADIO | FF_NO_TOGGLE_OFF | (FF_REQUIRED if f.required else 0)
        node = _Node(_safe(f.id), {"FT": PDFName("Btn"), "Ff": flags, "V": PDFName("Off"),
                                   "DA": PDFString(MARK_DA), "TU": PDFString(_safe(f.label))})
        nref = self.doc.Reference(node)
        self.af.fields.append(nref)
        for code, x, y in buttons:
            ap = PDFDictionary({code: self._mark_ap(size, True, True), "Off": self._mark_ap(size, False, True)})
            _, ref = self._widget((x, y, size, size), {
                "Parent": nref, "AS": PDFName("Off"), "DA": PDFString(MARK_DA),
                "MK": PDFFromString("<< /BC [0] /BG [1] /CA (l) >>"), "AP": PDFDictionary({"N": ap})})
            node.kids.append(ref)

    def combo(self, name: str, rect, tooltip: str, options: list[tuple[str, str]], required: bool):
        opts = PDFArray([PDFArray([PDFString(_safe(code)), PDFString(_safe(label))]) for code, label in options])
        widget, ref = self._widget(rect, {
            "FT": PDFName("Ch"), "Ff": FF_COMBO | (FF_REQUIRED if required else 0), "Opt": opts,
            "V": PDFString(""), "DA": PDFString(TEXT_DA), "TU": PDFString(_safe(tooltip)),
            "AP": PDFDictionary({"N": self._box_ap(rect[2], rect[3])})})
        self._register(name, widget, ref)

    # -- page furniture -------------------------------------------------------------------------
    def _furniture(self):
        c, form = self.c, self.form
        c.setFillColor(GREY)
        c.setFont("Helvetica", 8)
        c.drawString(MARGIN, HEIGHT - 34, _safe(f"{form.title} - form {form.id}, version {form.version}"))
        c.drawRightString(WIDTH - MARGIN, HEIGHT - 34, "Fields marked * are required")
        c.setFillColor(black)
        # The client and the date head every page: one field each, a widget on each page.
        service = form.field(form.date_of_service)
        y = HEIGHT - 66
        c.setFont(LABEL_FONT, LABEL_SIZE)
        client = "Client name *"
        c.drawString(MARGIN, y + BOX + 3, client)
        self.shared_box(CLIENT_FIELD, (MARGIN, y, 250, BOX), "Client name")
        date_label = _safe(f"{service.label} ({HINT['date']}) *")
        x = MARGIN + 270
        c.drawString(x, y + BOX + 3, date_label)
        self.shared_box(service.id, (x, y, 100, BOX), service.label)
        c.setLineWidth(0.5)
        c.line(MARGIN, y - 6, MARGIN + CONTENT, y - 6)
        # Footer: the notices and the page count on every page.
        c.setFillColor(GREY)
        c.setFont("Helvetica", 6.5)
        fy = 40.0
        for line in simpleSplit(_safe(f"{DISCLAIMER} {CPT_NOTICE}"), "Helvetica", 6.5, CONTENT - 70):
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
        for line in simpleSplit(_safe(text), font, size, width):
            self.need(size + 3)
            self.c.setFont(font, size)
            self.c.setFillColor(color)
            self.c.drawString(x, self.y - size, line)
            self.y -= size + 3
        self.c.setFillColor(black)

    def _label(self, text: str, x: float, top: float, width: float) -> None:
        self.c.setFont(LABEL_FONT, LABEL_SIZE)
        for i, line in enumerate(simpleSplit(_safe(text), LABEL_FONT, LABEL_SIZE, width)):
            self.c.drawString(x, top - LABEL_SIZE - i * (LABEL_SIZE + 2), line)

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
            width = min(max(base, stringWidth(_safe(label), LABEL_FONT, LABEL_SIZE) + 2), CONTENT / 2 - GAP)
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
        lines = max(len(simpleSplit(_safe(label), LABEL_FONT, LABEL_SIZE, w)) for _, label, w in row)
        label_h = lines * (LABEL_SIZE + 2)
        helps = [f for f, _, _ in row if f.help]
        help_h = sum(_help_height(f"{f.label}: {f.help}" if len(row) > 1 else f.help) for f in helps)
        self.need(label_h + BOX + 6 + help_h)
        x = MARGIN
        for f, label, w in row:
            self._label(label, x, self.y, w)
            self.text_box(f.id, (x, self.y - label_h - BOX, w, BOX), f.label, required=f.required)
            x += w + GAP
        self.y -= label_h + BOX + 4
        for f in helps:
            self.text(f"{f.label}: {f.help}" if len(row) > 1 else f.help, "Helvetica-Oblique", 7.5, color=GREY)
        self.y -= 4

    def long_text(self, f: FormField):
        label = _label_of(f)
        label_h = len(simpleSplit(_safe(label), LABEL_FONT, LABEL_SIZE, CONTENT)) * (LABEL_SIZE + 2)
        self.need(label_h + TALL + 6 + (_help_height(f.help) if f.help else 0))
        self._label(label, MARGIN, self.y, CONTENT)
        self.text_box(f.id, (MARGIN, self.y - label_h - TALL, CONTENT, TALL), f.label, required=f.required,
                      multiline=True)
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
        self.text_box(sig.id, (MARGIN, top - SIGN, sig_w, SIGN), sig.label, required=sig.required)
        self.text_box(date.id, (MARGIN + sig_w + GAP, top - SIGN, date_w, SIGN), date.label, required=date.required)
        self.y = top - SIGN - 8

    def checkbox_field(self, f: FormField):
        label = _label_of(f)
        lines = simpleSplit(_safe(label), LABEL_FONT, 9, CONTENT - 22)
        self.need(max(14, 11 * len(lines)) + 8)
        self.checkbox(f.id, MARGIN, self.y - 13, 12, f.label, f.required)
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
        widths = [stringWidth(_safe(t), "Helvetica", 8.5) + size + 18 for _, t in options]
        # Lay the options out first, to keep the whole group on one page.
        rows, x = 1, 0.0
        places = []
        for (code, text), w in zip(options, widths):
            if x and x + w > CONTENT:
                rows, x = rows + 1, 0.0
            places.append((code, text, x, rows - 1))
            x += w
        label_h = len(simpleSplit(_safe(label), LABEL_FONT, LABEL_SIZE, CONTENT)) * (LABEL_SIZE + 2)
        self.need(label_h + rows * 15 + 6 + (_help_height(f.help) if f.help else 0))
        self._label(label, MARGIN, self.y, CONTENT)
        top = self.y - label_h - 2
        buttons = []
        for code, text, x, r in places:
            by = top - 13 - r * 15
            buttons.append((code, MARGIN + x, by))
            self.c.setFont("Helvetica", 8.5)
            self.c.drawString(MARGIN + x + size + 4, by + 2.5, _safe(text))
        self.radio_group(f, buttons, size)
        self.y = top - rows * 15 - 4
        if f.help:
            self.text(f.help, "Helvetica-Oblique", 7.5, color=GREY)
        self.y -= 4

    def table(self, f: FormField):
        widths = _column_widths(f.columns, self.catalog)
        heads = [simpleSplit(_safe(_label_of(c) if c.type in HINT else c.caption + (" *" if c.required and f.required else "")),
                             LABEL_FONT, 7.5, w - 4) for c, w in zip(f.columns, widths)]
        head_h = 9.0 * max(len(h) for h in heads) + 3
        label = f.label + (" *" if f.required else "")
        label_h = len(simpleSplit(_safe(label), LABEL_FONT, LABEL_SIZE, CONTENT)) * (LABEL_SIZE + 2)
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
            self.checkbox(name, rect[0] + (rect[2] - 12) / 2, rect[1] + (BOX - 12) / 2, 12, tip, required)
        elif c.type == "choice" and c.options_from != "diagnoses":
            self.combo(name, rect, tip, choice_options(c, self.catalog), required)
        else:  # free text, numbers, dates, codes; a pointer to a diagnosis is written as its code
            self.text_box(name, rect, tip, required=required)

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


def _circle(cx: float, cy: float, r: float) -> str:
    """A circle as four Bezier curves, centred where it should be at any size."""
    k = 0.5523 * r
    p = lambda *v: " ".join(_fmt(n) for n in v)  # noqa: E731
    return (f"{p(cx + r, cy)} m {p(cx + r, cy + k, cx + k, cy + r, cx, cy + r)} c "
            f"{p(cx - k, cy + r, cx - r, cy + k, cx - r, cy)} c {p(cx - r, cy - k, cx - k, cy - r, cx, cy - r)} c "
            f"{p(cx + k, cy - r, cx + r, cy - k, cx + r, cy)} c")


def _label_of(f: FormField | Column) -> str:
    """The printed label: caption, the format a date or time is written in, and * when required."""
    text = f.caption
    if f.type in HINT:
        text += f" ({HINT[f.type]})"
    return text + (" *" if isinstance(f, FormField) and f.required else "")


def _title_height(s: Section) -> float:
    return 8 + 14.5 + 7 + (_help_height(s.help) if s.help else 0)


def _help_height(text: str) -> float:
    return len(simpleSplit(_safe(text), "Helvetica-Oblique", 7.5, CONTENT)) * 10.5


def _column_widths(columns: tuple[Column, ...], catalog: Catalog) -> list[float]:
    """Fixed widths for cells whose content has a known size; text columns share the rest."""
    fixed: list[float | None] = []
    for c in columns:
        if c.type == "choice" and c.options_from != "diagnoses":
            longest = max(stringWidth(_safe(t), "Helvetica", 8) for _, t in choice_options(c, catalog))
            fixed.append(min(max(longest + 10, 56.0), CONTENT * 0.4))
        elif c.type == "choice":
            fixed.append(CELL["icd10"] + 16)
        else:
            fixed.append(CELL.get(c.type))
    for c, w in zip(columns, fixed):
        head = stringWidth(_safe(c.caption), LABEL_FONT, 7.5) / 2 + 6  # a header may wrap onto two lines
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
