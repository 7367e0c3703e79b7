"""A small Ashar world: the Kochkor lab, a village lead with no cohort, staff of the lab,
staff of another lab, a municipality (an ayil okmotu) and a second company; plain ids."""

import io
from datetime import timedelta
from types import SimpleNamespace

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from tests.factories.accounts import UserFactory
from tests.factories.orgs import OrganisationFactory
from tests.factories.programme import LabFactory
from wcl.ashar import services
from wcl.extensions import db
from wcl.time import utcnow


def letter(name="letter.pdf", data=None):
    """A signed letter's scan: a tiny PDF (sniffed, not trusted by its name)."""
    if data is None:
        out = io.BytesIO()
        Image.new("RGB", (40, 30), (200, 200, 200)).save(out, "PDF")
        data = out.getvalue()
    return FileStorage(stream=io.BytesIO(data), filename=name)


def project_data(**overrides):
    data = {
        "title": "A new bridge over the Kochkor river",
        "summary": "The village builds a footbridge together.",
        "budget": 50_000_000,  # 500 000 som
        "currency": "KGS",
        "region": "KG-N",
        "district": "Kochkor",
        "village": "Kara-Suu",
        "group_name": "Kara-Suu initiative group",
        "members": [{"name": "Bakyt Asanov", "email": "bakyt@example.org"}],
    }
    data.update(overrides)
    return data


def match_data(world, **overrides):
    now = utcnow()
    data = {
        "organisation_id": world.municipality_id,
        "region": "KG-N",
        "district": "Kochkor",
        "ratio_num": 1,
        "ratio_den": 1,
        "cap_per_project": 10_000_000,
        "total": 30_000_000,
        "currency": "KGS",
        "starts_at": now - timedelta(days=1),
        "ends_at": now + timedelta(days=90),
    }
    data.update(overrides)
    return data


def build_world():
    lab, other_lab = LabFactory(region="KG-N"), LabFactory()
    staff = UserFactory(email="staff@example.org", full_name="Staff One", roles=["staff"], lab_id=lab.id)
    other = UserFactory(email="other@example.org", roles=["staff"], lab_id=other_lab.id)
    admin = UserFactory(email="admin@example.org", roles=["admin"])
    lead = UserFactory(email="gulnara@example.org", full_name="Gulnara Sydykova", locale="ky")
    municipality = OrganisationFactory(kind="state_body", name_en="Kochkor ayil okmotu", region="KG-N")
    company = OrganisationFactory(kind="company")
    db.session.commit()
    return SimpleNamespace(
        lab_id=lab.id,
        other_lab_id=other_lab.id,
        staff_id=staff.id,
        other_staff_id=other.id,
        admin_id=admin.id,
        lead_id=lead.id,
        municipality_id=municipality.id,
        company_id=company.id,
    )


def user(user_id):
    from wcl.accounts.models import User

    return db.session.get(User, user_id)


def proposed(world, **overrides):
    overrides.setdefault("lab_id", world.lab_id)
    return services.propose_project(user(world.lead_id), project_data(**overrides))


def live_project(world, **overrides):
    """An admitted project whose campaign is live."""
    from wcl.campaigns.models import CampaignStatus

    project = proposed(world, **overrides)
    services.admit_project(user(world.staff_id), project.id)
    project.campaign.status = CampaignStatus.LIVE
    db.session.commit()
    return project


@pytest.fixture
def world(app_ctx):
    return build_world()
