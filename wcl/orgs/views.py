"""Organisation pages for staff, and the public community directory.

Views are thin: each change goes through one service; permissions are checked
here (403) and again in the services.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from wcl.accounts.permissions import abort_unless, can, require, require_login
from wcl.files.services import send_stored
from wcl.forms import attempt, confirmed, page_arg
from wcl.i18n import current_locale
from wcl.labs.services import all_labs
from wcl.orgs import forms, services
from wcl.orgs.models import DirectoryEntry, Organisation, OrgMembership, Partnership, PartnershipDocument

bp = Blueprint("orgs", __name__)


@bp.context_processor
def _labels():
    return {
        "kind_labels": forms.KIND_LABELS,
        "role_labels": forms.ROLE_LABELS,
        "partnership_labels": forms.PARTNERSHIP_LABELS,
    }


def _status(form):
    return 422 if form.errors else 200


# --- organisations (staff) ------------------------------------------------------------


@bp.route("/organisations/")
@require("orgs.manage")
def organisations():
    kind = request.args.get("kind")
    query = request.args.get("q", "")
    return render_template(
        "orgs/index.html",
        organisations=services.organisations_page(page_arg(), query, kind),
        query=query,
        kind=kind,
    )


@bp.route("/organisations/new", methods=["GET", "POST"])
@require("orgs.manage")
def create_organisation():
    form = forms.OrganisationForm()
    if form.validate_on_submit() and (
        done := attempt(
            lambda: services.create_organisation(current_user, form.data_for_service(), form.logo.data),
            form,
            _("The organisation is saved."),
        )
    ):
        return redirect(url_for("orgs.organisation", org_id=done.value.id))
    return render_template("orgs/form.html", form=form, org=None), _status(form)


@bp.route("/organisations/<int:org_id>")
@require("orgs.manage")
def organisation(org_id):
    org = services.get_or_404(Organisation, org_id)
    abort_unless("orgs.manage", org)
    partnerships = [p for p in org.partnerships if can("orgs.manage", p)]
    return render_template(
        "orgs/organisation.html",
        org=org,
        partnerships=partnerships,
        member_form=forms.MemberForm(),
        entry=services.organisation_entry(org),
        confirm=forms.ConfirmForm(),
    )


@bp.route("/organisations/<int:org_id>/edit", methods=["GET", "POST"])
@require("orgs.manage")
def edit_organisation(org_id):
    org = services.get_or_404(Organisation, org_id)
    abort_unless("orgs.manage", org)
    form = forms.OrganisationForm(obj=org)
    if form.validate_on_submit() and attempt(
        lambda: services.update_organisation(current_user, org, form.data_for_service(), form.logo.data),
        form,
        _("The organisation is saved."),
    ):
        return redirect(url_for("orgs.organisation", org_id=org.id))
    return render_template("orgs/form.html", form=form, org=org), _status(form)


@bp.route("/organisations/<int:org_id>/delete", methods=["POST"])
@require("orgs.manage")
def delete_organisation(org_id):
    org = services.get_or_404(Organisation, org_id)
    abort_unless("orgs.manage", org)
    if confirmed() and attempt(
        lambda: services.delete_organisation(current_user, org), success=_("The organisation is deleted.")
    ):
        return redirect(url_for("orgs.organisations"))
    return redirect(url_for("orgs.organisation", org_id=org_id))


@bp.route("/organisations/<int:org_id>/logo")
def logo(org_id):
    """Logos are public: an organisation's logo is shown beside its directory entry."""
    org = services.get_or_404(Organisation, org_id)
    if org.logo is None:
        abort(404)
    return send_stored(org.logo, as_attachment=False)


@bp.route("/organisations/<int:org_id>/members", methods=["POST"])
@require("orgs.manage")
def add_member(org_id):
    org = services.get_or_404(Organisation, org_id)
    abort_unless("orgs.manage", org)
    form = forms.MemberForm()
    if form.validate_on_submit():
        attempt(
            lambda: services.add_member(current_user, org, form.email.data, form.role.data, form.title.data),
            success=_("The person is added to the organisation."),
        )
    else:
        flash(_("Enter the email of her account."), "error")
    return redirect(url_for("orgs.organisation", org_id=org.id))


@bp.route("/organisations/members/<int:membership_id>/remove", methods=["POST"])
@require("orgs.manage")
def remove_member(membership_id):
    membership = services.get_or_404(OrgMembership, membership_id)
    abort_unless("orgs.manage", membership.organisation)
    org_id = membership.organisation_id
    if forms.ConfirmForm().validate_on_submit():
        attempt(lambda: services.remove_member(current_user, membership), success=_("The person is removed."))
    return redirect(url_for("orgs.organisation", org_id=org_id))


# --- partnerships (staff, lab-scoped) -----------------------------------------------------


def _partnership_form(obj=None):
    form = forms.PartnershipForm(obj=obj)
    labs = [lab for lab in all_labs() if can("orgs.manage", Partnership(lab_id=lab.id))]
    programme = [(None, _("The whole programme"))] if can("orgs.manage", Partnership(lab_id=None)) else []
    form.lab_id.choices = programme + [(lab.id, lab.name(current_locale())) for lab in labs]
    return form


@bp.route("/organisations/partnerships")
@require("orgs.manage")
def partnerships():
    kind = request.args.get("kind")
    return render_template(
        "orgs/partnerships.html",
        partnerships=services.partnerships_page(current_user, page_arg(), kind),
        kind=kind,
    )


@bp.route("/organisations/<int:org_id>/partnerships/new", methods=["GET", "POST"])
@require("orgs.manage")
def create_partnership(org_id):
    org = services.get_or_404(Organisation, org_id)
    abort_unless("orgs.manage", org)
    form = _partnership_form()
    if form.validate_on_submit() and (
        done := attempt(
            lambda: services.save_partnership(current_user, org, form.data_for_service()),
            form,
            _("The partnership is saved."),
        )
    ):
        return redirect(url_for("orgs.partnership", partnership_id=done.value.id))
    return render_template("orgs/partnership_form.html", form=form, org=org, partnership=None), _status(form)


@bp.route("/organisations/partnerships/<int:partnership_id>", methods=["GET", "POST"])
@require("orgs.manage")
def partnership(partnership_id):
    """A partnership: its form (to change it) and its documents."""
    partnership = services.get_or_404(Partnership, partnership_id)
    abort_unless("orgs.manage", partnership)
    form = _partnership_form(partnership)
    if form.validate_on_submit() and attempt(
        lambda: services.save_partnership(
            current_user, partnership.organisation, form.data_for_service(), partnership
        ),
        form,
        _("The partnership is saved."),
    ):
        return redirect(url_for("orgs.partnership", partnership_id=partnership.id))
    return render_template(
        "orgs/partnership_form.html",
        form=form,
        org=partnership.organisation,
        partnership=partnership,
        document_form=forms.DocumentForm(),
    ), _status(form)


@bp.route("/organisations/partnerships/<int:partnership_id>/documents", methods=["POST"])
@require("orgs.manage")
def add_document(partnership_id):
    partnership = services.get_or_404(Partnership, partnership_id)
    abort_unless("orgs.manage", partnership)
    form = forms.DocumentForm()
    if form.validate_on_submit() and attempt(
        lambda: services.add_document(current_user, partnership, form.title.data, form.upload.data),
        form,
        _("The document is attached."),
    ):
        return redirect(url_for("orgs.partnership", partnership_id=partnership.id))
    return render_template(
        "orgs/partnership_form.html",
        form=_partnership_form(partnership),
        org=partnership.organisation,
        partnership=partnership,
        document_form=form,
    ), 422


@bp.route("/organisations/partnerships/<int:partnership_id>/delete", methods=["POST"])
@require("orgs.manage")
def delete_partnership(partnership_id):
    partnership = services.get_or_404(Partnership, partnership_id)
    abort_unless("orgs.manage", partnership)
    org_id = partnership.organisation_id
    if confirmed() and attempt(
        lambda: services.delete_partnership(current_user, partnership),
        success=_("The partnership is deleted."),
    ):
        return redirect(url_for("orgs.organisation", org_id=org_id))
    return redirect(url_for("orgs.partnership", partnership_id=partnership_id))


@bp.route("/organisations/documents/<int:document_id>")
@require("orgs.manage")
def document(document_id):
    document = services.get_or_404(PartnershipDocument, document_id)
    abort_unless("orgs.manage", document)
    if document.file is None:
        abort(404)
    return send_stored(document.file)


# --- the community directory (public) --------------------------------------------------


@bp.route("/community/")
def directory():
    form = forms.DirectoryFilterForm(request.args)
    return render_template(
        "orgs/directory.html",
        form=form,
        entries=services.directory_page(
            page_arg(), form.creative_domain.data or None, form.region.data or None, form.q.data
        ),
        filters={k: v for k, v in request.args.items() if k in ("q", "creative_domain", "region") and v},
        own=services.own_entry(current_user) if current_user.is_authenticated else None,
    )


@bp.route("/community/join", methods=["GET", "POST"])
@require_login
def join():
    entry = services.own_entry(current_user)
    form = (
        forms.DirectoryForm(obj=entry)
        if entry
        else forms.DirectoryForm(
            display_name=current_user.display_name or next(iter((current_user.full_name or "").split()), "")
        )
    )
    if form.validate_on_submit() and attempt(
        lambda: services.join_community(current_user, form.data_for_service()),
        form,
        _("You are in the community directory."),
    ):
        return redirect(url_for("orgs.directory"))
    return render_template("orgs/join.html", form=form, entry=entry, org=None), _status(form)


@bp.route("/community/organisations/<int:org_id>/join", methods=["GET", "POST"])
@require_login
def join_as_organisation(org_id):
    org = services.get_or_404(Organisation, org_id)
    abort_unless("orgs.represent", org)
    entry = services.organisation_entry(org)
    form = (
        forms.DirectoryForm(obj=entry)
        if entry
        else forms.DirectoryForm(display_name=org.name(current_locale()), region=org.region)
    )
    if form.validate_on_submit() and attempt(
        lambda: services.join_as_organisation(current_user, org, form.data_for_service()),
        form,
        _("The organisation is in the community directory."),
    ):
        return redirect(url_for("orgs.directory"))
    return render_template("orgs/join.html", form=form, entry=entry, org=org), _status(form)


@bp.route("/community/entries/<int:entry_id>/leave", methods=["POST"])
@require_login
def leave(entry_id):
    entry = services.get_or_404(DirectoryEntry, entry_id)
    if confirmed():
        attempt(
            lambda: services.leave_community(current_user, entry),
            success=_("The entry is removed from the directory."),
        )
    return redirect(url_for("orgs.directory"))
