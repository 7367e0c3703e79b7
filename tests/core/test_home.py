"""The home page: open calls, live campaigns as cards, protected figures, partners; light."""

import re
from datetime import date, timedelta

from flask_babel import refresh

from tests.factories.accounts import DemographicsFactory, UserFactory
from tests.factories.campaigns import CampaignFactory, PledgeFactory
from tests.factories.orgs import DirectoryEntryFactory, OrganisationFactory, PartnershipFactory
from tests.factories.programme import CallFactory, EnrolmentFactory
from wcl.cohorts.models import EnrolmentStatus
from wcl.extensions import db
from wcl.files.models import StoredFile
from wcl.reports.protection import MARK
from wcl.reports.services import public_figures
from wcl.time import utcnow

HOME_LIMIT = 100 * 1024


def _graduates(n):
    for _ in range(n):
        woman = UserFactory(roles=["participant"])
        DemographicsFactory(user=woman, gender="woman")
        EnrolmentFactory(participant=woman, status=EnrolmentStatus.GRADUATED, graduated_at=utcnow())
    db.session.commit()


def test_home_shows_open_call_live_campaigns_figures_and_partners(client, app_ctx):
    CallFactory(title_en="Open call for felt makers", closes_at=utcnow() + timedelta(days=10))
    CallFactory(title_en="Closed call", closes_at=utcnow() - timedelta(days=1))
    campaign = CampaignFactory(title="Shyrdak for the school", creator_name="Aigerim", goal_amount=1_000_000)
    PledgeFactory(campaign=campaign, amount=250_000, status="paid", paid_at=utcnow())
    CampaignFactory(title="A draft", status="draft")
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "Open call for felt makers" in html and "Closed call" not in html
    assert "Apply by" in html
    assert "Shyrdak for the school" in html and "A draft" not in html
    assert "by Aigerim" in html and "Naryn" in html
    assert "25% funded" in html and re.search(r"2[89] days left", html)
    assert "Partners" in html and "The organisations that work with the lab will be listed here." in html
    assert "women trained" in html


def test_partners_come_from_the_organisations_with_an_active_public_partnership(client, app_ctx):
    """Partners on the home page: an active partnership and a public face (a listed directory
    entry or a logo); a past or future partnership, or an organisation that never chose to be
    listed, is not shown. Names in the reader's language, else the one given (marked)."""
    listed = OrganisationFactory(
        name_en="Naryn Felt Makers", name_ru="Войлочницы Нарына", website="https://felt.kg"
    )
    PartnershipFactory(organisation=listed, starts_on=date(2020, 1, 1))
    DirectoryEntryFactory(user=None, organisation=listed, display_name="Naryn Felt Makers")
    with_logo = OrganisationFactory(name_en="", name_ru="", name_ky="Ош кол өнөрчүлөрү")
    with_logo.logo = StoredFile(
        key="logo-osh", mimetype="image/png", size=10, sha256="0" * 64, original_name="l.png"
    )
    PartnershipFactory(organisation=with_logo, starts_on=date(2020, 1, 1), ends_on=date(2099, 1, 1))
    private = OrganisationFactory(name_en="Quiet Partner Ltd")
    PartnershipFactory(organisation=private, starts_on=date(2020, 1, 1))
    ended = OrganisationFactory(name_en="Former Partner")
    PartnershipFactory(organisation=ended, starts_on=date(2020, 1, 1), ends_on=date(2021, 1, 1))
    DirectoryEntryFactory(user=None, organisation=ended, display_name="Former Partner")
    unlisted = OrganisationFactory(name_en="Unlisted Partner")
    PartnershipFactory(organisation=unlisted, starts_on=date(2020, 1, 1))
    DirectoryEntryFactory(user=None, organisation=unlisted, display_name="Unlisted Partner", listed=False)
    db.session.commit()

    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    partners = html[html.index('id="partners-title"') :]
    assert '<a href="https://felt.kg" rel="noopener">Naryn Felt Makers</a>' in partners
    assert '<li lang="ky"><img src="/organisations/' in partners and "Ош кол өнөрчүлөрү" in partners
    for hidden in ("Quiet Partner", "Former Partner", "Unlisted Partner"):
        assert hidden not in partners
    assert "will be listed here" not in partners
    refresh()  # the test's app context outlives the request: forget its locale
    ru = client.get("/", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "Войлочницы Нарына" in ru


def test_small_figures_are_hidden_as_the_reports_hide_them(client, app_ctx):
    _graduates(3)
    figures = public_figures()
    assert figures.women_trained == MARK
    html = client.get("/").get_data(as_text=True)
    assert re.search(r"<strong>c</strong>\s*women trained", html)


def test_larger_figures_are_published_with_the_reports_noise(app_ctx):
    _graduates(8)
    figures = public_figures()
    assert figures.women_trained != MARK and abs(figures.women_trained - 8) <= 2


def test_home_queries_stay_fixed_with_more_campaigns(app, client, app_ctx, count_queries, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 0)  # count the rendering, not a cache hit
    CallFactory()
    CampaignFactory()
    db.session.commit()
    client.get("/")
    with count_queries() as few:
        client.get("/")
    for _ in range(8):
        CallFactory()
        PledgeFactory(campaign=CampaignFactory(), status="paid", paid_at=utcnow())
    db.session.commit()
    with count_queries() as many:
        client.get("/")
    assert len(many) == len(few) <= 12


def test_home_weighs_under_100_kb_with_everything_it_loads(client, app_ctx):
    for _ in range(8):
        CampaignFactory()
    CallFactory()
    db.session.commit()
    html = client.get("/").get_data()
    loaded = re.findall(
        rb'(?:href|src)="(/[^"]+\.(?:css|js|svg|png|jpg|webp)|/campaigns/[^"]+/image/\d+)"', html
    )
    loaded += re.findall(rb'src="(/campaigns/pattern/\d+\.svg)"', html)
    assert any(b".css" in u for u in loaded) and any(b"pattern" in u for u in loaded)
    weight = len(html) + sum(len(client.get(u.decode()).get_data()) for u in set(loaded))
    assert weight < HOME_LIMIT, weight
