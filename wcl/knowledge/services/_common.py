"""Helpers shared by the knowledge bank services (private to the package)."""

import io
import zipfile

from flask_babel import lazy_gettext as _l

from wcl.files.services import DEFAULT_MAX_BYTES, DOCUMENT_TYPES, UploadError, save_upload, sniff, store_bytes
from wcl.knowledge.errors import KnowledgeError
from wcl.links import is_web_address

PER_PAGE = 20
# Templates people fill in: Word, Excel and PowerPoint files (never their macro-enabled kinds).
OFFICE_TYPES = frozenset(
    {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    }
)
NOT_ACCEPTED = _l(
    "This type of file is not accepted. Send a PDF, a photo, or a Word, Excel or PowerPoint file."
)


refuse = KnowledgeError.refuse  # roll back what was flushed, then raise: a refusal changes nothing


def clean(value, limit=None):
    value = (value or "").strip()
    return value[:limit] if limit else value


def clean_url(url, field="url"):
    url = clean(url, 500)
    if url and not is_web_address(url):
        refuse(_l("Enter a full web address starting with https://"), field=field)
    return url or None


def _office_without_macros(data):
    # An Office Open XML file is a zip; macros and ActiveX controls live in named parts.
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        return False
    return not any(n.lower().endswith(("vbaproject.bin", ".bin")) or "/activex/" in n.lower() for n in names)


def store_resource_file(upload, actor):
    """Store a resource's file, its type read from the content: PDF and photos through the
    files domain (cleaned), Office files only without macros. Refuses with the reason."""
    if upload is None or not getattr(upload, "filename", ""):
        refuse(_l("Choose a file to upload."), field="upload")
    head = upload.stream.read(DEFAULT_MAX_BYTES + 1)
    upload.stream.seek(0)
    if not head:
        refuse(_l("The file is empty."), field="upload")
    if sniff(head) in OFFICE_TYPES:
        if len(head) > DEFAULT_MAX_BYTES:
            refuse(
                _l("The file is too large. The limit is %(mb)d MB.", mb=DEFAULT_MAX_BYTES // (1024 * 1024)),
                "upload",
            )
        if not _office_without_macros(head):
            refuse(NOT_ACCEPTED, field="upload")
        return store_bytes(head, sniff(head), upload.filename, uploaded_by=actor)
    if sniff(head) not in DOCUMENT_TYPES:
        refuse(NOT_ACCEPTED, field="upload")
    try:
        return save_upload(upload, allowed=DOCUMENT_TYPES, uploaded_by=actor)
    except UploadError as exc:
        refuse(exc.message, field="upload")
