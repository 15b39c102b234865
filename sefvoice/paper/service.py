"""Paper copies and staff-entered returns, as plain functions.

A batch of printed copies stores one reference per copy. Staff enter a return (a paper
copy by its reference, or an answer taken by phone or with the respondent beside them)
through the same question forms and the same save and submit functions as the
respondent pages, all in one transaction: either the whole return is stored and counted,
or nothing is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict

from ..auth import audit
from ..definitions import Question, SurveyDefinition, load_glossary, routing
from ..extensions import db
from ..models import PaperBatch, PaperCopy, Response, Survey, utcnow
from ..surveys import codes
from ..surveys import held as held_responses
from ..surveys import versions as survey_versions
from ..surveys.forms import FilledByForm, answer_from_form, choices, question_form
from .pdf import CopyAddresses, build_pdf, filled_by_question
from .words import load_paper_words

MAX_COPIES = 5000
OPTION_NUMBER = re.compile(r"[0-9]{1,6}")  # a ticked box's number, as typed
STAFF_CHANNELS = ("paper", "phone", "with_help")
FILLED_BY_FIELD = "filled-by"  # the name of its field on the data-entry page


class PaperError(ValueError):
    """Bad input from staff: the message says what is wrong, and nothing was stored."""


def field_name(question: Question) -> str:
    return f"q-{question.id}"


# Printing


def _unused_references(count: int) -> list[str]:
    """count new references, none printed before nor equal to anyone's resume code."""
    found: set[str] = set()
    while len(found) < count:
        drawn = {codes.new_code() for _ in range(count - len(found))} - found
        taken = set()
        for chunk in _chunks(sorted(drawn), 500):
            taken |= set(
                db.session.scalars(
                    select(PaperCopy.reference).where(PaperCopy.reference.in_(chunk))
                )
            )
            hashes = {codes.hash_code(reference): reference for reference in chunk}
            held = select(Response.resume_code_hash).where(Response.resume_code_hash.in_(hashes))
            taken |= {hashes[h] for h in db.session.scalars(held)}
        found |= drawn - taken
    return sorted(found)


def _chunks(items: list[str], size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def new_batch(survey: Survey, copies: int, large_print: bool) -> PaperBatch:
    """Store a batch of copies of the survey version, without its references yet (the job
    making its PDF stores them: store_references). Audited."""
    if not 1 <= copies <= MAX_COPIES:
        raise PaperError(
            f"You can print from 1 to {MAX_COPIES:,} copies at once."
            f" You asked for {copies:,}. For more, print another batch."
        )
    batch = PaperBatch(survey=survey, copies=copies, large_print=large_print)
    db.session.add(batch)
    db.session.flush()
    audit.record(
        "paper copies printed",
        f"{survey.slug} v{survey.version}: batch {batch.id}, {copies} copies"
        + (", large print" if large_print else ""),
    )
    return batch


def store_references(batch: PaperBatch) -> None:
    """A new reference for each of the batch's copies, all in one transaction; nothing if
    they are stored already (a job run again after its worker stopped)."""
    stored = db.session.scalar(
        select(func.count()).select_from(PaperCopy).where(PaperCopy.batch_id == batch.id)
    )
    if stored:
        return
    db.session.execute(
        insert(PaperCopy),
        [{"reference": r, "batch_id": batch.id} for r in _unused_references(batch.copies)],
    )
    db.session.commit()


def print_batch(survey: Survey, copies: int, large_print: bool) -> PaperBatch:
    """A new batch with its references stored."""
    batch = new_batch(survey, copies, large_print)
    store_references(batch)
    return batch


def batch_references(batch_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(PaperCopy.reference)
            .where(PaperCopy.batch_id == batch_id)
            .order_by(PaperCopy.reference)
        )
    )


def batch_pdf(
    batch: PaperBatch,
    addresses: CopyAddresses,
    easyread_dir: Path,
    static: Path,
    drew: Callable[[int, int], None] | None = None,
    drawn: Callable[[], None] | None = None,
) -> bytes:
    """The batch's copies as one PDF, made afresh from the stored references. `drew(done,
    total)` is told of each copy drawn, and `drawn()` when the file is being written."""
    references = [codes.format_code(r) for r in batch_references(batch.id)]
    definition, large_print = survey_versions.definition_of(batch.survey), batch.large_print
    db.session.commit()  # nothing held open in the database while the pages are drawn
    return build_pdf(
        definition,
        load_paper_words(easyread_dir),
        references,
        addresses,
        static,
        large_print,
        load_glossary(easyread_dir),
        drew,
        drawn,
    )


@dataclass(frozen=True)
class BatchSummary:
    batch: PaperBatch
    entered: int
    withdrawn: int


def batches(limit: int = 50) -> list[BatchSummary]:
    """The latest batches, with how many of their copies have been entered or withdrawn."""
    rows = db.session.execute(
        select(
            PaperBatch,
            func.count(PaperCopy.entered_at),
            func.count(PaperCopy.withdrawn_at),
        )
        .join(PaperCopy, PaperCopy.batch_id == PaperBatch.id)
        .group_by(PaperBatch.id)
        .order_by(PaperBatch.printed_at.desc(), PaperBatch.id.desc())
        .limit(limit)
    )
    return [BatchSummary(*row) for row in rows]


# Entering returns


def _when(moment: datetime) -> str:
    return f"{moment:%-d %B %Y} at {moment:%H:%M} UTC"


def check_reference(survey: Survey, typed: str) -> str:
    """The paper copy's reference if a return from it can be entered on this survey version;
    PaperError saying why not otherwise."""
    reference = codes.normalise_code(typed)
    shown = codes.format_code(reference) if reference else typed
    if not reference:
        raise PaperError("Type the reference printed at the top of each page, like ABCD-2345.")
    copy = db.session.get(PaperCopy, reference)
    if copy is None:
        raise PaperError(
            f"We cannot find reference {shown}. Check each letter and number against the paper."
        )
    printed_from = copy.batch.survey
    if printed_from.slug != survey.slug:
        raise PaperError(
            f"Reference {shown} is on a copy of the {printed_from.title} survey, not this one."
            " Enter it on that survey's page."
        )
    if printed_from.version != survey.version:
        raise PaperError(
            f"Reference {shown} was printed from version {printed_from.version} of this survey."
            f" Enter it on the version {printed_from.version} page."
        )
    if copy.withdrawn_at is not None:
        raise PaperError(
            f"Reference {shown} was withdrawn by the person who filled it in, on"
            f" {_when(copy.withdrawn_at)}. Do not enter it."
        )
    if copy.entered_at is not None:
        raise PaperError(f"Reference {shown} was already entered, on {_when(copy.entered_at)}.")
    return reference


def _option_ids(question: Question, typed: str) -> list[str]:
    """Options typed by their numbers ("2", or "1 3" for several) as their ids."""
    numbers = typed.replace(",", " ").split()
    count = len(question.options)
    # 0-9 only: str.isdigit() is true of "²", which int() refuses; six digits at most, so a
    # 5,000-digit number is refused before int() is asked to read it.
    if not all(OPTION_NUMBER.fullmatch(n) and 1 <= int(n) <= count for n in numbers):
        raise PaperError(f"Type the number of each ticked box, from 1 to {count}.")
    if question.type != "multiple" and len(numbers) > 1:
        raise PaperError(f"Type one number, from 1 to {count}: only one box can be ticked.")
    return list(dict.fromkeys(question.options[int(n) - 1].id for n in numbers))


def _answer(question: Question, typed: str) -> dict:
    """What was typed for one question as save_answer's arguments, checked by the
    respondent page's own form; PaperError with that form's message if it fails."""
    if not typed and question.optional:
        return {}  # left out: stored as a skip, as on the respondent pages
    if question.is_choice:
        formdata = MultiDict([("answer", option) for option in _option_ids(question, typed)])
    else:
        formdata = MultiDict([("answer", typed)] if typed else [])
    form = question_form(question, formdata=formdata)
    if not form.validate():
        raise PaperError(form.answer.errors[0])
    return answer_from_form(question, form)


def _filled_by(definition: SurveyDefinition, typed: str) -> str:
    chosen = _option_ids(filled_by_question(definition), typed)
    form = FilledByForm(formdata=MultiDict([("filled_by", option) for option in chosen]))
    form.filled_by.choices = choices(definition.filled_by)
    if not form.validate():
        raise PaperError(form.filled_by.errors[0])
    return form.filled_by.data


@dataclass(frozen=True)
class Entered:
    response_id: int
    channel: str
    code: str  # the paper reference, or the code to give a phone or assisted respondent


def read_return(
    survey: Survey, channel: str, typed: Mapping[str, str]
) -> tuple[dict[str, object], dict[str, str]]:
    """Check a typed return: (what to store, {} ) or ({}, a message for each field in error,
    keyed by field name). `typed` holds "reference", "filled-by" and "q-<question id>"."""
    definition = survey_versions.definition_of(survey)
    errors: dict[str, str] = {}
    reference = None
    text = {key: str(value).strip() for key, value in typed.items()}
    if not survey_versions.survey_is_open(survey.slug):
        errors["channel"] = "This survey is closed: like the online survey, it takes no answers."
    elif channel not in STAFF_CHANNELS:
        errors["channel"] = "Choose how the answers came in: paper, phone or with help."
    elif channel == "paper":
        try:
            reference = check_reference(survey, text.get("reference", ""))
        except PaperError as error:
            errors["reference"] = str(error)
    elif text.get("reference"):
        errors["reference"] = "Only paper copies have a reference. Leave it empty, or choose paper."
    try:
        filled_by = _filled_by(definition, text.get(FILLED_BY_FIELD, ""))
    except PaperError as error:
        errors[FILLED_BY_FIELD] = str(error)
    answers: dict[str, dict] = {}
    for question in definition.questions:
        typed_answer = text.get(field_name(question), "")
        chosen = {qid: answer.get("option_ids") or [] for qid, answer in answers.items()}
        if not routing.applies(definition, question, chosen):
            if typed_answer:  # on paper they were sent past it: not a skip, not counted
                labels, number = routing.condition_words(definition, question)
                errors[field_name(question)] = (
                    f"Leave this empty: it is only for people who ticked"
                    f" {' or '.join(f'“{label}”' for label in labels)} in question {number}."
                )
            continue
        try:
            answers[question.id] = _answer(question, typed_answer)
        except PaperError as error:
            errors[field_name(question)] = str(error)
    if errors:
        return {}, errors
    return {"reference": reference, "filled_by": filled_by, "answers": answers}, {}


def enter_return(
    survey: Survey, channel: str, reference: str | None, filled_by: str, answers: dict
) -> Entered:
    """Store a checked return as a new, submitted response, counted in the tally, all in one
    transaction; which staff member entered it goes in the audit log only. A paper copy
    is claimed first, in the same transaction, so two people entering it at once store it
    once: the second waits for the first, then finds it entered."""
    definition = survey_versions.definition_of(survey)
    entered_at = utcnow()
    if reference is not None:
        claimed = db.session.execute(
            update(PaperCopy)
            .where(
                PaperCopy.reference == reference,
                PaperCopy.entered_at.is_(None),
                PaperCopy.withdrawn_at.is_(None),
            )
            .values(entered_at=entered_at)
        )
        if claimed.rowcount != 1:
            db.session.rollback()
            check_reference(survey, reference)  # raises, saying why (entered just now)
    code = reference or codes.new_code()
    response = Response(
        survey_id=survey.id,
        filled_by=filled_by,
        channel=channel,
        resume_code_hash=codes.hash_code(code),
    )
    try:
        db.session.add(response)
        db.session.flush()
    except IntegrityError as error:  # the code is someone's already: vanishingly rare
        db.session.rollback()
        raise PaperError("That could not be stored: nothing was. Save it again.") from error
    if reference is not None:
        db.session.execute(
            update(PaperCopy)
            .where(PaperCopy.reference == reference)
            .values(response_id=response.id)
        )
    for question in definition.questions:
        if question.id in answers:  # a question it was not asked has no answer, not a skip
            held_responses.save_answer(response.id, question, **answers[question.id], commit=False)
    held_responses.submit_response(response.id, commit=False)
    audit.record(
        "return entered",
        f"{survey.slug} v{survey.version}: {channel} response {response.id}"
        + (f", reference {codes.format_code(reference)}" if reference else ""),
    )  # commits the whole return
    return Entered(response.id, channel, codes.format_code(code))
