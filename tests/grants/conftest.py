"""A small grant world: a lab with a fund of 200 000 som, a cohort with a milestone,
a participant, two staff of the lab, one of another lab; plain ids for client tests."""

import io
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from tests.factories.accounts import UserFactory
from tests.factories.cohorts import MilestoneFactory
from tests.factories.programme import CohortFactory, EnrolmentFactory, LabFactory
from wcl.extensions import db
from wcl.grants import services

FUND_SOM = 200_000


def photo(name="receipt.jpg"):
    """A small JPEG upload (a receipt photo, a transfer slip)."""
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 60, 90)).save(out, "JPEG")
    return FileStorage(stream=io.BytesIO(out.getvalue()), filename=name)


def grant_data(world, **overrides):
    """Award data for 80 000 som: two budget lines, a milestone tranche of 60 000 som (above
    the default second-approval limit of 50 000) and a written one of 20 000 (below it)."""
    data = {
        "recipient_id": world.participant_id,
        "amount": 8_000_000,
        "currency": "KGS",
        "purpose": "A felt workshop in Naryn",
        "language": "ru",
        "report_due_on": date.today() + timedelta(days=60),
        "budget_lines": [
            {"label": "Felting machine", "amount": 6_000_000},
            {"label": "Wool", "amount": 2_000_000},
        ],
        "tranches": [
            {"amount": 6_000_000, "milestone_id": world.milestone_id},
            {"amount": 2_000_000, "condition_text": "Photos of the first ten products"},
        ],
    }
    data.update(overrides)
    return data


def build_world():
    lab, other_lab = LabFactory(), LabFactory()
    staff = UserFactory(email="staff@example.org", full_name="Staff One", roles=["staff"], lab_id=lab.id)
    staff2 = UserFactory(email="staff2@example.org", full_name="Staff Two", roles=["staff"], lab_id=lab.id)
    other = UserFactory(email="other@example.org", roles=["staff"], lab_id=other_lab.id)
    admin = UserFactory(email="admin@example.org", roles=["admin"])
    participant = UserFactory(
        email="aigul@example.org", full_name="Aigul Toktosunova", roles=["participant"], locale="ky"
    )
    cohort = CohortFactory(lab=lab)
    enrolment = EnrolmentFactory(cohort=cohort, participant=participant)
    milestone = MilestoneFactory(cohort=cohort, title="Prototype")
    outsider = UserFactory(email="outsider@example.org", roles=["participant"])
    EnrolmentFactory(participant=outsider, cohort=CohortFactory(lab=other_lab))
    db.session.commit()
    fund = services.create_fund(staff, lab.id, "Seed fund 2026", "KGS")
    services.fund_fund(staff, fund.id, FUND_SOM * 100, "KGS", "UN Women")
    return SimpleNamespace(
        lab_id=lab.id,
        other_lab_id=other_lab.id,
        staff_id=staff.id,
        staff2_id=staff2.id,
        other_staff_id=other.id,
        admin_id=admin.id,
        participant_id=participant.id,
        outsider_id=outsider.id,
        enrolment_id=enrolment.id,
        mentor_id=enrolment.mentor_id,
        milestone_id=milestone.id,
        fund_id=fund.id,
    )


@pytest.fixture
def world(app_ctx):
    return build_world()
