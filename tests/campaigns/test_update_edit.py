"""A creator corrects a posted update: title, text and translations; nobody else can, nothing is emailed again."""

import pytest

from tests.campaigns.test_translations_content import KY_UPDATE, RU_UPDATE, _kyrgyz_campaign
from tests.factories.accounts import PASSWORD
from tests.factories.campaigns import ready_participant
from tests.helpers import login, outbox_messages, post_form, queued_jobs
from wcl.accounts.models import User
from wcl.audit.models import AuditEntry
from wcl.campaigns.errors import CampaignError
from wcl.campaigns.models import CampaignUpdate
from wcl.campaigns.services import updates
from wcl.extensions import db
from wcl.time import utcnow

FIXED = "Жүн эртең келет"


def _setup(app, hidden=False):
    with app.app_context():
        owner = ready_participant(email="creator@example.org")
        ready_participant(email="other@example.org")
        campaign, _tier = _kyrgyz_campaign(owner=owner)
        update = db.session.scalar(db.select(CampaignUpdate))
        update.hidden_at = utcnow() if hidden else None
        db.session.commit()
        return campaign.slug, update.id


def _edit_path(slug, update_id):
    return f"/campaigns/{slug}/updates/{update_id}/edit"


def _stored(app, update_id):
    with app.app_context():
        update = db.session.get(CampaignUpdate, update_id)
        return update.title, update.body_md, {code: row.title for code, row in update.translations.items()}


def test_the_creator_corrects_an_update_and_its_translations(app, client):
    slug, update_id = _setup(app)
    login(client, "creator@example.org", PASSWORD)
    listing = client.get(f"/campaigns/{slug}/updates").get_data(as_text=True)
    assert _edit_path(slug, update_id) in listing
    page = client.get(_edit_path(slug, update_id))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # The stored texts are shown; who may read it is not asked again.
    assert KY_UPDATE in html and RU_UPDATE in html and 'name="update-visibility"' not in html
    emails_before = len(outbox_messages(app))
    response = post_form(
        client,
        _edit_path(slug, update_id),
        {
            "update-title": FIXED,
            "update-body": "Жүн **эртең** келет.",
            "update-title_ru": "",
            "update-body_ru": "",
            "update-title_en": "Wool comes tomorrow",
            "update-body_en": "The wool comes *tomorrow*.",
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#update-{update_id}")
    title, body, translated = _stored(app, update_id)
    assert (title, body) == (FIXED, "Жүн **эртең** келет.")
    assert translated == {"en": "Wool comes tomorrow"}  # Russian emptied: removed
    with app.app_context():
        update = db.session.get(CampaignUpdate, update_id)
        assert "<strong>эртең</strong>" in update.body_html
        entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "campaign.update_edited"))
        assert entry.data["update_id"] == update_id
        assert entry.data["changed"] == ["body", "en", "ru", "title"]
    # Nothing is emailed or queued again.
    assert len(outbox_messages(app)) == emails_before
    assert not [job for job in queued_jobs(app) if "email_update" in job]
    # A Russian reader: the translation is gone, the corrected original is shown.
    guest = app.test_client()
    ru_page = guest.get(f"/campaigns/{slug}/updates", headers={"Accept-Language": "ru"}).get_data(
        as_text=True
    )
    assert FIXED in ru_page and KY_UPDATE not in ru_page


def test_a_refused_correction_changes_nothing(app, client):
    slug, update_id = _setup(app)
    before = _stored(app, update_id)
    login(client, "creator@example.org", PASSWORD)
    response = post_form(
        client,
        _edit_path(slug, update_id),
        {"update-title": "", "update-body": "x", "update-title_en": "y" * 121},
    )
    assert response.status_code == 422
    assert _stored(app, update_id) == before


def test_no_one_else_corrects_it(app, client):
    slug, update_id = _setup(app)
    login(client, "other@example.org", PASSWORD)
    assert _edit_path(slug, update_id) not in client.get(f"/campaigns/{slug}/updates").get_data(as_text=True)
    assert client.get(_edit_path(slug, update_id)).status_code in (403, 404)
    response = post_form(
        client,
        _edit_path(slug, update_id),
        {"update-title": "Hacked", "update-body": "Hacked"},
        get_path=f"/campaigns/{slug}",
    )
    assert response.status_code in (403, 404)
    assert _stored(app, update_id)[0] == KY_UPDATE


def test_another_campaigns_update_or_a_hidden_one_is_not_found(app, client):
    slug, update_id = _setup(app, hidden=True)
    login(client, "creator@example.org", PASSWORD)
    assert client.get(_edit_path(slug, update_id)).status_code == 404
    assert client.get(_edit_path(slug, update_id + 1000)).status_code == 404
    with app.app_context():
        owner = db.session.scalar(db.select(User).where(User.email == "creator@example.org"))
        with pytest.raises(CampaignError):
            updates.edit_update(owner, update_id, "New", "New")
    assert _stored(app, update_id)[0] == KY_UPDATE
