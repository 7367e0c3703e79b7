"""Outcomes forms. Every label and message is translated."""

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional

from wcl.forms import optional_select
from wcl.outcomes.labels import (
    INCOME_LABELS,
    MAPPING_DIMENSION_LABELS,
    MAPPING_LABELS,
    MONEY_USED_LABELS,
    REGISTRATION_LABELS,
)
from wcl.outcomes.models import (
    BUSINESS_SIZES,
    EXPORT_SHARES,
    MAX_EMPLOYEES,
    MAX_HOURS,
    SETTLEMENTS,
    TURNOVER_BANDS,
)
from wcl.reference import CREATIVE_DOMAIN_CODES, REGION_CODES, creative_domain_label, region_name

NUMBER = _l("Please enter a number from %(min)s to %(max)s.")


def _choices(labels):
    return list(labels.items())


class FollowUpForm(FlaskForm):
    """The follow-up questions; every answer optional until she sends them."""

    income_band = RadioField(
        _l("How much do you earn from your creative work?"),
        choices=_choices(INCOME_LABELS),
        validators=[Optional()],
    )
    hours_per_week = IntegerField(
        _l("How many hours a week do you spend on it?"),
        validators=[Optional(), NumberRange(0, MAX_HOURS, message=NUMBER)],
        render_kw={"inputmode": "numeric"},
    )
    employees_women = IntegerField(
        _l("How many women work with you (not counting you)?"),
        validators=[Optional(), NumberRange(0, MAX_EMPLOYEES, message=NUMBER)],
        render_kw={"inputmode": "numeric"},
    )
    employees_men = IntegerField(
        _l("How many men work with you?"),
        validators=[Optional(), NumberRange(0, MAX_EMPLOYEES, message=NUMBER)],
        render_kw={"inputmode": "numeric"},
    )
    registration = RadioField(
        _l("Is your business registered?"), choices=_choices(REGISTRATION_LABELS), validators=[Optional()]
    )
    online_sales = RadioField(
        _l("Do you sell online?"), choices=[("yes", _l("Yes")), ("no", _l("No"))], validators=[Optional()]
    )
    money_used = RadioField(
        _l("Have you used money from a campaign or a grant?"),
        choices=_choices(MONEY_USED_LABELS),
        validators=[Optional()],
    )
    recommend = SelectField(
        _l("How likely are you to recommend the lab to a friend? (0 = not at all, 10 = certainly)"),
        choices=[("", "—")] + [(str(n), str(n)) for n in range(11)],
        validators=[Optional()],
    )
    save = SubmitField(_l("Save and finish later"))
    finish = SubmitField(_l("Send my answers"))

    def answers(self):
        """The answers as the service takes them."""
        return {
            name: self[name].data
            for name in (
                "income_band",
                "hours_per_week",
                "employees_women",
                "employees_men",
                "registration",
                "online_sales",
                "money_used",
                "recommend",
            )
        }

    def fill(self, follow_up):
        """Show what she saved before."""
        for name in ("income_band", "registration", "money_used"):
            self[name].data = getattr(follow_up, name)
        for name in ("hours_per_week", "employees_women", "employees_men"):
            self[name].data = getattr(follow_up, name)
        if follow_up.online_sales is not None:
            self.online_sales.data = "yes" if follow_up.online_sales else "no"
        if follow_up.recommend is not None:
            self.recommend.data = str(follow_up.recommend)


class StopForm(FlaskForm):
    """ "Stop asking me" (CSRF only; the view also wants the "I understand" box)."""


class ConsentForm(FlaskForm):
    """Give consent to follow-up contact again (the box must be ticked), or withdraw it."""

    agree = BooleanField(
        _l("I agree that the Women's Creative Lab may send me follow-up questions about my work.")
    )
    grant = SubmitField(_l("Give my consent"))
    withdraw = SubmitField(_l("Withdraw my consent"))


def domain_choices():
    return [("", "—")] + [(c, creative_domain_label(c)) for c in CREATIVE_DOMAIN_CODES]


def region_choices():
    locale = str(get_locale() or "en")
    return [("", "—")] + [(c, region_name(c, locale)) for c in REGION_CODES]


def _mapping_choices(dimension, codes):
    return [(c, MAPPING_LABELS[f"{dimension}:{c}"]) for c in codes]


class MappingForm(FlaskForm):
    """The annual mapping survey. Choices are not checked here: the service refuses an
    unknown value with its own message, so a crafted post gets the same answer."""

    creative_domain = optional_select(_l("Creative domain"), domain_choices)
    region = optional_select(
        _l("Region"), region_choices, _l("Only the region is asked, never a village or address.")
    )
    settlement = RadioField(
        _l("Urban or rural"),
        choices=_mapping_choices("settlement", SETTLEMENTS),
        validators=[Optional()],
        validate_choice=False,
    )
    size = RadioField(
        _l("How many people work in your business, you included?"),
        choices=_mapping_choices("size", BUSINESS_SIZES),
        validators=[Optional()],
        validate_choice=False,
    )
    turnover_band = RadioField(
        MAPPING_DIMENSION_LABELS["turnover_band"],
        choices=_mapping_choices("turnover_band", TURNOVER_BANDS),
        validators=[Optional()],
        validate_choice=False,
    )
    employees_women = IntegerField(
        MAPPING_LABELS["employees_women"],
        validators=[Optional(), NumberRange(0, MAX_EMPLOYEES, message=NUMBER)],
        render_kw={"inputmode": "numeric"},
    )
    employees_men = IntegerField(
        MAPPING_LABELS["employees_men"],
        validators=[Optional(), NumberRange(0, MAX_EMPLOYEES, message=NUMBER)],
        render_kw={"inputmode": "numeric"},
    )
    exports = RadioField(
        _l("Do you sell abroad?"),
        choices=[("yes", _l("Yes")), ("no", _l("No"))],
        validators=[Optional()],
        validate_choice=False,
    )
    export_share = RadioField(
        _l("If you sell abroad: what share of your sales?"),
        choices=_mapping_choices("export_share", EXPORT_SHARES),
        validators=[Optional()],
        validate_choice=False,
    )
    email = StringField(
        _l("Email (optional)"),
        validators=[Optional(), Length(max=254)],
        description=_l("Only to send you a copy of your answers. It is not kept with them."),
        render_kw={"type": "email", "autocomplete": "email"},
    )
    consent = BooleanField(
        _l(
            "I agree that my answers are used for the annual mapping of creative entrepreneurs and "
            "published only as protected totals in which nobody can be recognised."
        )
    )
    submit = SubmitField(_l("Send my answers"))

    QUESTIONS = (
        "creative_domain",
        "region",
        "settlement",
        "size",
        "turnover_band",
        "employees_women",
        "employees_men",
        "exports",
        "export_share",
    )

    def answers(self):
        return {name: self[name].data for name in self.QUESTIONS}


class AlumniProfileForm(FlaskForm):
    """Her public alumni profile: only what she wants shown. No village field."""

    display_name = StringField(
        _l("Name to show"),
        validators=[Length(max=80)],
        description=_l("Shown to everyone in the directory."),
    )
    creative_domain = optional_select(_l("Creative domain"), domain_choices)
    region = optional_select(
        _l("Region"), region_choices, _l("Only the region is shown, never a village or address.")
    )
    bio = TextAreaField(
        _l("A few words about your work"),
        validators=[Optional()],
        description=_l(
            "Up to 1,000 characters. Formatting: **bold**, *italic*, lists (lines starting with -) and links."
        ),
    )
    link1 = StringField(_l("Link (https://…)"), validators=[Optional()], render_kw={"type": "url"})
    link2 = StringField(_l("Another link"), validators=[Optional()], render_kw={"type": "url"})
    link3 = StringField(_l("Another link"), validators=[Optional()], render_kw={"type": "url"})
    consent = BooleanField(
        _l("I agree to be shown in the public alumni directory. I can hide or delete my profile at any time.")
    )
    submit = SubmitField(_l("Save my profile"))

    def data_for_service(self):
        from flask import request

        data = {
            name: self[name].data for name in ("display_name", "creative_domain", "region", "bio", "consent")
        }
        data["links"] = [self.link1.data, self.link2.data, self.link3.data]
        # A request to show a village or who she is (an old form, a crafted post)
        # reaches the service, which refuses it.
        for key in ("village", "locality", "address", "birth_year", "age", "gender", "disability"):
            data[key] = request.form.get(key, "")
        return data

    def fill(self, profile):
        for name in ("display_name", "creative_domain", "region", "bio"):
            self[name].data = getattr(profile, name)
        for field, link in zip((self.link1, self.link2, self.link3), profile.links or (), strict=False):
            field.data = link
        self.consent.data = True
