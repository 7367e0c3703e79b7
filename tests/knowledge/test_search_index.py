"""On PostgreSQL the bank's search runs through the GIN full-text indexes (one per language)."""

import sqlalchemy as sa

from tests.factories.knowledge import ResourceFactory
from tests.helpers import query_plan
from wcl.extensions import db
from wcl.knowledge.models import Resource
from wcl.knowledge.services.search import text_match


def _plan(query):
    # A tiny table: forbid the scan to see whether the index serves the search.
    return query_plan(sa.select(Resource.id).where(text_match(query)), seqscan=False)


def _indexes():
    return set(
        db.session.scalars(
            sa.text("SELECT indexname FROM pg_indexes WHERE tablename = 'knowledge_resources'")
        )
    )


def test_the_three_full_text_indexes_exist(app_ctx):
    assert {
        "ix_knowledge_resources_fts_en",
        "ix_knowledge_resources_fts_ru",
        "ix_knowledge_resources_fts_ky",
    } <= (_indexes())


def test_kyrgyz_russian_and_english_queries_use_the_indexes(app_ctx):
    ResourceFactory(title_ky="Шырдак жасоо", body_ky="Кийиз буюмдары", languages="ky")
    ResourceFactory(title_ru="Ценообразование", body_ru="Себестоимость изделий", languages="ru")
    ResourceFactory(title_en="Storytelling", body_en="Stories for campaigns", languages="en")
    for index in range(60):
        ResourceFactory(title_en=f"Filler {index}", body_en="nothing", languages="en")
    plan = _plan("шырдактар")
    assert "ix_knowledge_resources_fts_ky" in plan, plan
    assert "ix_knowledge_resources_fts_ru" in plan and "ix_knowledge_resources_fts_en" in plan, plan
    assert "Seq Scan" not in plan, plan
    for query, title in (
        ("шырдак", "Шырдак жасоо"),
        ("изделия", "Ценообразование"),
        ("story", "Storytelling"),
    ):
        found = db.session.scalars(sa.select(Resource).where(text_match(query))).all()
        assert [r.title(r.language_codes[0]) for r in found] == [title], query
