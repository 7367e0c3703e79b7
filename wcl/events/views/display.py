"""Public event pages: the list, an event with its registration form, tickets."""

from flask import abort, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from wcl.accounts.permissions import can, require_login
from wcl.events import forms, queries, services
from wcl.events.models import Event, EventMaterial, EventStatus, RegistrationStatus
from wcl.events.views import bp
from wcl.extensions import db, limiter
from wcl.files.services import send_stored
from wcl.forms import attempt, confirmed, page_arg, safe_next
from wcl.i18n import current_locale

PER_PAGE = 12
REGISTER_RATE_LIMIT = "10 per minute;60 per hour"


def _visible(event):
    """A draft is seen only by the staff who may manage it."""
    return event.status != EventStatus.DRAFT or can("events.manage", event)


@bp.route("/")
def index():
    past = request.args.get("when") == "past"
    page = db.paginate(queries.public_events(past=past), page=page_arg(), per_page=PER_PAGE, error_out=False)
    return render_template("events/index.html", events=page, past=past)


@bp.route("/<slug>", methods=["GET", "POST"])
@limiter.limit(REGISTER_RATE_LIMIT, methods=["POST"])
def show(slug):
    event = db.first_or_404(db.select(Event).where(Event.slug == slug))
    if not _visible(event):
        abort(404)
    form = forms.RegistrationForm()
    registration = None
    if form.validate_on_submit():
        done = attempt(
            lambda: services.register(
                current_user,
                event.id,
                name=form.name.data,
                email=form.email.data,
                locale=current_locale(),
                gender=form.gender.data,
                birth_year=form.birth_year.data,
                consent=form.consent.data,
            ),
            form,
        )
        if done:
            return redirect(services.ticket_link(done.value))
    if current_user.is_authenticated:
        registration = queries.active_registration(event.id, current_user.email)
    materials = db.session.scalars(
        db.select(EventMaterial).where(EventMaterial.event_id == event.id).order_by(EventMaterial.id)
    ).all()
    counts = queries.status_counts(event.id)
    taken = counts["registered"] + counts["checked_in"]
    return render_template(
        "events/show.html",
        event=event,
        form=form,
        registration=registration,
        materials=materials,
        places_left=None if event.capacity is None else max(event.capacity - taken, 0),
    ), 422 if form.errors else 200


def _ticket_page(registration, token=None):
    # The ticket link is a key to the ticket: never kept by a shared cache.
    return _no_store(
        render_template(
            "events/ticket.html",
            registration=registration,
            event=registration.event,
            qr=services.qr_svg(registration)
            if registration.status == RegistrationStatus.REGISTERED
            else None,
            token=token,
            form=forms.ActionForm(),
        )
    )


def _no_store(body):
    response = make_response(body)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/tickets/<token>")
def ticket(token):
    """A ticket by its signed link (works without an account)."""
    registration = services.registration_from_link(token)
    if registration is None:
        abort(404)
    return _ticket_page(registration, token)


@bp.route("/tickets/<token>/cancel", methods=["POST"])
def cancel_by_link(token):
    registration = services.registration_from_link(token)
    if registration is None:
        abort(404)
    if forms.ActionForm().validate_on_submit() and confirmed():
        attempt(
            lambda: services.cancel_registration(current_user, registration.id, token=token),
            success=_("Your registration is cancelled."),
        )
    return redirect(url_for("events.ticket", token=token))


@bp.route("/my-tickets")
@require_login
def mine():
    page = db.paginate(
        queries.registrations_of_user(current_user), page=page_arg(), per_page=PER_PAGE, error_out=False
    )
    codes = {r.id: services.qr_svg(r) for r in page.items if r.status == RegistrationStatus.REGISTERED}
    return render_template("events/mine.html", registrations=page, codes=codes, form=forms.ActionForm())


@bp.route("/registrations/<int:registration_id>/cancel", methods=["POST"])
@require_login
def cancel_registration(registration_id):
    """The person's own registration (My tickets), or staff on the registrations list."""
    if forms.ActionForm().validate_on_submit() and confirmed():
        attempt(
            lambda: services.cancel_registration(current_user, registration_id),
            success=_("The registration is cancelled."),
        )
    return redirect(safe_next(url_for("events.mine")))


@bp.route("/materials/<int:material_id>")
def material(material_id):
    material = db.get_or_404(EventMaterial, material_id)
    if not _visible(material.event):
        abort(404)
    return send_stored(material.file)
