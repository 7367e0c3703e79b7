"""Staff pages: events of their labs, editing and publishing, registrations, the
check-in page at the door, photos and materials."""

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from wcl.accounts.permissions import abort_unless, can, lab_scope, require, require_login
from wcl.events import forms, queries, services
from wcl.events.models import Event, EventMaterial, EventStatus, Registration
from wcl.events.views import bp
from wcl.extensions import db
from wcl.forms import attempt, confirmed, page_arg
from wcl.i18n import current_locale
from wcl.labs.services import all_labs
from wcl.time import to_local

PER_PAGE = 25


def _load(event_id, permission="events.manage"):
    event = db.get_or_404(Event, event_id)
    abort_unless(permission, event)
    return event


def _event_form(event=None):
    data = None
    if event is not None and request.method != "POST":
        data = {c.name: getattr(event, c.name) for c in Event.__table__.columns}
        data["starts_at"] = to_local(event.starts_at).replace(tzinfo=None)
        data["ends_at"] = to_local(event.ends_at).replace(tzinfo=None)
    form = forms.EventForm(data=data) if data else forms.EventForm()
    labs = [lab for lab in all_labs() if can("events.manage", Event(lab_id=lab.id))]
    choices = [(lab.id, lab.name(current_locale())) for lab in labs]
    if can("events.manage", Event(lab_id=None)):
        choices.insert(0, (None, _("No lab: a programme-wide event")))
    form.lab_id.choices = choices
    return form


@bp.route("/manage")
@require("events.manage")
def manage():
    query = lab_scope(db.select(Event), current_user, Event.lab_id)
    if not can("events.manage", Event(lab_id=None)):
        query = query.where(Event.lab_id.is_not(None))
    page = db.paginate(
        query.order_by(Event.starts_at.desc(), Event.id.desc()),
        page=page_arg(),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template("events/manage.html", events=page)


@bp.route("/new", methods=["GET", "POST"])
@require("events.manage")
def create():
    form = _event_form()
    if form.validate_on_submit() and (
        done := attempt(
            lambda: services.create_event(current_user, form.data_for_service()),
            form,
            _("The event is saved as a draft."),
        )
    ):
        return redirect(url_for("events.registrations", event_id=done.value.id))
    return render_template("events/form.html", form=form, event=None), 422 if form.errors else 200


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@require_login
def edit(event_id):
    event = _load(event_id)
    form = _event_form(event)
    if form.validate_on_submit() and attempt(
        lambda: services.update_event(current_user, event.id, form.data_for_service()),
        form,
        _("The event is saved."),
    ):
        return redirect(url_for("events.registrations", event_id=event.id))
    return render_template("events/form.html", form=form, event=event), 422 if form.errors else 200


@bp.route("/<int:event_id>/publish", methods=["POST"])
@require_login
def publish(event_id):
    event = _load(event_id)
    if forms.ActionForm().validate_on_submit():
        attempt(lambda: services.publish_event(current_user, event.id), success=_("The event is published."))
    return redirect(url_for("events.registrations", event_id=event.id))


@bp.route("/<int:event_id>/cancel", methods=["POST"])
@require_login
def cancel(event_id):
    event = _load(event_id)
    if forms.ActionForm().validate_on_submit() and confirmed():
        attempt(
            lambda: services.cancel_event(current_user, event.id),
            success=_("The event is cancelled; everyone registered is told by email."),
        )
    return redirect(url_for("events.registrations", event_id=event.id))


@bp.route("/<int:event_id>/registrations")
@require_login
def registrations(event_id):
    event = _load(event_id)
    status = request.args.get("status")
    query = db.select(Registration).where(Registration.event_id == event.id)
    if status in forms.REGISTRATION_LABELS:
        query = query.where(Registration.status == status)
    page = db.paginate(
        query.order_by(Registration.created_at, Registration.id),
        page=page_arg(),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template(
        "events/registrations.html",
        event=event,
        registrations=page,
        counts=queries.status_counts(event.id),
        status=status if status in forms.REGISTRATION_LABELS else None,
        form=forms.ActionForm(),
        material_form=forms.MaterialForm(),
        materials=db.session.scalars(
            db.select(EventMaterial).where(EventMaterial.event_id == event.id).order_by(EventMaterial.id)
        ).all(),
        EventStatus=EventStatus,
    )


@bp.route("/<int:event_id>/materials", methods=["POST"])
@require_login
def add_material(event_id):
    """Photos and materials, shown on the event's page (mostly after it took place)."""
    event = _load(event_id)
    form = forms.MaterialForm()
    if form.validate_on_submit():
        attempt(
            lambda: services.add_material(current_user, event.id, form.file.data, form.caption.data),
            success=_("The file is added to the event's page."),
        )
    return redirect(url_for("events.registrations", event_id=event.id) + "#materials")


@bp.route("/materials/<int:material_id>/remove", methods=["POST"])
@require_login
def remove_material(material_id):
    material = db.get_or_404(EventMaterial, material_id)
    abort_unless("events.manage", material.event)
    event_id = material.event_id
    if forms.ActionForm().validate_on_submit() and confirmed():
        attempt(
            lambda: services.remove_material(current_user, material.id), success=_("The file is removed.")
        )
    return redirect(url_for("events.registrations", event_id=event_id) + "#materials")


@bp.route("/<int:event_id>/checkin", methods=["GET", "POST"])
@require_login
def checkin(event_id):
    """The door: a typed code works without JavaScript; a camera scan fills the same field."""
    event = _load(event_id, "events.checkin")
    form = forms.CheckInForm()
    checked = None
    if form.validate_on_submit():
        done = attempt(lambda: services.check_in(current_user, event.id, form.code.data), form)
        if done:
            checked = done.value
            form = forms.CheckInForm(formdata=None)
    counts = queries.status_counts(event.id)
    status = 422 if form.errors else 200
    return render_template(
        "events/checkin.html", event=event, form=form, checked=checked, counts=counts
    ), status
