"""Cohort forms. Every label and message is translated."""

from flask_babel import get_locale, lazy_pgettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from wcl.cohorts.models import CheckInStatus, EnrolmentStatus, MilestoneStatus
from wcl.forms import (
    REQUIRED,
    IdField,
    TranslationFields,
    add_translation_fields,
    optional_url,
    required_datetime,
)
from wcl.i18n import current_locale
from wcl.reference import REGION_CODES, region_name
from wcl.time import local_to_utc

DATE_INVALID = _l("Enter a date.")
DATETIME_INVALID = _l("Enter a date and a time.")

CHECKIN_LABELS = {
    CheckInStatus.ON_TRACK: _l("On track"),
    CheckInStatus.NEEDS_SUPPORT: _l("Needs support"),
    CheckInStatus.AT_RISK: _l("At risk"),
}
# A context where the English word is shared with another sense in another domain's
# catalogue (an application is "Withdrawn" too, a matching pool "Active").
ENROLMENT_LABELS = {
    EnrolmentStatus.ACTIVE: lazy_pgettext("enrolment status", "Active"),
    EnrolmentStatus.GRADUATED: lazy_pgettext("enrolment status", "Graduated"),
    EnrolmentStatus.WITHDRAWN: lazy_pgettext("enrolment status", "Withdrawn"),
}
MILESTONE_LABELS = {
    MilestoneStatus.NOT_STARTED: _l("Not started"),
    MilestoneStatus.SUBMITTED: lazy_pgettext("milestone status", "Submitted"),
    MilestoneStatus.APPROVED: _l("Approved"),
    MilestoneStatus.NEEDS_CHANGES: _l("Needs changes"),
}
ATTENDANCE_LABELS = {"present": _l("Present"), "absent": _l("Absent"), "excused": _l("Excused")}


def optional_int(value):
    """Coerce a select's value to an int, or ``None`` for the empty choice."""
    if value in (None, "", "None"):
        return None
    return int(value)


def region_choices():
    locale = str(get_locale() or "en")
    return [("", _l("Not given"))] + [(c, region_name(c, locale)) for c in REGION_CODES]


LANGUAGE_CHOICES = [("ky", _l("Kyrgyz")), ("ru", _l("Russian")), ("en", _l("English"))]
# Labels of the translation fields, per language.
NAME_LABELS = {
    "ky": lazy_pgettext("cohort", "Name (Kyrgyz)"),
    "ru": lazy_pgettext("cohort", "Name (Russian)"),
    "en": lazy_pgettext("cohort", "Name (English)"),
}
TITLE_LABELS = {"ky": _l("Title (Kyrgyz)"), "ru": _l("Title (Russian)"), "en": _l("Title (English)")}
DESCRIPTION_LABELS = {
    "ky": _l("Description (Kyrgyz)"),
    "ru": _l("Description (Russian)"),
    "en": _l("Description (English)"),
}


class CohortForm(TranslationFields, FlaskForm):
    name = StringField(lazy_pgettext("cohort", "Name"), validators=[DataRequired(REQUIRED), Length(max=120)])
    # The cohort's name, sessions and milestones are written in this language; translations optional.
    language = SelectField(
        _l("The language these texts are written in"),
        choices=LANGUAGE_CHOICES,
        default=current_locale,
        description=lazy_pgettext(
            "cohort",
            "The name, sessions and milestones. Participants and mentors see a translation when there is one.",
        ),
    )
    lab_id = SelectField(_l("Lab"), coerce=int, validators=[InputRequired(REQUIRED)])
    starts_on = DateField(_l("First day"), validators=[InputRequired(DATE_INVALID)])
    ends_on = DateField(_l("Last day"), validators=[InputRequired(DATE_INVALID)])
    capacity = IntegerField(
        _l("Places"),
        default=30,
        validators=[
            InputRequired(REQUIRED),
            NumberRange(1, 500, _l("Enter a number between %(min)s and %(max)s.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    is_online = BooleanField(_l("The cohort meets online"))
    location = StringField(
        _l("Place"),
        validators=[Optional(), Length(max=200)],
        description=_l("City or village and address, e.g. “Osh, Lenin street 205”."),
    )
    region = SelectField(_l("Region"), choices=region_choices, validators=[Optional()])
    min_attendance_pct = IntegerField(
        _l("Minimum attendance to graduate (%)"),
        default=75,
        validators=[
            InputRequired(REQUIRED),
            NumberRange(0, 100, _l("Enter a number between %(min)s and %(max)s.")),
        ],
        description=_l("Excused absences are not counted. 0 means no attendance rule."),
        render_kw={"inputmode": "numeric"},
    )
    require_milestones = BooleanField(
        _l("Every required milestone must be approved to graduate"), default=True
    )
    checkin_interval_days = IntegerField(
        _l("Remind mentors after this many days without a check-in"),
        default=14,
        validators=[
            InputRequired(REQUIRED),
            NumberRange(1, 365, _l("Enter a number between %(min)s and %(max)s.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    submit = SubmitField(_l("Save"))

    def data_for_service(self):
        return {
            "lab_id": self.lab_id.data,
            "name": self.name.data.strip(),
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
            "capacity": self.capacity.data,
            "is_online": self.is_online.data,
            "location": self.location.data,
            "region": self.region.data or None,
            "min_attendance_pct": self.min_attendance_pct.data,
            "require_milestones": self.require_milestones.data,
            "checkin_interval_days": self.checkin_interval_days.data,
            "language": self.language.data,
            "translations": self.translation_values(),
        }


add_translation_fields(
    CohortForm,
    "name",
    lambda label: StringField(label, validators=[Optional(), Length(max=120)]),
    NAME_LABELS,
)


def _title_field(label):
    return StringField(label, validators=[Optional(), Length(max=200)])


def _description_field(label):
    return TextAreaField(label, validators=[Optional(), Length(max=5000)])


class EnrolForm(FlaskForm):
    application_id = IdField(validators=[DataRequired()])
    mentor_id = SelectField(_l("Mentor"), coerce=optional_int, validators=[Optional()])
    submit = SubmitField(_l("Enrol"))


class EnrolAllForm(FlaskForm):
    mentor_id = SelectField(_l("Mentor for all of them"), coerce=optional_int, validators=[Optional()])
    submit = SubmitField(_l("Enrol everyone on this list"))


class MentorForm(FlaskForm):
    mentor_id = SelectField(_l("Mentor"), coerce=optional_int, validators=[InputRequired(REQUIRED)])
    submit = SubmitField(_l("Save mentor"))


class SessionForm(TranslationFields, FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(REQUIRED), Length(max=200)])
    description = TextAreaField(_l("What happens in this session"), validators=[Optional(), Length(max=5000)])
    starts_at = required_datetime(_l("Starts"), DATETIME_INVALID)
    ends_at = required_datetime(_l("Ends"), DATETIME_INVALID)
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    link = optional_url(_l("Online link"), _l("For online sessions: the video call address."))
    submit = SubmitField(_l("Save session"))

    def data_for_service(self):
        return {
            "title": self.title.data,
            "description": self.description.data,
            "starts_at": local_to_utc(self.starts_at.data),
            "ends_at": local_to_utc(self.ends_at.data),
            "place": self.place.data,
            "link": self.link.data,
            "translations": self.translation_values(),
        }


add_translation_fields(SessionForm, "title", _title_field, TITLE_LABELS)
add_translation_fields(SessionForm, "description", _description_field, DESCRIPTION_LABELS)


class MaterialForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    url = optional_url(_l("Link"))
    upload = FileField(_l("or a file: a photo or a document, up to 10 MB"))
    submit = SubmitField(_l("Add material"))


class MilestoneForm(TranslationFields, FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(REQUIRED), Length(max=200)])
    description = TextAreaField(_l("What to hand in"), validators=[Optional(), Length(max=5000)])
    due_on = DateField(_l("Due date"), validators=[Optional()])
    required = BooleanField(_l("Required to graduate"), default=True)
    submit = SubmitField(_l("Save milestone"))

    def data_for_service(self):
        return {
            "title": self.title.data,
            "description": self.description.data,
            "due_on": self.due_on.data,
            "required": self.required.data,
            "translations": self.translation_values(),
        }


add_translation_fields(MilestoneForm, "title", _title_field, TITLE_LABELS)
add_translation_fields(MilestoneForm, "description", _description_field, DESCRIPTION_LABELS)


class EvidenceForm(FlaskForm):
    milestone_id = IdField(validators=[DataRequired()])
    text = TextAreaField(_l("Describe your work"), validators=[Optional(), Length(max=5000)])
    upload = FileField(_l("A photo or a document, up to 10 MB"))
    submit = SubmitField(_l("Send to my mentor"))


class ReviewForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[
            (MilestoneStatus.APPROVED, _l("Approve")),
            (MilestoneStatus.NEEDS_CHANGES, _l("Ask for changes")),
        ],
        validators=[InputRequired(REQUIRED)],
    )
    note = TextAreaField(_l("Note for the participant"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Save review"))


class CheckInForm(FlaskForm):
    met_on = DateField(_l("Date"), validators=[InputRequired(DATE_INVALID)])
    status = RadioField(
        _l("How is she doing?"),
        choices=list(CHECKIN_LABELS.items()),
        validators=[InputRequired(REQUIRED)],
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Save check-in"))


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Reason for withdrawal"), validators=[DataRequired(REQUIRED), Length(max=2000)])
    submit = SubmitField(lazy_pgettext("withdraw a participant", "Withdraw"))


class ConfirmForm(FlaskForm):
    """A bare form for POST buttons and the attendance screen (CSRF only)."""

    submit = SubmitField(_l("Confirm"))


class GridFilterForm(FlaskForm):
    class Meta:
        csrf = False

    mentor = SelectField(_l("Mentor"), coerce=optional_int, validators=[Optional()])
    status = SelectField(
        _l("Status"),
        choices=[("", _l("All"))] + list(ENROLMENT_LABELS.items()),
        validators=[Optional()],
    )
    at_risk = BooleanField(_l("Only at risk"))
    submit = SubmitField(lazy_pgettext("button", "Filter"))
