"""Money cells by a group of people survive differencing (issue 16, money).

A campaign's total is public; "money raised by women with a disability in call B" is not.
Lab L holds calls A and B (one cohort each). Campaign owners, one campaign each:

  call A: 10 women with a disability, 5 without;  call B: 2 women with a disability, 5 without.

So the lab's "with disability" money cell counts 12 people (shown, threshold 10), call A's 10
(shown), call B's 2 (hidden): published exactly, lab − call A would give call B's two women's
money to the som. Pledges are paid on two days, so date ranges add more cells to difference.

The attacker enumerates every money report a global staff member can produce here (no filter,
the lab, each call, each cohort, three date ranges; by disability and by gender), knows which
pledges stand behind every cell (the worst case) and the method, and searches pairs and
triples of published cells whose pledges make a hidden group exactly: X − Y and X − Y − Z.
"""

import itertools
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tests.factories.accounts import UserFactory
from tests.factories.campaigns import CampaignFactory, PledgeFactory
from tests.factories.programme import (
    ApplicationFactory,
    CallFactory,
    CohortFactory,
    EnrolmentFactory,
    LabFactory,
)
from wcl.accounts.models import CELL_KEY_RANGE, User
from wcl.extensions import db
from wcl.reports import services
from wcl.reports.protection import MARK

SUBMITTED = datetime(2026, 3, 1, 9, tzinfo=UTC)
EARLY, LATE = datetime(2026, 5, 1, 9, tzinfo=UTC), datetime(2026, 6, 1, 9, tzinfo=UTC)
DATES = ((None, None), ("2026-05-15", None), (None, "2026-05-15"))


@pytest.fixture
def world(app_ctx):
    lab = LabFactory()
    mentor = UserFactory(roles=["mentor"])
    owners = []  # (call key, disability, [(pledge id, amount, paid_at)])
    calls = {}
    for key, disabled, not_disabled in (("a", 10, 5), ("b", 2, 5)):
        call = CallFactory(lab=lab)
        cohort = CohortFactory(lab=lab, call_id=call.id)
        calls[key], calls["k_" + key] = call, cohort
        for i in range(disabled + not_disabled):
            disability = i < disabled
            app = ApplicationFactory(
                call=call,
                applicant=UserFactory(roles=["applicant"]),
                status="accepted",
                submitted_at=SUBMITTED,
                snapshot_gender="woman",
                snapshot_birth_year=1995,
                snapshot_region="KG-N",
                snapshot_settlement="rural",
                snapshot_creative_domain="V_ARTS",
                snapshot_disability=disability,
            )
            EnrolmentFactory(cohort=cohort, participant=app.applicant, mentor=mentor, application_id=app.id)
            campaign = CampaignFactory(owner=app.applicant, status="live", went_live_at=SUBMITTED)
            pledges = []
            for j, paid_at in enumerate((EARLY, LATE)):
                amount = 150_000 + 37_300 * i + 91_700 * j + (400_000 if key == "b" else 0)
                pledge = PledgeFactory(campaign=campaign, amount=amount, status="paid", paid_at=paid_at)
                pledges.append((pledge.id, amount, paid_at))
            owners.append((key, disability, pledges))
    for i, user in enumerate(db.session.scalars(sa.select(User).order_by(User.id))):
        user.cell_key = (i * 73 + 11) % CELL_KEY_RANGE
    db.session.commit()
    return {"lab": lab, **calls, "owners": owners}


def _in_scope(world, scope, date_from, date_to, key):
    return not (scope in ("a", "b", "k_a", "k_b") and key != scope[-1])


def _pledges(world, scope, dates, category, by):
    """The pledges (id, amount) behind a cell, from the fixture's own bookkeeping."""
    date_from, date_to = dates
    low = datetime.fromisoformat(date_from).replace(tzinfo=UTC) if date_from else None
    high = datetime.fromisoformat(date_to).replace(tzinfo=UTC) if date_to else None
    out = set()
    for key, disability, pledges in world["owners"]:
        if not _in_scope(world, scope, date_from, date_to, key):
            continue
        if by == "disability" and category != ("yes" if disability else "no"):
            continue
        if by == "gender" and category != "woman":
            continue
        for pledge_id, amount, paid_at in pledges:
            if (low is None or paid_at >= low) and (high is None or paid_at < high):
                out.add((pledge_id, amount))
    return frozenset(out)


def _catalogue(world):
    """[(pledges, published pledged amount)] of every money cell (and margin) the UI offers,
    and the hidden groups with money."""
    staff = UserFactory(roles=["staff"])
    published, hidden = [], set()
    for scope, dates, by in itertools.product(
        (None, "lab", "a", "b", "k_a", "k_b"), DATES, ("disability", "gender")
    ):
        args = {"by": by}
        if scope:
            args["cohort" if scope.startswith("k_") else "lab" if scope == "lab" else "call"] = str(
                world[scope].id
            )
        if dates[0]:
            args["date_from"] = dates[0]
        if dates[1]:
            args["date_to"] = dates[1]
        report = services.build_report(services.parse_filters(args, staff), staff)
        (block,) = report.money
        (pledged,) = [m for m in block["measures"] if m["key"] == "pledged"]
        cells = list(zip(report.categories, pledged["values"], strict=True))
        margin = _pledges(world, scope, dates, "yes", "disability") | _pledges(
            world, scope, dates, "no", "disability"
        )
        for population, value in [((_pledges(world, scope, dates, c, by)), v) for c, v in cells] + [
            (margin, pledged["total"])
        ]:
            if not population:
                continue
            if value == MARK:
                hidden.add(population)
            else:
                published.append((population, value))
    return published, hidden


def _true(population):
    return sum(amount for _id, amount in population)


def _chains(published, hidden):
    """Every (X − Y) and (X − Y − Z) of published cells whose pledges are exactly a hidden
    group: (hidden group, published estimate)."""
    found = []
    for (x, vx), (y, vy) in itertools.permutations(published, 2):
        if y < x and (x - y) in hidden:
            found.append((x - y, vx - vy))
    for (x, vx), (y, vy), (z, vz) in itertools.permutations(published, 3):
        if y < x and z < x and not (y & z) and (x - y - z) in hidden:
            found.append((x - y - z, vx - vy - vz))
    return found


def test_differencing_money_reports_never_gives_a_hidden_groups_exact_amount(world):
    published, hidden = _catalogue(world)
    b_disabled = _pledges(world, "b", (None, None), "yes", "disability")
    assert len(b_disabled) == 4 and b_disabled in hidden  # call B's 2 women: hidden in B's report
    chains = _chains(published, hidden)
    # The chain exists (lab − call A, with disability) and many more.
    assert any(group == b_disabled for group, _estimate in chains)
    assert len(chains) > 10
    for group, estimate in chains:
        assert estimate != _true(group), sorted(group)
    # Every shown amount is moved (none is exact), and the same cell is the same in every report.
    values = {}
    for population, value in published:
        assert value != _true(population)
        values.setdefault(population, set()).add(value)
    assert all(len(v) == 1 for v in values.values())


def test_published_exactly_the_same_chain_recovers_the_group(world):
    """Control: with exact amounts (only small groups hidden) lab − call A is call B's women's money."""
    published, hidden = _catalogue(world)
    exact = [(population, _true(population)) for population, _value in published]
    b_disabled = _pledges(world, "b", (None, None), "yes", "disability")
    assert (b_disabled, _true(b_disabled)) in _chains(exact, hidden)


def test_a_money_cell_counts_people_not_campaigns(app_ctx):
    """One man with five campaigns is one person: his money is hidden, however many campaigns."""
    lab = LabFactory()
    cohort = CohortFactory(lab=lab)
    man = UserFactory(roles=["participant"])
    EnrolmentFactory(cohort=cohort, participant=man, mentor=None)
    db.session.add(man)
    from tests.factories.accounts import DemographicsFactory

    DemographicsFactory(user=man, gender="man")
    for _ in range(5):
        PledgeFactory(campaign=CampaignFactory(owner=man), amount=300_000, status="paid", paid_at=EARLY)
    db.session.commit()
    staff = UserFactory(roles=["staff"])
    report = services.build_report(services.parse_filters({"by": "gender"}, staff), staff)
    (block,) = report.money
    men = report.categories.index("man")
    for measure in block["measures"]:
        assert measure["values"][men] == MARK and measure["total"] == MARK
