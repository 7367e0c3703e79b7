"""Uploaded PDFs lose their active content: scripts, open and additional actions,
launch actions and attached files. The PDF is built here with pypdf."""

import io

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, TextStringObject
from werkzeug.datastructures import FileStorage

from wcl.files.services import UploadError, read_bytes, save_upload

ACTIVE = {"/JS", "/JavaScript", "/OpenAction", "/AA", "/EmbeddedFiles", "/EF", "/Launch"}


def _js(code):
    return DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(code)}
    )


def active_pdf():
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    writer.add_attachment("payload.exe", b"MZ\x90\x00 evil")
    root = writer.root_object
    root["/Names"][NameObject("/JavaScript")] = DictionaryObject(
        {
            NameObject("/Names"): ArrayObject(
                [TextStringObject("x"), writer._add_object(_js("app.alert('tree');"))]
            )
        }
    )
    root[NameObject("/OpenAction")] = writer._add_object(_js("app.alert('open');"))
    root[NameObject("/AA")] = DictionaryObject({NameObject("/WC"): _js("app.alert('close');")})
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): _js("app.alert('page');")})
    launch = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([]),
            NameObject("/A"): DictionaryObject(
                {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")}
            ),
        }
    )
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(launch)])
    writer.add_metadata({"/Title": "Portfolio"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def active_names(data):
    """Every active-content name reachable in the PDF (keys, and action types)."""
    reader = PdfReader(io.BytesIO(data))
    found, seen, stack = set(), set(), [reader.trailer["/Root"]]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            found |= set(obj.keys()) & ACTIVE
            if obj.get("/S") in ACTIVE:
                found.add(obj["/S"])
            stack.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return found


def test_the_sample_really_has_active_content():
    assert {"/JavaScript", "/OpenAction", "/AA", "/EmbeddedFiles", "/Launch"} <= active_names(active_pdf())


def test_active_content_is_stripped_on_upload(app_ctx):
    stored = save_upload(FileStorage(io.BytesIO(active_pdf()), "portfolio.pdf"))
    data = read_bytes(stored)
    assert active_names(data) == set()
    for marker in (b"app.alert", b"MZ\x90\x00 evil", b"cmd.exe"):
        assert marker not in data
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1 and reader.metadata.title == "Portfolio"  # the document itself stays
    assert stored.size == len(data)


def test_a_plain_pdf_is_kept_as_sent(app_ctx):
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    out = io.BytesIO()
    writer.write(out)
    stored = save_upload(FileStorage(io.BytesIO(out.getvalue()), "plain.pdf"))
    assert read_bytes(stored) == out.getvalue()


def test_an_unreadable_pdf_with_a_script_is_refused(app_ctx):
    broken = b"%PDF-1.4\n1 0 obj << /OpenAction << /S /J#61vaScript /JS (app.alert(1)) >> >> endobj\n%%EOF\n"
    with pytest.raises(UploadError):
        save_upload(FileStorage(io.BytesIO(broken), "broken.pdf"))
