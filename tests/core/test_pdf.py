"""The shared PDF piece: templates rendered in a language, fonts bundled, fetcher locked down."""

import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from wcl.pdf import STATIC_DIR, FetchRefused, render_html, render_pdf, restricted_fetcher

CONTEXT = {
    "participant_name": "Айгерим Үсөнова",
    "cohort_name": "Өнөр Көктөм 2026",
    "lab_name": "Ош",
    "starts_on": date(2026, 3, 1),
    "ends_on": date(2026, 6, 1),
    "mentor_name": "Гүлнара Ңазарова",
    "graduated_at": date(2026, 6, 1),
    "number": "WCL-C-000007",
}


def _text(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_render_pdf_in_kyrgyz_keeps_kyrgyz_letters(app_ctx):
    data = render_pdf("cohorts/pdf/certificate.html", "ky", **CONTEXT)
    assert data.startswith(b"%PDF-")
    text = _text(data)
    assert "Айгерим Үсөнова" in text and "Өнөр Көктөм 2026" in text and "WCL-C-000007" in text
    for letter in "ҮӨҢ":
        assert letter in text
    fonts = PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/Font"]
    names = {str(font.get_object()["/BaseFont"]) for font in fonts.values()}
    # Only the @font-face family (the bundled DejaVu files) is embedded, never a system font.
    assert names and all("WCL-Sans" in name for name in names), names


def test_locale_is_forced_for_the_template(app_ctx):
    english = render_html("cohorts/pdf/certificate.html", "en", **CONTEXT)
    russian = render_html("cohorts/pdf/certificate.html", "ru", **CONTEXT)
    assert "Certificate of completion" in english
    assert "Certificate of completion" not in russian and 'lang="ru"' in russian
    assert "июня" in russian  # dates formatted in the forced locale


def test_fetcher_serves_bundled_static_files():
    response = restricted_fetcher((STATIC_DIR / "fonts" / "DejaVuSans.ttf").as_uri())
    assert response.read(4) == b"\x00\x01\x00\x00"  # a TrueType font


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/logo.png",
        "https://127.0.0.1/secret",
        "file:///etc/passwd",
        (STATIC_DIR / ".." / ".." / "config.py").as_uri(),
        (STATIC_DIR / "fonts" / ".." / ".." / "__init__.py").as_uri(),
        "file://evil.example/" + str(STATIC_DIR / "css" / "wcl.css"),
        "ftp://example.com/x",
        (STATIC_DIR / "no-such-file.png").as_uri(),
    ],
)
def test_fetcher_refuses_everything_else(url):
    with pytest.raises(FetchRefused):
        restricted_fetcher(url)


def test_fetcher_refuses_symlinks_out_of_static(tmp_path, monkeypatch):
    from wcl.pdf import RestrictedFetcher

    root = tmp_path / "static"
    root.mkdir()
    (root / "ok.css").write_text("p{}")
    (root / "leak").symlink_to("/etc/passwd")
    fetcher = RestrictedFetcher(root)
    assert fetcher((root / "ok.css").as_uri()).read() == b"p{}"
    with pytest.raises(FetchRefused):
        fetcher((root / "leak").as_uri())


def test_hostile_markup_cannot_reach_out(app_ctx, monkeypatch):
    """A remote image or a local file in user text is skipped, not fetched."""
    import urllib.request

    def no_network(*args, **kwargs):
        raise AssertionError("network used")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_network)
    from weasyprint import HTML

    html = '<img src="http://example.com/x.png"><img src="file:///etc/passwd"><p>ok</p>'
    from wcl.pdf import BASE_URL

    data = HTML(string=html, base_url=BASE_URL, url_fetcher=restricted_fetcher).write_pdf()
    assert "ok" in _text(data)


def test_only_wcl_pdf_imports_weasyprint():
    package = Path(__file__).resolve().parents[2] / "wcl"
    importers = {
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "import weasyprint" in path.read_text() or "from weasyprint" in path.read_text()
    }
    assert importers == {"pdf.py"}, importers
