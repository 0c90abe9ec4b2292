"""The AcroForm of a form's PDF: its fields, their widgets and appearance streams, and the field tree.

This module owns the PDF form machinery and nothing of the page layout: the
layout (layout.py) decides where a box goes and calls `AcroForm` to put a field
there. Also here: `safe`, the text the standard fonts can show, which both
the widgets and the layout's printed text go through.

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
"""

from __future__ import annotations

from reportlab.pdfbase.acroform import PDFFromString
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFObject, PDFString
from reportlab.pdfgen import canvas

FF_REQUIRED, FF_MULTILINE, FF_NO_TOGGLE_OFF, FF_RADIO, FF_COMBO = 1 << 1, 1 << 12, 1 << 14, 1 << 15, 1 << 17
PRINT_FLAG = 4
TEXT_DA = "/Helv 0 Tf 0 g"      # size 0: viewers (and pypdf) fit the text to the box
MARK_DA = "/ZaDb 0 Tf 0 g"


def safe(text: str) -> str:
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


class AcroForm:
    """The fields of one canvas's document; each widget lands on the canvas's current page.

    A rect is (x, y, width, height) in points, y from the bottom of the page."""

    def __init__(self, c: canvas.Canvas):
        self.c = c
        self.doc = c._doc
        self.af = c.acroForm
        self.nodes: dict[str, tuple[_Node, object]] = {}
        self._fonts()

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
        widget.dict["T"] = PDFString(safe(leaf))
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
                                          "V": PDFString(""), "TU": PDFString(safe(tooltip)),
                                          "AP": PDFDictionary({"N": self._box_ap(rect[2], rect[3])})})
        self._register(name, widget, ref)

    def shared_box(self, name: str, rect, tooltip: str):
        """One field, one widget per page (the heading's client name and date of service)."""
        if name not in self.nodes:
            node = _Node(name, {"FT": PDFName("Tx"), "Ff": FF_REQUIRED, "DA": PDFString(TEXT_DA),
                                "V": PDFString(""), "TU": PDFString(safe(tooltip))})
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
            "TU": PDFString(safe(tooltip)), "AP": PDFDictionary({"N": ap})})
        self._register(name, widget, ref)

    def radio_group(self, name: str, buttons: list[tuple[str, float, float]], size: float, tooltip: str,
                    required: bool):
        """One radio field, a widget per option; the export value is the option's code."""
        flags = FF_RADIO | FF_NO_TOGGLE_OFF | (FF_REQUIRED if required else 0)
        node = _Node(safe(name), {"FT": PDFName("Btn"), "Ff": flags, "V": PDFName("Off"),
                                  "DA": PDFString(MARK_DA), "TU": PDFString(safe(tooltip))})
        nref = self.doc.Reference(node)
        self.af.fields.append(nref)
        for code, x, y in buttons:
            ap = PDFDictionary({code: self._mark_ap(size, True, True), "Off": self._mark_ap(size, False, True)})
            _, ref = self._widget((x, y, size, size), {
                "Parent": nref, "AS": PDFName("Off"), "DA": PDFString(MARK_DA),
                "MK": PDFFromString("<< /BC [0] /BG [1] /CA (l) >>"), "AP": PDFDictionary({"N": ap})})
            node.kids.append(ref)

    def combo(self, name: str, rect, tooltip: str, options: list[tuple[str, str]], required: bool):
        opts = PDFArray([PDFArray([PDFString(safe(code)), PDFString(safe(label))]) for code, label in options])
        widget, ref = self._widget(rect, {
            "FT": PDFName("Ch"), "Ff": FF_COMBO | (FF_REQUIRED if required else 0), "Opt": opts,
            "V": PDFString(""), "DA": PDFString(TEXT_DA), "TU": PDFString(safe(tooltip)),
            "AP": PDFDictionary({"N": self._box_ap(rect[2], rect[3])})})
        self._register(name, widget, ref)


def _circle(cx: float, cy: float, r: float) -> str:
    """A circle as four Bezier curves, centred where it should be at any size."""
    k = 0.5523 * r
    p = lambda *v: " ".join(_fmt(n) for n in v)  # noqa: E731
    return (f"{p(cx + r, cy)} m {p(cx + r, cy + k, cx + k, cy + r, cx, cy + r)} c "
            f"{p(cx - k, cy + r, cx - r, cy + k, cx - r, cy)} c {p(cx - r, cy - k, cx - k, cy - r, cx, cy - r)} c "
            f"{p(cx + k, cy - r, cx + r, cy - k, cx + r, cy)} c")
