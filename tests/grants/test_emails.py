"""Grant emails: the offer (with the agreement link) and a tranche released, in her
language, queued with the change and delivered after commit through the outbox."""

import pytest

from tests.grants.conftest import grant_data, photo
from tests.helpers import message_text, outbox_messages
from wcl.accounts.models import User
from wcl.extensions import db
from wcl.grants import services
from wcl.grants.errors import GrantError


def _user(user_id):
    return db.session.get(User, user_id)


def test_the_award_email_reaches_her_in_kyrgyz_with_the_agreement_link(world, app, run_jobs):
    grant = services.award_grant(_user(world.staff_id), world.fund_id, grant_data(world, language="ky"))
    grant_id = grant.id
    run_jobs()
    [message] = outbox_messages(app)
    assert message["To"] == "aigul@example.org"
    assert "Сизге" in message["Subject"] and "80 000" in message["Subject"], message["Subject"]
    text = message_text(message)
    assert "Салам, Aigul Toktosunova!" in text or "Aigul" in text
    assert "Грант келишимин окуп" in text, text
    assert f"/grants/mine/{grant_id}" in text


def test_a_refused_award_sends_nothing(world, app, run_jobs):
    with pytest.raises(GrantError):
        services.award_grant(_user(world.staff_id), world.fund_id, grant_data(world, amount=10**12))
    run_jobs()
    assert outbox_messages(app) == []


def test_a_released_tranche_is_emailed_to_her_in_kyrgyz(world, app, run_jobs):
    grant = services.award_grant(_user(world.staff_id), world.fund_id, grant_data(world, language="ky"))
    services.accept_agreement(_user(world.participant_id), grant.id, "Aigul Toktosunova")
    services.countersign(_user(world.staff_id), grant.id)
    second = grant.tranches[1]
    her, staff = _user(world.participant_id), _user(world.staff_id)
    services.submit_evidence(her, second.id, "Ten scarves are made", photo("scarves.jpg"))
    services.confirm_condition(staff, second.id)
    run_jobs()
    before = len(outbox_messages(app))
    services.release_tranche(staff, second.id, "cash", "Cash book p. 4", photo())
    run_jobs()
    messages = outbox_messages(app)
    assert len(messages) == before + 1
    message = messages[-1]
    assert message["To"] == "aigul@example.org"
    assert "20 000" in message["Subject"] and "бошотулду" in message["Subject"], message["Subject"]
    text = message_text(message)
    assert "Накталай" in text and "Cash book p. 4" in text, text
