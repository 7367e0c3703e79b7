"""Email headers survive encoding: what the strict standard-library parser reads is what was written."""

import email.policy
from email.parser import BytesParser
from pathlib import Path

from tests.factories.accounts import UserFactory
from tests.factories.programme import ApplicationFactory, CallFactory
from wcl.applications import services


def _raw_outbox(app):
    return [p.read_bytes() for p in sorted(Path(app.config["OUTBOX_DIR"]).glob("*.eml"))]


def test_kyrgyz_decision_letter_subject_keeps_its_spaces_when_folded(app, run_jobs):
    title = "Ош аймагындагы Аялдардын чыгармачыл лабораториясы — 2026"
    with app.app_context():
        applicant = UserFactory(locale="ky", roles=["applicant"])
        application = ApplicationFactory(call=CallFactory(title_ky=title), applicant=applicant)
        services.decide(UserFactory(roles=["staff"]), [application.id], "accepted", "")
    run_jobs()
    (raw,) = _raw_outbox(app)
    header_lines = raw.split(b"\n\n", 1)[0].split(b"\n")
    assert max(len(line.rstrip(b"\r")) for line in header_lines) <= 78  # folded, as RFC 5322 asks
    assert raw.isascii()
    message = BytesParser(policy=email.policy.strict).parsebytes(raw)
    assert str(message["Subject"]) == f"Сиз кабыл алындыңыз: {title}"


def test_ascii_subject_stays_readable(app, app_ctx):
    from wcl.mail import build_message

    msg = build_message({"to": "a@example.org", "subject": "Your receipt", "text": "Hello"})
    assert b"\nSubject: Your receipt\n" in bytes(msg)
