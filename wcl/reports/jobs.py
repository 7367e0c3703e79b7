"""Background work for reports. Each job has its service's name, takes ids and is idempotent."""

from wcl.reports import services


def render_export(export_id):
    """Render a requested participation report PDF and store it on the
    ``ReportExport`` row; re-running after success does nothing."""
    export = services.render_export(export_id)
    return getattr(export, "status", None)


# Jobs queued under the old name before an upgrade still run.
render_report_pdf = render_export
