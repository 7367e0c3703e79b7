"""Consent to follow-up contact, withdrawn and given again: nothing is sent while it is
withdrawn (a fake clock), the next due follow-up is sent once it is given again; the
page works signed in or from its signed link, and each change is in the audit log."""

from datetime import timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa

from tests.factories.accounts import PASSWORD
from tests.helpers import login, post_form
from tests.outcomes.conftest import GRADUATED
from wcl.audit.models import AuditEntry
from wcl.extensions import db
from wcl.outcomes import services
from wcl.outcomes.models import FollowUp, FollowUpConsent


def _m6(user_id):
    return db.session.execute(
        sa.select(FollowUp).where(FollowUp.user_id == user_id, FollowUp.kind == "m6")
    ).scalar_one()


def _path(url):
    return urlsplit(url).path


def _actions(user_id):
    return db.session.scalars(
        sa.select(AuditEntry.action)
        .where(AuditEntry.target_type == "follow_up_consents", AuditEntry.target_id == user_id)
        .order_by(AuditEntry.id)
    ).all()


def test_withdrawn_then_given_again_follow_ups_resume(app_ctx, world):
    services.schedule_follow_ups()
    services.withdraw_contact(world.dina_id, now=GRADUATED + timedelta(days=170))
    due = GRADUATED + timedelta(days=183)
    assert services.send_due(due) == (1, 0)  # Aigul only
    assert _m6(world.dina_id).sent_at is None
    services.grant_contact(world.dina_id, now=due + timedelta(days=2))
    assert services.send_due(due + timedelta(days=3)) == (1, 0)  # Dina's 6-month follow-up
    assert _m6(world.dina_id).sent_at == due + timedelta(days=3)
    row = db.session.get(FollowUpConsent, world.dina_id)
    assert row.withdrawn_at is None and row.granted_at == due + timedelta(days=2)
    assert _actions(world.dina_id) == ["follow_up_consent.withdrawn", "follow_up_consent.granted"]


def test_the_signed_link_from_the_stopped_page_gives_consent_again(app, client, world):
    with app.app_context():
        services.schedule_follow_ups()
        link = _path(services.follow_up_link(_m6(world.aigul_id)))
    stopped = post_form(client, link + "/stop", {"confirm": "yes"}, get_path=link)
    assert stopped.status_code == 200
    html = stopped.get_data(as_text=True)
    consent_path = _path(html.split('class="consent-link"')[0].rsplit('href="', 1)[1].split('"')[0])
    page = client.get(consent_path)
    assert page.status_code == 200 and 'data-state="withdrawn"' in page.get_data(as_text=True)
    # Without the box ticked: refused, nothing changed.
    refused = post_form(client, consent_path, {"grant": "1"})
    assert refused.status_code == 422
    with app.app_context():
        assert db.session.get(FollowUpConsent, world.aigul_id).withdrawn_at is not None
    done = post_form(client, consent_path, {"grant": "1", "agree": "y"})
    assert done.status_code == 302
    with app.app_context():
        assert not services.contact_withdrawn(world.aigul_id)
        assert _actions(world.aigul_id) == ["follow_up_consent.withdrawn", "follow_up_consent.granted"]
    assert 'data-state="given"' in client.get(consent_path).get_data(as_text=True)


def test_a_tampered_consent_link_is_refused(app, client, world):
    with app.app_context():
        path = _path(services.consent_link(world.aigul_id))
    response = client.get(path[:-3] + "abc")
    assert response.status_code == 400
    assert client.post(path[:-3] + "abc", data={"grant": "1", "agree": "y"}).status_code == 400


def test_signed_in_she_withdraws_and_gives_consent_again(app, client, world):
    login(client, "dina@example.org", PASSWORD)
    assert post_form(client, "/follow-up-consent", {"withdraw": "1"}).status_code == 302
    with app.app_context():
        assert services.contact_withdrawn(world.dina_id)
    assert post_form(client, "/follow-up-consent", {"grant": "1", "agree": "y"}).status_code == 302
    with app.app_context():
        assert not services.contact_withdrawn(world.dina_id)
    assert client.get("/follow-up-consent").status_code == 200
