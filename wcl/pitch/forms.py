"""Forms of the pitch domain (Flask-WTF, messages translated)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, EmailField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from wcl.forms import REQUIRED, IdField

DATETIME_INVALID = _l("Enter a date and a time.")


class PitchDayForm(FlaskForm):
    call_id = SelectField(_l("Call"), coerce=int, validators=[InputRequired(REQUIRED)])
    event_id = SelectField(_l("Event"), coerce=int, validators=[InputRequired(REQUIRED)])


class FinalistForm(FlaskForm):
    application_id = SelectField(_l("Finalist"), coerce=int, validators=[InputRequired(REQUIRED)])


class SlotForm(FlaskForm):
    finalist_id = IdField()
    position = IntegerField(
        _l("Order"),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(0, 1000, _l("Enter a number from %(min)s to %(max)s.")),
        ],
    )
    slot_at = DateTimeLocalField(_l("Time"), format="%Y-%m-%dT%H:%M", validators=[Optional()])


class JurorForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[InputRequired(REQUIRED), Length(max=254)])


class AwardForm(FlaskForm):
    finalist_id = IdField()
    winner = BooleanField(_l("Winner"))
    prize = StringField(_l("Prize"), validators=[Optional(), Length(max=200)])
    amount = StringField(_l("Prize amount (KGS)"), validators=[Optional(), Length(max=30)])


class PublishForm(FlaskForm):
    confirm_missing = BooleanField(_l("Publish even though some scores are missing"))


class ConfirmForm(FlaskForm):
    """A bare POST with its CSRF token (declare a conflict)."""
