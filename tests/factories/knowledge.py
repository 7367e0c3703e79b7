"""Factories for knowledge bank resources."""

import factory

from tests.factories.accounts import BaseFactory
from wcl.knowledge.models import Resource
from wcl.time import utcnow


class ResourceFactory(BaseFactory):
    class Meta:
        model = Resource

    kind = "article"
    status = "published"
    visibility = "public"
    title_en = factory.Sequence(lambda n: f"Resource {n}")
    languages = "en"
    published_at = factory.LazyFunction(utcnow)
