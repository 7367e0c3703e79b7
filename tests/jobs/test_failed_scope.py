"""The failed-jobs page shows any lab's job arguments and errors (an email
address, a donor's name) and reruns them: only unscoped staff and admins open it.
The webhook inbox (every lab's payment events) likewise."""

import pytest

from tests.factories.accounts import UserFactory
from tests.factories.programme import LabFactory
from tests.helpers import post_form, signed_in
from wcl.accounts.models import User
from wcl.accounts.permissions import PermissionDenied
from wcl.core.failed_jobs import failed_jobs, retry_job
from wcl.extensions import db
from wcl.jobs.models import FAILED, OutboxJob
from wcl.time import utcnow


@pytest.fixture
def failed(app):
    with app.app_context():
        UserFactory(email="staff-a@example.org", roles=["staff"], lab=LabFactory())
        UserFactory(email="staff-all@example.org", roles=["staff"])
        row = OutboxJob(
            name="wcl.mail.send_email",
            args={"args": ["bermet@example.org", "receipts/receipt"], "kwargs": {}},
            queue="emails",
            timeout=60,
            status=FAILED,
            attempts=3,
            finished_at=utcnow(),
            last_error="SMTPRecipientsRefused: bermet@example.org",
        )
        db.session.add(row)
        db.session.commit()
        return row.id


def test_lab_staff_cannot_see_or_rerun_failed_jobs(app, failed):
    client = signed_in(app, "staff-a")
    response = client.get("/jobs/failed")
    assert response.status_code == 403 and "bermet" not in response.get_data(as_text=True)
    assert post_form(client, f"/jobs/{failed}/retry", {}, get_path="/account/").status_code == 403
    assert client.get("/payments/inbox").status_code == 403
    with app.app_context():
        assert db.session.get(OutboxJob, failed).status == FAILED
        actor = db.session.scalar(db.select(User).filter_by(email="staff-a@example.org"))
        with pytest.raises(PermissionDenied):
            failed_jobs(actor)
        with pytest.raises(PermissionDenied):
            retry_job(actor, failed)
        db.session.rollback()
        assert db.session.get(OutboxJob, failed).status == FAILED


def test_unscoped_staff_see_failed_jobs(app, failed):
    client = signed_in(app, "staff-all")
    response = client.get("/jobs/failed")
    assert response.status_code == 200 and "bermet@example.org" in response.get_data(as_text=True)
    assert client.get("/payments/inbox").status_code == 200
