"""Bank / QR transfers: references with a check character, the lab's account, the pay page, expiry."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.campaigns import RewardTierFactory, campaign_in_lab
from tests.factories.payments import BankAccountFactory
from tests.factories.programme import LabFactory
from tests.helpers import login, outbox_messages, post_form
from wcl.campaigns.models import Pledge, RewardTier
from wcl.extensions import db
from wcl.payments.models import BankAccount
from wcl.payments.references import ALPHABET, check_character, find_reference, is_valid_body, new_reference
from wcl.payments.services import bank_transfer
from wcl.payments.services.sweeper import expire_stale_pledges
from wcl.time import utcnow

REF = re.compile(r"WCL-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]")


def test_every_single_typo_in_a_reference_is_caught():
    for _ in range(300):
        reference = new_reference()
        assert REF.fullmatch(reference)
        chars = reference[4:8] + reference[9]
        for i in range(5):
            for other in ALPHABET:
                if other != chars[i]:
                    typo = chars[:i] + other + chars[i + 1 :]
                    assert not is_valid_body(typo[:4], typo[4])


def test_references_are_found_in_a_purpose_text():
    body = "7K3F"
    ref = f"WCL-{body}-{check_character(body)}"
    assert find_reference(f"Оплата по {ref} спасибо") == (ref, True)
    assert find_reference(f"wcl {body.lower()} {check_character(body).lower()}") == (ref, True)
    assert find_reference("donation for felt") == (None, False)
    wrong = next(c for c in ALPHABET if c != check_character(body))
    assert find_reference(f"WCL-{body}-{wrong}") == (f"WCL-{body}-{wrong}", False)
    assert find_reference("WCL-7K0F-2")[1] is False  # 0 is not in the alphabet


@pytest.fixture
def shop(app, client):
    with app.app_context():
        lab = LabFactory(slug="osh")
        campaign = campaign_in_lab(lab, slug="felt")
        tier = RewardTierFactory(campaign=campaign, min_amount=100_000, quantity=1)
        BankAccountFactory(lab=lab, recipient_name="WCL Osh", account_number="1180000012345678")
        return {"lab": lab.id, "campaign": campaign.id, "tier": tier.id}


def _pledge_form(tier, method="bank_transfer"):
    return {
        "tier": str(tier),
        "amount": "1 500",
        "currency": "KGS",
        "name": "Aigul",
        "email": "aigul@example.org",
        "gender": "",
        "method": method,
    }


def test_backer_pays_by_bank_transfer(app, client, shop, run_jobs):
    page = client.get("/campaigns/felt/pledge").get_data(as_text=True)
    assert "Bank or QR transfer" in page and 'value="bank_transfer"' in page
    response = post_form(client, "/campaigns/felt/pledge", _pledge_form(shop["tier"]))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        pledge = db.session.scalar(db.select(Pledge))
        assert (pledge.provider, pledge.status) == ("bank_transfer", "pending")
        assert REF.fullmatch(pledge.provider_ref)
        assert db.session.get(RewardTier, shop["tier"]).held == 1
        token, reference = pledge.token, pledge.provider_ref
    assert response.headers["Location"].endswith(f"/payments/pledges/{token}")
    page = client.get(f"/payments/pledges/{token}").get_data(as_text=True)
    assert reference in page and "1180000012345678" in page and "WCL Osh" in page
    assert 'src="data:image/svg+xml' in page and re.search(r'id="transfer-amount">KGS\s1,500<', page)
    # She keeps the reference and the account by email, to pay from her bank app later.
    run_jobs()
    (message,) = [m for m in outbox_messages(app) if m["To"] == "aigul@example.org"]
    body = message.get_body(("plain",)).get_content()
    assert reference in message["Subject"] and reference in body and "1180000012345678" in body
    assert f"/payments/pledges/{token}" in body


def test_transfer_is_not_offered_without_an_account(app, client, shop):
    with app.app_context():
        db.session.execute(sa.delete(BankAccount))
        db.session.commit()
    page = client.get("/campaigns/felt/pledge").get_data(as_text=True)
    assert 'value="bank_transfer"' not in page
    response = post_form(client, "/campaigns/felt/pledge", _pledge_form(shop["tier"]))
    assert response.status_code == 422
    assert "Bank transfer is not available for this campaign." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(sa.func.count(Pledge.id))) == 0
        assert db.session.get(RewardTier, shop["tier"]).held == 0


def test_organisation_account_serves_labs_without_one(app, shop):
    with app.app_context():
        db.session.execute(sa.delete(BankAccount))
        BankAccountFactory(lab=None, account_number="ORG-1")
        assert bank_transfer.account_for_campaign(shop["campaign"]).account_number == "ORG-1"


def test_a_reference_clash_is_retried(app, shop, monkeypatch):
    with app.app_context():
        from wcl.campaigns.pledging import new_pledge

        first = new_pledge(
            shop["campaign"],
            amount=150_000,
            currency="KGS",
            provider="bank_transfer",
            name="A",
            email="a@example.org",
        )
        bank_transfer.assign_reference(first)
        taken = first.provider_ref
        fresh = iter([taken, taken, "WCL-2222-" + check_character("2222")])
        monkeypatch.setattr(bank_transfer, "new_reference", lambda: next(fresh))
        second = new_pledge(
            shop["campaign"],
            amount=150_000,
            currency="KGS",
            provider="bank_transfer",
            name="B",
            email="b@example.org",
        )
        assert bank_transfer.assign_reference(second) == "WCL-2222-" + check_character("2222")
        db.session.commit()
        assert first.provider_ref == taken


def test_unpaid_transfers_expire_and_give_the_reward_back(app, client, shop):
    post_form(client, "/campaigns/felt/pledge", _pledge_form(shop["tier"]))
    with app.app_context():
        pledge_id = db.session.scalar(db.select(Pledge.id))
        assert expire_stale_pledges(now=utcnow() + timedelta(hours=71)) == 0
        assert expire_stale_pledges(now=utcnow() + timedelta(hours=73)) == 1
        assert db.session.get(Pledge, pledge_id).status == "expired"
        assert db.session.get(RewardTier, shop["tier"]).held == 0


def test_hold_time_is_configurable(make_app, shop):
    other = make_app(BANK_TRANSFER_HOLD_HOURS=1)
    with other.app_context():
        assert bank_transfer.hold_period() == timedelta(hours=1)


def test_staff_set_their_labs_account(app, client, shop):
    with app.app_context():
        other = LabFactory(slug="naryn")
        UserFactory(email="osh@example.org", roles=["staff"], lab_id=shop["lab"])
        other_id = other.id
    login(client, "osh@example.org", PASSWORD)
    assert client.get("/payments/bank-accounts").status_code == 200
    assert client.get(f"/payments/bank-accounts/{other_id}").status_code == 403
    assert client.get("/payments/bank-accounts/org").status_code == 403
    url = f"/payments/bank-accounts/{shop['lab']}"
    data = {
        "recipient_name": "WCL Osh",
        "bank_name": "Optima",
        "account_number": "1090 0000 1111",
        "bic": "ENEJKG22",
        "currency": "KGS",
        "qr_format": "st00012",
        "col_date": "Дата",
        "col_amount": "Сумма",
        "col_purpose": "Назначение",
        "date_format": "%d.%m.%Y",
    }
    response = post_form(client, url, data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        account = db.session.scalar(db.select(BankAccount).where(BankAccount.lab_id == shop["lab"]))
        assert (account.bank_name, account.account_number, account.qr_format) == (
            "Optima",
            "1090 0000 1111",
            "st00012",
        )
        assert account.csv_mapping["amount"] == "Сумма"
    bad = post_form(client, url, dict(data, qr_format="epc"))
    assert bad.status_code == 422 and "The EPC code is for euro accounts" in bad.get_data(as_text=True)


def test_qr_payloads(app, shop):
    from wcl.payments.qr import transfer_payload

    with app.app_context():
        account = db.session.scalar(db.select(BankAccount))
        plain = transfer_payload(account, 150_000, "KGS", "WCL-7K3F-9")
        assert "1500.00 KGS" in plain and "WCL-7K3F-9" in plain and account.account_number in plain
        st = transfer_payload(account, 150_000, "KGS", "WCL-7K3F-9", fmt="st00012")
        assert st.startswith("ST00012|Name=WCL Osh|") and "|Sum=150000|Purpose=WCL-7K3F-9" in st


def test_demo_has_a_lab_account_and_a_pending_transfer(app_ctx):
    from wcl.demo import load_demo

    lines = load_demo()
    assert any("a pending bank transfer" in line for line in lines)
    load_demo()
    pledges = db.session.scalars(db.select(Pledge).where(Pledge.provider == "bank_transfer")).all()
    assert len(pledges) == 1 and pledges[0].status == "pending" and REF.fullmatch(pledges[0].provider_ref)
    assert db.session.scalar(db.select(sa.func.count(BankAccount.id))) == 1
