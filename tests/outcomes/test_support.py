"""Support services: offers and use recorded by staff of the lab, and the graduation
breakdown published through the reports' protection, with its caveat."""

import pytest

from tests.factories.accounts import PASSWORD, UserFactory
from tests.helpers import login, post_form
from tests.outcomes.fixture import KEYS_A, WITHDRAWN_KEY, build_results
from wcl.accounts.models import User
from wcl.accounts.permissions import PermissionDenied
from wcl.cohorts.models import Cohort, Enrolment
from wcl.extensions import db
from wcl.labs.models import Lab
from wcl.outcomes import services
from wcl.outcomes.errors import OutcomesError
from wcl.reports.protection import MARK, Cell, percentage, publish


@pytest.fixture
def results(app):
    with app.app_context():
        world = build_results()
        UserFactory(email="staff@example.org", roles=["staff"])
        UserFactory(email="staff.b@example.org", roles=["staff"], lab_id=world.lab_b_id)
        return world


def _user(email):
    return db.session.execute(db.select(User).filter_by(email=email)).scalar_one()


def _record(world):
    staff = _user("staff@example.org")
    services.set_offers(staff, db.session.get(Lab, world.lab_a_id), {"childcare", "transport"})
    cohort = db.session.get(Cohort, world.cohort_a_id)
    withdrawn = db.session.execute(
        db.select(Enrolment.id).where(Enrolment.cohort_id == cohort.id, Enrolment.status == "withdrawn")
    ).scalar_one()
    uses = {eid: {"childcare"} for eid in world.grads_a[:5]}
    uses[withdrawn] = {"childcare"}
    services.set_uses(staff, cohort, uses)
    return staff


def test_the_breakdown_is_protected_and_counts_only_labs_offering_the_service(app_ctx, results):
    staff = _record(results)
    rows = {row.kind: row for row in services.support_breakdown(staff)["rows"]}
    finished = publish(Cell(6, (sum(KEYS_A[:5]) + WITHDRAWN_KEY) % 256))
    graduated = publish(Cell(5, sum(KEYS_A[:5]) % 256))
    assert rows["childcare"].used == (finished, graduated, percentage(graduated, finished))
    # Only g6 did not use it (lab B does not offer childcare): one woman, hidden.
    assert rows["childcare"].not_used == (MARK, MARK, MARK)
    # Transport is offered but nobody used it: seven finished without it.
    assert rows["transport"].used == (0, 0, None)
    assert rows["transport"].not_used[0] == publish(Cell(7, (sum(KEYS_A) + WITHDRAWN_KEY) % 256))
    assert rows["equipment"].used == (0, 0, None) and rows["equipment"].not_used == (0, 0, None)


def test_bad_kinds_and_other_labs_are_refused(app_ctx, results):
    staff = _record(results)
    with pytest.raises(OutcomesError):
        services.set_offers(staff, db.session.get(Lab, results.lab_a_id), {"cash"})
    with pytest.raises(OutcomesError):
        services.set_uses(
            staff, db.session.get(Cohort, results.cohort_a_id), {results.grads_b[0]: {"childcare"}}
        )
    other = _user("staff.b@example.org")
    with pytest.raises(PermissionDenied):
        services.set_offers(other, db.session.get(Lab, results.lab_a_id), {"childcare"})


def test_staff_pages(app, client, results):
    login(client, "staff@example.org", PASSWORD)
    page = client.get("/outcomes/")
    assert page.status_code == 200
    assert "association, not an effect" in page.get_data(as_text=True)
    path = f"/outcomes/labs/{results.lab_a_id}/support"
    assert post_form(client, path, {"kind": ["childcare", "safe_venue"]}).status_code == 302
    with app.app_context():
        from wcl.outcomes.queries import lab_offers

        assert lab_offers(results.lab_a_id) == {"childcare", "safe_venue"}
    assert client.get(f"/outcomes/cohorts/{results.cohort_a_id}/support").status_code == 200
    assert client.get("/outcomes/results?period=2026").status_code == 200
    assert client.get("/outcomes/results?period=2026-Q9").status_code == 400
    assert client.get("/outcomes/results.csv?period=2026").status_code == 200


def test_scoped_staff_and_participants_are_kept_out(app, client, results):
    login(client, "staff.b@example.org", PASSWORD)
    assert client.get(f"/outcomes/labs/{results.lab_a_id}/support").status_code == 403
    assert client.get(f"/outcomes/labs/{results.lab_b_id}/support").status_code == 200
    assert app.test_client().get("/outcomes/").status_code in (302, 401)
