"""The audit log: entries are part of the caller's unit of work."""

from datetime import timedelta

from tests.factories.accounts import UserFactory
from wcl.audit.models import AuditEntry
from wcl.audit.services import entries_for, record
from wcl.extensions import db
from wcl.time import utcnow


def _actions():
    return db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)).all()


def test_an_entry_names_actor_target_and_ids_and_commits_with_the_change(app_ctx):
    staff, person = UserFactory(roles=["staff"]), UserFactory()
    entry = record("role.granted", person, actor=staff, role="mentor")
    assert entry.id is not None  # flushed: callers can point at it before committing
    db.session.commit()
    stored = db.session.get(AuditEntry, entry.id)
    assert (stored.action, stored.target_type, stored.target_id, stored.actor_id, stored.data) == (
        "role.granted",
        "users",
        person.id,
        staff.id,
        {"role": "mentor"},
    )
    assert stored.created_at.tzinfo is not None  # aware UTC, like every time in wcl


def test_an_entry_disappears_with_a_rolled_back_change(app_ctx):
    """A refused action leaves no trace that it happened."""
    person = UserFactory()
    record("user.updated", person, actor=person.id)
    db.session.rollback()
    assert _actions() == []


def test_entries_for_a_target_newest_first_and_only_its_own(app_ctx):
    aida, other = UserFactory(), UserFactory()
    first = record("user.created", aida)
    second = record("user.verified", aida)
    record("user.created", other)
    first.created_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    assert [e.id for e in entries_for(aida)] == [second.id, first.id]
    assert [e.id for e in entries_for(aida, limit=1)] == [second.id]
