"""Audit checks on what the record's words say against its structured fields.

Rules enforced:
- activity-fits-code (`check_activity_codes`): every activity's description, read against the
  catalog's `misfits` of the code it is logged under (cpt_codes.yaml), next to `qualifies` and
  `note_must_show`. The words are data, so an educator extends the check by editing the catalog.
- fields-agree-with-text (`check_fields_agree`): payer name vs plan type, group size vs the log's
  words, signature vs signer credential, weekly frequency vs its text and the dates, precaution
  readings vs the referral's limits.
- meaningful-claims-match (`check_meaningful_claims`): hand-written words calling a change
  meaningful vs the engine's verdict.
"""

from __future__ import annotations

import functools
import re

from metdocs.rules.audit.findings import Context, session_name
from metdocs.rules.measures import measure_changes


@functools.lru_cache(maxsize=1024)  # the catalog's few word lists, asked for on every activity of every case
def phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern | None:
    """One case-insensitive pattern matching any of `phrases` as whole words (a space or hyphen in a
    phrase matches either); None for no phrases."""
    alts = sorted({re.escape(p).replace(r"\ ", "[ -]").replace(r"\-", "[ -]") for p in phrases}, key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(alts) + r")(?![a-z0-9])", re.I) if alts else None


def misfit_words(description: str, misfit) -> list[str]:
    """The words of `misfit` found in a part of `description` (the text between semicolons) that holds
    none of its `unless` words; [] when the description fits."""
    hits, unless = phrase_pattern(tuple(misfit.words)), phrase_pattern(tuple(misfit.unless))
    out: list[str] = []
    for part in description.split(";"):
        if unless is not None and unless.search(part):
            continue
        for m in hits.finditer(part) if hits else ():
            if m.group(0).lower() not in out:
                out.append(m.group(0).lower())
    return out


def check_activity_codes(ctx: Context) -> None:
    for s in ctx.case.sessions:
        for a in s.activities:
            code = ctx.catalog.cpt(a.cpt) if a.cpt else None
            if code is None or not a.description:
                continue
            for misfit in code.misfits:
                words = misfit_words(a.description, misfit)
                if words:
                    quoted = ", ".join(f"'{w}'" for w in words)
                    ctx.breach(a.where, "activity-fits-code", f"expected the work logged under {a.cpt} in session "
                               f"'{s.id}' to be {code.name.lower()}, found {quoted} in \"{a.description}\": it "
                               f"belongs under {misfit.belongs_under}. {' '.join(misfit.why.split())}", s)


PUBLIC_PLAN_WORDS = re.compile(r"(?<![a-z])(medicare|medicaid|medi-cal|advantage|managed medicaid)(?![a-z])", re.I)
"""Words in a payer's name that say the plan is Medicare or Medicaid, whatever its type says."""
ALONGSIDE = re.compile(r"(?<![a-z])(other clients?|(?:one|two|three|four|five|\d+) other (?:clients?|people|members)|"
                       r"others? in the (?:class|group)|(?:class|group) of (?:two|three|four|five|six|\d+)|"
                       r"(?:two|three|four|five|six|\d+) clients|alongside|in (?:a|the) (?:class|group)|"
                       r"(?:class|group) members?)(?![a-z])", re.I)
"""Words in a session log that say other clients trained at the same time."""
OTHER_SIGNER = re.compile(r"(?<![A-Za-z])(PTA|PT|DPT|OT|ATC|aide|student|intern|personal trainer|on behalf of|"
                          r"for (?:the )?MedExPRO)(?![A-Za-z])")
"""Words in a signature that show someone other than the MedExPRO gave or signed the session."""
WEEKLY = re.compile(r"(\d+)\s*x\s*/\s*week", re.I)
GLUCOSE_RANGE = re.compile(r"below (\d{2,3}) or above (\d{2,3}) mg/dl|(\d{2,3})\s*(?:-|–|to)\s*(\d{2,3}) mg/dl", re.I)
GLUCOSE_BEFORE = re.compile(r"glucose (\d{2,3})(?: mg/dl)? before", re.I)
BP_LIMIT = re.compile(r"blood pressure limit[^0-9]{0,30}(\d{2,3})/(\d{2,3})", re.I)
BP_READING = re.compile(r"(?<![A-Za-z])BP (\d{2,3})/(\d{2,3})")


def check_fields_agree(ctx: Context) -> None:
    """Structured fields agree with the text beside them (rule fields-agree-with-text)."""
    case = ctx.case
    m = PUBLIC_PLAN_WORDS.search(case.payer.name)
    if m and case.payer.type in ("commercial", "self-pay"):
        ctx.breach(case.payer.where, "fields-agree-with-text", f"expected the plan type to match the payer's name, "
                   f"found type '{case.payer.type}' for \"{case.payer.name}\", whose name says '{m.group(0)}': a "
                   "Medicare Advantage or Medicaid managed-care plan is Medicare or Medicaid")
    for s in case.sessions:
        texts = [s.response or ""] + [a.description or "" for a in s.activities]
        hit = next((m.group(0) for t in texts for m in [ALONGSIDE.search(t)] if m), None)
        if s.group_size == 1 and hit:
            ctx.breach(s.where.key("group_size"), "fields-agree-with-text", f"expected the log of {session_name(s)} to "
                       f"agree with its group size of 1 (one-on-one), found '{hit}' in its text: others trained at "
                       "the same time", s)
        m = OTHER_SIGNER.search(s.signed_by or "")
        if s.signer_credential == "MedExPRO" and m:
            ctx.breach(s.where.key("signed_by"), "fields-agree-with-text", f"expected {session_name(s)} signed by the "
                       f"MedExPRO its credential field names, found '{m.group(0)}' in the signature "
                       f"\"{s.signed_by}\"", s)
    _frequency(ctx)
    _readings(ctx)


def _frequency(ctx: Context) -> None:
    plan = ctx.case.plan
    m = WEEKLY.search(plan.frequency)
    if m and int(m.group(1)) != plan.sessions_per_week:
        ctx.breach(plan.where.key("frequency"), "fields-agree-with-text", f"expected the plan's frequency "
                   f"\"{plan.frequency}\" to agree with its {plan.sessions_per_week} session(s) a week, found "
                   f"{m.group(1)}x/week")
        return
    weeks: dict = {}
    for s in ctx.case.sessions:
        if s.date and s.claim:
            weeks.setdefault(s.date.isocalendar()[:2], []).append(s)
    for group in weeks.values():
        if len(group) > plan.sessions_per_week:
            s = group[plan.sessions_per_week]
            ctx.breach(s.where, "fields-agree-with-text", f"expected at most {plan.sessions_per_week} billed "
                       f"session(s) a week, as the plan states (\"{plan.frequency}\"), found {len(group)} in the week "
                       f"of {group[0].date}: {', '.join(x.id for x in group)}", s)


def _readings(ctx: Context) -> None:
    """A precaution reading outside the referral's limit, on a session that was billed all the same."""
    ref = ctx.case.referral
    if ref is None:
        return
    g = GLUCOSE_RANGE.search(ref.statement)
    low, high = (None, None)
    if g:
        low, high = (int(g.group(1)), int(g.group(2))) if g.group(1) else (int(g.group(3)), int(g.group(4)))
    bp = BP_LIMIT.search(ref.statement)
    for s in ctx.case.sessions:
        if not s.claim or not s.precautions:
            continue
        m = GLUCOSE_BEFORE.search(s.precautions)
        if g and m and not low <= int(m.group(1)) <= high:
            ctx.breach(s.where.key("precautions"), "fields-agree-with-text", f"expected no session billed with a "
                       f"glucose before exercise outside the referral's range ({low}-{high} mg/dL), found "
                       f"{m.group(1)} mg/dL in {session_name(s)}, which went ahead", s)
        for r in BP_READING.finditer(s.precautions) if bp else ():
            if int(r.group(1)) > int(bp.group(1)) or int(r.group(2)) > int(bp.group(2)):
                ctx.breach(s.where.key("precautions"), "fields-agree-with-text", f"expected no session billed "
                           f"with blood pressure above the referral's limit ({bp.group(1)}/{bp.group(2)}), found "
                           f"{r.group(0)} in {session_name(s)}, which went ahead", s)
                break


CLAIM = re.compile(r"(?<![a-z-])(meaningful(?:ly)?|clinically (?:important|significant)|significant(?:ly)?)(?![a-z-])",
                   re.I)
"""Words that call a change meaningful ('meaningful-change figure' names a figure, and is left alone)."""
NEGATION = re.compile(r"(?<![a-z])(not|no|never|without|isn't|wasn't|short of|below|under|less than)(?![a-z])", re.I)
PLACEHOLDER = re.compile(r"\{(?:r(\d+))?[^{}:]*:([a-z0-9-]+)\}")


def check_meaningful_claims(ctx: Context) -> None:
    """Prose that calls a measure's change meaningful agrees with the engine's verdict for it (rule
    meaningful-claims-match). Only words written by hand count: a verdict placeholder is the engine's."""
    case = ctx.case
    changes, names = None, None  # worked out at the first claim: most texts make none
    texts = [(case.summary, None)] + [(t, None) for t in case.payable]
    texts += [(r.summary, i) for i, r in enumerate(case.reassessments)]
    for text, own in texts:
        for clause in re.split(r"[;.](?:\s|$)|\n", text or ""):
            hand = PLACEHOLDER.sub(" ", re.sub(r"\{r\d+\.verdict:[^{}]*\}", " ", clause))
            claim = CLAIM.search(hand)
            if not claim or NEGATION.search(hand[:claim.start()]):
                continue
            if names is None:
                changes = measure_changes(case, ctx.catalog)
                names = {m.id: _names(m) for m in ctx.catalog.measures}
            said = {mid for mid, words in names.items() if any(w.search(hand) for w in words)}
            said |= {m.group(2) for m in PLACEHOLDER.finditer(clause) if m.group(2) in names}
            which = {int(m.group(1)) - 1 for m in PLACEHOLDER.finditer(clause) if m.group(1)}
            for mid in sorted(said):
                mine = [c for c in changes if c.measure == mid and (c.reassessment in which if which else
                                                                    own is None or c.reassessment == own)]
                if mine and not any(c.meaningful for c in mine):
                    c = mine[-1]
                    ctx.breach(text.where, "meaningful-claims-match", f"expected the text to call the change in "
                               f"{c.name} meaningful only where the engine does, found '{claim.group(0)}' in "
                               f"\"{clause.strip()}\", where the engine's verdict is: {c.verdict}")


def _names(measure) -> list[re.Pattern]:
    words = {measure.name.lower(), measure.name.split(" (")[0].lower(), measure.abbreviation.lower(),
             measure.id.replace("-", " ")}
    return [re.compile(r"(?<![a-z0-9])" + re.escape(w) + r"(?![a-z0-9])", re.I) for w in words if len(w) >= 2]
