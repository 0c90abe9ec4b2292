/*
 * metdocs rulebook: the rules one record can show, for every checker in the browser.
 *
 * A line-for-line port of generator/rules/audit/records.py, the audit's record-level checks: the
 * same findings, places and messages. tests/test_rulebook_js.py runs both on every shipped case's
 * records, on a thousand and more generated ones with faults injected, and on malformed ones, so
 * change the two files together. The web forms (forms.js), the claim builder (claims.js) and the
 * drills' grading (drills.js) all check records with check() below. Units come from units.js.
 * ES5, no dependencies.
 *
 * Browser: window.metdocsRulebook.check(record, book, icd). Node: require("./rulebook.js").
 */
(function (root) {
  "use strict";

  var has = Object.prototype.hasOwnProperty; // codes such as "__proto__" must not reach Object.prototype
  var DAY = 24 * 60 * 60 * 1000;
  var MAX_UNITS = 99, MAX_GROUP = 99, MAX_MINUTES = 480, UNIT = 15, SHOWN_CHILDREN = 12;
  var SCOPE_RULE = "medexpro-codes-only";
  var UNIT_RULES = {cms: "cms-8-minute-rule", ama: "ama-midpoint-rule"};
  var RULE_NAMES = {cms: "CMS 8-minute rule", ama: "per-code (midpoint) rule"};
  var NOT_PRIVATE = {
    "medicare": "Medicare", "medicaid": "Medicaid",
    "medicare-advantage": "Medicare Advantage, which is Medicare although a private company runs it",
    "medicaid-managed-care": "Medicaid managed care, which is Medicaid although a private company runs it"
  };
  var CREDENTIALS = ["MedExPRO", "PT", "PTA", "ATC", "personal-trainer", "aide", "student"];
  var ARROW = "\u2192";

  function units() {
    if (root && root.metdocsUnits) return root.metdocsUnits;
    return require("./units.js"); // node
  }

  /* ---- values from outside ------------------------------------------------------------------ */

  function whole(value, low, high) {
    return typeof value === "number" && isFinite(value) && Math.floor(value) === value && value >= low && value <= high;
  }

  function shown(value) {
    if (value === null || value === undefined) return "nothing";
    if (typeof value === "boolean") return value ? "true" : "false";
    if (typeof value === "number") {
      if (!isFinite(value) || Math.abs(value) >= 1e15) return "a number out of range";
      if (Math.floor(value) === value) return String(value === 0 ? 0 : value);
      return Math.abs(value) >= 1e-4 ? String(value) : "a number near 0";
    }
    if (typeof value === "string") return "'" + value + "'";
    if (Object.prototype.toString.call(value) === "[object Array]") return "a list";
    return "an object";
  }

  function isList(x) { return Object.prototype.toString.call(x) === "[object Array]"; }
  function isObject(x) { return x !== null && typeof x === "object" && !isList(x); }
  function get(obj, key) { return isObject(obj) && has.call(obj, key) ? obj[key] : undefined; }
  function given(obj, key) { var v = get(obj, key); return v === undefined ? null : v; }

  function strip(s) { return s.replace(/^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g, ""); }
  function text(value) { return typeof value === "string" ? strip(value) : ""; }

  // Python's str ordering (code points); avoids localeCompare, which differs by browser.
  function cmpStr(a, b) { return a < b ? -1 : a > b ? 1 : 0; }
  function keys(obj) { var out = []; for (var k in obj) if (has.call(obj, k)) out.push(k); return out.sort(cmpStr); }

  function date(value) {
    if (typeof value !== "string" || !/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(value)) return null;
    var t = Date.UTC(+value.slice(0, 4), +value.slice(5, 7) - 1, +value.slice(8, 10));
    var d = new Date(t);
    if (isNaN(t) || d.toISOString().slice(0, 10) !== value) return null;
    if (value < "1900-01-01" || value > "2199-12-31") return null;
    return t;
  }

  function iso(t) { return new Date(t).toISOString().slice(0, 10); }
  function daysBetween(a, b) { return Math.round((b - a) / DAY); }

  function clock(value) {
    var m = typeof value === "string" ? /^([01][0-9]|2[0-3]):([0-5][0-9])$/.exec(value) : null;
    return m ? parseInt(m[1], 10) * 60 + parseInt(m[2], 10) : null;
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function normaliseIcd(code) {
    var s = code.replace(/[ \t\n\r\f\v]+/g, "").toUpperCase(), bare = s.replace(/\./g, "");
    if (!/^[A-Z0-9]+$/.test(bare)) return s;
    return bare.length > 3 ? bare.slice(0, 3) + "." + bare.slice(3) : bare;
  }

  function credentialIn(signature) {
    var words = typeof signature === "string" ? signature.match(/[A-Za-z]+(?:-[A-Za-z]+)*/g) || [] : [];
    for (var i = 0; i < words.length; i++) {
      for (var j = 0; j < CREDENTIALS.length; j++) {
        if (words[i].toLowerCase() === CREDENTIALS[j].toLowerCase()) return CREDENTIALS[j];
      }
    }
    return null;
  }

  /* ---- the ICD-10-CM code set: a lookup(code) -> {valid, billable, children} or null --------- */

  /* From the compact file the web forms load (catalog/icd.py web_asset): one line per category. */
  function icdFromCompact(set) {
    var cats = Object.create(null);
    set.codes.split("\n").forEach(function (line) {
      var parts = line.split(":");
      cats[parts[0]] = parts[1].split(","); // sorted: a code's extensions follow it
    });
    return {fiscal_year: set.fy, release: set.release, lookup: function (code) {
      var bare = code.replace(".", ""), list = cats[bare.slice(0, 3)], rest = bare.slice(3);
      var i = list && bare.length >= 3 && code === normaliseIcd(code) ? list.indexOf(rest) : -1;
      if (i < 0) return {valid: false, billable: false, children: []};
      var next = list[i + 1];
      if (next === undefined || next.indexOf(rest) !== 0) return {valid: true, billable: true, children: []};
      var children = [];
      for (var j = i + 1; j < list.length && list[j].indexOf(rest) === 0; j++) {
        if (!(list[j + 1] !== undefined && list[j + 1].indexOf(list[j]) === 0)) children.push(bare.slice(0, 3) + "." + list[j]);
      }
      return {valid: true, billable: false, children: children};
    }};
  }

  /* From facts written into a page at build time ({code: {valid, billable, children}}). */
  function icdFromFacts(fy, facts) {
    return {fiscal_year: fy, lookup: function (code) { return has.call(facts, code) ? facts[code] : null; }};
  }

  /* ---- the checks --------------------------------------------------------------------------- */

  function Findings(book) { this.book = book; this.found = []; }
  Findings.prototype.add = function (rule, place, txt, severity) {
    var cite = has.call(this.book.cite, rule) ? this.book.cite[rule] : "rule '" + rule + "' (not in the catalog)";
    this.found.push({rule: rule, place: place, severity: severity || "error", text: txt, message: cite + ": " + txt});
  };

  function check(record, book, icd) {
    var out = new Findings(book);
    var kind = get(record, "kind");
    if (kind !== "session-log" && kind !== "progress-report") {
      out.add("units-per-code", "record", "expected a session log or a progress report, found " + shown(record));
      return out.found;
    }
    if (kind === "progress-report") { report(out, record); return out.found; }
    payerFindings(out, given(record, "payer"));
    diagnosisFindings(out, given(record, "diagnoses"), icd);
    sessionFindings(out, record, icd);
    return out.found;
  }

  function payerFindings(out, plan) {
    if (typeof plan === "string" && has.call(NOT_PRIVATE, plan)) {
      out.add("private-payers-only", "payer", "expected a private payer (commercial or self-pay), found " +
        NOT_PRIVATE[plan] + "; Medicare and Medicaid do not recognise Medical Exercise Professionals");
    }
  }

  function diagnoses(items) {
    var out = [];
    if (!isList(items)) return out;
    items.forEach(function (d) {
      if (isObject(d) && typeof get(d, "pointer") === "string" && typeof get(d, "code") === "string") out.push([d.pointer, d.code]);
    });
    return out;
  }

  function diagnosisFindings(out, items, icd) {
    if (!icd || !isList(items)) return;
    var year = icd.fiscal_year ? " (" + icd.fiscal_year + " code set)" : "";
    diagnoses(items).forEach(function (pc) {
      var pointer = pc[0], code = pc[1], info = icd.lookup(normaliseIcd(code));
      if (!info || info.billable) return;
      if (!info.valid) {
        out.add("billable-icd10-leaf", "diagnosis:" + pointer, "expected a billable ICD-10-CM code" + year +
          ", found '" + code + "', which is not in the code set");
      } else {
        var kids = info.children.slice(0, SHOWN_CHILDREN).join(", ") + (info.children.length > SHOWN_CHILDREN ? " ..." : "");
        out.add("billable-icd10-leaf", "diagnosis:" + pointer, "expected a billable ICD-10-CM code" + year +
          ", found header '" + code + "', which is not billable; use one of: " + kids);
      }
    });
  }

  function sessionFindings(out, record, icd) {
    var lines = claimLines(out, record), rows = minuteRows(out, record);
    pointersScope(out, record, lines, icd);
    unitChecks(out, record, lines, rows);
    clockTimes(out, record, rows);
    totals(out, record, lines, rows);
    signature(out, record, lines);
    overdue(out, record, lines);
  }

  function claimLines(out, record) {
    var raw = given(record, "claim");
    if (raw === null) return [];
    if (!isList(raw)) {
      out.add("units-per-code", "record", "expected the claim lines as a list, found " + shown(raw));
      return [];
    }
    return raw.map(function (line, k) {
      var i = k + 1;
      if (!isObject(line)) {
        out.add("units-per-code", "line:" + i, "expected a claim line with a code and units, found " + shown(line));
        return null;
      }
      var u = given(line, "units");
      if (!whole(u, 0, MAX_UNITS)) {
        out.add("units-per-code", "line:" + i, "expected a whole number of units from 0 to " + MAX_UNITS + ", found " + shown(u));
      }
      var mods = has.call(line, "modifiers") ? line.modifiers : [];
      if (!isList(mods) || !mods.every(function (m) { return typeof m === "string"; })) {
        out.add("units-per-code", "line:" + i, "expected the modifiers as a list of codes such as 'GP' or '59', found " + shown(mods));
        mods = isList(mods) ? mods.filter(function (m) { return typeof m === "string"; }) : [];
      }
      var pointers = has.call(line, "pointers") ? line.pointers : [];
      if (!isList(pointers)) pointers = [pointers];
      return {cpt: given(line, "cpt"), units: whole(u, 0, MAX_UNITS) ? u : null,
              modifiers: mods.map(function (m) { return strip(m).toUpperCase(); }), pointers: pointers};
    });
  }

  function minuteRows(out, record) {
    var raw = given(record, "activities");
    if (raw === null) return [];
    if (!isList(raw)) {
      out.add("minutes-per-code", "record", "expected the rows of minutes as a list, found " + shown(raw));
      return null;
    }
    var rows = [], ok = true;
    raw.forEach(function (row, k) {
      var m = isObject(row) ? given(row, "minutes") : row, cpt = isObject(row) ? given(row, "cpt") : null;
      if (m === null || cpt === null) { ok = false; return; }
      if (!whole(m, 0, MAX_MINUTES)) {
        out.add("minutes-per-code", "activity:" + (k + 1), "expected whole minutes from 0 to " + MAX_MINUTES + ", found " + shown(m));
        ok = false;
        return;
      }
      if (typeof cpt !== "string") { ok = false; return; }
      rows.push({cpt: cpt, minutes: m});
    });
    return ok ? rows : null;
  }

  function inScope(book) {
    var codes = keys(book.codes).filter(function (c) { return book.codes[c].in_scope; });
    return codes.length ? codes.join(", ") : "none in the catalog";
  }

  function codeOf(book, cpt) { return typeof cpt === "string" && has.call(book.codes, cpt) ? book.codes[cpt] : null; }

  function pointersScope(out, record, lines, icd) {
    var book = out.book, letters = Object.create(null), any = false;
    diagnoses(given(record, "diagnoses")).forEach(function (pc) { letters[pc[0]] = pc[1]; any = true; });
    var group = given(record, "group_size");
    if (group !== null && !whole(group, 1, MAX_GROUP)) {
      out.add("one-on-one-statement", "record", "expected the number of clients trained at once (1 = one-on-one), found " + shown(group));
    }
    lines.forEach(function (line, k) {
      if (line === null) return;
      var place = "line:" + (k + 1), cpt = line.cpt, code = codeOf(book, cpt);
      var named = typeof cpt === "string" ? cpt : shown(cpt);
      pointers(out, place, named, line.pointers, any ? letters : null, icd, book);
      if (code === null) {
        out.add(SCOPE_RULE, place, "expected a code a MedExPRO may bill (" + inScope(book) + "), found " + shown(cpt) +
          ", which is not a CPT code in the catalog");
      } else if (!code.in_scope) {
        out.add(SCOPE_RULE, place, "expected a code a MedExPRO may bill (" + inScope(book) + "), found " + cpt +
          " (" + code.name + "): " + code.scope_reason);
      }
      if (line.modifiers.indexOf("GP") >= 0) {
        out.add("no-gp-modifier", place, "expected no GP modifier (it declares a physical-therapy plan of care, which a " +
          "MedExPRO does not have), found GP on " + named);
      }
      if (code !== null && code.one_on_one && whole(group, 2, MAX_GROUP)) {
        out.add("one-on-one-vs-group", place, "expected a group code for " + group + " clients trained at once, found " +
          "one-on-one code " + cpt + " (" + code.name + ")");
      }
    });
  }

  function pointers(out, place, named, list, letters, icd, book) {
    if (letters === null) return; // no referral diagnosis: that gap is reported once, on the referral
    if (!list.length) out.add("icd10-link-per-cpt", place, "expected " + named + " to point at a referral diagnosis (A-L), found no pointer");
    var seen = [];
    list.forEach(function (p) {
      if (typeof p === "string" && seen.indexOf(p) >= 0) {
        if (seen.filter(function (x) { return x === p; }).length === 1) {
          out.add("icd10-link-per-cpt", place, "expected each pointer once, found " + shown(p) + " more than once");
        }
        seen.push(p);
        return;
      }
      if (typeof p === "string") seen.push(p);
      var code = typeof p === "string" && p in letters ? letters[p] : null;
      if (code === null) {
        var known = [];
        for (var x in letters) known.push(x);
        out.add("icd10-link-per-cpt", place, "expected a pointer to one of the referral's letters (" +
          known.sort(cmpStr).join(", ") + "), found " + shown(p));
        return;
      }
      var info = icd ? icd.lookup(normaliseIcd(code)) : null;
      if (info && info.billable) {
        var listed = has.call(book.pairings, code) ? book.pairings[code] : null;
        if (listed === null || listed.indexOf(named) < 0) {
          out.add("icd10-link-per-cpt", place, "expected a pairing the catalog lists for " + code + " (" +
            (listed !== null ? listed.join(", ") : "none (diagnosis not in the catalog)") + "), found " + named +
            "; the note must justify it", "warning");
        }
      }
    });
  }

  function billableMinutes(rows, book) {
    var out = Object.create(null);
    rows.forEach(function (r) {
      var code = codeOf(book, r.cpt);
      if (code !== null && code.in_scope) out[r.cpt] = (r.cpt in out ? out[r.cpt] : 0) + r.minutes;
    });
    return out;
  }

  function plain(map) { var o = {}; for (var k in map) o[k] = map[k]; return o; }

  function allowed(record, rows, book) {
    var rule = given(record, "unit_rule");
    if (rows === null || !has.call(UNIT_RULES, rule)) return null;
    var minutes = billableMinutes(rows, book), codes = [];
    for (var c in minutes) { if (minutes[c] > MAX_MINUTES) return null; codes.push(c); }
    return units().allocate(plain(minutes), codes.filter(function (c) { return book.codes[c].timed; }), rule);
  }

  function unitChecks(out, record, lines, rows) {
    var book = out.book, rule = given(record, "unit_rule");
    if (rows === null || !has.call(UNIT_RULES, rule) || lines.some(function (ln) { return ln !== null && ln.units === null; })) return;
    var minutes = billableMinutes(rows, book);
    var over = keys(minutes).filter(function (c) { return minutes[c] > MAX_MINUTES; })[0];
    if (over !== undefined) {
      out.add("minutes-per-code", "record", "expected at most " + MAX_MINUTES + " minutes on one code, found " + minutes[over] + " on " + over);
      return;
    }
    var billed = Object.create(null), first = Object.create(null);
    lines.forEach(function (ln, k) {
      var code = ln !== null ? codeOf(book, ln.cpt) : null;
      if (code !== null && code.in_scope) {
        billed[ln.cpt] = (ln.cpt in billed ? billed[ln.cpt] : 0) + ln.units;
        if (!(ln.cpt in first)) first[ln.cpt] = "line:" + (k + 1);
      }
    });
    function m(c) { return c in minutes ? minutes[c] : 0; }
    function b(c) { return c in billed ? billed[c] : 0; }
    function at(c) { return c in first ? first[c] : "record"; }
    var all = keys(plain(minutes)).concat(keys(plain(billed)).filter(function (c) { return !(c in minutes); })).sort(cmpStr);
    var visit = {};
    all.forEach(function (c) { visit[c] = m(c); });
    var alloc = units().allocate(visit, all.filter(function (c) { return book.codes[c].timed; }), rule);
    all.forEach(function (c) {
      if (!book.codes[c].timed && b(c) !== alloc.units[c]) {
        out.add("untimed-one-unit", at(c), "expected " + c + " billed as " + plural(alloc.units[c], "unit") +
          " (an untimed code is one unit a day whatever its minutes; " + m(c) + " min logged), found " + b(c));
      }
    });
    var timed = all.filter(function (c) { return book.codes[c].timed; });
    if (rule === "ama") {
      timed.forEach(function (c) {
        if (b(c) !== alloc.units[c]) {
          out.add("ama-midpoint-rule", at(c), "expected " + c + " billed as " + plural(alloc.units[c], "unit") + " (" + m(c) +
            " min on its own), found " + b(c));
        }
      });
      return;
    }
    var want = 0, got = 0;
    timed.forEach(function (c) { want += alloc.units[c]; got += b(c); });
    var shownMin = timed.map(function (c) { return c + " " + m(c) + " min"; }).join(" + ");
    var shownExp = timed.map(function (c) { return c + " " + alloc.units[c]; }).join(", ");
    var shownGot = timed.map(function (c) { return c + " " + b(c); }).join(", ");
    if (got !== want) {
      out.add("cms-8-minute-rule", "record", (got > want ? "over-billed" : "under-billed") + ": expected " + want + " units (" +
        shownMin + "; " + alloc.total_timed_minutes + " timed minutes " + ARROW + " " + shownExp + "), found " + got +
        " billed (" + shownGot + ")");
    } else {
      var mins = {};
      timed.forEach(function (c) { mins[c] = m(c); });
      if (!validSplit(mins, billed)) {
        var wrong = timed.filter(function (c) { return b(c) !== alloc.units[c]; })[0];
        out.add("cms-unit-split", at(wrong), "expected the " + want + " units split as " + shownExp + " (" + shownMin +
          "; full 15-minute blocks first, then the largest leftovers), found " + shownGot);
      }
    }
  }

  function validSplit(minutes, billed) {
    var extra = {}, codes = keys(minutes), i;
    for (i = 0; i < codes.length; i++) {
      var c = codes[i], mm = minutes[c], u = c in billed ? billed[c] : 0;
      extra[c] = u - Math.floor(mm / UNIT);
      if ((extra[c] !== 0 && extra[c] !== 1) || (extra[c] === 1 && mm % UNIT === 0)) return false;
    }
    var got = codes.filter(function (c) { return extra[c] === 1; }).map(function (c) { return minutes[c] % UNIT; });
    var rest = codes.filter(function (c) { return extra[c] === 0; }).map(function (c) { return minutes[c] % UNIT; });
    return !got.length || !rest.length || Math.min.apply(null, got) >= Math.max.apply(null, rest);
  }

  function clockTimes(out, record, rows) {
    var start = given(record, "start"), end = given(record, "end");
    if (start === null || end === null || start === "" || end === "") return; // a missing time is a missing element
    var a = clock(start), b = clock(end);
    if (a === null || b === null) {
      out.add("session-start-stop", "record", "expected clock times such as '09:30', found start " + shown(start) + " and stop " + shown(end));
      return;
    }
    if (b <= a) {
      out.add("session-start-stop", "record", "expected the stop after the start, found start " + start + " and stop " + end);
      return;
    }
    var logged = 0;
    (rows || []).forEach(function (r) { logged += r.minutes; });
    if (rows && rows.length && logged > b - a) {
      out.add("session-start-stop", "record", "expected the " + (b - a) + " minutes from " + start + " to " + end +
        " to cover the " + logged + " minutes logged, found them shorter");
    }
    var said = get(given(record, "totals"), "session_minutes");
    if (whole(said, 0, 10000) && said > b - a) {
      out.add("session-start-stop", "record", "expected the session minutes to fit the " + (b - a) + " minutes from " +
        start + " to " + end + ", found " + said);
    }
  }

  function totals(out, record, lines, rows) {
    var t = given(record, "totals"), book = out.book, want, said;
    if (t === null) return;
    if (!isObject(t)) {
      out.add("total-timed-minutes", "record", "expected the saved totals as an object, found " + shown(t));
      return;
    }
    if (has.call(t, "timed_minutes") && rows !== null) {
      want = 0;
      rows.forEach(function (r) { var c = codeOf(book, r.cpt); if (c && c.timed) want += r.minutes; });
      if (t.timed_minutes !== want || !whole(t.timed_minutes, 0, 10000)) {
        out.add("total-timed-minutes", "field:timed_minutes", "expected the total timed minutes the rows add up to (" + want +
          "), found " + shown(t.timed_minutes) + " saved");
      }
    }
    if (has.call(t, "session_minutes") && rows !== null) {
      var least = 0;
      rows.forEach(function (r) { least += r.minutes; });
      said = t.session_minutes;
      if (!whole(said, 0, 10000) || said < least) {
        out.add("total-session-minutes", "field:session_minutes", "expected the session minutes to include every minute logged (" +
          least + "), found " + shown(said));
      }
    }
    if (has.call(t, "units_billed") && lines.every(function (ln) { return ln !== null && ln.units !== null; })) {
      want = 0;
      lines.forEach(function (ln) { want += ln.units; });
      if (t.units_billed !== want || !whole(t.units_billed, 0, 10000)) {
        out.add("units-per-code", "field:units_billed", "expected the units billed in total to equal the lines' units (" + want +
          "), found " + shown(t.units_billed) + " saved");
      }
    }
    var alloc = allowed(record, rows, book);
    if (has.call(t, "units_allowed") && alloc !== null) {
      said = t.units_allowed;
      if (said !== alloc.total_units || !whole(said, 0, 10000)) {
        var rule = record.unit_rule;
        out.add(UNIT_RULES[rule], "field:units_allowed", "expected the units the " + RULE_NAMES[rule] + " allows (" +
          alloc.total_units + "), found " + shown(said) + " saved");
      }
    }
  }

  function signature(out, record, lines) {
    var signed = text(given(record, "signed_by"));
    var cred = isObject(record) && has.call(record, "signer_credential") ? given(record, "signer_credential") : credentialIn(signed);
    if (signed && cred === null) {
      out.add("signature-credentials", "record", "expected the signature to give the signer's credential (MedExPRO), found '" +
        signed + "' with none");
    }
    if (lines.length && cred !== null && cred !== "MedExPRO") {
      out.add("own-services-own-npi", "record", "expected a billed session given and signed by the MedExPRO who bills it, " +
        "found one signed by " + shown(cred) + "; bill only your own services, under your own NPI");
    }
  }

  function overdue(out, record, lines) {
    var day = date(given(record, "date")), last = date(given(record, "last_assessment")), days = out.book.reassess_days;
    if (lines.length && day !== null && last !== null && last <= day && daysBetween(last, day) > days) {
      out.add("reassess-every-30-days", "record", "expected a reassessment by " + iso(last + days * DAY) +
        " before billing more sessions, found this session billed on " + iso(day) + ", " + daysBetween(last, day) +
        " days after the last assessment");
    }
  }

  function report(out, record) {
    var days = out.book.reassess_days;
    var measured = date(given(record, "measured")), last = date(given(record, "last_assessment"));
    if (measured !== null && last !== null && daysBetween(last, measured) > days) {
      out.add("reassess-every-30-days", "record", "expected a reassessment at most " + days + " days after the last assessment on " +
        iso(last) + ", found one " + daysBetween(last, measured) + " days later on " + iso(measured));
    }
    if (measured !== null && has.call(record, "due") && record.due !== iso(measured + days * DAY)) {
      out.add("reassess-every-30-days", "field:due", "expected the next reassessment due on " + iso(measured + days * DAY) +
        " (" + days + " days after the measures), found " + shown(record.due) + " saved");
    }
    var gaps = [], rows = isList(given(record, "measures")) ? record.measures : [];
    var missing = rows.filter(function (m) {
      return isObject(m) && typeof get(m, "measure") === "string" && given(m, "baseline") !== null && given(m, "current") === null;
    }).map(function (m) { return m.measure; });
    if (missing.length) gaps.push("baseline measures not re-tested: " + missing.join(", "));
    var rep = given(record, "report");
    if (!isObject(rep)) {
      gaps.push("no progress report (period, date written, recipient)");
    } else {
      var start = date(given(rep, "period_start")), end = date(given(rep, "period_end")), written = date(given(rep, "written"));
      if (start !== null && end !== null && last !== null && measured !== null && (start !== last || end !== measured)) {
        gaps.push("a period of " + iso(start) + " to " + iso(end) + " where the sessions since the last assessment need " +
          iso(last) + " to " + iso(measured));
      }
      if (written !== null && end !== null && written < end) gaps.push("written on " + iso(written) + ", before its period ends on " + iso(end));
      if (!text(given(rep, "sent_to"))) gaps.push("no recipient named");
    }
    if (gaps.length) {
      out.add("progress-report-content", "report", "expected the progress report of " + (measured !== null ? iso(measured) : "this date") +
        " to cover the period since the last assessment, say when it was written and to whom it went, and re-test every " +
        "baseline measure; found " + gaps.join("; "));
    }
  }

  var api = {RULE_NAMES: RULE_NAMES, check: check, allowed: allowed, billableMinutes: function (rows, book) { return plain(billableMinutes(rows, book)); },
             credentialIn: credentialIn, normaliseIcd: normaliseIcd, icdFromCompact: icdFromCompact,
             icdFromFacts: icdFromFacts, shown: shown, UNIT_RULES: UNIT_RULES, SCOPE_RULE: SCOPE_RULE};
  if (root) root.metdocsRulebook = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof window !== "undefined" ? window : null);
