"""Payment forms: the sandbox checkout buttons and the offline payment record."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, EmailField, HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from wcl.accounts.forms import GENDER_CHOICES
from wcl.forms import REQUIRED, MoneyField

METHOD_CHOICES = [
    ("cash", _l("Cash")),
    ("bank", _l("Bank transfer")),
    ("qr", _l("QR payment")),
]


class SandboxForm(FlaskForm):
    pay = SubmitField(_l("Pay (test)"))
    cancel = SubmitField(_l("Cancel"))
    fail = SubmitField(_l("Make the payment fail"))

    def outcome(self):
        for name in ("pay", "cancel", "fail"):
            if getattr(self, name).data:
                return name
        return None


class OfflinePaymentForm(FlaskForm):
    backer_name = StringField(_l("Backer's name"), validators=[DataRequired(REQUIRED), Length(max=120)])
    backer_email = EmailField(
        _l("Backer's email (optional)"),
        validators=[Optional(), Length(max=254)],
        description=_l("If given, the backer gets a confirmation and the campaign's news."),
    )
    amount = MoneyField(_l("Amount received"), validators=[InputRequired(REQUIRED)])
    currency = HiddenField()
    tier = SelectField(_l("Reward"), validators=[Optional()], validate_choice=False)
    method = SelectField(_l("How the money came"), choices=METHOD_CHOICES)
    received_on = DateField(_l("Day received"), validators=[DataRequired(REQUIRED)])
    reference = StringField(
        _l("Reference"),
        validators=[Optional(), Length(max=120)],
        description=_l("The bank or QR transfer number; for cash, the receipt book number if any."),
    )
    proof = FileField(
        _l("Proof of payment"),
        validators=[FileRequired(_l("Choose a file to upload."))],
        description=_l("A photo of the receipt or a screenshot/PDF of the transfer."),
        render_kw={"accept": "image/jpeg,image/png,image/webp,application/pdf"},
    )
    anonymous = BooleanField(_l("The backer wants to appear as \u201cAnonymous\u201d"))
    gender = SelectField(
        _l("Backer's gender (if she or he chose to say)"), choices=GENDER_CHOICES, validators=[Optional()]
    )
    submit = SubmitField(_l("Record the payment"))

    def tier_id(self):
        try:
            return int(self.tier.data) if self.tier.data else None
        except ValueError:
            return -1


class RefundForm(FlaskForm):
    """Staff refund: an amount (empty = everything that is left)."""

    amount = MoneyField(
        _l("Amount to refund"),
        validators=[Optional()],
        description=_l("Leave empty to refund everything that is left."),
    )
    confirm = BooleanField(
        _l("I understand: the money goes back to the backer and cannot be taken back."),
        validators=[DataRequired(_l("Tick the box to confirm. Nothing was changed."))],
    )
    submit = SubmitField(_l("Refund"))


class FollowForm(FlaskForm):
    """ "Follow this campaign" on the thank-you page (the CSRF token is its only field)."""

    submit = SubmitField(_l("Follow this campaign"))
