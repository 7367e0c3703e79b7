"""Staff pages that set up a call: its texts and dates, its questions and its rubric."""

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from wcl.accounts.permissions import abort_unless, in_lab_scope, require
from wcl.applications import forms, services
from wcl.applications.models import CallQuestion, RubricCriterion
from wcl.applications.views import bp
from wcl.applications.views._common import get_call
from wcl.extensions import db
from wcl.forms import attempt, confirmed, page_arg
from wcl.i18n import current_locale
from wcl.labs.services import all_labs
from wcl.time import BISHKEK, local_to_utc


def _to_utc(naive):
    return local_to_utc(naive, BISHKEK) if naive else None


def _to_local_naive(aware):
    return aware.astimezone(BISHKEK).replace(tzinfo=None) if aware else None


def _lab_choices():
    labs = [lab for lab in all_labs() if in_lab_scope(current_user, lab.id)]
    return [(lab.id, lab.name(current_locale())) for lab in labs]


@bp.route("/staff/calls/")
@require("calls.manage")
def staff_calls():
    page = page_arg()
    pagination = services.calls_for_staff(current_user, page)
    counts = services.application_counts([c.id for c in pagination.items])
    return render_template("applications/staff_calls.html", pages=pagination, counts=counts)


@bp.route("/staff/calls/new", methods=["GET", "POST"])
@require("calls.manage")
def new_call():
    form = forms.CallForm()
    form.lab_id.choices = _lab_choices()
    if form.validate_on_submit() and (
        done := attempt(
            lambda: services.create_call(current_user, form.data_for_service(_to_utc)),
            form,
            _("The call is saved. Now add its questions and scoring criteria."),
        )
    ):
        return redirect(url_for("applications.call_setup", call_id=done.value.id))
    return render_template("applications/call_form.html", form=form, call=None), 422 if form.errors else 200


@bp.route("/staff/calls/<int:call_id>/edit", methods=["GET", "POST"])
@require("calls.manage")
def edit_call(call_id):
    call = get_call(call_id)
    form = forms.CallForm(obj=call)
    form.lab_id.choices = _lab_choices()
    if request.method == "GET":
        form.opens_at.data = _to_local_naive(call.opens_at)
        form.closes_at.data = _to_local_naive(call.closes_at)
    if form.validate_on_submit() and attempt(
        lambda: services.update_call(current_user, call, form.data_for_service(_to_utc)),
        form,
        _("The call is saved."),
    ):
        return redirect(url_for("applications.call_setup", call_id=call.id))
    return render_template("applications/call_form.html", form=form, call=call), 422 if form.errors else 200


@bp.route("/staff/calls/<int:call_id>/form")
@require("calls.manage")
def call_setup(call_id):
    call = get_call(call_id)
    return render_template(
        "applications/call_setup.html",
        call=call,
        question_form=forms.QuestionForm(),
        criterion_form=forms.CriterionForm(),
        form=forms.ActionForm(),
    )


@bp.route("/staff/calls/<int:call_id>/questions", methods=["POST"])
@require("calls.manage")
def add_question(call_id):
    return _add_item(
        call_id, forms.QuestionForm, services.add_question, _("The question is added."), "question_form"
    )


@bp.route("/staff/questions/<int:question_id>/edit", methods=["GET", "POST"])
@require("calls.manage")
def edit_question(question_id):
    question = _call_item(CallQuestion, question_id)
    form = forms.QuestionForm()
    if request.method == "GET":
        form.fill_from(question)
    return _edit_item(
        question, form, services.update_question, _("The question is saved."), _("Edit the question")
    )


@bp.route("/staff/questions/<int:question_id>/delete", methods=["POST"])
@require("calls.manage")
def delete_question(question_id):
    return _delete_item(CallQuestion, question_id, services.delete_question, _("The question is deleted."))


@bp.route("/staff/questions/<int:question_id>/move/<direction>", methods=["POST"])
@require("calls.manage")
def move_question(question_id, direction):
    question = _call_item(CallQuestion, question_id)
    if direction not in ("up", "down"):
        abort(404)
    if forms.ActionForm().validate_on_submit():
        services.move_question(current_user, question, -1 if direction == "up" else 1)
    return redirect(url_for("applications.call_setup", call_id=question.call_id))


@bp.route("/staff/calls/<int:call_id>/criteria", methods=["POST"])
@require("calls.manage")
def add_criterion(call_id):
    return _add_item(
        call_id, forms.CriterionForm, services.add_criterion, _("The criterion is added."), "criterion_form"
    )


@bp.route("/staff/criteria/<int:criterion_id>/edit", methods=["GET", "POST"])
@require("calls.manage")
def edit_criterion(criterion_id):
    criterion = _call_item(RubricCriterion, criterion_id)
    form = forms.CriterionForm(obj=criterion)
    return _edit_item(
        criterion, form, services.update_criterion, _("The criterion is saved."), _("Edit the criterion")
    )


@bp.route("/staff/criteria/<int:criterion_id>/delete", methods=["POST"])
@require("calls.manage")
def delete_criterion(criterion_id):
    return _delete_item(
        RubricCriterion, criterion_id, services.delete_criterion, _("The criterion is deleted.")
    )


def _call_item(model, item_id):
    """A question or criterion, or 404; 403 unless the current user manages its call."""
    item = db.get_or_404(model, item_id)
    abort_unless("calls.manage", item.call)
    return item


def _delete_item(model, item_id, delete, done):
    """POST: delete a question or criterion through ``delete`` and go back to the call's setup."""
    item = _call_item(model, item_id)
    call_id = item.call_id
    if forms.ActionForm().validate_on_submit() and confirmed():
        attempt(lambda: delete(current_user, item), success=done)
    return redirect(url_for("applications.call_setup", call_id=call_id))


def _add_item(call_id, form_class, add, done, form_name):
    """POST: add a question or criterion through ``add``; on a refusal the setup page
    again, with this form (``form_name``) showing its errors."""
    call = get_call(call_id)
    form = form_class()
    if form.validate_on_submit() and attempt(lambda: add(current_user, call, form.data), form, done):
        return redirect(url_for("applications.call_setup", call_id=call.id))
    setup_forms = {
        "question_form": forms.QuestionForm(formdata=None),
        "criterion_form": forms.CriterionForm(formdata=None),
        form_name: form,
    }
    return render_template(
        "applications/call_setup.html", call=call, form=forms.ActionForm(), **setup_forms
    ), 422


def _edit_item(item, form, update, done, heading):
    """GET/POST: the edit page of a question or criterion; saved through ``update``."""
    if form.validate_on_submit() and attempt(lambda: update(current_user, item, form.data), form, done):
        return redirect(url_for("applications.call_setup", call_id=item.call_id))
    return render_template(
        "applications/item_form.html", form=form, call=item.call, heading=heading
    ), 422 if form.errors else 200
