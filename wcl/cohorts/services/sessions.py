"""The cohort's curriculum sessions and the materials attached to them."""

from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import ensure
from wcl.audit.services import record
from wcl.cohorts.models import (
    Attendance,
    CohortSession,
    CohortSessionTranslation,
    SessionMaterial,
)
from wcl.cohorts.services._common import (
    PER_PAGE,
    attendance_counts,
    in_language,
    refuse,
    save_dated_item,
    save_document,
)
from wcl.cohorts.services.attendance import attendance_rate, held_sessions
from wcl.extensions import db
from wcl.files.services import delete_stored
from wcl.links import is_web_address


def _clean_url(url, field):
    url = (url or "").strip()
    if url and not is_web_address(url):
        refuse(_l("Enter a full web address starting with https://"), field=field)
    return url or None


def save_session(actor, cohort, data, session=None):
    """Create (or, with ``session``, change) a curriculum session of the cohort.
    ``starts_at``/``ends_at`` are aware UTC datetimes; ``translations`` (optional) are
    ``{locale: {"title", "description"}}`` in the cohort's other languages."""
    ensure("cohorts.manage", cohort, user=actor)
    if session is not None and session.cohort_id != cohort.id:
        refuse(_l("This session belongs to another cohort."))
    if data["ends_at"] <= data["starts_at"]:
        refuse(_l("The session must end after it starts."), field="ends_at")
    link = _clean_url(data.get("link"), "link")
    created = session is None
    session = session or CohortSession(cohort_id=cohort.id)
    if not created and session.starts_at != data["starts_at"]:
        session.reminder_sent_at = None  # moved: remind again for the new time
    session.starts_at = data["starts_at"]
    session.ends_at = data["ends_at"]
    session.place = (data.get("place") or "").strip() or None
    session.link = link
    event = "cohort_session.created" if created else "cohort_session.updated"
    save_dated_item(actor, session, cohort, data, CohortSessionTranslation, event)
    db.session.commit()
    return session


def sessions_page(cohort, page=1, locale=None):
    """The cohort's sessions in time order, paginated, with their translation into ``locale``."""
    stmt = (
        db.select(CohortSession)
        .where(CohortSession.cohort_id == cohort.id)
        .options(*in_language(CohortSession.translations, CohortSessionTranslation, locale))
        .order_by(CohortSession.starts_at, CohortSession.id)
    )
    return db.paginate(stmt, page=page, per_page=PER_PAGE, error_out=False)


def session_rates(cohort):
    """{session_id: (present, absent, excused, rate)} — one GROUP BY query."""
    stmt = (
        db.select(Attendance.session_id, *attendance_counts())
        .join(CohortSession, CohortSession.id == Attendance.session_id)
        .where(CohortSession.cohort_id == cohort.id, held_sessions())
        .group_by(Attendance.session_id)
    )
    return {
        row.session_id: (row.present, row.absent, row.excused, attendance_rate(row.present, row.absent))
        for row in db.session.execute(stmt)
    }


def add_material(actor, session, title, url=None, upload=None):
    """Attach a link or an uploaded file (checked like application attachments) to a session."""
    ensure("cohorts.manage", session, user=actor)
    title = (title or "").strip()
    url = _clean_url(url, "url")
    has_file = upload is not None and getattr(upload, "filename", "")
    if bool(url) == bool(has_file):
        refuse(_l("Give either a link or a file."), field="url")
    stored = save_document(upload, actor) if has_file else None
    material = SessionMaterial(
        session_id=session.id,
        title=title or (stored.original_name if stored else url),
        url=url,
        file_id=getattr(stored, "id", None),
        added_by_id=actor.id,
    )
    db.session.add(material)
    db.session.flush()
    record("cohort_material.added", material, actor=actor, session_id=session.id)
    db.session.commit()
    return material


def remove_material(actor, material):
    """Delete a session's material (and its stored file)."""
    ensure("cohorts.manage", material, user=actor)
    record("cohort_material.removed", material, actor=actor, session_id=material.session_id)
    stored = material.file
    db.session.delete(material)
    db.session.flush()
    if stored is not None:
        delete_stored(stored)
    db.session.commit()
