"""PDF exports: requested by staff, rendered by a job, downloaded by the requester."""

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from wcl.accounts.models import User
from wcl.accounts.permissions import ensure
from wcl.audit.services import record
from wcl.extensions import db
from wcl.files.generated import run_render
from wcl.files.services import store_bytes
from wcl.queue import enqueue_after_commit
from wcl.reports.charts import funnel_chart
from wcl.reports.errors import ReportError
from wcl.reports.models import ReportExport
from wcl.reports.protection import MARK
from wcl.reports.services import building
from wcl.reports.services.filters import parse_filters


def request_pdf(filters, user, locale):
    """Queue a PDF of the report in ``locale`` (en/ru/ky); returns the ``ReportExport``."""
    ensure("reports.view", user=user)
    if locale not in ("en", "ru", "ky"):
        raise ReportError(_l("Unknown language."))
    export = ReportExport(requested_by_id=user.id, params=filters.query_args(), locale=locale)
    db.session.add(export)
    db.session.flush()
    record("reports.pdf_requested", export, actor=user)
    enqueue_after_commit("wcl.reports.jobs.render_export", export.id, queue="default", job_timeout=300)
    db.session.commit()
    return export


def render_export(export_id):
    """Render a queued PDF export (idempotent: a finished export is left alone).

    Filters are re-validated and permissions re-checked for the requester, so a
    job run after her access was removed produces nothing."""
    # Imported here: WeasyPrint is slow to load and only the render job needs it.
    from wcl.pdf import render_pdf

    def produce(export):
        user = db.session.get(User, export.requested_by_id)
        with force_locale(export.locale):
            filters = parse_filters(export.params, user)
            report = building.build_report(filters, user)
            chart = funnel_chart(report, str(_l("Participation by stage")))
            described = filters.described()
        pdf = render_pdf(
            "reports/pdf/report.html",
            export.locale,
            report=report,
            chart=chart,
            described=described,
            mark=MARK,
        )
        return store_bytes(
            pdf, "application/pdf", f"participation-report-{export.id}.pdf", uploaded_by=user.id
        )

    return run_render(ReportExport, export_id, produce)


def export_for(export_id, user):
    """The user's own export, or ``None``."""
    ensure("reports.view", user=user)
    export = db.session.get(ReportExport, export_id)
    if export is None or export.requested_by_id != user.id:
        return None
    return export
