"""Background work for reports."""

from wcl.reports import services


def render_report_pdf(export_id):
    """Render a requested participation report PDF and store it on the
    ``ReportExport`` row; re-running after success does nothing."""
    export = services.render_export(export_id)
    return getattr(export, "status", None)
