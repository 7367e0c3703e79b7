"""Certificates of completion: rendered as a PDF in the graduate's language by a job."""

from flask import current_app
from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import ensure
from wcl.audit.services import record
from wcl.cohorts.models import (
    Enrolment,
    EnrolmentStatus,
)
from wcl.cohorts.services._common import refuse
from wcl.extensions import db
from wcl.files.services import delete_stored, store_bytes
from wcl.links import absolute_url
from wcl.mail import queue_email
from wcl.queue import DEFAULT, enqueue_after_commit
from wcl.time import utcnow

CERTIFICATE_JOB = "wcl.cohorts.jobs.issue_certificate"


def request_certificate(actor, enrolment):
    """Staff ask for the certificate to be rendered again (e.g. after a name fix)."""
    ensure("cohorts.manage", enrolment, user=actor)
    if enrolment.status != EnrolmentStatus.GRADUATED:
        refuse(_l("Only graduates receive a certificate."))
    enrolment.certificate_issued_at = None
    record("enrolment.certificate_requested", enrolment, actor=actor)
    enqueue_after_commit(CERTIFICATE_JOB, enrolment.id, queue=DEFAULT, job_timeout=120)
    db.session.commit()


def issue_certificate(enrolment_id):
    """Render and store a graduate's certificate in her language, then email her.

    Idempotent: does nothing when the current certificate is already issued.
    The enrolment row is locked so two workers cannot both render it.
    """
    # Imported here, in the worker only: WeasyPrint is slow to load, and receipts come
    # after cohorts in the domain order (issue 14.5 moves this to wcl/pdf.py).
    from wcl.pdf import render_pdf

    enrolment = db.session.execute(
        db.select(Enrolment).where(Enrolment.id == enrolment_id).with_for_update()
    ).scalar_one_or_none()
    if enrolment is None or enrolment.status != EnrolmentStatus.GRADUATED or enrolment.certificate_issued_at:
        db.session.rollback()
        return None
    participant, cohort = enrolment.participant, enrolment.cohort
    locale = participant.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    data = render_pdf(
        "cohorts/pdf/certificate.html",
        locale,
        participant_name=participant.full_name,
        # In the certificate's language when the name is translated, else as written.
        cohort_name=str(cohort.shown("name", locale)),
        lab_name=cohort.lab.name(locale),
        starts_on=cohort.starts_on,
        ends_on=cohort.ends_on,
        mentor_name=enrolment.mentor.full_name if enrolment.mentor else None,
        graduated_at=enrolment.graduated_at,
        number=certificate_number(enrolment),
    )
    old = enrolment.certificate_file
    stored = store_bytes(data, "application/pdf", f"certificate-{certificate_number(enrolment)}.pdf")
    enrolment.certificate_file_id = stored.id
    enrolment.certificate_issued_at = utcnow()
    db.session.flush()
    if old is not None:
        delete_stored(old)
    record("enrolment.certificate_issued", enrolment, file_id=stored.id)
    queue_email(
        participant.email,
        "cohorts/certificate_ready",
        locale,
        name=participant.public_name,
        cohort=str(cohort.shown("name", locale)),
        link=absolute_url("cohorts.certificate", enrolment_id=enrolment.id),
    )
    db.session.commit()
    return stored


def certificate_number(enrolment):
    """The printed number of an enrolment's certificate."""
    return f"WCL-C-{enrolment.id:06d}"
