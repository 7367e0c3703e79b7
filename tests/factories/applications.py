"""Factories for call questions, rubric criteria, answers, reviews; a ready-made call."""

import factory

from tests.factories.accounts import BaseFactory, UserFactory
from tests.factories.programme import ApplicationFactory, CallFactory
from wcl.applications.models import (
    ApplicationAnswer,
    AssignmentStatus,
    CallQuestion,
    Review,
    ReviewAssignment,
    ReviewScore,
    RubricCriterion,
)


class QuestionFactory(BaseFactory):
    class Meta:
        model = CallQuestion

    call = factory.SubFactory(CallFactory)
    position = factory.Sequence(lambda n: n)
    kind = "short_text"
    label_en = factory.Sequence(lambda n: f"Question {n}")
    label_ru = factory.Sequence(lambda n: f"Вопрос {n}")
    label_ky = factory.Sequence(lambda n: f"Суроо {n}")
    required = False
    options = factory.LazyFunction(list)


class CriterionFactory(BaseFactory):
    class Meta:
        model = RubricCriterion

    call = factory.SubFactory(CallFactory)
    position = factory.Sequence(lambda n: n)
    label_en = factory.Sequence(lambda n: f"Criterion {n}")
    label_ru = factory.Sequence(lambda n: f"Критерий {n}")
    label_ky = factory.Sequence(lambda n: f"Критерий {n}")
    weight = 1
    min_score = 1
    max_score = 5


class AnswerFactory(BaseFactory):
    class Meta:
        model = ApplicationAnswer

    application = factory.SubFactory(ApplicationFactory)
    question = factory.SubFactory(QuestionFactory)
    value = "An answer"


class AssignmentFactory(BaseFactory):
    class Meta:
        model = ReviewAssignment

    application = factory.SubFactory(ApplicationFactory, status="under_review")
    reviewer = factory.SubFactory(UserFactory, roles=["reviewer"])
    status = AssignmentStatus.ASSIGNED


class ReviewFactory(BaseFactory):
    class Meta:
        model = Review

    application = factory.SubFactory(ApplicationFactory, status="under_review")
    reviewer = factory.SubFactory(UserFactory, roles=["reviewer"])
    comment = ""


class ScoreFactory(BaseFactory):
    class Meta:
        model = ReviewScore

    review = factory.SubFactory(ReviewFactory)
    criterion = factory.SubFactory(CriterionFactory)
    score = 3


def call_with_form(**kwargs):
    """An open call with one question of each kind and a two-criterion rubric.

    Returns the call; questions are, in order: short text (required), long
    text (required), choice, number, file (required).
    """
    call = CallFactory(**kwargs)
    QuestionFactory(call=call, position=0, kind="short_text", label_en="Your craft", required=True)
    QuestionFactory(call=call, position=1, kind="long_text", label_en="Your plan", required=True)
    QuestionFactory(
        call=call,
        position=2,
        kind="choice",
        label_en="Experience",
        options=[
            {"en": "Beginner", "ru": "Начинающая", "ky": "Жаңы баштаган"},
            {"en": "Experienced", "ru": "Опытная", "ky": "Тажрыйбалуу"},
        ],
    )
    QuestionFactory(call=call, position=3, kind="number", label_en="Years of work")
    QuestionFactory(call=call, position=4, kind="file", label_en="Photo of your work", required=True)
    CriterionFactory(call=call, position=0, label_en="Originality", weight=2, min_score=1, max_score=5)
    CriterionFactory(call=call, position=1, label_en="Feasibility", weight=1, min_score=0, max_score=10)
    return call
