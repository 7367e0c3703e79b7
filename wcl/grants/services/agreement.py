"""The grant agreement: printed in her language, accepted by her in the app, countersigned by staff."""

import hashlib

from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import ensure
from wcl.audit.services import record
from wcl.extensions import db
from wcl.files.services import read_bytes, store_bytes
from wcl.grants.models import GrantStatus
from wcl.grants.services._common import lock_grant, one_line, refuse
from wcl.time import utcnow


def agreement_number(grant):
    """The printed number of a grant's agreement."""
    return f"WCL-G-{grant.id:06d}"


def print_agreement(grant):
    """Render the agreement PDF in the grant's language and store it with its SHA-256 (flushes).

    Part of the award's unit of work: a grant is never offered without the text she accepts.
    """
    # Imported here: WeasyPrint is slow to load and only this path needs it.
    from wcl.pdf import render_pdf

    data = render_pdf(
        "grants/pdf/agreement.html",
        grant.language,
        grant=grant,
        number=agreement_number(grant),
        recipient_name=grant.recipient.full_name,
        lab_name=grant.fund.lab.name(grant.language),
        fund_name=grant.fund.name,
        printed_at=utcnow(),
    )
    stored = store_bytes(data, "application/pdf", f"agreement-{agreement_number(grant)}.pdf")
    grant.agreement_file_id = stored.id
    grant.agreement_sha256 = hashlib.sha256(data).hexdigest()
    db.session.flush()
    return stored


def _same_name(typed, full_name):
    return " ".join(typed.casefold().split()) == " ".join(full_name.casefold().split())


def accept_agreement(actor, grant_id, typed_name):
    """She accepts her agreement by typing her full name; the time and the SHA-256 of
    the PDF bytes she was shown are recorded. Refused if the stored PDF no longer
    has the hash it was printed with."""
    grant = lock_grant(grant_id)
    ensure("grants.receive", grant, user=actor)
    if grant.status != GrantStatus.OFFERED:
        refuse(_l("This agreement is not waiting for your acceptance."))
    typed = one_line(typed_name, 120, "typed_name")
    if not _same_name(typed, grant.recipient.full_name):
        refuse(_l("Type your full name as it is written in the agreement."), "typed_name")
    digest = hashlib.sha256(read_bytes(grant.agreement_file)).hexdigest()
    if digest != grant.agreement_sha256:
        refuse(_l("The agreement could not be verified. Please ask the lab's staff."))
    grant.accepted_name = typed
    grant.accepted_at = utcnow()
    grant.accepted_sha256 = digest
    grant.status = GrantStatus.ACCEPTED
    record("grant.accepted", grant, actor=actor, sha256=digest)
    db.session.commit()
    return grant


def countersign(actor, grant_id):
    """Staff countersign an accepted agreement: the grant becomes active and tranches may be released."""
    grant = lock_grant(grant_id)
    ensure("grants.manage", grant, user=actor)
    if grant.status != GrantStatus.ACCEPTED:
        refuse(_l("Only an agreement she has accepted can be countersigned."))
    grant.countersigned_by_id = actor.id
    grant.countersigned_at = utcnow()
    grant.status = GrantStatus.ACTIVE
    record("grant.countersigned", grant, actor=actor)
    db.session.commit()
    return grant
