"""Campaigns in three languages (issue 17.13): a creator writes in her language and may add
translations; a reader sees hers, else the original marked with its language."""

from tests.factories.accounts import PASSWORD
from tests.factories.campaigns import CampaignFactory, ready_participant
from tests.helpers import login, post_form
from wcl.campaigns.models import Campaign, CampaignTranslation
from wcl.extensions import db

KY_TITLE = "Кочкордон кийиз тапичкелер"
RU_TITLE = "Войлочные тапочки из Кочкора"


def _kyrgyz_with_russian(slug="kiyiz"):
    campaign = CampaignFactory(
        slug=slug,
        language="ky",
        title=KY_TITLE,
        summary="Жергиликтүү жүндөн колго басылган тапичкелер.",
        story_md="Биз **кийиз** басабыз.",
        story_html="<p>Биз <strong>кийиз</strong> басабыз.</p>",
    )
    campaign.translations["ru"] = CampaignTranslation(
        locale="ru",
        title=RU_TITLE,
        summary="Тапочки, свалянные вручную из местной шерсти.",
        story_md="Мы валяем **войлок**.",
        story_html="<p>Мы валяем <strong>войлок</strong>.</p>",
    )
    db.session.commit()
    return campaign


def _get(client, path, locale):
    response = client.get(path, headers={"Accept-Language": locale})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_russian_reader_sees_the_russian_translation(app, client):
    with app.app_context():
        _kyrgyz_with_russian()
    page = _get(client, "/campaigns/kiyiz", "ru")
    assert f"<h1>{RU_TITLE}</h1>" in page and "Мы валяем <strong>войлок</strong>." in page
    assert KY_TITLE not in page and 'class="lang-note"' not in page


def test_an_english_reader_sees_the_kyrgyz_original_with_a_note(app, client):
    with app.app_context():
        _kyrgyz_with_russian()
    page = _get(client, "/campaigns/kiyiz", "en")
    assert f'<h1 lang="ky">{KY_TITLE}</h1>' in page
    assert '<section class="story" lang="ky"><p>Биз <strong>кийиз</strong> басабыз.</p></section>' in page
    assert '<p class="lang-note">Written in Kyrgyz</p>' in page
    assert RU_TITLE not in page


def test_a_kyrgyz_reader_sees_the_original_without_a_note(app, client):
    with app.app_context():
        _kyrgyz_with_russian()
    page = _get(client, "/campaigns/kiyiz", "ky")
    assert f"<h1>{KY_TITLE}</h1>" in page and 'class="lang-note"' not in page


def test_lists_show_the_readers_language(app, client):
    with app.app_context():
        _kyrgyz_with_russian()
    for path in ("/campaigns/", "/"):
        ru = _get(client, path, "ru")
        assert RU_TITLE in ru and KY_TITLE not in ru, path
        en = _get(client, path, "en")
        assert KY_TITLE in en and RU_TITLE not in en and "Written in Kyrgyz" in en, path
        assert '<h3 lang="ky">' in en or '<h2 lang="ky">' in en, path


def _form(**overrides):
    data = {
        "language": "ky",
        "title": KY_TITLE,
        "summary": "Колго басылган тапичкелер.",
        "story": "Биз **кийиз** басабыз.",
        "goal": "50 000",
        "currency": "KGS",
        "starts_on": "2030-01-01",
        "ends_on": "2030-01-30",
        "funding_model": "keep_it_all",
        "region": "KG-N",
        "creative_domain": "V_ARTS",
        "creator_name": "Aigul",
        "title_ru": RU_TITLE,
        "summary_ru": "Тапочки ручной работы.",
        "story_ru": "Мы валяем **войлок**.<script>alert(1)</script>",
    }
    data.update(overrides)
    return data


def test_the_creator_writes_in_kyrgyz_and_adds_a_russian_translation(app, client):
    with app.app_context():
        ready_participant(email="creator@example.org")
    login(client, "creator@example.org", PASSWORD)
    response = post_form(client, "/campaigns/new", _form(), get_path="/campaigns/new")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        campaign = db.session.scalar(db.select(Campaign))
        assert campaign.language == "ky" and campaign.title == KY_TITLE
        assert set(campaign.translations) == {"ru"}
        russian = campaign.translations["ru"]
        assert russian.title == RU_TITLE
        # Sanitised as the story is: the script is gone, the bold kept.
        assert "<strong>войлок</strong>" in russian.story_html and "<script" not in russian.story_html
        slug = campaign.slug

    edit = client.get(f"/campaigns/{slug}/edit").get_data(as_text=True)
    assert "<details" in edit and RU_TITLE in edit  # folded away, and filled in

    # Emptying a translation removes it; she may switch the language she writes in.
    response = post_form(
        client,
        f"/campaigns/{slug}/edit",
        _form(
            language="ru", title=RU_TITLE, title_ru="", summary_ru="", story_ru="", title_en="Felt slippers"
        ),
        get_path=f"/campaigns/{slug}/edit",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        campaign = db.session.scalar(db.select(Campaign))
        assert campaign.language == "ru" and set(campaign.translations) == {"en"}
        assert campaign.translations["en"].title == "Felt slippers"


def test_a_too_long_translation_is_refused_and_the_section_opens(app, client):
    with app.app_context():
        ready_participant(email="creator@example.org")
    login(client, "creator@example.org", PASSWORD)
    response = post_form(client, "/campaigns/new", _form(title_en="x" * 121), get_path="/campaigns/new")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert '<details class="translations" open>' in page
    with app.app_context():
        assert db.session.scalar(db.select(Campaign)) is None


def test_the_language_must_be_one_of_three(app, client):
    with app.app_context():
        ready_participant(email="creator@example.org")
    login(client, "creator@example.org", PASSWORD)
    response = post_form(client, "/campaigns/new", _form(language="de"), get_path="/campaigns/new")
    assert response.status_code == 422
