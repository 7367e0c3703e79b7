"""Checking, cleaning and storing uploads; serving stored files.

Every upload goes through ``save_upload``: the type is sniffed from the
content (never the name), the size is limited, images are decoded with a
pixel limit (decompression bombs) and re-encoded without metadata (GPS).
"""

import hashlib
import io
import re
import uuid
from pathlib import Path

import filetype
from flask import Response, current_app, send_file
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps

from wcl.extensions import db
from wcl.files.errors import UploadError  # noqa: F401  (services.UploadError is the public name)
from wcl.files.models import StoredFile
from wcl.text import strip_invisible

IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
PDF_TYPES = frozenset({"application/pdf"})
DOCUMENT_TYPES = IMAGE_TYPES | PDF_TYPES

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # about 7300 × 5400; larger is refused as a likely bomb
MAX_SIDE = 3000  # stored images are scaled down to this on the long side


def sniff(data):
    """The MIME type read from the content, or ``None``."""
    if data[:5] == b"%PDF-":
        return "application/pdf"
    kind = filetype.guess(data)
    return kind.mime if kind else None


def _read(file_storage, max_bytes):
    data = file_storage.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadError(_l("The file is too large. The limit is %(mb)d MB.", mb=max_bytes // (1024 * 1024)))
    if not data:
        raise UploadError(_l("The file is empty."))
    return data


def clean_image(data, max_side=MAX_SIDE):
    """Decode, check and re-encode an image; returns (bytes, mimetype, width, height).

    Metadata (EXIF, GPS) is dropped by re-encoding; orientation is applied first.
    """
    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise UploadError(_l("This image is too large in pixels. Please send a smaller photo."))
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)
            has_alpha = image.mode in ("RGBA", "LA", "P")
            image = image.convert("RGBA" if has_alpha else "RGB")
            image.thumbnail((max_side, max_side))
            out = io.BytesIO()
            if has_alpha:
                image.save(out, "PNG", optimize=True)
                mimetype = "image/png"
            else:
                image.save(out, "JPEG", quality=85, optimize=True, progressive=True)
                mimetype = "image/jpeg"
            return out.getvalue(), mimetype, image.width, image.height
    except UploadError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadError(_l("This image is too large in pixels. Please send a smaller photo.")) from None
    except Exception:
        raise UploadError(_l("This image could not be read. Please send a JPEG or PNG photo.")) from None


def resized_variant(data, width):
    """A JPEG copy of image ``data`` at most ``width`` pixels wide (for srcset)."""
    with Image.open(io.BytesIO(data)) as image:
        image = image.convert("RGB")
        image.thumbnail((width, width * 4))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=80, optimize=True, progressive=True)
        return out.getvalue()


def safe_display_name(name):
    """A harmless file name for Content-Disposition (no paths, no control chars).

    Normalised as every text is (``wcl.text``): NFC, and no invisible or
    direction-changing characters (``x\u202egpj.exe.pdf`` shows as ``xfdp.exe.jpg``).
    """
    name = strip_invisible(Path(name or "file").name)
    name = re.sub(r"[\x00-\x1f\x7f/\\:*?\"<>|]+", "_", name).strip(" .") or "file"
    return name[:150]


def storage_root():
    root = Path(current_app.config["STORAGE_DIR"])
    root.mkdir(parents=True, exist_ok=True)
    return root


def store_bytes(data, mimetype, original_name, uploaded_by=None, width=None, height=None):
    """Write bytes to storage and add a ``StoredFile`` row (flushes, no commit)."""
    key = f"{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}"
    path = storage_root() / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    stored = StoredFile(
        key=key,
        mimetype=mimetype,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        original_name=safe_display_name(original_name),
        uploaded_by_id=getattr(uploaded_by, "id", uploaded_by),
        width=width,
        height=height,
    )
    db.session.add(stored)
    db.session.flush()
    return stored


def save_upload(file_storage, allowed=DOCUMENT_TYPES, max_bytes=DEFAULT_MAX_BYTES, uploaded_by=None):
    """Check and store an uploaded file; raises ``UploadError``. Flushes, no commit.

    Images are re-encoded (metadata stripped); PDFs lose their active content
    (``pdf_without_active_content``) and are otherwise kept as sent. The
    caller's service commits.
    """
    if file_storage is None or not getattr(file_storage, "filename", ""):
        raise UploadError(_l("Choose a file to upload."))
    data = _read(file_storage, max_bytes)
    mimetype = sniff(data)
    if mimetype not in allowed:
        raise UploadError(
            _l("This type of file is not accepted. Send a photo (JPEG, PNG) or a PDF.")
            if allowed & PDF_TYPES
            else _l("This type of file is not accepted. Send a photo (JPEG or PNG).")
        )
    width = height = None
    if mimetype in IMAGE_TYPES:
        data, mimetype, width, height = clean_image(data)
        name = Path(file_storage.filename).stem + (".png" if mimetype == "image/png" else ".jpg")
    else:
        data = pdf_without_active_content(data)
        name = file_storage.filename
    return store_bytes(data, mimetype, name, uploaded_by, width, height)


def read_bytes(stored):
    """The content of a stored file."""
    return (storage_root() / stored.key).read_bytes()


def delete_stored(stored):
    """Remove the file and its row (flushes)."""
    (storage_root() / stored.key).unlink(missing_ok=True)
    db.session.delete(stored)
    db.session.flush()


def replace_stored(row, name, stored):
    """Point ``row``'s file ``name`` (a relationship with its ``<name>_id`` column) at ``stored``
    and delete the file it held before, if any (flushes)."""
    old = getattr(row, name)
    setattr(row, f"{name}_id", stored.id)
    db.session.flush()
    if old is not None:
        delete_stored(old)


def pdf_without_metadata(data):
    """The PDF rewritten without its document information and XMP metadata
    (author, creator tool, title: often the applicant's name). Raises
    ``UploadError`` when the PDF cannot be read."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError

    try:
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
        writer.metadata = None
        writer.xmp_metadata = None
        out = io.BytesIO()
        writer.write(out)
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise UploadError(_l("This PDF could not be read.")) from exc
    return out.getvalue()


# Keys that make a PDF act when opened or used: scripts, open and additional
# (page, field, document) actions, attached files and their streams, XFA forms
# (which carry scripts) and rich media.
ACTIVE_PDF_KEYS = frozenset(
    {"/JS", "/JavaScript", "/OpenAction", "/AA", "/EmbeddedFiles", "/EF", "/XFA", "/RichMediaContent"}
)
# Action types that run code, open other files or programs, or send data out.
ACTIVE_PDF_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/GoToR",
        "/GoToE",
        "/Rendition",
        "/RichMediaExecute",
        "/Sound",
        "/Movie",
    }
)
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def _is_active_action(value):
    value = value.get_object() if hasattr(value, "get_object") else value
    if isinstance(value, dict):
        return value.get("/S") in ACTIVE_PDF_ACTIONS
    if isinstance(value, list):
        return any(_is_active_action(item) for item in value)
    return False


def _strip_active(root):
    """Remove active content from everything reachable from ``root``, in place.
    Returns how many entries were removed."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    removed, seen, stack = 0, set(), [root]
    while stack:  # iterative: a deeply nested PDF must not exhaust the stack
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            for key in list(obj.keys()):
                if key in ACTIVE_PDF_KEYS or (key in ("/A", "/Next") and _is_active_action(obj[key])):
                    del obj[key]
                    removed += 1
                else:
                    stack.append(obj[key])
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return removed


def _raw_pdf_is_inert(data):
    # For a PDF pypdf cannot read: no compressed streams that could hide
    # anything, and none of the active names, also spelt with #xx escapes.
    names = _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data)
    if b"stream" in names:
        return False
    return not any(key.encode() in names for key in ACTIVE_PDF_KEYS | ACTIVE_PDF_ACTIONS)


def pdf_without_active_content(data):
    """The PDF without scripts, open/additional actions, launch and other active
    actions or attached files; unchanged when it has none.

    A PDF pypdf cannot read is kept only if its raw bytes show nothing active
    (and no compressed streams); otherwise it is refused with ``UploadError``.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError

    refused = UploadError(
        _l(
            "This PDF contains scripts or attached files, or could not be checked. Please save it again as a plain PDF."
        )
    )
    try:
        reader = PdfReader(io.BytesIO(data))
        # Cleaned in the reader, then cloned: the writer copies only what is still
        # reachable, so no orphaned script or attachment stays in the file.
        if _strip_active(reader.trailer["/Root"]) == 0:
            return data
        writer = PdfWriter(clone_from=reader)
        if _strip_active(writer.root_object):  # nothing may be left after cloning
            raise refused
        out = io.BytesIO()
        writer.write(out)
    except UploadError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError):
        if _raw_pdf_is_inert(data):
            return data
        raise refused from None
    return out.getvalue()


def send_stored(stored, as_attachment=None):
    """A response serving the file; the caller has already checked permission."""
    if as_attachment is None:
        as_attachment = not stored.is_image
    response = send_file(
        storage_root() / stored.key,
        mimetype=stored.mimetype,
        as_attachment=as_attachment,
        download_name=stored.original_name,
        max_age=0,
    )
    return _private(response)


def send_pdf_without_metadata(stored):
    """A response serving the stored PDF stripped of its metadata (blind review);
    raises ``UploadError`` when it cannot be read. Permission is the caller's."""
    return _private(Response(pdf_without_metadata(read_bytes(stored)), mimetype=stored.mimetype))


def _private(response):
    # Someone's files: never cached by a shared proxy, never sniffed into HTML.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
