"""The answer page: a signed link, no sign-in; save and finish later; bad links and
out-of-range answers refused with nothing changed."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.helpers import post_form
from tests.outcomes.conftest import GRADUATED
from wcl.accounts.tokens import make_token
from wcl.extensions import db
from wcl.outcomes import services
from wcl.outcomes.models import FollowUp, FollowUpConsent

FULL = {
    "income_band": "5k_15k",
    "hours_per_week": "20",
    "employees_women": "2",
    "employees_men": "0",
    "registration": "patent",
    "online_sales": "yes",
    "money_used": "campaign",
    "recommend": "9",
}


@pytest.fixture
def link(app, world):
    with app.app_context():
        services.schedule_follow_ups()
        follow_up = db.session.execute(
            sa.select(FollowUp).where(FollowUp.user_id == world.aigul_id, FollowUp.kind == "m6")
        ).scalar_one()
        path = services.follow_up_link(follow_up).split("localhost", 1)[-1].split(":5000", 1)[-1]
        return follow_up.id, path


def _row(app, follow_up_id):
    with app.app_context():
        return db.session.get(FollowUp, follow_up_id)


def test_the_page_opens_without_sign_in_in_her_language(client, link):
    _, path = link
    page = client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'lang="ky"' in html
    assert "Бүтүргөндөн 6 ай" in html


def test_save_and_finish_later_then_submit_spends_the_link(app, client, link):
    follow_up_id, path = link
    response = post_form(client, path, {"income_band": "lt5k", "hours_per_week": "12", "save": "1"})
    assert response.status_code == 302
    row = _row(app, follow_up_id)
    assert row.income_band == "lt5k" and row.hours_per_week == 12 and row.submitted_at is None
    again = client.get(path).get_data(as_text=True)
    assert 'value="12"' in again
    # Sending with questions unanswered is refused; nothing submitted.
    response = post_form(client, path, {"income_band": "lt5k", "finish": "1"})
    assert response.status_code == 200
    assert _row(app, follow_up_id).submitted_at is None
    response = post_form(client, path, {**FULL, "finish": "1"})
    assert response.status_code == 200
    row = _row(app, follow_up_id)
    assert row.submitted_at is not None and row.recommend == 9 and row.online_sales is True
    reused = client.get(path)
    assert reused.status_code == 410
    assert 'data-reason="used"' in reused.get_data(as_text=True)
    assert "Бул жооптор жөнөтүлүп бүткөн" in reused.get_data(as_text=True)  # still in her language


@pytest.mark.parametrize(
    "bad",
    [
        {"hours_per_week": "200"},
        {"employees_women": "-1"},
        {"recommend": "11"},
        {"income_band": "millions"},
        {"registration": "llc"},
        {"hours_per_week": "lots"},
    ],
)
def test_out_of_range_answers_are_refused_and_nothing_is_saved(app, client, link, bad):
    follow_up_id, path = link
    response = post_form(client, path, {**FULL, **bad, "save": "1"})
    assert response.status_code == 200
    row = _row(app, follow_up_id)
    assert row.saved_at is None and row.income_band is None and row.hours_per_week is None


def test_the_service_refuses_out_of_range_answers_too(app_ctx, world):
    from wcl.outcomes.errors import OutcomesError

    services.schedule_follow_ups()
    follow_up = db.session.execute(sa.select(FollowUp).where(FollowUp.kind == "m6")).scalars().first()
    with pytest.raises(OutcomesError):
        services.save_answers(follow_up, {**FULL, "recommend": 42})
    db.session.rollback()
    assert db.session.get(FollowUp, follow_up.id).recommend is None


def test_tampered_and_expired_links_are_refused(app, client, link, monkeypatch):
    follow_up_id, path = link
    tampered = client.get(path[:-3] + ("abc" if not path.endswith("abc") else "xyz"))
    assert tampered.status_code == 400
    assert 'data-reason="invalid"' in tampered.get_data(as_text=True)
    with app.test_request_context():
        other_salt = make_token("verify-email", {"f": follow_up_id})
    assert client.get(f"/follow-up/{other_salt}").status_code == 400
    import itsdangerous.timed

    later = GRADUATED.timestamp() + 10**9
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: later)
    expired = client.get(path)
    assert expired.status_code == 410
    assert 'data-reason="expired"' in expired.get_data(as_text=True)


def test_she_can_stop_follow_ups_from_the_page(app, client, link, world):
    _, path = link
    # Without the "I understand" box nothing changes.
    assert post_form(client, path + "/stop", {}, get_path=path).status_code == 302
    with app.app_context():
        assert db.session.get(FollowUpConsent, world.aigul_id) is None
    response = post_form(client, path + "/stop", {"confirm": "yes"}, get_path=path)
    assert response.status_code == 200
    with app.app_context():
        assert db.session.get(FollowUpConsent, world.aigul_id).withdrawn_at is not None
        assert services.send_due(GRADUATED + timedelta(days=183)) == (1, 0)  # Dina only
