"""A small pitch-day world: a call with a two-criterion rubric, an event, finalists, a jury."""

from types import SimpleNamespace

import pytest

from tests.factories.accounts import UserFactory
from tests.factories.applications import CriterionFactory
from tests.factories.events import EventFactory
from tests.factories.programme import ApplicationFactory, CallFactory, LabFactory


@pytest.fixture
def world(app):
    with app.app_context():
        lab = LabFactory()
        staff = UserFactory(email="staff@example.org", roles=["staff"], lab_id=lab.id)
        other_staff = UserFactory(email="other@example.org", roles=["staff"], lab_id=LabFactory().id)
        call = CallFactory(lab=lab, title_en="Hackathon", title_ru="Хакатон", title_ky="Хакатон")
        pitching = CriterionFactory(
            call=call, position=0, label_en="Pitch", weight=2, min_score=1, max_score=5
        )
        impact = CriterionFactory(
            call=call, position=1, label_en="Impact", weight=1, min_score=0, max_score=10
        )
        event = EventFactory(lab_id=lab.id, title_en="Pitch day", title_ru="Питч-день", title_ky="Питч күнү")
        a = ApplicationFactory(
            call=call, status="shortlisted", applicant=UserFactory(full_name="Aida", locale="ky")
        )
        b = ApplicationFactory(
            call=call, status="accepted", applicant=UserFactory(full_name="Bermet", locale="ru")
        )
        c = ApplicationFactory(
            call=call, status="shortlisted", applicant=UserFactory(full_name="Cholpon", locale="en")
        )
        submitted = ApplicationFactory(call=call, status="submitted")
        elsewhere = ApplicationFactory(status="shortlisted")
        juror1 = UserFactory(email="j1@example.org", roles=["reviewer"])
        juror2 = UserFactory(email="partner@example.org")  # a partner's person, no role
        stranger = UserFactory(email="stranger@example.org")
        return SimpleNamespace(
            lab_id=lab.id,
            staff_id=staff.id,
            other_staff_id=other_staff.id,
            call_id=call.id,
            criteria=(pitching.id, impact.id),
            event_id=event.id,
            finalists=(a.id, b.id, c.id),
            submitted_id=submitted.id,
            elsewhere_id=elsewhere.id,
            jurors=(juror1.id, juror2.id),
            stranger_id=stranger.id,
        )
