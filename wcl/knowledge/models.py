"""The knowledge bank: resources (articles, files, video links, templates) in one or more languages.

Titles and bodies are kept per language in ``<stem>_<locale>`` columns, as calls keep
theirs; ``languages`` lists the languages the resource itself is in (a Kyrgyz video
may have a title in all three).
"""

import sqlalchemy as sa

from wcl.extensions import db
from wcl.text import localised
from wcl.time import UTCDateTime, utcnow

LOCALES = ("en", "ru", "ky")


class ResourceKind:
    ARTICLE = "article"
    FILE = "file"
    VIDEO = "video"
    TEMPLATE = "template"
    ALL = (ARTICLE, FILE, VIDEO, TEMPLATE)


class ResourceStatus:
    """suggested (by a mentor) → published (by staff)."""

    SUGGESTED = "suggested"
    PUBLISHED = "published"
    ALL = (SUGGESTED, PUBLISHED)


class Visibility:
    PUBLIC = "public"
    MEMBERS = "members"
    ALL = (PUBLIC, MEMBERS)


# Skills a resource teaches; labels are translated in ``wcl.knowledge.forms``.
SKILLS = (
    "pricing",
    "marketing",
    "storytelling",
    "photography",
    "finance",
    "legal",
    "digital",
    "export",
    "production",
    "fundraising",
)


# Full-text search on PostgreSQL: one GIN index per language over the same
# expression the search uses (``search_document``), Russian and English stemmed,
# Kyrgyz with the ``simple`` configuration (PostgreSQL has no Kyrgyz stemmer;
# prefix queries ``word:*`` use the GIN index too). Not created on SQLite.
TS_CONFIG = {"ru": "russian", "en": "english", "ky": "simple"}


def search_document(title, body):
    """``title || ' ' || body``: immutable (unlike concat_ws), so an index can hold it."""
    return title.op("||")(sa.literal_column("' '")).op("||")(body)


def search_vector(locale, title, body):
    """The tsvector the search matches and the GIN index stores, for ``locale``."""
    config = sa.literal_column(f"'{TS_CONFIG[locale]}'::regconfig")
    return sa.func.to_tsvector(config, search_document(title, body))


def _in(column, values):
    return f"{column} IN ({','.join(repr(v) for v in values)})"


class Resource(db.Model):
    """One educational resource of the bank."""

    __tablename__ = "knowledge_resources"

    id = sa.Column(sa.Integer, primary_key=True)
    kind = sa.Column(sa.String(12), nullable=False)
    status = sa.Column(sa.String(12), nullable=False, default=ResourceStatus.SUGGESTED, index=True)
    visibility = sa.Column(sa.String(8), nullable=False, default=Visibility.PUBLIC)
    title_en = sa.Column(sa.String(200), nullable=False, default="", server_default="")
    title_ru = sa.Column(sa.String(200), nullable=False, default="", server_default="")
    title_ky = sa.Column(sa.String(200), nullable=False, default="", server_default="")
    body_en = sa.Column(sa.Text, nullable=False, default="", server_default="")
    body_ru = sa.Column(sa.Text, nullable=False, default="", server_default="")
    body_ky = sa.Column(sa.Text, nullable=False, default="", server_default="")
    # The languages the resource is in, e.g. "ky,ru" (searched as ",ky,ru," LIKE "%,ru,%").
    languages = sa.Column(sa.String(12), nullable=False)
    creative_domain = sa.Column(sa.String(12), index=True)  # UNESCO FCS 2009 code
    skill = sa.Column(sa.String(20), index=True)
    url = sa.Column(sa.String(500))  # a video or a page elsewhere
    file_id = sa.Column(sa.Integer, sa.ForeignKey("stored_files.id", ondelete="SET NULL"))
    # Counters are only ever changed by one UPDATE … SET n = n + 1 (never read-modify-write).
    views = sa.Column(sa.Integer, nullable=False, default=0, server_default="0")
    downloads = sa.Column(sa.Integer, nullable=False, default=0, server_default="0")
    # Published from a cohort session's material: the bank keeps its own copy of the file.
    source_material_id = sa.Column(
        sa.Integer, sa.ForeignKey("cohort_session_materials.id", ondelete="SET NULL"), unique=True
    )
    created_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    published_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    published_at = sa.Column(UTCDateTime)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    file = db.relationship("StoredFile")
    created_by = db.relationship("User", foreign_keys=[created_by_id])

    __table_args__ = (
        sa.CheckConstraint(_in("kind", ResourceKind.ALL), name="kind"),
        sa.CheckConstraint(_in("status", ResourceStatus.ALL), name="status"),
        sa.CheckConstraint(_in("visibility", Visibility.ALL), name="visibility"),
        sa.CheckConstraint("title_en <> '' OR title_ru <> '' OR title_ky <> ''", name="has_title"),
        sa.CheckConstraint("languages <> ''", name="has_language"),
        sa.CheckConstraint("views >= 0 AND downloads >= 0", name="counters"),
        *(
            sa.Index(
                f"ix_knowledge_resources_fts_{locale}",
                search_vector(locale, sa.column(f"title_{locale}"), sa.column(f"body_{locale}")),
                postgresql_using="gin",
            ).ddl_if(dialect="postgresql")
            for locale in LOCALES
        ),
    )

    def title(self, locale="en"):
        """The title in ``locale``, else in the first language given."""
        return localised(self, "title", locale)

    def body(self, locale="en"):
        """The text in ``locale``, else in the first language given."""
        return localised(self, "body", locale)

    @property
    def language_codes(self):
        return tuple(code for code in self.languages.split(",") if code)

    @property
    def is_published(self):
        return self.status == ResourceStatus.PUBLISHED
