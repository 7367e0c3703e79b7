"""The follow-up answer page, opened from the signed link in her email or message.

No sign-in: the link is the key. It is shown in the language she chose on her
account, unless this browser picked another with the language switcher.
"""

from contextlib import contextmanager

from flask import flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from wcl.forms import attempt, confirmed
from wcl.i18n import LANGUAGE_COOKIE, user_locale
from wcl.outcomes import services
from wcl.outcomes.errors import LinkError
from wcl.outcomes.forms import FollowUpForm, StopForm
from wcl.outcomes.labels import KIND_LABELS
from wcl.outcomes.views import bp


@contextmanager
def _her_language(follow_up):
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    with force_locale(chosen if chosen in ("en", "ru", "ky") else user_locale(follow_up.user)):
        yield


def refused_page(exc):
    """The page for a link that cannot be used (400, or 410 when expired or spent)."""
    status = 410 if exc.reason in ("expired", "used") else 400
    if exc.follow_up is None:
        return render_template(
            "outcomes/link_refused.html", message=str(exc.message), reason=exc.reason
        ), status
    with _her_language(exc.follow_up):
        page = render_template("outcomes/link_refused.html", message=str(exc.message), reason=exc.reason)
    return page, status


@bp.route("/follow-up/<token>", methods=["GET", "POST"])
def answer(token):
    try:
        follow_up = services.follow_up_from_link(token)
    except LinkError as exc:
        return refused_page(exc)
    with _her_language(follow_up):
        form = FollowUpForm()
        if request.method == "GET":
            form.fill(follow_up)
        elif form.validate_on_submit():
            finish = bool(form.finish.data)
            done = attempt(lambda: services.save_answers(follow_up, form.answers(), finish=finish), form)
            if done and finish:
                return render_template("outcomes/thanks.html")
            if done:
                flash(_("Your answers are saved. You can come back with the same link."), "success")
                return redirect(url_for("outcomes.answer", token=token))
        return render_template(
            "outcomes/answer.html",
            form=form,
            follow_up=follow_up,
            kind_label=KIND_LABELS[follow_up.kind],
            token=token,
        )


@bp.post("/follow-up/<token>/stop")
def stop(token):
    try:
        follow_up = services.follow_up_from_link(token)
    except LinkError as exc:
        return refused_page(exc)
    with _her_language(follow_up):
        form = StopForm()
        if form.validate_on_submit() and confirmed():
            services.withdraw_contact(follow_up.user_id)
            return render_template(
                "outcomes/stopped.html", consent_link=services.consent_link(follow_up.user_id)
            )
        return redirect(url_for("outcomes.answer", token=token))
