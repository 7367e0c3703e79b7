"""The receipt register is lab-scoped: staff of lab A see, export, resend and
re-render only receipts of lab A's campaigns (no other lab's donor names/emails)."""

import pytest

from tests.factories.campaigns import campaign_in_lab
from tests.factories.programme import two_labs_with_staff
from tests.factories.receipts import paid_pledge
from tests.helpers import post_form, signed_in
from wcl.accounts.models import User
from wcl.accounts.permissions import PermissionDenied
from wcl.audit.models import AuditEntry
from wcl.extensions import db
from wcl.receipts import services
from wcl.receipts.models import Receipt


@pytest.fixture
def receipts(app):
    with app.app_context():
        lab_a, lab_b = two_labs_with_staff()
        ours = campaign_in_lab(lab_a, title="Our felt")
        theirs = campaign_in_lab(lab_b, title="Their pottery")
        mine = paid_pledge(campaign=ours, backer_name="Aida Ours", backer_email="aida@example.org")
        other = paid_pledge(campaign=theirs, backer_name="Bermet Theirs", backer_email="bermet@example.org")
        ids = {"ours": ours.id, "theirs": theirs.id}
        ids["our_receipt"] = services.issue_receipt(mine.id).id
        ids["their_receipt"] = services.issue_receipt(other.id).id
        db.session.execute(db.update(Receipt).values(needs_render=False))
        db.session.commit()
        return ids


def _needs_render(app):
    with app.app_context():
        return dict(db.session.execute(db.select(Receipt.id, Receipt.needs_render)).all())


def test_lab_staff_see_only_their_labs_receipts(app, receipts):
    client = signed_in(app, "staff-a")
    for url in ("/receipts/register", f"/receipts/register?campaign={receipts['theirs']}"):
        page = client.get(url).get_data(as_text=True)
        assert "Bermet" not in page and "bermet@example.org" not in page and "Their pottery" not in page
    assert "Aida Ours" in client.get("/receipts/register").get_data(as_text=True)
    for url in ("/receipts/register.csv", f"/receipts/register.csv?campaign={receipts['theirs']}"):
        text = client.get(url).get_data(as_text=True)
        assert "Bermet" not in text and "Their pottery" not in text
    assert "Aida Ours" in client.get("/receipts/register.csv").get_data(as_text=True)
    assert client.get(f"/receipts/{receipts['their_receipt']}/pdf").status_code in (403, 404)


def test_lab_staff_resend_and_rerender_only_their_labs_receipts(app, receipts):
    client = signed_in(app, "staff-a")
    post_form(client, "/receipts/regenerate", {}, get_path="/receipts/register")
    assert _needs_render(app) == {receipts["our_receipt"]: True, receipts["their_receipt"]: False}
    response = post_form(
        client, f"/receipts/{receipts['their_receipt']}/resend", {}, get_path="/receipts/register"
    )
    assert response.status_code == 403
    with app.app_context():
        actor = db.session.scalar(db.select(User).filter_by(email="staff-a@example.org"))
        with pytest.raises(PermissionDenied):
            services.resend_receipt(actor, receipts["their_receipt"])
        db.session.rollback()
        actions = db.session.scalars(db.select(AuditEntry.action)).all()
    assert "receipt.resend_requested" not in actions


def test_unscoped_staff_see_every_lab(app, receipts):
    text = signed_in(app, "staff-all").get("/receipts/register.csv").get_data(as_text=True)
    assert "Aida Ours" in text and "Bermet Theirs" in text
