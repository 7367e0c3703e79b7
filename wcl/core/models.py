"""Info pages (How it works, Fees, FAQ, Terms, Privacy, Contact): staff-edited, per language."""

import sqlalchemy as sa

from wcl.extensions import db
from wcl.time import UTCDateTime, utcnow

LANGS = ("en", "ru", "ky")


class InfoPage(db.Model):
    """One info page with its title and Markdown body in each language (HTML sanitised on save)."""

    __tablename__ = "info_pages"

    id = sa.Column(sa.Integer, primary_key=True)
    slug = sa.Column(sa.String(40), nullable=False, unique=True)
    position = sa.Column(sa.Integer, nullable=False, default=0)
    title_en = sa.Column(sa.String(120), nullable=False)
    title_ru = sa.Column(sa.String(120), nullable=False, default="")
    title_ky = sa.Column(sa.String(120), nullable=False, default="")
    body_md_en = sa.Column(sa.Text, nullable=False, default="")
    body_md_ru = sa.Column(sa.Text, nullable=False, default="")
    body_md_ky = sa.Column(sa.Text, nullable=False, default="")
    body_html_en = sa.Column(sa.Text, nullable=False, default="")
    body_html_ru = sa.Column(sa.Text, nullable=False, default="")
    body_html_ky = sa.Column(sa.Text, nullable=False, default="")
    updated_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    updated_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))

    def title(self, locale="en"):
        """The title in ``locale``, else English."""
        return getattr(self, f"title_{locale}", "") or self.title_en

    def body_html(self, locale="en"):
        """``(html, language shown)``: her language if written, else English."""
        html = getattr(self, f"body_html_{locale}", "")
        return (html, locale) if html else (self.body_html_en, "en")
