/*
 * metdocs fillable forms: the pages under forms/ (generator/htmlform.py) and the offline copies
 * in the forms download. Everything happens in this browser; nothing is sent anywhere. A record is
 * saved to, and loaded from, a local file (a FHIR R4 QuestionnaireResponse) only when the user
 * clicks. ES5, no dependencies; needs units.js (window.metdocsUnits) for the unit rules.
 *
 * What it does, on every change: totals from the rows (read-only), units under the payer's rule,
 * change against baseline, due dates, the diagnosis choices of each CPT row, and the print copy of
 * every value. On "Check the record": every gap an auditor would find, each listed once with the
 * catalog rule it breaks. What one record can show (scope, modifiers, units, pointers, billable
 * codes, one-on-one vs group, clock times, signature and credential, saved totals vs the rows,
 * overdue reassessment, what a progress report holds) is checked by rulebook.js, the audit's twin
 * (window.metdocsRulebook), on the record this form builds (`formRecord`); the rest here is the
 * form's own completeness. Totals saved in a loaded file are kept and compared, never rewritten.
 */
(function () {
  "use strict";

  var DAY = 24 * 60 * 60 * 1000;
  var has = Object.prototype.hasOwnProperty;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text; // textContent: user text is never parsed as HTML
    if (cls) e.className = cls;
    return e;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function controls(form) { return form.querySelectorAll("input[name], select[name], textarea[name]"); }

  function named(form, name) { return form.querySelector("[name='" + name.replace(/'/g, "\\'") + "']"); }

  function text(c) { return c ? String(c.value).trim() : ""; }

  function filled(c) { return c.type === "checkbox" ? c.checked : text(c) !== ""; }

  function fieldControls(form, id) {
    var out = [], all = controls(form), i;
    for (i = 0; i < all.length; i++) {
      var n = all[i].name;
      if (n === id || n.indexOf(id + ".") === 0) out.push(all[i]);
    }
    return out;
  }

  function cell(form, table, row, col) { return named(form, table + "." + row + "." + col); }

  function fieldById(data, id) {
    for (var i = 0; i < data.fields.length; i++) if (data.fields[i].id === id) return data.fields[i];
    return null;
  }

  function rowFilled(form, f, r) {
    return f.columns.some(function (c) {
      if (f.calculate === "change" && c.id === "change") return false; // computed, not typed
      return filled(cell(form, f.id, r, c.id));
    });
  }

  function number(c) {
    var t = text(c);
    return t !== "" && isFinite(t) ? +t : null;
  }

  function minutesOf(t) { // "09:05" -> 545
    var m = /^(\d{2}):(\d{2})/.exec(t || "");
    return m ? parseInt(m[1], 10) * 60 + parseInt(m[2], 10) : null;
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function listing(items) {
    if (items.length < 2) return items.join("");
    return items.slice(0, -1).join(", ") + " or " + items[items.length - 1];
  }

  /* ---- ICD-10-CM code set: a compact file loaded only when a code is checked ---------------- */

  var icd = {state: "idle", cats: null, waiting: []};

  function normaliseIcd(value) {
    var s = String(value).replace(/\s+/g, "").toUpperCase(), bare = s.replace(/\./g, "");
    if (!/^[A-Z0-9]+$/.test(bare)) return s;
    return bare.length > 3 ? bare.slice(0, 3) + "." + bare.slice(3) : bare;
  }

  function icdUrl(wrap, data) {
    var base = wrap.ownerDocument.querySelector("a.mf-pdf");
    if (!data.icd || !data.icd.asset) return null;
    try { return new URL(data.icd.asset, base ? base.href : document.baseURI).href; } catch (e) { return null; }
  }

  function withIcd(wrap, data, done) {
    if (icd.state === "ready" || icd.state === "failed") { done(); return; }
    icd.waiting.push(done);
    if (icd.state === "loading") return;
    var url = icdUrl(wrap, data);
    if (!url) { icdFailed(); return; }
    icd.state = "loading";
    var s = document.createElement("script"); // a script, not fetch(): it also works from file://
    s.src = url;
    s.onload = function () {
      var set = window.metdocsIcd10cm;
      if (!set || typeof set.codes !== "string") { icdFailed(); return; }
      icd.cats = {};
      set.codes.split("\n").forEach(function (line) {
        var parts = line.split(":");
        icd.cats[parts[0]] = parts[1].split(","); // sorted: a code's extensions follow it
      });
      icd.release = set.release; icd.fy = set.fy;
      icd.state = "ready";
      flush();
    };
    s.onerror = icdFailed;
    document.head.appendChild(s);
  }

  function icdFailed() { icd.state = "failed"; flush(); }

  function flush() {
    var w = icd.waiting; icd.waiting = [];
    w.forEach(function (f) { f(); });
  }

  /* What the code set says: {valid, billable, children} or null when it is not loaded. */
  function icdLookup(code) {
    if (icd.state !== "ready") return null;
    var bare = code.replace(".", ""), list = icd.cats[bare.slice(0, 3)], rest = bare.slice(3);
    var i = list ? list.indexOf(rest) : -1;
    if (i < 0 || bare.length < 3) return {valid: false, billable: false, children: []};
    var next = list[i + 1];
    if (next === undefined || next.indexOf(rest) !== 0) return {valid: true, billable: true, children: []};
    var children = [];
    for (var j = i + 1; j < list.length && list[j].indexOf(rest) === 0; j++) {
      if (!(list[j + 1] !== undefined && list[j + 1].indexOf(list[j]) === 0)) {
        children.push(bare.slice(0, 3) + "." + list[j]);
      }
    }
    return {valid: true, billable: false, children: children};
  }

  function icdProblem(code) {
    var info = icdLookup(code), fy = icd.fy || "FY2026";
    if (!info || info.billable) return null;
    if (!info.valid) return code + " is not an ICD-10-CM code (" + fy + " code set)";
    var shown = info.children.slice(0, 8);
    var more = info.children.length > 8 ? " (and " + (info.children.length - 8) + " more)" : "";
    return code + " is a header, not billable in " + fy + "; use " + listing(shown) + more;
  }

  function showIcd(c) {
    var status = document.getElementById(c.id + ".icd"), code = normaliseIcd(c.value);
    if (!status) return;
    if (!text(c)) { status.textContent = ""; return; }
    if (icd.state === "failed") { status.textContent = "The code set could not be loaded here; not checked."; return; }
    if (icd.state !== "ready") { status.textContent = ""; return; }
    var problem = icdProblem(code);
    status.textContent = problem ? problem + "." : code + ": billable (" + icd.fy + ").";
    status.className = "mf-icd" + (problem ? " mf-bad" : " mf-ok");
  }

  /* ---- computed values ------------------------------------------------------------------------ */

  function diagnosisCodes(form, data) {
    var f = fieldById(data, "diagnoses"), out = [], seen = {};
    if (!f) return out;
    for (var r = 0; r < f.rows; r++) {
      var c = cell(form, "diagnoses", r, "icd10"), code = normaliseIcd(text(c));
      var d = text(cell(form, "diagnoses", r, "description"));
      if (code && !has.call(seen, code)) { seen[code] = true; out.push({code: code, text: d}); }
    }
    return out;
  }

  /* The diagnosis choice of each CPT row offers the codes typed into the diagnoses table. */
  function refreshPointers(form, data) {
    var codes = diagnosisCodes(form, data), known = {};
    codes.forEach(function (d) { known[d.code] = true; });
    var selects = form.querySelectorAll("select[data-options-from='diagnoses']"), i;
    for (i = 0; i < selects.length; i++) {
      var s = selects[i], keep = s.value;
      clear(s);
      s.appendChild(el("option", "")).value = "";
      codes.forEach(function (d) {
        var o = el("option", d.code + (d.text ? " " + d.text : ""));
        o.value = d.code; s.appendChild(o);
      });
      if (keep && !known[keep]) { // kept so the check can name it
        var o = el("option", keep + " (not in the diagnoses above)");
        o.value = keep; s.appendChild(o);
      }
      s.value = keep;
    }
  }

  function unitsInput(form, data, table) {
    var f = fieldById(data, table), minutes = {}, rows = [], r, problem = null;
    for (r = 0; r < f.rows; r++) {
      var code = text(cell(form, table, r, "cpt")), m = text(cell(form, table, r, "minutes"));
      if (!code || m === "") continue;
      if (!/^[0-9]+$/.test(m) || +m > 480) { problem = "Row " + (r + 1) + ": minutes must be a whole number from 0 to 480."; continue; }
      minutes[code] = (minutes[code] || 0) + parseInt(m, 10); // a code on two rows counts once, summed
      rows.push(r);
    }
    return {minutes: minutes, any: rows.length > 0, problem: problem};
  }

  function chosenRule(form, data) {
    for (var i = 0; i < data.fields.length; i++) {
      var f = data.fields[i];
      if (f.type === "choice" && data.answers[f.id] && /unit-rules$/.test(data.answers[f.id].system || "")) {
        return text(named(form, f.id));
      }
    }
    return "";
  }

  function timedCodes(form, table) {
    var t = form.querySelector("table[data-field='" + table + "']");
    return (t ? t.getAttribute("data-timed-codes") || "" : "").split(" ").filter(Boolean);
  }

  function allowed(form, data, table) {
    var input = unitsInput(form, data, table), rule = chosenRule(form, data);
    if (!input.any || input.problem || !rule || !window.metdocsUnits) return null;
    try { return window.metdocsUnits.allocate(input.minutes, timedCodes(form, table), rule); } catch (e) { return null; }
  }

  function setComputed(c, value) {
    var v = value === null || value === undefined ? "" : String(value);
    if (c.value !== v) c.value = v;
  }

  function computeField(form, data, f) {
    var c = named(form, f.id), table = f.based_on, r, sum = 0, any = false;
    if (f.calculate === "timed-minutes") {
      var timed = timedCodes(form, table);
      for (r = 0; r < fieldById(data, table).rows; r++) {
        var code = text(cell(form, table, r, "cpt")), m = number(cell(form, table, r, "minutes"));
        if (code && m !== null && timed.indexOf(code) >= 0) { sum += m; any = true; }
      }
      setComputed(c, any ? sum : "");
    } else if (f.calculate === "units-billed") {
      for (r = 0; r < fieldById(data, table).rows; r++) {
        var u = number(cell(form, table, r, "units"));
        if (u !== null) { sum += u; any = true; }
      }
      setComputed(c, any ? sum : "");
    } else if (f.calculate === "units-allowed") {
      var a = allowed(form, data, table);
      setComputed(c, a ? a.total_units : "");
    }
  }

  /* Session log: the units the chosen rule allows, and why; the other rule is not shown as a total. */
  function updateUnits(form, data, table) {
    var out = form.querySelector(".mf-units[data-units-for='" + table + "']");
    if (!out) return;
    clear(out);
    var input = unitsInput(form, data, table), rule = chosenRule(form, data);
    if (input.problem) { out.appendChild(el("p", input.problem)); return; }
    if (!input.any) return;
    if (!rule) { out.appendChild(el("p", "Choose the payer's unit rule above to see the units it allows.")); return; }
    var a = allowed(form, data, table);
    if (!a) return;
    var name = window.metdocsRulebook.RULE_NAMES[rule]; // one name per rule: rulebook.js, units.py's twin
    var parts = Object.keys(a.units).sort().map(function (c) { return c + ": " + a.units[c]; });
    var d = el("details"), s = el("summary", name.charAt(0).toUpperCase() + name.slice(1) + ": " + plural(a.total_units, "unit") + " (" +
      parts.join(", ") + "); " + plural(a.total_timed_minutes, "timed minute"));
    d.appendChild(s);
    var ul = el("ul");
    a.explanation.forEach(function (line) { ul.appendChild(el("li", line)); });
    d.appendChild(ul);
    out.appendChild(d);
  }

  /* Progress report / discharge: change vs baseline and the measure's meaningful change. */
  function describeChange(m, change) {
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

  function updateChange(form, data, f) {
    for (var r = 0; r < f.rows; r++) {
      var b = number(cell(form, f.id, r, "baseline")), now = number(cell(form, f.id, r, "current"));
      var change = b !== null && now !== null ? Math.round((now - b) * 1000) / 1000 : null;
      setComputed(cell(form, f.id, r, "change"), change);
      var out = form.querySelector("output.mf-change[data-row='" + r + "']");
      var m = data.measures[text(cell(form, f.id, r, "measure"))];
      out.textContent = m && change !== null ? describeChange(m, change) : "";
    }
  }

  /* Reassessment due: 30 days after the date field named in data-due-from. */
  function updateDue(form, due) {
    var base = named(form, due.getAttribute("data-due-from"));
    var t = base && /^\d{4}-\d{2}-\d{2}$/.test(base.value) ? Date.parse(base.value + "T00:00:00Z") : NaN;
    var days = parseInt(due.getAttribute("data-due-days"), 10);
    // UTC: no daylight-saving off-by-one
    setComputed(due, isNaN(t) ? "" : new Date(t + days * DAY).toISOString().slice(0, 10));
  }

  function syncPrint(form) {
    var mirrors = form.querySelectorAll(".mf-print"), i;
    for (i = 0; i < mirrors.length; i++) {
      var c = named(form, mirrors[i].getAttribute("data-print-for"));
      var shown = c.tagName === "SELECT" ? (c.selectedIndex > 0 ? c.options[c.selectedIndex].text : "") : c.value;
      if (mirrors[i].textContent !== shown) mirrors[i].textContent = shown;
    }
    // Paper gets the record, not the blanks: empty rows and empty optional fields are not printed.
    var rows = form.querySelectorAll("table.mf-table tbody tr");
    for (i = 0; i < rows.length; i++) {
      var any = Array.prototype.some.call(rows[i].querySelectorAll("input, select, textarea"), function (c) {
        return !c.readOnly && filled(c);
      });
      if (any) rows[i].removeAttribute("data-empty"); else rows[i].setAttribute("data-empty", "true");
    }
    var fields = form.querySelectorAll(".mf-field[data-field]");
    for (i = 0; i < fields.length; i++) {
      var cs = fields[i].querySelectorAll("input[name], select[name], textarea[name]");
      var empty = !Array.prototype.some.call(cs, filled);
      var required = fields[i].querySelector("[required], [data-required]");
      if (empty && !required) fields[i].setAttribute("data-empty", "true"); else fields[i].removeAttribute("data-empty");
    }
  }

  function recompute(form, data) {
    refreshPointers(form, data);
    data.fields.forEach(function (f) {
      if (f.calculate === "units") updateUnits(form, data, f.id);
      else if (f.calculate === "change") updateChange(form, data, f);
      else if (f.calculate === "due-30-days") updateDue(form, named(form, f.id));
      else if (f.calculate !== "none") computeField(form, data, f);
    });
    syncPrint(form);
  }

  /* ---- the check: every gap once -------------------------------------------------------------- */

  /* The catalog rule a gap in field `f` breaks: the element it documents for this document. */
  function ruleOf(data, f) {
    var mine = f.covers.filter(function (e) { return data.required_elements.indexOf(e) >= 0; });
    return mine[0] || f.covers[0] || "";
  }

  function gaps(form, data) {
    var out = [], listedFields = {}, documented = {}, invalid = [];
    function gap(message, controls, fieldId, rule, place) {
      out.push({message: message, rule: rule || (fieldId && fieldById(data, fieldId) ? ruleOf(data, fieldById(data, fieldId)) : ""),
                place: place || fieldId || ""});
      (controls || []).forEach(function (c) { if (c) invalid.push(c); });
      if (fieldId) listedFields[fieldId] = true;
    }
    var all = controls(form), i;
    for (i = 0; i < all.length; i++) all[i].removeAttribute("aria-invalid");

    data.fields.forEach(function (f) {
      var cs = fieldControls(form, f.id), done = cs.some(filled);
      if (done) f.covers.forEach(function (e) { documented[e] = true; });
      if (f.calculate !== "none" && f.calculate !== "units" && f.calculate !== "change") return; // derived
      if (f.type === "table") {
        var any = false;
        for (var r = 0; r < f.rows; r++) {
          if (!rowFilled(form, f, r)) continue;
          any = true;
          var missing = f.columns.filter(function (c) { return c.required && !filled(cell(form, f.id, r, c.id)); });
          if (missing.length) {
            gap(f.label + ", row " + (r + 1) + ": " + missing.map(function (c) { return c.label; }).join(", ") +
                (missing.length > 1 ? " are" : " is") + " missing",
                missing.map(function (c) { return cell(form, f.id, r, c.id); }), f.id);
          }
        }
        if (f.required && !any) gap(withElements(data, f, f.label + ": no row filled in"), [], f.id);
      } else if (f.required && !done) {
        gap(withElements(data, f, f.type === "checkbox" ? "Not ticked: " + f.label : f.label + " is missing"), cs, f.id);
      }
    });
    // An element is reported on its own only when no listed gap already names the field for it.
    data.required_elements.forEach(function (e) {
      if (documented[e]) return;
      var named_ = data.fields.some(function (f) {
        return f.covers.indexOf(e) >= 0 && (listedFields[f.id] || listedFields[f.based_on]);
      });
      if (!named_) gap("Required in a " + data.document_type_name + ": " + (data.elements[e] || e), [], "", e);
    });
    auditChecks(form, data, gap);
    rulebookChecks(form, data, gap);
    invalid.forEach(function (c) { c.setAttribute("aria-invalid", "true"); });
    return out;
  }

  function withElements(data, f, message) {
    var names = f.covers.filter(function (e) { return data.required_elements.indexOf(e) >= 0; })
      .map(function (e) { return data.elements[e] || e; });
    return message + (names.length ? " (documents: " + names.join(", ") + ")" : "");
  }

  /* What an auditor reads across fields: codes, links, totals, times and dates, units. */
  function auditChecks(form, data, gap) {
    var dx = diagnosisCodes(form, data).map(function (d) { return d.code; });
    var ruled = recordTables(data); // tables the rulebook reads: their codes, pointers and numbers are its
    data.fields.forEach(function (f) {
      var c, r;
      if (f.type === "icd10" && text(named(form, f.id))) {
        c = named(form, f.id);
        var p = icdProblem(normaliseIcd(c.value));
        if (p) gap(f.label + ": " + p, [c], f.id, "billable-icd10-leaf");
      }
      if (f.type === "table") {
        for (r = 0; r < f.rows; r++) {
          f.columns.forEach(function (col) {
            var cc = cell(form, f.id, r, col.id);
            if (ruled[f.id] && (col.type === "icd10" || col.options_from === "diagnoses" || col.type === "integer")) return;
            if (col.type === "icd10" && text(cc)) {
              var problem = icdProblem(normaliseIcd(cc.value));
              if (problem) gap(f.label + ", row " + (r + 1) + ": " + problem, [cc], f.id, "billable-icd10-leaf");
            }
            if (col.options_from === "diagnoses" && text(cc) && dx.indexOf(cc.value) < 0) {
              gap(f.label + ", row " + (r + 1) + ": " + cc.value + " is not one of the diagnoses from the referral", [cc],
                  f.id, "icd10-link-per-cpt");
            }
            if (col.type === "integer" && text(cc) && !/^[0-9]+$/.test(text(cc))) {
              gap(f.label + ", row " + (r + 1) + ": " + col.label + " must be a whole number", [cc], f.id);
            }
          });
        }
        if (f.calculate === "units") unitChecks(form, data, f, gap);
      }
      c = named(form, f.id);
      if (f.type === "integer" && c && text(c) && !/^[0-9]+$/.test(text(c)) && !ruledField(data, f.id)) {
        gap(f.label + " must be a whole number", [c], f.id);
      }
      if (f.not_before && text(c)) {
        var other = named(form, f.not_before), of = fieldById(data, f.not_before);
        if (text(other) && text(c) < text(other)) {
          gap(f.label + " (" + text(c) + ") is before " + of.label.toLowerCase() + " (" + text(other) + ")", [c], f.id);
        }
      }
      if (f.at_least && text(c)) {
        var least = number(named(form, f.at_least)), here = number(c);
        if (least !== null && here !== null && here < least) {
          gap(f.label + " (" + here + ") is less than " + fieldById(data, f.at_least).label.toLowerCase() + " (" + least + ")", [c], f.id);
        }
      }
      if (f.within.length === 2 && text(c)) {
        var start = minutesOf(text(named(form, f.within[0]))), stop = minutesOf(text(named(form, f.within[1])));
        if (start !== null && stop !== null && stop > start && number(c) > stop - start) {
          gap(f.label + " (" + number(c) + ") is more than the " + (stop - start) + " minutes between " +
              text(named(form, f.within[0])) + " and " + text(named(form, f.within[1])), [c], f.id);
        }
      }
    });
  }

  /* One row per code, and an exercise row for every code billed; the units themselves are the rulebook's. */
  function unitChecks(form, data, f, gap) {
    var seen = {}, r;
    for (r = 0; r < f.rows; r++) {
      var code = text(cell(form, f.id, r, "cpt"));
      if (!code) continue;
      if (has.call(seen, code)) {
        gap(f.label + ", row " + (r + 1) + ": " + code + " is also on row " + (seen[code] + 1) +
            "; put all its minutes on one row", [cell(form, f.id, r, "cpt")], f.id, "units-per-code");
      } else seen[code] = r;
    }
    var ex = fieldById(data, "exercises");
    if (ex && ex.columns.some(function (c) { return c.id === "cpt"; })) {
      var shown = {};
      for (r = 0; r < ex.rows; r++) shown[text(cell(form, "exercises", r, "cpt"))] = true;
      Object.keys(seen).forEach(function (code) {
        if (!shown[code]) {
          gap(code + " is billed, but no exercise row shows what was done under it", [cell(form, f.id, seen[code], "cpt")],
              f.id, "cpt-per-activity");
        }
      });
    }
  }

  /* ---- the record rulebook.js checks ---------------------------------------------------------- */

  function recordTables(data) {
    var out = {}, t = data.record && data.record.tables || {};
    for (var k in t) if (has.call(t, k)) out[t[k]] = true;
    return out;
  }

  function ruledField(data, id) {
    var spec = data.record || {}, parts = [spec.fields || {}, spec.totals || {}, spec.typed_totals || {}, spec.report || {}];
    return parts.some(function (p) { for (var k in p) if (has.call(p, k) && p[k] === id) return true; return false; });
  }

  /* A value typed into a control, as the record carries it: a whole or decimal number, the text
     itself when it is not one (the rulebook reports it), or null when empty. */
  function typed(c) {
    var t = text(c);
    if (t === "") return null;
    return /^-?[0-9]+(\.[0-9]+)?$/.test(t) ? +t : t;
  }

  function saved(form) { return form.metdocsSaved || {}; }

  /* Totals a loaded file held for computed fields: kept to compare with the rows, never rewritten. */
  function rememberSaved(form, data, values) {
    var keep = {}, totals = data.record && data.record.totals || {};
    for (var k in totals) {
      if (!has.call(totals, k) || !has.call(values, totals[k])) continue;
      var v = values[totals[k]];
      if (v === "" || v === null || v === undefined) continue;
      keep[k] = typeof v === "string" && /^-?[0-9]+(\.[0-9]+)?$/.test(v.trim()) ? +v : v;
    }
    form.metdocsSaved = keep;
  }

  /* The record of this form for rulebook.js, and where each of its parts sits on the form. */
  function formRecord(form, data) {
    var spec = data.record, rec = {kind: spec.kind}, at = {line: [], activity: [], diagnosis: {}}, k;
    for (k in spec.fields || {}) if (has.call(spec.fields, k)) rec[k] = typed(named(form, spec.fields[k]));
    ["date", "start", "end", "unit_rule", "last_assessment", "measured", "signed_by"].forEach(function (key) {
      if (has.call(rec, key) && rec[key] !== null) rec[key] = text(named(form, spec.fields[key]));
    });
    var tables = spec.tables || {};
    if (tables.diagnoses) {
      var dt = fieldById(data, tables.diagnoses), letter = 0;
      rec.diagnoses = [];
      for (var r = 0; r < dt.rows; r++) {
        var code = normaliseIcd(text(cell(form, tables.diagnoses, r, "icd10")));
        if (!text(cell(form, tables.diagnoses, r, "icd10"))) continue;
        var pointer = "ABCDEFGHIJKL".charAt(letter++) || String(letter);
        rec.diagnoses.push({pointer: pointer, code: code});
        at.diagnosis[pointer] = r;
      }
    }
    if (tables.activities) rowsOfMinutes(form, data, tables.activities, rec, at);
    if (tables.measures) {
      var mt = fieldById(data, tables.measures);
      rec.measures = [];
      for (var m = 0; m < mt.rows; m++) {
        var id = text(cell(form, tables.measures, m, "measure"));
        if (id) rec.measures.push({measure: id, baseline: typed(cell(form, tables.measures, m, "baseline")),
                                   current: typed(cell(form, tables.measures, m, "current"))});
      }
    }
    if (spec.report) {
      rec.report = {};
      for (k in spec.report) if (has.call(spec.report, k)) rec.report[k] = text(named(form, spec.report[k])) || null;
    }
    var totals = {}, any = false, kept = saved(form);
    for (k in kept) if (has.call(kept, k)) { totals[k] = kept[k]; any = true; }
    for (k in spec.typed_totals || {}) {
      if (has.call(spec.typed_totals, k) && typed(named(form, spec.typed_totals[k])) !== null) {
        totals[k] = typed(named(form, spec.typed_totals[k])); any = true;
      }
    }
    if (has.call(totals, "due")) { rec.due = totals.due; delete totals.due; any = Object.keys(totals).length > 0; }
    if (any && spec.kind === "session-log") rec.totals = totals;
    return {record: rec, at: at};
  }

  /* The minutes table: each row with a code is a row of minutes, and a claim line once it has units. */
  function rowsOfMinutes(form, data, table, rec, at) {
    var f = fieldById(data, table), letters = {};
    (rec.diagnoses || []).forEach(function (d) { letters[d.code] = d.pointer; });
    rec.activities = [];
    rec.claim = [];
    for (var r = 0; r < f.rows; r++) {
      var code = text(cell(form, table, r, "cpt"));
      if (!code) continue;
      rec.activities.push({cpt: code, minutes: typed(cell(form, table, r, "minutes"))});
      at.activity.push(r);
      var units = typed(cell(form, table, r, "units"));
      if (units === null) continue; // not billed yet: the row's missing units are the form's own gap
      var dx = normaliseIcd(text(cell(form, table, r, "icd10")));
      rec.claim.push({cpt: code, units: units, pointers: dx ? [has.call(letters, dx) ? letters[dx] : dx] : [],
                      modifiers: text(cell(form, table, r, "modifiers")).split(/[\s,;]+/).filter(Boolean)});
      at.line.push(r);
    }
  }

  var TOTAL_FIELDS = {timed_minutes: "total_timed_minutes", session_minutes: "total_minutes",
                      units_billed: "units_billed", units_allowed: "units_allowed", due: "next_reassessment_due"};

  /* Where a finding's place is on the form: its label and its controls. */
  function placed(form, data, at, place) {
    var kind = place.split(":")[0], rest = place.slice(kind.length + 1), spec = data.record, row, f;
    if (kind === "line" || kind === "activity") {
      row = at[kind][parseInt(rest, 10) - 1];
      f = fieldById(data, spec.tables.activities);
      return {label: f.label + ", row " + (row + 1), field: f.id,
              controls: f.columns.map(function (c) { return cell(form, f.id, row, c.id); })};
    }
    if (kind === "diagnosis" && has.call(at.diagnosis, rest)) {
      f = fieldById(data, spec.tables.diagnoses);
      return {label: f.label + ", row " + (at.diagnosis[rest] + 1), field: f.id,
              controls: [cell(form, f.id, at.diagnosis[rest], "icd10")]};
    }
    if (kind === "field" && has.call(TOTAL_FIELDS, rest) && fieldById(data, TOTAL_FIELDS[rest])) {
      f = fieldById(data, TOTAL_FIELDS[rest]);
      return {label: f.label, field: f.id, controls: [named(form, f.id)]};
    }
    return {label: "This " + data.document_type_name.toLowerCase(), field: "", controls: []};
  }

  /* The pages that explain a gap's rule: the standards page, and the units, pairing or scope page
     where one teaches it (decided once in pages/explain.py, handed over in book.js; progress.js). */
  function explainLinks(li, rule) {
    var links = rule && window.metdocsProgress && window.metdocsProgress.explainLinks
      ? window.metdocsProgress.explainLinks(rule) : [];
    if (!links.length) return;
    var box = el("span", undefined, "metdocs-explain");
    links.forEach(function (l) {
      var a = el("a", l.text);
      a.href = l.href;
      a.setAttribute("data-explain", "");
      box.appendChild(document.createTextNode(" "));
      box.appendChild(a);
    });
    li.appendChild(box);
  }

  function rulebookIcd() {
    return icd.state === "ready" && window.metdocsIcd10cm ? window.metdocsRulebook.icdFromCompact(window.metdocsIcd10cm) : null;
  }

  function rulebookFindings(form, data) {
    if (!data.record || !data.book || !window.metdocsRulebook) return {found: [], at: null};
    var built = formRecord(form, data);
    return {found: window.metdocsRulebook.check(built.record, data.book, rulebookIcd()), at: built.at};
  }

  function rulebookChecks(form, data, gap) {
    var got = rulebookFindings(form, data);
    got.found.forEach(function (f) {
      var p = placed(form, data, got.at, f.place);
      gap(p.label + ": " + f.message, p.controls, p.field, f.rule, f.place);
    });
  }

  /* After a load: saved totals that disagree with the rows, each with both figures. */
  function savedTotalsNotes(form, data) {
    if (!Object.keys(saved(form)).length) return [];
    var got = rulebookFindings(form, data);
    return got.found.filter(function (f) {
      return /^field:/.test(f.place) && f.place !== "field:session_minutes";
    }).map(function (f) { return placed(form, data, got.at, f.place).label + ": " + f.message; });
  }

  function check(wrap, form, data, done) {
    withIcd(wrap, data, function () {
      recompute(form, data);
      var list = gaps(form, data), status = form.querySelector(".mf-status");
      Array.prototype.forEach.call(form.querySelectorAll("input[data-icd10]"), showIcd);
      clear(status);
      if (icd.state === "failed") status.appendChild(el("p", "The ICD-10-CM code set could not be loaded, so codes were not checked against it."));
      if (!list.length) {
        status.appendChild(el("p", "All required fields and elements are filled in, and nothing an auditor would flag was found."));
      } else {
        status.appendChild(el("p", list.length + (list.length === 1 ? " gap:" : " gaps:")));
        var ul = el("ul");
        list.forEach(function (g) {
          var li = el("li", g.message + (g.rule && g.message.indexOf("'" + g.rule + "'") < 0 ? " [" + g.rule + "]" : ""));
          li.setAttribute("data-rule", g.rule);
          li.setAttribute("data-place", g.place);
          explainLinks(li, g.rule);
          ul.appendChild(li);
        });
        status.appendChild(ul);
      }
      if (done) done(list);
    });
  }

  /* ---- save and load: a FHIR R4 QuestionnaireResponse ----------------------------------------- */

  /* `unit`: for a measure value (valueQuantity), the row measure's {unit, system, code}. */
  function answer(entry, c, unit) {
    var key = entry.value, v = c.type === "checkbox" ? c.checked : text(c);
    if (key === "valueBoolean") return v === true ? {valueBoolean: true} : null;
    if (v === "") return null;
    if (key === "valueCoding") {
      var code = entry.system === "http://hl7.org/fhir/sid/icd-10-cm" ? normaliseIcd(v) : v;
      var coding = {system: entry.system, code: code};
      if (entry.display && has.call(entry.display, code)) coding.display = entry.display[code];
      return {valueCoding: coding};
    }
    if (key === "valueInteger") return /^-?[0-9]+$/.test(v) ? {valueInteger: parseInt(v, 10)} : {valueString: v};
    if (key === "valueDecimal") return isFinite(v) ? {valueDecimal: +v} : {valueString: v};
    if (key === "valueQuantity") {
      if (!isFinite(v)) return {valueString: v};
      var q = {value: +v};
      for (var k in unit || {}) if (has.call(unit, k)) q[k] = unit[k];
      return {valueQuantity: q};
    }
    if (key === "valueTime") return {valueTime: v.length === 5 ? v + ":00" : v};
    var o = {}; o[key] = v; return o;
  }

  /* The unit of a table row's measure values: the measure chosen in the row names it. */
  function rowUnit(form, data, f, r) {
    var from = f.columns.map(function (c) { return data.answers[f.id + "." + c.id].unit_from; }).filter(Boolean)[0];
    var m = from && data.measures[text(cell(form, f.id, r, from))];
    return m ? m.quantity : null;
  }

  function response(form, data, complete) {
    var items = [], sections = [];
    data.fields.forEach(function (f) { if (sections.indexOf(f.section) < 0) sections.push(f.section); });
    sections.forEach(function (sid) {
      var group = [];
      data.fields.forEach(function (f) {
        if (f.section !== sid) return;
        if (f.type !== "table") {
          var a = answer(data.answers[f.id], named(form, f.id));
          if (a) group.push({linkId: f.id, answer: [a]});
          return;
        }
        for (var r = 0; r < f.rows; r++) {
          var row = [], unit = rowUnit(form, data, f, r);
          f.columns.forEach(function (col) {
            var a2 = answer(data.answers[f.id + "." + col.id], cell(form, f.id, r, col.id), unit);
            if (a2) row.push({linkId: f.id + "." + col.id, answer: [a2]});
          });
          if (row.length) group.push({linkId: f.id, item: row});
        }
      });
      if (group.length) items.push({linkId: sid, item: group});
    });
    return {resourceType: "QuestionnaireResponse", questionnaire: data.questionnaire,
            status: complete ? "completed" : "in-progress", authored: new Date().toISOString(), item: items};
  }

  function save(wrap, form, data) {
    check(wrap, form, data, function (list) {
      var qr = response(form, data, list.length === 0);
      var blob = new Blob([JSON.stringify(qr, null, 2) + "\n"], {type: "application/fhir+json"});
      var a = el("a"), url = URL.createObjectURL(blob);
      a.href = url; a.download = data.form + "-filled.json";
      document.body.appendChild(a); a.click(); document.body.removeChild(a);
      setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
      form.metdocsSaved = {}; // the file just written holds the totals the rows give
    });
  }

  /* A response -> control values; table rows fill in the order they were saved. */
  function valuesFromResponse(qr, data) {
    var values = {}, rows = {};
    (function walk(items) {
      (items || []).forEach(function (it) {
        var f = fieldById(data, it.linkId);
        if (f && f.type === "table") {
          var r = rows[f.id] = has.call(rows, f.id) ? rows[f.id] + 1 : 0;
          (it.item || []).forEach(function (cellItem) {
            var col = cellItem.linkId.slice(f.id.length + 1);
            values[f.id + "." + r + "." + col] = valueOf(cellItem);
          });
        } else if (f) {
          values[f.id] = valueOf(it);
        } else {
          walk(it.item);
        }
      });
    })(qr.item);
    return values;
  }

  function valueOf(item) {
    var a = (item.answer || [])[0];
    if (!a) return "";
    if (has.call(a, "valueCoding")) return a.valueCoding.code || "";
    if (has.call(a, "valueBoolean")) return a.valueBoolean === true;
    if (has.call(a, "valueTime")) return String(a.valueTime).slice(0, 5);
    if (has.call(a, "valueQuantity")) return a.valueQuantity.value === undefined ? "" : a.valueQuantity.value;
    for (var k in a) if (has.call(a, k) && k.indexOf("value") === 0) return a[k];
    return "";
  }

  /* ---- a saved file, read as hostile input (the twin of generator/forms/saved.py) ------------ */

  var VALUE_TYPES = {valueString: "text", valueDate: "text", valueTime: "text", valueDateTime: "text",
    valueBoolean: "true or false", valueInteger: "a whole number", valueDecimal: "a number", valueCoding: "a coding",
    valueQuantity: "a quantity"};
  var SEPARATORS = {0x2028: "LINE SEPARATOR", 0x2029: "PARAGRAPH SEPARATOR"};
  var BIDI = {0x202a: "LEFT-TO-RIGHT EMBEDDING", 0x202b: "RIGHT-TO-LEFT EMBEDDING", 0x202c: "POP DIRECTIONAL FORMATTING",
    0x202d: "LEFT-TO-RIGHT OVERRIDE", 0x202e: "RIGHT-TO-LEFT OVERRIDE", 0x2066: "LEFT-TO-RIGHT ISOLATE",
    0x2067: "RIGHT-TO-LEFT ISOLATE", 0x2068: "FIRST STRONG ISOLATE", 0x2069: "POP DIRECTIONAL ISOLATE"};

  function kindOf(v) {
    if (v === null) return "null";
    if (typeof v === "boolean") return "true or false";
    if (typeof v === "number") return "a number";
    if (typeof v === "string") return "text";
    return Array.isArray(v) ? "a list" : "an object";
  }

  function isObject(v) { return v !== null && typeof v === "object" && !Array.isArray(v); }

  /* Why a text is not plain text (catalog/load.py not_plain_text), or null; counts code points. */
  function notPlainText(s) {
    for (var i = 0, n = 1; i < s.length; i++, n++) {
      var cp = s.charCodeAt(i), what = null;
      if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
      }
      if (cp === 9 || cp === 10) continue;
      if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) what = "a control character";
      else if (cp >= 0xd800 && cp <= 0xdfff) what = "a lone surrogate";
      else if (SEPARATORS[cp]) what = SEPARATORS[cp] + ", an invisible line break";
      else if (BIDI[cp]) what = BIDI[cp] + ", a bidirectional control that can make text show differently from what it holds";
      else if ((cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) === 0xfffe) what = "a Unicode noncharacter";
      if (what) {
        var hex = cp.toString(16).toUpperCase();
        while (hex.length < 4) hex = "0" + hex;
        return "expected plain text, found U+" + hex + " (" + what + ") at character " + n + " of the text; remove it";
      }
    }
    return null;
  }

  function found(want, v) { return "expected " + want + ", found " + kindOf(v); }

  function finiteNumber(v) { return typeof v === "number" && isFinite(v); }

  function badNumber(v) { // what JSON gives JavaScript for what saved.py calls a BadNumber
    if (typeof v !== "number" || isFinite(v) && Math.abs(v) < 1e15) return null;
    return isFinite(v) ? "expected a number of at most 15 digits, found " + v : "expected a finite number, found " + v;
  }

  function answerValueProblem(key, v) {
    var want = VALUE_TYPES[key];
    if (!has.call(VALUE_TYPES, key)) {
      return "expected an answer of one of the kinds a metdocs form saves (" + Object.keys(VALUE_TYPES).join(", ") + "), found " + key;
    }
    if (badNumber(v)) return key + ": " + badNumber(v);
    if (want === "text") return typeof v !== "string" ? key + ": " + found("text", v) : (notPlainText(v) ? key + ": " + notPlainText(v) : null);
    if (want === "true or false") return typeof v === "boolean" ? null : key + ": " + found("true or false", v);
    if (want === "a whole number") return finiteNumber(v) && Math.floor(v) === v ? null : key + ": " + found("a whole number", v);
    if (want === "a number") return finiteNumber(v) ? null : key + ": " + found("a number", v);
    var fields = want === "a coding" ? ["code", "system", "display"] : ["value", "unit", "system", "code"];
    if (!isObject(v)) return key + ": expected an object with " + fields[0] + ", found " + kindOf(v);
    for (var i = 0; i < fields.length; i++) {
      var inner = v[fields[i]];
      if (i === 0 && (inner === undefined || inner === null)) return key + ": expected an object with a " + fields[0] + ", found none";
      if (inner === undefined || inner === null) continue;
      if (badNumber(inner)) return key + "." + fields[i] + ": " + badNumber(inner);
      if (fields[i] === "value") {
        if (!finiteNumber(inner)) return key + "." + fields[i] + ": " + found("a number", inner);
      } else if (typeof inner !== "string") {
        return key + "." + fields[i] + ": " + found("text", inner);
      } else if (notPlainText(inner)) {
        return key + "." + fields[i] + ": " + notPlainText(inner);
      }
    }
    return null;
  }

  function answersProblems(answers, name, out) {
    if (!Array.isArray(answers)) { out.push(name + ": expected 'answer' to be a list of answers, found " + kindOf(answers)); return; }
    answers.forEach(function (a, i) {
      if (!isObject(a)) {
        out.push(name + ": expected each answer to be an object such as {\"valueString\": \"...\"}, found " + kindOf(a) + " (answer " + (i + 1) + ")");
        return;
      }
      var keys = Object.keys(a).filter(function (k) { return k.indexOf("value") === 0; });
      if (keys.length !== 1) { out.push(name + ": expected one value in each answer, found " + (keys.length || "none")); return; }
      var why = answerValueProblem(keys[0], a[keys[0]]);
      if (why) out.push(name + ": " + why);
    });
  }

  function itemsProblems(items, owner, out) {
    if (items === undefined || items === null) return;
    if (!Array.isArray(items)) { out.push(owner + ": expected 'item' to be a list of items, found " + kindOf(items)); return; }
    items.forEach(function (it, i) {
      if (!isObject(it)) { out.push(owner + ": expected each of its items to be an object, found " + kindOf(it) + " (item " + (i + 1) + ")"); return; }
      var link = it.linkId, name = "item '" + link + "'";
      if (typeof link !== "string" || link === "") {
        out.push("item " + (i + 1) + " of " + owner + ": expected a linkId (text), found " + (has.call(it, "linkId") ? kindOf(link) : "none"));
        name = "item " + (i + 1) + " of " + owner;
      } else if (notPlainText(link)) {
        out.push("item " + (i + 1) + " of " + owner + ": in its linkId, " + notPlainText(link));
        name = "item " + (i + 1) + " of " + owner;
      }
      if (has.call(it, "answer")) answersProblems(it.answer, name, out);
      itemsProblems(it.item, name, out);
    });
  }

  /* What is wrong with the shape of a saved record, each "item 'x': expected ..." (saved.py shape_problems). */
  function savedProblems(saved) {
    var out = [];
    if (saved.resourceType === "QuestionnaireResponse") {
      if (has.call(saved, "questionnaire") && typeof saved.questionnaire !== "string") {
        out.push("'questionnaire': expected text (the form's address), found " + kindOf(saved.questionnaire));
      }
      itemsProblems(saved.item, "the response", out);
    } else if (isObject(saved.values)) {
      Object.keys(saved.values).forEach(function (name) {
        var v = saved.values[name], why = null;
        if (badNumber(v)) why = badNumber(v);
        else if (typeof v === "string") why = notPlainText(v);
        else if (v !== null && typeof v === "object") why = "expected text, a number or true or false, found " + kindOf(v);
        if (why) out.push("item '" + name + "': " + why);
      });
    }
    return out.slice(0, 20);
  }

  /* Reads a saved file: a QuestionnaireResponse, or the {form, version, values} of version 1. */
  function parseSaved(raw, data, expectForm) {
    var saved;
    if (tooDeep(raw)) return {error: "That file is not a saved form (JSON nested more than " + MAX_SAVED_DEPTH + " levels deep)."};
    try { saved = JSON.parse(raw); } catch (e) { return {error: "That file is not a saved form (not JSON)."}; }
    if (!isObject(saved)) return {error: "That file is not a saved form."};
    var problems = savedProblems(saved);
    if (problems.length) return {error: "That file cannot be loaded, so nothing was changed:", problems: problems};
    var want = expectForm.url;
    if (saved.resourceType === "QuestionnaireResponse") {
      var ref = String(saved.questionnaire || ""), url = ref.split("|")[0];
      if (url !== want) return {error: "That file is a response to another form (" + (url || "none named") + ")."};
      return {values: expectForm.valuesFrom(saved), version: ref.split("|")[1] || ""};
    }
    if (saved.form === expectForm.id && isObject(saved.values)) {
      return {values: saved.values, version: typeof saved.version === "string" ? saved.version : ""};
    }
    return {error: "That file is not a saved " + expectForm.name + " form."};
  }

  /* A refused file: the reason in the status line, every problem listed; the form is untouched. */
  function refused(status, got) {
    clear(status);
    status.appendChild(el("p", got.error));
    if (got.problems) {
      var ul = el("ul", undefined, "mf-problems");
      got.problems.forEach(function (m) { ul.appendChild(el("li", m)); });
      status.appendChild(ul);
    }
  }

  /* Puts `values` into the form whole, or not at all: on any error the form gets back what it had. */
  function applyWhole(form, data, values) {
    var before = currentValues(form);
    try {
      var unknown = applyValues(form, data, values);
      recompute(form, data);
      return {unknown: unknown};
    } catch (e) {
      applyValues(form, data, before);
      recompute(form, data);
      return {error: "That file could not be loaded (" + e.message + "), so nothing was changed."};
    }
  }

  /* Sets control values; a choice saved as its words (version 1) finds its code. */
  function applyValues(form, data, values) {
    var cs = controls(form), unknown = [], i, pointers = [];
    for (var name in values) if (has.call(values, name) && !named(form, name)) unknown.push(name);
    for (i = 0; i < cs.length; i++) {
      var c = cs[i];
      if (c.readOnly) continue; // computed: worked out again from what is loaded
      var v = has.call(values, c.name) ? values[c.name] : (c.type === "checkbox" ? false : "");
      if (c.type === "checkbox") { c.checked = v === true || v === "yes"; continue; }
      if (c.getAttribute("data-options-from") === "diagnoses") { pointers.push([c, String(v)]); continue; }
      setValue(c, v === null || v === undefined ? "" : String(v));
    }
    refreshPointers(form, data);
    pointers.forEach(function (p) { setValue(p[0], normaliseIcd(p[1])); });
    return unknown;
  }

  function setValue(c, v) {
    if (c.tagName !== "SELECT") { c.value = v; return; }
    var match = Array.prototype.filter.call(c.options, function (o) { return o.value === v; })[0] ||
                Array.prototype.filter.call(c.options, function (o) { return o.text === v && v !== ""; })[0];
    if (!match && v !== "") { match = el("option", v + " (saved value)"); match.value = v; c.appendChild(match); }
    c.value = match ? match.value : "";
  }

  var MAX_SAVED_BYTES = 2000000, MAX_SAVED_DEPTH = 64; // saved.py MAX_BYTES, MAX_DEPTH

  /* The chosen file as text: only UTF-8 (as saved.py reads it), at most MAX_SAVED_BYTES; else `fail(why)`. */
  function readFile(input, done, fail) {
    var file = input.files && input.files[0];
    if (!file) return;
    input.value = ""; // loading the same file again fires change again
    if (file.size > MAX_SAVED_BYTES) {
      fail("That file is not a saved form: it holds " + file.size + " bytes, and a saved form at most " + MAX_SAVED_BYTES + ".");
      return;
    }
    var reader = new FileReader();
    reader.onload = function () {
      var text;
      try { text = new TextDecoder("utf-8", {fatal: true}).decode(new Uint8Array(reader.result)); } catch (e) {
        fail("That file is not a saved form (it is not UTF-8 text).");
        return;
      }
      done(file.name, text);
    };
    reader.onerror = function () { fail("That file could not be read."); };
    reader.readAsArrayBuffer(file);
  }

  /* True when JSON text nests deeper than MAX_SAVED_DEPTH (saved.py _too_deep): checked before
     parsing, since walking a record that deep would overflow the stack. */
  function tooDeep(raw) {
    var depth = 0, m, re = /[\[\]{}]/g, text = raw.replace(/"(?:[^"\\]|\\.)*"/g, '""');
    while ((m = re.exec(text)) !== null) {
      depth += m[0] === "[" || m[0] === "{" ? 1 : -1;
      if (depth > MAX_SAVED_DEPTH) return true;
    }
    return false;
  }

  function icdStatusAll(wrap, form, data) {
    var cs = form.querySelectorAll("input[data-icd10]");
    if (!Array.prototype.some.call(cs, filled)) return;
    withIcd(wrap, data, function () { Array.prototype.forEach.call(cs, showIcd); });
  }

  function load(wrap, form, data, input) {
    var status = form.querySelector(".mf-status");
    readFile(input, function (name, raw) {
      var got = parseSaved(raw, data, {url: data.questionnaire.split("|")[0], id: data.form,
        name: data.document_type_name, valuesFrom: function (qr) { return valuesFromResponse(qr, data); }});
      if (got.error) { refused(status, got); return; }
      var put = applyWhole(form, data, got.values), unknown = put.unknown;
      if (put.error) { refused(status, put); return; }
      rememberSaved(form, data, got.values); // the file's own totals: compared with the rows, not rewritten
      recompute(form, data);
      icdStatusAll(wrap, form, data);
      clear(status);
      status.appendChild(el("p", "Loaded " + name + "."));
      savedTotalsNotes(form, data).forEach(function (note) { status.appendChild(el("p", note)); });
      if (got.version && got.version !== data.version) {
        status.appendChild(el("p", "It was saved with version " + got.version + " of this form; this is version " + data.version + "."));
      }
      if (unknown.length) {
        status.appendChild(el("p", plural(unknown.length, "saved value") + " had no place in this version: " + unknown.join(", ") + "."));
      }
    }, function (why) { refused(status, {error: why}); });
  }

  /* Progress report, discharge summary, session log: start from a saved initial assessment. */
  function chain(wrap, form, data, input) {
    var status = form.querySelector(".mf-status"), spec = data.chain;
    readFile(input, function (name, raw) {
      var source = data.questionnaire.split("/Questionnaire/")[0] + "/Questionnaire/" + data.chain_source;
      var got = parseSaved(raw, data, {url: source, id: data.chain_source, name: "initial assessment",
        valuesFrom: function (qr) { return valuesFromSource(qr); }});
      if (got.error) { refused(status, got); return; }
      var v = got.values, values = currentValues(form), target, copied = 0;
      for (target in spec.fields) {
        if (has.call(spec.fields, target) && v[spec.fields[target]] !== undefined && v[spec.fields[target]] !== "") {
          values[target] = v[spec.fields[target]]; copied++;
        }
      }
      for (target in spec.tables) {
        if (!has.call(spec.tables, target)) continue;
        var from = spec.tables[target][0], cols = spec.tables[target][1], f = fieldById(data, target), r = 0, s = 0;
        for (s = 0; s < 30 && r < f.rows; s++) {
          var any = false, col;
          for (col in cols) if (has.call(cols, col) && v[from + "." + s + "." + cols[col]]) any = true;
          if (!any) continue;
          for (col in cols) if (has.call(cols, col)) values[target + "." + r + "." + col] = v[from + "." + s + "." + cols[col]] || "";
          r++; copied++;
        }
      }
      var put = applyWhole(form, data, values);
      if (put.error) { refused(status, put); return; }
      icdStatusAll(wrap, form, data);
      clear(status);
      status.appendChild(el("p", "Filled in from " + name + " (" + plural(copied, "entry") + ")."));
    }, function (why) { refused(status, {error: why}); });
  }

  /* The initial assessment's answers by name, without knowing its form: linkIds carry the names. */
  function valuesFromSource(qr) {
    var values = {}, rows = {};
    (function walk(items, table) {
      (items || []).forEach(function (it) {
        if (it.answer) {
          var parts = it.linkId.split(".");
          values[table ? parts[0] + "." + rows[parts[0]] + "." + parts[1] : it.linkId] = valueOf(it);
        } else if (it.item && it.item.length && it.item[0].linkId.indexOf(it.linkId + ".") === 0) {
          rows[it.linkId] = has.call(rows, it.linkId) ? rows[it.linkId] + 1 : 0;
          walk(it.item, true);
        } else {
          walk(it.item, false);
        }
      });
    })(qr.item, false);
    return values;
  }

  function currentValues(form) {
    var out = {}, cs = controls(form);
    for (var i = 0; i < cs.length; i++) out[cs[i].name] = cs[i].type === "checkbox" ? cs[i].checked : cs[i].value;
    return out;
  }

  /* ---- wiring ---------------------------------------------------------------------------------- */

  function bind(wrap) {
    if (wrap.getAttribute("data-mf-bound")) return;
    wrap.setAttribute("data-mf-bound", "1");
    var data = JSON.parse(wrap.querySelector("script.mf-data").textContent);
    var form = wrap.querySelector("form");
    form.addEventListener("submit", function (e) { e.preventDefault(); }); // never send the form anywhere
    form.addEventListener("input", function () { recompute(form, data); });
    form.addEventListener("change", function (e) {
      var action = e.target.getAttribute("data-action");
      if (action === "load") load(wrap, form, data, e.target);
      else if (action === "chain") chain(wrap, form, data, e.target);
      else {
        recompute(form, data);
        if (e.target.getAttribute("data-icd10")) {
          e.target.value = text(e.target) ? normaliseIcd(e.target.value) : "";
          var c = e.target;
          withIcd(wrap, data, function () { showIcd(c); });
          recompute(form, data);
        }
      }
    });
    form.addEventListener("click", function (e) {
      var action = e.target.getAttribute && e.target.getAttribute("data-action");
      if (action === "check") check(wrap, form, data);
      else if (action === "save") save(wrap, form, data);
      else if (action === "print") check(wrap, form, data, function () { window.print(); });
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
