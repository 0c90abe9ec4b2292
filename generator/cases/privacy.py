"""Privacy guard: worked cases must be synthetic, so text that looks like a real identifier is an error.

Educators paste from real notes. A case whose text holds one of these is rejected with its
location before it can reach a public site (README, "What counts as an identifier"):

* a Social Security number: 123-45-6789, 123 45 6789, 123456789, or 'SSN' with any digits;
* a phone number: (555) 123-4567, 555.123.4567, 555/123-4567, (555)1234567, 555 123 4567,
  5551234567, +1 555 123 4567, +44 20 7946 0958, or 555-1234 after 'call', 'phone', 'cell' ...;
* an e-mail address, also written 'jane [at] clinic [dot] com', 'jane at clinic dot com',
  'jane . doe @ clinic . com' or with a full-width ＠;
* a record, member or account number: MRN 12345678, member ID ABC123456, patient #4471,
  account no. 99812, claim number, policy, Medicare/Medicaid or plain 'ID' numbers; a Medicare
  Beneficiary Identifier in its own shape, run together or in groups (1EG4 TE5 MK73);
* a date of birth in any form after 'DOB', 'date of birth', 'born' ...: 3/4/51, 1951-03-04,
  March 3rd, 1951, 3rd of March 1951, 14-Mar-1951, 1951;
* a name with a title: Mrs. Jane Smith, Dr Patel, Mr. K. (a bare 'Dr.' as the referrer's role is
  fine); a name after a word that introduces one: 'client Jane Smith', 'name: Voss', 'daughter Maria';
* a street address (a house number, capitalised street words and a street type: 12 Oak Street)
  and a ZIP code after a city and state ('Portland, OR 97205') or the word ZIP;
* a long digit run (11 digits or more) or a card number in groups of four.

Trainer shorthand passes: 3x12@7.5kg, 200 400 1600 m, 2x/week, 30CST 8 → 11, codes (97110,
M54.50), dates of service (2026-03-14), BP 128/82, ranges such as 10-12 reps. Text is compared
after Unicode compatibility folding (full-width digits and ＠, other scripts' digits, invisible
format characters and dash look-alikes), so a pasted identifier cannot hide behind them.

Each kind of identifier has a gate, a cheap test that must pass for the kind's patterns to match
at all, and the patterns themselves. A file's strings, joined, go through the gates once
(`_suspect`); only a file that passes one is scanned string by string, kind by kind, and a kind
is only searched for where its gate passes. So the quick test never lets through what the full
scan reports (tests/test_privacy_guard.py checks both this and the guard's precision and recall
on a labelled corpus).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from metdocs.errors import Problem
from metdocs.catalog.load import Document, load_dir
from metdocs.catalog.yamlnodes import strings

_A = re.ASCII
_AI = re.ASCII | re.IGNORECASE

# --- normalising -------------------------------------------------------------------------------------

_FOLD = {**{c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"},
         **{c: "" for c in "\u00ad\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"}}
"""Dash look-alikes to '-'; invisible format characters (soft hyphen, zero-width space ...) removed."""
_ASCII_BYTES = bytes(range(128))


def plain(text: str) -> str:
    """`text` as the patterns see it: ASCII text unchanged, anything else folded (NFKC: full-width
    digits and ＠, ligatures), dashes unified, invisible characters dropped, digits of any script
    made ASCII. Works per character, so folding joined strings equals joining folded ones."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        return text
    # The few distinct non-ASCII characters, found without a Python loop over the text: UTF-8
    # with its ASCII bytes deleted is the other characters' bytes, still valid UTF-8.
    for c in set(text.encode("utf-8").translate(None, _ASCII_BYTES).decode("utf-8")):
        if c in _FOLD:
            text = text.replace(c, _FOLD[c])
        elif c.isdecimal():
            text = text.replace(c, str(unicodedata.decimal(c)))
    return text


# --- the kinds of identifier ----------------------------------------------------------------------------

_UNIT = (r"(?:m|km|mi|ft|yd|in|kg|lb|lbs|g|s|sec|secs|seconds?|min|mins|minutes?|h|hrs?|reps?|steps?|sets?|"
         r"x|%|cal|kcal|bpm|w|watts?|mph|kph|meters?|metres?|yards?|feet|laps?|rounds?)\b")
_ROUND_OR_UNIT = re.compile(r"\s?" + _UNIT, _AI)


def _not_a_measurement(m: re.Match) -> bool:
    """Digit groups apart ('200 400 1600 m', '100/200/3000') are a number list when a unit follows
    or every group is round; otherwise they read as a phone or SSN."""
    groups = re.findall(r"[0-9]+", m.group())
    followed = _ROUND_OR_UNIT.match(m.string, m.end()) is not None
    return not (followed or all(int(g) % 10 == 0 for g in groups))


@dataclass(frozen=True)
class Kind:
    name: str
    """As messages say it: 'a phone number'."""
    gates: tuple[Callable[[str, str], bool], ...]
    """gate(text, text.lower()) -> False for every gate only when no pattern below can match (both
    folded). Gates are shared between kinds and run once per text (`_Gates`)."""
    patterns: tuple[tuple[re.Pattern, Callable[[re.Match], bool] | None], ...]
    """(regex, accept) pairs: a match counts when `accept` is None or says so."""

    def found_in(self, text: str, gates: "_Gates") -> bool:
        if not any(gates(g) for g in self.gates):
            return False
        for rx, accept in self.patterns:
            for m in rx.finditer(text):
                if accept is None or accept(m):
                    return True
        return False


class _Gates:
    """The gates' answers for one text, each worked out at most once."""

    def __init__(self, text: str):
        self.text, self.low, self.known = text, text.lower(), {}

    def __call__(self, gate) -> bool:
        answer = self.known.get(gate)
        if answer is None:
            answer = self.known[gate] = gate(self.text, self.low)
        return answer


_RUN = re.compile(r"[0-9](?:[ \t()./+-]{0,3}[0-9]){6,}", _A)
"""Seven digits or more with at most three separators between neighbours: every unlabelled number
kind (SSN, phone, long runs) has at least that many."""
_ISO_DATE = re.compile(r"(?<![0-9])[0-9]{4}-[0-9]{2}-[0-9]{2}(?![0-9])", _A)


def _digits_gate(text: str, low: str) -> bool:
    for m in _RUN.finditer(text):
        run = m.group()
        # Dates of service (2026-03-14) fill case files. No unlabelled pattern matches across one
        # (their digit groups never read 4-2-2) but an international number, after a '+'; so a
        # run with no '+' counts only for what is left of it without its dates.
        if "-" in run and "+" not in run and not (m.start() and text[m.start() - 1] == "+"):
            if len(run) == 10 and run[4] == run[7] == "-" and (run[:4] + run[5:7] + run[8:]).isdigit():
                continue  # the usual case: the run is one date
            if _RUN.search(_ISO_DATE.sub("_", run)) is None:
                continue
        return True
    return False


def _words_gate(*words: str) -> Callable[[str, str], bool]:
    return lambda text, low: any(w in low for w in words)


def _regex_gate(pattern: str, *, lowered: bool = True, needs: str = "") -> Callable[[str, str], bool]:
    """A regex searched in the lower-cased text (or the text itself); `needs` is a literal that
    every match holds, tested first because `in` is much faster than a regex."""
    rx = re.compile(pattern, _A)
    if lowered:
        return lambda text, low: (needs in low) and rx.search(low) is not None
    return lambda text, low: (needs in text) and rx.search(text) is not None


_NOT_AFTER_DIGIT = r"(?<![0-9.,])"
_END = r"(?![0-9])"

_SSN_WORD = _regex_gate(r"(?:ssn(?![a-z])|social\s+security)")
SSN = Kind("a Social Security number", (_digits_gate, _SSN_WORD), (
    (re.compile(_NOT_AFTER_DIGIT + r"[0-9]{3}([.-]?)[0-9]{2}\1[0-9]{4}" + _END, _A), None),
    (re.compile(_NOT_AFTER_DIGIT + r"[0-9]{3} [0-9]{2} [0-9]{4}" + _END, _A), _not_a_measurement),
    (re.compile(r"\b(?:ssn|social\s+security(?:\s+(?:number|no\.?|\#))?)(?![a-z])[\s.:#=-]{0,4}(?:is\s+)?"
                r"\(?[0-9x*]{3}\)?\s?[ .-]?\s?[0-9x*]{2}\s?[ .-]?\s?[0-9]{4}" + _END, _AI), None),
    (re.compile(r"\b(?:ssn|social\s+security)(?![a-z])[^0-9\n]{0,15}[0-9]{4}" + _END, _AI), None),  # the last four
))

PHONE = Kind("a phone number", (_digits_gate,), (
    # 3-3-4 digits: the area code in brackets (then any separator or none) or followed by . - or /
    (re.compile(_NOT_AFTER_DIGIT + r"(?:\+?1[ .-]?)?(?:\([0-9]{3}\) ?[./-]? ?|[0-9]{3}[.-])[0-9]{3}[ ./-]?[0-9]{4}" + _END,
                _A), None),
    (re.compile(_NOT_AFTER_DIGIT + r"(?:\+?1[ ./-]?)?[0-9]{3} ?/ ?[0-9]{3}[ ./-]?[0-9]{4}" + _END, _A), _not_a_measurement),
    (re.compile(_NOT_AFTER_DIGIT + r"(?:\+?1 )?[0-9]{3} ?[0-9]{3} ?[0-9]{4}" + _END, _A), _not_a_measurement),
    (re.compile(r"(?<![0-9])0[0-9]{4} ?[0-9]{3} ?[0-9]{3}" + _END, _A), None),  # a national number: 07700 900 123
    (re.compile(r"(?<![0-9])(?:\+?1)?[0-9]{10}" + _END, _A), None),
    (re.compile(r"(?<![0-9])\+[0-9]{1,3}(?:[ .-]?[0-9]){7,14}" + _END, _A), None),
    (re.compile(r"(?:\b(?:phone|tel|telephone|cell|mobile|mob|call(?:ed)?|text(?:ed)?|fax|ph|contact(?:ed)?|reach(?:ed)?)"
                r"\b|\#)[^0-9\n]{0,20}(?:[0-9]{3}[ ./-]?[0-9]{4}|[0-9](?:[ ./()-]{0,2}[0-9]){6,14})" + _END, _AI), None),
))

_BR_AT = r"[\[({<]\s{0,2}at\s{0,2}[\])}>]"
_BR_DOT = r"[\[({<]\s{0,2}dot\s{0,2}[\])}>]"
_DOT = rf"(?:\s{{0,2}}{_BR_DOT}\s{{0,2}}|\s+dot\s+|\.)"
_TLD = r"(?:com|org|net|edu|gov|mil|io|uk|ca|au|nz|ie|info|biz|health)"
"""Top-level domains: an address spelled out with spaces must end in one to count (not '@ home. Then')."""
_SPACED_DOT = rf"(?:\s+\.\s*|\.(?!\s)|\s*{_BR_DOT}\s*|\s+dot\s+)"
"""A dot spelled out or spaced ('jane . doe', 'clinic .com'), never a sentence's end ('@ home. Then')."""
EMAIL = Kind("an e-mail address", (_words_gate("@", "dot"), _regex_gate(r"at\s{0,2}[\])}>]"),
                                   _regex_gate(rf"\.\s*{_TLD}\b", needs=".")), (
    (re.compile(rf"[a-z0-9._%+-]+\s{{0,2}}(?:@|{_BR_AT})\s{{0,2}}[a-z0-9-]+(?:{_DOT}[a-z0-9-]+)*{_DOT}[a-z]{{2,}}\b",
                _AI), None),
    # spelled out with spaces around its @ (or 'at') and dots: the last part must be a domain's
    (re.compile(rf"\b[a-z0-9_%+-]+(?:{_SPACED_DOT}[a-z0-9_%+-]+)*\s*(?:@|{_BR_AT}|\bat\b)\s*[a-z0-9-]+"
                rf"(?:{_SPACED_DOT}[a-z0-9-]+)*?{_SPACED_DOT}{_TLD}\b", _AI), None),
))

_LABELLED = ("record", "chart", "member", "subscriber", "patient", "client", "policy", "insurance", "claim", "group",
             "medicaid", "medicare", "account", "plan")
_NUMBER_WORD = r"(?:id|number|no\b\.?|num\b|\#)"
_COLON_LABELLED = ("account", "member", "subscriber", "policy", "insurance", "chart")
"""Labels whose colon alone says a number follows ('Member: ABC123456'); 'Claim:' or 'Patient:'
start ordinary note text ('Claim: 97110 x 2 units')."""
_TOKEN = r"(?:is\s+)?[a-z]{0,4}[ -]?[0-9](?:[0-9a-z-]*[0-9])?(?:(?<=[0-9a-z]{3})[ -][a-z]{0,3}[0-9][0-9a-z]*){0,3}"
"""A number after a label, run together or in groups (XJH 884 213, W1234 56789; a short one such as
'#3' takes no further groups, so '#3 5x10' stays two things)."""
_MBI_LETTER = "[ac-hjkmnp-rt-y]"
_MBI = (rf"(?<![a-z0-9])[1-9]{_MBI_LETTER}(?:{_MBI_LETTER}|[0-9])[0-9][ -]?{_MBI_LETTER}(?:{_MBI_LETTER}|[0-9])[0-9][ -]?"
        rf"{_MBI_LETTER}{{2}}[0-9]{{2}}(?![a-z0-9])")
"""A Medicare Beneficiary Identifier: 11 places, each a digit or a letter (never S, L, O, I, B or Z)
in CMS's fixed order, run together or in the 4-3-4 groups it is printed in."""
RECORD = Kind("a medical record, member or account number", (
    _regex_gate(_MBI),
    *(_regex_gate(w + r"(?![a-z])", needs=w) for w in ("mrn", "mbi", "hicn", "acct")),
    _regex_gate(r"med(?:ical|\.)?\s*rec", needs="med"),
    *(_regex_gate(w + r"[\s.:#-]{0,3}" + _NUMBER_WORD, needs=w) for w in _LABELLED),
    *(_regex_gate(w + r"\s*:", needs=w) for w in _COLON_LABELLED),
    _regex_gate(r"id[\s.:#=a-z-]{0,20}[0-9]{4}", needs="id")), (
    (re.compile(r"\b(?:mrn|mbi|hicn|med(?:ical|\.)?\s*rec(?:ord|\.)?(?:\s*" + _NUMBER_WORD + r")?|acct\.?(?:\s*" + _NUMBER_WORD
                + r")?|(?:" + "|".join(_LABELLED) + r")[\s.:#-]{0,3}" + _NUMBER_WORD + r"|(?:"
                + "|".join(_COLON_LABELLED) + r")\s*:)(?![a-z])"
                r"[\s.:#=-]{0,4}" + _TOKEN, _AI), lambda m: sum(c.isdigit() for c in m.group()) >= 3),
    (re.compile(r"\bid\b[\s.:#=-]{0,4}(?:number|no\.?|num)?[\s.:#=-]{0,4}[a-z]{0,4}-?[0-9]{4,}", _AI), None),
    (re.compile(_MBI, _AI), None),
))

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DAY = r"[0-9]{1,2}(?:st|nd|rd|th)?"
_SEP = r"[\s/.,-]{1,3}"
"""Between two numbers of a date: spaces, or / . - as in 3/4/51 or 14 3 1951."""
_SEP0 = r"[\s/.,-]{0,3}"
"""Between a number and a month in words, which may also be run together: 14-Mar-1951, 09JAN1944."""
_YEAR = r"'?[0-9]{2,4}"
_DATE = (rf"(?:[0-9]{{1,4}}[/.-][0-9]{{1,2}}[/.-][0-9]{{1,4}}|{_MONTH}{_SEP0}{_DAY}{_SEP}{_YEAR}|"
         rf"{_DAY}{_SEP0}(?:of\s+)?{_MONTH}{_SEP0}{_YEAR}|[0-9]{{4}}{_SEP0}{_MONTH}{_SEP0}{_DAY}|"
         rf"{_MONTH}{_SEP0}'?[0-9]{{4}}|{_MONTH}{_SEP0}'[0-9]{{2}}|[0-9]{{1,2}}/[0-9]{{1,4}}|(?:19|20)[0-9]{{2}}|"
         rf"{_DAY}{_SEP0}(?:of\s+)?{_MONTH}(?![a-z])|{_MONTH}{_SEP0}{_DAY}(?![0-9]))")
"""A date in any of the ways people write one; after a birth word the day and month alone count too."""
_BIRTH = r"(?:\bd\.?\s?o\.?\s?b\b\.?|\bdate\s+of\s+birth\b|\bbirth\s*date\b|\bbirthday\b|\bb-?day\b|\bborn\b)"
DOB = Kind("a date of birth", (_words_gate("birth", "born"), _regex_gate(r"d\.?\s?o\.?\s?b", needs="b"),
                               _regex_gate(r"\bb-?day\b", needs="day")), (
    (re.compile(_BIRTH + rf"[\s:,=(\[-]{{0,4}}(?:(?:on|in|is|was)\s+)?{_DATE}(?![0-9])", _AI), None),
    (re.compile(rf"(?<![0-9]){_DATE}\s{{0,2}}[(\[]?\s{{0,2}}(?:d\.?\s?o\.?\s?b\b|date\s+of\s+birth\b)", _AI), None),
))

_TITLE = r"(?:Mrs|Mr|Ms|Miss|Mx|Dr|Prof|Professor|Doctor)"
_NOT_A_NAME = ("Office|Offices|Visit|Visits|Note|Notes|Order|Orders|Referral|Referrals|Approval|Signature|Clearance|"
               "Consult|Consultation|Appointment|Review|Recommendation|Recommendations|Instructions|Team|Staff|"
               "Assistant|Report|Letter|Follow|Followup|Prescription|Protocol|Clinic|Practice|Evaluation|Exam|Plan|"
               "Orthopedics|Orthopaedics|Cardiology|Neurology|Oncology|Rheumatology|Podiatry|Physiatry|Sports|"
               "Physical|Primary|Family|Internal|Pain|Unknown|Name|Redacted")
_LOWER_NOT_A_NAME = ("to|the|a|an|and|or|of|for|at|in|on|is|was|will|with|w|re|office|offices|order|orders|appt|"
                     "appointment|note|notes|visit|visits|ok|okd|said|says|wants|review|reviewed|signed|cleared|"
                     "clearance|referral|referrals|x-ray|xray|name|me|my|our|your|his|her|their|aware|called|"
                     "recommends|recommended|pcp|md|np|pa|ortho|follow|f|fu|consult|report|letter|team|staff|clinic|"
                     "practice|plan|exam|eval|evaluation|unknown|redacted|not|no|yes|and|also")
"""Lower-case words that follow a title typed in lower case ('dr. to review', 'mrs. with no name')."""
NAME = Kind("a name with a title (such as Mrs. Smith or Dr Patel)",
            (_regex_gate(_TITLE + r"\.?\s", lowered=False), _regex_gate(r"\b(?:mrs|mx|dr|mr|ms|prof|doctor)\.?\s")), (
    (re.compile(rf"\b{_TITLE}\b\.?\s{{1,3}}(?:[A-Z]\.\s?)*"  # initials, then a capitalised name
                rf"(?!(?:{_NOT_A_NAME})\b)[A-Z](?:'[A-Z])?[a-z][A-Za-z'-]*", _A), None),
    # or an initial alone: 'Mr. K.', 'Mrs J walked' (not 'Dr. I think')
    (re.compile(rf"\b{_TITLE}\b\.?\s{{1,3}}(?!I\s+[a-z])[A-Z](?:\.|(?=[\s,;:)]|$))", _A), None),
    # typed in lower case: 'mrs voss', 'dr. d'souza', 'dr k' ('ms' and 'dr' alone are also words: 'ms fatigue')
    (re.compile(rf"\b(?:mrs|mx)\b\.?\s{{1,3}}(?!(?:{_LOWER_NOT_A_NAME})\b)[a-z][a-z'-]*", _A), None),
    (re.compile(rf"\b(?:dr|mr|ms|prof|doctor)\.\s{{1,3}}(?!(?:{_LOWER_NOT_A_NAME})\b)[a-z][a-z'-]*", _A), None),
    (re.compile(r"\b(?i:mrs|mr|ms|miss|mx|dr|prof|doctor)\b\.?\s{1,3}[b-hj-z]\.?(?![A-Za-z0-9'-])", _A), None),
))

_RELATION = ("son|daughter|wife|husband|spouse|partner|caregiver|carer|mother|father|mom|mum|dad|sister|brother|"
             "niece|nephew|grandson|granddaughter|grandchild|guardian|friend|neighbou?r")
_SUBJECT = "client|patient|pt|resident|participant|contact"
_CAPITALISED = r"[A-Z][a-z]+(?:['-][A-Z]?[a-z]+)?"
_NOT_NAME_WORDS = frozenset((
    "Tolerated Reports Reported Report States Stated Denies Denied Declined Arrived Attended Completed Performed "
    "Walked Education Educated Goals Goal Response Responded Progress Status Plan Plans Name Notes Note Number Record "
    "Feedback Agreed Consented Signed Was Is Has Had Will Can Could Did Does Not No Yes Ok Okay The This That These "
    "A An And Or But With Without For From Prefers Prefer Needs Needed Uses Used Able Unable Independent Requires "
    "Required Requested Understood Understands Demonstrated Verbalized Instructed Safety Fall Falls Home Program "
    "Exercise Exercises Session Sessions Today Tomorrow Yesterday Reassessment Assessment Baseline Discharge "
    "Discharged Referral Referred Portal Handout Information Info Chart Intake History Consent Preference Preferences "
    "Group Class Cancelled Canceled Rescheduled Late Early Present Absent Fatigue Fatigued Pain Tired Motivated "
    "Engaged Compliant Adherent Walks Uses Needs Lives Lived Drives Works Worked Stands Sits Climbs Returned Returns "
    "Missed Skipped Felt Feels Said Says Asked Asks Notes Understood Goals Experience Experienced Comments Comment "
    "Ambulated Ambulates Transferred Transfers Monday Tuesday Wednesday Thursday Friday Saturday Sunday January "
    "February March April May June July August September October November December Mr Mrs Ms Miss Mx Dr Prof "
    "Medicare Medicaid Private Commercial Self Payer Plan Insurance Week Day Month Year Visit Visits Sit Stand To "
    "Of In On At Up Down Step Steps Squat Squats Press Bridge Bridges Walk Walking Balance Gait Stairs Bike Treadmill "
    "Lunge Lunges Row Rows Curl Curls Raise Raises Hold Holds Plank Cardio Strength Warm Cool Stretch Stretching "
    "Evaluation Protocol Summary Care Therapy Therapist Trainer Coach Instructor Provider Physician Doctor Nurse "
    "Office Orders Order Signature Approval Clearance Letter Prescription Specific Functional Outcome Outcomes "
    "Measure Measures Score Scores Test Tests Reassessed Assessed Screened Screening Vitals Vital Helps Takes "
    "Brings Calls Visits Stays Comes Goes Wants Thinks Picks Attends Joins Assists Supervises Watches Knows "
    "Keeps Makes Gets Does Also Always Never Often Usually Still Just Only Very").split()) | frozenset(
    _NOT_A_NAME.split("|"))
"""Capitalised words that follow 'client', 'patient' ... in notes and are no name (a sentence goes on)."""


_VERB = re.compile(r"[A-Z][a-z]{2,}(?:ed|ing)")
"""A capitalised word in -ed or -ing after 'son' or 'client' is what they did ('son Picked her up')."""


def _names(m: re.Match) -> bool:
    """A name follows the introducing word: each word not a note word; after 'client', 'patient'
    ... a first and a last name (or an initial), after 'name' or a relation one word is enough."""
    words = re.findall(r"[A-Z][a-z'-]*", m.group("name"))
    if not words or any(w.strip("'-") in _NOT_NAME_WORDS or _VERB.fullmatch(w) for w in words):
        return False
    return m.group("named") or m.group("label").lower() not in _SUBJECT.split("|") or len(words) >= 2


LABELLED_NAME = Kind("a name after a word that introduces one (such as client Jane Smith or daughter Maria)",
                     (_regex_gate(rf"\b(?i:{_RELATION}|{_SUBJECT}|name[ds]?)(?:'s)?\b(?i:\s+name)?[\s:,=-]{{1,3}}"
                                  r"(?i:(?:is|was)\s+)?[A-Z]", lowered=False),), (
    (re.compile(rf"\b(?P<label>(?i:{_RELATION}|{_SUBJECT}|name[ds]?))(?:'s)?\b(?P<named>(?i:\s+name))?[\s:,=-]{{1,3}}"
                rf"(?i:(?:is|was)\s+)?(?P<name>{_CAPITALISED}(?:\s+[A-Z]\.?(?![a-z]))?(?:\s+{_CAPITALISED})?)", _A), _names),
))

_STREET = ("Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|Circle|"
           "Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Crescent|Trail|Trl")
_STATES = ("AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|"
           "OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR")
_BODY = frozenset(("Knee Arm Hip Leg Heel Toe Calf Chest Back Side Lateral Seated Standing Single Double Split "
                   "Glute Core Trunk Shoulder Elbow Wrist Ankle Foot Hand Head Neck Step Box Band Cable Wall Floor "
                   "Mini Monster Sit Stand Reverse Front Tandem Balance Lunge Squat").split())
"""Words of exercise names that end like a street (Knee Drive, Arm Circle): no address."""
_HOUSE = rf"(?<![0-9.,x×@*])[0-9]{{1,6}}[A-Za-z]?\s+(?:[NSEW]\.?\s+)?(?:{_CAPITALISED}\s+){{1,3}}(?:{_STREET})\b"
ADDRESS = Kind("a street address or ZIP code", (_regex_gate(_HOUSE, lowered=False), _regex_gate(r"\bzip", needs="zip"),
                                               _regex_gate(r",\s*[A-Z]{2}\s+[0-9]{5}", lowered=False)), (
    # a house number, capitalised street words, a street type: 12 Oak Street, 4021 N. Main St.
    (re.compile(_HOUSE, _A), lambda m: not _BODY.intersection(m.group().split())),
    # a ZIP after a city and state, or after the word ZIP
    (re.compile(rf"\b{_CAPITALISED},\s*(?:{_STATES})\s+[0-9]{{5}}(?:-[0-9]{{4}})?(?![0-9])", _A), None),
    (re.compile(r"\bzip(?:\s*code)?[\s:#=-]{0,3}[0-9]{5}(?:-[0-9]{4})?(?![0-9])", _AI), None),
))

LONG_NUMBER = Kind("a long number (such as an account or card number)", (_digits_gate,), (
    (re.compile(r"(?<![0-9])(?!1[0-9]{10}" + _END + r")[0-9]{11,}" + _END, _A), None),  # 1 + 10 digits: a phone
    (re.compile(r"(?<![0-9])[0-9]{4}([ -])[0-9]{4}\1[0-9]{4}\1[0-9]{1,7}" + _END, _A), None),
))

KINDS: tuple[Kind, ...] = (SSN, PHONE, EMAIL, RECORD, DOB, NAME, LABELLED_NAME, ADDRESS, LONG_NUMBER)


def _suspect(text: str) -> bool:
    """False when no kind can be found in `text`: one string, or a whole file's strings joined by NULs.

    Only the gates run here; they look at single characters or at runs that never cross a NUL."""
    gates = _Gates(plain(text))
    return any(gates(g) for k in KINDS for g in k.gates)


def scan_text(text: str) -> list[str]:
    """Names of the identifier kinds that `text` appears to contain."""
    text = plain(text)
    gates = _Gates(text)
    return [k.name for k in KINDS if k.found_in(text, gates)]


def check_documents(docs: list[Document]) -> list[Problem]:
    """A problem for every string that looks like a real identifier."""
    problems = []
    for doc in docs:
        if doc.scalars is not None and not _suspect(doc.scalars):
            continue  # nothing in the file could match: the usual case, one pass instead of a walk
        for where, text in strings(doc.root):
            for kind in scan_text(text):
                problems.append(Problem(doc.at(*where), f"expected synthetic case text with no real identifiers, "
                                                         f"found what looks like {kind}; remove or fictionalise it"))
    return problems


def check_cases(cases_dir: Path) -> list[Problem]:
    """Scan every case file (files that do not parse are reported by the case loader instead)."""
    if not cases_dir.is_dir():
        return []
    docs, _ = load_dir(cases_dir)
    return check_documents(docs)
