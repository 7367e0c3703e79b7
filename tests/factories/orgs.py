"""Factories for organisations, partnerships and directory entries."""

from datetime import date

import factory

from tests.factories.accounts import BaseFactory, UserFactory
from wcl.orgs.models import DirectoryEntry, Organisation, Partnership
from wcl.time import utcnow


class OrganisationFactory(BaseFactory):
    class Meta:
        model = Organisation

    kind = "company"
    name_en = factory.Sequence(lambda n: f"Organisation {n}")
    name_ru = factory.Sequence(lambda n: f"Организация {n}")
    region = "KG-O"


class PartnershipFactory(BaseFactory):
    class Meta:
        model = Partnership

    organisation = factory.SubFactory(OrganisationFactory)
    kind = "mentors"
    starts_on = date(2026, 1, 1)


class DirectoryEntryFactory(BaseFactory):
    class Meta:
        model = DirectoryEntry

    user = factory.SubFactory(UserFactory)
    display_name = factory.Sequence(lambda n: f"Member {n}")
    creative_domain = "V_ARTS"
    region = "KG-N"
    consented_at = factory.LazyFunction(utcnow)
