"""Emails to the grantee, in her language, queued with the change that causes them
(``queue_email`` → the outbox, delivered once the unit of work commits; flush only)."""

from wcl.accounts.models import User
from wcl.extensions import db
from wcl.links import absolute_url
from wcl.mail import queue_email


def _recipient(grant):
    return db.session.get(User, grant.recipient_id)


def _language(grant, recipient):
    # Her agreement's language (chosen from hers when the grant was awarded).
    return grant.language or recipient.locale


def email_awarded(grant):
    """The offer: amount, purpose and the link to read and accept her agreement."""
    recipient = _recipient(grant)
    if recipient is None or not recipient.email:
        return
    queue_email(
        recipient.email,
        "grants/awarded",
        _language(grant, recipient),
        name=recipient.public_name,
        amount=grant.amount,
        currency=grant.fund.currency,
        purpose=grant.purpose,
        link=absolute_url("grants.my_grant", grant_id=grant.id),
    )


def email_tranche_released(tranche, disbursement):
    """A tranche was paid out: how much, how and the reference."""
    grant = tranche.grant
    recipient = _recipient(grant)
    if recipient is None or not recipient.email:
        return
    queue_email(
        recipient.email,
        "grants/tranche_released",
        _language(grant, recipient),
        name=recipient.public_name,
        amount=tranche.amount,
        currency=grant.fund.currency,
        method=disbursement.method if disbursement is not None else "",
        reference=disbursement.reference if disbursement is not None else "",
        link=absolute_url("grants.my_grant", grant_id=grant.id),
    )
