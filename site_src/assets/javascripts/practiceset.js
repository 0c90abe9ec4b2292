/*
 * metdocs practice sets: a fixed series of claim-builder exercises and audit drills drawn from a
 * seed, worked through in order, with a summary at the end.
 *
 * series() is a line-for-line port of generator/rules/practiceset.py's `series` (the same draws
 * from claims.js's mulberry32, in the same order); tests/test_practiceset.py runs both on many
 * seeds and sizes, so change the two files together.
 *
 * The set page (practice/set/?seed=S&n=N) lists the series and leads to each exercise: a claim
 * builder or drill page opened with `set`, `n` and `k` in its address. There, enter() draws the
 * "exercise k of N" banner when the page opens, and claims.js and drills.js call record() after
 * each check (the step saved by progress.js, and the way on: "Next in set"). "Next in set" leads
 * to the set page with `step`, which opens that step, or after the last one shows the summary.
 * practiceset.js loads after claims.js and drills.js, so it draws the banner itself (init).
 * Nothing leaves the browser. ES5 syntax. Node: require("./practiceset.js").series.
 */
(function (root) {
  "use strict";

  var SALT = 0x5E75E75E, CLAIM_POOL = 40, RUNS = 100000000;

  function claims() {
    if (root && root.metdocsClaims) return root.metdocsClaims;
    return require("./claims.js"); // node
  }

  function dice(seed) { return claims().dice(seed); } // claims.js: the draws both ports share

  function drillCount(n, drills, hasClaims, d) {
    if (!drills) return 0;
    if (!hasClaims) return n;
    if (n === 1) return d.below(2);
    return Math.max(1, Math.min(n - 1, Math.floor((2 * n + 2) / 5)));
  }

  /* The set's exercises in order (as practiceset.series): {kind: "claim", seed} or {kind: "drill", id}. */
  function series(seed, n, drills, hasClaims) {
    var d = dice((seed ^ SALT) >>> 0);
    if (!drills.length && !hasClaims) return [];
    var count = drillCount(n, drills.length, hasClaims, d), kinds = [], k;
    for (k = 0; k < count; k++) kinds.push("drill");
    for (k = count; k < n; k++) kinds.push("claim");
    kinds = d.shuffled(kinds);
    var dealt = [];
    while (dealt.length < count) dealt = dealt.concat(d.shuffled(drills.slice()));
    var base = CLAIM_POOL * (seed % RUNS), pool = [];
    for (k = 1; k <= CLAIM_POOL; k++) pool.push(k);
    pool = d.shuffled(pool);
    var i = 0, j = 0;
    return kinds.map(function (kind) {
      return kind === "drill" ? {kind: "drill", id: dealt[i++]} : {kind: "claim", seed: base + pool[j++]};
    });
  }

  var api = {series: series};
  if (root) root.metdocsSet = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  if (!root || typeof document === "undefined") return;

  /* ---- a step of a set: the claim builder's or a drill's page ------------------------------- */

  var MAX_SEED = 4294967295, MAX_N = 30;
  var here = null; // the step this page is, when opened from a set

  function el(tag, attrs, kids) { return root.metdocsProgress.el(tag, attrs, kids); } // progress.js

  function whole(text, low, high) {
    return /^\d{1,10}$/.test(text || "") && Number(text) >= low && Number(text) <= high ? Number(text) : null;
  }

  function setAddress(url, seed, n, step) {
    return url + "?seed=" + seed + "&n=" + n + (step ? "&step=" + step : "");
  }

  /* A claim builder or drill page opens: when its address names a set step, say so at the top. */
  function enter(kind, id, box) {
    var old = document.querySelector(".metdocs-set-banner");
    if (old) old.parentNode.removeChild(old);
    var params = new URLSearchParams(location.search);
    var set = whole(params.get("set"), 0, MAX_SEED), n = whole(params.get("n"), 1, MAX_N);
    var k = n === null ? null : whole(params.get("k"), 1, n);
    var url = box.getAttribute("data-set");
    box.removeAttribute("data-in-set");
    if (set === null || k === null || !url) return;
    here = {kind: kind, id: String(id), set: set, n: n, k: k, url: url};
    // Inside a set the claim builder's own ways elsewhere (another number, "Next exercise") would
    // leave the set: metdocs.css hides them while the box carries data-in-set.
    box.setAttribute("data-in-set", "");
    var banner = el("div", {"class": "metdocs-set-banner"}, [el("p", {}, [
      el("strong", {text: "Practice set " + set + ": exercise " + k + " of " + n + ". "}),
      "Check your answers, then go on with \u201cNext in set\u201d. ",
      el("a", {href: setAddress(url, set, n), text: "Back to the set"})])]);
    var h1 = document.querySelector("article h1") || box;
    h1.parentNode.insertBefore(banner, h1.nextSibling);
  }

  /* A check on a set's step: the step's result saved, and the way on after `where`'s content. */
  function record(kind, id, step, where) {
    if (!here || here.kind !== kind || here.id !== String(id) || !root.metdocsProgress) return;
    step.kind = kind;
    root.metdocsProgress.saveStep(here.set + ":" + here.n, here.k, step);
    var last = here.k === here.n;
    where.appendChild(el("p", {"class": "metdocs-set-next"}, [
      el("a", {"class": "md-button metdocs-primary", "data-set-next": "", href: setAddress(here.url, here.set, here.n, here.k + 1),
               text: last ? "Finish the set: see your summary" : "Next in set: exercise " + (here.k + 1) + " of " + here.n})]));
  }

  api.enter = enter;
  api.record = record;

  /* ---- the set page --------------------------------------------------------------------------- */

  function percent(part, whole) { return whole ? Math.floor((200 * part + whole) / (2 * whole)) : 0; }

  function itemUrl(data, item, seed, n, k) {
    var tail = "set=" + seed + "&n=" + n + "&k=" + k;
    if (item.kind === "claim") return data.claims_url + "?seed=" + item.seed + "&" + tail;
    return data.drill[item.id].url + "?" + tail;
  }

  function itemLabel(data, item) {
    return item.kind === "claim" ? "Claim builder exercise " + item.seed : "Audit drill: " + data.drill[item.id].title;
  }

  /* The saved step k of this set, if it is the exercise the series puts there. */
  function stepOf(saved, item, k) {
    var s = saved && saved.steps ? saved.steps[String(k)] : null;
    if (!s || s.kind !== item.kind) return null;
    return (item.kind === "claim" ? Number(s.seed) === item.seed : s.id === item.id) ? s : null;
  }

  /* A claim builder or drill page opened as a set's step gets its banner; the set page is drawn. */
  function init() {
    var claimsBox = document.querySelector("[data-metdocs-claims]"), drillBox = document.querySelector("[data-metdocs-drill]");
    here = null;
    if (claimsBox) enter("claim", new URLSearchParams(location.search).get("seed"), claimsBox);
    if (drillBox) enter("drill", JSON.parse(drillBox.getAttribute("data-metdocs-drill")).id, drillBox);
    var box = document.querySelector("[data-metdocs-set]");
    if (!box || box.getAttribute("data-ready")) return;
    var data = JSON.parse(box.getAttribute("data-metdocs-set"));
    data.drill = {};
    data.drills.forEach(function (d) { data.drill[d.id] = d; });
    var params = new URLSearchParams(location.search), notes = [];
    var seed = whole(params.get("seed"), 0, MAX_SEED), n = whole(params.get("n"), data.size.min, data.size.max);
    if (seed === null) {
      if (params.get("seed") !== null) notes.push("Set numbers are whole numbers from 0 to " + MAX_SEED + ": showing set " + data.default_seed + ".");
      seed = data.default_seed;
    }
    if (n === null) {
      if (params.get("n") !== null) notes.push("A set has " + data.size.min + " to " + data.size.max + " exercises: showing " + data.size.default + ".");
      n = data.size.default;
    }
    var items = series(seed, n, data.drills.map(function (d) { return d.id; }), data.claims);
    var step = whole(params.get("step"), 1, n + 1);
    if (step !== null && step <= n && items.length) {
      location.replace(itemUrl(data, items[step - 1], seed, n, step));
      return;
    }
    var nojs = document.querySelector("[data-metdocs-nojs]");
    if (nojs) nojs.hidden = true;
    box.hidden = false;
    box.setAttribute("data-ready", "1");
    render(box, data, seed, n, items, notes.join(" "));
    if (step === n + 1 && box.querySelector("#set-summary")) box.querySelector("#set-summary").focus();
  }

  function render(box, data, seed, n, items, note) {
    box.textContent = "";
    box.setAttribute("data-seed", String(seed));
    box.setAttribute("data-n", String(n));
    var seedInput = el("input", {id: "set-seed", name: "seed", type: "text", inputmode: "numeric", pattern: "[0-9]*",
                                 value: String(seed), size: "12", "aria-describedby": "set-seed-help"});
    var nInput = el("input", {id: "set-n", name: "n", type: "text", inputmode: "numeric", pattern: "[0-9]*",
                              value: String(n), size: "4", "aria-describedby": "set-n-help"});
    var status = el("p", {"class": "metdocs-set__note", role: "status", text: note});
    var pick = el("form", {"class": "metdocs-set__pick", novalidate: true}, [
      el("div", {}, [el("label", {"for": "set-seed", text: "Set number"}), " ", seedInput,
        el("span", {id: "set-seed-help", "class": "metdocs-set__help", text: " The same number gives everyone the same exercises."})]),
      el("div", {}, [el("label", {"for": "set-n", text: "Number of exercises"}), " ", nInput,
        el("span", {id: "set-n-help", "class": "metdocs-set__help", text: " From " + data.size.min + " to " + data.size.max + "."})]),
      el("div", {"class": "metdocs-set__buttons"}, [el("button", {type: "submit", "class": "md-button", text: "Open this set"})]),
      status]);
    pick.addEventListener("submit", function (e) {
      e.preventDefault();
      var s = whole(seedInput.value.trim(), 0, MAX_SEED), m = whole(nInput.value.trim(), data.size.min, data.size.max);
      seedInput.removeAttribute("aria-invalid");
      nInput.removeAttribute("aria-invalid");
      if (s === null) seedInput.setAttribute("aria-invalid", "true");
      if (m === null) nInput.setAttribute("aria-invalid", "true");
      if (s === null || m === null) {
        status.textContent = (s === null ? "Enter a set number from 0 to " + MAX_SEED + ". " : "") +
          (m === null ? "Enter a number of exercises from " + data.size.min + " to " + data.size.max + "." : "");
        (s === null ? seedInput : nInput).focus();
        return;
      }
      location.href = setAddress(data.set_url, s, m);
    });
    box.appendChild(pick);
    if (!items.length) {
      box.appendChild(el("p", {text: "The course has no drill and no claim-builder exercise to make a set from."}));
      return;
    }
    var saved = (root.metdocsProgress.load().sets || {})[seed + ":" + n];
    var steps = items.map(function (item, i) { return stepOf(saved, item, i + 1); });
    var done = steps.filter(function (s) { return s; }).length;
    var next = steps.indexOf(null);
    box.appendChild(el("h2", {id: "set-title", tabindex: "-1", text: "Set " + seed + ": " + n + " exercise" + (n === 1 ? "" : "s")}));
    box.appendChild(el("p", {text: "Work through them in order: each one opens on its own page and leads on to the next once you have checked it. " +
      "To hand this set out, give its number and size (set " + seed + ", " + n + " exercise" + (n === 1 ? "" : "s") + ") or this page's address."}));
    box.appendChild(el("ol", {"class": "metdocs-set__list"}, items.map(function (item, i) {
      var s = steps[i];
      return el("li", {"data-kind": item.kind, "data-done": String(!!s)}, [
        el("a", {href: itemUrl(data, item, seed, n, i + 1), text: itemLabel(data, item)}),
        s ? ": done, " + s.score + "%" : ": not done yet"]);
    })));
    if (next >= 0) {
      box.appendChild(el("p", {"class": "metdocs-set__buttons"}, [el("a", {"class": "md-button metdocs-primary", "data-set-start": "",
        href: itemUrl(data, items[next], seed, n, next + 1),
        text: done ? "Continue: exercise " + (next + 1) + " of " + n : "Start the set: exercise 1 of " + n})]));
    }
    if (done) summary(box, data, seed, n, items, steps);
  }

  function table(caption, heads, rows) {
    var t = el("table", {}, [el("caption", {text: caption}),
      el("tr", {}, heads.map(function (h) { return el("th", {scope: "col", text: h}); }))].concat(rows.map(function (r) {
        return el("tr", {}, r.map(function (cell, k) { // the first cell heads its row; a cell is text or a link
          return el(k ? "td" : "th", k ? {} : {scope: "row"}, [cell]);
        }));
      })));
    return el("div", {"class": "metdocs-set__scroll", tabindex: "0", role: "region", "aria-label": caption}, [t]);
  }

  function details(s) {
    if (s.kind === "claim") {
      return "units " + s.units[0] + " of " + s.units[1] + "; pointers " + s.pointers[0] + " of " + s.pointers[1] +
        "; can it be billed: " + (s.billable ? "right" : "wrong");
    }
    return s.right + " of " + s.total + " faults found, " + s.missed + " missed, " + s.wrong + " flagged wrongly";
  }

  function summary(box, data, seed, n, items, steps) {
    var done = steps.filter(function (s) { return s; });
    var total = done.reduce(function (sum, s) { return sum + s.score; }, 0);
    var part = el("section", {"class": "metdocs-set__summary"});
    part.appendChild(el("h2", {id: "set-summary", tabindex: "-1", text: "Your summary: " + percent(total, 100 * done.length) + "% over " +
      done.length + " of " + n + " exercise" + (n === 1 ? "" : "s")}));
    part.appendChild(el("p", {text: "Each exercise's score as you last checked it; exercises not done count for nothing here."}));
    part.appendChild(table("Score per exercise", ["Exercise", "Score", "Steps"], items.map(function (item, i) {
      var s = steps[i];
      return [(i + 1) + ". " + itemLabel(data, item), s ? s.score + "%" : "not done", s ? details(s) : ""];
    })));
    var byStep = {units: [0, 0], pointers: [0, 0], billable: [0, 0], found: 0, missed: 0, wrong: 0};
    var rules = {}, order = [], revisit = {}, revisitOrder = [];
    function tally(rule, what) {
      if (!rules[rule]) { rules[rule] = {right: 0, missed: 0, wrong: 0}; order.push(rule); }
      rules[rule][what]++;
    }
    function again(key, href, text) {
      if (revisit[key]) return;
      revisit[key] = true;
      revisitOrder.push(el("li", {}, [el("a", {href: href, text: text})]));
    }
    steps.forEach(function (s, i) {
      if (!s) return;
      if (s.kind === "claim") {
        byStep.units[0] += s.units[0]; byStep.units[1] += s.units[1];
        byStep.pointers[0] += s.pointers[0]; byStep.pointers[1] += s.pointers[1];
        byStep.billable[0] += s.billable ? 1 : 0; byStep.billable[1] += 1;
        if (s.units[0] < s.units[1]) again("units", data.units_url, "Timed units: the 8-minute and midpoint rules");
        if (s.pointers[0] < s.pointers[1]) again("pairing", data.pairing_url, "Pairing guides: which diagnosis supports which code");
      } else {
        byStep.found += s.right; byStep.missed += s.missed; byStep.wrong += s.wrong;
        if (s.missed || s.wrong) again("drill:" + items[i].id, data.drill[items[i].id].url, itemLabel(data, items[i]));
      }
      ["right", "missed", "wrong"].forEach(function (what) {
        (s.rules[what] || []).forEach(function (rule) { tally(rule, what); });
      });
    });
    var stepRows = [];
    if (byStep.billable[1]) {
      stepRows.push(["Claim builder: units", byStep.units[0] + " of " + byStep.units[1] + " right"]);
      stepRows.push(["Claim builder: diagnosis pointers", byStep.pointers[0] + " of " + byStep.pointers[1] + " right"]);
      stepRows.push(["Claim builder: can it be billed?", byStep.billable[0] + " of " + byStep.billable[1] + " right"]);
    }
    if (done.some(function (s) { return s.kind === "drill"; })) {
      stepRows.push(["Audit drills: faults found", String(byStep.found)]);
      stepRows.push(["Audit drills: faults missed", String(byStep.missed)]);
      stepRows.push(["Audit drills: flagged wrongly", String(byStep.wrong)]);
    }
    part.appendChild(el("h3", {text: "By step"}));
    part.appendChild(table("Score per step", ["Step", "Result"], stepRows));
    part.appendChild(el("h3", {text: "By rule"}));
    if (order.length) {
      part.appendChild(table("Score per rule", ["Rule", "Right", "Missed", "Flagged wrongly"], order.map(function (rule) {
        var r = rules[rule], known = data.rules[rule];
        if (r.missed || r.wrong) again("rule:" + rule, known ? known.url : data.standards_url, "Rule: " + (known ? known.title : rule));
        return [known ? el("a", {href: known.url, text: known.title}) : rule, String(r.right), String(r.missed), String(r.wrong)];
      })));
    } else {
      part.appendChild(el("p", {text: "No exercise done so far names a rule."}));
    }
    part.appendChild(el("h3", {text: "Pages to revisit"}));
    part.appendChild(revisitOrder.length ? el("ul", {"class": "metdocs-set__revisit"}, revisitOrder)
                                         : el("p", {text: "None: everything you checked was right."}));
    var printIt = el("button", {type: "button", "class": "md-button", text: "Print the summary"});
    printIt.addEventListener("click", function () { root.print(); });
    var clear = el("button", {type: "button", "class": "md-button", text: "Start this set again"});
    clear.addEventListener("click", function () {
      root.metdocsProgress.resetSet(seed + ":" + n);
      render(box, data, seed, n, items, "This set's results were cleared; your other scores stay.");
      box.querySelector("#set-title").focus();
    });
    part.appendChild(el("div", {"class": "metdocs-set__buttons"}, [printIt, clear]));
    part.appendChild(el("p", {}, [el("a", {href: data.progress_url, text: "See all your scores on My progress"})]));
    box.appendChild(part);
  }

  if (typeof document$ !== "undefined") document$.subscribe(init);
  else document.addEventListener("DOMContentLoaded", init);
})(typeof window !== "undefined" ? window : null);
