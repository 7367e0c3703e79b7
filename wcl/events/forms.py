"""Forms of the events domain (Flask-WTF, messages translated)."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from wcl.accounts.forms import EMAIL_INVALID, GENDER_CHOICES
from wcl.forms import REQUIRED, optional_url, required_datetime
from wcl.time import local_to_utc, utcnow

DATETIME_INVALID = _l("Enter a date and a time.")

STATUS_LABELS = {
    "draft": _l("Draft"),
    "published": _l("Published"),
    "cancelled": lazy_pgettext("event status", "Cancelled"),
}
REGISTRATION_LABELS = {
    "registered": _l("Registered"),
    "waitlisted": _l("On the waitlist"),
    "cancelled": lazy_pgettext("registration status", "Cancelled"),
    "checked_in": _l("Checked in"),
}


def _lab_or_none(value):
    return int(value) if value not in (None, "", "None") else None


class EventForm(FlaskForm):
    lab_id = SelectField(_l("Lab"), coerce=_lab_or_none, validators=[Optional()])
    series = StringField(
        _l("Series"),
        validators=[Optional(), Length(max=120)],
        description=_l("For example, Create4 Fall Festival."),
    )
    organiser = StringField(_l("Organised by"), validators=[Optional(), Length(max=200)])
    title_en = StringField(_l("Title in English"), validators=[DataRequired(REQUIRED), Length(max=200)])
    title_ru = StringField(_l("Title in Russian"), validators=[DataRequired(REQUIRED), Length(max=200)])
    title_ky = StringField(_l("Title in Kyrgyz"), validators=[DataRequired(REQUIRED), Length(max=200)])
    description_en = TextAreaField(_l("Description in English"), validators=[Optional(), Length(max=5000)])
    description_ru = TextAreaField(_l("Description in Russian"), validators=[Optional(), Length(max=5000)])
    description_ky = TextAreaField(_l("Description in Kyrgyz"), validators=[Optional(), Length(max=5000)])
    starts_at = required_datetime(_l("Starts"), DATETIME_INVALID)
    ends_at = required_datetime(_l("Ends"), DATETIME_INVALID)
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    online_url = optional_url(_l("Online link"), _l("For online events: the video call or stream address."))
    capacity = IntegerField(
        _l("Places"),
        validators=[Optional(), NumberRange(1, 100000, _l("Enter a number from %(min)s to %(max)s."))],
        description=_l("Leave empty for no limit."),
        render_kw={"inputmode": "numeric"},
    )
    registration_required = BooleanField(_l("People register for a ticket"), default=True)
    submit = SubmitField(_l("Save event"))

    def data_for_service(self):
        return {
            "lab_id": self.lab_id.data,
            "series": (self.series.data or "").strip() or None,
            "organiser": (self.organiser.data or "").strip() or None,
            **{f"title_{c}": self[f"title_{c}"].data.strip() for c in ("en", "ru", "ky")},
            **{f"description_{c}": (self[f"description_{c}"].data or "").strip() for c in ("en", "ru", "ky")},
            "starts_at": local_to_utc(self.starts_at.data),
            "ends_at": local_to_utc(self.ends_at.data),
            "place": (self.place.data or "").strip() or None,
            "online_url": (self.online_url.data or "").strip() or None,
            "capacity": self.capacity.data,
            "registration_required": bool(self.registration_required.data),
        }


class RegistrationForm(FlaskForm):
    """A guest gives her name and email; a signed-in person only confirms."""

    name = StringField(
        _l("Your name"), validators=[Optional(), Length(max=200)], render_kw={"autocomplete": "name"}
    )
    email = EmailField(
        _l("Email"),
        validators=[Optional(), Email(EMAIL_INVALID), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )
    gender = SelectField(_l("Gender (optional)"), choices=GENDER_CHOICES, validators=[Optional()])
    birth_year = IntegerField(
        _l("Year of birth (optional)"),
        validators=[
            Optional(),
            NumberRange(1920, utcnow().year - 5, _l("Enter a year between %(min)s and %(max)s.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    consent = BooleanField(
        _l(
            "I agree that the Lab keeps these two answers to count, without my name, "
            "who comes to its events. I can ask for them to be deleted at any time."
        )
    )
    submit = SubmitField(_l("Register"))


class CheckInForm(FlaskForm):
    code = StringField(
        _l("Ticket code"),
        validators=[DataRequired(_l("Scan the QR code or type the ticket code.")), Length(max=200)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )
    submit = SubmitField(_l("Check in"))


class MaterialForm(FlaskForm):
    file = FileField(_l("Photo or PDF"), description=_l("A photo (JPEG, PNG) or a PDF, up to 10 MB."))
    caption = StringField(_l("Caption"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Upload"))


class ActionForm(FlaskForm):
    """A bare form for POST buttons (CSRF only)."""
