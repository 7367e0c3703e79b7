"""Nothing shown to a signed-in person may be kept by a browser or proxy cache."""

from tests.factories.accounts import PASSWORD, UserFactory
from tests.helpers import login


def test_every_response_to_a_signed_in_user_is_no_store(app, client):
    with app.app_context():
        UserFactory(email="staff@example.org", roles=["staff"])
    login(client, "staff@example.org", PASSWORD)
    for path in ("/account/", "/reports/", "/receipts/register", "/", "/campaigns/", "/no-such-page"):
        response = client.get(path)
        assert "no-store" in response.headers.get("Cache-Control", ""), (path, response.status_code)


def test_guest_pages_keep_their_own_caching(client):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")


def test_stylesheets_stay_cacheable_when_signed_in(app, client):
    with app.app_context():
        UserFactory(email="a@example.org")
    login(client, "a@example.org", PASSWORD)
    assert "no-store" not in client.get("/static/css/wcl.css").headers.get("Cache-Control", "")
