"""The Lab table."""

import sqlalchemy as sa

from wcl.extensions import db


class Lab(db.Model):
    """A programme site (Osh, Jalal-Abad, Batken, or a village lab in Naryn)."""

    __tablename__ = "labs"

    id = sa.Column(sa.Integer, primary_key=True)
    slug = sa.Column(sa.String(40), nullable=False, unique=True)
    name_en = sa.Column(sa.String(120), nullable=False)
    name_ru = sa.Column(sa.String(120), nullable=False)
    name_ky = sa.Column(sa.String(120), nullable=False)
    region = sa.Column(sa.String(8), nullable=False)  # ISO 3166-2:KG code

    def name(self, locale="en"):
        """The lab's name in ``locale`` (falls back to English)."""
        return getattr(self, f"name_{locale}", None) or self.name_en
