"""Read-only lookups about pitch days (imports only models)."""

import sqlalchemy as sa

from wcl.extensions import db
from wcl.pitch.models import PitchJuror


def juror_of(pitch_day_id, user_id):
    """The user's seat on the pitch day's jury, or ``None``."""
    return db.session.scalar(
        sa.select(PitchJuror).where(PitchJuror.pitch_day_id == pitch_day_id, PitchJuror.user_id == user_id)
    )


def is_juror(pitch_day_id, user_id):
    return juror_of(pitch_day_id, user_id) is not None
