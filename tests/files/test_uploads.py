"""Uploads: type sniffed from content, size limits, bombs refused, metadata stripped."""

import io
from pathlib import Path

import pytest
from flask import current_app
from PIL import Image
from werkzeug.datastructures import FileStorage

from wcl.extensions import db
from wcl.files.models import StoredFile
from wcl.files.services import IMAGE_TYPES, UploadError, read_bytes, save_upload


def _jpeg_with_gps(size=(64, 48)):
    image = Image.new("RGB", size, (200, 30, 90))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (42.0, 30.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _upload(data, name):
    return FileStorage(stream=io.BytesIO(data), filename=name)


def test_image_is_reencoded_without_metadata(app_ctx):
    original = _jpeg_with_gps()
    assert b"PhoneMaker" in original
    stored = save_upload(_upload(original, "portrait.jpeg"))
    db.session.commit()
    data = read_bytes(stored)
    assert stored.mimetype == "image/jpeg" and (stored.width, stored.height) == (64, 48)
    assert b"PhoneMaker" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif()


def test_pdf_is_kept(app_ctx):
    pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    stored = save_upload(_upload(pdf, "../../etc/portfolio.pdf"))
    assert stored.mimetype == "application/pdf" and read_bytes(stored) == pdf
    assert stored.original_name == "portfolio.pdf"


def test_exe_renamed_jpg_is_refused(app_ctx):
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
    with pytest.raises(UploadError):
        save_upload(_upload(exe, "photo.jpg"))
    assert db.session.scalar(db.select(db.func.count(StoredFile.id))) == 0


def test_oversize_is_refused(app_ctx):
    with pytest.raises(UploadError, match="too large"):
        save_upload(_upload(b"%PDF-" + b"0" * 2000, "big.pdf"), max_bytes=1000)


def test_decompression_bomb_is_refused(app_ctx):
    out = io.BytesIO()
    Image.new("1", (12000, 12000)).save(out, "PNG")  # tiny file, 144 megapixels
    assert len(out.getvalue()) < 100_000
    with pytest.raises(UploadError, match="pixels"):
        save_upload(_upload(out.getvalue(), "bomb.png"))


def test_pdf_not_allowed_where_only_images_are(app_ctx):
    with pytest.raises(UploadError):
        save_upload(_upload(b"%PDF-1.4\n%%EOF", "x.pdf"), allowed=IMAGE_TYPES)


def test_files_are_stored_outside_the_web_root(app_ctx):
    """Nothing under STORAGE_DIR is reachable as a static file: it lies outside
    the static folder (and the templates), so only the permission-checked views
    can serve it."""
    storage = Path(current_app.config["STORAGE_DIR"]).resolve()
    for web_root in (current_app.static_folder, current_app.template_folder):
        root = Path(current_app.root_path, web_root).resolve()
        assert not storage.is_relative_to(root) and not root.is_relative_to(storage)
    stored = save_upload(_upload(_jpeg_with_gps(), "photo.jpg"))
    assert (storage / stored.key).is_file()


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("x\u202egpj.exe.pdf", "xgpj.exe.pdf"),  # shown as "xfdp.exe.jpg" with the override
        ("re\u200bport\u2066.pdf", "report.pdf"),
        ("e\u0301tude.pdf", "\u00e9tude.pdf"),  # NFC
        ("a\x00b.pdf", "a_b.pdf"),
    ],
)
def test_file_names_are_normalised_like_every_text(app_ctx, name, kept):
    stored = save_upload(_upload(b"%PDF-1.4\n%%EOF\n", name))
    assert stored.original_name == kept
