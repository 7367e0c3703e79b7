"""Factories for users and their roles."""

import factory

from wcl.accounts.models import Demographics, User, UserRole
from wcl.accounts.passwords import hash_password
from wcl.extensions import db
from wcl.time import utcnow

PASSWORD = "correct horse battery"
_HASH = hash_password(PASSWORD)  # hashing once keeps the suite fast


class BaseFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class UserFactory(BaseFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Test User {n}")
    password_hash = _HASH
    email_verified_at = factory.LazyFunction(utcnow)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            self.roles.append(UserRole(role=str(role)))
        if create and extracted:
            db.session.commit()


class DemographicsFactory(BaseFactory):
    class Meta:
        model = Demographics

    user = factory.SubFactory(UserFactory)
    consent_version = "2026-1"
    consent_at = factory.LazyFunction(utcnow)
