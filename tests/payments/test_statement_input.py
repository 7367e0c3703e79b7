"""Bad statements get a clear message and change nothing; staff resolve open lines on the page."""

import io
import re

import pytest
import sqlalchemy as sa

from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.campaigns import campaign_in_lab
from tests.factories.payments import BankAccountFactory
from tests.factories.programme import LabFactory
from tests.helpers import login, post_form
from tests.payments.statement_samples import (
    MAPPING,
    camt053_statement,
    csv_statement,
    mt940_statement,
    xlsx_statement,
)
from tests.payments.test_statements import DAY, make_pledge
from wcl.audit.models import AuditEntry
from wcl.campaigns.models import Pledge
from wcl.extensions import db
from wcl.payments.models import BankStatement, StatementLine


@pytest.fixture
def page(app, client):
    with app.app_context():
        lab = LabFactory(slug="osh")
        campaign = campaign_in_lab(lab, slug="felt")
        BankAccountFactory(lab=lab, csv_mapping=MAPPING)
        UserFactory(email="osh@example.org", roles=["staff"], lab_id=lab.id)
        ids = {"lab": lab.id, "campaign": campaign.id}
    login(client, "osh@example.org", PASSWORD)
    ids["url"] = f"/payments/bank-accounts/{ids['lab']}/statements"
    return ids


def send(client, url, data, name="statement.csv"):
    return post_form(client, url, {"statement": (io.BytesIO(data), name)}, content_type="multipart/form-data")


GOOD = [(DAY, 150_000, "KGS", "WCL-2222-X", "Asel", "1"), (DAY, 90_000, "KGS", "gift", "B", "2")]


def _truncated_xlsx():
    data = xlsx_statement(GOOD)
    return data[: len(data) // 2]


BAD = {
    "unknown format": (b'{"not": "a statement"}\n', "This is not a statement format wcl reads"),
    "wrong encoding": (csv_statement(GOOD, encoding="utf-16"), "is not text in UTF-8 or Windows-1251"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x98\x98", "is not text in UTF-8 or Windows-1251"),
    "missing columns": (b"date;sum\n02.12.2026;100\n", "is not in the file&#39;s first row"),
    "truncated csv": (csv_statement(GOOD)[:-25], "fewer columns than the first row"),
    "truncated mt940": (mt940_statement(GOOD, closing=False), "no closing balance"),
    "truncated camt": (camt053_statement(GOOD)[:-60], "cannot be read: it may be cut short"),
    "truncated xlsx": (_truncated_xlsx(), "not a readable XLSX workbook"),
    "xml with a DTD": (
        camt053_statement(GOOD, doctype='<!DOCTYPE d [<!ENTITY x "boom">]>'),
        "declares a DTD or entities",
    ),
    "not camt": (b'<?xml version="1.0"?><html><body/></html>', "is not a camt.053 bank statement"),
    "bad amount": ("Дата;Сумма;Назначение платежа\n02.12.2026;12abc;x\n".encode(), "is not a number"),
    "bad date": ("Дата;Сумма;Назначение платежа\n31.02.2026;100;x\n".encode(), "is not a date"),
    "empty": (b"", "The file is empty."),
    "header only": ("Дата;Сумма;Назначение платежа\n".encode(), "The statement has no lines."),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_statements_are_refused_and_change_nothing(app, client, page, case):
    data, message = BAD[case]
    response = send(client, page["url"], data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(BankStatement.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(StatementLine.id))) == 0


def test_the_refusal_is_in_the_staff_language(app, client, page):
    from wcl.i18n import LANGUAGE_COOKIE

    client.set_cookie(LANGUAGE_COOKIE, "ru")
    response = send(client, page["url"], mt940_statement(GOOD, closing=False), "s.sta")
    assert response.status_code == 422
    assert "нет исходящего остатка (:62F:)" in response.get_data(as_text=True)


def test_negative_and_duplicated_lines(app, client, page, run_jobs):
    with app.app_context():
        pledge_id, ref = make_pledge(page["campaign"])
    line = (DAY, 150_000, "KGS", ref, "Asel", "1")
    data = csv_statement([line, line, (DAY, -150_000, "KGS", ref, "Asel", "2")])
    response = send(client, page["url"], data)
    assert response.status_code == 302
    run_jobs()
    text = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "3 lines: 2 new, 1 already imported before, 1 paid a pledge." in text
    with app.app_context():
        assert db.session.get(Pledge, pledge_id).status == "paid"
        assert db.session.scalars(sa.select(StatementLine.status).order_by(StatementLine.id)).all() == [
            "matched",
            "debit",
        ]


def test_staff_assign_a_suggested_line_and_refund_another(app, client, page, run_jobs):
    with app.app_context():
        pledge_id, ref = make_pledge(page["campaign"], name="Gulnara Asanova")
    data = csv_statement(
        [
            (DAY, 150_000, "KGS", "for felt slippers", "Gulnara Asanova", "1"),
            (DAY, 40_000, "USD", ref, "Diaspora", "2"),
        ]
    )
    location = send(client, page["url"], data).headers["Location"]
    run_jobs()
    text = client.get(location).get_data(as_text=True)
    assert f"Suggested: {ref}, Gulnara Asanova" in text and "Another currency than the account" in text
    statement_id = int(location.rsplit("/", 1)[1])
    with app.app_context():
        lines = {line.position: line.id for line in db.session.scalars(sa.select(StatementLine))}
    assign = f"/payments/statements/{statement_id}/lines/{lines[2]}/assign"
    response = post_form(client, assign, {f"l{lines[2]}-reference": ref.lower()}, get_path=location)
    assert response.status_code == 302
    refund = f"/payments/statements/{statement_id}/lines/{lines[3]}/refund"
    not_ticked = post_form(client, refund, {}, get_path=location)
    assert not_ticked.status_code == 302
    with app.app_context():
        assert db.session.get(StatementLine, lines[3]).status == "open"
    post_form(client, refund, {"confirm": "yes"}, get_path=location)
    with app.app_context():
        assert db.session.get(Pledge, pledge_id).status == "paid"
        assert db.session.get(StatementLine, lines[2]).status == "assigned"
        assert db.session.get(StatementLine, lines[3]).status == "refunded"
        actions = db.session.scalars(
            sa.select(AuditEntry.action).where(AuditEntry.target_type == "bank_statement_lines")
        ).all()
        assert sorted(actions) == ["statement_line.assigned", "statement_line.refunded"]
    # A resolved line cannot be resolved again.
    again = post_form(client, refund, {"confirm": "yes"}, get_path=location)
    assert "already resolved" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_assigning_a_wrong_reference_changes_nothing(app, client, page, run_jobs):
    with app.app_context():
        pledge_id, ref = make_pledge(page["campaign"])
    location = send(client, page["url"], csv_statement([(DAY, 150_000, "KGS", "gift", "X", "1")])).headers[
        "Location"
    ]
    run_jobs()
    statement_id = int(location.rsplit("/", 1)[1])
    with app.app_context():
        line_id = db.session.scalar(sa.select(StatementLine.id))
    bad = ref[:-1] + ("3" if ref[-1] != "3" else "4")
    response = post_form(
        client,
        f"/payments/statements/{statement_id}/lines/{line_id}/assign",
        {f"l{line_id}-reference": bad},
        get_path=location,
    )
    assert "This reference is not valid" in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Pledge, pledge_id).status == "pending"
        assert db.session.get(StatementLine, line_id).status == "open"


def test_other_labs_staff_cannot_see_the_statements(app, client, page):
    with app.app_context():
        other = LabFactory(slug="naryn")
        UserFactory(email="naryn@example.org", roles=["staff"], lab_id=other.id)
    send(client, page["url"], csv_statement(GOOD))
    with app.app_context():
        statement_id = db.session.scalar(sa.select(BankStatement.id))
    client = app.test_client()
    login(client, "naryn@example.org", PASSWORD)
    assert client.get(page["url"]).status_code == 403
    assert client.get(f"/payments/statements/{statement_id}").status_code == 403
    assert re.search("Bank accounts", client.get("/payments/bank-accounts").get_data(as_text=True))


def test_reconciliation_counts_money_by_method(app, client, page, run_jobs):
    with app.app_context():
        _pledge_id, ref = make_pledge(page["campaign"])
    send(client, page["url"], csv_statement([(DAY, 150_000, "KGS", ref, "Asel", "1")]))
    run_jobs()
    text = client.get("/payments/campaigns/felt/reconciliation").get_data(as_text=True)
    table = text[text.index('id="money-by-method"') :]
    assert re.search(r"Bank or QR transfer</td><td>1</td><td>KGS\s1,500", table)
