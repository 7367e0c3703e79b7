"""Seed grants in the participation report (issue 18): recipients, grants, amounts awarded and
disbursed by gender, age, region and disability, protected like every money cell.

Hand-built fixture (grants awarded 2026-05-01; amounts in som):

Lab L1, fund F1 (KGS), cohort K1 of call C1:
  6 women (applications: born 2000, Osh region, no disability): a 50,000 grant each, 20,000
    of it released; the first of them also holds a second grant of 10,000 (nothing released);
  2 women (applications: born 1980, Naryn, with a disability): 30,000 each, nothing released;
  1 man enrolled without an application (Demographics: born 1990, Batken, disability not
    asked): 40,000, all released;
  1 woman whose grant was cancelled: not counted.
Lab L2, fund F2, cohort K2: 5 women (born 2000, Osh, no disability), 20,000 each.

So in L1 by gender: women 8 recipients, 9 grants, awarded 6×50,000 + 10,000 + 2×30,000 =
370,000, disbursed 6×20,000 = 120,000; the man is one person (hidden); in all labs women 13.
"""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tests.factories.accounts import DemographicsFactory, UserFactory
from tests.factories.programme import (
    ApplicationFactory,
    CallFactory,
    CohortFactory,
    EnrolmentFactory,
    LabFactory,
)
from wcl.accounts.models import CELL_KEY_RANGE, User
from wcl.extensions import db
from wcl.grants.models import Grant, GrantFund, Tranche
from wcl.reports import services
from wcl.reports.protection import MARK, Cell, publish, publish_amount

AWARDED = datetime(2026, 5, 1, 9, tzinfo=UTC)
SOM = 100


def _recipient(cohort, call, birth_year, region, disability):
    app = ApplicationFactory(
        call=call,
        applicant=UserFactory(roles=["participant"]),
        status="accepted",
        submitted_at=datetime(2026, 3, 1, tzinfo=UTC),
        snapshot_gender="woman",
        snapshot_birth_year=birth_year,
        snapshot_region=region,
        snapshot_settlement="rural",
        snapshot_creative_domain="V_ARTS",
        snapshot_disability=disability,
    )
    enrolment = EnrolmentFactory(cohort=cohort, participant=app.applicant, mentor=None, application_id=app.id)
    return app.applicant, enrolment


def _grant(fund, user, enrolment, amount, released=0, status="active"):
    grant = Grant(
        fund_id=fund.id,
        recipient_id=user.id,
        enrolment_id=enrolment.id,
        amount=amount * SOM,
        purpose="Seed money",
        status=status,
        created_at=AWARDED,
    )
    grant.tranches = [Tranche(seq=1, amount=amount * SOM, condition_text="Photos", status="waiting")]
    if released:
        grant.tranches = [
            Tranche(
                seq=1, amount=released * SOM, condition_text="Photos", status="released", released_at=AWARDED
            ),
            *(
                [Tranche(seq=2, amount=(amount - released) * SOM, condition_text="More")]
                if amount > released
                else []
            ),
        ]
    db.session.add(grant)
    return grant


@pytest.fixture
def world(app_ctx):
    l1, l2 = LabFactory(), LabFactory()
    c1, c2 = CallFactory(lab=l1), CallFactory(lab=l2)
    k1, k2 = CohortFactory(lab=l1, call_id=c1.id), CohortFactory(lab=l2, call_id=c2.id)
    f1 = GrantFund(lab_id=l1.id, name="F1", currency="KGS", balance=0)
    f2 = GrantFund(lab_id=l2.id, name="F2", currency="KGS", balance=0)
    db.session.add_all([f1, f2])
    db.session.flush()
    women = []
    for i in range(6):
        user, enrolment = _recipient(k1, c1, 2000, "KG-O", False)
        _grant(f1, user, enrolment, 50_000, released=20_000)
        if i == 0:
            _grant(f1, user, enrolment, 10_000)
        women.append(user)
    disabled = []
    for _ in range(2):
        user, enrolment = _recipient(k1, c1, 1980, "KG-N", True)
        _grant(f1, user, enrolment, 30_000)
        disabled.append(user)
    man = UserFactory(roles=["participant"])
    DemographicsFactory(user=man, gender="man", birth_year=1990, region="KG-B")
    _grant(f1, man, EnrolmentFactory(cohort=k1, participant=man, mentor=None), 40_000, released=40_000)
    user, enrolment = _recipient(k1, c1, 2000, "KG-O", False)
    _grant(f1, user, enrolment, 25_000, status="cancelled")
    others = []
    for _ in range(5):
        user, enrolment = _recipient(k2, c2, 2000, "KG-O", False)
        _grant(f2, user, enrolment, 20_000)
        others.append(user)
    for i, u in enumerate(db.session.scalars(sa.select(User).order_by(User.id))):
        u.cell_key = (i * 97 + 5) % CELL_KEY_RANGE
    db.session.commit()
    return {"l1": l1, "l2": l2, "k1": k1, "women": women, "disabled": disabled, "man": man, "others": others}


def _key(users):
    return sum(u.cell_key for u in users) % CELL_KEY_RANGE


def _grants(staff, **args):
    report = services.build_report(services.parse_filters(args, staff), staff)
    (block,) = report.grants
    assert block["currency"] == "KGS"
    return report, {m["key"]: (*m["values"], m["total"]) for m in block["measures"]}


def test_grants_by_gender_in_a_lab(world):
    staff = UserFactory(roles=["staff"], lab_id=world["l1"].id)
    report, grants = _grants(staff, by="gender")
    assert report.categories == ["woman", "man", "other"]
    women = Cell(8, _key(world["women"] + world["disabled"]))
    everyone = Cell(9, _key(world["women"] + world["disabled"] + [world["man"]]))
    assert grants["recipients"] == (publish(women), MARK, 0, publish(everyone))
    assert grants["grants"] == (publish(Cell(9, women.key)), MARK, 0, publish(Cell(10, everyone.key)))
    # The largest single recipient: the woman with two grants (60,000 awarded, 20,000 released);
    # in the total, the man's 40,000 released is the largest disbursement.
    assert grants["awarded"] == (
        publish_amount(370_000 * SOM, 60_000 * SOM, women),
        MARK,
        0,
        publish_amount(410_000 * SOM, 60_000 * SOM, everyone),
    )
    assert grants["disbursed"] == (
        publish_amount(120_000 * SOM, 20_000 * SOM, women),
        MARK,
        0,
        publish_amount(160_000 * SOM, 40_000 * SOM, everyone),
    )
    # Moved, never exact.
    assert grants["awarded"][0] != 370_000 * SOM and grants["disbursed"][0] != 120_000 * SOM


def test_grants_by_disability_region_and_age(world):
    staff = UserFactory(roles=["staff"])
    lab = str(world["l1"].id)
    six = Cell(6, _key(world["women"]))
    _report, by_disability = _grants(staff, by="disability", lab=lab)
    # With a disability: 2 women (threshold 10: hidden); without: the 6; not stated: the man.
    assert by_disability["recipients"][:3] == (MARK, publish(six), MARK)
    assert by_disability["awarded"][:3] == (MARK, publish_amount(310_000 * SOM, 60_000 * SOM, six), MARK)
    _report, by_region = _grants(staff, by="region", lab=lab)
    regions = _report.categories
    assert by_region["recipients"][regions.index("KG-O")] == publish(six)
    assert by_region["recipients"][regions.index("KG-N")] == MARK
    assert by_region["recipients"][regions.index("KG-B")] == MARK
    _report, by_youth = _grants(staff, by="youth", lab=lab)
    # Age at the award (2026): 26 (youth) for the six; 46 and 36 for the others.
    assert by_youth["recipients"][:3] == (publish(six), MARK, 0)


def test_lab_filter_and_all_labs(world):
    staff = UserFactory(roles=["staff"])
    _report, everywhere = _grants(staff, by="gender")
    thirteen = Cell(13, _key(world["women"] + world["disabled"] + world["others"]))
    assert everywhere["recipients"][0] == publish(thirteen)
    _report, l2 = _grants(staff, by="gender", lab=str(world["l2"].id))
    assert l2["recipients"] == (
        publish(Cell(5, _key(world["others"]))),
        0,
        0,
        publish(Cell(5, _key(world["others"]))),
    )
    assert l2["disbursed"][0] == 0


def test_grants_in_every_export(world):
    staff = UserFactory(roles=["staff"], lab_id=world["l1"].id)
    report, grants = _grants(staff, by="gender")
    rows = services.table_rows(report)
    start = [r[0] if r else None for r in rows].index("Seed grants (KGS)")
    assert rows[start + 1] == ["Grant recipients", *grants["recipients"]]
    assert rows[start + 3][1] == grants["awarded"][0] / 100
    body = services.iati_json(report)
    awarded = [e for e in body["grants"] if e["measure"] == "awarded"]
    assert [e["value"] for e in awarded] == [None if v == MARK else v / 100 for v in grants["awarded"]]
    # A second request publishes the same values.
    assert _grants(staff, by="gender")[1] == grants


def test_no_grants_no_table(app_ctx):
    staff = UserFactory(roles=["staff"])
    report = services.build_report(services.parse_filters({}, staff), staff)
    assert report.grants == []
