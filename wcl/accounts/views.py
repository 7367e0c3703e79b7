"""Account pages: register, verify, sign in/out, reset, profile, demographics, admin."""

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from wcl.accounts import forms, services, sessions
from wcl.accounts.models import User
from wcl.accounts.permissions import Role, require, require_login
from wcl.audit.services import entries_for
from wcl.core.landing import landing_url
from wcl.extensions import db, limiter
from wcl.forms import apply_error, attempt, confirmed, page_arg, safe_next
from wcl.i18n import remember_language

bp = Blueprint("accounts", __name__, url_prefix="/account")
admin_bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_app_request
def _load_session_first():
    # The session loader may write (last seen, an ended session): load it before
    # any view changes anything, so its commit carries only its own change.
    current_user._get_current_object()


def _sign_in(user, remember=False):
    """Start the browser's session afresh (nothing set before sign-in is kept)
    with the new server-side session the service opened for ``user``; returns where
    she goes next: the page she asked for, else her own work."""
    next_url = safe_next(landing_url(user))
    session.clear()
    # Flask-WTF keeps this request's CSRF token in g; it belonged to the session
    # just cleared, so a form rendered after sign-in must get a new one.
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    login_user(user, remember=remember)
    return next_url


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_account_limit():
    return current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"]


def _register_limit():
    return current_app.config["REGISTER_RATE_LIMIT"]


def _register_address_limit():
    return current_app.config["REGISTER_ADDRESS_RATE_LIMIT"]


def _posted_email():
    # Limits per account or address, whichever IP the attempts come from.
    return "email:" + services.normalise_email(request.form.get("email"))[:254]


def _failed(response):
    return response.status_code != 302


def _reset_limit():
    return current_app.config["RESET_RATE_LIMIT"]


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"])
@limiter.limit(_register_address_limit, methods=["POST"], key_func=_posted_email)
def register():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.profile"))
    form = forms.RegisterForm()
    if form.validate_on_submit():
        try:
            services.register_user(
                form.email.data, form.password.data, form.full_name.data, _request_locale()
            )
        except services.AccountError as exc:
            apply_error(form, exc)
        else:
            # The same answer whether the address was new or already had an account.
            flash(
                _("Thank you! We sent an email to this address: open the link in it to continue."),
                "success",
            )
            return redirect(url_for("accounts.login"))
    return render_template("accounts/register.html", form=form), 200 if not form.errors else 422


def _request_locale():
    from flask_babel import get_locale

    return str(get_locale() or "") or None


@bp.route("/verify/<token>")
def verify_email(token):
    try:
        user = services.verify_email(token)
    except services.AccountError as exc:
        flash(str(exc.message), "error")
        return render_template("accounts/verify_failed.html"), 400
    if user is not None and not current_user.is_authenticated:
        _sign_in(user)  # registering signs nobody in: the first use of this link does
    flash(_("Thank you, your email address is confirmed."), "success")
    return redirect(url_for("core.index"))


@bp.route("/verify/resend", methods=["POST"])
@require_login
def resend_verification():
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        services.resend_verification(current_user)
        flash(_("We sent you a new link. Please check your email."), "success")
    return redirect(url_for("accounts.profile"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_account_limit, methods=["POST"], key_func=_posted_email, deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(landing_url(current_user)))
    form = forms.LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data, remember=form.remember.data)
        if user is not None:
            return redirect(_sign_in(user, remember=form.remember.data))
        flash(_("The email or password is not correct."), "error")
    return render_template("accounts/login.html", form=form), 200 if request.method == "GET" else 422


@bp.route("/logout", methods=["POST"])
def logout():
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        sessions.end_session(getattr(current_user, "session_token", None))
        logout_user()
        flash(_("You are signed out."), "success")
    return redirect(url_for("core.index"))


@bp.route("/sessions/end-all", methods=["POST"])
@require_login
def end_all_sessions():
    """Sign out everywhere: every browser and device, this one included."""
    if forms.ConfirmForm().validate_on_submit():
        sessions.end_all_sessions(current_user)
        logout_user()
        flash(_("You are signed out on every device."), "success")
        return redirect(url_for("accounts.login"))
    return redirect(url_for("accounts.profile"))


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def forgot_password():
    form = forms.ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash(
            _("If an account exists for this address, we have sent it a link to set a new password."),
            "success",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def reset_password(token):
    try:
        services.user_for_reset_token(token)
    except services.AccountError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("accounts.forgot_password"))
    form = forms.ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.reset_password(token, form.password.data)
        except services.AccountError as exc:
            apply_error(form, exc)
        else:
            _sign_in(user)
            flash(_("Your new password is saved."), "success")
            return redirect(url_for("core.index"))
    return render_template("accounts/reset.html", form=form)


@bp.route("/", methods=["GET", "POST"])
@require_login
def profile():
    form = forms.ProfileForm(obj=current_user)
    if form.validate_on_submit():
        services.update_profile(
            current_user, form.full_name.data, form.display_name.data, form.phone.data, form.locale.data
        )
        flash(_("Your profile is saved."), "success")
        # The switcher's cookie would otherwise hide the language she just saved.
        return remember_language(redirect(url_for("accounts.profile")), form.locale.data)
    return render_template("accounts/profile.html", form=form, confirm=forms.ConfirmForm())


@bp.route("/password", methods=["GET", "POST"])
@require_login
def change_password():
    form = forms.ChangePasswordForm()
    if form.validate_on_submit() and attempt(
        lambda: services.change_password(current_user, form.current_password.data, form.password.data),
        form,
        _("Your new password is saved."),
    ):
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/password.html", form=form)


@bp.route("/about-me", methods=["GET", "POST"])
@require_login
def demographics():
    form = forms.DemographicsForm(obj=current_user.demographics)
    if form.validate_on_submit():
        services.save_demographics(current_user, form.answers())
        flash(_("Thank you. Your answers are saved."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template(
        "accounts/demographics.html",
        form=form,
        has_answers=current_user.demographics is not None,
        confirm=forms.ConfirmForm(),
        questions=forms.WG_QUESTIONS,
    )


@bp.route("/about-me/delete", methods=["POST"])
@require_login
def withdraw_demographics():
    if forms.ConfirmForm().validate_on_submit() and confirmed():
        services.withdraw_demographics(current_user)
        flash(_("Your answers are deleted."), "success")
    return redirect(url_for("accounts.profile"))


@bp.route("/delete", methods=["GET", "POST"])
@require_login
def request_deletion():
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        services.request_deletion(current_user)
        flash(_("We received your request. Staff will delete your account and tell you by email."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/delete.html", form=form)


@admin_bp.route("/users")
@require("admin.users")
def users():
    page = page_arg()
    query = request.args.get("q", "", type=str)[:100]
    return render_template(
        "accounts/admin/users.html",
        pagination=services.list_users(page, query=query),
        q=query,
        role_labels=forms.ROLE_LABELS,
    )


@admin_bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@require("admin.users")
def user_detail(user_id):
    user = db.get_or_404(User, user_id)
    form = forms.GrantRoleForm(roles=sorted(user.role_names))
    if form.validate_on_submit():
        wanted = set(form.roles.data or [])
        try:
            for role in sorted(wanted - user.role_names):
                services.grant_role(current_user, user, role)
            for role in sorted(user.role_names - wanted):
                services.revoke_role(current_user, user, role)
        except services.AccountError as exc:
            flash(str(exc.message), "error")
        else:
            flash(_("Roles saved."), "success")
        return redirect(url_for("admin.user_detail", user_id=user.id))
    return render_template(
        "accounts/admin/user_detail.html",
        user=user,
        form=form,
        audit=entries_for(user),
        role_labels=forms.ROLE_LABELS,
        roles=list(Role),
    )
