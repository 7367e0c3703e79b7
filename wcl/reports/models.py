"""A PDF report requested by staff and rendered by a job (progress shown on a status page)."""

import sqlalchemy as sa

from wcl.extensions import db
from wcl.files.generated import RenderStatus
from wcl.time import UTCDateTime, utcnow


class ReportExport(db.Model):
    """One requested PDF: the validated query string, the language, and the result file."""

    __tablename__ = "report_exports"

    id = sa.Column(sa.Integer, primary_key=True)
    requested_by_id = sa.Column(
        sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    params = sa.Column(sa.JSON, nullable=False, default=dict)
    locale = sa.Column(sa.String(5), nullable=False, default="en")
    status = sa.Column(sa.String(8), nullable=False, default=RenderStatus.QUEUED)
    file_id = sa.Column(sa.Integer, sa.ForeignKey("stored_files.id", ondelete="SET NULL"))
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    started_at = sa.Column(UTCDateTime)
    finished_at = sa.Column(UTCDateTime)

    file = db.relationship("StoredFile")

    __table_args__ = (sa.CheckConstraint(RenderStatus.CHECK, name="status"),)
