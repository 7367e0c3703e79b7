"""Someone answers the annual mapping survey in Kyrgyz, on a phone, without signing in.

She first forgets the consent box (refused, in Kyrgyz, nothing stored), then sends her
answers; the same phone is then told this year's survey is already answered.
"""

import pytest


@pytest.fixture
def viewport():
    return "phone"


def test_someone_answers_the_mapping_survey_in_kyrgyz(site, journey):
    she = journey("maker")
    she.goto("/language/ky")
    she.goto("/mapping-survey")
    page = she.page
    assert page.locator("html").get_attribute("lang") == "ky"
    assert "Чыгармачыл ишкерлердин картасы" in page.locator("h1").inner_text()
    she.screenshot("m1-01-mapping-survey-in-kyrgyz")

    page.get_by_label("Чыгармачыл тармак").select_option("V_ARTS")
    page.get_by_label("Облус").select_option("KG-N")
    page.get_by_label("Айыл", exact=True).check()
    page.get_by_label("2–5 адам").check()
    page.get_by_label("Жылына 100 000 сомдон аз").check()
    page.get_by_label("Сиз менен иштеген аялдар (өзүңүздү эсептебегенде)").fill("2")
    page.get_by_label("Сиз менен иштеген эркектер").fill("0")
    page.locator("#exports").get_by_label("Ооба").check()
    page.get_by_label("10 %дан аз").check()
    # Without the consent box: refused in Kyrgyz (a 422 page, which the browser logs).
    page.get_by_role("button", name="Жоопторумду жөнөтүү").click()
    page.wait_for_load_state("load")
    she.console_errors.clear()
    she.check()
    assert "Жоопторуңуз ушундай колдонулушуна макул болсоңуз" in page.content()
    assert page.get_by_label("Сиз менен иштеген аялдар (өзүңүздү эсептебегенде)").input_value() == "2"
    she.screenshot("m1-02-consent-missing")

    page.locator("#consent").check()
    page.get_by_role("button", name="Жоопторумду жөнөтүү").click()
    she.check()
    assert "Жоопторуңуз сакталды" in page.content()
    she.screenshot("m1-03-thank-you")

    she.goto("/mapping-survey")
    assert page.locator('[data-already="yes"]').count() == 1
