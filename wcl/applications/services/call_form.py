"""A call's application form and rubric: staff add, edit, order and delete questions and criteria.

What applicants have answered or reviewers have scored stays meaningful: a
question with answers keeps its type, a scored criterion keeps its range, and
neither can be deleted.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from wcl.accounts.permissions import ensure
from wcl.applications.models import (
    LOCALES,
    ApplicationAnswer,
    ApplicationAttachment,
    CallQuestion,
    QuestionKind,
    ReviewScore,
    RubricCriterion,
)
from wcl.applications.services._common import clean_text, fail
from wcl.audit.services import record
from wcl.extensions import db


def _remove_and_renumber(items, item):
    """Drop ``item`` from a call's ordered questions or criteria; the rest keep their order, 0-based."""
    items.remove(item)
    for position, other in enumerate(items):
        other.position = position


# --- questions --------------------------------------------------------------------


def _parse_options(data):
    lines = {loc: [s.strip() for s in (data.get(f"options_{loc}") or "").splitlines()] for loc in LOCALES}
    english = [s for s in lines["en"] if s]
    if len(english) < 2:
        fail(_l("A choice question needs at least two options, one per line."), field="options_en")
    if len(set(english)) != len(english):
        fail(_l("Each option must be different."), field="options_en")
    options = []
    for i, en in enumerate(english):
        option = {"en": en[:200]}
        for loc in ("ru", "ky"):
            translated = [s for s in lines[loc] if s]
            option[loc] = translated[i][:200] if i < len(translated) else ""
        options.append(option)
    return options


def _labels(data, max_length):
    """``{"label_en": …, "label_ru": …, "label_ky": …}`` cleaned; raises on the first bad one."""
    values = {}
    for loc in LOCALES:
        try:
            values[f"label_{loc}"] = clean_text(data.get(f"label_{loc}"), max_length, False)
        except ValueError as exc:
            fail(str(exc), field=f"label_{loc}")
    return values


def _question_values(data):
    if data.get("kind") not in QuestionKind.ALL:
        fail(_l("Choose a type of question."), field="kind")
    values = {"kind": data["kind"], "required": bool(data.get("required"))}
    values.update(_labels(data, 300))
    if not values["label_en"]:
        fail(_l("Enter the question in English."), field="label_en")
    values["options"] = _parse_options(data) if values["kind"] == QuestionKind.CHOICE else []
    return values


def _question_has_answers(question):
    answers = db.session.scalar(
        db.select(func.count(ApplicationAnswer.id)).where(ApplicationAnswer.question_id == question.id)
    )
    files = db.session.scalar(
        db.select(func.count(ApplicationAttachment.id)).where(
            ApplicationAttachment.question_id == question.id
        )
    )
    return bool(answers or files)


def add_question(actor, call, data):
    """Append a question to the call."""
    ensure("calls.manage", call, user=actor)
    question = CallQuestion(position=len(call.questions), **_question_values(data))
    return _append_item(actor, call, call.questions, question, "call.question_added", "question_id")


def update_question(actor, question, data):
    """Edit a question's text, type, options and required flag."""
    ensure("calls.manage", question.call, user=actor)
    values = _question_values(data)
    if values["kind"] != question.kind and _question_has_answers(question):
        fail(_l("Applicants have already answered this question: its type cannot change."), field="kind")
    for name, value in values.items():
        setattr(question, name, value)
    record("call.question_updated", question.call, actor=actor, question_id=question.id)
    db.session.commit()
    return question


def delete_question(actor, question):
    """Remove a question nobody has answered yet."""
    _delete_unused(
        actor,
        question,
        "questions",
        _question_has_answers,
        _l("Applicants have already answered this question: it cannot be deleted."),
        "call.question_deleted",
        "question_id",
    )


def move_question(actor, question, offset):
    """Move a question up (-1) or down (+1) in the form."""
    call = question.call
    ensure("calls.manage", call, user=actor)
    items = list(call.questions)
    i = items.index(question)
    j = i + offset
    if 0 <= j < len(items):
        items[i], items[j] = items[j], items[i]
        for position, item in enumerate(items):
            item.position = position
        record("call.question_moved", call, actor=actor, question_id=question.id, position=j)
        db.session.commit()


# --- rubric criteria ----------------------------------------------------------------


def _criterion_has_scores(criterion):
    return bool(
        db.session.scalar(
            db.select(func.count(ReviewScore.id)).where(ReviewScore.criterion_id == criterion.id)
        )
    )


def _criterion_values(data, criterion=None):
    values = _labels(data, 200)
    if not values["label_en"]:
        fail(_l("Enter the criterion in English."), field="label_en")
    weight, low, high = int(data["weight"]), int(data["min_score"]), int(data["max_score"])
    if not 1 <= weight <= 100:
        fail(_l("The weight must be between 1 and 100."), field="weight")
    if high <= low:
        fail(_l("The highest score must be above the lowest."), field="max_score")
    changed_range = criterion is not None and (low, high) != (criterion.min_score, criterion.max_score)
    if changed_range and _criterion_has_scores(criterion):
        fail(_l("Reviewers have already scored this criterion: its range cannot change."), field="min_score")
    values.update(weight=weight, min_score=low, max_score=high)
    return values


def add_criterion(actor, call, data):
    """Append a rubric criterion to the call."""
    ensure("calls.manage", call, user=actor)
    criterion = RubricCriterion(position=len(call.criteria), **_criterion_values(data))
    return _append_item(actor, call, call.criteria, criterion, "call.criterion_added", "criterion_id")


def update_criterion(actor, criterion, data):
    """Edit a criterion's labels and weight (its range only while unscored)."""
    ensure("calls.manage", criterion.call, user=actor)
    for name, value in _criterion_values(data, criterion).items():
        setattr(criterion, name, value)
    record("call.criterion_updated", criterion.call, actor=actor, criterion_id=criterion.id)
    db.session.commit()
    return criterion


def delete_criterion(actor, criterion):
    """Remove a criterion no reviewer has scored yet."""
    _delete_unused(
        actor,
        criterion,
        "criteria",
        _criterion_has_scores,
        _l("Reviewers have already scored this criterion: it cannot be deleted."),
        "call.criterion_deleted",
        "criterion_id",
    )


def _append_item(actor, call, siblings, item, action, key):
    """Append a question or criterion to the call's ``siblings`` list, audited as ``action``."""
    siblings.append(item)
    db.session.flush()
    record(action, call, actor=actor, **{key: item.id})
    db.session.commit()
    return item


def _delete_unused(actor, item, siblings, in_use, refusal, action, key):
    """Delete a question or criterion of a call (refused with ``refusal`` once it is
    used) and renumber the call's ``siblings`` list; audited as ``action``."""
    call = item.call
    ensure("calls.manage", call, user=actor)
    if in_use(item):
        fail(refusal)
    item_id = item.id
    _remove_and_renumber(getattr(call, siblings), item)
    record(action, call, actor=actor, **{key: item_id})
    db.session.commit()
