"""How a follow-up reaches her: email always, plus a short message where a phone number
is known. ``MessageChannel`` is the interface; the default short-message channel writes to
the outbox folder (like unsent email in development), so no SMS gateway is needed to run
the platform. A gateway is a class with the same ``send`` set in ``OUTCOMES_SMS_CHANNEL``.
"""

import logging
import time
import uuid
from pathlib import Path
from typing import Protocol

from flask import current_app
from werkzeug.utils import import_string

from wcl.queue import EMAILS, enqueue_after_commit

log = logging.getLogger(__name__)


class MessageChannel(Protocol):
    """Sends one short text to a phone number, after the session commits."""

    def send(self, phone: str, text: str) -> None: ...


class OutboxChannel:
    """Default channel: queue a job (after commit) that writes the message to the outbox."""

    def send(self, phone, text):
        enqueue_after_commit(
            "wcl.outcomes.jobs.deliver_short_message", phone, text, queue=EMAILS, job_timeout=60
        )


def deliver_short_message(phone, text):
    """Write one short message to the outbox folder as ``<time>-<id>.sms.txt``."""
    outbox = Path(current_app.config["OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    path = outbox / f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.sms.txt"
    path.write_text(f"To: {phone}\n\n{text}\n", encoding="utf-8")
    if current_app.config.get("MAIL_TO_CONSOLE"):
        print(f"--- short message ({path})\n{text}\n---", flush=True)
    return path


def short_message_channel():
    """The configured channel (``OUTCOMES_SMS_CHANNEL``, a dotted class name), else the outbox."""
    path = current_app.config.get("OUTCOMES_SMS_CHANNEL")
    return import_string(path)() if path else OutboxChannel()
