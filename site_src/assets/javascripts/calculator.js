/*
 * The unit calculator page (units/calculator/). Reads minutes per code, runs the same engine as
 * `metdocs units` (units.js) and shows units plus the step-by-step explanation. Nothing leaves
 * the browser. Initialised through Material's document$ so it survives instant navigation.
 */
(function () {
  "use strict";

  function init() {
    var root = document.querySelector("[data-metdocs-calculator]");
    if (!root || root.getAttribute("data-ready")) return;
    root.setAttribute("data-ready", "1");
    var data = JSON.parse(root.getAttribute("data-metdocs-calculator"));
    var timed = data.codes.filter(function (c) { return c.timed; }).map(function (c) { return c.code; });
    var form = root.querySelector("form");
    var summary = root.querySelector(".metdocs-calculator__summary");
    var list = root.querySelector(".metdocs-calculator__explanation");
    var scope = root.querySelector(".metdocs-calculator__scope");
    var outOfScope = data.codes.filter(function (c) { return !c.in_scope; }).map(function (c) { return c.code; });
    var ours = data.codes.filter(function (c) { return c.in_scope; }).map(function (c) { return c.code; });

    function update() {
      var minutes = {}, bad = [];
      data.codes.forEach(function (c) {
        var input = form.querySelector("#calc-" + c.code); // not form.elements[code]: "97110" would be read as an index
        var raw = input.value.trim();
        if (raw === "") return;
        var m = Number(raw);
        if (!/^\d+$/.test(raw) || m > 480) { bad.push(c.code); input.setAttribute("aria-invalid", "true"); return; }
        input.removeAttribute("aria-invalid");
        minutes[c.code] = m;
      });
      list.textContent = "";
      // What this answer was worked out from: a test (or a screen reader script) can tell the
      // answer to the visit just typed from the one before, without waiting for a time.
      summary.setAttribute("data-visit", Object.keys(minutes).sort().map(function (c) { return c + "=" + minutes[c]; })
        .join(" ") + " " + form.querySelector("input[name=rule]:checked").value);
      var notOurs = outOfScope.filter(function (c) { return minutes[c] > 0; });
      scope.hidden = !notOurs.length;
      scope.textContent = notOurs.length ? "Not billable by a MedExPRO: " + notOurs.join(", ") +
        ". A MedExPRO bills " + ours.join(", ") + " only; the others are shown to compare with a clinician's claim." : "";
      if (bad.length) { summary.textContent = "Minutes must be whole numbers from 0 to 480: check " + bad.join(", ") + "."; return; }
      if (!Object.keys(minutes).length) { summary.textContent = "Enter minutes to see the units."; return; }
      var rule = form.querySelector("input[name=rule]:checked").value;
      var result = window.metdocsUnits.allocate(minutes, timed, rule);
      var billed = Object.keys(result.units).filter(function (c) { return result.units[c] > 0; })
        .map(function (c) { return c + " \u00d7 " + result.units[c]; });
      summary.textContent = "Bill: " + (billed.length ? billed.join(", ") : "nothing") + " (" +
        result.total_units + " unit" + (result.total_units === 1 ? "" : "s") + "; " +
        result.total_timed_minutes + " timed minutes).";
      summary.setAttribute("data-total-units", String(result.total_units));
      summary.setAttribute("data-units", JSON.stringify(result.units));
      result.explanation.forEach(function (line) {
        var li = document.createElement("li");
        li.textContent = line;
        list.appendChild(li);
      });
    }

    form.addEventListener("input", update);
    form.addEventListener("change", update);
    update();
  }

  if (typeof document$ !== "undefined") document$.subscribe(init);
  else document.addEventListener("DOMContentLoaded", init);
})();
