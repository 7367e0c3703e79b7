"""A graduate answers her 6-month follow-up in Kyrgyz, on a phone, from the emailed link.

The demo's past cohort has two graduates whose 6-month follow-up is due and unsent;
running the periodic jobs sends it (a worker writes the email to the outbox), and she
opens the link without signing in, saves half of it, comes back, and sends it.
"""

import re

import pytest

ALUMNA = "alumna7@wcl.example"  # Kyrgyz; her 6-month follow-up is due in the demo


@pytest.fixture
def viewport():
    return "phone"


def test_a_graduate_answers_her_six_month_follow_up_in_kyrgyz(site, journey):
    site.flask("demo")
    site.flask("jobs", "run-periodic")
    message = site.wait_for_outbox(ALUMNA, "Бүтүргөндөн 6 ай", timeout=180)
    body = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://\S+/follow-up/\S+", body).group(0)

    she = journey("alumna")
    she.goto(link)
    page = she.page
    assert page.locator("html").get_attribute("lang") == "ky"
    assert "Ишиңиз тууралуу бир нече суроо" in page.locator("h1").inner_text()
    she.screenshot("f1-01-follow-up-in-kyrgyz")

    page.get_by_label("Айына 5 000–15 000 сом").check()
    page.get_by_label("Жумасына канча саат бул иш менен алектенесиз?").fill("25")
    page.get_by_role("button", name="Сактап, кийин бүтүрүү").click()
    she.check()
    assert "Жоопторуңуз сакталды" in page.content()
    she.screenshot("f1-02-saved-for-later")

    # Later, from the same link: what she saved is there; she finishes.
    she.goto(link)
    assert page.get_by_label("Жумасына канча саат бул иш менен алектенесиз?").input_value() == "25"
    page.get_by_label("Сиз менен канча аял иштейт (өзүңүздү эсептебегенде)?").fill("2")
    page.get_by_label("Сиз менен канча эркек иштейт?").fill("0")
    page.get_by_label("Патент менен иштейм").check()
    page.locator("#online_sales").get_by_label("Ооба").check()
    page.get_by_label("Кампаниянын акчасы").check()
    page.get_by_label("Лабораторияны курбуңузга сунуштайсызбы? (0 — такыр жок, 10 — сөзсүз)").select_option(
        "10"
    )
    page.get_by_role("button", name="Жоопторумду жөнөтүү").click()
    she.check()
    assert "Рахмат" in page.locator("h1").inner_text()
    she.screenshot("f1-03-thank-you")

    # The link is spent: a clear page with status 410 (which the browser logs as an error).
    response = page.goto(link)
    assert response.status == 410
    she.console_errors.clear()
    she.check()
    assert "Бул шилтемени колдонууга болбойт" in page.locator("h1").inner_text()
    she.screenshot("f1-04-link-already-used")


def test_anyone_reads_the_open_data_page_on_a_phone(site, journey):
    visitor = journey("visitor")
    visitor.goto("/open-data/")
    page = visitor.page
    assert page.locator("svg.report-chart").count() == 1
    assert page.locator('tr[data-indicator="women_trained"] td.programme').inner_text().strip() not in (
        "",
        "c",
    )
    visitor.screenshot("f1-05-open-data")
    assert page.get_by_role("link", name="IATI 2.03 (XML)").get_attribute("href").endswith("/iati.xml")
