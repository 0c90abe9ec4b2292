/*
 * metdocs practice progress: the scores a student's drills and claim-builder exercises got,
 * kept in this browser's localStorage only (nothing is sent anywhere), and the "My progress"
 * page (practice/progress/) that lists them, with a reset.
 *
 * window.metdocsProgress.load() -> {drills: {id: record}, claims: {key: record},
 *   sets: {"seed:n": {seed, n, steps: {k: step}}}, history: [attempt], problems: [text]}
 *   Storage is untrusted (edited by hand, left by another version, damaged): only records of the
 *   shape drills.js, claims.js and practiceset.js save are returned; `problems` says what was
 *   left out and why.
 * window.metdocsProgress.save(kind, id, record)   kind "drills" or "claims"; adds the time, and
 *   the attempt to the history (the last HISTORY attempts are kept)
 * window.metdocsProgress.saveStep(set, k, step)   step k of practice set "seed:n" (practiceset.js)
 * window.metdocsProgress.resetSet(set), window.metdocsProgress.reset()
 * window.metdocsProgress.el(tag, attrs, kids)   the DOM builder drills.js and claims.js share
 * window.metdocsProgress.explainLinks(ruleId)   [{href, text}]: the pages that explain a rule
 * Scores are scoped to the site's root folder (Material's __md_scope), so two metdocs sites
 * on one host keep separate scores. Where storage is refused (private windows on some
 * browsers), scores last until the page is closed. ES5 syntax.
 */
(function (root) {
  "use strict";

  var KEY = "metdocs-progress-v1";
  var HISTORY = 200, MAX_SEED = 4294967295, MAX_N = 30;
  var PARTS = ["drills", "claims", "sets", "history"];
  var memory = null; // used when localStorage is unavailable

  function key() {
    var scope = root.__md_scope;
    return (scope && scope.pathname ? scope.pathname : "/") + ":" + KEY;
  }

  function kindOf(v) {
    if (v === null) return "null";
    if (Array.isArray(v)) return "a list";
    return {"boolean": "true or false", "number": "a number", "string": "text", "object": "an object"}[typeof v] || typeof v;
  }

  function isObject(v) { return v !== null && typeof v === "object" && !Array.isArray(v); }

  function count(v) { return typeof v === "number" && isFinite(v) && Math.floor(v) === v && v >= 0 && v <= 100000; }

  /* Why a stored record cannot be shown, or null: the shape drills.js (kind "drills") or claims.js saves. */
  function recordProblem(kind, r) {
    if (!isObject(r)) return "expected a saved score, found " + kindOf(r);
    if (typeof r.score !== "number" || !isFinite(r.score) || r.score < 0 || r.score > 100) {
      return "expected a score from 0 to 100, found " + kindOf(r.score);
    }
    var counts = kind === "drills" ? ["right", "missed", "wrong", "total"] : ["right", "total"];
    for (var i = 0; i < counts.length; i++) {
      if (!count(r[counts[i]])) return "expected '" + counts[i] + "' to be a whole number, found " + kindOf(r[counts[i]]);
    }
    if (r.at !== undefined && (typeof r.at !== "string" || !/^\d{4}-\d{2}-\d{2}/.test(r.at))) return "expected 'at' to be a date";
    if (kind === "drills") {
      if (r.title !== undefined && typeof r.title !== "string") return "expected 'title' to be text, found " + kindOf(r.title);
      if (r.marks !== undefined && !Array.isArray(r.marks)) return "expected 'marks' to be a list, found " + kindOf(r.marks);
      return null;
    }
    if (!(count(r.seed) || (typeof r.seed === "string" && /^[0-9]{1,10}$/.test(r.seed)))) {
      return "expected 'seed' to be an exercise number, found " + kindOf(r.seed);
    }
    if (r.rule !== "cms" && r.rule !== "ama") return "expected 'rule' to be cms or ama";
    if (r.rule_name !== undefined && typeof r.rule_name !== "string") return "expected 'rule_name' to be text";
    return null;
  }

  function text(v, most) { return typeof v === "string" && v.length <= most; }

  function ruleIds(v) {
    return Array.isArray(v) && v.length <= 500 && v.every(function (x) { return typeof x === "string" && /^[a-z0-9-]{1,100}$/.test(x); });
  }

  /* Why a saved step of a practice set cannot be shown, or null: the shape practiceset.js saves. */
  function stepProblem(st) {
    if (!isObject(st)) return "expected a saved step, found " + kindOf(st);
    if (st.kind !== "claim" && st.kind !== "drill") return "expected 'kind' to be claim or drill";
    if (typeof st.score !== "number" || !isFinite(st.score) || st.score < 0 || st.score > 100) return "expected a score from 0 to 100";
    var counts = st.kind === "drill" ? ["right", "missed", "wrong", "total"] : ["right", "total"];
    for (var i = 0; i < counts.length; i++) if (!count(st[counts[i]])) return "expected '" + counts[i] + "' to be a whole number";
    if (st.at !== undefined && (typeof st.at !== "string" || !/^\d{4}-\d{2}-\d{2}/.test(st.at))) return "expected 'at' to be a date";
    if (!isObject(st.rules) || !["right", "missed", "wrong"].every(function (k) { return ruleIds(st.rules[k]); })) {
      return "expected 'rules' to list rule ids found, missed and flagged wrongly";
    }
    if (st.kind === "drill") return text(st.id, 100) && /^[a-z0-9-]+$/.test(st.id) ? null : "expected 'id' to be a drill id";
    if (!(typeof st.seed === "number" && st.seed >= 0 && st.seed <= MAX_SEED && Math.floor(st.seed) === st.seed)) return "expected 'seed' to be an exercise number";
    if (!["units", "pointers"].every(function (k) { return Array.isArray(st[k]) && st[k].length === 2 && count(st[k][0]) && count(st[k][1]); })) {
      return "expected 'units' and 'pointers' to be [right, of]";
    }
    return typeof st.billable === "boolean" ? null : "expected 'billable' to be true or false";
  }

  /* A saved set, with only its steps that can be shown (the others go to `problems`). */
  function readSet(id, v, problems) {
    var m = /^(\d{1,10}):(\d{1,2})$/.exec(id);
    if (!m || Number(m[1]) > MAX_SEED || Number(m[2]) < 1 || Number(m[2]) > MAX_N) { problems.push("sets '" + id + "': not a practice set"); return null; }
    if (!isObject(v) || !isObject(v.steps)) { problems.push("sets '" + id + "': expected an object of steps, found " + kindOf(v && v.steps)); return null; }
    var out = {seed: Number(m[1]), n: Number(m[2]), steps: {}};
    Object.keys(v.steps).forEach(function (k) {
      var why = /^\d{1,2}$/.test(k) && Number(k) >= 1 && Number(k) <= out.n ? stepProblem(v.steps[k]) : "not a step of this set";
      if (why) problems.push("sets '" + id + "' step '" + k + "': " + why);
      else out.steps[k] = v.steps[k];
    });
    return out;
  }

  function attemptProblem(a) {
    if (!isObject(a)) return "expected an attempt, found " + kindOf(a);
    if (typeof a.at !== "string" || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(a.at)) return "expected 'at' to be a date and time";
    if (a.kind !== "drills" && a.kind !== "claims") return "expected 'kind' to be drills or claims";
    if (!text(a.id, 200) || !text(a.label, 300)) return "expected 'id' and 'label' to be text";
    return typeof a.score === "number" && isFinite(a.score) && a.score >= 0 && a.score <= 100 ? null : "expected a score from 0 to 100";
  }

  /* The records stored, each checked; what could not be read goes to `problems`, never to the page. */
  function load() {
    var raw = null, out = {drills: {}, claims: {}, sets: {}, history: [], problems: []}, data;
    try { raw = root.localStorage.getItem(key()); } catch (e) { raw = memory; }
    if (raw === null) raw = memory;
    if (!raw) return out;
    try { data = JSON.parse(raw); } catch (e) {
      out.problems.push("the saved scores are not readable (not JSON), so none could be shown");
      return out;
    }
    if (!isObject(data)) {
      out.problems.push("expected the saved scores to be an object, found " + kindOf(data));
      return out;
    }
    Object.keys(data).forEach(function (part) {
      if (PARTS.indexOf(part) < 0) out.problems.push("'" + part + "': not a part of the saved scores");
    });
    if (data.sets !== undefined) {
      if (!isObject(data.sets)) out.problems.push("sets: expected an object of practice sets, found " + kindOf(data.sets));
      else Object.keys(data.sets).forEach(function (id) {
        var set = readSet(id, data.sets[id], out.problems);
        if (set) out.sets[id] = set;
      });
    }
    if (data.history !== undefined) {
      if (!Array.isArray(data.history)) out.problems.push("history: expected a list of attempts, found " + kindOf(data.history));
      else data.history.slice(-HISTORY).forEach(function (a, i) {
        var why = attemptProblem(a);
        if (why) out.problems.push("history item " + (i + 1) + ": " + why);
        else out.history.push(a);
      });
    }
    ["drills", "claims"].forEach(function (kind) {
      var records = data[kind];
      if (records === undefined) return;
      if (!isObject(records)) { out.problems.push(kind + ": expected an object of scores, found " + kindOf(records)); return; }
      Object.keys(records).forEach(function (id) {
        var why = recordProblem(kind, records[id]);
        if (why) out.problems.push(kind + " '" + id + "': " + why);
        else out[kind][id] = records[id];
      });
    });
    return out;
  }

  function store(data) {
    var raw = JSON.stringify(data);
    memory = raw;
    try { root.localStorage.setItem(key(), raw); return true; } catch (e) { return false; }
  }

  function copied(record, at) {
    var copy = {};
    Object.keys(record).forEach(function (k) { copy[k] = record[k]; });
    copy.at = at;
    return copy;
  }

  function save(kind, id, record) {
    var data = load(), at = new Date().toISOString();
    delete data.problems; // what could not be read is dropped: it could never be shown
    data[kind] = data[kind] || {};
    data[kind][id] = copied(record, at);
    var label = kind === "drills" ? String(record.title || id) : "Claim builder exercise " + record.seed +
      (record.rule_name ? " (" + record.rule_name + ")" : "");
    data.history.push({at: at, kind: kind, id: String(id), label: label.slice(0, 300), score: record.score});
    data.history = data.history.slice(-HISTORY);
    return store(data);
  }

  function saveStep(set, k, step) {
    var data = load(), m = /^(\d+):(\d+)$/.exec(set);
    delete data.problems;
    if (!m) return false;
    data.sets[set] = data.sets[set] || {seed: Number(m[1]), n: Number(m[2]), steps: {}};
    data.sets[set].steps[String(k)] = copied(step, new Date().toISOString());
    return store(data);
  }

  function resetSet(set) {
    var data = load();
    delete data.problems;
    delete data.sets[set];
    return store(data);
  }

  function reset() {
    memory = null;
    try { root.localStorage.removeItem(key()); } catch (e) { /* nothing stored */ }
  }

  /*
   * The element builder the practice scripts share (drills.js, claims.js): el("p", {text: "Hi",
   * "class": "x"}, [kids]). Text always goes in as text, never as markup; an attribute whose
   * value is null or false is left out, true gives an empty one.
   */
  function el(tag, attrs, kids) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (attrs[k] !== null && attrs[k] !== false) node.setAttribute(k, attrs[k] === true ? "" : attrs[k]);
    });
    (kids || []).forEach(function (kid) {
      if (kid) node.appendChild(typeof kid === "string" ? document.createTextNode(kid) : kid);
    });
    return node;
  }

  /*
   * The pages that explain a rule, for every piece of feedback (drills.js, claims.js, forms.js):
   * [{href, text}], first the rule on the standards page, then the units, pairing or scope page
   * where one teaches it. Which page is data (book.js `explain`, pages/explain.py), with URLs from
   * the site's root; the root is where this script was loaded from, so links work served, under a
   * sub-path and from file://.
   */
  var here = typeof document !== "undefined" && document.currentScript ? document.currentScript.src : "";
  var siteRoot = /assets\/javascripts\/progress\.js([?#].*)?$/.test(here)
    ? here.replace(/assets\/javascripts\/progress\.js([?#].*)?$/, "")
    : (root && root.__md_scope ? String(root.__md_scope.href || "") : "");
  function explainLinks(rule) {
    var book = root.metdocsBook, links = book && book.explain && Object.prototype.hasOwnProperty.call(book.explain, rule)
      ? book.explain[rule] : [];
    return links.map(function (l) { return {href: siteRoot + l.href, text: l.text}; });
  }

  var api = {load: load, save: save, saveStep: saveStep, resetSet: resetSet, reset: reset, el: el, HISTORY: HISTORY,
             explainLinks: explainLinks};
  root.metdocsProgress = api;

  /* ---- the "My progress" page --------------------------------------------------------------- */

  function day(iso) { return typeof iso === "string" ? iso.slice(0, 10) : ""; }

  function head(cells) {
    return el("tr", {}, cells.map(function (c) { return el("th", {scope: "col", text: c}); }));
  }

  /* The page: what could not be read (if anything), the scores, then the reset, which is drawn
     whatever happened before it, so a student can always start again. */
  function render(box, data) {
    var saved = load();
    box.textContent = "";
    if (saved.problems.length) {
      var list = el("ul", {}, saved.problems.slice(0, 10).map(function (m) { return el("li", {text: m}); }));
      box.appendChild(el("div", {"class": "metdocs-progress__problems admonition warning", role: "note"}, [
        el("p", {text: saved.problems.length + " saved " + (saved.problems.length === 1 ? "entry" : "entries") +
                 " in this browser could not be read and " + (saved.problems.length === 1 ? "is" : "are") +
                 " left out. Your next checked drill or exercise saves without " +
                 (saved.problems.length === 1 ? "it" : "them") + "; reset your progress to clear them now."}),
        list]));
    }
    var scores = el("div", {"class": "metdocs-progress__scores"});
    box.appendChild(scores);
    try {
      renderScores(scores, data, saved);
    } catch (e) {
      scores.textContent = "";
      scores.appendChild(el("p", {text: "Your saved scores could not be shown (" + e.message + "). Reset your progress to start again."}));
    }
    var tools = el("div", {"class": "metdocs-progress__history"});
    box.appendChild(tools);
    try {
      renderHistory(tools, saved);
    } catch (e) {
      tools.textContent = "";
      tools.appendChild(el("p", {text: "Your attempt history could not be shown (" + e.message + "). Reset your progress to start again."}));
    }
    renderReset(box, data);
  }

  function mean(scores) {
    return scores.length ? Math.floor((2 * scores.reduce(function (a, b) { return a + b; }, 0) + scores.length) / (2 * scores.length)) : 0;
  }

  function values(obj) { return Object.keys(obj).map(function (k) { return obj[k]; }); }

  /* Every drill and claim-builder exercise counts once, with its last score; a set's exercises
     are among them (a set's check saves the drill's or exercise's score too). */
  function renderCombined(box, data, saved) {
    var drills = values(saved.drills).map(function (r) { return r.score; });
    var claims = values(saved.claims).map(function (r) { return r.score; });
    var steps = [];
    values(saved.sets).forEach(function (set) { values(set.steps).forEach(function (st) { steps.push(st.score); }); });
    var all = drills.concat(claims);
    box.appendChild(el("h2", {id: "combined", text: "All your practice"}));
    box.appendChild(el("p", {"class": "metdocs-progress__combined", text: all.length ?
      "Combined score: " + mean(all) + "% over " + drills.length + " drill" + (drills.length === 1 ? "" : "s") + " and " +
      claims.length + " claim-builder exercise" + (claims.length === 1 ? "" : "s") + ", each counted once with its last score" +
      (steps.length ? "; practice-set exercises alone: " + mean(steps) + "% over " + steps.length + "." : ".")
      : "Nothing checked yet: your combined score appears here once you check a drill or an exercise."}));
  }

  function renderSets(box, data, saved) {
    box.appendChild(el("h2", {id: "practice-sets", text: "Practice sets"}));
    var ids = Object.keys(saved.sets).filter(function (id) { return Object.keys(saved.sets[id].steps).length; });
    if (!ids.length) {
      box.appendChild(el("p", {}, ["No practice set started yet. ", el("a", {href: data.set_url, text: "Open a practice set"}), "."]));
      return;
    }
    var t = el("table", {"class": "metdocs-progress__sets"}, [el("caption", {text: "Practice sets you worked on"}),
      head(["Set", "Exercises done", "Score so far"])]);
    ids.sort().forEach(function (id) {
      var set = saved.sets[id], steps = values(set.steps);
      var url = data.set_url + "?seed=" + set.seed + "&n=" + set.n;
      t.appendChild(el("tr", {"data-set": id}, [el("th", {scope: "row"}, [el("a", {href: url, text: "Set " + set.seed + " (" + set.n + " exercises)"})]),
        el("td", {text: steps.length + " of " + set.n}), el("td", {text: mean(steps.map(function (st) { return st.score; })) + "%"})]));
    });
    box.appendChild(scroller(t, "Practice sets you worked on"));
    box.appendChild(el("p", {}, [el("a", {href: data.set_url, text: "Open another practice set"})]));
  }

  function when(iso) { return iso.slice(0, 10) + " " + iso.slice(11, 16) + " UTC"; }

  /* A CSV cell: quoted, and a leading = + - @ neutralised so a spreadsheet never runs it as a formula. */
  function cell(v) {
    var t = String(v);
    if (/^[=+\-@\t\r]/.test(t)) t = "'" + t;
    return '"' + t.replace(/"/g, '""') + '"';
  }

  function csv(history) {
    return ["When (UTC),Kind,Exercise,Score (%)"].concat(history.map(function (a) {
      return [cell(a.at), cell(a.kind === "drills" ? "audit drill" : "claim builder"), cell(a.label), cell(a.score)].join(",");
    })).join("\r\n") + "\r\n";
  }

  function renderHistory(box, saved) {
    box.appendChild(el("h2", {id: "history", text: "Attempt history"}));
    var status = el("p", {"class": "metdocs-progress__status", role: "status"});
    if (!saved.history.length) {
      box.appendChild(el("p", {text: "No attempt yet: each check of a drill or a claim-builder exercise is listed here, newest first (the last " + HISTORY + ")."}));
      return;
    }
    box.appendChild(el("p", {text: saved.history.length + " attempt" + (saved.history.length === 1 ? "" : "s") +
      ", newest first; this browser keeps the last " + HISTORY + "."}));
    var t = el("table", {"class": "metdocs-progress__attempts"}, [el("caption", {text: "Your attempts"}),
      head(["When (UTC)", "Exercise", "Kind", "Score"])]);
    saved.history.slice().reverse().forEach(function (a) {
      t.appendChild(el("tr", {}, [el("td", {text: when(a.at)}), el("th", {scope: "row", text: a.label}),
        el("td", {text: a.kind === "drills" ? "audit drill" : "claim builder"}), el("td", {text: a.score + "%"})]));
    });
    box.appendChild(scroller(t, "Your attempts"));
    var printIt = el("button", {type: "button", "class": "md-button", "data-print": "", text: "Print my progress"});
    var download = el("button", {type: "button", "class": "md-button", "data-export": "", text: "Download my history (CSV)"});
    printIt.addEventListener("click", function () { root.print(); });
    download.addEventListener("click", function () {
      // Made here, in this browser, from what it saved: nothing is sent anywhere.
      var blob = new Blob([csv(load().history)], {type: "text/csv;charset=utf-8"});
      var a = el("a", {href: URL.createObjectURL(blob), download: "metdocs-progress.csv", hidden: ""});
      document.body.appendChild(a);
      a.click();
      document.body.removeChild(a);
      setTimeout(function () { URL.revokeObjectURL(a.href); }, 0);
      status.textContent = "Your history was saved as metdocs-progress.csv, made in this browser.";
    });
    box.appendChild(el("div", {"class": "metdocs-progress__buttons"}, [printIt, download]));
    box.appendChild(status);
  }

  /* A wide table scrolls inside its own region (focusable, so it scrolls by keyboard), never the page. */
  function scroller(table, name) {
    return el("div", {"class": "metdocs-progress__scroll", tabindex: "0", role: "region", "aria-label": name}, [table]);
  }

  function renderScores(box, data, saved) {
    renderCombined(box, data, saved);
    var done = data.drills.filter(function (d) { return saved.drills[d.id]; });
    box.appendChild(el("h2", {id: "drills", text: "Audit drills"}));
    var total = done.reduce(function (sum, d) { return sum + (Number(saved.drills[d.id].score) || 0); }, 0);
    box.appendChild(el("p", {"class": "metdocs-progress__summary",
      text: done.length + " of " + data.drills.length + " drills checked" +
            (done.length ? "; average score " + Math.floor((2 * total + done.length) / (2 * done.length)) + "%." : ".")}));
    var drills = el("table", {"class": "metdocs-progress__drills"}, [el("caption", {text: "Your drill scores"}),
      head(["Drill", "Score", "Faults found", "Missed", "Flagged wrongly", "Last checked"])]);
    data.drills.forEach(function (d) {
      var r = saved.drills[d.id];
      var link = el("a", {href: d.url, text: d.title});
      drills.appendChild(el("tr", {"data-drill": d.id}, [el("th", {scope: "row"}, [link])].concat(r ? [
        el("td", {text: r.score + "%"}), el("td", {text: r.right + " of " + r.total}), el("td", {text: String(r.missed)}),
        el("td", {text: String(r.wrong)}), el("td", {text: day(r.at)})] : [el("td", {colspan: "5", text: "not tried yet"})])));
    });
    box.appendChild(scroller(drills, "Your drill scores"));

    box.appendChild(el("h2", {id: "claim-builder", text: "Claim builder"}));
    var keys = Object.keys(saved.claims).sort(function (a, b) {
      return (saved.claims[b].at || "") < (saved.claims[a].at || "") ? -1 : 1;
    });
    if (!keys.length) {
      box.appendChild(el("p", {}, ["No exercise checked yet. ", el("a", {href: data.claims_url, text: "Open the claim builder"}), "."]));
    } else {
      var claims = el("table", {"class": "metdocs-progress__claims"}, [el("caption", {text: "Claim builder exercises you checked"}),
        head(["Exercise", "Unit rule", "Score", "Steps right", "Last checked"])]);
      keys.forEach(function (k) {
        var r = saved.claims[k];
        var url = data.claims_url + "?seed=" + encodeURIComponent(r.seed) + "&rule=" + encodeURIComponent(r.rule);
        claims.appendChild(el("tr", {"data-exercise": k}, [el("th", {scope: "row"}, [el("a", {href: url, text: "Exercise " + r.seed})]),
          el("td", {text: String(r.rule_name || r.rule)}), el("td", {text: r.score + "%"}),
          el("td", {text: r.right + " of " + r.total}), el("td", {text: day(r.at)})]));
      });
      box.appendChild(scroller(claims, "Claim builder exercises you checked"));
    }
    renderSets(box, data, saved);
  }

  function renderReset(box, data) {
    box.appendChild(el("h2", {id: "reset", tabindex: "-1", text: "Start again"}));
    var status = el("p", {"class": "metdocs-progress__status", role: "status", "aria-live": "polite"});
    var ask = el("button", {type: "button", "class": "md-button", text: "Reset my progress"});
    // The safe choice has the primary style; the destructive one is drawn as a warning.
    var confirm = el("div", {"class": "metdocs-progress__confirm", hidden: ""}, [
      el("p", {id: "metdocs-reset-question", text: "Delete every saved score in this browser? This cannot be undone."}),
      el("div", {"class": "metdocs-progress__buttons"}, [
        el("button", {type: "button", "class": "md-button metdocs-primary", "data-no": "", text: "Keep them"}),
        el("button", {type: "button", "class": "md-button metdocs-danger", "data-yes": "", "aria-describedby": "metdocs-reset-question",
                      text: "Yes, delete my scores"})])]);
    box.appendChild(el("p", {text: "Scores are kept in this browser only; nothing is sent anywhere."}));
    box.appendChild(ask);
    box.appendChild(confirm);
    box.appendChild(status);
    ask.addEventListener("click", function () {
      confirm.hidden = false;
      confirm.querySelector("[data-no]").focus();
    });
    confirm.querySelector("[data-no]").addEventListener("click", function () {
      confirm.hidden = true;
      ask.focus();
    });
    confirm.querySelector("[data-yes]").addEventListener("click", function () {
      reset();
      render(box, data);
      box.querySelector(".metdocs-progress__status").textContent = "Your saved scores were deleted.";
      // Focus stays where the student was: the reset section (not the top of the page).
      box.querySelector("#reset").focus();
    });
  }

  function init() {
    var box = document.querySelector("[data-metdocs-progress]");
    if (!box || box.getAttribute("data-ready")) return;
    var nojs = document.querySelector("[data-metdocs-nojs]");
    if (nojs) nojs.hidden = true;
    box.hidden = false;
    render(box, JSON.parse(box.getAttribute("data-metdocs-progress")));
    box.setAttribute("data-ready", "1");
  }

  if (typeof document$ !== "undefined") document$.subscribe(init);
  else document.addEventListener("DOMContentLoaded", init);
})(window);
