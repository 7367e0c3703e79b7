"""The StoredFile table: metadata of a file kept in ``STORAGE_DIR``."""

import sqlalchemy as sa

from wcl.extensions import db
from wcl.time import UTCDateTime, utcnow


class StoredFile(db.Model):
    """A file on disk under ``STORAGE_DIR/<key>``; served only through a view
    that checks who may see the record it belongs to."""

    __tablename__ = "stored_files"

    id = sa.Column(sa.Integer, primary_key=True)
    key = sa.Column(sa.String(80), nullable=False, unique=True)
    mimetype = sa.Column(sa.String(80), nullable=False)
    size = sa.Column(sa.Integer, nullable=False)
    sha256 = sa.Column(sa.String(64), nullable=False)
    # The name shown on download; never used as a path.
    original_name = sa.Column(sa.String(200), nullable=False)
    uploaded_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    width = sa.Column(sa.Integer)
    height = sa.Column(sa.Integer)

    __table_args__ = (sa.CheckConstraint("size >= 0", name="size"),)

    @property
    def is_image(self):
        return self.mimetype.startswith("image/")
