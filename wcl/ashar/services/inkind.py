"""In-kind and labour pledges: hours of work or materials with a declared value.

Never money: they are counted apart from backers' money and the match, never in
campaign totals or donation receipts. Staff confirm the work or materials were
given (pledged → confirmed | declined); a confirmed pledge gets a certificate of
contribution (a PDF in the giver's language), not a receipt.
"""

import secrets

from flask import current_app
from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import ensure
from wcl.ashar.models import (
    MAX_LABOUR_HOURS,
    CommunityProject,
    InKindKind,
    InKindPledge,
    InKindStatus,
    ProjectStatus,
)
from wcl.ashar.services._common import check_amount, email_address, get_locked, one_line, refuse
from wcl.audit.services import record
from wcl.campaigns.models import CampaignStatus
from wcl.campaigns.page_cache import bump_version
from wcl.extensions import db
from wcl.files.services import store_bytes
from wcl.links import absolute_url
from wcl.mail import queue_email
from wcl.reference import region_name
from wcl.time import utcnow


def certificate_number(pledge):
    return f"WCL-A-{pledge.id:06d}"


def _open_project(project_id):
    project = db.session.get(CommunityProject, project_id)
    if project is None:
        refuse(_l("This project does not exist."))
    if project.status != ProjectStatus.ADMITTED or project.campaign.status != CampaignStatus.LIVE:
        refuse(_l("This project does not take pledges now."))
    return project


def _kind_and_hours(data):
    """Labour with its whole hours (at most ``MAX_LABOUR_HOURS``), or materials (no hours)."""
    kind = data.get("kind")
    if kind not in InKindKind.ALL:
        refuse(_l("Choose labour or materials."), "kind")
    if kind != InKindKind.LABOUR:
        return kind, None
    hours = data.get("hours")
    if isinstance(hours, bool) or not isinstance(hours, int) or hours <= 0:
        refuse(_l("Enter the hours of work as a whole number."), "hours")
    if hours > MAX_LABOUR_HOURS:
        refuse(_l("At most %(max)d hours can be pledged at once.", max=MAX_LABOUR_HOURS), "hours")
    return kind, hours


def _who(actor, data):
    """(name, email, user id): a signed-in person's from her account, a guest's as typed."""
    if getattr(actor, "is_authenticated", False):
        return actor.full_name, actor.email, actor.id
    return (
        one_line(data.get("name"), 120, "name"),
        email_address(data.get("email"), "email", required=True),
        None,
    )


def pledge_inkind(actor, project_id, data, locale="ky"):
    """Someone pledges labour (hours) or materials with a declared value.

    ``data``: kind, hours (labour), description, value (tyiyn), currency, name, email.
    A guest leaves a name and an email; a signed-in person's are taken from her account.
    """
    project = _open_project(project_id)
    kind, hours = _kind_and_hours(data)
    description = one_line(data.get("description"), 200, "description")
    value = check_amount(data.get("value"), data.get("currency"), "value")
    name, email, user_id = _who(actor, data)
    pledge = InKindPledge(
        project_id=project.id,
        kind=kind,
        hours=hours,
        description=description,
        value=value,
        currency=project.currency,
        user_id=user_id,
        name=name,
        email=email,
        locale=locale if locale in current_app.config["LANGUAGES"] else "ky",
        token=secrets.token_urlsafe(24),
    )
    db.session.add(pledge)
    db.session.flush()
    record(
        "ashar.inkind_pledged",
        pledge,
        actor=user_id,
        project_id=project.id,
        kind=kind,
        hours=hours,
        value=value,
    )
    if email:
        queue_email(
            email,
            "ashar/inkind_thanks",
            pledge.locale,
            name=name,
            title=project.title,
            what=description,
            hours=hours,
            link=absolute_url("ashar.inkind_thanks", token=pledge.token),
        )
    db.session.commit()
    bump_version()
    return pledge


def _decide(actor, pledge_id, now):
    pledge = get_locked(InKindPledge, pledge_id, _l("This pledge does not exist."))
    ensure("ashar.confirm", pledge, user=actor)
    if pledge.status != InKindStatus.PLEDGED:
        refuse(_l("This pledge has already been decided."))
    pledge.decided_by_id = actor.id
    pledge.decided_at = now or utcnow()
    return pledge


def print_certificate(pledge):
    """Render the certificate of contribution in the giver's language and store it (flushes)."""
    from wcl.pdf import render_pdf  # WeasyPrint is slow to load; only this path needs it

    project = pledge.project
    data = render_pdf(
        "ashar/pdf/certificate.html",
        pledge.locale,
        pledge=pledge,
        project=project,
        number=certificate_number(pledge),
        place=f"{project.district}, {region_name(project.region, pledge.locale)}",
        issued_at=pledge.decided_at or utcnow(),
    )
    stored = store_bytes(data, "application/pdf", f"certificate-{certificate_number(pledge)}.pdf")
    pledge.certificate_id = stored.id
    db.session.flush()
    return stored


def confirm_inkind(actor, pledge_id, now=None):
    """Staff confirm the labour or materials were given; the certificate is issued and emailed."""
    pledge = _decide(actor, pledge_id, now)
    pledge.status = InKindStatus.CONFIRMED
    print_certificate(pledge)
    record("ashar.inkind_confirmed", pledge, actor=actor, value=pledge.value, hours=pledge.hours)
    if pledge.email:
        queue_email(
            pledge.email,
            "ashar/inkind_confirmed",
            pledge.locale,
            name=pledge.name,
            title=pledge.project.title,
            link=absolute_url("ashar.inkind_certificate", token=pledge.token),
        )
    db.session.commit()
    bump_version()
    return pledge


def decline_inkind(actor, pledge_id, now=None):
    """Staff record that the pledged labour or materials were not given."""
    pledge = _decide(actor, pledge_id, now)
    pledge.status = InKindStatus.DECLINED
    record("ashar.inkind_declined", pledge, actor=actor)
    db.session.commit()
    bump_version()
    return pledge


def pledges_of_project(project_id):
    return db.session.scalars(
        db.select(InKindPledge)
        .where(InKindPledge.project_id == project_id)
        .order_by(InKindPledge.created_at.desc(), InKindPledge.id.desc())
    ).all()


def pledge_by_token(token):
    return db.session.scalar(db.select(InKindPledge).where(InKindPledge.token == (token or "")))
