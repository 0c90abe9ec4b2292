"""Audit checks on the referral, its diagnoses and the payer: who sent the client, for what, and who pays.

Rules enforced:
- written-referral-required, referrer-may-refer (`check_referral`);
- referral-in-force (`check_referral_in_force`): expiry dates and authorised visits, with renewals;
- referrer-scope-fits (`check_referrer_scope`): a podiatrist (DPM) refers foot and ankle conditions;
- billable-icd10-leaf (`check_diagnoses`, through records.py), and the code set's fiscal year;
- private-payers-only (through records.py), verify-payer-before-billing (`check_payer`).
"""

from __future__ import annotations

import re

from metdocs.catalog.icd import fiscal_year_of, fiscal_year_span
from metdocs.rules.audit import records
from metdocs.rules.audit.claims import book
from metdocs.rules.audit.findings import Context, session_name

NOT_PRIVATE = records.NOT_PRIVATE
MAY_REFER = frozenset({"MD", "DO", "DPM"})
"""Credentials that may write a MET referral on their own (rule referrer-may-refer)."""
SUPERVISED_REFERRERS = frozenset({"NP", "PA"})
DPM_OUTSIDE_PARTS = re.compile(r"(?<![a-z])(shoulder|upper arm|forearm|elbow|wrist|hand|fingers?|hip|knee|thigh|spine|"
                               r"spinal|back|lumbar|thoracic|cervical|neck|head)(?![a-z])", re.I)
"""Body parts a diagnosis title can name that lie outside a podiatrist's foot and ankle (rule referrer-scope-fits)."""
DPM_OUTSIDE_FAMILIES = ("G20", "G35", "I50", "I60", "I61", "I62", "I63", "I69", "J44", "M80", "M81")
"""Conditions of the brain, heart, lungs or whole skeleton: not a podiatrist's to refer for exercise."""
"""Credentials that may refer only when an MD or DO supervises them."""


def check_referral(ctx: Context) -> None:
    case, ref = ctx.case, ctx.case.referral
    if ref is None:
        ctx.breach(case.where, "written-referral-required",
                   "expected a written referral (date, referrer, ICD-10 diagnoses), found none")
        return
    if not ref.diagnoses:  # reported here once, not on every claim line that has nothing to point at
        ctx.breach(ref.where, "written-referral-required",
                   "expected the referral to give a medical diagnosis with its ICD-10 code, found none")
    if ref.credential in SUPERVISED_REFERRERS and ref.supervised_by is None:
        ctx.breach(ref.where, "referrer-may-refer", f"expected a referral from an MD, DO or DPM, or from an "
                   f"NP or PA supervised by an MD or DO, found an {ref.credential} with no supervising "
                   "physician stated")
    elif ref.credential not in MAY_REFER | SUPERVISED_REFERRERS:
        ctx.breach(ref.where, "referrer-may-refer", "expected a referral from an MD, DO or DPM, or from an "
                   f"NP or PA supervised by an MD or DO, found one from a {ref.credential} ({ref.provider_role}), "
                   "who may not refer for MET")
    for s in case.sessions:
        if s.date and s.date < ref.date:
            ctx.breach(s.where, "written-referral-required",
                       f"expected sessions on or after the referral date {ref.date}, found session "
                       f"'{s.id}' on {s.date}", s)


def check_diagnoses(ctx: Context) -> None:
    year = getattr(ctx.icd, "fiscal_year", None)
    diagnoses = ctx.case.referral.diagnoses if ctx.case.referral else ()
    out = records.Findings(book(ctx))
    records.diagnosis_findings(out, [{"pointer": d.pointer, "code": d.code} for d in diagnoses], ctx.icd)
    for f in out.found:  # place "diagnosis:X": the referral diagnosis with pointer X
        d = next(d for d in diagnoses if d.pointer == f["place"].partition(":")[2])
        ctx.breach(d.where, f["rule"], f["text"], None, f["severity"])
    span = fiscal_year_span(year) if year else None
    if span and ctx.case.referral and ctx.case.referral.diagnoses:
        late = next((s for s in ctx.case.sessions if s.date and not span[0] <= s.date <= span[1]), None)
        if late is not None:
            ctx.breach(late.where, "billable-icd10-leaf", f"expected dates of service in {year} "
                       f"({span[0]} to {span[1]}), the ICD-10-CM code set these codes were checked against, "
                       f"found {session_name(late)}, which falls in {fiscal_year_of(late.date)}: "
                       f"check the referral's codes against the {fiscal_year_of(late.date)} code set", None,
                       "warning")


def check_payer(ctx: Context) -> None:
    payer = ctx.case.payer
    out = records.Findings(book(ctx))
    records.payer_findings(out, payer.type)
    for f in out.found:
        ctx.breach(payer.where, f["rule"], f["text"], None, f["severity"])
    if payer.type in NOT_PRIVATE:
        return
    if payer.type == "self-pay":
        return
    billed = [s for s in ctx.case.sessions if s.claim and s.date]
    if payer.verified is None:
        if billed:
            ctx.breach(payer.where, "verify-payer-before-billing", "expected the date the plan was verified "
                       "(benefits, that it accepts this provider type for 97xxx, and credentialing), found none")
        return
    for s in billed:
        if s.date < payer.verified:
            ctx.breach(s.where, "verify-payer-before-billing", f"expected billing only after the plan was "
                       f"verified on {payer.verified}, found {session_name(s)} billed", s)



def check_referral_in_force(ctx: Context) -> None:
    """No session is billed after the referral in force expired, or past the visits it allows."""
    ref = ctx.case.referral
    if ref is None:
        return
    grants = sorted([ref, *ref.renewals], key=lambda g: g.date)
    billed = sorted((s for s in ctx.case.sessions if s.claim and s.date), key=lambda s: s.date)
    for s in billed:
        grant = next((g for g in reversed(grants) if g.date <= s.date), None)
        if grant is None:
            continue  # billed before any referral: written-referral-required says so
        what = "the referral" if grant is ref else "the renewal"
        if grant.expires is not None and s.date > grant.expires:
            ctx.breach(s.where, "referral-in-force", f"expected sessions billed on or before {grant.expires}, the "
                       f"day {what} of {grant.date} expires, or a renewal on file, found {session_name(s)} billed with "
                       "none", s)
        if grant.authorised_visits is not None:
            visit = [b for b in billed if grant.date <= b.date <= s.date].index(s) + 1
            if visit > grant.authorised_visits:
                ctx.breach(s.where, "referral-in-force", f"expected at most {grant.authorised_visits} billed visits "
                           f"under {what} of {grant.date}, or a renewal on file, found {session_name(s)}, "
                           f"visit {visit}", s)


def check_referrer_scope(ctx: Context) -> None:
    """The referrer's scope fits the condition: a podiatrist (DPM) refers foot and ankle conditions."""
    ref = ctx.case.referral
    if ref is None or ref.credential != "DPM":
        return
    for d in ref.diagnoses:
        title = ctx.icd.lookup(d.code).title or ""
        part = DPM_OUTSIDE_PARTS.search(title)
        if part or d.code.startswith(DPM_OUTSIDE_FAMILIES):
            what = f"'{part.group(0)}' in its title" if part else "a condition of the brain, heart, lungs or skeleton"
            ctx.breach(d.where, "referrer-scope-fits", f"expected a podiatrist (DPM) to refer for foot and ankle "
                       f"conditions, found {d.code} ({title or 'title unknown'}), with {what}; the client's physician "
                       "refers for it")
