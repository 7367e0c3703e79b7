"""Staff pages: response rates, support services (offers, use, breakdown), results."""

from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from wcl.accounts.permissions import abort_unless, can, lab_condition, require
from wcl.cohorts.models import Cohort, Enrolment
from wcl.extensions import db
from wcl.forms import attempt
from wcl.i18n import current_locale
from wcl.labs.models import Lab
from wcl.labs.services import all_labs
from wcl.outcomes import queries, services
from wcl.outcomes.errors import OutcomesError
from wcl.outcomes.labels import CAVEAT, KIND_LABELS, SUPPORT_LABELS
from wcl.outcomes.views import bp
from wcl.time import utcnow


@bp.get("/outcomes/")
@require("outcomes.view")
def index():
    rates = queries.response_rates(lab_condition(current_user, Cohort.lab_id))
    labs = [lab for lab in all_labs() if can("outcomes.support", lab)]
    cohorts = db.session.scalars(
        db.select(Cohort).where(lab_condition(current_user, Cohort.lab_id)).order_by(Cohort.name)
    ).all()
    return render_template(
        "outcomes/index.html",
        rates=rates,
        kind_labels=KIND_LABELS,
        breakdown=services.support_breakdown(current_user),
        caveat=CAVEAT,
        labs=labs,
        cohorts=cohorts,
        mapping_counts=services.responses_by_year(),
        hidden_profiles=queries.staff_hidden_profiles(lab_condition(current_user, Cohort.lab_id)),
    )


@bp.route("/outcomes/labs/<int:lab_id>/support", methods=["GET", "POST"])
@require("outcomes.support")
def lab_support(lab_id):
    lab = db.get_or_404(Lab, lab_id)
    abort_unless("outcomes.support", lab)
    form = FlaskForm()
    if form.validate_on_submit():
        kinds = request.form.getlist("kind")
        if attempt(lambda: services.set_offers(current_user, lab, kinds), form, _("Saved.")):
            return redirect(url_for("outcomes.lab_support", lab_id=lab.id))
    return render_template(
        "outcomes/lab_support.html",
        lab=lab,
        form=form,
        offered=queries.lab_offers(lab.id),
        labels=SUPPORT_LABELS,
    )


@bp.route("/outcomes/cohorts/<int:cohort_id>/support", methods=["GET", "POST"])
@require("outcomes.support")
def cohort_support(cohort_id):
    cohort = db.get_or_404(Cohort, cohort_id)
    abort_unless("outcomes.support", cohort)
    enrolments = db.session.scalars(
        db.select(Enrolment).where(Enrolment.cohort_id == cohort.id).order_by(Enrolment.id)
    ).all()
    form = FlaskForm()
    if form.validate_on_submit():
        uses = {e.id: set(request.form.getlist(f"use-{e.id}")) for e in enrolments}
        if attempt(lambda: services.set_uses(current_user, cohort, uses), form, _("Saved.")):
            return redirect(url_for("outcomes.cohort_support", cohort_id=cohort.id))
    return render_template(
        "outcomes/cohort_support.html",
        cohort=cohort,
        form=form,
        enrolments=enrolments,
        uses=queries.cohort_uses(cohort.id),
        offered=queries.lab_offers(cohort.lab_id),
        labels=SUPPORT_LABELS,
    )


def _period():
    try:
        return services.parse_period(request.args.get("period") or str(utcnow().year))
    except OutcomesError as exc:
        abort(Response(render_template("outcomes/error.html", message=str(exc.message)), status=400))


@bp.get("/outcomes/results")
@require("outcomes.view")
def results():
    period = _period()
    labs = [lab for lab in all_labs() if can("outcomes.support", lab)]
    table = services.results_table(period, labs, current_locale())
    return render_template("outcomes/results.html", table=table, period=period)


@bp.get("/outcomes/results.csv")
@require("outcomes.view")
def results_csv():
    period = _period()
    labs = [lab for lab in all_labs() if can("outcomes.support", lab)]
    data = {
        "year": period.code,
        "table": services.results_table(period, labs, current_locale()),
        "quarters": [],
    }
    response = Response(services.open_year_csv(data), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="results-{period.code}.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
