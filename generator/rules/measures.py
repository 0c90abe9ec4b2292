"""Thresholds and measures: the catalog's numbers applied to a case.

How many days may pass between assessments (a rule's threshold), which meaningful-change
figure fits a client, which cut-offs apply, and how each measure moved from baseline to
each reassessment, with the verdict the audit, the pages and the forms all share.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from metdocs.cases.model import Case, Client
from metdocs.catalog.model import NOWHERE
from metdocs.errors import Location


REASSESS_DAYS = 30
"""Fallback when rule reassess-every-30-days has no threshold in the catalog."""


def threshold(catalog, rule_id: str, default: int) -> int:
    """A catalog rule's threshold as a whole number, or `default` when the rule or its threshold is absent."""
    rule = catalog.rule(rule_id)
    return int(rule.threshold.value) if rule and rule.threshold else default


def reassess_days(catalog) -> int:
    """Days allowed between assessments: rule reassess-every-30-days' threshold."""
    return threshold(catalog, "reassess-every-30-days", REASSESS_DAYS)


@dataclass(frozen=True)
class Figure:
    """The meaningful-change figure a case uses for one measure, and why that one."""

    kind: str
    """MCID, MDC, MIC or SDC."""
    value: float
    population: str
    """The population it was measured in, in words."""
    fallback: bool
    """True when no figure matches the client's population and the measure's default is used."""
    sources: tuple[str, ...]

    def label(self, unit: str) -> str:
        """'MDC 6.5 points (older people at risk of falls)', with 'fallback' when it is one."""
        who = f"measured in {self.population}" + ("; no figure for this client's population, used as "
                                                   "the fallback" if self.fallback else "")
        return f"{self.kind} {self.value:g} {unit} ({who})"


def figure_for(measure, client: Client, catalog) -> Figure | None:
    """The figure matching the client's first population that has one, else the measure's default
    figure as the documented fallback; None when no source confirmed any figure."""
    def named(pid):
        pop = catalog.population(pid) if pid else None
        return pop.name if pop else (pid or "an unstated population")
    for pid in client.population:
        if measure.meaningful_change is not None and measure.change_population == pid:
            return Figure(measure.change_kind, measure.meaningful_change, named(pid), False, measure.sources)
        fig = next((f for f in measure.by_population if f.population == pid), None)
        if fig is not None:
            return Figure(fig.kind, fig.value, named(pid), False, fig.sources)
    if measure.meaningful_change is None:
        return None
    return Figure(measure.change_kind, measure.meaningful_change, named(measure.change_population), True,
                  measure.sources)


def band(text: str) -> tuple[int, int]:
    """(low, high) ages of an age band such as '70-74' or '90+'."""
    lo, _, hi = text.rstrip("+").partition("-")
    return int(lo), (int(hi) if hi else 150)


def cutoffs_for(measure, client: Client) -> list:
    """The measure's cut-offs that apply to the client's age band and sex (norms tables list many)."""
    lo, hi = band(client.age_band)
    out = []
    for c in measure.cutoffs:
        if c.sex and c.sex != client.sex:
            continue
        if c.ages:
            clo, chi = band(c.ages)
            if not (clo <= lo and hi <= chi):
                continue
        out.append(c)
    return out


def beyond(cutoff, value: float) -> bool | None:
    """True when `value` is on the risk side of a numeric cut-off; None when it has no number."""
    if cutoff.value is None or cutoff.risk_if is None:
        return None
    return {"below": value < cutoff.value, "at-or-below": value <= cutoff.value, "at-or-above": value >= cutoff.value,
            "above": value > cutoff.value}[cutoff.risk_if]


@dataclass(frozen=True)
class MeasureChange:
    """How one measure moved from baseline to one reassessment (for the audit and the site)."""

    reassessment: int
    """Index of the reassessment in `case.reassessments`."""
    date: dt.date
    """The reassessment's date."""
    measure: str
    name: str
    unit: str
    baseline: float
    value: float
    change: float
    """value - baseline, in the measure's unit (rounded to 6 places against float noise)."""
    better: str
    """'higher' or 'lower': which direction is improvement."""
    improved: bool
    """True if the change is in the better direction (a zero change is not)."""
    figure: Figure | None
    """The meaningful-change figure used for this client, or None when no source confirmed one."""
    meaningful: bool | None
    """Improved by MORE than the figure (a change equal to it is within measurement error or
    below importance); None when there is no confirmed figure."""
    verdict: str
    """The outcome in words, e.g. 'meaningful improvement (more than the MCID of 9 points)'."""
    where: Location = NOWHERE

    @property
    def threshold(self) -> float | None:
        return self.figure.value if self.figure else None

    @property
    def change_kind(self) -> str:
        return self.figure.kind if self.figure else "none"


EPSILON = 1e-9
"""Float noise allowance: 0.90 - 0.78 must count as 0.12, not 0.11999999999999999."""


def exceeds(change: float, threshold: float) -> bool:
    """The one meaning of 'meaningful' everywhere (engine, pages, forms): strictly larger than the figure."""
    return abs(change) > threshold + EPSILON


def measure_changes(case: Case, catalog) -> list[MeasureChange]:
    """Compare each reassessment measure with the same measure at baseline.

    Measures missing from the baseline or from the catalog are skipped (the
    audit reports them). Pure: no I/O, never raises on case data.
    """
    base = {m.measure: m.value for m in case.baseline.measures}
    info = {m.id: m for m in catalog.measures}
    out = []
    for i, r in enumerate(case.reassessments):
        for mv in r.measures:
            m = info.get(mv.measure)
            if m is None or mv.measure not in base:
                continue
            change = round(mv.value - base[mv.measure], 6)
            improved = change > 0 if m.better == "higher" else change < 0
            fig = figure_for(m, case.client, catalog)
            meaningful = None if fig is None else improved and exceeds(change, fig.value)
            out.append(MeasureChange(i, r.date, m.id, m.name, m.unit, base[mv.measure], mv.value, change,
                                     m.better, improved, fig, meaningful,
                                     _verdict(change, improved, meaningful, fig, m), mv.where))
    return out


def _verdict(change, improved, meaningful, fig, m) -> str:
    if change == 0:
        return "no change"
    if not improved:
        return f"worse ({m.better} is better)"
    if meaningful is None:
        return "improved; no confirmed figure for a meaningful change"
    if meaningful:
        return f"meaningful improvement (more than the {fig.kind} of {fig.value:g} {m.unit})"
    return f"improved, but not more than the {fig.kind} of {fig.value:g} {m.unit}"
