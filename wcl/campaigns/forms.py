"""Campaign forms. Labels and messages are translated; services do the real checks."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from wcl.accounts.forms import GENDER_CHOICES, creative_domain_choices, region_choices
from wcl.campaigns.models import MAX_COMMENT_CHARS, Delivery, FundingModel, UpdateVisibility
from wcl.forms import REQUIRED, MoneyField, TranslationFields, add_translation_fields
from wcl.i18n import current_locale
from wcl.money import CURRENCIES
from wcl.time import local_to_utc, local_zone

CURRENCY_CHOICES = [(c, c) for c in CURRENCIES]
FUNDING_CHOICES = [
    (FundingModel.KEEP_IT_ALL, _l("Keep it all: I receive what is raised, even below the goal")),
    (FundingModel.ALL_OR_NOTHING, _l("All or nothing: backers are refunded if the goal is not reached")),
]
DELIVERY_CHOICES = [
    (Delivery.PICKUP, _l("Pick up at the lab")),
    (Delivery.SHIPPING, _l("Sent by post")),
    (Delivery.EITHER, _l("Pick up at the lab or sent by post")),
]
LANGUAGE_CHOICES = [("ky", _l("Kyrgyz")), ("ru", _l("Russian")), ("en", _l("English"))]
# Labels of the translation fields, per language.
TITLE_LABELS = {"ky": _l("Title (Kyrgyz)"), "ru": _l("Title (Russian)"), "en": _l("Title (English)")}
SUMMARY_LABELS = {"ky": _l("Summary (Kyrgyz)"), "ru": _l("Summary (Russian)"), "en": _l("Summary (English)")}
TEXT_LABELS = {"ky": _l("Text (Kyrgyz)"), "ru": _l("Text (Russian)"), "en": _l("Text (English)")}
DESCRIPTION_LABELS = {
    "ky": _l("Description (Kyrgyz)"),
    "ru": _l("Description (Russian)"),
    "en": _l("Description (English)"),
}
VISIBILITY_CHOICES = [
    (UpdateVisibility.PUBLIC, _l("Everyone")),
    (UpdateVisibility.BACKERS, _l("Backers only")),
]


def _zone():
    # Flask-Babel hands out pytz zones; ``replace(tzinfo=pytz_zone)`` would use the
    # zone's first historical offset (LMT +4:58 for Bishkek), so use zoneinfo.
    return ZoneInfo(str(local_zone()))


def start_of_day(day):
    """A date typed in a form → the start of that day in the viewer's zone, in UTC."""
    return local_to_utc(datetime.combine(day, time.min), _zone()) if day else None


def end_of_day(day):
    """A last day typed in a form → the start of the next day (exclusive deadline), in UTC."""
    return local_to_utc(datetime.combine(day + timedelta(days=1), time.min), _zone()) if day else None


def _campaign_basics(form):
    """What every campaign form sends the service alike: its texts, goal and currency, and its
    first and last days as UTC moments (``starts_on``/``ends_on`` → ``starts_at``/``ends_at``)."""
    return {
        "title": form.title.data,
        "summary": form.summary.data,
        "story": form.story.data,
        "goal": form.goal.data,
        "currency": form.currency.data,
        "starts_at": start_of_day(form.starts_on.data),
        "ends_at": end_of_day(form.ends_on.data),
    }


def _region_choices_required():
    return [c for c in region_choices() if c[0]]


def _domain_choices_required():
    return [c for c in creative_domain_choices() if c[0]]


class CampaignForm(TranslationFields, FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(REQUIRED), Length(max=120)])
    summary = TextAreaField(
        lazy_pgettext("campaign", "Summary"),
        validators=[DataRequired(REQUIRED), Length(max=300)],
        description=_l("One or two sentences shown in the list of campaigns."),
    )
    story = TextAreaField(
        _l("Your story"),
        validators=[Optional(), Length(max=20000)],
        description=_l(
            "What you make, who you are, what the money will change. "
            "Formatting: **bold**, *italic*, lists (lines starting with -) and links."
        ),
        render_kw={"rows": 12},
    )
    cover = FileField(
        _l("Cover photo"),
        description=_l("A JPEG or PNG photo, at most 10 MB. It is resized for phones."),
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
    )
    photo_consent = BooleanField(_l("Everyone shown in my photos agreed that the photos can be published."))
    goal = MoneyField(_l("Goal"), validators=[InputRequired(REQUIRED)])
    currency = SelectField(_l("Currency"), choices=CURRENCY_CHOICES, default="KGS")
    starts_on = DateField(_l("First day"), validators=[DataRequired(REQUIRED)])
    ends_on = DateField(
        _l("Last day"),
        validators=[DataRequired(REQUIRED)],
        description=_l("At most 90 days after the first day."),
    )
    funding_model = RadioField(
        _l("If the goal is not reached"), choices=FUNDING_CHOICES, default=FundingModel.KEEP_IT_ALL
    )
    region = SelectField(
        _l("Region"),
        choices=_region_choices_required,
        description=_l("Shown instead of your village."),
    )
    creative_domain = SelectField(_l("Creative field"), choices=_domain_choices_required)
    creator_name = StringField(
        _l("Name shown on the page"),
        validators=[DataRequired(REQUIRED), Length(max=80)],
        description=_l("Your name, or a pseudonym if you prefer."),
    )
    # Defaults to the language she reads the site in; the service checks the choice.
    language = SelectField(
        _l("The language you write in"),
        choices=LANGUAGE_CHOICES,
        default=current_locale,
        validate_choice=False,
    )
    submit = SubmitField(_l("Save the draft"))

    def fill_campaign_translations(self, campaign):
        """Show the language and the stored translations (GET of the edit page)."""
        self.language.data = campaign.language
        self.fill_translations(campaign.translations, {"story": "story_md"})

    def values(self):
        """The fields as the service expects them (dates turned into UTC moments)."""
        return {
            "language": self.language.data,
            "translations": self.translation_values(),
            **_campaign_basics(self),
            "funding_model": self.funding_model.data,
            "region": self.region.data,
            "creative_domain": self.creative_domain.data,
            "creator_name": self.creator_name.data,
            "photo_consent": self.photo_consent.data,
        }


# Translations (optional): another language's title, summary and story.
add_translation_fields(
    CampaignForm,
    "title",
    lambda label: StringField(label, validators=[Optional(), Length(max=120)]),
    TITLE_LABELS,
)
add_translation_fields(
    CampaignForm,
    "summary",
    lambda label: TextAreaField(label, validators=[Optional(), Length(max=300)]),
    SUMMARY_LABELS,
)
add_translation_fields(
    CampaignForm,
    "story",
    lambda label: TextAreaField(label, validators=[Optional(), Length(max=20000)], render_kw={"rows": 8}),
    TEXT_LABELS,
)


class BudgetLineForm(FlaskForm):
    description = StringField(_l("What it buys"), validators=[DataRequired(REQUIRED), Length(max=200)])
    amount = MoneyField(_l("Amount"), validators=[InputRequired(REQUIRED)])
    submit = SubmitField(_l("Add to the budget"))


class TierForm(TranslationFields, FlaskForm):
    title = StringField(_l("Reward"), validators=[DataRequired(REQUIRED), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    min_amount = MoneyField(_l("Minimum pledge"), validators=[InputRequired(REQUIRED)])
    quantity = IntegerField(
        _l("How many are available"),
        validators=[Optional(), NumberRange(1, 100000, _l("Enter a number from %(min)s to %(max)s."))],
        description=_l("Leave empty for no limit."),
        render_kw={"inputmode": "numeric"},
    )
    estimated_delivery = DateField(_l("Estimated delivery"), validators=[Optional()])
    delivery = SelectField(_l("Delivery"), choices=DELIVERY_CHOICES)
    pickup_lab_id = SelectField(
        _l("Lab for pick-up"), coerce=lambda v: int(v) if v else None, validators=[Optional()]
    )
    submit = SubmitField(_l("Add the reward"))

    def values(self):
        return {
            "title": self.title.data,
            "description": self.description.data,
            "min_amount": self.min_amount.data,
            "quantity": self.quantity.data,
            "estimated_delivery": self.estimated_delivery.data,
            "delivery": self.delivery.data,
            "pickup_lab_id": self.pickup_lab_id.data,
            "translations": self.translation_values(),
        }


# A reward's title and description in the campaign's other languages (optional).
add_translation_fields(
    TierForm,
    "title",
    lambda label: StringField(label, validators=[Optional(), Length(max=120)]),
    TITLE_LABELS,
)
add_translation_fields(
    TierForm,
    "description",
    lambda label: TextAreaField(label, validators=[Optional(), Length(max=2000)]),
    DESCRIPTION_LABELS,
)


class PledgeForm(FlaskForm):
    tier = RadioField(_l("Reward"), coerce=str, validators=[Optional()])
    amount = MoneyField(_l("Amount"), validators=[InputRequired(REQUIRED)])
    currency = HiddenField()
    name = StringField(_l("Your name"), validators=[Optional(), Length(max=120)])
    email = EmailField(
        _l("Email"),
        validators=[Optional(), Length(max=254)],
        description=_l("We send the confirmation here."),
        render_kw={"autocomplete": "email"},
    )
    anonymous = BooleanField(_l("Show me as \u201cAnonymous\u201d in the list of backers"))
    gender = SelectField(
        _l("Gender (optional)"),
        choices=GENDER_CHOICES,
        validators=[Optional()],
        description=_l(
            "Only counted, without names, to report how many women and men support women creators."
        ),
    )
    submit = SubmitField(_l("Continue to payment"))

    def offer(self, tiers):
        """Offer ``tiers`` as the choices; an unknown tier is refused by the service, with a clear message."""
        self.tier.choices = [("", _l("No reward, I just want to support"))] + [
            (str(t.id), t.shown("title", current_locale())) for t in tiers
        ]
        self.tier.validate_choice = False

    def tier_id(self):
        try:
            return int(self.tier.data) if self.tier.data else None
        except ValueError:
            return -1  # not one of the choices: the service refuses it


class UpdateForm(TranslationFields, FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(REQUIRED), Length(max=120)])
    body = TextAreaField(
        _l("News"), validators=[DataRequired(REQUIRED), Length(max=20000)], render_kw={"rows": 8}
    )
    visibility = RadioField(
        _l("Who can read it"), choices=VISIBILITY_CHOICES, default=UpdateVisibility.PUBLIC
    )
    submit = SubmitField(_l("Post the update"))


# An update's title and text in the campaign's other languages (optional).
add_translation_fields(
    UpdateForm,
    "title",
    lambda label: StringField(label, validators=[Optional(), Length(max=120)]),
    TITLE_LABELS,
)
add_translation_fields(
    UpdateForm,
    "body",
    lambda label: TextAreaField(label, validators=[Optional(), Length(max=20000)], render_kw={"rows": 8}),
    TEXT_LABELS,
)


class UpdateEditForm(UpdateForm):
    """An update corrected after it was posted: who may read it stays as it was."""

    visibility = None
    submit = SubmitField(_l("Save the update"))

    def fill_update(self, update):
        """Show the stored update and its translations (GET of the edit page)."""
        self.title.data, self.body.data = update.title, update.body_md
        self.fill_translations(update.translations, {"body": "body_md"})


class CommentForm(FlaskForm):
    # No length validator here: the service counts after normalising line breaks
    # (browsers send CRLF) and refuses with a clear message.
    body = TextAreaField(
        _l("Your comment"),
        description=_l("Plain text, at most %(n)d characters. Everyone can read it.", n=MAX_COMMENT_CHARS),
        render_kw={"rows": 3, "maxlength": MAX_COMMENT_CHARS, "required": True},
    )
    submit = SubmitField(_l("Post the comment"))


class ReviewForm(FlaskForm):
    comment = TextAreaField(
        _l("Comments for the creator"),
        validators=[Optional(), Length(max=4000)],
        description=_l("Needed when you return the campaign."),
    )
    approve = SubmitField(_l("Approve"))
    send_back = SubmitField(_l("Return with comments"))


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Confirm"))


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("Confirm"))


class CancelForm(ReasonForm):
    """Staff cancel a campaign: a reason and the "I understand" box (it cannot be undone)."""

    confirm = BooleanField(
        _l("I understand: the campaign ends now and every paid pledge is refunded. This cannot be undone."),
        validators=[DataRequired(_l("Tick the box to confirm. Nothing was changed."))],
    )


class PoolForm(FlaskForm):
    sponsor_name = StringField(_l("Sponsor"), validators=[DataRequired(REQUIRED), Length(max=120)])
    budget = MoneyField(_l("Budget"), validators=[InputRequired(REQUIRED)])
    currency = SelectField(_l("Currency"), choices=CURRENCY_CHOICES, default="KGS")
    # InputRequired, not DataRequired: a 0 typed in is out of range, not missing (the service says so).
    ratio_num = IntegerField(_l("The sponsor adds"), default=1, validators=[InputRequired(REQUIRED)])
    ratio_den = IntegerField(_l("for every"), default=1, validators=[InputRequired(REQUIRED)])
    cap_per_pledge = MoneyField(_l("At most per pledge"), validators=[Optional()])
    cap_per_campaign = MoneyField(_l("At most per campaign"), validators=[Optional()])
    starts_on = DateField(_l("First day"), validators=[DataRequired(REQUIRED)])
    ends_on = DateField(_l("Last day"), validators=[DataRequired(REQUIRED)])
    campaigns = SelectMultipleField(_l("Campaigns it matches"), coerce=int, validators=[Optional()])
    active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save the pool"))

    def values(self):
        return {
            "sponsor_name": self.sponsor_name.data,
            "budget": self.budget.data,
            "currency": self.currency.data,
            "ratio_num": self.ratio_num.data,
            "ratio_den": self.ratio_den.data,
            "cap_per_pledge": self.cap_per_pledge.data,
            "cap_per_campaign": self.cap_per_campaign.data,
            "starts_at": start_of_day(self.starts_on.data),
            "ends_at": end_of_day(self.ends_on.data),
            "campaign_ids": self.campaigns.data or [],
            "active": self.active.data,
        }


class ExchangeRateForm(FlaskForm):
    """Staff enter a rate: how many som one dollar, rouble or euro is worth on a date."""

    currency = SelectField(_l("Currency"), choices=[("USD", "USD"), ("RUB", "RUB"), ("EUR", "EUR")])
    rate = MoneyField(_l("Som for one unit"), validators=[InputRequired(REQUIRED)])
    as_of = DateField(_l("Rate of"), validators=[InputRequired(REQUIRED)])
    submit = SubmitField(_l("Save the rate"))


class LabCampaignForm(FlaskForm):
    """Staff create the lab's own campaign: which lab, where its money goes, and the campaign."""

    lab = SelectField(_l("Lab"), coerce=int, validators=[InputRequired(REQUIRED)])
    destination = SelectField(
        _l("Where the money goes"),
        validators=[DataRequired(REQUIRED)],
        description=_l("A matching pool or a grant fund of the same lab and currency."),
    )
    title = StringField(_l("Title"), validators=[DataRequired(REQUIRED), Length(max=120)])
    summary = TextAreaField(
        lazy_pgettext("campaign", "Summary"), validators=[DataRequired(REQUIRED), Length(max=300)]
    )
    story = TextAreaField(_l("Story"), validators=[Optional(), Length(max=20000)], render_kw={"rows": 8})
    goal = MoneyField(_l("Goal"), validators=[InputRequired(REQUIRED)])
    currency = SelectField(_l("Currency"), choices=CURRENCY_CHOICES, default="KGS")
    starts_on = DateField(_l("First day"), validators=[DataRequired(REQUIRED)])
    ends_on = DateField(_l("Last day"), validators=[DataRequired(REQUIRED)])
    submit = SubmitField(_l("Save the draft"))

    def values(self):
        kind, _sep, target = (self.destination.data or "").partition(":")
        target = int(target) if target.isdigit() else None
        return {
            "lab_id": self.lab.data,
            "pool_id": target if kind == "pool" else None,
            "fund_id": target if kind == "fund" else None,
            **_campaign_basics(self),
            "funding_model": FundingModel.KEEP_IT_ALL,
        }
