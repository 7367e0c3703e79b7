"""Support services: what a lab offers, who used it, and outcomes by support used.

The breakdown counts people, so every figure goes through the reports domain's
disclosure control (``wcl.reports.protection``: cell keys, small counts hidden). It
shows an association, never an effect (``labels.CAVEAT`` is on the page).
"""

from dataclasses import dataclass

import sqlalchemy as sa

from wcl.accounts.models import CELL_KEY_RANGE, User
from wcl.accounts.permissions import ensure, lab_condition
from wcl.audit.services import record
from wcl.cohorts.models import Cohort, Enrolment, EnrolmentStatus
from wcl.extensions import db
from wcl.outcomes.errors import OutcomesError
from wcl.outcomes.labels import SUPPORT_LABELS
from wcl.outcomes.models import SupportKind, SupportOffer, SupportUse
from wcl.reports.protection import RULE, Cell, percentage, publish


def _check_kinds(kinds):
    kinds = set(kinds)
    if not kinds <= set(SupportKind.ALL):
        from flask_babel import lazy_gettext as _l

        raise OutcomesError(_l("Please choose from the listed services."))
    return kinds


def set_offers(actor, lab, kinds):
    """Set the support services ``lab`` offers to ``kinds``."""
    ensure("outcomes.support", lab, user=actor)
    kinds = _check_kinds(kinds)
    current = {
        o.kind: o for o in db.session.scalars(sa.select(SupportOffer).where(SupportOffer.lab_id == lab.id))
    }
    for kind in kinds - current.keys():
        db.session.add(SupportOffer(lab_id=lab.id, kind=kind))
    for kind in current.keys() - kinds:
        db.session.delete(current[kind])
    record("outcomes.support_offers", lab, actor=actor, kinds=sorted(kinds))
    db.session.commit()


def set_uses(actor, cohort, uses):
    """Record which support each participant of ``cohort`` used: ``uses`` maps an
    enrolment id to a set of kinds (enrolments left out keep what they had)."""
    ensure("outcomes.support", cohort, user=actor)
    ids = set(db.session.scalars(sa.select(Enrolment.id).where(Enrolment.cohort_id == cohort.id)))
    if not set(uses) <= ids:
        from flask_babel import lazy_gettext as _l

        raise OutcomesError(_l("That participant is not in this cohort."))
    cleaned = {eid: _check_kinds(kinds) for eid, kinds in uses.items()}
    existing = db.session.scalars(sa.select(SupportUse).where(SupportUse.enrolment_id.in_(cleaned))).all()
    have = {(u.enrolment_id, u.kind): u for u in existing}
    for eid, kinds in cleaned.items():
        for kind in kinds:
            if (eid, kind) not in have:
                db.session.add(SupportUse(enrolment_id=eid, kind=kind, recorded_by_id=actor.id))
    for (eid, kind), row in have.items():
        if kind not in cleaned[eid]:
            db.session.delete(row)
    record("outcomes.support_uses", cohort, actor=actor)
    db.session.commit()


@dataclass
class SupportRow:
    kind: str
    label: str
    used: tuple  # (finished, graduated, rate) as published
    not_used: tuple


def _cells(condition, used_kind):
    """{used: (finished Cell, graduated Cell)} among finished enrolments in labs offering
    ``used_kind``; ``condition`` is the viewer's lab scope."""
    used = sa.exists().where(SupportUse.enrolment_id == Enrolment.id, SupportUse.kind == used_kind)
    offered = sa.exists().where(SupportOffer.lab_id == Cohort.lab_id, SupportOffer.kind == used_kind)
    graduated = Enrolment.status == EnrolmentStatus.GRADUATED
    query = (
        sa.select(
            used.label("used"),
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(User.cell_key), 0),
            sa.func.count().filter(graduated),
            sa.func.coalesce(sa.func.sum(User.cell_key).filter(graduated), 0),
        )
        .select_from(Enrolment)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .join(User, User.id == Enrolment.participant_id)
        .where(
            Enrolment.status.in_((EnrolmentStatus.GRADUATED, EnrolmentStatus.WITHDRAWN)), offered, condition
        )
        .group_by(used)
    )
    out = {True: (Cell(), Cell()), False: (Cell(), Cell())}
    for is_used, n, key, g, gkey in db.session.execute(query):
        out[bool(is_used)] = (Cell(n, int(key) % CELL_KEY_RANGE), Cell(g, int(gkey) % CELL_KEY_RANGE))
    return out


def _published(cells):
    finished, graduated = (publish(c) for c in cells)
    return finished, graduated, percentage(graduated, finished)


def support_breakdown(user):
    """Graduation rate of finished participants with and without each support service
    (only in labs offering it), protected; ``rule`` is the protection rule to show."""
    ensure("outcomes.view", user=user)
    condition = lab_condition(user, Cohort.lab_id)
    rows = []
    for kind in SupportKind.ALL:
        cells = _cells(condition, kind)
        rows.append(
            SupportRow(kind, str(SUPPORT_LABELS[kind]), _published(cells[True]), _published(cells[False]))
        )
    return {"rows": rows, "rule": str(RULE)}
