"""Audit worked cases against the catalog's rules.

Every finding is a `Problem` at the exact place in the case file (session,
claim line, reassessment ...) with `rule` set to the catalog rule it breaks and
a message naming the rule, its source, and what was expected vs found. For a
missing session-log element, `rule` is the element id (elements are the
catalog's documentation rules). A problem with an empty `rule` is a format or
catalog problem, not a breach, and is always reported.

A deliberately flawed teaching case lists its `expected_breaches`. It passes
when the (rule, session) pairs found equal the declared ones, so both a fixed
flaw and a new, undeclared one fail the build.

This module holds the registry of enforced rules, the entry points and the reconciling; the
checks live by rule family: referral.py (referral, diagnoses, payer), claims.py (claim lines and
units), schedule.py (dates, reassessments, progress reports), coding.py (ICD-10-CM conventions),
record.py (plan, session logs, words) and content.py (what the words say against the fields), all
recording through findings.py (`Finding`, `Context`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from metdocs.rules import prose
from metdocs.cases.model import Case
from metdocs.errors import Problem, did_you_mean, sort_problems
from metdocs.catalog.model import Catalog
from metdocs.rules.sessionlog import ELEMENT_FIELDS, ELEMENT_HOW
from metdocs.rules.audit.findings import Context, Finding
from metdocs.rules.audit.referral import (check_diagnoses, check_payer, check_referral, check_referral_in_force,
                                          check_referrer_scope)
from metdocs.rules.audit.claims import check_reports, check_sessions
from metdocs.rules.audit.coding import check_coding
from metdocs.rules.audit.content import check_activity_codes, check_fields_agree, check_meaningful_claims
from metdocs.rules.audit.records import RECORD_RULES
from metdocs.rules.audit.schedule import check_future, check_ordering, check_report_recipient
from metdocs.rules.audit.record import (SESSION_LOG, check_dose, check_elements, check_improvement,
                                        check_precautions, check_prose, check_words)
# Re-exported, as it was defined here before the split: pages/casepages.py imports UNIT_RULES
# (and SESSION_LOG, which `enforcement` uses too) from here.
from metdocs.rules.audit.claims import UNIT_RULES  # noqa: F401

ENFORCED: dict[str, str] = {
    "written-referral-required": "a written referral is on file, gives at least one diagnosis, and no billed "
                                 "session predates it",
    "referrer-may-refer": "the referrer's credential is MD, DO or DPM, or NP/PA with MD/DO supervision",
    "billable-icd10-leaf": "every referral code is a billable leaf of the ICD-10-CM code set; dates of service "
                           "outside the code set's fiscal year are flagged (warning)",
    "private-payers-only": "the payer is not Medicare or Medicaid, including Medicare Advantage and Medicaid "
                           "managed care",
    "verify-payer-before-billing": "the plan was verified (benefits, provider type, credentialing) before the "
                                   "first billed session",
    "own-services-own-npi": "every billed session was given and signed by the MedExPRO (the credential the log "
                            "gives)",
    "no-gp-modifier": "no claim line carries the GP modifier",
    "medexpro-codes-only": "no claim line bills a code the catalog marks out of scope, or one it does not list; "
                           "the finding gives the code's reason (group, gait training, evaluation, manual therapy, "
                           "self-care, physical performance test ...)",
    "one-on-one-vs-group": "no one-on-one code is billed for a session with more than one client",
    "cms-8-minute-rule": "units billed for timed codes equal the units of their pooled minutes by the CMS unit "
                         "table (CMS-rule payers); only the codes a MedExPRO may bill count",
    "cms-unit-split": "the day's units are shared by full 15-minute blocks, then the largest leftovers",
    "ama-midpoint-rule": "units billed equal each code's own units (per-code payers)",
    "untimed-one-unit": "an untimed code a MedExPRO may bill is billed as one unit whatever its minutes",
    "baseline-before-billing": "no session is billed before the baseline assessment",
    "reassess-every-30-days": "reassessments at most 30 days apart, a saved due date 30 days after the measures, "
                              "and no billing while one is overdue",
    "progress-report-content": "each reassessment has a progress report with its period, date written (not "
                               "before the period ends), recipient, and every baseline measure re-tested",
    "measurable-improvement": "each reassessment improves at least one baseline measure; 'meaningful' means "
                              "more than the figure for the client's population",
    "condition-precautions": "a diagnosis whose category has precautions gets them in the plan and recorded in "
                             "every session",
    "home-program": "the plan includes a home program",
    "resistance-2-days-a-week": "with 97110 in the plan, resistance training on at least 2 days a week, "
                                "supervised plus home",
    "fall-prevention-dose": "with a fall-risk diagnosis, balance-challenging exercise of at least 3 hours a "
                            "week, supervised plus home, in every phase of the plan; with a baseline measure past "
                            "a fall-risk cut-off (TUG, gait speed ...), balance work in the plan or the reason "
                            "there is none",
    "avoid-therapy-words": "session logs do not call the work therapy, rehabilitation or treatment (warning)",
    "daily-note-content": "through the session-log elements below, each reported under its own id",
    "plan-of-care-elements": "the case format requires a plan with goals, frequency, sessions a week and codes",
    "referral-in-force": "no session is billed after the referral in force expires, or past the visits it "
                         "authorises, without a renewal on file (when the referral gives an expiry or a visit count)",
    "fields-agree-with-text": "structured fields agree with the text beside them: the payer's name and plan type, "
                              "a group size of 1 and a log that says others trained alongside, the signer's "
                              "credential and the signature, the plan's weekly frequency and the session dates, "
                              "glucose and blood-pressure readings and the referral's limits on a billed session",
    "progress-report-to-referrer": "each progress report goes to the referring provider, unless the case says why "
                                   "it went to someone else",
    "meaningful-claims-match": "case prose that calls a measure's change meaningful agrees with the engine's "
                               "verdict for that measure (the engine's own verdict placeholders aside)",
    "icd10-conventions": "no two referral codes an Excludes1 note keeps apart (the code set's own notes), not only "
                         "status or history codes (Z86-Z99), and no session working the other side of a body part "
                         "the diagnosis names",
    "referrer-scope-fits": "a podiatrist (DPM) refers foot and ankle conditions: no referral diagnosis whose title "
                           "names another body part (shoulder, knee, hip, spine ...) or a condition of the brain, "
                           "heart, lungs or whole skeleton",
    "activity-fits-code": "every activity's description fits the code it is logged under, by the catalog's "
                          "`misfits` words per code (stair or walking practice for itself is not 97530; balance "
                          "work is not 97110); the finding names the words it matched",
}
"""Catalog rule id -> what `metdocs check` verifies for it. Every other rule must say in the
catalog (`review:`) why a person has to check it instead (`unenforced`)."""

CASE, SESSION, LINE = "case", "session", "line"
REPORTED_AT: dict[str, tuple[str, ...]] = {
    "written-referral-required": (CASE, SESSION), "referrer-may-refer": (CASE,), "billable-icd10-leaf": (CASE,),
    "private-payers-only": (CASE,), "verify-payer-before-billing": (CASE, SESSION),
    "own-services-own-npi": (SESSION,), "no-gp-modifier": (LINE,), "medexpro-codes-only": (LINE,),
    "one-on-one-vs-group": (LINE,), "cms-8-minute-rule": (SESSION,), "cms-unit-split": (SESSION, LINE),
    "ama-midpoint-rule": (SESSION, LINE), "untimed-one-unit": (SESSION, LINE), "baseline-before-billing": (SESSION,),
    "reassess-every-30-days": (CASE, SESSION), "progress-report-content": (CASE,), "measurable-improvement": (CASE,),
    "condition-precautions": (CASE, SESSION), "home-program": (CASE,), "resistance-2-days-a-week": (CASE,),
    "fall-prevention-dose": (CASE,), "avoid-therapy-words": (SESSION,), "daily-note-content": (),
    "plan-of-care-elements": (), "activity-fits-code": (SESSION,), "referral-in-force": (SESSION,),
    "fields-agree-with-text": (CASE, SESSION), "progress-report-to-referrer": (CASE,),
    "meaningful-claims-match": (CASE,), "icd10-conventions": (CASE, SESSION),
    "referrer-scope-fits": (CASE,),
    # session-log elements: a session's, or one of its claim lines
    "icd10-link-per-cpt": (LINE,), "cpt-per-activity": (SESSION, LINE), "units-per-code": (SESSION, LINE),
}
"""Where the audit can name a breach of each rule (or session-log element; elements not listed are
the session's): the case as a whole, a session, or one claim line. A drill offers exactly these
(pages/casepages.py); tests/test_audit.py checks every finding against them. daily-note-content and
plan-of-care-elements are never reported under their own ids: the elements, and the case format."""


def reported_at(rule: str) -> tuple[str, ...]:
    """Where the audit can name a breach of `rule` (see REPORTED_AT)."""
    return REPORTED_AT.get(rule, (SESSION,))


def unenforced(catalog: Catalog) -> list[Problem]:
    """Rules that are neither enforced here nor marked for a person's review, and the contrary."""
    out = []
    for r in catalog.rules:
        if r.id in ENFORCED and r.review:
            out.append(Problem(r.where, f"expected rule '{r.id}' either enforced by the audit or marked for "
                                        "review, found both (the audit checks it; remove 'review')"))
        elif r.id not in ENFORCED and not r.review.strip():
            out.append(Problem(r.where, f"expected rule '{r.id}' to be enforced by the audit or to say why a "
                                        "person must review it, found neither; add 'review: <why the audit "
                                        "cannot check it>'"))
    return out


def enforcement(catalog: Catalog) -> list[dict]:
    """Every rule and session-log element with how it is enforced (for `metdocs rules`, README)."""
    out = []
    for r in catalog.rules:
        by_audit = r.id in ENFORCED
        out.append({"kind": "rule", "id": r.id, "title": r.title,
                    "sources": [catalog.source(x).title if catalog.source(x) else x for x in r.sources],
                    "review_by": str(r.review_by), "enforced_by": "audit" if by_audit else "review",
                    "how": ENFORCED[r.id] if by_audit else r.review.strip(), **_reviewed(catalog, r.id)})
    for e in catalog.elements:
        if SESSION_LOG in e.required_in and e.id in ELEMENT_FIELDS:
            out.append({"kind": "element", "id": e.id, "title": e.name,
                        "sources": [catalog.source(x).title if catalog.source(x) else x for x in e.sources],
                        "review_by": str(e.review_by) if e.review_by else "",
                        "enforced_by": "audit",
                        "how": ELEMENT_HOW.get(e.id, "every session log shows it"),
                        **_reviewed(catalog, e.id)})
    return out


def _reviewed(catalog: Catalog, id_: str) -> dict:
    """The course's review of an entry, for `enforcement` (catalog/reviews.py): {} when it recorded none."""
    review = catalog.review(id_)
    if review is None:
        return {}
    r = review.reviewed
    return {"reviewed": {"by": r.by, "on": str(r.on), "note": r.note}}


CHECKS = (check_referral, check_referral_in_force, check_referrer_scope, check_diagnoses, check_coding, check_payer,
          check_sessions, check_ordering, check_reports, check_report_recipient, check_improvement, check_elements,
          check_precautions, check_dose, check_words, check_activity_codes, check_fields_agree, check_meaningful_claims,
          check_prose, check_future)
"""Every check, in the order its findings are reported (`case_findings`)."""


def audit_cases(cases, catalog: Catalog, icd, *, today: dt.date | None = None) -> list[Problem]:
    """Audit every case; return all problems, sorted and without duplicates."""
    return sort_problems(p for case in cases for p in audit_case(case, catalog, icd, today=today))


def audit_case(case: Case, catalog: Catalog, icd, *, today: dt.date | None = None) -> list[Problem]:
    """Audit one case.

    Args:
        case: A case from `cases.load_cases`.
        catalog: The checked catalog.
        icd: An ICD-10-CM code set with `lookup(code) -> IcdInfo` (see icd.py).
        today: When given, dates after it are reported (a log cannot predate its session).

    Returns:
        The problems; for a case with expected_breaches, only the mismatches.
    """
    return _reconcile(case, case_findings(case, catalog, icd, today=today), catalog)


@dataclass(frozen=True)
class Audited:
    """One case's audit (`audit_for_pages`), with what its pages need from the audit's work."""

    problems: list[Problem]
    """What `audit_case` reports."""
    findings: list[Finding]
    """For a drill, the raw findings reconciled with its declared breaches; else empty."""
    facts: dict | None
    """The case's prose facts if the audit worked them out (see prose.worked_out), else None."""


def audit_for_pages(case: Case, catalog: Catalog, icd, *, today: dt.date | None = None) -> Audited:
    """`audit_case`, with what the case's pages need from the audit's work (see `Audited`).

    The audit runs in helper processes (see cases.read.screen_cases) whose memory the pages never
    see; handing these back saves doing them again, about a twentieth of our stages' work at
    1,000 cases."""
    found = case_findings(case, catalog, icd, today=today)
    return Audited(_reconcile(case, found, catalog), found if case.kind == "drill" else [],
                   prose.worked_out(case, catalog))


def case_findings(case: Case, catalog: Catalog, icd, *, today: dt.date | None = None) -> list[Finding]:
    """Every raw finding of the audit, before it is compared with the declared breaches.

    `audit_case` reports only mismatches for a drill; the site's drill answers need the
    engine's own words, so this returns each finding (`.problem`, `.session`) as found.
    """
    ctx = Context(case, catalog, icd, today)
    for check in CHECKS:
        check(ctx)
    return ctx.found


def _reconcile(case: Case, found: list[Finding], catalog: Catalog | None = None) -> list[Problem]:
    """Compare breaches with the declared ones; non-breach problems always pass through."""
    out = [f.problem for f in found if not f.problem.rule]
    breaches = [f for f in found if f.problem.rule]
    if not case.expected_breaches:
        return out + [f.problem for f in breaches]
    have = {(f.problem.rule, f.session, f.line) for f in breaches}
    declared = {(b.rule, b.session, b.line) for b in case.expected_breaches}
    unknown = _unknown_declared(case, catalog)
    out += unknown.values()
    for b in case.expected_breaches:
        if (b.rule, b.session, b.line) not in have and b.rule not in unknown:
            out.append(Problem(b.where, f"declared breach {b.rule}{_at(b.session, b.line)} was not found; fix "
                               "the case or remove the declaration", rule=b.rule))
    for f in breaches:
        if (f.problem.rule, f.session, f.line) not in declared:
            out.append(Problem(f.problem.where, f"found breach {f.problem.rule}{_at(f.session, f.line)} that the "
                               f"case does not declare (declare it with rule, session and line): "
                               f"{f.problem.message}", rule=f.problem.rule))
    return out


def _unknown_declared(case: Case, catalog: Catalog | None) -> dict[str, Problem]:
    """Declared breaches naming no rule or element of the catalog (a typo, most often): rule id ->
    the problem, at the declaration's `rule:` line, with the id probably meant."""
    if catalog is None:
        return {}
    known = {r.id for r in catalog.rules} | {e.id for e in catalog.elements}
    out: dict[str, Problem] = {}
    for b in case.expected_breaches:
        if b.rule not in known and b.rule not in out:
            out[b.rule] = Problem(b.where.key("rule"), f"expected the id of a catalog rule or element under "
                                                      f"expected_breaches, found '{b.rule}', which is neither"
                                                      f"{did_you_mean(b.rule, known)}")
    return out


def _at(session: str | None, line: int | None) -> str:
    if session is None:
        return ""
    return f" in session '{session}'" + (f" on claim line {line}" if line else "")
