"""Her consent to follow-up contact: give it again after withdrawing it, or withdraw it.

Opened signed in, or from the signed link shown when she stopped the questions (no
sign-in). Each change is recorded with its time and in the audit log.
"""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from wcl.accounts.permissions import require_login
from wcl.outcomes import services
from wcl.outcomes.errors import LinkError
from wcl.outcomes.forms import ConsentForm
from wcl.outcomes.views import bp
from wcl.outcomes.views.answer import refused_page


def _consent_page(user_id, here):
    form = ConsentForm()
    if form.validate_on_submit():
        if form.grant.data:
            if not form.agree.data:
                form.agree.errors = [_("Tick the box to give your consent.")]
            else:
                services.grant_contact(user_id)
                flash(_("Thank you: you will receive the follow-up questions again."), "success")
                return redirect(here)
        elif form.withdraw.data:
            services.withdraw_contact(user_id)
            flash(_("You will receive no more follow-up questions."), "success")
            return redirect(here)
    state = services.contact_state(user_id)
    return render_template("outcomes/consent.html", form=form, state=state), 422 if form.errors else 200


@bp.route("/follow-up-consent", methods=["GET", "POST"])
@require_login
def consent():
    return _consent_page(current_user.id, url_for("outcomes.consent"))


@bp.route("/follow-up-consent/<token>", methods=["GET", "POST"])
def consent_from_link(token):
    try:
        user = services.user_from_consent_link(token)
    except LinkError as exc:
        return refused_page(exc)
    return _consent_page(user.id, url_for("outcomes.consent_from_link", token=token))
