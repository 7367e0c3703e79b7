"""Approximate amounts for backers abroad (issue 17.12): staff-entered dated rates,
labelled approximate; the KGS amount stays the one charged."""

from datetime import date

from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.campaigns import CampaignFactory, RewardTierFactory
from tests.helpers import login, post_form
from wcl.campaigns import services
from wcl.campaigns.models import ExchangeRate
from wcl.extensions import db


def test_staff_enter_rates_and_the_page_shows_approximate_amounts(app, client):
    with app.app_context():
        UserFactory(email="staff@example.org", roles=["staff"])
        campaign = CampaignFactory(slug="felt", goal_amount=8_745_000)  # 87 450 som
        RewardTierFactory(campaign=campaign, min_amount=874_500)
    login(client, "staff@example.org", PASSWORD)
    for currency, rate in (("USD", "87.45"), ("EUR", "94.00"), ("RUB", "0.90")):
        response = post_form(
            client, "/campaigns/rates", {"currency": currency, "rate": rate, "as_of": "2026-12-01"}
        )
        assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(ExchangeRate.id))) == 3
    html = client.get("/campaigns/felt").get_data(as_text=True)
    assert "$1,000" in html and "$100" in html  # the goal and the reward, approximately
    assert "approximately, at rates of" in html and "you are charged in som" in html


def test_no_rates_no_approximation_and_only_staff_enter_them(app, client):
    with app.app_context():
        CampaignFactory(slug="felt")
        UserFactory(email="p@example.org", roles=["participant"])
    assert "approximately" not in client.get("/campaigns/felt").get_data(as_text=True)
    login(client, "p@example.org", PASSWORD)
    assert client.get("/campaigns/rates").status_code == 403


def test_the_latest_rate_of_each_currency_is_used(app_ctx):
    staff = UserFactory(roles=["staff"])
    services.rates.save_rate(staff, "USD", 8_000, date(2026, 11, 1))
    services.rates.save_rate(staff, "USD", 8_745, date(2026, 12, 1))
    (usd,) = services.rates.latest_rates()
    assert usd.kgs_per_unit == 8_745
    assert services.rates.approximate(874_500, [usd]) == [("USD", 10_000)]
