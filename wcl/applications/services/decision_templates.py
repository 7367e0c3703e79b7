"""The decision emails' texts: defaults in three languages, which staff may edit."""

import re

from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import ensure
from wcl.applications.models import LOCALES, DecisionTemplate
from wcl.applications.services._common import OUTCOMES, clean_text, fail
from wcl.audit.services import record
from wcl.extensions import db

PLACEHOLDERS = ("name", "call", "link", "note")

DEFAULT_TEMPLATES = {
    ("accepted", "en"): (
        "You are accepted: {call}",
        "Dear {name},\n\nCongratulations! You have been accepted to {call}. The Lab team will "
        "contact you soon about the start of the programme.\n\n{note}\n\nYour application: {link}\n\n"
        "Women's Creative Lab",
    ),
    ("accepted", "ru"): (
        "Вы приняты: {call}",
        "Здравствуйте, {name}!\n\nПоздравляем! Вы приняты в программу «{call}». Команда лаборатории "
        "скоро свяжется с вами и расскажет о начале программы.\n\n{note}\n\nВаша заявка: {link}\n\n"
        "Женская творческая лаборатория",
    ),
    ("accepted", "ky"): (
        "Сиз кабыл алындыңыз: {call}",
        "Саламатсызбы, {name}!\n\nКуттуктайбыз! Сиз «{call}» программасына кабыл алындыңыз. "
        "Лабораториянын командасы жакында сиз менен байланышып, программанын башталышы тууралуу "
        "айтып берет.\n\n{note}\n\nСиздин арызыңыз: {link}\n\nАялдардын чыгармачылык лабораториясы",
    ),
    ("waitlisted", "en"): (
        "You are on the waiting list: {call}",
        "Dear {name},\n\nThank you for applying to {call}. There were more strong applications than "
        "places, and you are on our waiting list. If a place becomes free, we will write to you."
        "\n\n{note}\n\nYour application: {link}\n\nWomen's Creative Lab",
    ),
    ("waitlisted", "ru"): (
        "Вы в листе ожидания: {call}",
        "Здравствуйте, {name}!\n\nСпасибо за заявку в программу «{call}». Сильных заявок было больше, "
        "чем мест, и вы в нашем листе ожидания. Если место освободится, мы вам напишем."
        "\n\n{note}\n\nВаша заявка: {link}\n\nЖенская творческая лаборатория",
    ),
    ("waitlisted", "ky"): (
        "Сиз күтүү тизмесиндесиз: {call}",
        "Саламатсызбы, {name}!\n\n«{call}» программасына арыз бергениңиз үчүн рахмат. Күчтүү арыздар "
        "орундардан көп болду, сиз биздин күтүү тизмебиздесиз. Орун бошосо, сизге жазабыз."
        "\n\n{note}\n\nСиздин арызыңыз: {link}\n\nАялдардын чыгармачылык лабораториясы",
    ),
    ("rejected", "en"): (
        "About your application: {call}",
        "Dear {name},\n\nThank you for applying to {call}. We are sorry: this time we cannot offer "
        "you a place. Please apply again to our next calls.\n\n{note}\n\nYour application: {link}\n\n"
        "Women's Creative Lab",
    ),
    ("rejected", "ru"): (
        "О вашей заявке: {call}",
        "Здравствуйте, {name}!\n\nСпасибо за заявку в программу «{call}». К сожалению, в этот раз мы "
        "не можем предложить вам место. Пожалуйста, подавайте заявки на наши следующие наборы."
        "\n\n{note}\n\nВаша заявка: {link}\n\nЖенская творческая лаборатория",
    ),
    ("rejected", "ky"): (
        "Арызыңыз тууралуу: {call}",
        "Саламатсызбы, {name}!\n\n«{call}» программасына арыз бергениңиз үчүн рахмат. Тилекке каршы, "
        "бул жолу сизге орун сунуштай албайбыз. Кийинки кабыл алууларыбызга дагы арыз бериңиз."
        "\n\n{note}\n\nСиздин арызыңыз: {link}\n\nАялдардын чыгармачылык лабораториясы",
    ),
}


def _saved_template(outcome, locale):
    return db.session.scalar(
        db.select(DecisionTemplate).where(
            DecisionTemplate.outcome == outcome, DecisionTemplate.locale == locale
        )
    )


def decision_template(outcome, locale):
    """``(subject, body)`` for an outcome in a language: the staff's edit or the default."""
    row = _saved_template(outcome, locale)
    if row is not None:
        return row.subject, row.body
    return DEFAULT_TEMPLATES[(outcome, locale)]


def all_decision_templates():
    """``[(outcome, locale, subject, edited?)]`` for the staff list."""
    edited = {(r.outcome, r.locale): r for r in db.session.scalars(db.select(DecisionTemplate)).all()}
    return [
        (outcome, locale, decision_template(outcome, locale)[0], (outcome, locale) in edited)
        for outcome in OUTCOMES
        for locale in LOCALES
    ]


def fill_placeholders(text, values):
    """Replace ``{name}``-style placeholders literally (no template language)."""
    return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), m.group(0))), text)


def _unknown_placeholders(text):
    return sorted(set(re.findall(r"\{(\w+)\}", text)) - set(PLACEHOLDERS))


def _checked_texts(subject, body):
    """``(subject, body)`` cleaned; refuses empty texts and unknown placeholders."""
    try:
        subject = clean_text(subject, 200, False)
        body = clean_text(body, 10000, True)
    except ValueError as exc:
        fail(str(exc))
    if not subject:
        fail(_l("Enter a subject."), field="subject")
    if not body:
        fail(_l("Enter the text of the email."), field="body")
    for name, text in (("subject", subject), ("body", body)):
        unknown = _unknown_placeholders(text)
        if unknown:
            fail(
                _l(
                    "Unknown placeholder: %(names)s. Use only {name}, {call}, {link} and {note}.",
                    names=", ".join("{" + u + "}" for u in unknown),
                ),
                field=name,
            )
    return subject, body


def save_decision_template(actor, outcome, locale, subject, body):
    """Staff edit the decision email for an outcome and language.

    The texts go to every lab's applicants, so only unscoped staff may
    (``applications.edit_templates``).
    """
    ensure("applications.edit_templates", user=actor)
    if outcome not in OUTCOMES or locale not in LOCALES:
        fail(_l("Unknown template."))
    subject, body = _checked_texts(subject, body)
    row = _saved_template(outcome, locale)
    if row is None:
        row = DecisionTemplate(outcome=outcome, locale=locale)
        db.session.add(row)
    row.subject, row.body, row.updated_by_id = subject, body, actor.id
    db.session.flush()
    record("decision_template.saved", row, actor=actor, outcome=outcome, locale=locale)
    db.session.commit()
    return row
