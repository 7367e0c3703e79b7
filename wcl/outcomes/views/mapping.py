"""The annual mapping survey page: anyone may answer, without signing in.

One answer per year from a browser (a signed cookie remembers this year's answer), from
an email address (the service refuses a second one), and a rate limit per address.
"""

from flask import current_app, make_response, render_template, request

from wcl.accounts.tokens import TokenError, make_token, read_token
from wcl.extensions import limiter
from wcl.forms import attempt
from wcl.i18n import current_locale
from wcl.outcomes import services
from wcl.outcomes.forms import MappingForm
from wcl.outcomes.views import bp
from wcl.time import utcnow

RATE_LIMIT = "10 per minute;60 per hour"  # per address: a lab's shared wifi at an event
DEVICE_COOKIE = "wcl_mapping"
DEVICE_PURPOSE = "outcomes-mapping-device"
DEVICE_MAX_AGE = 400 * 24 * 60 * 60


def _limit():
    return current_app.config.get("MAPPING_SURVEY_RATE_LIMIT", RATE_LIMIT)


def _answered_here(year):
    token = request.cookies.get(DEVICE_COOKIE)
    if not token:
        return False
    try:
        payload = read_token(DEVICE_PURPOSE, token, DEVICE_MAX_AGE)
    except TokenError:
        return False
    return isinstance(payload, dict) and payload.get("y") == year


@bp.route("/mapping-survey", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def mapping_survey():
    year = utcnow().year
    if _answered_here(year):
        page = render_template("outcomes/mapping_done.html", year=year, already=True)
        return page, 409 if request.method == "POST" else 200
    form = MappingForm()
    if form.validate_on_submit():
        done = attempt(
            lambda: services.submit_mapping(
                form.answers(), consent=form.consent.data, email=form.email.data, locale=current_locale()
            ),
            form,
        )
        if done:
            response = make_response(render_template("outcomes/mapping_done.html", year=year, already=False))
            response.set_cookie(
                DEVICE_COOKIE,
                make_token(DEVICE_PURPOSE, {"y": year}),
                max_age=DEVICE_MAX_AGE,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure,
            )
            return response
    status = 422 if request.method == "POST" else 200
    return render_template("outcomes/mapping_survey.html", form=form, year=year), status
