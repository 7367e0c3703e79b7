"""Gapless receipt numbers per calendar year: ``WCL-2026-000042``.

One counter row per year is incremented with a single atomic UPSERT inside
the transaction that creates the receipt: concurrent issuers queue on the row
lock, and a rolled-back receipt rolls its number back too, so numbers are
unique and leave no gaps.
"""

import sqlalchemy as sa

from wcl.extensions import db

PREFIX = "WCL"


class ReceiptSequence(db.Model):
    """The last receipt number issued in a year."""

    __tablename__ = "receipt_sequences"

    year = sa.Column(sa.Integer, primary_key=True, autoincrement=False)
    last_number = sa.Column(sa.Integer, nullable=False)

    __table_args__ = (sa.CheckConstraint("last_number > 0", name="positive"),)


def next_number(year):
    """Take the next number for ``year`` (flushes, never commits).

    Must run in the same transaction as the insert of the receipt that uses it.
    """
    dialect = db.session.get_bind().dialect.name
    table = ReceiptSequence.__table__
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(table).values(year=year, last_number=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.year], set_={"last_number": table.c.last_number + 1}
    ).returning(table.c.last_number)
    return db.session.execute(stmt).scalar_one()


def format_number(year, number):
    """``WCL-2026-000042``."""
    return f"{PREFIX}-{year}-{number:06d}"
