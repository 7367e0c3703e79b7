"""Demo: the Osh lab's seed-grant fund with one grant to participant@wcl.example:
its first tranche (on the approved "Prototype" milestone) released by bank transfer,
its second waiting for her evidence (a written condition).

Built through the services, so the demo also exercises the real rules. Needs the
accounts and cohorts demos first.
"""

import io
from datetime import date, timedelta

from PIL import Image
from werkzeug.datastructures import FileStorage

from wcl.accounts.demo import demo_user
from wcl.cohorts.models import Milestone
from wcl.extensions import db
from wcl.grants import services
from wcl.grants.models import Grant, GrantFund
from wcl.labs.models import Lab

FUND_NAME = "UN Women seed fund 2026"


def _slip():
    """A small picture standing in for the photographed transfer slip."""
    out = io.BytesIO()
    Image.new("RGB", (320, 200), (236, 232, 240)).save(out, "JPEG")
    return FileStorage(stream=io.BytesIO(out.getvalue()), filename="transfer-slip.jpg")


def load():
    """Create the fund and the grant once; later runs only print what exists."""
    osh = db.session.scalar(db.select(Lab).where(Lab.slug == "osh"))
    staff, participant = demo_user("staff@wcl.example"), demo_user("participant@wcl.example")
    prototype = db.session.scalar(db.select(Milestone).where(Milestone.title == "Prototype"))
    if osh is None or staff is None or participant is None or prototype is None:
        return ["Grants: skipped (run the accounts and cohorts demos first)."]
    fund = db.session.scalar(db.select(GrantFund).where(GrantFund.name == FUND_NAME))
    if fund is not None:
        return [f"Grants: {FUND_NAME} (/grants/funds/{fund.id}) already loaded."]

    fund = services.create_fund(staff, osh.id, FUND_NAME, "KGS")
    services.fund_fund(staff, fund.id, 100_000_000, "KGS", "UN Women", "Seed grants for the 2026 cohorts")
    grant = services.award_grant(
        staff,
        fund.id,
        {
            "recipient_id": participant.id,
            "amount": 6_000_000,
            "currency": "KGS",
            "purpose": "A sewing machine and fabric to start a small felt and textile workshop at home.",
            "language": participant.locale or "ru",
            "report_due_on": date.today() + timedelta(days=60),
            "budget_lines": [
                {"label": "Sewing machine", "amount": 3_500_000},
                {"label": "Felt and fabric", "amount": 2_000_000},
                {"label": "Transport to the Osh bazaar", "amount": 500_000},
            ],
            "tranches": [
                {"amount": 3_000_000, "milestone_id": prototype.id},
                {
                    "amount": 3_000_000,
                    "condition_text": "Photos of the first products and the machine's receipt",
                },
            ],
        },
    )
    services.accept_agreement(participant, grant.id, participant.full_name)
    services.countersign(staff, grant.id)
    first = db.session.get(Grant, grant.id).tranches[0]
    services.release_tranche(staff, first.id, "bank_transfer", "RSK Bank transfer 2026-0412", _slip())
    return [
        f"Grants: {FUND_NAME} (/grants/funds/{fund.id}); a grant to participant@wcl.example "
        f"(/grants/{grant.id}): one tranche released, one waiting for her evidence.",
    ]
