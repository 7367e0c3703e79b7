"""Labour and materials pledged with a declared value: shown beside money, never added to it;
staff confirm the work was given, then a certificate of contribution (not a receipt) is issued."""

import io

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from tests.ashar.conftest import letter, live_project, match_data, user
from tests.factories.campaigns import PledgeFactory
from tests.helpers import message_text, outbox_messages
from wcl.accounts.permissions import PermissionDenied
from wcl.ashar import queries, services
from wcl.ashar.errors import AsharError
from wcl.ashar.models import InKindPledge
from wcl.campaigns.queries import campaign_totals
from wcl.extensions import db
from wcl.files.services import read_bytes
from wcl.payments import services as payments
from wcl.receipts.models import Receipt


def _text(data):
    return " ".join("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def labour(**overrides):
    data = {
        "kind": "labour",
        "hours": 8,
        "description": "Carrying stones for the bridge",
        "value": 400_000,  # 4 000 som declared
        "currency": "KGS",
        "name": "Nurlan Abdyrakhmanov",
        "email": "nurlan@example.org",
    }
    data.update(overrides)
    return data


def _count():
    return db.session.scalar(db.select(sa.func.count()).select_from(InKindPledge))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"hours": 10_000}, "hours"),
        ({"hours": 0}, "hours"),
        ({"hours": -3}, "hours"),
        ({"value": -100}, "value"),
        ({"value": 0}, "value"),
        ({"currency": "EUR"}, "currency"),
        ({"kind": "money"}, "kind"),
        ({"email": "not an address"}, "email"),
    ],
)
def test_bad_pledges_are_refused_with_a_message_and_change_nothing(world, overrides, field):
    project = live_project(world)
    with pytest.raises(AsharError) as refused:
        services.pledge_inkind(None, project.id, labour(**overrides))
    assert refused.value.field == field
    assert str(refused.value.message)
    assert _count() == 0


def test_ten_thousand_hours_is_refused_in_kyrgyz(world, app):
    from flask_babel import force_locale

    project = live_project(world)
    with pytest.raises(AsharError) as refused, force_locale("ky"):
        services.pledge_inkind(None, project.id, labour(hours=10_000))
    with force_locale("ky"):
        assert "500" in str(refused.value.message) and "hours" not in str(refused.value.message)


def test_a_pledge_to_a_project_not_yet_live_is_refused(world):
    from tests.ashar.conftest import proposed

    project = proposed(world)
    with pytest.raises(AsharError, match="does not take pledges"):
        services.pledge_inkind(None, project.id, labour())
    assert _count() == 0


def test_in_kind_value_is_shown_beside_money_and_never_added_to_it(world, app, run_jobs):
    project = live_project(world)
    services.commit_match(user(world.staff_id), match_data(world), letter())
    paid = PledgeFactory(campaign=project.campaign, amount=2_000_000)
    payments.mark_pledge_paid(paid.id, 2_000_000, "KGS")
    services.pledge_inkind(None, project.id, labour(), locale="en")
    services.pledge_inkind(
        None,
        project.id,
        labour(kind="materials", hours=None, description="20 bags of cement", value=1_000_000),
        locale="en",
    )
    money = campaign_totals([project.campaign_id])[project.campaign_id]
    assert money == {"raised": 2_000_000, "backers": 1, "matched": 2_000_000}
    progress = queries.progress(project.campaign_id)
    assert (progress["raised"], progress["matched"], progress["inkind_value"], progress["hours"]) == (
        2_000_000,
        2_000_000,
        1_400_000,
        8,
    )
    run_jobs()
    # The one receipt is for the money; in-kind pledges get none.
    assert db.session.scalar(db.select(sa.func.count()).select_from(Receipt)) <= 1
    subjects = [m["Subject"] for m in outbox_messages(app)]
    thanks = [m for m in outbox_messages(app) if "Thank you for your contribution" in m["Subject"]]
    assert len(thanks) == 2, subjects
    assert len(thanks) == 2
    assert "not a donation" in message_text(thanks[0])


def test_staff_confirm_labour_then_a_certificate_is_issued_once(world, app, run_jobs):
    project = live_project(world)
    pledge = services.pledge_inkind(None, project.id, labour(), locale="en")
    assert pledge.certificate_id is None
    with pytest.raises(PermissionDenied):
        services.confirm_inkind(user(world.other_staff_id), pledge.id)
    services.confirm_inkind(user(world.staff_id), pledge.id)
    pledge = db.session.get(InKindPledge, pledge.id)
    assert pledge.status == "confirmed" and pledge.decided_by_id == world.staff_id
    with pytest.raises(AsharError, match="already been decided"):
        services.confirm_inkind(user(world.staff_id), pledge.id)
    with pytest.raises(AsharError, match="already been decided"):
        services.decline_inkind(user(world.staff_id), pledge.id)
    text = _text(read_bytes(pledge.certificate))
    assert "Nurlan Abdyrakhmanov" in text and "8" in text and "Kochkor" in text
    assert "Kara-Suu" not in text  # the village stays with staff
    run_jobs()
    confirmed = [m for m in outbox_messages(app) if "certificate of contribution" in m["Subject"]]
    assert len(confirmed) == 1


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("en", ["Certificate of contribution", "hours of work", "not a donation receipt"]),
        ("ru", ["Свидетельство о вкладе", "часов работы"]),
        ("ky", ["Салым тууралуу күбөлүк", "саат"]),
    ],
)
def test_the_certificate_reads_back_in_each_language(world, locale, words):
    project = live_project(world)
    pledge = services.pledge_inkind(None, project.id, labour(), locale=locale)
    services.confirm_inkind(user(world.staff_id), pledge.id)
    text = _text(read_bytes(db.session.get(InKindPledge, pledge.id).certificate))
    for word in words:
        assert word in text, (word, text)
    assert "WCL-A-" in text


def test_declined_labour_gets_no_certificate_and_leaves_the_figures(world):
    project = live_project(world)
    pledge = services.pledge_inkind(None, project.id, labour())
    services.decline_inkind(user(world.staff_id), pledge.id)
    pledge = db.session.get(InKindPledge, pledge.id)
    assert pledge.status == "declined" and pledge.certificate_id is None
    assert queries.progress(project.campaign_id)["inkind_value"] == 0
