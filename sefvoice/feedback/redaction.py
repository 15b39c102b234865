"""Rule-based redaction of what a respondent typed, before a forum rep sees it.

An officer reads every comment, and edits this suggestion, before it is approved; the rules
aim to catch what people usually type, and to leave ordinary words alone.

- E-mail addresses become [email], spelled out too ("jane (at) example dot com").
- UK phone numbers become [phone]: a 0 (or +44, 0044, "+44 (0)") then 9 or 10 digits, with
  spaces, dots, dashes or brackets between them: "07700 900123", "(01432) 260 000".
- Full UK postcodes become [postcode] ("HR4 9AB", "hr49ab"), for the UK's postcode areas only,
  so "KS4 5TH" stays. An outward code on its own ("HR4") stays: it covers thousands of homes,
  and the same shape is a road ("M5"), a vitamin ("B12") or a school year.
- Names become [name]:
  - after a title, any capitalised word: "Mrs Patel" -> "Mrs [name]";
  - after "my son", "her daughter" and the like, any capitalised word, or a known first name
    typed in lower case ("my son jack"); after "a lady called", "he is called" and "her name
    is", also a known first name that is an everyday word ("called grace");
  - anywhere else, a capitalised word in sefvoice/data/first-names.txt (common UK first names),
    and the capitalised word after any name, as a surname ("Sarah Jones" -> "[name]").
  Trade-offs: names that are also everyday words (Will, Grace, Hope) are kept at the start of
  a sentence, where every word has a capital, so "Will starts school" is missed. Months and
  seasons (May, June, Summer) are kept unless a title or "my daughter" comes before them.
  Names not in the list, with no such cue ("Kwame helped us"), and names typed in lower case
  with no cue, are missed; the officer's reading is the last check.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

# A dot typed with a space each side (" . ") is a dot too; ". " alone ends a sentence.
_SPACED_DOT = r"(?:\.|\s\.\s)"
# Each starts only where a run of address characters starts (the lookbehind): trying every
# position inside a long run again would take time in the square of the text's length.
_LOCAL = r"(?<![\w.+'-])[\w.+'-]+"
EMAIL = re.compile(rf"{_LOCAL}(?:@|\s@\s)[\w-]+(?:{_SPACED_DOT}[\w-]+)+")
# Spelled out: "jane (at) example.com", "jane [at] example [dot] com", "jane at example dot
# com". A bare " at " also joins ordinary words ("met at school. Then"), so after one the
# address must spell a dot out or end in a common ending (".com", ".org.uk").
_BRACKETED_AT = r"\s*[(\[{<]\s*at\s*[)\]}>]\s*"
_SPELLED_DOT = r"(?:\s*[(\[{<]\s*dot\s*[)\]}>]\s*|\s+dot\s+)"
_DOT = rf"(?:{_SPELLED_DOT}|{_SPACED_DOT})"
_ENDING = r"(?:com|org|net|uk|gov|nhs|ac|sch|edu|info|io|me|co)\b"
SPELLED_EMAIL = re.compile(
    rf"{_LOCAL}(?:{_BRACKETED_AT}[\w-]+(?:{_DOT}[\w-]+)+"
    rf"|\s+at\s+[\w-]+(?:(?:{_DOT}[\w-]+)*{_SPELLED_DOT}[\w-]+"
    rf"|(?:{_SPACED_DOT}[\w-]+)*{_SPACED_DOT}{_ENDING}))",
    re.IGNORECASE,
)
# The lookbehind stops a match starting inside a longer number or word.
PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+44|0044) ?(?:\(0\) ?)?|\(?0)"  # +44, 0044, "+44 (0)", 0 or "(0"
    r"(?:[ ().-]{0,2}\d){9,10}(?!\d)"
)
# fmt: off
POSTCODE_AREAS = (
    "AB", "AL", "B", "BA", "BB", "BD", "BH", "BL", "BN", "BR", "BS", "BT", "CA", "CB", "CF",
    "CH", "CM", "CO", "CR", "CT", "CV", "CW", "DA", "DD", "DE", "DG", "DH", "DL", "DN", "DT",
    "DY", "E", "EC", "EH", "EN", "EX", "FK", "FY", "G", "GL", "GU", "GY", "HA", "HD", "HG",
    "HP", "HR", "HS", "HU", "HX", "IG", "IM", "IP", "IV", "JE", "KA", "KT", "KW", "KY", "L",
    "LA", "LD", "LE", "LL", "LN", "LS", "LU", "M", "ME", "MK", "ML", "N", "NE", "NG", "NN",
    "NP", "NR", "NW", "OL", "OX", "PA", "PE", "PH", "PL", "PO", "PR", "RG", "RH", "RM", "S",
    "SA", "SE", "SG", "SK", "SL", "SM", "SN", "SO", "SP", "SR", "SS", "ST", "SW", "SY", "TA",
    "TD", "TF", "TN", "TQ", "TR", "TS", "TW", "UB", "W", "WA", "WC", "WD", "WF", "WN", "WR",
    "WS", "WV", "YO", "ZE",
)
# fmt: on
# The inward code's letters never include C, I, K, M, O or V. "8th" in lower case is an
# ordinal ("B12 8th dose"), not a postcode.
POSTCODE = re.compile(
    rf"\b(?:{'|'.join(POSTCODE_AREAS)})\d[\dA-Z]?[ \t]*\d"
    r"(?!(?-i:st|nd|rd|th)\b)[ABD-HJLNP-UW-Z]{2}\b",
    re.IGNORECASE,
)

WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
SENTENCE_END = re.compile(r"[.!?\n]")

TITLES = frozenset(
    {"Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Doctor", "Prof", "Professor", "Sir", "Dame"}
)
POSSESSIVES = frozenset({"my", "our", "his", "her", "their", "your"})
BE = frozenset({"is", "was", "are", "were", "be", "been"})
# "St Mary's", "Queen Elizabeth Hospital": a name here is part of a place's name.
NOT_AFTER = frozenset({"St", "Saint", "King", "Queen", "Prince", "Princess"})
# fmt: off
RELATIONS = frozenset({
    "son", "daughter", "child", "kid", "boy", "girl", "baby", "twin", "brother", "sister",
    "grandson", "granddaughter", "grandchild", "stepson", "stepdaughter", "nephew", "niece",
    "cousin", "husband", "wife", "partner", "friend", "teacher", "worker", "keyworker",
    "caseworker", "carer", "therapist", "nurse", "doctor", "consultant", "paediatrician",
})
PEOPLE = RELATIONS | {
    "lady", "man", "woman", "person", "someone", "somebody", "gentleman", "chap", "bloke",
    "guy", "officer", "manager", "head", "headteacher",
}
# Capitalised words that can follow a cue ("my son", "Dr") without being a name.
NOT_NAMES = frozenset({
    "The", "And", "But", "So", "He", "She", "They", "We", "It", "Is", "Was", "Has", "Had",
    "Who", "My", "Our", "His", "Her", "Their", "Thank", "Thanks", "Please", "Mum", "Mummy",
    "Dad", "Daddy", "Nan", "Nanny", "Nana", "Grandma", "Grandad", "Granddad",
})
# fmt: on
CALENDAR = frozenset(
    {m.lower() for m in calendar.month_name[1:]} | {"spring", "summer", "autumn", "winter"}
)


def redact(text: str) -> str:
    """The text with e-mail addresses, phone numbers, postcodes and names replaced by
    [email], [phone], [postcode] and [name]. See the module's notes for what is missed."""
    text = EMAIL.sub("[email]", text)
    text = SPELLED_EMAIL.sub("[email]", text)
    text = PHONE.sub("[phone]", text)
    text = POSTCODE.sub("[postcode]", text)
    return _redact_names(text)


@cache
def _first_names() -> tuple[frozenset[str], frozenset[str]]:
    """(every listed first name, those that are also everyday words), in lower case."""
    listing = files("sefvoice").joinpath("data/first-names.txt").read_text(encoding="utf-8")
    lines = [line.strip().lower() for line in listing.splitlines()]
    names = [line for line in lines if line and not line.startswith("#")]
    return (
        frozenset(name.rstrip("*") for name in names),
        frozenset(name.rstrip("*") for name in names if name.endswith("*")),
    )


@dataclass(frozen=True)
class _Word:
    text: str  # without a possessive 's
    start: int
    end: int
    gap: str  # what comes between the word before and this one
    possessive: bool

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def plain(self) -> str:
        """Lower case without accents, to look up in the list: "Zoë" is "zoe"."""
        decomposed = unicodedata.normalize("NFKD", self.lower)
        return "".join(c for c in decomposed if not unicodedata.combining(c))

    @property
    def capitalised(self) -> bool:
        return self.text[0].isupper() and not self.text.isupper()  # "I" and "SEND" are not


def _words(text: str) -> list[_Word]:
    words, previous_end = [], 0
    for match in WORD.finditer(text):
        word = match.group()
        possessive = POSSESSIVE.search(word)
        end = match.start() + possessive.start() if possessive else match.end()
        words.append(
            _Word(
                word[: end - match.start()],
                match.start(),
                end,
                text[previous_end : match.start()],
                bool(possessive),
            )
        )
        previous_end = match.end()
    return words


def _called(words: list[_Word], i: int) -> bool:
    """'a lady called Sarah', 'he is called Sam', 'her name is Amy', 'his name's Jo'."""
    previous = words[i - 1]
    before = [w.lower for w in words[max(0, i - 4) : i - 1]]
    if previous.lower in ("called", "named"):
        return bool(before) and (before[-1] in BE or any(w in PEOPLE for w in before))
    return (previous.lower == "name" and previous.possessive) or (
        previous.lower == "is" and before[-1:] == ["name"]
    )


def _relation(words: list[_Word], i: int) -> bool:
    """'my son Jack', 'our youngest daughter Amy'."""
    before = [w.lower for w in words[max(0, i - 3) : i - 1]]
    return words[i - 1].lower in RELATIONS and any(w in POSSESSIVES for w in before)


def _is_name(words: list[_Word], i: int, after_name: bool) -> bool:
    word = words[i]
    known, everyday = _first_names()
    listed = all(part in known for part in word.plain.split("-"))  # "Mary-Jane"
    capital = word.capitalised and word.text not in NOT_NAMES
    gap = word.gap.strip()
    previous = words[i - 1] if i else None
    if previous is not None:
        if previous.text in TITLES and gap in ("", "."):
            return capital
        if after_name and not previous.possessive and not gap:
            return capital  # a surname
        if not gap and _called(words, i):
            return capital or listed
        if gap in ("", ",") and _relation(words, i):
            return capital or (listed and word.plain not in everyday)
        if previous.text in NOT_AFTER and gap in ("", "."):
            return False
    sentence_start = previous is None or bool(SENTENCE_END.search(word.gap))
    return (
        capital
        and listed
        and word.plain not in CALENDAR
        and not (sentence_start and word.plain in everyday)
    )


def _redact_names(text: str) -> str:
    spans: list[list[int]] = []
    words = _words(text)
    after_name = False
    for i, word in enumerate(words):
        after_name = _is_name(words, i, after_name)
        if not after_name:
            continue
        if spans and not text[spans[-1][1] : word.start].strip():
            spans[-1][1] = word.end  # "Sarah Patel" is one [name]
        else:
            spans.append([word.start, word.end])
    parts, position = [], 0
    for start, end in spans:
        parts += [text[position:start], "[name]"]
        position = end
    return "".join(parts) + text[position:]
