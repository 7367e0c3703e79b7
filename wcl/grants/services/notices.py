"""Emails to the grantee, in her language, queued with the change that causes them
(``queue_email`` → the outbox, delivered once the unit of work commits; flush only)."""

from wcl.accounts.models import User
from wcl.extensions import db
from wcl.links import absolute_url
from wcl.mail import queue_email


def _email_recipient(grant, template, **values):
    """Queue ``template`` to the grant's recipient, in her agreement's language (chosen from hers
    when the grant was awarded), with her name and the link to her grant; none without an address."""
    recipient = db.session.get(User, grant.recipient_id)
    if recipient is None or not recipient.email:
        return
    queue_email(
        recipient.email,
        template,
        grant.language or recipient.locale,
        name=recipient.public_name,
        link=absolute_url("grants.my_grant", grant_id=grant.id),
        **values,
    )


def email_awarded(grant):
    """The offer: amount, purpose and the link to read and accept her agreement."""
    _email_recipient(
        grant, "grants/awarded", amount=grant.amount, currency=grant.fund.currency, purpose=grant.purpose
    )


def email_tranche_released(tranche, disbursement):
    """A tranche was paid out: how much, how and the reference."""
    grant = tranche.grant
    _email_recipient(
        grant,
        "grants/tranche_released",
        amount=tranche.amount,
        currency=grant.fund.currency,
        method=disbursement.method if disbursement is not None else "",
        reference=disbursement.reference if disbursement is not None else "",
    )
