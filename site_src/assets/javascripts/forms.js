/*
 * metdocs fillable forms: live help on the pages under forms/ (generator/htmlform.py).
 * Everything happens in this browser; nothing is sent anywhere. Values are saved to
 * and loaded from a local JSON file only when the user clicks. ES5, no dependencies.
 * Needs units.js (window.metdocsUnits) for the billable-units summary.
 */
(function () {
  "use strict";

  var DAY = 24 * 60 * 60 * 1000;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text; // textContent: user text is never parsed as HTML
    if (cls) e.className = cls;
    return e;
  }

  function controls(form) { return form.querySelectorAll("input[name], select[name], textarea[name]"); }

  function filled(c) { return c.type === "checkbox" ? c.checked : String(c.value).trim() !== ""; }

  function fieldControls(form, id) {
    var out = [], all = controls(form), i;
    for (i = 0; i < all.length; i++) {
      var n = all[i].name;
      if (n === id || n.indexOf(id + ".") === 0) out.push(all[i]);
    }
    return out;
  }

  function cell(table, row, col) {
    return table.querySelector("[data-row='" + row + "'][data-column='" + col + "']");
  }

  function rowCount(table) { return table.querySelectorAll("tbody tr").length; }

  /* Session log: units under both rules from the minutes table. */
  function updateUnits(table) {
    var out = table.parentNode.querySelector(".mf-units");
    if (!out || !window.metdocsUnits) return;
    var timed = (table.getAttribute("data-timed-codes") || "").split(" ").filter(Boolean);
    var minutes = {}, any = false, r, code, text;
    while (out.firstChild) out.removeChild(out.firstChild);
    for (r = 0; r < rowCount(table); r++) {
      code = cell(table, r, "cpt").value; text = String(cell(table, r, "minutes").value).trim();
      if (!code || text === "") continue;
      if (!/^[0-9]+$/.test(text)) { out.appendChild(el("p", "Row " + (r + 1) + ": minutes must be a whole number.")); return; }
      minutes[code] = (minutes[code] || 0) + parseInt(text, 10); // a code on two rows counts once, summed
      any = true;
    }
    if (!any) return;
    [["cms", "CMS 8-minute rule"], ["ama", "AMA/CPT midpoint rule (some private payers)"]].forEach(function (rule) {
      try {
        var a = window.metdocsUnits.allocate(minutes, timed, rule[0]);
        var parts = Object.keys(a.units).sort().map(function (c) { return c + ": " + a.units[c]; });
        var d = el("details"), s = el("summary", rule[1] + ": " + a.total_units + " unit" +
          (a.total_units !== 1 ? "s" : "") + " (" + parts.join(", ") + "); " + a.total_timed_minutes + " timed minutes");
        d.appendChild(s);
        var ul = el("ul");
        a.explanation.forEach(function (line) { ul.appendChild(el("li", line)); });
        d.appendChild(ul);
        out.appendChild(d);
      } catch (e) { out.appendChild(el("p", e.message)); }
    });
  }

  /* Progress report / discharge: change vs baseline and the measure's meaningful change. */
  function describeChange(m, base, now) {
    var change = Math.round((now - base) * 1000) / 1000;
    var sign = change > 0 ? "+" : "";
    var better = m.better === "higher" ? change > 0 : change < 0;
    var head = sign + change + " " + m.unit + ": " + (change === 0 ? "no change" : better ? "better" : "worse");
    if (change === 0 || !better) return head;
    if (m.meaningful_change === null || m.meaningful_change === undefined) {
      return head + "; no confirmed meaningful-change figure for this measure";
    }
    /* Meaningful means strictly MORE than the figure, as in the engine (cases.exceeds). */
    var meets = Math.abs(change) > m.meaningful_change + 1e-9;
    return head + "; " + (meets ? "exceeds" : "does not exceed") + " the " + m.change_kind + " of " + m.meaningful_change + " " + m.unit;
  }

  function updateChange(table, data) {
    for (var r = 0; r < rowCount(table); r++) {
      var out = table.querySelector("output.mf-change[data-row='" + r + "']");
      var m = data.measures[cell(table, r, "measure").value];
      var b = cell(table, r, "baseline").value, c = cell(table, r, "current").value;
      out.textContent = m && b !== "" && c !== "" && isFinite(b) && isFinite(c) ? describeChange(m, +b, +c) : "";
    }
  }

  /* Reassessment due: 30 days after the date field named in data-due-from. */
  function updateDue(form, due) {
    var base = form.querySelector("[name='" + due.getAttribute("data-due-from") + "']");
    var t = base && /^\d{4}-\d{2}-\d{2}$/.test(base.value) ? Date.parse(base.value + "T00:00:00Z") : NaN;
    if (isNaN(t)) return;
    var days = parseInt(due.getAttribute("data-due-days"), 10);
    due.value = new Date(t + days * DAY).toISOString().slice(0, 10); // UTC: no daylight-saving off-by-one
  }

  function recompute(form, data) {
    var i, t = form.querySelectorAll("table[data-calculate='units']");
    for (i = 0; i < t.length; i++) updateUnits(t[i]);
    t = form.querySelectorAll("table[data-calculate='change']");
    for (i = 0; i < t.length; i++) updateChange(t[i], data);
  }

  /* Missing required fields and required elements, listed in the live region. */
  function check(form, data) {
    var status = form.querySelector(".mf-status"), missing = [], documented = {}, i, j;
    data.fields.forEach(function (f) {
      var cs = fieldControls(form, f.id), done = cs.some(filled);
      cs.forEach(function (c) { c.removeAttribute("aria-invalid"); });
      if (done) f.covers.forEach(function (e) { documented[e] = true; });
      if (f.required && !done) {
        if (cs.length === 1) cs[0].setAttribute("aria-invalid", "true");
        var names = f.covers.map(function (e) { return data.elements[e] || e; });
        missing.push(f.label + (names.length ? " (documents: " + names.join(", ") + ")" : ""));
      }
    });
    for (i = 0; i < data.required_elements.length; i++) {
      j = data.required_elements[i];
      if (!documented[j]) missing.push("Required in a " + data.document_type_name + ": " + (data.elements[j] || j));
    }
    while (status.firstChild) status.removeChild(status.firstChild);
    if (!missing.length) { status.appendChild(el("p", "All required fields and elements are filled in.")); return true; }
    status.appendChild(el("p", missing.length + " missing:"));
    var ul = el("ul");
    missing.forEach(function (m) { ul.appendChild(el("li", m)); });
    status.appendChild(ul);
    return false;
  }

  function save(form, data) {
    var values = {}, cs = controls(form), i;
    for (i = 0; i < cs.length; i++) values[cs[i].name] = cs[i].type === "checkbox" ? cs[i].checked : cs[i].value;
    var blob = new Blob([JSON.stringify({form: data.form, version: data.version, values: values}, null, 2)],
                        {type: "application/json"});
    var a = el("a"), url = URL.createObjectURL(blob);
    a.href = url; a.download = data.form + "-filled.json";
    document.body.appendChild(a); a.click(); document.body.removeChild(a);
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  function load(form, data, input) {
    var file = input.files && input.files[0], status = form.querySelector(".mf-status");
    if (!file) return;
    var reader = new FileReader();
    reader.onload = function () {
      var saved;
      try { saved = JSON.parse(reader.result); } catch (e) { status.textContent = "That file is not a saved form (not JSON)."; return; }
      if (!saved || saved.form !== data.form || typeof saved.values !== "object") {
        status.textContent = "That file is not a saved " + data.document_type_name + " form."; return;
      }
      var cs = controls(form), i, v;
      for (i = 0; i < cs.length; i++) {
        if (!Object.prototype.hasOwnProperty.call(saved.values, cs[i].name)) continue;
        v = saved.values[cs[i].name];
        if (cs[i].type === "checkbox") cs[i].checked = v === true; else cs[i].value = String(v);
      }
      recompute(form, data);
      status.textContent = "Loaded " + file.name + ".";
    };
    reader.readAsText(file);
    input.value = ""; // loading the same file again fires change again
  }

  function bind(wrap) {
    if (wrap.getAttribute("data-mf-bound")) return;
    wrap.setAttribute("data-mf-bound", "1");
    var data = JSON.parse(wrap.querySelector("script.mf-data").textContent);
    var form = wrap.querySelector("form");
    form.addEventListener("submit", function (e) { e.preventDefault(); }); // never send the form anywhere
    form.addEventListener("input", function (e) {
      recompute(form, data);
      var dues = form.querySelectorAll("[data-due-from='" + e.target.name + "']");
      for (var i = 0; i < dues.length; i++) updateDue(form, dues[i]);
    });
    form.addEventListener("change", function (e) {
      if (e.target.getAttribute("data-action") === "load") load(form, data, e.target); else recompute(form, data);
    });
    form.addEventListener("click", function (e) {
      var action = e.target.getAttribute && e.target.getAttribute("data-action");
      if (action === "check") check(form, data);
      else if (action === "save") save(form, data);
      else if (action === "print") { check(form, data); window.print(); }
    });
    recompute(form, data);
  }

  function init() {
    var wraps = document.querySelectorAll(".mf-wrap");
    for (var i = 0; i < wraps.length; i++) bind(wraps[i]);
  }

  // Material's instant navigation swaps pages without a reload: document$ fires on each one.
  if (typeof document$ !== "undefined") document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
