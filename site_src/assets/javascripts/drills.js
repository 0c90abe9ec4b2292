/*
 * metdocs audit drills, interactive: on a drill page the student marks each fault (where it is:
 * the case as a whole, a session or one claim line, and the rule it breaks, from the rules the
 * audit can report at that kind of place), checks the audit, and sees what was right, missed and
 * flagged wrongly, each with the audit engine's finding and the lesson. The key is written into
 * the page at build time (casepages._quiz): the drill's declared breaches, which `metdocs check`
 * proves are exactly what the audit finds, each at the place the audit names. Its record-level
 * part is worked out again here from the case's records with rulebook.js, the checker the web
 * forms and the claim builder share. The score is saved per drill by progress.js. ES5 syntax.
 *
 * grade(data, marks) is pure (node: require("./drills.js").grade).
 */
(function (root) {
  "use strict";

  var has = Object.prototype.hasOwnProperty;
  var STALE = " Your marks changed since your last check: check your audit again for a new score.";
  var CASE_PLACE = "@case";

  function rulebook() {
    if (root && root.metdocsRulebook) return root.metdocsRulebook;
    return require("./rulebook.js"); // node
  }

  /* The rulebook's catalog data: one script for the whole site (book.js, made from the catalog at
   * build time: casepages.book_script), not a copy in every drill page; `data.book` where a caller
   * (a test under node) hands it in. */
  function bookOf(data) {
    if (data.book) return data.book;
    if (root && root.metdocsBook) return root.metdocsBook;
    throw new Error("the rulebook's catalog data (assets/javascripts/book.js) did not load");
  }

  /* A drill's place for a finding at `place` in the record of `session` (as casepages.drill_place). */
  function placeOf(session, place) {
    var kind = place.split(":")[0], at = place.slice(kind.length + 1);
    if (session === CASE_PLACE || kind === "payer" || kind === "diagnosis" || kind === "report") return CASE_PLACE;
    return kind === "line" ? session + "/" + at : session;
  }

  function percent(part, whole) { return whole ? Math.floor((200 * part + whole) / (2 * whole)) : 0; }

  /*
   * The key as the audit reports it: the build's entries for what no single record shows, and the
   * rulebook's findings in the case's records, each with the build's lesson for its rule and place.
   */
  function auditKey(data) {
    var key = [], at = {}, meta = {};
    data.key.forEach(function (k) { meta[k.rule + "\n" + k.place] = k; });
    data.key.forEach(function (k) {
      if (k.rulebook) return;
      at[k.rule + "\n" + k.place] = key.length;
      key.push(k);
    });
    var icd = rulebook().icdFromFacts(data.icd.fy, data.icd.facts), book = bookOf(data);
    data.records.forEach(function (r) {
      rulebook().check(r.record, book, icd).forEach(function (f) {
        var place = placeOf(r.place, f.place), id = f.rule + "\n" + place;
        if (!has.call(at, id)) {
          var m = has.call(meta, id) ? meta[id] : {title: f.rule, where: place, lesson: ""};
          at[id] = key.length;
          key.push({rule: f.rule, place: place, title: m.title, where: m.where, lesson: m.lesson, findings: [],
                    rulebook: true});
        }
        var k = key[at[id]];
        if (k.findings.indexOf(f.message) < 0) k.findings.push(f.message);
      });
    });
    return key;
  }

  /*
   * marks: [{place, rule}]. Returns {key, right: [{mark, key}], missed: [{key}], wrong: [{mark}], total, score}
   * with key the index in the returned key. A mark counts only at the place the audit names. The
   * score is right / (faults + wrong flags): marking every rule everywhere cannot score well.
   */
  function grade(data, marks) {
    var key = auditKey(data), keyed = {}, seen = {}, right = [], wrong = [], missed = [];
    key.forEach(function (k, i) { keyed[k.rule + "\n" + k.place] = i; });
    marks.forEach(function (m) {
      var id = m.rule + "\n" + m.place;
      if (has.call(seen, id)) return;
      seen[id] = true;
      if (has.call(keyed, id)) right.push({mark: m, key: keyed[id]});
      else wrong.push({mark: m});
    });
    key.forEach(function (k, i) { if (!has.call(seen, k.rule + "\n" + k.place)) missed.push({key: i}); });
    return {key: key, right: right, missed: missed, wrong: wrong, total: key.length,
            score: percent(right.length, key.length + wrong.length)};
  }

  var api = {grade: grade};
  if (root) root.metdocsDrills = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  if (!root || typeof document === "undefined") return;

  /* ---- the drill page ------------------------------------------------------------------------ */

  function el(tag, attrs, kids) { return root.metdocsProgress.el(tag, attrs, kids); } // progress.js

  function init() {
    var box = document.querySelector("[data-metdocs-drill]");
    if (!box || box.getAttribute("data-ready")) return;
    var data = JSON.parse(box.getAttribute("data-metdocs-drill"));
    var standards = box.getAttribute("data-standards") || "";
    var progressUrl = box.getAttribute("data-progress") || "";
    var places = {}, kinds = {}, titles = {};
    data.places.forEach(function (p) { places[p.id] = p.label; kinds[p.id] = p.kind; });
    for (var kind in data.rules) {
      if (has.call(data.rules, kind)) data.rules[kind].forEach(function (r) { titles[r.id] = r.title; });
    }
    var marks = [];

    var placeSelect = el("select", {id: "dq-place"});
    var groups = {};
    data.places.forEach(function (p) {
      if (!p.group) { placeSelect.appendChild(el("option", {value: p.id, text: p.label})); return; }
      if (!groups[p.group]) placeSelect.appendChild(groups[p.group] = el("optgroup", {label: p.group}));
      groups[p.group].appendChild(el("option", {value: p.id, text: p.option}));
    });
    var ruleSelect = el("select", {id: "dq-rule"});
    // Only the rules the audit can report at the kind of place chosen: a case, a session or a claim line.
    function offerRules() {
      var keep = ruleSelect.value;
      ruleSelect.textContent = "";
      ruleSelect.appendChild(el("option", {value: "", text: "Choose a rule"}));
      (data.rules[kinds[placeSelect.value]] || []).forEach(function (r) {
        ruleSelect.appendChild(el("option", {value: r.id, text: r.title}));
      });
      ruleSelect.value = (data.rules[kinds[placeSelect.value]] || []).some(function (r) { return r.id === keep; }) ? keep : "";
    }
    placeSelect.addEventListener("change", offerRules);
    offerRules();
    var note = el("p", {"class": "metdocs-drill__note", role: "status", "aria-live": "polite"});
    var add = el("button", {type: "button", "class": "md-button", text: "Add this fault"});
    var list = el("ol", {"class": "metdocs-drill__marks", "aria-labelledby": "dq-marked"});
    var none = el("p", {"class": "metdocs-drill__none", text: "None yet."});
    var check = el("button", {type: "submit", "class": "md-button metdocs-primary", text: "Check my audit"});
    var clear = el("button", {type: "button", "class": "md-button", text: "Start again"});
    // The result is announced once: focus moves to its heading, which states the score. The score
    // line is no live region, or a screen reader would read the score twice.
    var score = el("p", {"class": "metdocs-drill__score"});
    var result = el("div", {"class": "metdocs-drill__result"});
    var form = el("form", {"class": "metdocs-drill__form", novalidate: ""}, [
      el("fieldset", {"class": "metdocs-drill__add"}, [
        el("legend", {text: "Mark a fault"}),
        el("div", {"class": "metdocs-drill__field"}, [el("label", {"for": "dq-place", text: "Where is it?"}), placeSelect]),
        el("div", {"class": "metdocs-drill__field"}, [el("label", {"for": "dq-rule", text: "Which rule does it break?"}), ruleSelect]),
        add, note]),
      el("h3", {id: "dq-marked", text: "Faults you marked"}), list, none,
      el("div", {"class": "metdocs-drill__buttons"}, [check, clear])]);

    box.textContent = "";
    box.appendChild(el("p", {}, ["Mark each fault you find: where it is (the case as a whole, a session log or one claim line) " +
      "and the rule it breaks. Then check your audit: your browser grades it against the audit engine's findings. " +
      "A mark counts only where the audit names the fault: the case as a whole, a session, or one claim line. " +
      "Your score is kept in this browser only ",
      el("a", {href: progressUrl, text: "(see My progress)"}), "."]));
    box.appendChild(form);
    box.appendChild(score);
    box.appendChild(result);

    // After a check, adding or removing a mark makes the result on screen stale: it goes, and the
    // note says so (the saved score stays until the next check).
    function forgetResult() {
      if (!box.hasAttribute("data-score")) return false;
      result.textContent = "";
      score.textContent = "";
      box.removeAttribute("data-score");
      return true;
    }

    function drawMarks() {
      list.textContent = "";
      marks.forEach(function (m, i) {
        var what = places[m.place] + ": " + titles[m.rule];
        var remove = el("button", {type: "button", "class": "metdocs-drill__remove", "aria-label": "Remove: " + what, text: "Remove"});
        remove.addEventListener("click", function () {
          marks.splice(i, 1);
          drawMarks();
          note.textContent = "Removed: " + what + "." + (forgetResult() ? STALE : "");
          var next = list.querySelectorAll("button")[Math.min(i, marks.length - 1)];
          (next || placeSelect).focus();
        });
        list.appendChild(el("li", {"data-place": m.place, "data-rule": m.rule}, [el("span", {text: what}), " ", remove]));
      });
      none.hidden = marks.length > 0;
    }

    add.addEventListener("click", function () {
      var mark = {place: placeSelect.value, rule: ruleSelect.value};
      if (!mark.rule) {
        note.textContent = "Choose the rule the fault breaks first.";
        ruleSelect.focus();
        return;
      }
      if (marks.some(function (m) { return m.place === mark.place && m.rule === mark.rule; })) {
        note.textContent = "You already marked that fault.";
        return;
      }
      marks.push(mark);
      drawMarks();
      note.textContent = "Added: " + places[mark.place] + ": " + titles[mark.rule] + "." + (forgetResult() ? STALE : "");
      ruleSelect.value = "";
    });

    clear.addEventListener("click", function () {
      marks = [];
      drawMarks();
      forgetResult();
      note.textContent = "All marks cleared. Your saved score stays until you check again.";
      placeSelect.focus();
    });

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var graded = grade(data, marks);
      show(graded, null);
      if (root.metdocsProgress) {
        root.metdocsProgress.save("drills", data.id, {title: data.title, score: graded.score, right: graded.right.length,
          missed: graded.missed.length, wrong: graded.wrong.length, total: graded.total, marks: marks.slice()});
      }
      inSet(data, graded, result);
      result.querySelector("h3").focus();
    });

    /* The rule's title, linked to the rule on the standards page; then any page that teaches it
       (units, pairing, scope: explainLinks, decided in pages/explain.py). */
    function explained(id) {
      return root.metdocsProgress && root.metdocsProgress.explainLinks ? root.metdocsProgress.explainLinks(id) : [];
    }
    function ruleLink(id, title) {
      var first = explained(id)[0];
      return el("a", {href: first ? first.href : standards, text: titles[id] || title || id});
    }
    function seeAlso(id) {
      var more = explained(id).slice(1);
      if (!more.length) return null;
      var kids = ["See also: "];
      more.forEach(function (l, i) { kids.push(i ? ", " : "", el("a", {href: l.href, text: l.text, "data-explain": ""})); });
      return el("span", {"class": "metdocs-explain"}, kids);
    }

    var shownKey = data.key;

    function keyItem(k) {
      var found = shownKey[k.key];
      var details = el("ul", {}, found.findings.map(function (f) { return el("li", {text: "Engine finding: " + f}); })
        .concat([el("li", {text: "Lesson: " + found.lesson})]));
      return el("li", {"data-rule": found.rule, "data-place": found.place},
        [el("strong", {}, [ruleLink(found.rule, found.title)]), " (" + found.where + ") ", seeAlso(found.rule), details]);
    }

    function wrongItem(w) {
      var m = w.mark;
      var elsewhere = shownKey.filter(function (k) { return k.rule === m.rule; }).map(function (k) { return k.where; });
      var why = "The audit engine finds no breach of this rule there" +
        (elsewhere.length ? "; it finds one at: " + elsewhere.join("; ") + "." : ", nor anywhere else in this record.");
      return el("li", {"data-rule": m.rule, "data-place": m.place},
        [el("strong", {}, [ruleLink(m.rule)]), " (" + places[m.place] + ") ", seeAlso(m.rule),
         el("ul", {}, [el("li", {text: why})])]);
    }

    function show(graded, when) {
      openAnswer();
      shownKey = graded.key;
      box.setAttribute("data-score", String(graded.score));
      score.textContent = "Your audit: " + graded.score + "%. " + graded.right.length + " of " + graded.total +
        " faults found, " + graded.missed.length + " missed, " + graded.wrong.length + " flagged wrongly.";
      result.textContent = "";
      result.appendChild(el("h3", {id: "dq-results", tabindex: "-1",
        text: "Your result: " + graded.score + "%" + (when ? " (checked on " + when + ")" : "")}));
      result.appendChild(el("p", {text: "The score is the faults found out of all the faults plus the wrong flags."}));
      [["Right", "right", graded.right, keyItem], ["Missed", "missed", graded.missed, keyItem],
       ["Flagged wrongly", "wrong", graded.wrong, wrongItem]].forEach(function (part) {
        result.appendChild(el("h4", {"class": "metdocs-drill__head-" + part[1], text: part[0] + " (" + part[2].length + ")"}));
        result.appendChild(part[2].length ? el("ul", {"class": "metdocs-drill__" + part[1]}, part[2].map(part[3]))
                                          : el("p", {"class": "metdocs-drill__" + part[1], text: "None."}));
      });
      result.appendChild(el("p", {}, [el("a", {href: progressUrl, text: "See all your scores"})]));
    }

    // With the script on, the page's intro says how to work, and the answer opens only once the
    // audit has been checked (without it, the answer is a <details> the reader opens: no change).
    [].forEach.call(document.querySelectorAll(".metdocs-drill-nojs"), function (p) { p.hidden = true; });
    var intro = document.querySelector(".metdocs-drill-intro > em");
    if (intro) {
      var all = intro.querySelector("a");
      intro.textContent = "";
      [el("span", {}, ["Read the record below as an auditor would. Mark each fault you find in ",
        el("a", {href: "#your-audit", text: "Your audit"}),
        ", after the record, and check it: the answer opens once you have checked."])].concat(all ? [" See ", all, "."] : [])
        .forEach(function (n) { intro.appendChild(typeof n === "string" ? document.createTextNode(n) : n); });
      intro.parentNode.setAttribute("data-js", "");
    }
    var answer = document.querySelector("details.metdocs-answer");
    var locked = null;
    if (answer) {
      answer.hidden = true;
      locked = el("p", {"class": "metdocs-drill__locked", text: "The answer opens here once you have checked your audit."});
      answer.parentNode.insertBefore(locked, answer);
    }
    function openAnswer() {
      if (!answer || !answer.hidden) return;
      answer.hidden = false;
      if (locked && locked.parentNode) locked.parentNode.removeChild(locked);
    }

    // Back on a drill already checked: its marks and result as they were saved.
    var saved = root.metdocsProgress ? root.metdocsProgress.load().drills[data.id] : null;
    if (saved && Array.isArray(saved.marks)) {
      marks = saved.marks.filter(function (m) { return m && has.call(places, m.place) && has.call(titles, m.rule); });
      show(grade(data, marks), typeof saved.at === "string" ? saved.at.slice(0, 10) : null);
    }
    drawMarks();
    box.hidden = false;
    box.setAttribute("data-ready", "1");
  }

  /* Opened as a step of a practice set (practiceset.js): the check is that step's result, saved
     with the rules of the faults found, missed and flagged wrongly, and the set leads on. */
  function inSet(data, graded, where) {
    if (!root.metdocsSet || !root.metdocsSet.record) return;
    var rules = {right: graded.right.map(function (r) { return graded.key[r.key].rule; }),
                 missed: graded.missed.map(function (m) { return graded.key[m.key].rule; }),
                 wrong: graded.wrong.map(function (w) { return w.mark.rule; })};
    root.metdocsSet.record("drill", data.id, {id: data.id, title: data.title, score: graded.score, right: graded.right.length,
      missed: graded.missed.length, wrong: graded.wrong.length, total: graded.total, rules: rules}, where);
  }

  if (typeof document$ !== "undefined") document$.subscribe(init);
  else document.addEventListener("DOMContentLoaded", init);
})(typeof window !== "undefined" ? window : null);
