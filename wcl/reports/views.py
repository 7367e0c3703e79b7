"""Staff report pages and exports. Every view builds the same suppressed
``Report`` through the services; bad filters are a 400 with a translated
message, missing permission a 403."""

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from wcl.accounts.permissions import abort_unless, require
from wcl.events.models import Event
from wcl.extensions import db
from wcl.files.generated import RenderStatus
from wcl.files.services import send_stored
from wcl.reports import services
from wcl.reports.charts import funnel_chart
from wcl.reports.queries import DIMENSIONS, PEOPLE, STAGES
from wcl.reports.services.event_attendance import event_attendance as attendance_table

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _report():
    try:
        filters = services.parse_filters(request.args, current_user)
        return services.build_report(filters, current_user)
    except services.ReportError as exc:
        abort(Response(render_template("reports/error.html", message=str(exc.message)), status=400))


@bp.get("/")
@require("reports.view")
def index():
    report = _report()
    from flask_babel import gettext as _

    chart = funnel_chart(report, _("Participation by stage"))
    return render_template(
        "reports/index.html",
        report=report,
        chart=chart,
        dimensions=DIMENSIONS,
        stages=[*STAGES, *PEOPLE],
        labels=services.DIMENSION_LABELS,
        stage_labels=services.STAGE_LABELS,
        args=report.filters.query_args(),
        choices=services.filter_choices(current_user, str(get_locale())),
    )


@bp.get("/events/<int:event_id>")
@require("reports.view")
def event_attendance(event_id):
    """Who came to an event (checked in), by gender and age, protected."""
    event = db.get_or_404(Event, event_id)
    abort_unless("events.manage", event)
    table = attendance_table(event.id, str(get_locale()))
    return render_template("reports/event_attendance.html", event=event, table=table)


def _download(data, mimetype, extension):
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="participation-report.{extension}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/export.csv")
@require("reports.view")
def export_csv():
    return _download(services.export_csv(_report()), "text/csv; charset=utf-8", "csv")


@bp.get("/export.xlsx")
@require("reports.view")
def export_xlsx():
    mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(services.export_xlsx(_report()), mimetype, "xlsx")


@bp.get("/data.json")
@require("reports.view")
def data_json():
    response = jsonify(services.iati_json(_report()))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/export.pdf")
@require("reports.view")
def request_pdf():
    try:
        filters = services.parse_filters(request.form, current_user)
        export = services.request_pdf(filters, current_user, request.form.get("locale") or str(get_locale()))
    except services.ReportError as exc:
        abort(Response(render_template("reports/error.html", message=str(exc.message)), status=400))
    return redirect(url_for("reports.export_status", export_id=export.id))


@bp.get("/exports/<int:export_id>")
@require("reports.view")
def export_status(export_id):
    export = services.export_for(export_id, current_user)
    if export is None:
        abort(404)
    return render_template(
        "reports/export_status.html",
        export=export,
        done=export.status == RenderStatus.DONE,
        refresh=export.status in (RenderStatus.QUEUED, RenderStatus.RUNNING),
    )


@bp.get("/exports/<int:export_id>/download")
@require("reports.view")
def export_download(export_id):
    export = services.export_for(export_id, current_user)
    if export is None or export.file is None:
        abort(404)
    return send_stored(export.file, as_attachment=True)
