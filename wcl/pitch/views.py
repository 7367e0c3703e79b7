"""Pitch-day pages: staff run the day, jurors score on their phones, the public sees
published results, anyone verifies a certificate. Views are thin."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from wcl.accounts.models import User
from wcl.accounts.permissions import abort_unless, lab_scope, require, require_login
from wcl.applications.models import Application, Call
from wcl.events.models import Event
from wcl.extensions import db
from wcl.forms import act_then_redirect, attempt
from wcl.pitch import forms, services
from wcl.pitch.errors import PitchError
from wcl.pitch.models import PitchDay, PitchFinalist
from wcl.time import local_to_utc, to_local

bp = Blueprint("pitch", __name__, url_prefix="/pitch")


def _day_or_404(day_id):
    return db.get_or_404(PitchDay, day_id)


def _get_day(day_id, permission="pitch.manage"):
    """The pitch day, or 404; 403 unless the current user holds ``permission`` on it."""
    day = _day_or_404(day_id)
    abort_unless(permission, day)
    return day


def _finalist_of(day, finalist_id):
    finalist = db.session.get(PitchFinalist, finalist_id) if finalist_id else None
    if finalist is None or finalist.pitch_day_id != day.id:
        abort(404)
    return finalist


@bp.route("/")
@require("pitch.manage")
def index():
    days = db.session.scalars(
        lab_scope(
            db.select(PitchDay).join(Call, Call.id == PitchDay.call_id), current_user, Call.lab_id
        ).order_by(PitchDay.id.desc())
    ).all()
    form = forms.PitchDayForm()
    locale = str(get_locale())
    calls = db.session.scalars(
        lab_scope(db.select(Call), current_user, Call.lab_id).order_by(Call.id.desc())
    ).all()
    form.call_id.choices = [(c.id, c.title(locale)) for c in calls]
    form.event_id.choices = [
        (e.id, e.title(locale)) for e in db.session.scalars(db.select(Event).order_by(Event.starts_at.desc()))
    ]
    return render_template("pitch/index.html", days=days, form=form)


@bp.route("/new", methods=["POST"])
@require("pitch.manage")
def create():
    form = forms.PitchDayForm()
    call = db.session.get(Call, request.form.get("call_id", type=int) or 0)
    event = db.session.get(Event, request.form.get("event_id", type=int) or 0)
    if call is None:
        abort(404)
    abort_unless("pitch.manage", PitchDay(call=call))
    if form.is_submitted() and (
        done := attempt(lambda: services.create_pitch_day(current_user, call, event), success=_("Saved."))
    ):
        return redirect(url_for("pitch.manage", day_id=done.value.id))
    return redirect(url_for("pitch.index"))


@bp.route("/<int:day_id>")
@require("pitch.manage")
def manage(day_id):
    day = _get_day(day_id)
    finalist_form = forms.FinalistForm()
    finalist_form.application_id.choices = [
        (a.id, a.applicant.public_name) for a in services.eligible_applications(day)
    ]
    rows = services.results(day)
    return render_template(
        "pitch/manage.html",
        day=day,
        rows=rows,
        missing=sum(r.missing for r in rows),
        finalist_form=finalist_form,
        juror_form=forms.JurorForm(),
        slot_form=forms.SlotForm(),
        award_form=forms.AwardForm(),
        publish_form=forms.PublishForm(),
        name=services.finalist_name,
        slot_values={
            f.id: to_local(f.slot_at).replace(tzinfo=None).isoformat(timespec="minutes")
            for f in day.finalists
            if f.slot_at
        },
    )


@bp.route("/<int:day_id>/finalists", methods=["POST"])
@require("pitch.manage")
def add_finalist(day_id):
    day = _get_day(day_id)
    return act_then_redirect(
        forms.ConfirmForm(),
        lambda: services.add_finalist(
            current_user, day, db.session.get(Application, request.form.get("application_id", type=int) or 0)
        ),
        _("Saved."),
        url_for("pitch.manage", day_id=day.id),
    )


@bp.route("/<int:day_id>/slots", methods=["POST"])
@require("pitch.manage")
def schedule(day_id):
    day = _get_day(day_id)
    form = forms.SlotForm()
    if form.validate_on_submit():
        finalist = _finalist_of(day, form.finalist_id.data)
        slot_at = local_to_utc(form.slot_at.data) if form.slot_at.data else None
        attempt(
            lambda: services.schedule_finalist(current_user, finalist, form.position.data, slot_at),
            success=_("Saved."),
        )
    else:
        for message in (m for errors in form.errors.values() for m in errors):
            flash(str(message), "error")
    return redirect(url_for("pitch.manage", day_id=day.id))


@bp.route("/<int:day_id>/jurors", methods=["POST"])
@require("pitch.manage")
def add_juror(day_id):
    day = _get_day(day_id)
    form = forms.JurorForm()

    def add():
        email = (form.email.data or "").strip().lower()
        person = db.session.scalar(db.select(User).where(db.func.lower(User.email) == email))
        return services.add_juror(current_user, day, person)

    return act_then_redirect(form, add, _("Saved."), url_for("pitch.manage", day_id=day.id))


@bp.route("/<int:day_id>/awards", methods=["POST"])
@require("pitch.manage")
def award(day_id):
    day = _get_day(day_id)
    form = forms.AwardForm()
    return act_then_redirect(
        form,
        lambda: services.set_award(
            current_user,
            _finalist_of(day, form.finalist_id.data),
            form.winner.data,
            form.prize.data,
            form.amount.data,
            "KGS",
        ),
        _("Saved."),
        url_for("pitch.manage", day_id=day.id),
    )


@bp.route("/<int:day_id>/publish", methods=["POST"])
@require("pitch.manage")
def publish(day_id):
    day = _get_day(day_id)
    form = forms.PublishForm()
    if form.validate_on_submit() and attempt(
        lambda: services.publish_results(current_user, day, confirm_missing=bool(form.confirm_missing.data)),
        success=_("The results are published."),
    ):
        return redirect(url_for("pitch.results", day_id=day.id))
    return redirect(url_for("pitch.manage", day_id=day.id))


# --- the jury, on a phone ------------------------------------------------------------


@bp.route("/<int:day_id>/judge")
@require_login
def judge(day_id):
    day = _get_day(day_id, "pitch.judge")
    return render_template(
        "pitch/judge.html",
        day=day,
        conflicts=services.conflicts_of(current_user, day),
        scored={f.id for f in day.finalists if services.my_scores(current_user, f)},
        name=services.finalist_name,
    )


@bp.route("/<int:day_id>/judge/<int:finalist_id>", methods=["GET", "POST"])
@require_login
def score(day_id, finalist_id):
    day = _get_day(day_id, "pitch.judge")
    finalist = _finalist_of(day, finalist_id)
    form = forms.ConfirmForm()
    errors = {}
    values = services.my_scores(current_user, finalist)
    if request.method == "POST" and form.validate_on_submit():
        values = {c.id: request.form.get(f"score-{c.id}", "") for c in day.call.criteria}
        try:
            services.score_finalist(current_user, finalist, values)
        except PitchError as exc:
            flash(str(exc.message), "error")
            errors = {f"score-{k}": v for k, v in (getattr(exc, "errors", None) or {}).items()}
        else:
            flash(_("Scores saved."), "success")
            return redirect(url_for("pitch.judge", day_id=day.id))
    return render_template(
        "pitch/score.html",
        day=day,
        finalist=finalist,
        form=form,
        values=values,
        errors=errors,
        conflict=finalist.id in services.conflicts_of(current_user, day),
        name=services.finalist_name,
    ), (422 if request.method == "POST" else 200)


@bp.route("/<int:day_id>/judge/<int:finalist_id>/conflict", methods=["POST"])
@require_login
def conflict(day_id, finalist_id):
    day = _get_day(day_id, "pitch.judge")
    finalist = _finalist_of(day, finalist_id)
    return act_then_redirect(
        forms.ConfirmForm(),
        lambda: services.declare_conflict(current_user, finalist),
        _("You are excused from scoring this finalist."),
        url_for("pitch.judge", day_id=day.id),
    )


# --- public -------------------------------------------------------------------------


@bp.route("/<int:day_id>/results")
def results(day_id):
    day = _day_or_404(day_id)
    public = services.public_results(day)
    if public is None:
        abort(404)
    return render_template("pitch/results.html", day=day, public=public)


@bp.route("/certificates/<code>")
def certificate(code):
    finalist = services.finalist_by_code(code)
    if finalist is None:
        abort(404)
    return render_template("pitch/certificate.html", finalist=finalist, name=services.finalist_name(finalist))


@bp.route("/certificates/<code>.pdf")
def certificate_pdf(code):
    finalist = services.finalist_by_code(code)
    if finalist is None:
        abort(404)
    locale = request.args.get("lang") if request.args.get("lang") in ("ky", "ru", "en") else str(get_locale())
    data = services.certificate_pdf(finalist, locale)
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="certificate-{code}-{locale}.pdf"'},
    )
