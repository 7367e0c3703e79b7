"""Search in Kyrgyz, Russian and English: PostgreSQL full-text search, a LIKE fallback on SQLite."""

import pytest

from tests.factories.knowledge import ResourceFactory
from wcl.extensions import db
from wcl.knowledge import services
from wcl.knowledge.services.search import kyrgyz_stem


class Guest:
    is_authenticated = False
    is_active = False


def _library():
    ResourceFactory(
        title_en="",
        title_ru="Ценообразование для мастериц",
        body_ru="Как посчитать себестоимость войлочных изделий и назначить справедливую цену.",
        languages="ru",
        skill="pricing",
        creative_domain="V_ARTS",
    )
    ResourceFactory(
        title_en="",
        title_ky="Кийиз буюмдарын сүрөткө тартуу",
        body_ky="Телефон менен шырдактын сүрөтүн тартуу боюнча колдонмо.",
        languages="ky",
        skill="photography",
        kind="video",
        url="https://www.youtube.com/watch?v=demo",
    )
    ResourceFactory(
        title_en="Telling the story of your craft",
        body_en="Storytelling for campaign pages.",
        languages="en",
        skill="storytelling",
    )


def _titles(page, locale="en"):
    return [r.title(locale) for r in page.items]


def _search(**kwargs):
    return services.search_resources(Guest(), **kwargs)


def test_a_russian_inflected_form_finds_the_russian_resource(app_ctx):
    _library()
    # «ценообразованию» (dative) and «изделия» (genitive) are stemmed by the russian configuration.
    assert _titles(_search(query="ценообразованию")) == ["Ценообразование для мастериц"]
    assert _titles(_search(query="войлочное изделие")) == ["Ценообразование для мастериц"]


def test_a_kyrgyz_word_finds_the_kyrgyz_resource(app_ctx):
    _library()
    assert _titles(_search(query="шырдак")) == ["Кийиз буюмдарын сүрөткө тартуу"]
    # an inflected Kyrgyz form: «колдонмолордун» (of the guides) → «колдонмо»
    assert _titles(_search(query="колдонмолордун")) == ["Кийиз буюмдарын сүрөткө тартуу"]


def test_english_stemming_and_filters(app_ctx):
    _library()
    assert _titles(_search(query="stories")) == ["Telling the story of your craft"]
    assert _titles(_search(skill="pricing")) == ["Ценообразование для мастериц"]
    assert _titles(_search(language="ky")) == ["Кийиз буюмдарын сүрөткө тартуу"]
    assert _titles(_search(kind="video")) == ["Кийиз буюмдарын сүрөткө тартуу"]
    assert _titles(_search(creative_domain="V_ARTS", query="цена")) == ["Ценообразование для мастериц"]
    assert _titles(_search(query="nothing-like-this")) == []
    # characters that mean something to tsquery are only separators here
    assert _titles(_search(query="шырдак & | ! :* ('")) == ["Кийиз буюмдарын сүрөткө тартуу"]


def test_kyrgyz_stem_keeps_short_words():
    assert kyrgyz_stem("кол") == "кол"
    assert kyrgyz_stem("өнөрчүлүккө") == "өнөрчүлүк"


@pytest.fixture
def sqlite_app(make_app, tmp_path):
    other = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'bank.db'}")
    with other.app_context():
        db.create_all()
        yield other
        db.session.remove()
        db.engine.dispose()


def test_the_sqlite_fallback_finds_words_in_any_case(sqlite_app):
    _library()
    assert db.session.get_bind().dialect.name == "sqlite"
    assert _titles(_search(query="шырдактын")) == ["Кийиз буюмдарын сүрөткө тартуу"]
    assert _titles(_search(query="ценообразование")) == ["Ценообразование для мастериц"]
    assert _titles(_search(query="STORYTELLING")) == ["Telling the story of your craft"]
    assert _titles(_search(query="цена", skill="photography")) == []
