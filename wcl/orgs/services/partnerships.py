"""Partnerships: what an organisation does with the programme, and their documents."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import ensure, lab_condition
from wcl.audit.services import record
from wcl.extensions import db
from wcl.files.services import delete_stored
from wcl.labs.models import Lab
from wcl.orgs.models import Partnership, PartnershipDocument, PartnershipKind
from wcl.orgs.services._common import PER_PAGE, clean, refuse, store_document


def visible_partnerships(user):
    """A condition keeping the partnerships ``user`` may see: the whole programme's
    (no lab) and those of her lab (every lab for unscoped staff)."""
    return sa.or_(Partnership.lab_id.is_(None), lab_condition(user, Partnership.lab_id))


def save_partnership(actor, org, data, partnership=None):
    """Create (or, with ``partnership``, change) a partnership of ``org``.

    ``data``: kind, lab_id (or None for the whole programme), starts_on, ends_on (or
    None), notes. Staff scoped to a lab may only set their own lab."""
    created = partnership is None
    if created:
        ensure("orgs.manage", org, user=actor)
    else:
        ensure("orgs.manage", partnership, user=actor)
        if partnership.organisation_id != org.id:
            refuse(_l("This partnership belongs to another organisation."))
    if data.get("kind") not in PartnershipKind.ALL:
        refuse(_l("Choose what the organisation does with the programme."), field="kind")
    lab_id = data.get("lab_id") or None
    if lab_id is not None and db.session.get(Lab, lab_id) is None:
        refuse(_l("Choose a lab from the list."), field="lab_id")
    if data.get("starts_on") is None:
        refuse(_l("Enter a date."), field="starts_on")
    if data.get("ends_on") and data["ends_on"] < data["starts_on"]:
        refuse(_l("The partnership must end after it starts."), field="ends_on")
    partnership = partnership or Partnership(organisation_id=org.id, created_by_id=actor.id)
    partnership.kind = data["kind"]
    partnership.lab_id = lab_id
    partnership.starts_on = data["starts_on"]
    partnership.ends_on = data.get("ends_on") or None
    partnership.notes = clean(data.get("notes"), 5000)
    # The lab is checked again on the row as it now is: a scoped staff member may not
    # move a partnership to another lab, nor make one for the whole programme hers.
    ensure("orgs.manage", partnership, user=actor)
    db.session.add(partnership)
    db.session.flush()
    record(
        "partnership.created" if created else "partnership.updated",
        partnership,
        actor=actor,
        organisation_id=org.id,
        kind=partnership.kind,
        lab_id=lab_id,
    )
    db.session.commit()
    return partnership


def delete_partnership(actor, partnership):
    """Remove a partnership and its documents (the view asks for confirmation); audited."""
    ensure("orgs.manage", partnership, user=actor)
    files = [d.file for d in partnership.documents]
    record("partnership.deleted", partnership, actor=actor, organisation_id=partnership.organisation_id)
    db.session.delete(partnership)
    db.session.flush()
    for stored in files:
        if stored is not None:
            delete_stored(stored)
    db.session.commit()


def partnerships_page(user, page=1, kind=None):
    """The partnerships ``user`` may see, newest first."""
    stmt = sa.select(Partnership).where(visible_partnerships(user))
    if kind in PartnershipKind.ALL:
        stmt = stmt.where(Partnership.kind == kind)
    stmt = stmt.order_by(Partnership.starts_on.desc(), Partnership.id.desc())
    return db.paginate(stmt, page=page, per_page=PER_PAGE, error_out=False)


def add_document(actor, partnership, title, upload):
    """Attach a document (a PDF or a photo, its type read from the content) to a partnership."""
    ensure("orgs.manage", partnership, user=actor)
    stored = store_document(upload, actor)
    document = PartnershipDocument(
        partnership_id=partnership.id,
        title=clean(title, 200) or stored.original_name,
        file_id=stored.id,
        added_by_id=actor.id,
    )
    db.session.add(document)
    db.session.flush()
    record("partnership_document.added", document, actor=actor, partnership_id=partnership.id)
    db.session.commit()
    return document
