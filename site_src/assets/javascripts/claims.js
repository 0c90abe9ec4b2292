/*
 * metdocs claim builder: seeded practice visits, graded step by step.
 *
 * generate() and grade() are a line-for-line port of generator/claimbuilder.py (same
 * pseudo-random numbers, visits, answers, grades and wording); tests/test_claimbuilder.py runs
 * both on hundreds of seeds under both unit rules, so change the two files together. Units come
 * from the engine the forms use (units.js, window.metdocsUnits). ES5 syntax, no dependencies.
 *
 * Browser: window.metdocsClaims.{generate, grade}; the practice page (practice/claim-builder/)
 * is drawn by init() below. Node: require("./claims.js").
 * Nothing typed here leaves the browser; a score is kept in localStorage (progress.js).
 */
(function (root) {
  "use strict";

  var PROBLEMS = ["payer", "gp-modifier", "scope-code", "group", "overdue"];
  var LETTERS = "ABCDEFGHIJKL";
  var MAX_SEED = 4294967295;

  function units() {
    if (root && root.metdocsUnits) return root.metdocsUnits;
    return require("./units.js"); // node
  }

  function rulebook() {
    if (root && root.metdocsRulebook) return root.metdocsRulebook;
    return require("./rulebook.js"); // node
  }

  function mulberry32(seed) {
    var state = seed >>> 0;
    return function () {
      state = (state + 0x6D2B79F5) >>> 0;
      var t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  /* The seeded draws and the ways the builder (and practiceset.js) uses them: claimbuilder._Dice's twin. */
  function dice(seed) {
    var draw = mulberry32(seed), d = {draw: draw};
    d.below = function (n) { return Math.floor(draw() * n); };
    d.between = function (span) { return span[0] + d.below(span[1] - span[0] + 1); };
    d.pick = function (items) { return items[d.below(items.length)]; };
    d.shuffled = function (items) {
      var out = items.slice();
      for (var i = out.length - 1; i > 0; i--) {
        var j = d.below(i + 1), t = out[i];
        out[i] = out[j]; out[j] = t;
      }
      return out;
    };
    return d;
  }

  function cmpStr(a, b) { return a < b ? -1 : a > b ? 1 : 0; }
  function days(n) { return n + " day" + (n === 1 ? "" : "s"); }
  function join(items) {
    return items.length === 1 ? items[0] : items.slice(0, -1).join(", ") + " and " + items[items.length - 1];
  }
  function contains(list, x) { return list.indexOf(x) >= 0; }

  /* [unit rule, scope problem or null] of `seed`: its place in its run's shuffled deck (as
     claimbuilder.deck_slot: every run of deck.size seeds holds the same mix of rules and problems). */
  function deckSlot(data, seed) {
    var deck = data.deck, size = deck.size;
    var run = Math.floor((seed + size - 1) / size), place = (seed + size - 1) % size;
    var cards = [], i, k;
    for (i = 0; i < deck.clean; i++) cards.push(null);
    PROBLEMS.forEach(function (p) { for (k = 0; k < (deck.problems[p] || 0); k++) cards.push(p); });
    var slots = cards.map(function (p, j) { return [data.rules[j % data.rules.length], p]; });
    var order = dice((run ^ 0x5EED5EED) >>> 0).shuffled(slots.map(function (s, j) { return j; }));
    return slots[order[place]];
  }

  function generate(data, seed, rule) {
    var shape = data.shape, d = dice(seed), draw = d.draw, below = d.below, between = d.between, pick = d.pick;
    var shuffled = d.shuffled;

    var slot = deckSlot(data, seed);
    var unitRule = rule || slot[0];
    var problem = slot[1];
    var core = shuffled(data.core.map(function (c) { return c.code; }));
    var chosen = core.slice(0, 1 + below(core.length)).sort(cmpStr);
    var minutes = {}, i;
    for (i = 0; i < chosen.length; i++) {
      // Only a visit with no scope problem may be too short to bill: one answer per visit.
      var isShort = problem === null && draw() < shape.short_share;
      minutes[chosen[i]] = isShort ? between(shape.short_minutes) : between(shape.minutes);
    }
    var extra = null;
    if (problem === "scope-code") {
      if (data.out_of_scope.length) {
        extra = pick(data.out_of_scope);
        var span = extra.timed ? shape.extra_timed_minutes : shape.extra_untimed_minutes;
        minutes[extra.code] = between(span);
      } else {
        problem = null;
      }
    }
    var picked = [];
    chosen.forEach(function (code) {
      if (picked.some(function (d) { return contains(d.supports, code); })) return;
      var candidates = data.diagnoses.filter(function (d) { return contains(d.supports, code) && !contains(picked, d); });
      if (candidates.length) picked.push(pick(candidates));
    });
    if (draw() < shape.distractor_share || !picked.length) {
      var others = data.diagnoses.filter(function (d) { return !contains(picked, d); });
      if (others.length) picked.push(pick(others));
    }
    picked = shuffled(picked);
    var due = data.reassess_days;
    var since = problem === "overdue" ? due + 1 + below(shape.overdue_extra_days) : below(due + 1);
    var group = problem === "group" ? between(shape.group_sizes) : 1;
    var plan = problem === "payer" ? pick(["medicare-advantage", "medicaid-managed-care"]) : "commercial";
    var payer = pick(data.payers[plan]);

    var names = {};
    data.core.concat(data.out_of_scope).forEach(function (c) { names[c.code] = c; });
    var codes = Object.keys(minutes).sort(cmpStr);
    var billableCodes = codes.filter(function (c) { return extra === null || c !== extra.code; });
    var diagnoses = picked.map(function (d, k) { return {pointer: LETTERS[k], code: d.code, title: d.title}; });
    var billableMinutes = {};
    billableCodes.forEach(function (c) { billableMinutes[c] = minutes[c]; });
    var alloc = units().allocate(billableMinutes, data.timed, unitRule);
    var pointers = {};
    codes.forEach(function (c) {
      pointers[c] = diagnoses.filter(function (d, k) { return contains(picked[k].supports, c); })
        .map(function (d) { return d.pointer; });
    });
    var modifiers = problem === "gp-modifier" ? ["GP"] : [];
    var found = engine(data, {minutes: minutes, rule: unitRule, group: group, plan: plan, days: since},
                       diagnoses, alloc, pointers, modifiers);
    var errors = found.filter(function (f) { return f.severity === "error"; });
    var reason = data.reasons.filter(function (r) {
      return r.rule && errors.some(function (f) { return f.rule === r.rule; });
    })[0];
    var said;
    if (reason === undefined) {
      var plain = alloc.total_units === 0 ? "no-units" : "yes";
      reason = data.reasons.filter(function (r) { return r.id === plain; })[0];
      said = reason.explain;
    } else {
      said = "No. The rulebook finds " + errors.filter(function (f) { return f.rule === reason.rule; })[0].message + ".";
    }
    if (extra !== null) said += " What to do instead: " + extra.scope_note;
    said += " The last reassessment was " + days(since) + " ago (due at least every " + days(due) + ").";
    var explainPointers = {};
    codes.forEach(function (c) { explainPointers[c] = pointerText(c, diagnoses, pointers[c], shape.max_pointers); });
    return {
      seed: seed, rule: unitRule, rule_name: data.rule_names[unitRule], problem: problem,
      payer: {name: payer, type: plan, plan: data.plan_names[plan]},
      codes: codes.map(function (c) {
        return {code: c, name: names[c].name, minutes: minutes[c], in_scope: contains(billableCodes, c)};
      }),
      diagnoses: diagnoses, days_since_reassessment: since, reassess_days: due, group_size: group,
      modifiers: modifiers,
      answer: {units: alloc.units, total_units: alloc.total_units, pointers: pointers, billable: reason.id,
               billable_label: reason.label},
      explain: {units: alloc.explanation, pointers: explainPointers, billable: said, rule: reason.rule, url: reason.url,
                findings: errors.map(function (f) { return f.message; })}
    };
  }

  /* What the rulebook finds in the visit billed as the answers say (the out-of-scope line with the
     units its minutes would give). */
  function engine(data, visit, diagnoses, alloc, pointers, modifiers) {
    var codes = Object.keys(visit.minutes).sort(cmpStr);
    var day = Date.parse(data.visit_day + "T00:00:00Z");
    var record = {
      kind: "session-log", date: data.visit_day, group_size: visit.group, unit_rule: visit.rule, payer: visit.plan,
      last_assessment: new Date(day - visit.days * 86400000).toISOString().slice(0, 10),
      diagnoses: diagnoses.map(function (d) { return {pointer: d.pointer, code: d.code}; }),
      activities: codes.map(function (c) { return {cpt: c, minutes: visit.minutes[c]}; }),
      claim: codes.map(function (c) {
        var m = visit.minutes[c];
        var u = Object.prototype.hasOwnProperty.call(alloc.units, c) ? alloc.units[c]
          : contains(data.timed, c) ? (m >= 8 ? Math.floor((m + 7) / 15) : 0) : 1;
        return {cpt: c, units: u, modifiers: modifiers, pointers: pointers[c]};
      })
    };
    var facts = {};
    for (var code in data.icd) if (Object.prototype.hasOwnProperty.call(data.icd, code)) facts[code] = data.icd[code];
    return rulebook().check(record, data.book, rulebook().icdFromFacts(null, facts));
  }

  function pointerText(code, diagnoses, letters, most) {
    var named = {};
    diagnoses.forEach(function (d) { named[d.pointer] = d.pointer + " (" + d.code + ")"; });
    if (!letters.length) {
      return "No referral diagnosis supports " + code + " in the catalog's pairings: leave its pointer empty; " +
        "the line cannot be justified.";
    }
    var others = diagnoses.filter(function (d) { return !contains(letters, d.pointer); })
      .map(function (d) { return named[d.pointer]; });
    var text = join(letters.map(function (x) { return named[x]; })) + " " +
      (letters.length === 1 ? "supports" : "support") + " " + code + " in the catalog's pairings";
    if (others.length) text += "; " + join(others) + " " + (others.length === 1 ? "does" : "do") + " not";
    return text + ". Point at one or more of " + letters.join(", ") + " (at most " + most + "). On a real claim the main reason comes first in 24E; the boxes here grade which letters, not their order.";
  }

  function percent(part, whole) { return whole ? Math.floor((200 * part + whole) / (2 * whole)) : 0; }

  function isInt(x) { return typeof x === "number" && isFinite(x) && Math.floor(x) === x; }

  function grade(exercise, given) {
    var answer = exercise.answer;
    var letters = exercise.diagnoses.map(function (d) { return d.pointer; });
    var unitItems = [], pointerItems = [];
    exercise.codes.forEach(function (c) {
      var code = c.code;
      if (c.in_scope) { // a code a MedExPRO may not bill has no units to give
        var got = (given.units || {})[code];
        got = isInt(got) ? got : null;
        unitItems.push({code: code, expected: answer.units[code], given: got, ok: got === answer.units[code]});
      }
      var ticked = (given.pointers || {})[code] || [];
      var chosen = letters.filter(function (x) { return contains(ticked, x); });
      var want = answer.pointers[code];
      var ok = want.length ? chosen.length > 0 && chosen.every(function (x) { return contains(want, x); })
                           : chosen.length === 0;
      pointerItems.push({code: code, expected: want, given: chosen, ok: ok});
    });
    var said = given.billable || null;
    var billable = {expected: answer.billable, label: answer.billable_label, given: said, ok: said === answer.billable};
    var items = unitItems.concat(pointerItems, [billable]);
    var right = items.filter(function (x) { return x.ok; }).length;
    return {units: unitItems, pointers: pointerItems, billable: billable, right: right, total: items.length,
            score: percent(right, items.length)};
  }

  var api = {generate: generate, grade: grade, mulberry32: mulberry32, dice: dice, MAX_SEED: MAX_SEED};
  if (root) root.metdocsClaims = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  if (!root || typeof document === "undefined") return;

  /* ---- the practice page ------------------------------------------------------------------- */

  function el(tag, attrs, kids) { return root.metdocsProgress.el(tag, attrs, kids); } // progress.js

  function table(caption, heads, rows) {
    return el("table", {}, [el("caption", {text: caption}),
      el("tr", {}, heads.map(function (h) { return el("th", {scope: "col", text: h}); }))].concat(rows.map(function (r) {
        return el("tr", {}, r.map(function (cell, k) { return el(k ? "td" : "th", k ? {text: cell} : {scope: "row", text: cell}); }));
      })));
  }

  function readSeed(text) {
    return /^\d{1,10}$/.test(text) && Number(text) <= MAX_SEED ? Number(text) : null;
  }

  function init() {
    var box = document.querySelector("[data-metdocs-claims]");
    if (!box || box.getAttribute("data-ready")) return;
    var data = JSON.parse(box.getAttribute("data-metdocs-claims"));
    var params = new URLSearchParams(location.search);
    var seed = readSeed(params.get("seed") || "");
    var rule = contains(data.rules, params.get("rule")) ? params.get("rule") : "";
    var note = "";
    if (seed === null) {
      if (params.get("seed")) note = "Exercise numbers are whole numbers from 0 to " + MAX_SEED + ": showing a random one instead.";
      seed = 1 + Math.floor(Math.random() * 99999);
    }
    var nojs = document.querySelector("[data-metdocs-nojs]");
    if (nojs) nojs.hidden = true;
    box.hidden = false;
    box.setAttribute("data-ready", "1");
    draw(box, data, seed, rule, note);
  }

  function draw(box, data, seed, rule, note) {
    var ex = generate(data, seed, rule || null);
    box.textContent = "";
    box.setAttribute("data-seed", String(seed));
    box.setAttribute("data-rule", ex.rule);

    var seedInput = el("input", {id: "cb-seed", name: "seed", type: "text", inputmode: "numeric", pattern: "[0-9]*",
                                 value: String(seed), size: "12", "aria-describedby": "cb-seed-help"});
    var ruleSelect = el("select", {id: "cb-rule", name: "rule"}, [el("option", {value: "", text: "As the exercise draws it"})]
      .concat(data.rules.map(function (r) {
        var name = data.rule_names[r];
        return el("option", {value: r, text: name.charAt(0).toUpperCase() + name.slice(1), selected: r === rule});
      })));
    var status = el("p", {"class": "metdocs-claims__note", role: "status", text: note});
    var pick = el("form", {"class": "metdocs-claims__seed", novalidate: true}, [
      el("div", {}, [el("label", {"for": "cb-seed", text: "Exercise number"}), seedInput,
        el("span", {id: "cb-seed-help", "class": "metdocs-claims__help",
                    text: " The same number gives everyone the same visit: an instructor can hand out \u201cexercise 42\u201d."})]),
      el("div", {}, [el("label", {"for": "cb-rule", text: "Payer's unit rule"}), ruleSelect]),
      el("div", {"class": "metdocs-claims__buttons"}, [
        el("button", {type: "submit", "class": "md-button", text: "Load this exercise"}),
        el("button", {type: "button", "class": "md-button", "data-new": true, text: "New random exercise"})]),
      status]);
    box.appendChild(pick);

    function load(newSeed, newRule) {
      try { history.replaceState(null, "", "?seed=" + newSeed + (newRule ? "&rule=" + newRule : "")); } catch (e) { /* file:// may refuse */ }
      draw(box, data, newSeed, newRule, "");
      box.querySelector("#cb-exercise").focus();
    }
    pick.addEventListener("submit", function (e) {
      e.preventDefault();
      var s = readSeed(seedInput.value.trim());
      if (s === null) {
        seedInput.setAttribute("aria-invalid", "true");
        status.textContent = "Enter a whole number from 0 to " + MAX_SEED + ".";
        return;
      }
      load(s, ruleSelect.value);
    });
    pick.querySelector("[data-new]").addEventListener("click", function () {
      load(1 + Math.floor(Math.random() * 99999), ruleSelect.value);
    });

    box.appendChild(el("h2", {id: "cb-exercise", tabindex: "-1", text: "Exercise " + seed}));
    var group = ex.group_size === 1 ? "one-on-one (one client)" :
      "a group: " + ex.group_size + " clients trained at the same time";
    box.appendChild(el("ul", {"class": "metdocs-claims__facts"}, [
      el("li", {}, [el("strong", {text: "Payer: "}), ex.payer.name + ", a " + ex.payer.plan + "; it counts units with the " + ex.rule_name + "."]),
      el("li", {}, [el("strong", {text: "Session: "}), group + "."]),
      el("li", {}, [el("strong", {text: "Last reassessment: "}), days(ex.days_since_reassessment) + " before this visit."]),
      el("li", {}, [el("strong", {text: "Modifiers the billing software adds to every line: "}),
                    ex.modifiers.length ? ex.modifiers.join(", ") : "none"])]));
    box.appendChild(table("Minutes logged per code", ["Code", "Service", "Minutes"], ex.codes.map(function (c) {
      return [c.code, c.name, String(c.minutes)];
    })));
    box.appendChild(table("Referral diagnoses (box 21 letters)", ["Letter", "ICD-10-CM", "Title"], ex.diagnoses.map(function (d) {
      return [d.pointer, d.code, d.title];
    })));

    var form = el("form", {"class": "metdocs-claims__answer", novalidate: true});
    var unitsSet = el("fieldset", {}, [el("legend", {text: "Step 1: units per code under the payer's rule"})]);
    ex.codes.forEach(function (c) {
      if (!c.in_scope) { // no units are asked for a code a MedExPRO may not bill
        unitsSet.appendChild(el("p", {"class": "metdocs-claims__row", "data-unbillable": c.code,
          text: c.code + " " + c.name + ": a MedExPRO may not bill this code, so it has no units."}));
        return;
      }
      unitsSet.appendChild(el("div", {"class": "metdocs-claims__row"}, [
        el("label", {"for": "cb-units-" + c.code, text: c.code + " " + c.name + ": units"}),
        el("input", {id: "cb-units-" + c.code, type: "number", min: "0", max: "99", step: "1", inputmode: "numeric",
                     "data-code": c.code})]));
    });
    var ptrSet = el("fieldset", {}, [el("legend", {text: "Step 2: diagnosis pointers for each line (box 24E)"})]);
    ex.codes.forEach(function (c) {
      ptrSet.appendChild(el("fieldset", {"class": "metdocs-claims__pointers", "data-code": c.code}, [el("legend", {text: "Pointers for " + c.code})]
        .concat(ex.diagnoses.map(function (d) {
          var id = "cb-ptr-" + c.code + "-" + d.pointer;
          return el("div", {"class": "metdocs-claims__check"}, [
            el("input", {id: id, type: "checkbox", value: d.pointer, "data-code": c.code}),
            el("label", {"for": id, text: d.pointer + ": " + d.code + (d.title ? " " + d.title : "")})]);
        }))));
    });
    var billSet = el("fieldset", {}, [el("legend", {text: "Step 3: can this visit be billed?"})]
      .concat(data.reasons.map(function (r) {
        var id = "cb-billable-" + r.id;
        return el("div", {"class": "metdocs-claims__check"}, [
          el("input", {id: id, type: "radio", name: "cb-billable", value: r.id}), el("label", {"for": id, text: r.label})]);
      })));
    form.appendChild(unitsSet);
    form.appendChild(ptrSet);
    form.appendChild(billSet);
    form.appendChild(el("div", {"class": "metdocs-claims__buttons"}, [
      el("button", {type: "submit", "class": "md-button metdocs-primary", text: "Check my claim"})]));
    box.appendChild(form);
    // The result is announced once: focus moves to its heading, which states the score (the
    // summary is no live region, or a screen reader would read the score twice).
    var summary = el("p", {"class": "metdocs-claims__summary"});
    var feedback = el("div", {"class": "metdocs-claims__feedback"});
    box.appendChild(summary);
    box.appendChild(feedback);

    // An answer changed after a check: the result on screen no longer matches it, so it goes.
    // Right or wrong beside each answer, as a quiz marks it (the feedback below says why).
    function clearMarks() {
      [].forEach.call(form.querySelectorAll(".metdocs-claims__mark"), function (m) { m.parentNode.removeChild(m); });
      [].forEach.call(form.querySelectorAll("[aria-invalid]"), function (x) { x.removeAttribute("aria-invalid"); });
    }
    function mark(where, ok, what) {
      where.appendChild(el("span", {"class": "metdocs-claims__mark " + (ok ? "metdocs-ok" : "metdocs-wrong"),
                                    "data-ok": String(ok), text: (ok ? "\u2713 Right" : "\u2717 Wrong") + ": " + what}));
    }
    function markFields(result) {
      clearMarks();
      result.units.forEach(function (u) {
        var input = form.querySelector("#cb-units-" + u.code);
        if (!input) return;
        if (!u.ok) input.setAttribute("aria-invalid", "true");
        mark(input.parentNode, u.ok, "units for " + u.code);
      });
      result.pointers.forEach(function (p) {
        var set = form.querySelector(".metdocs-claims__pointers[data-code='" + p.code + "']");
        if (set) mark(set, p.ok, "pointers for " + p.code);
      });
      mark(billSet, result.billable.ok, "can it be billed");
    }

    function forgetResult() {
      clearMarks();
      if (!box.hasAttribute("data-score")) return;
      box.removeAttribute("data-score");
      box.removeAttribute("data-right");
      feedback.textContent = "";
      summary.textContent = "Your answers changed since your last check: check your claim again for a new score.";
    }
    form.addEventListener("input", forgetResult);
    form.addEventListener("change", forgetResult);

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var given = {units: {}, pointers: {}, billable: null};
      form.querySelectorAll("input[type=number]").forEach(function (input) {
        var raw = input.value.trim();
        given.units[input.getAttribute("data-code")] = /^\d+$/.test(raw) ? Number(raw) : null;
      });
      form.querySelectorAll("input[type=checkbox]").forEach(function (box) {
        var code = box.getAttribute("data-code");
        given.pointers[code] = given.pointers[code] || [];
        if (box.checked) given.pointers[code].push(box.value);
      });
      var chosen = form.querySelector("input[name=cb-billable]:checked");
      given.billable = chosen ? chosen.value : null;
      var result = grade(ex, given);
      show(result);
      markFields(result);
      if (window.metdocsProgress) {
        window.metdocsProgress.save("claims", seed + ":" + ex.rule, {seed: seed, rule: ex.rule, rule_name: ex.rule_name,
          score: result.score, right: result.right, total: result.total});
      }
      inSet(ex, result, data, feedback);
    });

    function verdict(ok) { return el("strong", {"class": ok ? "metdocs-ok" : "metdocs-wrong", text: ok ? "Right. " : "Wrong. "}); }

    /* The pages that explain a step's rule (pages/explain.py, through book.js): "Read the rule", and
       the units, pairing or scope page where one teaches it. */
    function explainLine(ruleId) {
      var links = ruleId && window.metdocsProgress ? window.metdocsProgress.explainLinks(ruleId) : [];
      if (!links.length) return null;
      var kids = [];
      links.forEach(function (l, i) { kids.push(i ? " · " : "", el("a", {href: l.href, text: l.text, "data-explain": ""})); });
      return el("p", {"class": "metdocs-explain"}, kids);
    }

    function show(result) {
      summary.textContent = "Your claim: " + result.right + " of " + result.total + " steps right (" + result.score + "%).";
      box.setAttribute("data-score", String(result.score));
      box.setAttribute("data-right", String(result.right));
      feedback.textContent = "";
      feedback.appendChild(el("h3", {id: "cb-results", tabindex: "-1",
                                     text: "Your results: " + result.right + " of " + result.total + " right (" + result.score + "%)"}));
      feedback.appendChild(el("h4", {text: "Step 1: units (" + ex.rule_name + ")"}));
      feedback.appendChild(el("ul", {}, result.units.map(function (u) {
        return el("li", {"data-step": "units", "data-ok": String(u.ok)}, [verdict(u.ok),
          u.code + ": you entered " + (u.given === null ? "nothing" : u.given) + "; the engine gives " + u.expected + "."]);
      })));
      feedback.appendChild(el("p", {text: "How the engine counts:"}));
      feedback.appendChild(el("ol", {}, ex.explain.units.map(function (line) { return el("li", {text: line}); })));
      var unitsWhy = explainLine(data.unit_rule_ids && data.unit_rule_ids[ex.rule]);
      if (unitsWhy) feedback.appendChild(unitsWhy);
      feedback.appendChild(el("h4", {text: "Step 2: diagnosis pointers"}));
      feedback.appendChild(el("ul", {}, result.pointers.map(function (p) {
        return el("li", {"data-step": "pointers", "data-ok": String(p.ok)}, [verdict(p.ok),
          p.code + ": you chose " + (p.given.length ? p.given.join(", ") : "no letter") + ". " + ex.explain.pointers[p.code]]);
      })));
      var pointersWhy = explainLine(data.pointer_rule);
      if (pointersWhy) feedback.appendChild(pointersWhy);
      feedback.appendChild(el("h4", {text: "Step 3: can it be billed?"}));
      var label = function (id) {
        var r = data.reasons.filter(function (x) { return x.id === id; })[0];
        return r ? "\u201c" + r.label + "\u201d" : "nothing";
      };
      var b = result.billable;
      var line = el("p", {"data-step": "billable", "data-ok": String(b.ok)}, [verdict(b.ok),
        "You answered " + label(b.given) + ". " + (b.ok ? "" : "The right answer is " + label(b.expected) + ". ") +
        ex.explain.billable]);
      feedback.appendChild(line);
      var reason = data.reasons.filter(function (x) { return x.id === b.expected; })[0];
      var billableWhy = explainLine(reason && reason.rule);
      if (billableWhy) feedback.appendChild(billableWhy);
      else if (ex.explain.url) feedback.appendChild(el("p", {}, [el("a", {href: ex.explain.url, text: "Read the rule"})]));
      // What next, as a quiz would offer: this visit again with blank answers, or the next number.
      var again = el("button", {type: "button", "class": "md-button", "data-again": "", text: "Try again"});
      var next = el("button", {type: "button", "class": "md-button metdocs-primary", "data-next": "",
                               text: "Next exercise (" + (seed < MAX_SEED ? seed + 1 : 0) + ")"});
      again.addEventListener("click", function () {
        form.reset();
        forgetResult();
        summary.textContent = "Answers cleared: the same visit, exercise " + seed + ".";
        form.querySelector("input").focus();
      });
      next.addEventListener("click", function () { load(seed < MAX_SEED ? seed + 1 : 0, rule); });
      feedback.appendChild(el("div", {"class": "metdocs-claims__buttons"}, [next, again]));
      feedback.querySelector("#cb-results").focus();
    }
  }

  /* Opened as a step of a practice set (practiceset.js): the check is that step's result, saved
     per step (units, pointers, can it be billed) and per rule, and the set leads on. */
  function inSet(ex, result, data, where) {
    if (!root.metdocsSet || !root.metdocsSet.record) return;
    var given = data.reasons.filter(function (r) { return r.id === result.billable.given; })[0];
    var want = ex.explain.rule, rules = {right: [], missed: [], wrong: []};
    if (want) rules[result.billable.ok ? "right" : "missed"].push(want);
    if (given && given.rule && given.rule !== want) rules.wrong.push(given.rule);
    function count(items) { return [items.filter(function (x) { return x.ok; }).length, items.length]; }
    root.metdocsSet.record("claim", ex.seed, {seed: ex.seed, score: result.score, right: result.right, total: result.total,
      units: count(result.units), pointers: count(result.pointers), billable: result.billable.ok, rules: rules}, where);
  }

  if (typeof document$ !== "undefined") document$.subscribe(init);
  else document.addEventListener("DOMContentLoaded", init);
})(typeof window !== "undefined" ? window : null);
