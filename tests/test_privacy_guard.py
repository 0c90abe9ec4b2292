"""The privacy guard: how well it tells real identifiers from trainer shorthand, and its quick test.

Two labelled corpora of realistic note text (this file's, and privacy_corpus.py's, written the
way trainers type): IDENTIFIERS must each be reported (recall), SHORTHAND must pass (precision).
The rates are printed and held to 1.0, on each corpus and on every kind. `privacy._suspect` decides
from one joined string whether a file needs the per-string scan at all; a false "clean" would let
a real identifier onto a public site, so a property test checks it never says clean when the full
scan reports something.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO
from metdocs.catalog.load import Document, load_file, yaml_files
from metdocs.cases.privacy import KINDS, _suspect, check_documents, plain, scan_text
from privacy_corpus import NEW_IDENTIFIERS, NEW_SHORTHAND

IDENTIFIERS = [
    # Social Security numbers
    "SSN 123-45-6789 on the intake sheet", "ssn: 123 45 6789", "Social security number 123456789",
    "SS number written as 123.45.6789 in the referral", "social security no. 078-05-1120",
    "Pasted from the chart: 219-09-9999.", "SSN XXX-XX-1234 (last four on file)", "id card 123 45 6789",
    # phone numbers
    "Call her at 555-123-4567 to reschedule", "cell (555) 123-4567", "phone 555.123.4567",
    "mobile 5551234567", "tel +1 555 123 4567", "+15551234567", "reach daughter on 555 123 4567",
    "Phone: 1-800-555-0199", "contact: +44 20 7946 0958", "called 555-0142 twice, no answer",
    "home phone 555 0142", "text 555-987-6543 before sessions", "(555)987-6543 after 5 pm",
    "number is ５５５-１２３-４５６７", "spouse +1 (555) 123-4567", "fax 555-123-4567 for the report",
    "ph 555‑123‑4567 (non-breaking hyphens)", "555 123 4567 is the best number",
    # e-mail addresses
    "email jane.doe@example.com for the plan", "Sent the home program to jdoe@clinic.org.",
    "jane.doe [at] example [dot] com", "jane(at)clinic(dot)org", "write to jane at clinic dot com",
    "jane＠example．com", "j.smith {at} mail {dot} net", "jane.doe@example dot com",
    "contact jane_doe+pt@health.example.co.uk", "jsmith <at> clinic <dot> org", "J.Doe@Example.COM",
    "address: jane [ at ] example [ dot ] com",
    # medical record, member and account numbers
    "MRN 12345678", "MRN: A-99812", "mrn#4471902", "Medical record number 00482913",
    "medical record # 7741", "member ID ABC123456", "Member ID: XJH884213", "member # 88213",
    "subscriber ID W123456789", "patient ID 44718", "Patient #4471", "patient number 2291",
    "account number 99812", "Acct # 44-1922", "acct no. 7731", "policy number PLY-2231",
    "insurance ID 9981-223", "claim number 20260314001", "Medicaid ID 12345678", "MBI 1EG4-TE5-MK73",
    "chart # 33412", "client ID 55123", "ID: 88213", "ID number 4471902", "health plan ID 88213",
    "record no. 4471", "Member id ＡＢＣ１２３４５６", "HICN 123456789A",
    # dates of birth
    "DOB 3/4/51", "D.O.B. 03/04/1951", "d.o.b. 1951-03-04", "date of birth: March 3, 1951",
    "born March 3rd, 1951", "Born on 3 March 1951", "born 3rd of March 1951", "DOB: 04.03.1951",
    "birthdate 1951-03-04", "Date of birth 12/25/1948", "born in 1951", "dob mar 3 1951",
    "birthday: Sept. 14, 1949", "born 14 Sep 49", "03/04/1951 (DOB)", "DOB ０３/０４/１９５１",
    "date of birth 3/51", "born June 1950",
    # names with titles
    "Referred by Dr. Patel after discharge", "Dr Patel's referral dated 2026-03-01", "Mrs. Jane Smith",
    "Mr Jones walked 400 m", "seen with Ms. Lee (daughter)", "Miss Daisy Hart attended",
    "Prof. Alan Grant reviewed the plan", "Doctor Smith signed the referral", "Dr. A. Kumar, orthopaedics",
    "Mx Taylor prefers mornings", "per Dr. O'Brien", "Mrs Gonzalez-Rivera reported no falls",
    # long numbers and cards
    "card 4111 1111 1111 1111", "account 123456789012", "ref 4111-1111-1111-1111",
    # as they come pasted from a real note
    "Client: Mrs. Eleanor Voss", "Emergency contact: son, 555-321-7788", "DOB 1/9/44", "born 9 January 1944",
    "Her birthday is in January; born 1944", "MRN#: 000123987", "Member no. XYZ-442-119",
    "Insurance member ID: 1EG4TE5MK73", "email: e.voss@gmail.com", "Contact via eleanor dot voss at gmail dot com",
    "SSN ending 6789", "Dr. Hernandez (PCP) wants an update", "referred by Dr Chen-Wong", "Account: 44129-88",
    "Member: ABC123456", "Phone (555) 010-4477", "+1-555-010-4477", "555.010.4477 (cell)",
]

SHORTHAND = [
    # loads, sets and reps
    "3x12@7.5kg", "3 x 12 @ 7.5 kg", "2x10 @ 60% 1RM", "3x8@20kg leg press", "12@60%", "5x5 @ 40 kg",
    "goblet squat 3x10 @ 12 kg", "sit-to-stand x 10, 3 sets", "10-12 reps", "3 sets of 10", "1-2-3 count",
    "step-ups 2x15 @ 8 in box", "farmer carry 4 x 20 m @ 10 kg each hand", "bands: red → green",
    # distances, times, intervals
    "200 400 1600 m", "intervals of 200 400 800 m", "walked 1,200 m", "10,000 steps", "6MWT 320 m → 410 m",
    "400m repeats x4", "1600m in 14:30", "walk 20 min, rest 2 min", "15 min", "8 min on 97112",
    "treadmill 2.5 mph 0% 10 min", "bike 50 W 12 min", "100 200 3000 m ladder", "800 1200 1600 m",
    # frequencies and dates of service
    "2x/week for 8 weeks", "2x/wk", "3x/week", "q30d reassessment", "Day 30", "week 6 of 8",
    "session on 2026-03-14", "reassessed 2026-04-13, 30 days after baseline", "2026-02-20 to 2026-03-20",
    "seen 03/14/2026", "next visit 04/13/2026", "10:30-11:15", "start 09:00, stop 09:45", "07:45–08:30",
    # measures
    "30CST 8 → 11", "TUG 14.2 s", "TUG 14.2 s → 10.9 s", "Berg 41/56", "ABC 62%", "FGA 18/30",
    "LEFS 38/80", "ODI 42%", "5xSTS 16.8 s", "gait speed 0.8 m/s", "BP 128/82", "HR 72 bpm", "SpO2 96%",
    "RPE 13/20", "HR 120-140", "BP 132/84 → 128/80", "Borg 4/10", "grip 22 kg", "MCID 9 points",
    # codes
    "97110", "CPT 97110/97112/97530", "97110 x 2 units", "97530 1 unit", "M54.50", "R26.81", "G20.A1",
    "I69.351", "ICD-10-CM M17.11", "GP modifier", "modifier 59", "KX", "97110: 25 min, 97530: 22 min",
    "97110 25 min + 97530 22 min = 47 min → 3 units", "22 min = 1 unit", "38-52 min", "8-minute rule",
    # roles, words that look like labels
    "Referred by Dr.", "referrer: Dr. (orthopaedic surgeon)", "orthopedic surgeon (MD)",
    "primary care physician (DO)", "Dr. to review at follow-up", "per Dr. Office note",
    "born out of frustration with stairs", "first-born son helps with groceries", "airborne allergies",
    "member of a walking group", "patient reported 3 falls", "the patient ID band was not needed",
    "account for rest breaks", "group of 4 clients", "record the minutes per code", "chart review done",
    "client prefers mornings", "claim line 1: 97110 x 2", "policy varies by payer", "ID each deficit",
    "phone follow-up after session 3", "called to reschedule", "e-mailed the home program",
    "emailed the plan to the client", "at 2:30 pm", "meet at the gym", "drop sets", "Drills at home",
    "MS Society walk", "Ms", "Mrs.", "age band 70-74", "90+", "A. Trainer, MedExPRO",
    "version 1.0.0", "pain 3/10 → 1/10", "ROM 0-110°", "flexion 95° → 115°", "1 in 4 steps missed",
    "3 of 5 stairs", "dot the i's", "doc signed", "born-again runner",
    # as they come in real session notes
    "Pt tolerated 3 sets; progressed to 5 lb DB", "Seated row 3x12 @ 25 lb, cue scapular retraction",
    "SLS 12 s R, 8 s L", "Dynamic Gait Index 18/24", "Walked 2 laps (about 160 m)", "Bike 10 min @ level 4, RPM 60-70",
    "Total timed minutes 47; units 3 (CMS)", "From 2026-03-02 through 2026-03-30", "Reassess by 2026-04-01 (30 days)",
    "Home program: 2 x 10 heel raises, 3x/day", "Goal: TUG < 12 s by week 8", "Wt 82.5 kg, Ht 170 cm", "BMI 28.4",
    "Squat to 45 cm box", "Intervals 30 s on / 30 s off x 8", "Level 3 of 10", "Rest 90 s between sets",
    "stairs 12 steps x 3", "sessions 1-12 billed as 97110", "Mrs. with no name given", "MS fatigue scale 45/63",
    "Doctor's orders: no running", "Progress note #3", "Session #4", "claim #2 of 3", "Member #3 of the group",
    "patient no. 3", "account no. 12", "ID 12", "100 m, 200 m, 400 m", "Berg 45 → 50 (MDC 5)",
    "ICD-10 R26.81 pointer A", "CPT® 97110", "2 units 97110 (23-37 min)", "line 1 97110 x2, line 2 97530 x1",
    "120/80 mmHg", "walk 1.2 km in 15:20", "steps 4,500/day", "4500 steps per day", "5 x 1 min @ 3.0 mph, 2% grade",
    "Ladder 1-2-3-4-5-4-3-2-1", "Phone call with referrer: no change", "phone check-in 10 min", "call at 10:30",
    "Phase 2 weeks 3-6", "Reps: 10, 10, 8, 8, 6", "1000 m row, 500 m ski, 250 m bike", "Claim: 97110 x 2 units",
    "Medicare: not billable for 97110", "Patient: 3 falls since March", "Plan: 2x/week, 97110 and 97530",
]


def _flagged(text: str) -> bool:
    return bool(scan_text(text))


def _rates(identifiers: list[str], shorthand: list[str]) -> tuple[float, float, list[str], list[str]]:
    true_pos = [t for t in identifiers if _flagged(t)]
    false_pos = [t for t in shorthand if _flagged(t)]
    missed = [t for t in identifiers if not _flagged(t)]
    return (len(true_pos) / len(identifiers), len(true_pos) / max(1, len(true_pos) + len(false_pos)),
            missed, false_pos)


CORPORA = {"first": (IDENTIFIERS, SHORTHAND), "as trainers type": (NEW_IDENTIFIERS, NEW_SHORTHAND),
           "both": (IDENTIFIERS + NEW_IDENTIFIERS, SHORTHAND + NEW_SHORTHAND)}


@pytest.mark.parametrize("corpus", sorted(CORPORA))
def test_corpus_precision_and_recall(capsys, corpus):
    identifiers, shorthand = CORPORA[corpus]
    assert len(set(identifiers)) == len(identifiers) and len(set(shorthand)) == len(shorthand)
    assert not set(identifiers) & set(shorthand)
    recall, precision, missed, false_pos = _rates(identifiers, shorthand)
    with capsys.disabled():
        print(f"\nprivacy guard, {corpus} corpus: {len(identifiers)} identifiers, {len(shorthand)} shorthand texts; "
              f"recall {recall:.3f}, precision {precision:.3f}")
    assert missed == []
    assert false_pos == []
    assert recall == 1.0 and precision == 1.0


def test_the_new_corpus_is_twice_the_size_of_the_first():
    """The corpus that found the misses was written after the first; this one holds each form
    it found and the shorthand each new pattern could mistake, at more than twice the first's size."""
    assert len(NEW_IDENTIFIERS) + len(NEW_SHORTHAND) >= 2 * (len(IDENTIFIERS) + len(SHORTHAND))
    assert len(IDENTIFIERS) + len(SHORTHAND) >= 150


@pytest.mark.parametrize("kind", [k.name for k in KINDS])
def test_every_kind_is_found_in_many_forms(kind):
    """Every kind the README claims has a general pattern, shown by many differently written identifiers."""
    found = [t for t in IDENTIFIERS + NEW_IDENTIFIERS if kind in scan_text(t)]
    assert len(found) >= 10, found


def test_the_readme_lists_every_kind():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### What counts as an identifier", 1)[1].split("\n### ", 1)[0]
    rows = [r.split("|")[1].strip() for r in section.splitlines() if r.startswith("| ") and not r.startswith("| ---")]
    assert rows[0] == "kind" and len(rows[1:]) == len(KINDS)


@pytest.mark.parametrize("text, kind", [
    ("SSN 123-45-6789", "Social Security"), ("call 555-123-4567", "phone"), ("jane [at] x [dot] com", "e-mail"),
    ("MRN 12345678", "record"), ("born March 3rd, 1951", "birth"), ("Dr Patel", "name"),
    ("4111 1111 1111 1111", "long number"), ("client Jane Smith", "introduces"), ("12 Oak Street", "street address"),
    ("Portland, OR 97205", "ZIP code"), ("MBI 1EG4 TE5 MK73", "record"),
])
def test_each_kind_is_named_in_the_message(text, kind):
    assert any(kind in k for k in scan_text(text)), scan_text(text)


def test_folding_sees_through_full_width_and_invisible_characters():
    assert plain("５５５‑１２３\u200b‑４５６７ ＠ ٣") == "555-123-4567 @ 3"
    assert _flagged("555\u200b-123-4567") and _flagged("ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ")


# --- the quick test -------------------------------------------------------------------------------------

FRAGMENTS = ["2026-03-14", "+1 ", "+", "555-123-4567", "(555) 123-4567", "+1 555.123.4567", "123-45-6789",
             "1234-567-8901", "a@b.io", "MRN: 88", "medical record # 7", "DOB 01/02/1990", "D.O.B.: 3.4.1950",
             "date of birth March 3, 1950", "born 3 May 1950", "bİrth", "date of b\u0130rth 1/2/1950", "\u0131",
             "\u212a", "\u017f", "\u0663\u0663\u0663-\u0664\u0664-\u0665\u0665\u0665\u0665", "[at]", " dot ", "com",
             "Dr ", "Mrs. ", "Smith", "member ID ", "ID ", "AB", "555 123 4567", " m", "5551234567", "＠", "１",
             "\u200b", "\u2011", "3x12@7.5kg", "200 400 1600", "ssn ", "acct ", "id", "ICD ", "(", ")",
             "/", "555/123/4567", "(555)1234567", " . ", " @ ", " at ", ".com", " dot ", "Mar", "14-Mar-1951", "DOB ",
             "bday ", "1EG4 TE5 MK73", "mbi ", "client ", "Jane ", "Smith", "son ", "name: ", "12 ", "Oak ", "Street",
             "Portland, ", "OR ", "97205", "zip ", "Mrs ", "K ", "dr ", "k", "med rec # ", "group # "]
PIECES = st.one_of(st.sampled_from(FRAGMENTS), st.text(alphabet="0123456789-. ()+@:/#,\nabdhimnortecMRNDOBSJK", max_size=8))
STRINGS = st.lists(st.lists(PIECES, max_size=6).map("".join), max_size=6)


@settings(max_examples=500, deadline=None)
@given(STRINGS)
def test_quick_test_is_never_clean_when_a_string_matches(strings):
    if any(scan_text(s) for s in strings):
        assert _suspect("\x00".join(strings))


@pytest.mark.parametrize("text", [
    "seen 2026-03-14, call 555-123-4567",  # the date before must not hide the phone number
    "+1 2026-03-14",                       # a date of service after a '+' reads as a phone number
    "s1 (2026-09-09) then 555 123 4567",
    "x\x00123-45-6789",                    # right after the separator between two strings
    "jane\u200b@example.com",
])
def test_quick_test_catches_the_hard_cases(text):
    assert any(scan_text(part) for part in text.split("\x00"))
    assert _suspect(text)


def test_quick_test_passes_dates_and_plain_notes():
    assert not _suspect("2026-03-14\x00TUG 14.2 s\x0097110\x00Sit-to-stand x 10, 3 sets\x00s1 (2026-09-09)")


def test_results_are_the_same_with_and_without_the_quick_test(tmp_path: Path):
    case = tmp_path / "c.yaml"
    case.write_text("a: 2026-03-14\nb: [call 555-123-4567, fine]\nc:\n  d: MRN 12345\n", encoding="utf-8")
    doc, _ = load_file(case)
    full = Document(doc.path, doc.root, doc.shown, None)  # None: walk every string
    assert [str(p) for p in check_documents([doc])] == [str(p) for p in check_documents([full])]
    assert len(check_documents([doc])) == 2


def test_shipped_cases_take_the_quick_path():
    """The speed of loading a large case folder relies on clean files needing one pass."""
    for path in yaml_files(REPO / "data" / "cases"):
        doc, _ = load_file(path)
        assert doc.scalars and not _suspect(doc.scalars), path.name


def test_readme_states_the_corpus_and_its_rates():
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    identifiers, shorthand = len(IDENTIFIERS) + len(NEW_IDENTIFIERS), len(SHORTHAND) + len(NEW_SHORTHAND)
    assert f"({identifiers} identifiers, {shorthand} pieces of trainer shorthand" in readme
    assert "recall is 1.000 and its precision 1.000" in readme  # the rates test_corpus_precision_and_recall holds
