"""What an application gets whether she applies online or staff type in her paper form.

Answers are cleaned and stored the same way, her demographics are copied as
they are at submission, and she is told by email that it arrived.
"""

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from wcl.applications.models import ApplicationAnswer, QuestionKind
from wcl.applications.services._common import can_email, clean_text
from wcl.i18n import user_locale
from wcl.links import absolute_url
from wcl.mail import queue_email

SHORT_TEXT_MAX = 300
LONG_TEXT_MAX = 6000


def _clean_number(text):
    try:
        number = Decimal(text.replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except InvalidOperation:
        raise ValueError(str(_l("Enter a number, like 12 or 3.5."))) from None
    if not number.is_finite() or abs(number) >= Decimal(10) ** 12:
        raise ValueError(str(_l("Enter a number, like 12 or 3.5.")))
    return format(number.normalize(), "f")


def clean_answer(question, raw):
    """The stored form of one answer ('' when empty); raises ``ValueError``."""
    if question.kind == QuestionKind.SHORT_TEXT:
        return clean_text(raw, SHORT_TEXT_MAX, False)
    if question.kind == QuestionKind.LONG_TEXT:
        return clean_text(raw, LONG_TEXT_MAX, True)
    text = clean_text(raw, 100, False)
    if not text:
        return ""
    if question.kind == QuestionKind.CHOICE:
        if text not in {value for value, _label in question.option_labels()}:
            raise ValueError(str(_l("Choose one of the options.")))
        return text
    if question.kind == QuestionKind.NUMBER:
        return _clean_number(text)
    return ""


def clean_answers(call, raw):
    """``({question_id: value}, {question_id: error})`` for the non-file questions."""
    cleaned, errors = {}, {}
    for question in call.questions:
        if question.kind == QuestionKind.FILE:
            continue
        try:
            cleaned[question.id] = clean_answer(question, raw.get(question.id, ""))
        except ValueError as exc:
            errors[question.id] = str(exc)
    return cleaned, errors


def store_answers(application, cleaned):
    """Add, change or drop (when emptied) the application's answer rows."""
    existing = {a.question_id: a for a in application.answers}
    for question_id, value in cleaned.items():
        row = existing.get(question_id)
        if value and row is None:
            application.answers.append(ApplicationAnswer(question_id=question_id, value=value))
        elif value:
            row.value = value
        elif row is not None:
            application.answers.remove(row)


def snapshot_demographics(application, user):
    """Copy her answers as they are now: reports count "applied" by these."""
    answers = user.demographics
    application.snapshot_gender = answers.gender if answers else None
    application.snapshot_birth_year = answers.birth_year if answers else None
    application.snapshot_region = answers.region if answers else None
    application.snapshot_settlement = answers.settlement if answers else None
    application.snapshot_creative_domain = answers.creative_domain if answers else None
    application.snapshot_disability = answers.has_disability if answers else None


def queue_submitted_email(application):
    """Confirm to the applicant that her application arrived (not to a placeholder address)."""
    user = application.applicant
    if not can_email(user):
        return
    locale = user_locale(user)
    queue_email(
        user.email,
        "applications/submitted",
        locale,
        name=application.contact_name or user.public_name,
        call_title=application.call.title(locale),
        reference=application.id,
        link=absolute_url("applications.detail", application_id=application.id),
    )
