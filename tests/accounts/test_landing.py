"""After signing in, each person lands on her own work."""

import pytest

from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.programme import EnrolmentFactory
from tests.helpers import post_form


def _sign_in(client, email, path="/account/login"):
    response = post_form(client, path, {"email": email, "password": PASSWORD}, get_path="/account/login")
    assert response.status_code == 302
    return response.headers["Location"]


@pytest.mark.parametrize(
    "roles, landing",
    [
        (["applicant"], "/applications/mine"),
        (["reviewer"], "/review/"),
        (["applicant", "reviewer"], "/review/"),
        (["staff"], "/staff/calls"),
    ],
)
def test_each_role_lands_on_her_work(app, client, roles, landing):
    with app.app_context():
        UserFactory(email="she@example.org", roles=roles)
    assert _sign_in(client, "she@example.org").startswith(landing)


def test_a_mentor_lands_on_her_cohort(app, client):
    with app.app_context():
        mentor = UserFactory(email="mentor@example.org", roles=["mentor"])
        cohort_id = EnrolmentFactory(mentor=mentor).cohort_id
    assert _sign_in(client, "mentor@example.org") == f"/cohorts/{cohort_id}"


def test_a_mentor_of_two_cohorts_lands_on_her_cohorts(app, client):
    with app.app_context():
        mentor = UserFactory(email="mentor@example.org", roles=["mentor"])
        EnrolmentFactory(mentor=mentor)
        EnrolmentFactory(mentor=mentor)
    assert _sign_in(client, "mentor@example.org") == "/cohorts/"


def test_a_participant_lands_on_her_progress(app, client):
    with app.app_context():
        she = UserFactory(email="p@example.org", roles=["participant", "applicant"])
        enrolment_id = EnrolmentFactory(participant=she).id
    assert _sign_in(client, "p@example.org") == f"/cohorts/enrolments/{enrolment_id}"


def test_next_still_wins(app, client):
    with app.app_context():
        UserFactory(email="she@example.org", roles=["reviewer"])
    assert _sign_in(client, "she@example.org", "/account/login?next=/campaigns/") == "/campaigns/"
