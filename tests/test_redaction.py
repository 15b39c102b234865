"""Redaction of e-mails, phone numbers, postcodes and names, on comments like families write."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sefvoice.demo import demo_comments
from sefvoice.feedback.redaction import redact

REDACTED = [
    # E-mail addresses
    (
        "Email me at parent.example@example.com if you want to talk more.",
        "Email me at [email] if you want to talk more.",
    ),
    ("Contact jack.smith+school@example.co.uk please", "Contact [email] please"),
    # Phone numbers, as people type them
    (
        "Please ring me on 07700 900123 about the transport problem.",
        "Please ring me on [phone] about the transport problem.",
    ),
    ("my number is 07700900123", "my number is [phone]"),
    ("Ring 07700 900 123.", "Ring [phone]."),
    ("Call +44 7700 900123 or +44 (0)7700 900123.", "Call [phone] or [phone]."),
    ("From abroad: 0044 7700 900123", "From abroad: [phone]"),
    ("The school is on (01432) 260 000 or 01432 260000.", "The school is on [phone] or [phone]."),
    ("London 020 7946 0000, Manchester 0161-496-0000", "London [phone], Manchester [phone]"),
    # Full postcodes, in capitals or not, with or without the space
    (
        "We live at HR4 9AB and there is nothing local for disabled teenagers.",
        "We live at [postcode] and there is nothing local for disabled teenagers.",
    ),
    ("moved to hr49ab last year", "moved to [postcode] last year"),
    ("Before that SW1A 1AA, then B33 8TH.", "Before that [postcode], then [postcode]."),
    # Names after a title keep the title
    (
        "Mrs Patel at the hospital was so kind to us.",
        "Mrs [name] at the hospital was so kind to us.",
    ),
    ("Dr. Smith listened. Miss O'Brien did too.", "Dr. [name] listened. Miss [name] did too."),
    ("Mr John Smith-Jones rang.", "Mr [name] rang."),
    ("Mr and Mrs Khan came", "Mr and Mrs [name] came"),
    # Names after "my son" and the like, capitalised or not
    ("My son Jack is 12 and loves it.", "My son [name] is 12 and loves it."),
    ("my son jack has autism", "my son [name] has autism"),
    ("Our youngest daughter, Kwame, is 7.", "Our youngest daughter, [name], is 7."),
    ("my daughter May has a plan", "my daughter [name] has a plan"),
    ("My daughter is called grace.", "My daughter is called [name]."),
    ("A lady called Bethan rang me back.", "A lady called [name] rang me back."),
    ("His name is Dawid and he is 9.", "His name is [name] and he is 9."),
    # Common first names anywhere, with a surname after them
    ("I spoke to Sarah at the council.", "I spoke to [name] at the council."),
    ("Sarah Jones helped us so much.", "[name] helped us so much."),
    ("Oliver's teacher was great.", "[name]'s teacher was great."),
    ("Zoë and Mary-Jane are twins.", "[name] and [name] are twins."),
    ("I hope Will and Grace are ok.", "I hope [name] and [name] are ok."),
    # Everything at once
    (
        "Ring Dr Ahmed on 01432 260000 or email a.ahmed@nhs.example, HR1 2AB.",
        "Ring Dr [name] on [phone] or email [email], [postcode].",
    ),
]

UNCHANGED = [
    "The SENCo at school is brilliant and always rings me back.",
    "The SENDIASS worker and the EHCP coordinator were helpful.",
    # Everyday words that are also names, at the start of a sentence
    "Will they ever listen? May I say the plan was late.",
    "Grace and patience are what this needs. Hope is running out.",
    # Months and seasons
    "In May we had the review. Summer term was hard, June was better.",
    # Outward codes, roads, vitamins, ordinals and school years
    "We are in HR4, near the M5. He has B12 injections, the 8th this year. KS4 5th set.",
    "Nobody told us what happens after year 11. We are worried.",
    # Numbers that are not phone numbers
    "The meeting was at 09.30 on 01/02/2023 and cost £0.50. The 0-25 team, 2019-2020.",
    "He waited 18 weeks, then 104 days.",
    # Names inside place names, and capitalised words after a cue that are not names
    "We went to St Mary's school and the Queen Elizabeth Hospital, near Ross-on-Wye.",
    "I called Social Services. My son called me from school.",
    "My son I think needs more help. Thank you Mum and Dad.",
]


@pytest.mark.parametrize(("typed", "expected"), REDACTED)
def test_identifying_details_are_redacted(typed, expected):
    assert redact(typed) == expected


@pytest.mark.parametrize("typed", UNCHANGED)
def test_ordinary_words_are_left_alone(typed):
    assert redact(typed) == typed


def test_the_demo_comments_lose_only_what_identifies():
    changed = {line: redact(line) for line in demo_comments() if redact(line) != line}
    assert changed == {
        "Please ring me on 07700 900123 about the transport problem.": (
            "Please ring me on [phone] about the transport problem."
        ),
        "Mrs Patel at the hospital was so kind to us.": (
            "Mrs [name] at the hospital was so kind to us."
        ),
        "Email me at parent.example@example.com if you want to talk more.": (
            "Email me at [email] if you want to talk more."
        ),
        "We live at HR4 9AB and there is nothing local for disabled teenagers.": (
            "We live at [postcode] and there is nothing local for disabled teenagers."
        ),
    }


@pytest.mark.parametrize(("typed", "expected"), REDACTED)
def test_redacting_twice_changes_nothing_more(typed, expected):
    """An officer may start from a redacted text: the placeholders must survive."""
    assert redact(expected) == expected


@pytest.mark.parametrize(
    "text",
    [
        "jane (at) example.com",
        "jane at example dot com",
        "jane [at] example [dot] co [dot] uk",
        "JANE.SMITH AT EXAMPLE DOT ORG",
        "jane{at}example{dot}org",
        "jane at example.co.uk",
        "jane (at) example (dot) com",
        "jane at example . com",
        "jane (at) example . co . uk",
        "jane @ example . com",
    ],
)
def test_spelled_out_e_mail_addresses_are_redacted(text):
    assert redact(f"Write to {text} about it.") == "Write to [email] about it."


@pytest.mark.parametrize(
    "text",
    [
        "We met at school. Then it was better.",
        "We arrived at 9.30 and waited.",
        "She was at home.",
        "Good at maths.Then science.",
        "We met at school . Then it was better.",
    ],
)
def test_at_and_dot_in_ordinary_sentences_stay(text):
    assert "[email]" not in redact(text)


LABEL = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=2, max_size=12)
AT = st.sampled_from([" (at) ", "(at)", " [at] ", " {at} ", " at ", " AT ", " <at> "])
DOT = st.sampled_from([" dot ", " (dot) ", "[dot]", " DOT ", ".", " . "])


@settings(max_examples=300, deadline=None)
@given(LABEL, AT, LABEL, DOT, st.sampled_from(["com", "org", "net", "uk"]))
def test_any_spelling_of_an_address_leaves_no_part_of_it(local, at, domain, dot, ending):
    address = f"{local}{at}{domain}{dot}{ending}"
    assert redact(f"Contact me on {address} thanks") == "Contact me on [email] thanks"


def _best_of_three(text: str) -> float:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        redact(text)
        times.append(time.perf_counter() - started)
    return min(times)


@pytest.mark.parametrize("chain", ["b . ", "b dot ", "b.c@"])
def test_redacting_grows_with_the_text_not_its_square(chain):
    """A long run of letters before " at " and a long chain of dots: were every start inside
    the run tried again, four times the text would take sixteen times as long (it takes
    about five)."""

    def hostile(n: int) -> str:
        return "a" * (4 * n) + " at " + chain * n

    short, long = _best_of_three(hostile(2000)), _best_of_three(hostile(8000))
    assert long < 10 * short, f"{short:.4f} s for 2,000, {long:.4f} s for 8,000"
