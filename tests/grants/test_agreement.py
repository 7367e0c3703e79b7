"""The agreement PDF reads back in her language (ky, ru, en); the pages carry no English in ru/ky."""

import io

import pytest
from pypdf import PdfReader

from tests.core.test_i18n import english_words
from tests.factories.accounts import PASSWORD
from tests.grants.conftest import build_world, grant_data
from tests.helpers import login
from wcl.accounts.models import User
from wcl.extensions import db
from wcl.files.services import read_bytes
from wcl.grants import services

EXPECTED = {
    "en": [
        "Grant agreement",
        "Felting machine",
        "Aigul Toktosunova",
        "Milestone approved: Prototype",
        "80,000",
    ],
    "ru": ["Договор о гранте", "Обязательства", "Aigul Toktosunova", "Одобрен этап: Prototype", "80 000"],
    "ky": [
        "Грант келишими",
        "Милдеттенмелер",
        "Aigul Toktosunova",
        "Жактырылган баскыч: Prototype",
        "80 000",
    ],
}


def _text(data):
    return " ".join(
        " ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages
    )


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_the_agreement_is_printed_in_her_language(world, language):
    grant = services.award_grant(
        db.session.get(User, world.staff_id), world.fund_id, grant_data(world, language=language)
    )
    text = _text(read_bytes(grant.agreement_file))
    for part in EXPECTED[language]:
        assert part in text.replace("\u202f", " ").replace("\xa0", " "), (part, text[:600])
    assert services.agreement_number(grant) in text


@pytest.mark.parametrize("locale", ["ru", "ky"])
def test_grant_pages_have_no_english(app, client, locale):
    with app.app_context():
        world = build_world()
        grant = services.award_grant(db.session.get(User, world.staff_id), world.fund_id, grant_data(world))
        grant_id, fund_id = grant.id, world.fund_id
    client.get(f"/language/{locale}")
    login(client, "staff@example.org", PASSWORD)
    names = [
        "Aigul Toktosunova",
        "Seed fund 2026",
        "UN Women",
        "Felting machine",
        "Wool",
        "Prototype",
        "Photos of the first ten products",
        "A felt workshop in Naryn",
        "Staff One",
        "PDF",
        "SHA",
        "KGS",
        "Cohort",
        "USD",
        "EUR",
        "RUB",
    ]
    for path in [
        "/grants/",
        "/grants/funds",
        f"/grants/funds/{fund_id}",
        f"/grants/funds/{fund_id}/award",
        f"/grants/{grant_id}",
    ]:
        html = client.get(path).get_data(as_text=True)
        assert english_words(html, exclude=names) == [], path
    her = app.test_client()
    her.get(f"/language/{locale}")
    login(her, "aigul@example.org", PASSWORD)
    html = her.get(f"/grants/mine/{grant_id}").get_data(as_text=True)
    assert english_words(html, exclude=names) == []
