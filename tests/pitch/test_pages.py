"""Pitch-day pages: staff run the day, a juror scores on her phone, the public sees results."""

import sqlalchemy as sa

from tests.factories.accounts import PASSWORD
from tests.helpers import login, post_form
from tests.pitch.helpers import ready_day, score_all, user
from wcl.extensions import db
from wcl.pitch import services
from wcl.pitch.models import PitchDay, PitchScore


def _day(app, world):
    with app.app_context():
        day = ready_day(world)
        return day.id, [f.id for f in day.finalists]


def test_staff_create_a_pitch_day_and_see_the_scores(app, client, world):
    login(client, "staff@example.org", PASSWORD)
    page = client.get("/pitch/")
    assert page.status_code == 200 and "Hackathon" in page.get_data(as_text=True)
    response = post_form(
        client, "/pitch/new", {"call_id": world.call_id, "event_id": world.event_id}, get_path="/pitch/"
    )
    assert response.status_code == 302
    with app.app_context():
        day = db.session.scalar(sa.select(PitchDay))
        assert day.call_id == world.call_id
        day_id = day.id
    manage = client.get(f"/pitch/{day_id}")
    assert manage.status_code == 200
    response = post_form(
        client, f"/pitch/{day_id}/jurors", {"email": "partner@example.org"}, get_path=f"/pitch/{day_id}"
    )
    assert response.status_code == 302
    with app.app_context():
        assert [j.user_id for j in db.session.get(PitchDay, day_id).jurors] == [world.jurors[1]]


def test_a_juror_scores_on_the_judge_pages_and_bad_scores_change_nothing(app, client, world):
    day_id, finalists = _day(app, world)
    pitching, impact = world.criteria
    login(client, "partner@example.org", PASSWORD)
    assert client.get(f"/pitch/{day_id}/judge").status_code == 200
    path = f"/pitch/{day_id}/judge/{finalists[0]}"
    bad = post_form(client, path, {f"score-{pitching}": "9", f"score-{impact}": "4"})
    assert bad.status_code == 422
    assert "1" in bad.get_data(as_text=True) and "5" in bad.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(PitchScore.id))) == 0
    good = post_form(client, path, {f"score-{pitching}": "4", f"score-{impact}": "7"})
    assert good.status_code == 302
    with app.app_context():
        assert sorted(s.score for s in db.session.scalars(sa.select(PitchScore))) == [4, 7]
    # jurors never see the score table
    assert client.get(f"/pitch/{day_id}").status_code == 403


def test_strangers_cannot_judge_and_results_are_hidden_until_published(app, client, world):
    day_id, _ = _day(app, world)
    login(client, "stranger@example.org", PASSWORD)
    assert client.get(f"/pitch/{day_id}/judge").status_code == 403
    assert client.get(f"/pitch/{day_id}").status_code == 403
    assert client.get(f"/pitch/{day_id}/results").status_code == 404


def test_published_results_page_and_certificate_verification(app, client, world):
    with app.app_context():
        day = ready_day(world)
        j1, j2 = world.jurors
        score_all(day, world, {j1: [(5, 10), (3, 5), (1, 0)], j2: [(4, 10), (5, 10), (1, 2)]})
        services.set_award(user(world.staff_id), day.finalists[0], True, "First prize", "50000", "KGS")
        services.publish_results(user(world.staff_id), day)
        day_id, code = day.id, day.finalists[0].certificate_code
    page = client.get(f"/pitch/{day_id}/results")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Aida" in text and "First prize" in text
    assert "91.7" not in text  # no scores, no demographics on the public page
    verify = client.get(f"/pitch/certificates/{code}")
    assert verify.status_code == 200 and "Aida" in verify.get_data(as_text=True)
    pdf = client.get(f"/pitch/certificates/{code}.pdf?lang=ru")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert client.get("/pitch/certificates/forged-code").status_code == 404
