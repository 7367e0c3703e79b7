"""The Women's Creative Lab platform: ``create_app`` builds the Flask app."""

import logging
import re
from pathlib import Path

from flask import Flask
from markupsafe import Markup, escape
from werkzeug.middleware.proxy_fix import ProxyFix

import config as wcl_config
from wcl import forms, i18n, queue, schedule
from wcl.core import input as core_input
from wcl.extensions import babel, csrf, db, limiter, login_manager, migrate

ROOT_DIR = Path(__file__).resolve().parent.parent


def create_app(config=None, overrides=None):
    """Build the application.

    ``config`` is a config class, an environment name ("development",
    "testing", "production") or ``None`` for ``$WCL_ENV``; ``overrides`` is a
    dict applied last (tests use it).
    """
    app = Flask(
        __name__,
        template_folder=str(ROOT_DIR / "templates"),
        instance_path=str(wcl_config.INSTANCE_DIR),
        instance_relative_config=False,
    )
    config_class = config if isinstance(config, type) else wcl_config.get_config(config)
    app.config.from_object(config_class)
    if overrides:
        app.config.update(overrides)
    if hasattr(config_class, "validate"):
        config_class.validate(app.config)
    app.config["RATELIMIT_STORAGE_URI"] = app.config.get("REDIS_URL") or "memory://"
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(i18n.translation_directories())
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    import wcl.models  # noqa: F401  (complete metadata before anything uses it)

    if app.config.get("TRUSTED_PROXIES"):
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    _init_extensions(app)
    _register_blueprints(app)
    _register_template_helpers(app)

    from wcl.cli import register_cli
    from wcl.core import errors, security

    errors.register(app)
    security.register(app)
    register_cli(app)
    schedule.init_app(app)  # no Redis: the periodic jobs run in this process
    logging.basicConfig(level=logging.INFO)
    return app


def _init_extensions(app):
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT_DIR / "migrations"))
    login_manager.init_app(app)
    from wcl.accounts import sessions  # noqa: F401  (registers the user loader)

    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    i18n.install_template_gettext(app)
    forms.init_app(app)
    core_input.init_app(app)  # before blueprints: routes bind the bounded <int:> converter
    limiter.init_app(app)
    queue.init_app(app)

    from wcl.core import sqlite

    sqlite.init_app(app)


def _register_blueprints(app):
    # Explicit registration, one line per domain (DESIGN.md).
    from wcl.accounts.views import admin_bp
    from wcl.accounts.views import bp as accounts_bp
    from wcl.applications.views import bp as applications_bp
    from wcl.ashar.views import bp as ashar_bp
    from wcl.campaigns.views import bp as campaigns_bp
    from wcl.cohorts.views import bp as cohorts_bp
    from wcl.core.failed_jobs import bp as jobs_bp
    from wcl.core.views import bp as core_bp
    from wcl.events.views import bp as events_bp
    from wcl.grants.views import bp as grants_bp
    from wcl.knowledge.views import bp as knowledge_bp
    from wcl.orgs.views import bp as orgs_bp
    from wcl.outcomes.views import bp as outcomes_bp
    from wcl.payments.views import bp as payments_bp
    from wcl.pitch.views import bp as pitch_bp
    from wcl.receipts.views import bp as receipts_bp
    from wcl.reports.views import bp as reports_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(jobs_bp)
    app.register_blueprint(cohorts_bp)
    app.register_blueprint(campaigns_bp)
    app.register_blueprint(grants_bp)
    app.register_blueprint(ashar_bp)
    app.register_blueprint(payments_bp)
    app.register_blueprint(applications_bp)
    app.register_blueprint(receipts_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(events_bp)
    app.register_blueprint(orgs_bp)
    app.register_blueprint(knowledge_bp)
    app.register_blueprint(outcomes_bp)
    app.register_blueprint(pitch_bp)


def _register_template_helpers(app):
    from flask_babel import get_locale

    from wcl import money, reference, time
    from wcl.accounts import permissions
    from wcl.applications import services as application_services
    from wcl.campaigns.services import rates as campaign_rates
    from wcl.core import navigation

    app.jinja_env.filters["money"] = money.format_money
    app.jinja_env.filters["datetime"] = time.datetime_filter
    app.jinja_env.filters["date"] = time.date_filter
    app.jinja_env.filters["bishkek_time"] = time.bishkek_time_filter
    app.jinja_env.filters["clock"] = time.clock_filter
    app.jinja_env.filters["spaceless"] = _spaceless
    # Globals, not context: macros imported with {% from %} see only these.
    app.jinja_env.globals["status_label"] = application_services.status_label
    app.jinja_env.globals["audit_label"] = application_services.audit_label
    app.jinja_env.globals["cohort_enrolment_options"] = _cohort_enrolment_options
    app.jinja_env.globals["receipt_link"] = _receipt_link
    app.jinja_env.globals["approximate"] = campaign_rates.approximate
    app.jinja_env.globals["info_footer_links"] = _info_footer_links
    app.jinja_env.globals["site_navigation"] = navigation.site_navigation
    app.jinja_env.globals["footer_links"] = navigation.footer_links

    @app.context_processor
    def inject_globals():
        return {
            "current_locale": str(get_locale() or "en"),
            "languages": i18n.LANGUAGE_NAMES,
            "can": permissions.can,
            "region_name": reference.region_name,
            "creative_domain_label": reference.creative_domain_label,
        }


def _info_footer_links():
    from wcl.core.info_pages import footer_links

    return footer_links()


_BETWEEN_TAGS = re.compile(r">\s+<")


def _spaceless(html):
    """``html`` without the whitespace between two tags (as Django's ``spaceless``), for a
    PDF template whose layout engine would parse and box every such run. Text next to a
    tag keeps its spaces, and escaped user text holds no tags, so no words are joined."""
    # escape() leaves a template's markup as it is and escapes anything else, so only
    # whitespace is taken from text that was already safe.
    return Markup(_BETWEEN_TAGS.sub("><", escape(html)))  # noqa: S704


def _receipt_link(pledge_id):
    """Lets the thank-you page (payments) link the receipt without payments importing
    receipts, which comes after it in the domain order."""
    from wcl.receipts.services import guest_link_for_pledge

    return guest_link_for_pledge(pledge_id)


def _cohort_enrolment_options(call, application_ids):
    """Lets the applications' decision list offer one-click enrolment without the
    applications package importing cohorts (which comes after it in the domain order)."""
    from flask_login import current_user

    from wcl.cohorts.services import enrolment_options

    return enrolment_options(current_user, call, application_ids)
