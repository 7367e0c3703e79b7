"""Paper applications: staff type in a form filled by hand, with its scan and the signed consent."""

import secrets

from flask_babel import lazy_gettext as _l

from wcl.accounts.models import User, UserRole
from wcl.accounts.passwords import hash_password
from wcl.accounts.permissions import Role, ensure
from wcl.accounts.services import get_user_by_email, normalise_email
from wcl.applications.models import Application, ApplicationAttachment, AttachmentKind
from wcl.applications.services._common import PLACEHOLDER_EMAIL_DOMAIN, S, clean_text, fail
from wcl.applications.services._submission import (
    clean_answers,
    queue_submitted_email,
    snapshot_demographics,
    store_answers,
)
from wcl.applications.services.applying import find_application
from wcl.audit.services import record
from wcl.extensions import db
from wcl.files.services import DOCUMENT_TYPES, UploadError, save_upload
from wcl.i18n import LANGUAGE_NAMES
from wcl.time import utcnow


def _placeholder_email():
    return f"paper-{secrets.token_hex(8)}@{PLACEHOLDER_EMAIL_DOMAIN}"


def _paper_applicant(actor, full_name, email, phone, locale=None):
    """The applicant's account: found by email, or created without a usable password.

    A woman without email gets a placeholder address (``.invalid``, never
    mailed); with an email she can later set a password with "forgot password".
    ``locale`` (chosen by staff) is the language of her letters and
    certificates; an existing account keeps the language she chose herself.
    """
    email = normalise_email(email)
    locale = locale if locale in LANGUAGE_NAMES else None
    if email:
        user = get_user_by_email(email)
        if user is not None:
            if not user.locale and locale:
                user.locale = locale
            return user
    user = User(
        email=email or _placeholder_email(),
        password_hash=hash_password(secrets.token_urlsafe(32)),
        full_name=full_name,
        phone=phone or None,
        locale=locale,
        lab_id=None,
    )
    user.roles = [UserRole(role=str(Role.APPLICANT), granted_by_id=actor.id)]
    db.session.add(user)
    db.session.flush()
    record("user.created", user, actor=actor, via="paper_application")
    return user


def _paper_contact(data):
    """``(full_name, phone, locality)`` from the paper form, cleaned; refuses without consent or name."""
    if not data.get("consent"):
        fail(
            _l("Tick the box to confirm that the applicant signed the consent on the form."), field="consent"
        )
    try:
        full_name = clean_text(data.get("full_name"), 120, False)
        phone = clean_text(data.get("phone"), 32, False)
        locality = clean_text(data.get("locality"), 120, False)
    except ValueError as exc:
        fail(str(exc))
    if not full_name:
        fail(_l("Enter the applicant's name."), field="full_name")
    return full_name, phone, locality


def enter_paper_application(actor, call, data, scan, raw_answers):
    """Staff type in a paper application, with the scanned form and consent.

    ``data`` holds full_name, email, phone, locale, locality and consent. The
    application is stored as submitted, records who entered it and when, and
    keeps the scan as a ``paper_scan`` attachment. Paper forms collected
    before the deadline may be typed in after it; required answers are not
    enforced (the scan is the record of what she wrote).
    """
    ensure("applications.enter_paper", call, user=actor)
    full_name, phone, locality = _paper_contact(data)
    cleaned, errors = clean_answers(call, raw_answers)
    if errors:
        fail(_l("Please correct the answers marked below."), errors=errors)
    with db.session.no_autoflush:
        user = _paper_applicant(actor, full_name, data.get("email"), phone, data.get("locale"))
        if find_application(user, call) is not None:
            fail(_l("This person has already applied to this call."), field="email")
        try:
            stored = save_upload(scan, allowed=DOCUMENT_TYPES, uploaded_by=actor)
        except UploadError as exc:
            fail(exc.message, field="scan")
    now = utcnow()
    application = Application(
        call=call,
        applicant_id=user.id,
        status=S.SUBMITTED,
        submitted_at=now,
        contact_name=full_name,
        contact_phone=phone or None,
        contact_locality=locality or None,
        last_saved_step=4,
        entered_by_id=actor.id,
        entered_at=now,
        paper_consent=True,
    )
    db.session.add(application)
    db.session.flush()
    store_answers(application, cleaned)
    application.attachments.append(ApplicationAttachment(stored_file=stored, kind=AttachmentKind.PAPER_SCAN))
    snapshot_demographics(application, user)
    record("application.paper_entered", application, actor=actor, call_id=call.id, applicant_id=user.id)
    queue_submitted_email(application)
    db.session.commit()
    return application
