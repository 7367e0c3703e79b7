"""Knowledge bank pages: the public search and resource pages; staff and mentors add,
suggest and publish resources and session materials. Views are thin."""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from wcl.accounts.permissions import can, require
from wcl.cohorts.models import SessionMaterial
from wcl.extensions import db
from wcl.files.services import send_stored
from wcl.forms import attempt, page_arg
from wcl.knowledge import forms, services

bp = Blueprint("knowledge", __name__, url_prefix="/knowledge")


@bp.context_processor
def _labels():
    return {
        "kind_labels": forms.KIND_LABELS,
        "skill_labels": forms.SKILL_LABELS,
        "visibility_labels": forms.VISIBILITY_LABELS,
        "language_labels": forms.LANGUAGE_LABELS,
    }


def _status(form):
    return 422 if form.errors else 200


@bp.route("/")
def index():
    """Search the bank: words in any of the three languages, and filters."""
    form = forms.SearchForm(request.args)
    filters = {
        k: v
        for k, v in request.args.items()
        if k in ("q", "creative_domain", "skill", "language", "kind") and v
    }
    results = services.search_resources(
        current_user,
        query=form.q.data,
        creative_domain=form.creative_domain.data or None,
        skill=form.skill.data or None,
        language=form.language.data or None,
        kind=form.kind.data or None,
        page=page_arg(),
    )
    return render_template("knowledge/index.html", form=form, results=results, filters=filters)


@bp.route("/<int:resource_id>")
def resource(resource_id):
    item = services.visible_resource_or_404(current_user, resource_id)
    if item.is_published:
        services.count_view(item.id)
        db.session.refresh(item)
    return render_template("knowledge/resource.html", resource=item, publish_form=forms.ConfirmForm())


@bp.route("/<int:resource_id>/file")
def download(resource_id):
    item = services.visible_resource_or_404(current_user, resource_id)
    if item.file is None:
        abort(404)
    stored = item.file
    if item.is_published:
        services.count_download(item.id)
    return send_stored(stored, as_attachment=True)


@bp.route("/new", methods=["GET", "POST"])
@require("knowledge.suggest")
def create():
    form = forms.ResourceForm()
    if request.method == "GET":
        form.languages.data = [str(getattr(current_user, "locale", None) or "ru")]
    if form.validate_on_submit() and (
        done := attempt(
            lambda: services.create_resource(current_user, form.data_for_service(), form.upload.data),
            form,
            _("The resource is published.")
            if can("knowledge.manage")
            else _("Thank you: staff will look at your suggestion."),
        )
    ):
        return redirect(url_for("knowledge.resource", resource_id=done.value.id))
    return render_template("knowledge/form.html", form=form, resource=None), _status(form)


@bp.route("/<int:resource_id>/edit", methods=["GET", "POST"])
@require("knowledge.suggest")
def edit(resource_id):
    item = services.visible_resource_or_404(current_user, resource_id)
    if not (can("knowledge.manage") or (not item.is_published and item.created_by_id == current_user.id)):
        abort(403)
    form = forms.ResourceForm(obj=item)
    if request.method == "GET":
        form.languages.data = list(item.language_codes)
    if form.validate_on_submit() and attempt(
        lambda: services.update_resource(current_user, item, form.data_for_service(), form.upload.data),
        form,
        _("The resource is saved."),
    ):
        return redirect(url_for("knowledge.resource", resource_id=item.id))
    return render_template("knowledge/form.html", form=form, resource=item), _status(form)


@bp.route("/<int:resource_id>/publish", methods=["POST"])
@require("knowledge.manage")
def publish(resource_id):
    item = services.visible_resource_or_404(current_user, resource_id)
    if forms.ConfirmForm().validate_on_submit():
        attempt(
            lambda: services.publish_resource(current_user, item), success=_("The resource is published.")
        )
    return redirect(url_for("knowledge.resource", resource_id=item.id))


@bp.route("/suggestions")
@require("knowledge.manage")
def suggestions():
    return render_template("knowledge/suggestions.html", suggestions=services.suggestions_page(page_arg()))


@bp.route("/materials")
@require("knowledge.manage")
def materials():
    """Session materials of the staff member's cohorts, to publish to the bank."""
    page = page_arg()
    return render_template(
        "knowledge/materials.html",
        rows=services.publishable_materials(current_user, page),
        page=page,
        form=forms.MaterialForm(),
    )


@bp.route("/materials/<int:material_id>/publish", methods=["POST"])
@require("knowledge.suggest")
def publish_material(material_id):
    material = db.get_or_404(SessionMaterial, material_id)
    form = forms.MaterialForm()
    if form.validate_on_submit() and (
        done := attempt(
            lambda: services.publish_material(
                current_user, material, form.language.data, form.visibility.data
            ),
            success=_("The material is in the knowledge bank."),
        )
    ):
        return redirect(url_for("knowledge.resource", resource_id=done.value.id))
    return redirect(url_for("knowledge.materials"))
