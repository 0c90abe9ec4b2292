/*
 * metdocs timed-units engine: an exact port of allocate() in generator/units.py.
 * Same numbers, same explanation strings; tests/test_units_js.py checks both agree,
 * so change the two files together. No modules, no dependencies, ES5 syntax.
 *
 * Browser: window.metdocsUnits.allocate(minutes, timedCodes, rule)
 * Node:    require("./units.js").allocate(...)
 */
(function (root) {
  "use strict";

  var RULES = ["cms", "ama"];
  var MAX_MINUTES = 480; // per code per day; more is absurd
  var UNIT = 15;
  var has = Object.prototype.hasOwnProperty; // a code named "hasOwnProperty" must not break lookups
  var ARROW = "\u2192", DASH = "\u2013"; // escaped so the file's encoding cannot change them

  function isWholeNumber(m) {
    // typeof excludes booleans and strings, matching Python's refusal of bool/str.
    return typeof m === "number" && isFinite(m) && Math.floor(m) === m;
  }

  function checkMinutes(code, m, limit) {
    if (!isWholeNumber(m) || m < 0 || (limit !== null && m > limit)) {
      var bound = limit !== null ? "0" + DASH + limit : "0 or more";
      throw new Error(code + ": minutes must be a whole number " + bound + ", got " + String(m));
    }
  }

  function cmsUnitsFor(total) {
    checkMinutes("total", total, null);
    return total >= 8 ? Math.floor((total + 7) / UNIT) : 0;
  }

  function unitsText(n) { return n + " unit" + (n !== 1 ? "s" : ""); }

  function tableRow(u) {
    var low = u === 0 ? 0 : UNIT * u - 7, high = u === 0 ? 7 : UNIT * u + 7;
    return low + DASH + high + " minutes = " + unitsText(u);
  }

  function join(items) {
    if (items.length === 1) return items[0];
    return items.slice(0, -1).join(", ") + " and " + items[items.length - 1];
  }

  // Python's str ordering (code points); avoids localeCompare, which differs by browser.
  function cmpStr(a, b) { return a < b ? -1 : a > b ? 1 : 0; }

  function cms(minutes, timedCodes, total, units) {
    var target = cmsUnitsFor(total);
    var lines = [total + " timed minute" + (total !== 1 ? "s" : "") + " " + ARROW + " " +
      unitsText(target) + " (" + tableRow(target) + ")."];
    var full = 0, i, c, m;
    for (i = 0; i < timedCodes.length; i++) {
      c = timedCodes[i]; m = minutes[c];
      units[c] = Math.floor(m / UNIT);
      full += units[c];
      var fullText = units[c] ? units[c] + " full 15-minute unit" + (units[c] !== 1 ? "s" : "") : "0 full units";
      lines.push(m ? c + ": " + m + " min = " + fullText + ", " + (m % UNIT) + " min left over."
                   : c + ": 0 min, not billed.");
    }
    var left = target - full;
    var ranked = timedCodes.filter(function (c) { return minutes[c] % UNIT; });
    ranked.sort(function (a, b) {
      return (minutes[b] % UNIT) - (minutes[a] % UNIT) || minutes[b] - minutes[a] || cmpStr(a, b);
    });
    var chosen = ranked.slice(0, left), rest = ranked.slice(left);
    for (i = 0; i < chosen.length; i++) units[chosen[i]] += 1;
    if (!chosen.length) {
      lines.push("No units left to assign.");
    } else if (chosen.length === 1) {
      lines.push("1 unit left to assign: goes to " + chosen[0] + " (largest leftover, " +
        (minutes[chosen[0]] % UNIT) + " min).");
    } else {
      lines.push(left + " units left to assign: one each to " + join(chosen.map(function (c) {
        return c + " (" + (minutes[c] % UNIT) + " min left over)";
      })) + ".");
    }
    if (chosen.length && rest.length && minutes[rest[0]] % UNIT === minutes[chosen[chosen.length - 1]] % UNIT) {
      var cut = minutes[chosen[chosen.length - 1]] % UNIT;
      var isCut = function (c) { return minutes[c] % UNIT === cut; };
      var winners = chosen.filter(isCut), losers = rest.filter(isCut);
      var group = winners.concat(losers).sort(cmpStr);
      var mins = function (cs) { return cs.map(function (c) { return minutes[c]; }); };
      var lower = "the lower code" + (winners.length > 1 ? "s" : "");
      var why;
      if (Math.min.apply(null, mins(group)) === Math.max.apply(null, mins(group))) {
        why = "same total minutes, so " + lower;
      } else if (Math.min.apply(null, mins(winners)) > Math.max.apply(null, mins(losers))) {
        why = "more total minutes";
      } else {
        why = "more total minutes, then " + lower;
      }
      lines.push("Tie: " + join(group) + " " + (group.length === 2 ? "both" : "all") + " have " + cut +
        " min left over. CMS lets the clinician choose; metdocs picks " + join(winners.slice().sort(cmpStr)) +
        " (" + why + ").");
    }
    return lines;
  }

  function allocate(minutes, timedCodes, rule) {
    if (rule === undefined) rule = "cms";
    if (RULES.indexOf(rule) < 0) throw new Error("unknown rule '" + rule + "': expected one of cms, ama");
    var codes = Object.keys(minutes).sort(cmpStr);
    var i, c, m;
    for (i = 0; i < codes.length; i++) {
      if (!codes[i]) throw new Error("code '': expected a non-empty string");
      checkMinutes(codes[i], minutes[codes[i]], MAX_MINUTES);
    }
    var isTimed = {};
    for (i = 0; i < timedCodes.length; i++) isTimed[timedCodes[i]] = true;
    var timed = codes.filter(function (c) { return has.call(isTimed, c); });
    var untimed = codes.filter(function (c) { return !has.call(isTimed, c); });
    var units = {};
    for (i = 0; i < codes.length; i++) units[codes[i]] = 0;
    var totalTimed = 0;
    for (i = 0; i < timed.length; i++) totalTimed += minutes[timed[i]];
    var worked = timed.filter(function (c) { return minutes[c] > 0; });
    var lines = [worked.length ? "Timed minutes: " + worked.map(function (c) { return c + " " + minutes[c]; })
      .join(" + ") + " = " + totalTimed + "." : "Timed minutes: 0."];
    if (rule === "cms") {
      lines = lines.concat(cms(minutes, timed, totalTimed, units));
    } else {
      lines.push("Per-code (midpoint) rule: each timed code is counted on its own minutes.");
      for (i = 0; i < timed.length; i++) {
        c = timed[i]; m = minutes[c];
        units[c] = cmsUnitsFor(m); // same table, applied per code instead of to the pool
        lines.push(m ? c + ": " + m + " min " + ARROW + " " + unitsText(units[c]) + " (" + tableRow(units[c]) + ")."
                     : c + ": 0 min, not billed.");
      }
    }
    var timedTotal = 0;
    for (i = 0; i < timed.length; i++) timedTotal += units[timed[i]];
    var total = timedTotal;
    for (i = 0; i < untimed.length; i++) {
      c = untimed[i];
      // Untimed codes are billed once per day however long they took.
      units[c] = minutes[c] > 0 ? 1 : 0;
      total += units[c];
      lines.push(units[c] ? c + " is untimed: 1 unit; its " + minutes[c] + " min do not count as timed minutes."
                          : c + " is untimed and has 0 min: not billed.");
    }
    if (untimed.length) {
      lines.push("Total: " + timedTotal + " timed + " + (total - timedTotal) + " untimed = " + unitsText(total) + ".");
    }
    return {rule: rule, total_timed_minutes: totalTimed, total_units: total, units: units, explanation: lines};
  }

  var api = {allocate: allocate};
  if (root) root.metdocsUnits = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof window !== "undefined" ? window : null);
