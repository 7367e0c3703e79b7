"""Forms for calls, applying, reviewing and deciding.

The questions of a call and the criteria of its rubric vary per call, so
their inputs are rendered from the call and read with ``question_values`` /
``score_values``; the forms here carry the fixed fields and the CSRF token.
"""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from wcl.accounts.forms import DemographicsForm
from wcl.forms import REQUIRED
from wcl.i18n import LANGUAGE_NAMES

LANG_SUFFIX = {"en": _l("English"), "ru": _l("Russian"), "ky": _l("Kyrgyz")}
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"

QUESTION_KIND_LABELS = {
    "short_text": _l("Short text"),
    "long_text": _l("Long text"),
    "choice": _l("Choice"),
    "number": _l("Number"),
    "file": _l("File (photo or PDF)"),
}


class ActionForm(FlaskForm):
    """A bare form for POST buttons and hand-rendered inputs (CSRF only)."""

    submit = SubmitField(_l("Confirm"))


class CallForm(FlaskForm):
    lab_id = SelectField(_l("Lab"), coerce=int, validators=[InputRequired(REQUIRED)])
    title_en = StringField(_l("Title (English)"), validators=[DataRequired(REQUIRED), Length(max=200)])
    title_ru = StringField(_l("Title (Russian)"), validators=[Optional(), Length(max=200)])
    title_ky = StringField(_l("Title (Kyrgyz)"), validators=[Optional(), Length(max=200)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Optional(), Length(max=20000)])
    description_ru = TextAreaField(_l("Description (Russian)"), validators=[Optional(), Length(max=20000)])
    description_ky = TextAreaField(_l("Description (Kyrgyz)"), validators=[Optional(), Length(max=20000)])
    eligibility_en = TextAreaField(_l("Who can apply (English)"), validators=[Optional(), Length(max=20000)])
    eligibility_ru = TextAreaField(_l("Who can apply (Russian)"), validators=[Optional(), Length(max=20000)])
    eligibility_ky = TextAreaField(_l("Who can apply (Kyrgyz)"), validators=[Optional(), Length(max=20000)])
    opens_at = DateTimeLocalField(
        _l("Opens (Bishkek time)"),
        format=DATETIME_FORMAT,
        validators=[InputRequired(REQUIRED)],
    )
    closes_at = DateTimeLocalField(
        _l("Deadline (Bishkek time)"),
        format=DATETIME_FORMAT,
        validators=[InputRequired(REQUIRED)],
        description=_l("Applications are refused after this moment."),
    )
    reviews_required = IntegerField(
        _l("Reviews per application"),
        default=2,
        validators=[InputRequired(REQUIRED), NumberRange(1, 10, _l("Choose between 1 and 10 reviews."))],
    )
    blind_review = BooleanField(
        _l("Blind first pass: reviewers do not see names, contacts or file names until the shortlist")
    )
    submit = SubmitField(_l("Save the call"))

    def data_for_service(self, to_utc):
        names = [f"{s}_{loc}" for s in ("title", "description", "eligibility") for loc in LANG_SUFFIX]
        data = {name: getattr(self, name).data for name in names}
        data.update(
            lab_id=self.lab_id.data,
            opens_at=to_utc(self.opens_at.data),
            closes_at=to_utc(self.closes_at.data),
            reviews_required=self.reviews_required.data,
            blind_review=self.blind_review.data,
        )
        return data


class QuestionForm(FlaskForm):
    kind = SelectField(_l("Type"), choices=list(QUESTION_KIND_LABELS.items()))
    label_en = StringField(_l("Question (English)"), validators=[DataRequired(REQUIRED), Length(max=300)])
    label_ru = StringField(_l("Question (Russian)"), validators=[Optional(), Length(max=300)])
    label_ky = StringField(_l("Question (Kyrgyz)"), validators=[Optional(), Length(max=300)])
    required = BooleanField(_l("An answer is required"))
    options_en = TextAreaField(
        _l("Options (English), one per line"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Only for choice questions."),
    )
    options_ru = TextAreaField(
        _l("Options (Russian), one per line"), validators=[Optional(), Length(max=5000)]
    )
    options_ky = TextAreaField(
        _l("Options (Kyrgyz), one per line"), validators=[Optional(), Length(max=5000)]
    )
    submit = SubmitField(_l("Save the question"))

    def fill_from(self, question):
        self.kind.data = question.kind
        for loc in LANG_SUFFIX:
            getattr(self, f"label_{loc}").data = getattr(question, f"label_{loc}")
            getattr(self, f"options_{loc}").data = "\n".join(o.get(loc, "") for o in question.options or [])
        self.required.data = question.required


class CriterionForm(FlaskForm):
    label_en = StringField(_l("Criterion (English)"), validators=[DataRequired(REQUIRED), Length(max=200)])
    label_ru = StringField(_l("Criterion (Russian)"), validators=[Optional(), Length(max=200)])
    label_ky = StringField(_l("Criterion (Kyrgyz)"), validators=[Optional(), Length(max=200)])
    weight = IntegerField(_l("Weight"), default=1, validators=[InputRequired(REQUIRED), NumberRange(1, 100)])
    min_score = IntegerField(_l("Lowest score"), default=1, validators=[InputRequired(REQUIRED)])
    max_score = IntegerField(_l("Highest score"), default=5, validators=[InputRequired(REQUIRED)])
    submit = SubmitField(_l("Save the criterion"))


class AboutForm(FlaskForm):
    contact_name = StringField(_l("Your name"), validators=[DataRequired(REQUIRED), Length(max=120)])
    contact_phone = StringField(
        _l("Phone or WhatsApp"),
        validators=[Optional(), Length(max=32)],
        render_kw={"inputmode": "tel", "autocomplete": "tel"},
        description=_l("So that the Lab can call you if the internet is poor."),
    )
    contact_locality = StringField(_l("Town or village"), validators=[Optional(), Length(max=120)])
    save = SubmitField(_l("Save and continue"))


class OptionalDemographicsForm(DemographicsForm):
    """The accounts' demographics questions inside step 1; only checked when answered."""

    class Meta:
        csrf = False

    def touched(self, saved=None):
        """True if she ticked the consent box or changed an answer (against ``saved``).

        Answers saved earlier come back pre-filled; re-saving them unchanged
        needs no new consent.
        """
        if self.consent.data:
            return True
        before = {name: getattr(saved, name, None) for name in self.answers()}
        return any((value or None) != (before[name] or None) for name, value in self.answers().items())


class UploadForm(FlaskForm):
    file = FileField(_l("File"), description=_l("A photo (JPEG, PNG) or a PDF, up to 10 MB."))
    question_id = SelectField(_l("This file is"), coerce=int, validators=[Optional()])
    upload = SubmitField(_l("Upload"))


class AssignForm(FlaskForm):
    reviewer_id = SelectField(_l("Reviewer"), coerce=int, validators=[InputRequired(REQUIRED)])
    submit = SubmitField(_l("Assign"))


OUTCOME_CHOICES = [
    ("accepted", _l("Accept")),
    ("waitlisted", _l("Waiting list")),
    ("rejected", _l("Not selected")),
]


class DecisionForm(FlaskForm):
    outcome = SelectField(_l("Decision"), choices=OUTCOME_CHOICES)
    note = TextAreaField(
        _l("Note"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Included in the email to the applicant (replaces {note})."),
    )
    submit = SubmitField(_l("Save the decision"))


BULK_ACTIONS = [("shortlisted", _l("Shortlist"))] + OUTCOME_CHOICES


class BulkForm(FlaskForm):
    action = SelectField(_l("With the selected applications"), choices=BULK_ACTIONS)
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Apply"))


class PaperForm(FlaskForm):
    full_name = StringField(_l("Applicant's name"), validators=[DataRequired(REQUIRED), Length(max=120)])
    email = EmailField(
        _l("Email (if she has one)"),
        validators=[
            Optional(),
            Email(_l("Enter a valid email address, like name@example.com.")),
            Length(max=254),
        ],
    )
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=32)])
    locale = SelectField(
        _l("Language for her letters"),
        choices=lambda: list(LANGUAGE_NAMES.items()),
        validators=[Optional()],
        description=_l("Emails and certificates are sent to her in this language."),
    )
    locality = StringField(_l("Town or village"), validators=[Optional(), Length(max=120)])
    scan = FileField(_l("Scan or photo of the signed paper form"))
    consent = BooleanField(
        _l("The applicant signed the consent on the paper form, and I checked it."),
        validators=[DataRequired(_l("Tick the box to confirm that the applicant signed the consent."))],
    )
    submit = SubmitField(_l("Save the paper application"))


class TemplateForm(FlaskForm):
    subject = StringField(_l("Subject"), validators=[DataRequired(REQUIRED), Length(max=200)])
    body = TextAreaField(_l("Text"), validators=[DataRequired(REQUIRED), Length(max=10000)])
    submit = SubmitField(_l("Save the template"))


def question_values(form_data, questions):
    """``{question_id: raw text}`` from the hand-rendered ``q-<id>`` inputs."""
    return {q.id: form_data.get(f"q-{q.id}", "") for q in questions}


def score_values(form_data, criteria):
    """``{criterion_id: raw text}`` from the ``score-<id>`` inputs."""
    return {c.id: form_data.get(f"score-{c.id}", "") for c in criteria}


# --- teams, organisations and co-reviewers (issue 20) ---------------------------------

TEAM_CONSENT = _l(
    "I agree to take part in this team's application and that the Lab keeps my name and email "
    "with it. I can leave the team before it is submitted."
)


class TeamStartForm(FlaskForm):
    team_name = StringField(
        lazy_pgettext("team", "Team name"), validators=[DataRequired(REQUIRED), Length(max=120)]
    )
    consent = BooleanField(TEAM_CONSENT)
    submit = SubmitField(_l("Start a team application"))


class InviteForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(REQUIRED), Email(), Length(max=254)])
    locale = SelectField(
        _l("Language of the invitation"),
        choices=list(LANGUAGE_NAMES.items()),
        default="ky",
        description=_l("If she already has an account, her own language is used."),
    )
    submit = SubmitField(_l("Send the invitation"))


class AcceptInviteForm(FlaskForm):
    consent = BooleanField(TEAM_CONSENT)
    submit = SubmitField(_l("Join the team"))


class OrganisationApplyForm(FlaskForm):
    organisation_id = SelectField(_l("Organisation"), coerce=int, validators=[InputRequired(REQUIRED)])
    submit = SubmitField(_l("Apply for the organisation"))


class ApplicantKindsForm(FlaskForm):
    accepts_individuals = BooleanField(_l("Individuals"))
    accepts_teams = BooleanField(_l("Teams"))
    accepts_organisations = BooleanField(_l("Organisations"))
    team_min_size = IntegerField(
        _l("Smallest team (people, the lead included)"), default=2, validators=[InputRequired(REQUIRED)]
    )
    team_max_size = IntegerField(
        _l("Largest team (people, the lead included)"), default=5, validators=[InputRequired(REQUIRED)]
    )
    submit = SubmitField(_l("Save"))


class CoReviewerForm(FlaskForm):
    organisation_id = SelectField(_l("Organisation"), coerce=int, validators=[InputRequired(REQUIRED)])
    submit = SubmitField(_l("Name co-reviewer"))
