"""Email: rendered in the recipient's language, delivered by a job.

An email is named ``"<domain>/<name>"``; its templates live with the domain's
other templates, in ``templates/<domain>/email/<name>.subject.txt`` and
``templates/<domain>/email/<name>.txt``. With no ``MAIL_SERVER`` the message is
written to the outbox folder (and echoed on the console in development).
"""

import logging
import re
import smtplib
import time
import uuid
from email.header import Header
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale

from wcl.queue import EMAILS, enqueue_after_commit

log = logging.getLogger(__name__)

# Direction marks, embeddings, overrides and isolates: invisible in HTML, they
# show up in plain text (some clients draw them as boxes or "?"), and an
# override could reorder a sentence. Plain-text emails carry none of them.
DIRECTION_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def email_template_path(template):
    """``"cohorts/session_reminder"`` → ``"cohorts/email/session_reminder"`` (without suffix)."""
    domain, name = template.split("/", 1)
    return f"{domain}/email/{name}"


def render_email(template, locale, **context):
    """Render subject and text body of ``template`` (``"<domain>/<name>"``) in ``locale``.

    Both are plain text: direction controls (``DIRECTION_CONTROLS``) are removed.
    """
    path = email_template_path(template)
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = render_template(f"{path}.subject.txt", **context).strip()
        body = render_template(f"{path}.txt", **context)
    subject = DIRECTION_CONTROLS.sub("", subject)
    return {"subject": " ".join(subject.split()), "text": DIRECTION_CONTROLS.sub("", body)}


def queue_email(to, template, locale=None, **context):
    """Render an email now and deliver it by a job once the session commits."""
    message = render_email(template, locale, **context)
    message["to"] = to
    message["template"] = template
    if context.get("unsubscribe"):
        message["unsubscribe"] = context["unsubscribe"]
    enqueue_after_commit("wcl.mail.deliver", message, queue=EMAILS, job_timeout=60)


def build_message(message, attachments=()):
    """Turn the rendered dict into an ``EmailMessage`` with attachments."""
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    msg["To"] = message["to"]
    set_subject(msg, message["subject"])
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="wcl.local")
    if message.get("template"):
        msg["X-WCL-Template"] = message["template"]
    if message.get("unsubscribe"):
        # RFC 2369 / RFC 8058: mail clients offer their own one-click "unsubscribe".
        msg["List-Unsubscribe"] = f"<{message['unsubscribe']}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(message["text"])
    for filename, mimetype, data in attachments:
        maintype, subtype = mimetype.split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg


def set_subject(msg, subject):
    """Set the Subject header so that every reader decodes exactly ``subject``.

    The standard library's default policy drops the space between two words
    when it folds a long non-ASCII header into several encoded words (a
    Kyrgyz subject read "Ошаймагындагы"). A non-ASCII subject is therefore
    encoded here, by ``email.header.Header``, into encoded words of at most 76
    characters whose spaces sit inside the encoded text, and stored as it is,
    so the policy does not fold it again.
    """
    if subject.isascii():
        msg["Subject"] = subject
        return
    msg.set_raw("Subject", Header(subject, "utf-8", header_name="Subject").encode(linesep="\n"))


def send(message, attachments=()):
    """Send now (SMTP when configured, else the outbox folder). Used by jobs."""
    msg = build_message(message, attachments)
    config = current_app.config
    if config.get("MAIL_SERVER"):
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(msg)
        return None
    outbox = Path(config["OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    path = outbox / f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(bytes(msg))
    if config.get("MAIL_TO_CONSOLE"):
        print(f"--- email to {msg['To']}: {msg['Subject']} ({path})\n{message['text']}\n---", flush=True)
    return path


def deliver(message):
    """Job: deliver one rendered email (queued by ``queue_email``)."""
    send(message)
