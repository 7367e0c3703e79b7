"""Bank / QR transfers: the lab's account settings, references for pledges, and how to pay."""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import ensure, is_unscoped, lab_condition
from wcl.audit.services import record
from wcl.campaigns.models import Pledge
from wcl.campaigns.queries import campaign_lab_id
from wcl.extensions import db
from wcl.labs.models import Lab
from wcl.payments.errors import PaymentError
from wcl.payments.models import BankAccount
from wcl.payments.qr import QR_FORMATS, qr_data_uri, transfer_payload
from wcl.payments.references import new_reference

PROVIDER = "bank_transfer"

# Column names a statement's CSV/XLSX header is expected to use unless the bank's mapping says otherwise.
DEFAULT_MAPPING = {
    "date": "date",
    "amount": "amount",
    "currency": "currency",
    "purpose": "purpose",
    "payer": "payer",
    "line_id": "id",
    "date_format": "%d.%m.%Y",
}


def hold_period():
    """How long a bank-transfer pledge stays pending, holding its reward."""
    return timedelta(hours=current_app.config.get("BANK_TRANSFER_HOLD_HOURS", 72))


def account_for_lab(lab_id):
    """The bank account of ``lab_id``, else the organisation's own (``None`` if neither is set)."""
    accounts = db.session.scalars(
        db.select(BankAccount).where(sa.or_(BankAccount.lab_id == lab_id, BankAccount.lab_id.is_(None)))
    ).all()
    own = [a for a in accounts if lab_id is not None and a.lab_id == lab_id]
    return (own or accounts or [None])[0]


def account_for_campaign(campaign_id):
    """The account a campaign's backers transfer to (its lab's, else the organisation's)."""
    return account_for_lab(campaign_lab_id(campaign_id))


def bank_transfer_available(campaign):
    """Whether backers of ``campaign`` may pay by transfer (an account in the campaign's currency)."""
    account = account_for_campaign(campaign.id)
    return account is not None and account.currency == campaign.currency


def assign_reference(pledge, attempts=20):
    """Give a pending pledge a fresh unique reference (flushes; the unique constraint decides).

    A clash (one in a million per try) is retried inside a savepoint, so the
    caller's unit of work is not lost.
    """
    for _attempt in range(attempts):
        reference = new_reference()
        try:
            with db.session.begin_nested():
                pledge.provider_ref = reference
                db.session.flush()
            return reference
        except sa.exc.IntegrityError:
            continue
    raise RuntimeError("no free bank-transfer reference")  # pragma: no cover


def transfer_details(pledge):
    """What the backer needs to pay: account, amount, reference, QR code and the hold's end."""
    account = account_for_campaign(pledge.campaign_id)
    if account is None:
        return None
    payload = transfer_payload(account, pledge.amount, pledge.currency, pledge.provider_ref)
    return {
        "account": account,
        "reference": pledge.provider_ref,
        "amount": pledge.amount,
        "currency": pledge.currency,
        "qr": qr_data_uri(payload),
        "payload": payload,
        "hold_until": pledge.created_at + hold_period(),
    }


def pledge_by_reference(reference):
    """The bank-transfer pledge with ``reference`` (normalised), or ``None``."""
    return db.session.scalar(
        db.select(Pledge).where(Pledge.provider == PROVIDER, Pledge.provider_ref == reference)
    )


def bank_accounts(actor):
    """Staff settings page: ``[(lab or None, account or None)]`` for the labs ``actor`` looks after."""
    ensure("payments.bank_accounts", user=actor)
    labs = db.session.scalars(db.select(Lab).where(lab_condition(actor, Lab.id)).order_by(Lab.name_en)).all()
    accounts = {a.lab_id: a for a in db.session.scalars(db.select(BankAccount))}
    rows = [(lab, accounts.get(lab.id)) for lab in labs]
    if is_unscoped(actor):
        rows.insert(0, (None, accounts.get(None)))
    return rows


def _target(lab_id):
    """An object the permission rule reads ``lab_id`` from (the account, or a new one)."""
    account = db.session.scalar(
        db.select(BankAccount).where(
            BankAccount.lab_id.is_(None) if lab_id is None else BankAccount.lab_id == lab_id
        )
    )
    return account or BankAccount(lab_id=lab_id)


def account_for_edit(actor, lab_id):
    """The account of ``lab_id`` (``None``: the organisation's) for its settings form; may be unsaved."""
    if lab_id is not None and db.session.get(Lab, lab_id) is None:
        return None
    target = _target(lab_id)
    ensure("payments.bank_accounts", target, user=actor)
    return target


def _checked_account(account, qr_format, account_number, currency, bic):
    if account is None:
        raise PaymentError(_l("This lab does not exist."))
    if qr_format not in QR_FORMATS:
        raise PaymentError(_l("Choose one of the QR formats."), "qr_format")
    number = " ".join((account_number or "").split()).upper()
    if not number:
        raise PaymentError(_l("Enter the account number or IBAN."), "account_number")
    if qr_format == "epc" and (currency != "EUR" or not bic):
        raise PaymentError(_l("The EPC code is for euro accounts with a BIC only."), "qr_format")
    return number


def save_bank_account(
    actor, lab_id, *, recipient_name, bank_name, account_number, bic, currency, qr_format, mapping
):
    """Staff set a lab's account details, QR format and statement column mapping (audited)."""
    account = account_for_edit(actor, lab_id)
    try:
        number = _checked_account(account, qr_format, account_number, currency, bic)
    except PaymentError:
        db.session.rollback()
        raise
    mapping = {k: (v or "").strip() for k, v in (mapping or {}).items() if k in DEFAULT_MAPPING}
    for key in ("date", "amount", "purpose"):
        if not mapping.get(key):
            mapping[key] = DEFAULT_MAPPING[key]
    account.recipient_name = recipient_name.strip()
    account.bank_name = bank_name.strip()
    account.account_number = number
    account.bic = (bic or "").strip().upper()
    account.currency = currency
    account.qr_format = qr_format
    account.csv_mapping = mapping
    account.updated_by_id = actor.id
    if account.id is None:
        db.session.add(account)
    db.session.flush()
    record("payments.bank_account_saved", account, actor=actor, lab_id=lab_id, qr_format=qr_format)
    db.session.commit()
    return account


def mapping_of(account):
    """The account's CSV/XLSX column mapping with defaults filled in."""
    return {**DEFAULT_MAPPING, **{k: v for k, v in (account.csv_mapping or {}).items() if v}}
