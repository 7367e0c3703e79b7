"""Comments on the public campaign page: posting, display, moderation, refusals, email."""

import re
from datetime import timedelta

import pytest
from flask import template_rendered

from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.campaigns import CampaignCommentFactory, CampaignFactory, ready_participant
from tests.helpers import login, message_text, outbox_messages, post_form, queued_jobs
from wcl.accounts.models import User
from wcl.audit.models import AuditEntry
from wcl.campaigns import services
from wcl.campaigns.models import CampaignComment
from wcl.extensions import db
from wcl.time import utcnow


@pytest.fixture
def world(app):
    with app.app_context():
        owner = ready_participant(email="creator@example.org", full_name="Aigerim Creator", locale="ky")
        CampaignFactory(owner=owner, slug="felt", title="Felt slippers", creator_name="Aigerim")
        CampaignFactory(owner=owner, slug="draft", status="draft")
        UserFactory(email="aida@example.org", full_name="Aida Full Name", display_name="Aida")
        UserFactory(email="staff@example.org", roles=["staff"])
        UserFactory(email="unverified@example.org", email_verified_at=None)


def _signed_in(app, email):
    client = app.test_client()
    login(client, email, PASSWORD)
    return client


def _comment(client, body, slug="felt"):
    return post_form(client, f"/campaigns/{slug}/comments", {"body": body}, get_path=f"/campaigns/{slug}")


def _comments(app):
    with app.app_context():
        return db.session.scalars(db.select(CampaignComment).order_by(CampaignComment.id)).all()


def _audit(app, action):
    with app.app_context():
        return db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == action)).all()


def test_posting_stores_plain_text_and_emails_the_creator_in_her_language(app, world, run_jobs):
    client = _signed_in(app, "aida@example.org")
    response = _comment(client, "  Beautiful work!\r\n\r\n\r\n\r\nWhere is the wool from?  \r\n")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/campaigns/felt#comments")
    [comment] = _comments(app)
    assert comment.body == "Beautiful work!\n\nWhere is the wool from?"
    [entry] = _audit(app, "campaign.comment_posted")
    assert entry.data == {"comment_id": comment.id} and entry.actor_id == comment.author_id

    html = client.get("/campaigns/felt").get_data(as_text=True)
    assert "Your comment is posted." in html
    assert '<p class="comment-text">Beautiful work!\n\nWhere is the wool from?</p>' in html
    assert "<strong>Aida</strong>" in html  # the display name, never the email or the account name
    assert "aida@example.org" not in html
    assert "Aida Full Name" not in html

    run_jobs()
    [message] = outbox_messages(app)
    assert message["To"] == "creator@example.org"
    text = message_text(message)
    assert "Aida" in message["Subject"] and "Felt slippers" in message["Subject"]
    assert "Саламатсызбы" in text and "пикир жазды" in text  # Kyrgyz, her language
    assert "Where is the wool from?" in text and "http://localhost/campaigns/felt#comments" in text
    assert "aida@example.org" not in message.as_string()


def test_the_creator_answers_under_her_creator_name_and_gets_no_email(app, world, client, run_jobs):
    creator = _signed_in(app, "creator@example.org")
    assert _comment(creator, "Thank you all!").status_code == 302
    run_jobs()
    assert len(_comments(app)) == 1 and outbox_messages(app) == []
    html = client.get("/campaigns/felt").get_data(as_text=True)
    assert '<strong>Aigerim</strong> <span class="badge">Creator</span>' in html
    assert "Aigerim Creator" not in html  # creator privacy: never her account name


def test_comments_are_escaped_never_html(app, world, client):
    with app.app_context():
        campaign = services.get_campaign("felt")
        author = UserFactory(full_name="<b>Bold</b> name")
        CampaignCommentFactory(
            campaign=campaign, author=author, body='<script>alert(1)</script>\n<img src=x onerror="alert(2)">'
        )
    for path in ("/campaigns/felt", "/campaigns/felt/comments"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>Bold" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;\n&lt;img src=x onerror=&#34;alert(2)&#34;&gt;" in html
        assert "&lt;b&gt;Bold&lt;/b&gt; name" in html


def test_page_shows_the_latest_ten_and_the_comments_page_paginates(app, world, client):
    now = utcnow()
    with app.app_context():
        campaign = services.get_campaign("felt")
        for i in range(35):
            CampaignCommentFactory(
                campaign=campaign, body=f"Note {i:02d}", created_at=now - timedelta(minutes=35 - i)
            )
        CampaignCommentFactory(campaign=campaign, body="Hidden note", hidden_at=now, hidden_reason="Spam")
    html = client.get("/campaigns/felt").get_data(as_text=True)
    assert html.count('id="comment-') == 10
    assert "Note 34" in html and "Note 25" in html and "Note 24" not in html  # newest first
    assert "Hidden note" not in html
    assert 'href="/campaigns/felt/comments">All comments</a>' in html

    page1 = client.get("/campaigns/felt/comments").get_data(as_text=True)
    assert page1.count('id="comment-') == 30 and "Page 1 of 2" in page1
    assert "Note 34" in page1 and "Note 05" in page1 and "Note 04" not in page1
    page2 = client.get("/campaigns/felt/comments?page=2").get_data(as_text=True)
    assert page2.count('id="comment-') == 5 and "Note 00" in page2 and "Hidden note" not in page2
    assert client.get("/campaigns/draft/comments").status_code == 404


def test_few_comments_need_no_link_and_none_say_so(app, world, client):
    html = client.get("/campaigns/felt").get_data(as_text=True)
    assert "No comments yet." in html and "All comments" not in html
    with app.app_context():
        CampaignCommentFactory(campaign=services.get_campaign("felt"))
    html = client.get("/campaigns/felt").get_data(as_text=True)
    assert html.count('id="comment-') == 1 and "All comments" not in html


def test_who_sees_the_form(app, world, client):
    response = client.get("/campaigns/felt")
    assert "Set-Cookie" not in response.headers  # a guest's visit starts no session
    guest = response.get_data(as_text=True)
    assert "Sign in to comment" in guest and 'name="body"' not in guest
    assert "/account/login?next=/campaigns/felt" in guest
    unverified = _signed_in(app, "unverified@example.org").get("/campaigns/felt").get_data(as_text=True)
    assert "Confirm your email address to comment." in unverified and 'name="body"' not in unverified
    verified = _signed_in(app, "aida@example.org").get("/campaigns/felt").get_data(as_text=True)
    assert 'name="body"' in verified and "Post the comment" in verified  # too long: a message, not maxlength
    draft = _signed_in(app, "creator@example.org").get("/campaigns/draft").get_data(as_text=True)
    assert 'name="body"' not in draft and 'id="comments"' not in draft


def test_staff_hide_a_comment_with_a_reason(app, world, client):
    with app.app_context():
        comment_id = CampaignCommentFactory(campaign=services.get_campaign("felt"), body="Buy cheap pills").id
    staff = _signed_in(app, "staff@example.org")
    page = staff.get("/campaigns/felt").get_data(as_text=True)
    assert f"/campaigns/felt/comments/{comment_id}/hide" in page and "Hide this comment" in page
    assert "Hide this comment" not in client.get("/campaigns/felt").get_data(as_text=True)

    path = f"/campaigns/felt/comments/{comment_id}/hide"
    response = post_form(staff, path, {"reason": "   "}, get_path="/campaigns/felt")
    assert response.status_code == 302
    assert "Say why the comment is hidden" in staff.get("/campaigns/felt").get_data(as_text=True)
    assert _comments(app)[0].hidden_at is None and _audit(app, "campaign.comment_hidden") == []

    response = post_form(
        staff, path, {"reason": "Spam", "next": "/campaigns/felt/comments"}, get_path="/campaigns/felt"
    )
    assert response.status_code == 302 and response.headers["Location"] == "/campaigns/felt/comments"
    [comment] = _comments(app)
    assert comment.hidden_at is not None and comment.hidden_reason == "Spam"
    [entry] = _audit(app, "campaign.comment_hidden")
    assert entry.data == {"comment_id": comment_id} and entry.target_type == "campaigns"
    assert entry.actor_id == comment.hidden_by_id != comment.author_id
    for path_ in ("/campaigns/felt", "/campaigns/felt/comments"):
        assert "Buy cheap pills" not in client.get(path_).get_data(as_text=True)

    post_form(staff, path, {"reason": "Again"}, get_path="/campaigns/felt")  # twice: no second effect
    assert len(_audit(app, "campaign.comment_hidden")) == 1 and _comments(app)[0].hidden_reason == "Spam"


def test_only_staff_hide(app, world):
    with app.app_context():
        comment_id = CampaignCommentFactory(campaign=services.get_campaign("felt")).id
    for email in ("aida@example.org", "creator@example.org"):
        client = _signed_in(app, email)
        response = post_form(
            client, f"/campaigns/felt/comments/{comment_id}/hide", {"reason": "x"}, get_path="/campaigns/felt"
        )
        assert response.status_code == 403
    assert _comments(app)[0].hidden_at is None


def test_the_author_deletes_her_own_comment(app, world, client):
    aida = _signed_in(app, "aida@example.org")
    _comment(aida, "Oops, wrong campaign")
    [comment] = _comments(app)
    path = f"/campaigns/felt/comments/{comment.id}/delete"
    assert "Delete my comment" in aida.get("/campaigns/felt").get_data(as_text=True)
    assert "Delete my comment" not in _signed_in(app, "staff@example.org").get("/campaigns/felt").get_data(
        as_text=True
    )

    other = _signed_in(app, "creator@example.org")
    assert post_form(other, path, {"confirm": "yes"}, get_path="/campaigns/felt").status_code == 403
    assert _comments(app)[0].hidden_at is None

    response = post_form(aida, path, {"confirm": "yes"}, get_path="/campaigns/felt")
    assert response.status_code == 302 and response.headers["Location"] == "/campaigns/felt#comments"
    [comment] = _comments(app)
    assert comment.hidden_at is not None and comment.hidden_by_id == comment.author_id
    [entry] = _audit(app, "campaign.comment_deleted")
    assert entry.actor_id == comment.author_id and entry.data == {"comment_id": comment.id}
    assert "Oops, wrong campaign" not in client.get("/campaigns/felt").get_data(as_text=True)
    post_form(aida, path, {}, get_path="/campaigns/felt")
    assert len(_audit(app, "campaign.comment_deleted")) == 1


def test_control_characters_are_refused_before_any_view_and_change_nothing(app, world):
    # A NUL byte is refused for every request (wcl/core/input.py), not by the comment form.
    client = _signed_in(app, "aida@example.org")
    response = _comment(client, "\x00\x01")
    assert response.status_code == 400
    assert _comments(app) == [] and _audit(app, "campaign.comment_posted") == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Write your comment first."),
        ("  \r\n \t \r\n ", "Write your comment first."),
        ("x" * 2001, "This is too long (at most 2000 characters)."),
    ],
    ids=["empty", "whitespace", "too-long"],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(app, world, body, message):
    client = _signed_in(app, "aida@example.org")
    response = _comment(client, body)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and 'aria-invalid="true"' in html
    assert _comments(app) == [] and _audit(app, "campaign.comment_posted") == []
    assert not [j for j in queued_jobs(app) if "deliver" in j]


def test_exactly_the_limit_is_accepted_with_crlf_line_breaks(app, world):
    client = _signed_in(app, "aida@example.org")
    body = "x" * 999 + "\r\n" + "x" * 1000  # 2 000 characters once the line break is one
    assert _comment(client, body).status_code == 302
    assert len(_comments(app)[0].body) == 2000


def test_refusals_change_nothing(app, world, client):
    # A guest is sent to sign in.
    response = post_form(client, "/campaigns/felt/comments", {"body": "Hi"}, get_path="/account/login")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    # An unverified account is told to confirm her email.
    unverified = _signed_in(app, "unverified@example.org")
    response = post_form(unverified, "/campaigns/felt/comments", {"body": "Hi"}, get_path="/campaigns/")
    assert response.status_code == 422
    assert "Confirm your email address before you comment" in response.get_data(as_text=True)
    # The creator's draft is not public: no comments yet.
    creator = _signed_in(app, "creator@example.org")
    response = post_form(creator, "/campaigns/draft/comments", {"body": "Hi"}, get_path="/campaigns/draft")
    assert response.status_code == 422
    # (in her language: Kyrgyz)
    assert "Кампания жарыялангандан кийин пикир калтырууга болот." in response.get_data(as_text=True)
    # Someone else cannot even see the draft.
    aida = _signed_in(app, "aida@example.org")
    response = post_form(aida, "/campaigns/draft/comments", {"body": "Hi"}, get_path="/campaigns/")
    assert response.status_code == 404
    # Without the CSRF token.
    response = aida.post("/campaigns/felt/comments", data={"body": "Hi"})
    assert response.status_code == 400 and "This form has expired" in response.get_data(as_text=True)
    assert _comments(app) == [] and _audit(app, "campaign.comment_posted") == []


def test_a_campaign_that_ended_badly_takes_no_comments(app, world):
    with app.app_context():
        CampaignFactory(slug="gone", status="cancelled")
    aida = _signed_in(app, "aida@example.org")
    response = post_form(aida, "/campaigns/gone/comments", {"body": "Hi"}, get_path="/campaigns/")
    assert response.status_code == 404 and _comments(app) == []


def test_service_rechecks_who_may_comment(app_ctx):
    campaign = CampaignFactory(status="scheduled")
    user = UserFactory()
    with pytest.raises(services.CampaignError, match="Comments open"):
        services.post_comment(user, campaign.id, "Hi")
    unverified = UserFactory(email_verified_at=None)
    with pytest.raises(services.CampaignError, match="Confirm your email"):
        services.post_comment(unverified, CampaignFactory().id, "Hi")
    assert db.session.scalar(db.select(db.func.count(CampaignComment.id))) == 0


def test_comment_posts_are_rate_limited_per_person(app, world):
    from wcl import create_app

    keys = ("SQLALCHEMY_DATABASE_URI", "REDIS_URL", "OUTBOX_DIR", "STORAGE_DIR")
    limited = create_app("testing", overrides={**{k: app.config[k] for k in keys}, "RATELIMIT_ENABLED": True})
    client = limited.test_client()
    login(client, "aida@example.org", PASSWORD)
    codes = [_comment(client, f"Comment {i}").status_code for i in range(6)]
    assert codes == [302] * 5 + [429]
    assert len(_comments(app)) == 5
    other = limited.test_client()  # same address, another person: not limited
    login(other, "creator@example.org", PASSWORD)
    assert _comment(other, "Thank you!").status_code == 302


def test_page_queries_stay_fixed_with_many_comments_for_their_author(app, world, count_queries):
    with app.app_context():
        aida = db.session.scalar(db.select(User).where(User.email == "aida@example.org"))
        few = CampaignFactory(slug="few")
        many = CampaignFactory(slug="many")
        for _ in range(3):
            CampaignCommentFactory(campaign=few, author=aida)
        for _ in range(60):
            CampaignCommentFactory(campaign=many, author=aida)
    counts = {}
    for email in ("aida@example.org", "staff@example.org"):
        client = _signed_in(app, email)
        for slug in ("few", "many"):
            client.get(f"/campaigns/{slug}")
            with count_queries() as queries:
                html = client.get(f"/campaigns/{slug}").get_data(as_text=True)
            assert html.count('id="comment-') == (3 if slug == "few" else 10)
            counts[email, slug] = len(queries)
        assert counts[email, "few"] == counts[email, "many"], counts


def test_a_comment_reached_through_another_campaigns_address_is_not_there(app, world):
    with app.app_context():
        comment_id = CampaignCommentFactory(
            campaign=services.get_campaign("felt"),
            author=db.session.scalar(db.select(User).where(User.email == "aida@example.org")),
        ).id
        CampaignFactory(owner=services.get_campaign("felt").owner, slug="rugs", title="Rugs")
    staff = _signed_in(app, "staff@example.org")
    post_form(
        staff, f"/campaigns/rugs/comments/{comment_id}/hide", {"reason": "Spam"}, get_path="/campaigns/rugs"
    )
    assert "This comment does not exist." in staff.get("/campaigns/rugs").get_data(as_text=True)
    aida = _signed_in(app, "aida@example.org")
    post_form(
        aida, f"/campaigns/rugs/comments/{comment_id}/delete", {"confirm": "yes"}, get_path="/campaigns/rugs"
    )
    assert "This comment does not exist." in aida.get("/campaigns/rugs").get_data(as_text=True)
    assert _comments(app)[0].hidden_at is None
    assert _audit(app, "campaign.comment_hidden") == _audit(app, "campaign.comment_deleted") == []


def _form_token(html):
    form = html[html.index('action="/campaigns/felt/comments"') :]
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)


def test_the_comment_form_is_rendered_once_per_language_around_her_own_token(app, world):
    """A fresh form's fields are kept per language; her CSRF token and a form sent back with
    her text and its error are hers alone."""
    with app.app_context():
        UserFactory(email="ruslana@example.org", locale="ru")
    app.extensions.pop("wcl_fragments", None)  # the app outlives a test: start from nothing kept
    rendered = []

    def seen(sender, template, context, **extra):
        rendered.append(template.name)

    template_rendered.connect(seen, app)  # blinker keeps a weak reference: ``seen`` lives until the end
    aida, staff, ruslana = (_signed_in(app, f"{who}@example.org") for who in ("aida", "staff", "ruslana"))
    pages = [client.get("/campaigns/felt").get_data(as_text=True) for client in (aida, staff, aida, ruslana)]
    assert rendered.count("campaigns/page/comment_fields.html") == 2  # English once, Russian once
    assert (
        "Your comment" in pages[0] and pages[1].count("Your comment") == 1 and "Ваш комментарий" in pages[3]
    )
    tokens = [_form_token(html) for html in pages]
    assert len({tokens[0], tokens[1], tokens[3]}) == 3  # each her own
    # A refused comment comes back with her text and the error, and stays hers.
    refused = _comment(aida, "   ")
    assert refused.status_code == 422 and "Write your comment first." in refused.get_data(as_text=True)
    refused = post_form(aida, "/campaigns/felt/comments", {"body": "x" * 2001}, get_path="/campaigns/felt")
    assert refused.status_code == 422 and "x" * 2001 in refused.get_data(as_text=True)
    other = staff.get("/campaigns/felt").get_data(as_text=True)
    assert "x" * 2001 not in other and "Write your comment first." not in other
    # Each token posts for its own reader.
    for client, who in ((staff, "staff"), (ruslana, "ruslana")):
        html = client.get("/campaigns/felt").get_data(as_text=True)
        response = client.post(
            "/campaigns/felt/comments", data={"body": f"From {who}", "csrf_token": _form_token(html)}
        )
        assert response.status_code == 302, who
    assert [c.body for c in _comments(app)] == ["From staff", "From ruslana"]
    template_rendered.disconnect(seen, app)
