"""Group campaigns: several beneficiaries with shares adding up to 100; receipts and
reports count each beneficiary."""

import io

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from tests.factories.accounts import UserFactory
from tests.factories.campaigns import CampaignFactory, PledgeFactory
from wcl.accounts.permissions import PermissionDenied
from wcl.ashar import queries, services
from wcl.ashar.errors import AsharError
from wcl.ashar.models import Beneficiary
from wcl.extensions import db
from wcl.files.services import read_bytes
from wcl.payments import services as payments
from wcl.receipts.models import Receipt

GROUP = [
    {"name": "Aigul", "share_percent": 50},
    {"name": "Cholpon", "share_percent": 30},
    {"name": "Nazgul", "share_percent": 20},
]


def _count():
    return db.session.scalar(db.select(sa.func.count()).select_from(Beneficiary))


@pytest.fixture
def draft(app_ctx):
    campaign = CampaignFactory(status="draft", title="Felt makers of Kochkor")
    db.session.commit()
    return campaign


def test_the_owner_names_the_group_and_its_shares(draft):
    services.set_beneficiaries(draft.owner, draft.id, GROUP)
    assert queries.beneficiaries([draft.id])[draft.id] == [
        {"name": "Aigul", "user_id": None, "share_percent": 50},
        {"name": "Cholpon", "user_id": None, "share_percent": 30},
        {"name": "Nazgul", "user_id": None, "share_percent": 20},
    ]
    # Replacing the group replaces its rows; an empty list makes it one person's again.
    services.set_beneficiaries(draft.owner, draft.id, GROUP[:1] + [{"name": "Cholpon", "share_percent": 50}])
    assert _count() == 2
    services.set_beneficiaries(draft.owner, draft.id, [])
    assert _count() == 0


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"name": "Aigul", "share_percent": 50}, {"name": "Cholpon", "share_percent": 40}], "add up to 100"),
        ([{"name": "Aigul", "share_percent": 60}, {"name": "Cholpon", "share_percent": 60}], "add up to 100"),
        ([{"name": "Aigul", "share_percent": 100}], "at least two"),
        ([{"name": "Aigul", "share_percent": 0}, {"name": "Cholpon", "share_percent": 100}], "from 1 to 100"),
        (
            [{"name": "Aigul", "share_percent": -10}, {"name": "Cholpon", "share_percent": 110}],
            "from 1 to 100",
        ),
        ([{"name": "", "share_percent": 50}, {"name": "Cholpon", "share_percent": 50}], "required"),
    ],
)
def test_bad_shares_are_refused_and_change_nothing(draft, rows, message):
    services.set_beneficiaries(draft.owner, draft.id, GROUP)
    with pytest.raises(AsharError, match=message):
        services.set_beneficiaries(draft.owner, draft.id, rows)
    assert [b["share_percent"] for b in queries.beneficiaries([draft.id])[draft.id]] == [50, 30, 20]


def test_only_the_owner_or_staff_set_shares_and_only_on_a_draft(draft):
    with pytest.raises(PermissionDenied):
        services.set_beneficiaries(UserFactory(), draft.id, GROUP)
    services.set_beneficiaries(UserFactory(roles=["staff"]), draft.id, GROUP)
    draft.status = "live"
    db.session.commit()
    with pytest.raises(AsharError, match="Only a draft"):
        services.set_beneficiaries(draft.owner, draft.id, [])
    assert _count() == 3


def test_reports_count_each_beneficiary(draft):
    solo = CampaignFactory()
    services.set_beneficiaries(draft.owner, draft.id, GROUP)
    assert queries.beneficiary_count([draft.id, solo.id]) == 4


def test_the_receipt_names_each_beneficiary(draft, run_jobs):
    services.set_beneficiaries(draft.owner, draft.id, GROUP)
    draft.status = "live"
    db.session.commit()
    pledge = PledgeFactory(campaign=draft, amount=500_000, locale="en")
    payments.mark_pledge_paid(pledge.id, 500_000, "KGS")
    run_jobs()
    receipt = db.session.scalar(db.select(Receipt))
    text = " ".join(
        "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(read_bytes(receipt.pdf))).pages).split()
    )
    assert "Who the money is for" in text
    assert "Aigul 50%" in text and "Cholpon 30%" in text and "Nazgul 20%" in text


def test_the_campaign_page_names_the_group_with_the_campaign_and_a_change_shows_at_once(app, client):
    """The shares come with the campaign's own page query (wcl.campaigns.page_extras); a
    change to them refreshes the cached page for guests and signed-in visitors alike."""
    with app.app_context():
        campaign = CampaignFactory(slug="kochkor-felt", title="Felt makers of Kochkor")
        db.session.add_all(
            Beneficiary(campaign_id=campaign.id, position=i, **row) for i, row in enumerate(GROUP)
        )
        db.session.commit()
        CampaignFactory(slug="alone", title="One maker")
    page = client.get("/campaigns/kochkor-felt").get_data(as_text=True)
    assert "Who the money is for" in page and "Aigul — 50%" in page and "Nazgul — 20%" in page
    assert "Who the money is for" not in client.get("/campaigns/alone").get_data(as_text=True)
    with app.app_context():
        nazgul = db.session.scalar(db.select(Beneficiary).where(Beneficiary.name == "Nazgul"))
        nazgul.name = "Nazgul B."
        db.session.commit()
    assert "Nazgul B. — 20%" in client.get("/campaigns/kochkor-felt").get_data(as_text=True)
