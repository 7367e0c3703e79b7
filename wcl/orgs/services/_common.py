"""Helpers shared by the organisation services (private to the package)."""

from flask import abort
from flask_babel import lazy_gettext as _l

from wcl.extensions import db
from wcl.files.services import DOCUMENT_TYPES, IMAGE_TYPES, UploadError, save_upload
from wcl.orgs.errors import OrgError
from wcl.reference import REGION_CODES

PER_PAGE = 30
VILLAGE_REFUSED = _l("Only a region can be shown, never a village. Choose a region from the list.")


refuse = OrgError.refuse  # roll back what was flushed, then raise: a refusal changes nothing


def clean(value, limit=None):
    value = (value or "").strip()
    return value[:limit] if limit else value


def check_region(code, field="region"):
    """A region code from the reference list, or None; anything else (a village, a
    district) is refused: the platform shows regions only."""
    code = clean(code)
    if not code:
        return None
    if code not in REGION_CODES:
        refuse(VILLAGE_REFUSED, field=field)
    return code


def store(upload, actor, allowed, field):
    """Store a checked upload (type sniffed from the content) or refuse with its reason."""
    try:
        return save_upload(upload, allowed=allowed, uploaded_by=actor)
    except UploadError as exc:
        refuse(exc.message, field=field)


def store_logo(upload, actor):
    return store(upload, actor, IMAGE_TYPES, "logo")


def store_document(upload, actor):
    return store(upload, actor, DOCUMENT_TYPES, "upload")


def get_or_404(model, row_id):
    row = db.session.get(model, row_id)
    if row is None:
        abort(404)
    return row
