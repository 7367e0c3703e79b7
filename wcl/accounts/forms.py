"""Account forms. Every label and message is translated."""

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, NumberRange, Optional

from wcl.accounts.models import WG_DOMAINS
from wcl.accounts.permissions import ROLES
from wcl.forms import REQUIRED
from wcl.i18n import LANGUAGE_NAMES
from wcl.reference import CREATIVE_DOMAIN_CODES, REGION_CODES, creative_domain_label, region_name
from wcl.time import utcnow

EMAIL_INVALID = _l("Enter a valid email address, like name@example.com.")


class RegisterForm(FlaskForm):
    full_name = StringField(_l("Your name"), validators=[DataRequired(REQUIRED), Length(max=120)])
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(REQUIRED), Email(EMAIL_INVALID), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(REQUIRED), Length(max=128)],
        description=_l("At least 10 characters. A short phrase is easy to remember."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(REQUIRED), EqualTo("password", _l("The passwords do not match."))],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Create account"))


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(REQUIRED), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(REQUIRED), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me signed in on this device"))
    submit = SubmitField(_l("Sign in"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("Email"), validators=[DataRequired(REQUIRED), Email(EMAIL_INVALID), Length(max=254)]
    )
    submit = SubmitField(_l("Send me a link"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(REQUIRED), Length(max=128)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(REQUIRED), EqualTo("password", _l("The passwords do not match."))],
    )
    submit = SubmitField(_l("Save the new password"))


class ChangePasswordForm(ResetPasswordForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(REQUIRED)],
        render_kw={"autocomplete": "current-password"},
    )


def _language_choices():
    return [("", _l("As my browser says"))] + list(LANGUAGE_NAMES.items())


class ProfileForm(FlaskForm):
    full_name = StringField(_l("Your name"), validators=[DataRequired(REQUIRED), Length(max=120)])
    display_name = StringField(
        _l("Public name"),
        validators=[Optional(), Length(max=80)],
        description=_l("Shown on campaign pages instead of your full name. It can be a pseudonym."),
    )
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=32)])
    locale = SelectField(_l("Language"), choices=_language_choices, validators=[Optional()])
    submit = SubmitField(_l("Save"))


class ConfirmForm(FlaskForm):
    """A bare form for POST buttons (CSRF only)."""

    submit = SubmitField(_l("Confirm"))


GENDER_CHOICES = [
    ("", _l("Not answered")),
    ("woman", _l("Woman")),
    ("man", _l("Man")),
    ("another", _l("I describe myself another way")),
    ("prefer_not", _l("Prefer not to say")),
]
SETTLEMENT_CHOICES = [("", _l("Not answered")), ("urban", _l("City or town")), ("rural", _l("Village"))]
WG_CHOICES = [
    ("", _l("Not answered")),
    ("none", _l("No difficulty")),
    ("some", _l("Some difficulty")),
    ("a_lot", _l("A lot of difficulty")),
    ("cannot", _l("Cannot do at all")),
]
WG_QUESTIONS = {
    "seeing": _l("Do you have difficulty seeing, even if wearing glasses?"),
    "hearing": _l("Do you have difficulty hearing, even if using a hearing aid?"),
    "walking": _l("Do you have difficulty walking or climbing steps?"),
    "cognition": _l("Do you have difficulty remembering or concentrating?"),
    "selfcare": _l("Do you have difficulty with self-care, such as washing all over or dressing?"),
    "communication": _l(
        "Using your usual language, do you have difficulty communicating, "
        "for example understanding or being understood?"
    ),
}


def region_choices():
    locale = str(get_locale() or "en")
    return [("", _l("Not answered"))] + [(c, region_name(c, locale)) for c in REGION_CODES]


def creative_domain_choices():
    return [("", _l("Not answered"))] + [(c, creative_domain_label(c)) for c in CREATIVE_DOMAIN_CODES]


class DemographicsForm(FlaskForm):
    """All questions optional; saving needs the consent box."""

    gender = SelectField(_l("Gender"), choices=GENDER_CHOICES, validators=[Optional()])
    birth_year = IntegerField(
        _l("Year of birth"),
        validators=[
            Optional(),
            NumberRange(1920, utcnow().year - 10, _l("Enter a year between %(min)s and %(max)s.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    region = SelectField(_l("Region"), choices=region_choices, validators=[Optional()])
    settlement = SelectField(_l("Where do you live?"), choices=SETTLEMENT_CHOICES, validators=[Optional()])
    creative_domain = SelectField(
        _l("Main creative field"), choices=creative_domain_choices, validators=[Optional()]
    )
    wg_seeing = SelectField(WG_QUESTIONS["seeing"], choices=WG_CHOICES, validators=[Optional()])
    wg_hearing = SelectField(WG_QUESTIONS["hearing"], choices=WG_CHOICES, validators=[Optional()])
    wg_walking = SelectField(WG_QUESTIONS["walking"], choices=WG_CHOICES, validators=[Optional()])
    wg_cognition = SelectField(WG_QUESTIONS["cognition"], choices=WG_CHOICES, validators=[Optional()])
    wg_selfcare = SelectField(WG_QUESTIONS["selfcare"], choices=WG_CHOICES, validators=[Optional()])
    wg_communication = SelectField(WG_QUESTIONS["communication"], choices=WG_CHOICES, validators=[Optional()])
    consent = BooleanField(
        _l(
            "I agree that the Lab keeps these answers to report, without my name, "
            "how many women the programme reached. I can change or delete them at any time."
        ),
        validators=[DataRequired(_l("Please tick the box to agree, or leave this page without saving."))],
    )
    submit = SubmitField(_l("Save my answers"))

    def answers(self):
        names = ["gender", "birth_year", "region", "settlement", "creative_domain"]
        names += [f"wg_{d}" for d in WG_DOMAINS]
        return {name: getattr(self, name).data for name in names}


ROLE_LABELS = {
    "applicant": _l("Applicant"),
    "participant": _l("Participant"),
    "mentor": _l("Mentor"),
    "reviewer": _l("Reviewer"),
    "staff": _l("Staff"),
    "admin": _l("Administrator"),
}


class GrantRoleForm(FlaskForm):
    roles = SelectMultipleField(
        _l("Roles"), choices=[(r.value, ROLE_LABELS[r.value]) for r in ROLES], validators=[Optional()]
    )
    submit = SubmitField(_l("Save roles"))
