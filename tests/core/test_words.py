"""Words people read: no invisible characters in plain-text emails, real plurals, no jargon."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.campaigns import ready_participant
from tests.factories.programme import ApplicationFactory, CallFactory
from tests.factories.receipts import paid_pledge
from tests.helpers import login, message_text, outbox_messages
from wcl.i18n import LANGUAGE_COOKIE
from wcl.mail import render_email
from wcl.receipts import services as receipts

INVISIBLE_BIDI = ("\u2066", "\u2067", "\u2068", "\u2069", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e")


def test_plain_text_receipt_email_has_no_invisible_isolates(app, run_jobs):
    with app.app_context():
        pledge = paid_pledge(backer_name="Айгерим Садыкова", backer_email="a@example.org", locale="ky")
        receipts.issue_receipt(pledge.id)
    run_jobs()
    [message] = outbox_messages(app)
    text = message["Subject"] + message_text(message)
    assert "Айгерим Садыкова" in text
    assert not [c for c in INVISIBLE_BIDI if c in text]


def test_render_email_strips_direction_marks_from_text_and_subject(app_ctx):
    message = render_email(
        "receipts/receipt",
        "en",
        name="\u2068Aida\u2069",
        number="2026-000001",
        title="Felt\u202e slippers",
        amount=100,
        paid=100,
        refunded=0,
        void=False,
        currency="KGS",
        link="http://x",
        verify="http://y",
    )
    assert "Aida" in message["text"] and "Felt slippers" in message["text"]
    assert not [c for c in INVISIBLE_BIDI if c in message["text"] + message["subject"]]


@pytest.mark.parametrize(
    "lang, drafts, expected",
    [("en", 1, "1 draft"), ("en", 2, "2 drafts"), ("ru", 1, "1 черновик"), ("ru", 3, "3 черновика")],
)
def test_draft_counts_use_real_plurals(app, client, lang, drafts, expected):
    with app.app_context():
        call = CallFactory()
        for _ in range(drafts):
            ApplicationFactory(call=call, status="draft", submitted_at=None)
        UserFactory(email="staff@example.org", roles=["staff"])
    login(client, "staff@example.org", PASSWORD)
    client.set_cookie(LANGUAGE_COOKIE, lang)
    page = client.get("/staff/calls/").get_data(as_text=True)
    assert expected in page
    if lang == "en" and drafts == 1:
        assert "1 drafts" not in page


@pytest.mark.parametrize("lang", ["en", "ru", "ky"])
def test_campaign_form_does_not_say_markdown(app, client, lang):
    with app.app_context():
        ready_participant(email="creator@example.org")
    login(client, "creator@example.org", PASSWORD)
    client.set_cookie(LANGUAGE_COOKIE, lang)
    page = client.get("/campaigns/new").get_data(as_text=True)
    assert "**" in page  # the formatting hint is still there
    assert "markdown" not in page.lower()


def test_no_catalogue_shows_people_the_word_markdown():
    # Issue 17.19: creators and alumni read "Formatting: **bold** …", not a format's name.
    shown = [
        f"{pot.parent.parent.name}: {message.id}"
        for pot in Path("wcl").glob("*/translations/messages.pot")
        for message in read_po(pot.open("rb"))
        if message.id and "markdown" in str(message.id).lower()
    ]
    assert not shown, shown
